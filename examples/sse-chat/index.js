// An AI-chat style endpoint: streams a fake completion token by token as Server-Sent Events.
// Each event is enqueued as soon as it is "generated" and reaches the client at once.

const REPLY =
  "Edge streams every token to the client the moment the app enqueues it, " +
  "so chat answers appear word by word instead of all at the end.";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname !== "/chat") {
      return new Response("POST or GET /chat?delay=MS to stream a completion\n");
    }
    const delay = Number(url.searchParams.get("delay") ?? 30);
    const encoder = new TextEncoder();
    const tokens = REPLY.split(/(?<= )/);
    const stream = new ReadableStream({
      async start(controller) {
        for (const [i, token] of tokens.entries()) {
          const event = { id: i, choices: [{ delta: { content: token } }] };
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
          if (delay > 0) await sleep(delay);
        }
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
      },
    });
  },
};
