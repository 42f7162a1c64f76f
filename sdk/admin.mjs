// A client of an Edge node's admin API, for scripts and tools (Node 18+, Deno, Bun, or an
// Edge app): each method is one call, resolving with the parsed JSON answer, or rejecting
// with an AdminError that carries the node's status, error code and message.

export class AdminError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "AdminError";
    this.status = status;
    this.code = code;
  }
}

const enc = encodeURIComponent;

export function createAdminClient({ url, token, fetch: fetchImpl = globalThis.fetch }) {
  if (!url) throw new TypeError("createAdminClient: `url` is required (the node's admin address)");
  const base = String(url).replace(/\/+$/, "");

  async function call(method, path, body, contentType) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = contentType ?? "application/json";
    const res = await fetchImpl(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : contentType ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try {
      json = text === "" ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    if (!res.ok) {
      const error = json?.error ?? {};
      throw new AdminError(res.status, error.code ?? "http_error", error.message ?? (text || res.statusText));
    }
    return json ?? text;
  }

  return {
    node: () => call("GET", "/v1/node"),
    apps: () => call("GET", "/v1/apps"),
    app: (app) => call("GET", `/v1/apps/${enc(app)}`),
    putSettings: (app, settings) => call("PUT", `/v1/apps/${enc(app)}`, settings),
    deleteApp: (app) => call("DELETE", `/v1/apps/${enc(app)}`),
    versions: (app) => call("GET", `/v1/apps/${enc(app)}/versions`),
    /** Uploads a bundle (a tar with manifest.json); activates it unless `activate: false`. */
    deploy: (app, bundle, { activate = true } = {}) =>
      call("POST", `/v1/apps/${enc(app)}/versions?activate=${activate}`, bundle, "application/x-tar"),
    activate: (app, version) => call("POST", `/v1/apps/${enc(app)}/versions/${enc(version)}/activate`),
    rollback: (app, version) => call("POST", `/v1/apps/${enc(app)}/rollback`, version === undefined ? {} : { version }),
    vars: (app) => call("GET", `/v1/apps/${enc(app)}/vars`),
    putVars: (app, vars) => call("PUT", `/v1/apps/${enc(app)}/vars`, vars),
    secrets: (app) => call("GET", `/v1/apps/${enc(app)}/secrets`),
    putSecret: (app, name, value) => call("PUT", `/v1/apps/${enc(app)}/secrets/${enc(name)}`, { value }),
    deleteSecret: (app, name) => call("DELETE", `/v1/apps/${enc(app)}/secrets/${enc(name)}`),
    routes: (app) => call("GET", `/v1/apps/${enc(app)}/routes`),
    putRoutes: (app, routes) => call("PUT", `/v1/apps/${enc(app)}/routes`, { routes }),
    runScheduled: (app, cron) => call("POST", `/v1/apps/${enc(app)}/scheduled`, cron === undefined ? {} : { cron }),
    metrics: () => call("GET", "/v1/metrics"),
  };
}
