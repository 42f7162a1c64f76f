// Types of `admin.mjs`, the client of an Edge node's admin API.

export declare class AdminError extends Error {
  readonly status: number;
  readonly code: string;
}

export interface Route {
  host: string;
  path?: string;
}

export interface Settings {
  memory_mib?: number;
  cpu_ms?: number;
  wall_ms?: number;
  subrequests?: number;
  body_mib?: number;
  workers?: number;
  allowed_hosts?: string[];
  node_compat?: boolean;
  kv_namespaces?: { binding: string; id?: string }[];
  d1_databases?: { binding: string; id?: string }[];
  services?: { binding: string; service: string }[];
  crons?: string[];
  queue_producers?: { binding: string; queue: string }[];
  queue_consumers?: { queue: string; max_batch_size?: number; max_retries?: number }[];
}

export interface AdminClient {
  node(): Promise<Record<string, unknown>>;
  apps(): Promise<{ apps: Record<string, unknown>[] }>;
  app(app: string): Promise<Record<string, unknown>>;
  putSettings(app: string, settings: Settings): Promise<unknown>;
  deleteApp(app: string): Promise<unknown>;
  versions(app: string): Promise<Record<string, unknown>>;
  deploy(app: string, bundle: Uint8Array | ArrayBuffer | Blob, options?: { activate?: boolean }): Promise<{ version: number } & Record<string, unknown>>;
  activate(app: string, version: number): Promise<unknown>;
  rollback(app: string, version?: number): Promise<unknown>;
  vars(app: string): Promise<{ vars: Record<string, string> }>;
  putVars(app: string, vars: Record<string, string>): Promise<unknown>;
  secrets(app: string): Promise<unknown>;
  putSecret(app: string, name: string, value: string): Promise<unknown>;
  deleteSecret(app: string, name: string): Promise<unknown>;
  routes(app: string): Promise<{ routes: Route[] }>;
  putRoutes(app: string, routes: Route[]): Promise<unknown>;
  runScheduled(app: string, cron?: string): Promise<{ app: string; cron: string; outcome: string }>;
  metrics(): Promise<string>;
}

export declare function createAdminClient(options: {
  /** The node's admin address, say http://127.0.0.1:9090. */
  url: string;
  token?: string;
  fetch?: typeof fetch;
}): AdminClient;
