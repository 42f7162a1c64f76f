// The smallest Edge app: answer every request with a greeting.
export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    return new Response(`Hello from Edge! You asked for ${url.pathname}\n`, {
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  },
};
