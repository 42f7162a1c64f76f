//! The multi-tenant host: many apps side by side on one set of worker threads, each app with
//! its own isolates (never shared), its own limits (heap, CPU time, wall time, subrequests and
//! body size per request), its own `env`, its own module root and its own outbound allow list.
//! An app's isolate loads on its first request; one that hits a limit is dropped and the next
//! request gets a fresh one; the least recently used are unloaded beyond a cap, and idle ones
//! on request. Each app's console output is kept for tailing and its counters are exported as
//! Prometheus text. The app table is read without a lock on the request path.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use edge_runtime::bindings::{Binding, BindingKind};
use edge_runtime::{
    AppRequest, AppResponse, Body, DispatchError, IsolateOptions, Limit, LogLevel, LogSink,
    OutboundConfig,
};

use crate::app::{AppConfig, AppHost};
use crate::error::HostError;
use crate::outbound::{AddrRange, HostRule, NetPolicy};
use crate::worker::WorkerPool;

/// The limits of one app; the defaults are the peers' usual ones.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The engine heap of each isolate.
    pub memory: usize,
    /// CPU time of JavaScript per request.
    pub cpu: Duration,
    /// Time from a request to its response head.
    pub wall: Duration,
    /// `fetch()` calls per request.
    pub subrequests: u32,
    /// Bytes of a request body.
    pub body_bytes: u64,
    /// Worker threads (`node:worker_threads`, Web `Worker`) the app may run at once.
    pub workers: usize,
    /// WebSockets the app may hold open at once (accepted ones; its isolates' clients count
    /// against their sockets).
    pub websockets: usize,
    /// The largest WebSocket message, in bytes.
    pub websocket_message: usize,
    /// A WebSocket with no message either way for this long is closed.
    pub websocket_idle: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: 128 << 20,
            cpu: Duration::from_millis(50),
            wall: Duration::from_secs(30),
            subrequests: 50,
            body_bytes: 100 << 20,
            workers: 4,
            websockets: 10_000,
            websocket_message: edge_runtime::websocket::DEFAULT_MAX_MESSAGE,
            websocket_idle: Some(Duration::from_secs(600)),
        }
    }
}

/// Console lines kept per app for tailing.
const LOG_LINES: usize = 1000;

/// What a tenant deploys: its code, its variables and secrets, what it may reach, its limits.
#[derive(Clone, Debug)]
pub struct AppSpec {
    /// The entry module.
    pub entry: PathBuf,
    /// Modules load only from inside this directory.
    pub root: PathBuf,
    /// `env` of the fetch handler: the variables and secrets declared for the app, nothing else.
    pub env: Vec<(String, String)>,
    /// The hosts `fetch()` may reach; empty means none.
    pub allowed_hosts: Vec<HostRule>,
    pub limits: Limits,
    /// The version's label, reported with each response it serves (for access logs).
    pub version: String,
    /// Node's built-in modules and globals (on unless the app turns them off).
    pub node_compat: bool,
    /// KV namespaces on `env`.
    pub kv: Vec<KvBinding>,
    /// SQL databases (D1-style) on `env`.
    pub d1: Vec<KvBinding>,
    /// Other apps of the host on `env`, called with `fetch()`.
    pub services: Vec<ServiceBinding>,
    /// Queues the app sends to: the name on `env`, and the queue's (the app's own).
    pub queues: Vec<KvBinding>,
}

/// A service binding: the name on `env`, and the app it calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceBinding {
    pub binding: String,
    pub service: String,
}

/// A KV namespace or SQL database an app declares: the name on `env`, and the storage's id
/// (the app's own: the same id in two apps is two namespaces, two databases).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvBinding {
    pub binding: String,
    pub id: String,
}

impl Default for AppSpec {
    fn default() -> Self {
        AppSpec {
            entry: PathBuf::new(),
            root: PathBuf::new(),
            env: Vec::new(),
            allowed_hosts: Vec::new(),
            limits: Limits::default(),
            version: String::new(),
            node_compat: true,
            kv: Vec::new(),
            d1: Vec::new(),
            services: Vec::new(),
            queues: Vec::new(),
        }
    }
}

/// Node-wide settings.
#[derive(Clone)]
pub struct HostOptions {
    /// Let apps reach loopback and private addresses (an operator's choice; off by default).
    pub allow_private_network: bool,
    /// Non-public ranges apps may reach even so (an internal network of the operator's).
    pub open_ranges: Vec<AddrRange>,
    /// Extra CA certificates (PEM) trusted by outbound TLS.
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Where an app's console output goes, given the app's name (it is also kept for
    /// [`Host::logs`]).
    pub log: Arc<dyn Fn(&str) -> LogSink + Send + Sync>,
    /// Isolates kept loaded at most; beyond it the least recently used app is unloaded.
    pub max_loaded: usize,
    /// Isolates made ahead of time per worker, for cold starts.
    pub warm_per_worker: usize,
    /// Where apps' KV namespaces live; without it, an app declaring one does not load.
    pub kv: Option<Arc<dyn crate::kv::KvBackend>>,
    /// Where apps' SQL databases live (`<dir>/<app>/<id>.sqlite`); without it, an app
    /// declaring one does not load.
    pub d1_dir: Option<PathBuf>,
    /// Where apps' queues live; without it, an app declaring one does not load.
    pub queues: Option<crate::queue::QueueFile>,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            allow_private_network: false,
            open_ranges: Vec::new(),
            extra_ca_pem: None,
            log: Arc::new(|_| edge_runtime::stdio_sink()),
            max_loaded: 10_000,
            warm_per_worker: 1,
            kv: None,
            d1_dir: None,
            queues: None,
        }
    }
}

/// An app's counters.
#[derive(Default)]
struct Stats {
    requests: AtomicU64,
    /// By kind, in the order of [`ERROR_KINDS`].
    errors: [AtomicU64; 8],
    cold_starts: AtomicU64,
    /// Request to response head, summed.
    wall_ns: AtomicU64,
    /// When the app last got a request, in nanoseconds since the host started.
    last_used: AtomicU64,
    /// JavaScript CPU time, as its isolates charge it.
    cpu_ns: Arc<AtomicU64>,
    /// The serving isolate's engine heap, sampled.
    heap_bytes: Arc<AtomicU64>,
    /// WebSockets the app has open.
    websockets: Arc<AtomicUsize>,
}

const ERROR_KINDS: [&str; 8] = [
    "handler",
    "cpu_time",
    "memory",
    "wall_time",
    "overloaded",
    "unavailable",
    "body_too_large",
    "invalid_response",
];

fn error_kind(err: &HostError) -> usize {
    match err {
        HostError::Dispatch(DispatchError::Handler(_)) => 0,
        HostError::Dispatch(DispatchError::LimitExceeded(Limit::CpuTime)) => 1,
        HostError::Dispatch(DispatchError::LimitExceeded(Limit::Memory)) => 2,
        HostError::WallTimeExceeded => 3,
        HostError::Overloaded | HostError::TooManyWebSockets(_) => 4,
        HostError::BodyTooLarge => 6,
        HostError::Dispatch(DispatchError::InvalidResponse(_)) => 7,
        _ => 5,
    }
}

impl Tenant {
    /// Whether the app has WebSockets open (its isolates are then kept loaded).
    fn has_websockets(&self) -> bool {
        self.stats.websockets.load(Ordering::Acquire) > 0
    }
}

struct Tenant {
    app: AppHost,
    limits: Limits,
    version: Arc<str>,
    /// Kept across versions of the app, like its logs.
    stats: Arc<Stats>,
    logs: Arc<LogTail>,
    /// The app's worker threads, counted against `limits.workers`.
    workers: edge_runtime::WorkerLimits,
    /// The app's Cache API storage, kept across its versions.
    cache: Arc<edge_runtime::bindings::cache::MemoryCache>,
}

/// The Cache API storage of each app: 64 MiB, the least recently used entries going beyond.
pub const CACHE_BUDGET: usize = 64 << 20;

/// An app's recent console lines, and the live feed of new ones.
struct LogTail {
    lines: Mutex<VecDeque<String>>,
    live: tokio::sync::broadcast::Sender<String>,
}

impl LogTail {
    fn new() -> Self {
        LogTail {
            lines: Mutex::new(VecDeque::with_capacity(64)),
            live: tokio::sync::broadcast::channel(LIVE_LINES).0,
        }
    }

    /// Adds a line, dropping the oldest beyond [`LOG_LINES`], and sends it to live tails.
    fn push(&self, line: &str) {
        let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        if lines.len() == LOG_LINES {
            lines.pop_front();
        }
        lines.push_back(line.to_owned());
        // No receivers is the usual case: nobody is tailing.
        let _ = self.live.send(line.to_owned());
    }
}

/// Lines a slow live tail may fall behind before it skips ahead.
const LIVE_LINES: usize = 256;

/// Serves many apps; cheap to share between connection tasks.
pub struct Host {
    pool: Arc<WorkerPool>,
    options: HostOptions,
    origin: Instant,
    apps: ArcSwap<HashMap<String, Arc<Tenant>>>,
    /// Serializes changes to the app table (never taken on the request path).
    changes: Mutex<()>,
    /// The SQL databases open, shared by the versions of an app.
    databases: Mutex<HashMap<PathBuf, crate::sql::SqlFile>>,
    /// This host, for service bindings to call back into (unset unless made by `shared`).
    me: std::sync::Weak<Host>,
}

impl Host {
    pub fn new(pool: Arc<WorkerPool>, options: HostOptions) -> Self {
        crate::warm::keep_warm(&pool, options.warm_per_worker);
        Host {
            pool,
            options,
            origin: Instant::now(),
            apps: ArcSwap::from_pointee(HashMap::new()),
            changes: Mutex::new(()),
            databases: Mutex::new(HashMap::new()),
            me: std::sync::Weak::new(),
        }
    }

    /// A host apps' service bindings can reach (`Host::new` gives one they cannot).
    pub fn shared(pool: Arc<WorkerPool>, options: HostOptions) -> Arc<Host> {
        Arc::new_cyclic(|me| {
            let mut host = Host::new(pool, options);
            host.me = me.clone();
            host
        })
    }

    /// The worker an app's isolates live on: a stable spread of apps over the workers.
    pub fn worker_for(&self, name: &str) -> usize {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        name.hash(&mut hasher);
        (hasher.finish() % self.pool.len() as u64) as usize
    }

    /// Deploys (or replaces) an app. Its isolate loads on its first request.
    pub fn deploy(&self, name: &str, spec: AppSpec) -> Result<(), HostError> {
        let tenant = self.tenant(name, spec)?;
        self.install(name, tenant);
        Ok(())
    }

    /// Deploys (or replaces) an app once its code has loaded in an isolate: a version that
    /// fails to load is refused and the running one keeps serving. Requests that arrive after
    /// this returns go to the new version; those in flight finish on the old one.
    pub async fn activate(&self, name: &str, spec: AppSpec) -> Result<(), HostError> {
        let tenant = self.tenant(name, spec)?;
        tenant.app.reload().await?;
        self.install(name, tenant);
        Ok(())
    }

    fn tenant(&self, name: &str, spec: AppSpec) -> Result<Arc<Tenant>, HostError> {
        let policy = if self.options.allow_private_network {
            NetPolicy::local_development()
        } else {
            NetPolicy::production()
        }
        .with_open_ranges(self.options.open_ranges.clone())
        .with_allowed_hosts(spec.allowed_hosts.clone());
        let outbound = OutboundConfig::new(Arc::new(policy), self.options.extra_ca_pem.as_deref())
            .map_err(HostError::Load)?;
        // A new version of a deployed app keeps its counters and its console tail.
        let (stats, logs, cache) = match self.apps.load().get(name) {
            Some(old) => (old.stats.clone(), old.logs.clone(), old.cache.clone()),
            None => (
                Arc::new(Stats::default()),
                Arc::new(LogTail::new()),
                edge_runtime::bindings::cache::MemoryCache::new(CACHE_BUDGET),
            ),
        };
        let workers = edge_runtime::WorkerLimits::new(spec.limits.workers);
        let bindings = self.bindings(name, &spec)?;
        let config = AppConfig {
            entry: spec.entry.clone(),
            isolate: IsolateOptions {
                env: spec.env.clone(),
                node_compat: spec.node_compat,
                log: keep_logs(logs.clone(), (self.options.log)(name)),
                memory_limit: Some(spec.limits.memory),
                outbound: Some(outbound),
                cpu_limit: Some(spec.limits.cpu),
                module_root: Some(spec.root.clone()),
                subrequest_limit: Some(spec.limits.subrequests),
                cpu_used: Some(stats.cpu_ns.clone()),
                workers: workers.clone(),
                bindings,
                cache: Some(cache.clone()),
                websocket: edge_runtime::websocket::Limits {
                    max_message: spec.limits.websocket_message,
                    idle_timeout: spec.limits.websocket_idle,
                },
            },
            heap_gauge: Some(stats.heap_bytes.clone()),
        };
        Ok(Arc::new(Tenant {
            app: AppHost::lazy(config, self.pool.clone(), self.worker_for(name)).with_scale_out(),
            limits: spec.limits,
            version: Arc::from(spec.version),
            stats,
            logs,
            workers,
            cache,
        }))
    }

    /// The app's bindings: each KV namespace named after the app and its id.
    fn bindings(&self, name: &str, spec: &AppSpec) -> Result<Vec<Binding>, HostError> {
        let mut out = Vec::new();
        for kv in &spec.kv {
            let Some(file) = &self.options.kv else {
                return Err(HostError::Load(edge_runtime::RuntimeError::Config(
                    format!(
                        "the app declares the KV namespace {}, but this node keeps no KV storage",
                        kv.binding
                    ),
                )));
            };
            out.push(Binding {
                name: kv.binding.clone(),
                kind: BindingKind::Kv(file.clone().namespace(format!("{name}/{}", kv.id))),
            });
        }
        for db in &spec.d1 {
            let Some(dir) = &self.options.d1_dir else {
                return Err(HostError::Load(edge_runtime::RuntimeError::Config(
                    format!(
                        "the app declares the database {}, but this node keeps no databases",
                        db.binding
                    ),
                )));
            };
            let path = dir.join(name).join(format!("{}.sqlite", db.id));
            let file = {
                let mut open = self.databases.lock().unwrap_or_else(|e| e.into_inner());
                match open.get(&path) {
                    Some(f) => f.clone(),
                    None => {
                        let f = crate::sql::SqlFile::open(&path)
                            .map_err(|e| HostError::Load(edge_runtime::RuntimeError::Config(e)))?;
                        open.insert(path.clone(), f.clone());
                        f
                    }
                }
            };
            out.push(Binding {
                name: db.binding.clone(),
                kind: BindingKind::Sql(file.database()),
            });
        }
        for queue in &spec.queues {
            let Some(file) = &self.options.queues else {
                return Err(HostError::Load(edge_runtime::RuntimeError::Config(
                    format!(
                        "the app declares the queue {}, but this node keeps no queues",
                        queue.binding
                    ),
                )));
            };
            out.push(Binding {
                name: queue.binding.clone(),
                kind: BindingKind::Queue(file.producer(format!("{name}/{}", queue.id))),
            });
        }
        if !spec.services.is_empty() && self.me.upgrade().is_none() {
            return Err(HostError::Load(edge_runtime::RuntimeError::Config(
                "service bindings need a shared host (Host::shared)".into(),
            )));
        }
        let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for service in &spec.services {
            out.push(Binding {
                name: service.binding.clone(),
                kind: BindingKind::Service(Arc::new(crate::service::HostService {
                    host: self.me.clone(),
                    target: service.service.clone(),
                    in_flight: in_flight.clone(),
                })),
            });
        }
        Ok(out)
    }

    fn install(&self, name: &str, tenant: Arc<Tenant>) {
        let _guard = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        let mut apps = HashMap::clone(&self.apps.load());
        apps.insert(name.to_owned(), tenant);
        self.apps.store(Arc::new(apps));
    }

    /// Removes an app; its isolate finishes what it is streaming.
    pub fn remove(&self, name: &str) -> bool {
        let _guard = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        let mut apps = HashMap::clone(&self.apps.load());
        let found = apps.remove(name).is_some();
        self.apps.store(Arc::new(apps));
        found
    }

    /// How many apps are deployed, and how many of them have an isolate loaded.
    pub fn counts(&self) -> (usize, usize) {
        let apps = self.apps.load();
        let loaded = apps.values().filter(|t| t.app.is_loaded()).count();
        (apps.len(), loaded)
    }

    /// Hands a request to app `name`; resolves when the response head is ready.
    pub async fn dispatch(
        &self,
        name: &str,
        request: AppRequest,
    ) -> Result<AppResponse, HostError> {
        self.dispatch_versioned(name, request).await.1
    }

    /// Delivers a batch of a queue's messages to the app's `queue` handler; what it decided
    /// for each.
    pub async fn deliver_queue(
        &self,
        name: &str,
        queue: &str,
        messages: Vec<edge_runtime::bindings::queue::QueueMessage>,
    ) -> Result<edge_runtime::EventOutcome, HostError> {
        let Some(tenant) = self.apps.load().get(name).cloned() else {
            return Err(HostError::UnknownApp(name.to_owned()));
        };
        let event = edge_runtime::AppEvent::Queue {
            queue: queue.to_owned(),
            messages,
        };
        tenant.app.dispatch_event(event).await
    }

    /// Runs an app's `scheduled` handler for a cron trigger; done when the handler is.
    pub async fn scheduled(
        &self,
        name: &str,
        cron: &str,
        scheduled_time_ms: f64,
    ) -> Result<(), HostError> {
        let Some(tenant) = self.apps.load().get(name).cloned() else {
            return Err(HostError::UnknownApp(name.to_owned()));
        };
        let event = edge_runtime::AppEvent::Scheduled {
            cron: cron.to_owned(),
            scheduled_time_ms,
        };
        tenant.app.dispatch_event(event).await.map(|_| ())
    }

    /// Like [`Host::dispatch`], also naming the version of the app that took the request.
    pub async fn dispatch_versioned(
        &self,
        name: &str,
        request: AppRequest,
    ) -> (Option<Arc<str>>, Result<AppResponse, HostError>) {
        let Some(tenant) = self.apps.load().get(name).cloned() else {
            return (None, Err(HostError::UnknownApp(name.to_owned())));
        };
        let result = self.serve(name, &tenant, request).await;
        (Some(tenant.version.clone()), result)
    }

    async fn serve(
        &self,
        name: &str,
        tenant: &Tenant,
        mut request: AppRequest,
    ) -> Result<AppResponse, HostError> {
        let started = Instant::now();
        let stats = &tenant.stats;
        stats.requests.fetch_add(1, Ordering::Relaxed);
        stats
            .last_used
            .store(self.origin.elapsed().as_nanos() as u64, Ordering::Relaxed);
        let cold = !tenant.app.is_loaded();
        let result = match limit_body(&mut request, tenant.limits.body_bytes) {
            Err(e) => Err(e),
            Ok(()) => within_wall_time(tenant.limits.wall, tenant.app.dispatch(request)).await,
        };
        stats
            .wall_ns
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        if cold && tenant.app.is_loaded() {
            stats.cold_starts.fetch_add(1, Ordering::Relaxed);
            self.enforce_cap(name);
        }
        let result = result.and_then(|response| hold_websocket(tenant, response));
        if let Err(e) = &result {
            stats.errors[error_kind(e)].fetch_add(1, Ordering::Relaxed);
            let stopped = match e {
                HostError::Dispatch(DispatchError::LimitExceeded(limit)) => Some(limit.code()),
                HostError::WallTimeExceeded => Some("wall_time_limit_exceeded"),
                _ => None,
            };
            if let Some(code) = stopped {
                // The operator's log and the app's own tail both say why.
                tracing::warn!(app = name, code, "request stopped by a limit");
                tenant.logs.push(&format!("[edge] request stopped: {code}"));
            }
        }
        result
    }

    /// Unloads least recently used apps while more than the cap are loaded (`keep` stays).
    fn enforce_cap(&self, keep: &str) {
        let apps = self.apps.load();
        let mut loaded: Vec<(&String, u64)> = apps
            .iter()
            .filter(|(n, t)| t.app.is_loaded() && n.as_str() != keep && !t.has_websockets())
            .map(|(n, t)| (n, t.stats.last_used.load(Ordering::Relaxed)))
            .collect();
        let cap = self.options.max_loaded.max(1);
        if loaded.len() < cap {
            return;
        }
        loaded.sort_by_key(|(_, used)| *used);
        for (name, _) in loaded.iter().take(loaded.len() + 1 - cap) {
            apps[*name].app.unload();
        }
    }

    /// Unloads the apps idle for at least `idle`; returns how many. Their next request loads
    /// them again.
    pub fn evict_idle(&self, idle: Duration) -> usize {
        let now = self.origin.elapsed().as_nanos() as u64;
        let mut evicted = 0;
        for tenant in self.apps.load().values() {
            let used = tenant.stats.last_used.load(Ordering::Relaxed);
            if tenant.app.is_loaded()
                && !tenant.has_websockets()
                && now.saturating_sub(used) >= idle.as_nanos() as u64
            {
                tenant.app.unload();
                evicted += 1;
            }
        }
        evicted
    }

    /// The last console lines of app `name` (oldest first).
    pub fn logs(&self, name: &str) -> Option<Vec<String>> {
        self.tail(name).map(|(lines, _)| lines)
    }

    /// The last console lines of app `name`, and a feed of the lines that follow them.
    pub fn tail(
        &self,
        name: &str,
    ) -> Option<(Vec<String>, tokio::sync::broadcast::Receiver<String>)> {
        let apps = self.apps.load();
        let logs = &apps.get(name)?.logs;
        let lines = logs.lines.lock().unwrap_or_else(|e| e.into_inner());
        // Subscribed under the lock, so no line falls between the snapshot and the feed.
        let live = logs.live.subscribe();
        Some((lines.iter().cloned().collect(), live))
    }

    /// Whether app `name` is deployed (a lookup in the lock-free table).
    pub fn has(&self, name: &str) -> bool {
        self.apps.load().contains_key(name)
    }

    /// Every app's counters and the node's totals, in the Prometheus text format.
    pub fn metrics(&self) -> String {
        let apps = self.apps.load();
        let mut names: Vec<&String> = apps.keys().collect();
        names.sort();
        let mut out = String::new();
        let (deployed, loaded) = self.counts();
        let _ = writeln!(out, "# TYPE edge_apps gauge\nedge_apps {deployed}");
        let _ = writeln!(
            out,
            "# TYPE edge_isolates_loaded gauge\nedge_isolates_loaded {loaded}"
        );
        // One family: its type line, then a sample per app.
        let family =
            |out: &mut String, metric: &str, kind: &str, value: &dyn Fn(&Tenant) -> String| {
                let _ = writeln!(out, "# TYPE {metric} {kind}");
                for name in &names {
                    let _ = writeln!(
                        out,
                        "{metric}{{app=\"{}\"}} {}",
                        label(name),
                        value(&apps[*name])
                    );
                }
            };
        let count = |n: &AtomicU64| n.load(Ordering::Relaxed).to_string();
        let seconds = |n: &AtomicU64| (n.load(Ordering::Relaxed) as f64 / 1e9).to_string();
        family(&mut out, "edge_app_requests_total", "counter", &|t| {
            count(&t.stats.requests)
        });
        let _ = writeln!(out, "# TYPE edge_app_errors_total counter");
        for name in &names {
            for (i, kind) in ERROR_KINDS.iter().enumerate() {
                let v = apps[*name].stats.errors[i].load(Ordering::Relaxed);
                if v > 0 {
                    let _ = writeln!(
                        out,
                        "edge_app_errors_total{{app=\"{}\",kind=\"{kind}\"}} {v}",
                        label(name)
                    );
                }
            }
        }
        family(&mut out, "edge_app_wall_seconds_total", "counter", &|t| {
            seconds(&t.stats.wall_ns)
        });
        family(&mut out, "edge_app_cpu_seconds_total", "counter", &|t| {
            seconds(&t.stats.cpu_ns)
        });
        family(&mut out, "edge_app_cold_starts_total", "counter", &|t| {
            count(&t.stats.cold_starts)
        });
        family(&mut out, "edge_app_isolates", "gauge", &|t| {
            t.app.isolates().to_string()
        });
        family(&mut out, "edge_app_heap_bytes", "gauge", &|t| {
            count(&t.stats.heap_bytes)
        });
        family(&mut out, "edge_app_websockets", "gauge", &|t| {
            t.stats.websockets.load(Ordering::Relaxed).to_string()
        });
        family(&mut out, "edge_app_workers", "gauge", &|t| {
            t.workers.active().to_string()
        });
        out
    }
}

/// Counts an accepted WebSocket against the app's limit for as long as its connection lasts,
/// or refuses it when the app is at its limit (the app's socket then sees it closed).
fn hold_websocket(tenant: &Tenant, mut response: AppResponse) -> Result<AppResponse, HostError> {
    let Some(session) = response.websocket.as_mut() else {
        return Ok(response);
    };
    let open = &tenant.stats.websockets;
    let limit = tenant.limits.websockets;
    if open.fetch_add(1, Ordering::AcqRel) >= limit {
        open.fetch_sub(1, Ordering::AcqRel);
        // The app's socket learns it is gone.
        session
            .ends
            .try_send_event(edge_runtime::websocket::Event::Close {
                code: edge_runtime::websocket::close_code::ABNORMAL,
                reason: String::new(),
                clean: false,
            });
        return Err(HostError::TooManyWebSockets(limit));
    }
    session.ends.hold(OpenWebSocket(open.clone()));
    Ok(response)
}

/// One of an app's open WebSockets.
struct OpenWebSocket(Arc<AtomicUsize>);

impl Drop for OpenWebSocket {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs a dispatch under the wall-time limit. Most handlers answer on the first poll (a
/// synchronous handler on a local isolate): only one that does not gets a timer, so the
/// common request costs no timer registration.
fn within_wall_time<F>(limit: Duration, dispatch: F) -> WithinWallTime<F>
where
    F: Future<Output = Result<AppResponse, HostError>>,
{
    WithinWallTime {
        dispatch,
        limit,
        deadline: None,
    }
}

pin_project_lite::pin_project! {
    /// A dispatch bounded by the app's wall-clock limit. The timer starts only if the first
    /// poll does not answer, so a handler that answers at once costs no clock read or timer;
    /// the future stores the dispatch once (an `async fn` around `timeout` held it twice,
    /// and every request copied the extra bytes).
    struct WithinWallTime<F> {
        #[pin]
        dispatch: F,
        limit: Duration,
        deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    }
}

impl<F> Future for WithinWallTime<F>
where
    F: Future<Output = Result<AppResponse, HostError>>,
{
    type Output = Result<AppResponse, HostError>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(result) = this.dispatch.poll(cx) {
            return Poll::Ready(result);
        }
        let limit = *this.limit;
        let deadline = this
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        // Checked apart from `poll`: a dispatch that used up the task's cooperative budget
        // would make the timer's `poll` answer Pending (and reschedule) for ever.
        if deadline.is_elapsed() {
            return Poll::Ready(Err(HostError::WallTimeExceeded));
        }
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(HostError::WallTimeExceeded)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A Prometheus label value: backslashes, quotes and newlines escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Refuses a body whose declared length is over `limit`, and caps one that streams.
fn limit_body(request: &mut AppRequest, limit: u64) -> Result<(), HostError> {
    let declared = request
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(HostError::BodyTooLarge);
    }
    if !request.body.is_empty() {
        let body = std::mem::replace(&mut request.body, Body::empty());
        request.body = Body::from_http(http_body_util::Limited::new(body, limit as usize));
    }
    Ok(())
}

/// A log sink that also keeps the last lines for tailing.
fn keep_logs(tail: Arc<LogTail>, forward: LogSink) -> LogSink {
    Arc::new(move |level: LogLevel, line: &str| {
        tail.push(line);
        forward(level, line);
    })
}
