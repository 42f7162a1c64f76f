// The benchmark app for Node.js in its native style (node:http), with the same routes and
// the same work as fetch-app.js.
import http from "node:http";
import { createHash } from "node:crypto";

const EVENT = Buffer.from("data: " + "x".repeat(1024 - 8) + "\n\n");
const EVENTS = 100;
const ITEMS = JSON.stringify(
  Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ["a", "b"], score: i * 1.5 })),
);
const port = Number(process.env.PORT);

http
  .createServer((req, res) => {
    switch (req.url) {
      case "/hello":
        res.end("Hello World");
        return;
      case "/sse":
      case "/sse-start":
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        for (let i = 0; i < EVENTS; i++) res.write(EVENT);
        res.end();
        return;
      case "/json": {
        const items = JSON.parse(ITEMS);
        items[0].score += 1;
        const text = JSON.stringify(items);
        res.setHeader("content-type", "text/plain");
        res.end(createHash("sha256").update(text).digest("hex"));
        return;
      }
      case "/echo":
        req.pipe(res);
        return;
      default:
        res.statusCode = 404;
        res.end("not found");
    }
  })
  .listen(port, "127.0.0.1");
