// A TypeScript app: interfaces, generics and enums run as written, with types stripped on load.

enum Mood {
  Happy = "happy",
  Curious = "curious",
}

interface Greeting {
  message: string;
  mood: Mood;
  at: string;
}

function wrap<T>(data: T, status: number = 200): Response {
  return Response.json({ ok: status < 400, data }, { status });
}

class Greeter {
  constructor(private readonly name: string) {}

  greet(mood: Mood): Greeting {
    return { message: `Hello, ${this.name}!`, mood, at: new Date().toISOString() };
  }
}

export default {
  async fetch(request: Request, env: Record<string, string>): Promise<Response> {
    const url = new URL(request.url);
    const name = url.searchParams.get("name") ?? env.NAME ?? "world";
    const mood = url.searchParams.has("curious") ? Mood.Curious : Mood.Happy;
    return wrap<Greeting>(new Greeter(name).greet(mood));
  },
};
