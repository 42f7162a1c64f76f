// A room-based chat on WebSocketPair, with its page served by the same app.
//   GET /                    the page (?room=NAME&name=YOU joins at once)
//   GET /rooms/NAME?name=YOU  the WebSocket: JSON events { type: "join" | "leave" | "message" }
// Rooms live in the isolate's memory: every socket of a room must reach the same isolate,
// which holds under `edge dev` and for an app served by one isolate. The last 50 messages of a
// room are replayed to whoever joins.

const rooms = new Map();
const HISTORY = 50;

function room(name) {
  let r = rooms.get(name);
  if (!r) {
    r = { members: new Set(), history: [] };
    rooms.set(name, r);
  }
  return r;
}

function broadcast(r, event) {
  const data = JSON.stringify(event);
  if (event.type === "message") {
    r.history.push(data);
    if (r.history.length > HISTORY) r.history.shift();
  }
  for (const socket of r.members) {
    try {
      socket.send(data);
    } catch {
      r.members.delete(socket);
    }
  }
}

function join(roomName, name) {
  const [client, server] = Object.values(new WebSocketPair());
  server.accept();
  const r = room(roomName);
  for (const data of r.history) server.send(data);
  r.members.add(server);
  broadcast(r, { type: "join", name });
  server.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    const text = event.data.slice(0, 2000).trim();
    if (text) broadcast(r, { type: "message", from: name, text });
  });
  server.addEventListener("close", () => {
    r.members.delete(server);
    broadcast(r, { type: "leave", name });
    if (r.members.size === 0 && r.history.length === 0) rooms.delete(roomName);
  });
  return new Response(null, { status: 101, webSocket: client });
}

export default {
  fetch(request) {
    const url = new URL(request.url);
    const match = url.pathname.match(/^\/rooms\/([^/]{1,64})$/);
    if (match) {
      if (request.headers.get("upgrade") !== "websocket") {
        return new Response("this is a WebSocket endpoint\n", { status: 426, headers: { upgrade: "websocket" } });
      }
      const name = (url.searchParams.get("name") ?? "").trim().slice(0, 32) || "anonymous";
      return join(decodeURIComponent(match[1]), name);
    }
    if (url.pathname === "/") {
      return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    return new Response("not found\n", { status: 404 });
  },
};

const PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Edge chat</title>
<style>
  body { font: 16px system-ui, sans-serif; max-width: 40em; margin: 2em auto; }
  #log { list-style: none; padding: 0; min-height: 10em; border: 1px solid #ccc; }
  #log li { padding: 0.2em 0.5em; }
  #log li.system { color: #777; font-style: italic; }
</style>
<h1>Edge chat</h1>
<form id="join">
  <input id="name" placeholder="your name" required>
  <input id="room" placeholder="room" required>
  <button>Join</button>
</form>
<section id="chat" hidden>
  <h2 id="title"></h2>
  <ul id="log"></ul>
  <form id="say"><input id="text" autocomplete="off" placeholder="message"> <button>Send</button></form>
</section>
<script>
  const $ = (id) => document.getElementById(id);
  let socket;
  function add(text, cls) {
    const li = document.createElement("li");
    li.textContent = text;
    if (cls) li.className = cls;
    $("log").append(li);
  }
  function join(name, room) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(scheme + "://" + location.host + "/rooms/" + encodeURIComponent(room) + "?name=" + encodeURIComponent(name));
    socket.onopen = () => {
      $("join").hidden = true;
      $("chat").hidden = false;
      $("title").textContent = "Room " + room;
    };
    socket.onmessage = (event) => {
      const e = JSON.parse(event.data);
      if (e.type === "message") add(e.from + ": " + e.text);
      else add(e.name + (e.type === "join" ? " joined" : " left"), "system");
    };
    socket.onclose = () => add("disconnected", "system");
  }
  $("join").onsubmit = (event) => {
    event.preventDefault();
    join($("name").value, $("room").value);
  };
  $("say").onsubmit = (event) => {
    event.preventDefault();
    if ($("text").value && socket?.readyState === WebSocket.OPEN) socket.send($("text").value);
    $("text").value = "";
  };
  const params = new URLSearchParams(location.search);
  if (params.get("name") && params.get("room")) join(params.get("name"), params.get("room"));
</script>
</html>
`;
