// Streams the request body straight back: the upload is never held in memory as a whole.
export default {
  fetch(request) {
    if (request.method === "GET" || request.method === "HEAD") {
      return new Response("POST a body and it comes back as it arrives\n");
    }
    return new Response(request.body, {
      headers: {
        "content-type": request.headers.get("content-type") ?? "application/octet-stream",
      },
    });
  },
};
