// The benchmark app in the fetch-handler style, served unchanged by Edge, Deno (`deno serve`),
// Bun and workerd. Every scenario is one route, so each runtime runs the same code.

const EVENT = "data: " + "x".repeat(1024 - 8) + "\n\n"; // one 1 KiB SSE event
const EVENTS = 100;
const ITEMS = JSON.stringify(
  Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ["a", "b"], score: i * 1.5 })),
);
const encoder = new TextEncoder();
const eventBytes = encoder.encode(EVENT);

function hex(buffer) {
  let out = "";
  for (const b of new Uint8Array(buffer)) out += b.toString(16).padStart(2, "0");
  return out;
}

const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };

export default {
  // Bun refuses request bodies over 128 MiB unless told otherwise (the echo sends 1 GiB).
  maxRequestBodySize: Number.MAX_SAFE_INTEGER,
  async fetch(request) {
    const url = request.url;
    const path = url.slice(url.indexOf("/", 8));
    switch (path) {
      case "/hello":
        return new Response("Hello World");
      case "/sse": {
        // Pull-based: one event per pull.
        let sent = 0;
        return new Response(
          new ReadableStream({
            pull(controller) {
              controller.enqueue(eventBytes);
              if (++sent === EVENTS) controller.close();
            },
          }),
          { headers: sseHeaders },
        );
      }
      case "/sse-start":
        // All events enqueued in start().
        return new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < EVENTS; i++) controller.enqueue(eventBytes);
              controller.close();
            },
          }),
          { headers: sseHeaders },
        );
      case "/json": {
        const items = JSON.parse(ITEMS);
        items[0].score += 1;
        const text = JSON.stringify(items);
        const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
        return new Response(hex(digest), { headers: { "content-type": "text/plain" } });
      }
      case "/echo":
        return new Response(request.body);
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
