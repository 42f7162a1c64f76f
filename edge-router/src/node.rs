//! An edge node: the listeners (HTTP, HTTPS with HTTP/2, HTTP/3), the routing table and the
//! multi-tenant host, restored from the store at start; the admin API; graceful shutdown.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use edge_isolates::{
    AddrRange, AppSpec, Host, HostOptions, HostRule, Limits, LogLevel, WorkerPool,
};
use http::HeaderValue;

use crate::access_log::AccessLog;
use crate::config::NodeConfig;
use crate::dispatch::Routed;
use crate::fleet::Fleet;
use crate::gate::Gate;
use crate::listen::{bind_tcp, bind_udp};
use crate::routes::RouteTable;
use crate::server::{ServerConfig, Tls};
use crate::shutdown::Drain;
use crate::store::bundle::BundleStore;
use crate::store::sealed::StoreKey;
use crate::store::{App, Settings, Store, StoreError, Version};
use crate::tls::CertStore;

/// A node that could not start, with the reason.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("cannot use the data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("{0}")]
    Tls(String),
    #[error("cannot start the worker threads: {0}")]
    Workers(std::io::Error),
    #[error("{0}")]
    Other(String),
}

/// The node's shared state: what the admin API changes and the request path reads.
pub struct Node {
    pub(crate) store: Mutex<Store>,
    pub(crate) bundles: BundleStore,
    pub(crate) host: Arc<Host>,
    pub(crate) routed: Arc<Routed>,
    pub(crate) certs: Option<Arc<CertStore>>,
    pub(crate) token: String,
    pub(crate) server: Arc<ServerConfig>,
    /// Serializes the admin API's changes (never taken on the request path).
    pub(crate) changes: tokio::sync::Mutex<()>,
    pub(crate) max_bundle: u64,
    /// Where the node serves apps, once its listeners are bound (for the URLs the admin API
    /// reports).
    pub(crate) public: std::sync::OnceLock<Public>,
    /// The fleet's shared store, when the node is one of several (`store = "postgres://..."`);
    /// `store` is then this node's copy of it.
    pub(crate) fleet: Option<Arc<Fleet>>,
    /// What each app is being served with (a digest of its spec), so that copying an
    /// unchanged app from the fleet's store does not reload it.
    running: Mutex<HashMap<String, [u8; 32]>>,
}

/// The public side of the node, as the admin API describes it.
#[derive(Clone, Debug, serde::Serialize)]
pub(crate) struct Public {
    pub http: Vec<SocketAddr>,
    pub https: Option<SocketAddr>,
    pub app_domain: Option<String>,
}

impl Public {
    /// The base URLs (`http://host[:port]`) at which `host` reaches the node: HTTPS first.
    pub(crate) fn urls_for(&self, host: &str) -> Vec<String> {
        let mut urls = Vec::new();
        if let Some(a) = self.https {
            urls.push(match a.port() {
                443 => format!("https://{host}"),
                p => format!("https://{host}:{p}"),
            });
        }
        if let Some(a) = self.http.first() {
            urls.push(match a.port() {
                80 => format!("http://{host}"),
                p => format!("http://{host}:{p}"),
            });
        }
        urls
    }
}

/// A started node: where it listens, and the handle to stop it.
pub struct Running {
    pub node: Arc<Node>,
    pub http: Vec<SocketAddr>,
    pub https: Option<SocketAddr>,
    pub http3: bool,
    pub admin: SocketAddr,
    /// Where the admin token is kept, when the node made it.
    pub token_file: Option<PathBuf>,
    pub data_dir: PathBuf,
    /// The fleet's shared store (its URL without a password), if the node has one.
    pub store: Option<String>,
    pool: Arc<WorkerPool>,
    log_thread: Option<std::thread::JoinHandle<()>>,
    grace: Duration,
}

impl Node {
    pub(crate) fn lock_store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The app's variables and secrets as `(name, value, secret)`, secrets opened.
    pub(crate) fn env(&self, app: &str) -> Result<Vec<(String, String, bool)>, String> {
        let vars = self.lock_store().vars(app).map_err(|e| e.to_string())?;
        let Some(fleet) = &self.fleet else {
            return Ok(vars);
        };
        vars.into_iter()
            .map(|(k, v, secret)| {
                if secret {
                    let open = fleet.key.open(app, &k, &v).map_err(|e| e.to_string())?;
                    Ok((k, open, true))
                } else {
                    Ok((k, v, false))
                }
            })
            .collect()
    }

    /// What the host needs to run `version` of `app`, from the store.
    pub(crate) fn spec(&self, app: &App, version: &Version) -> Result<AppSpec, String> {
        let env = self
            .env(&app.name)?
            .into_iter()
            .map(|(k, v, _)| (k, v))
            .collect();
        self.spec_with(app, version, env)
    }

    /// The same, with the given variables and secrets.
    pub(crate) fn spec_with(
        &self,
        app: &App,
        version: &Version,
        env: Vec<(String, String)>,
    ) -> Result<AppSpec, String> {
        self.bundles
            .unpack(&version.bundle)
            .map_err(|e| format!("bundle {}: {e}", version.bundle))?;
        let root = self.bundles.dir(&version.bundle);
        Ok(AppSpec {
            entry: root.join(&version.main),
            root,
            env,
            allowed_hosts: allowed_hosts(&app.settings)?,
            limits: limits(&app.settings),
            version: version.id.to_string(),
            node_compat: app.settings.node_compat.unwrap_or(true),
            kv: app.settings.kv_namespaces.iter().map(binding_ref).collect(),
            d1: app.settings.d1_databases.iter().map(binding_ref).collect(),
            queues: app
                .settings
                .queue_producers
                .iter()
                .map(|q| edge_isolates::KvBinding {
                    binding: q.binding.clone(),
                    id: q.queue.clone(),
                })
                .collect(),
            services: app
                .settings
                .services
                .iter()
                .map(|s| edge_isolates::ServiceBinding {
                    binding: s.binding.clone(),
                    service: s.service.clone(),
                })
                .collect(),
        })
    }

    /// Loads `spec` for `app` and serves it once it has loaded.
    pub(crate) async fn run_spec(
        &self,
        app: &str,
        spec: AppSpec,
    ) -> Result<(), edge_isolates::HostError> {
        let digest = digest(&spec);
        self.host.activate(app, spec).await?;
        self.lock_running().insert(app.to_owned(), digest);
        Ok(())
    }

    /// Serves `spec` for `app`, loaded on its first request.
    pub(crate) fn deploy_spec(
        &self,
        app: &str,
        spec: AppSpec,
    ) -> Result<(), edge_isolates::HostError> {
        let digest = digest(&spec);
        self.host.deploy(app, spec)?;
        self.lock_running().insert(app.to_owned(), digest);
        Ok(())
    }

    /// Stops serving `app`; whether it was served.
    pub(crate) fn stop_app(&self, app: &str) -> bool {
        self.lock_running().remove(app);
        self.host.remove(app)
    }

    /// Serves what the store has active for `app` (nothing if none), unless that is what is
    /// served already.
    pub(crate) async fn serve_stored(&self, app: &App) -> Result<(), String> {
        let Some(id) = app.active else {
            self.stop_app(&app.name);
            return Ok(());
        };
        let version = self
            .lock_store()
            .version(&app.name, id)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("version {id} is missing"))?;
        let spec = self.spec(app, &version)?;
        if self.lock_running().get(&app.name) == Some(&digest(&spec)) {
            return Ok(());
        }
        self.run_spec(&app.name, spec)
            .await
            .map_err(|e| e.to_string())
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<String, [u8; 32]>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Rebuilds the routing table from the store and swaps it in.
    pub(crate) fn reload_routes(&self) -> Result<(), StoreError> {
        let routes = self.lock_store().routes()?;
        self.routed.routes.store(Arc::new(RouteTable::new(routes)));
        Ok(())
    }
}

/// A digest of everything an app is served with.
fn digest(spec: &AppSpec) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(format!("{spec:?}").as_bytes()).into()
}

/// The apps that consume queues, with their consumers.
fn queue_consumers(node: &Arc<Node>) -> Vec<(String, Vec<crate::store::QueueConsumer>)> {
    node.lock_store()
        .apps()
        .map(|apps| {
            apps.into_iter()
                .filter(|a| !a.settings.queue_consumers.is_empty())
                .map(|a| (a.name, a.settings.queue_consumers))
                .collect()
        })
        .unwrap_or_default()
}

/// Starts a delivery for each consumed queue that has none in flight.
fn deliver_queues(
    node: &Arc<Node>,
    queues: &edge_isolates::QueueFile,
    busy: &std::rc::Rc<std::cell::RefCell<std::collections::HashSet<String>>>,
    consumers: &[(String, Vec<crate::store::QueueConsumer>)],
) {
    for (name, list) in consumers {
        for consumer in list {
            let id = format!("{name}/{}", consumer.queue);
            if !busy.borrow_mut().insert(id.clone()) {
                continue;
            }
            let (host, queues, busy) = (node.host.clone(), queues.clone(), busy.clone());
            let (name, queue) = (name.clone(), consumer.queue.clone());
            let max = consumer.max_batch_size.unwrap_or(10).clamp(1, 100) as usize;
            let max_retries = consumer.max_retries.unwrap_or(3);
            tokio::task::spawn_local(async move {
                let taken = {
                    let (queues, id) = (queues.clone(), id.clone());
                    tokio::task::spawn_blocking(move || queues.take(&id, max)).await
                };
                match taken {
                    Ok(Ok(messages)) if !messages.is_empty() => {
                        let outcome = host.deliver_queue(&name, &queue, messages.clone()).await;
                        let decisions = match outcome {
                            Ok(outcome) => outcome.decisions,
                            Err(e) => {
                                // The consumer never ran (not loaded, no handler, a limit): the
                                // messages are kept, their attempts not spent, and tried again.
                                tracing::warn!(app = %name, %queue, "queue delivery failed, retrying in 5 s: {e}");
                                let released = tokio::task::spawn_blocking(move || {
                                    queues.release(&messages, 5_000)
                                })
                                .await;
                                if let Ok(Err(e)) = released {
                                    tracing::error!(app = %name, %queue, "queue: {e}");
                                }
                                busy.borrow_mut().remove(&id);
                                return;
                            }
                        };
                        let settled = tokio::task::spawn_blocking(move || {
                            queues.settle(&messages, &decisions, max_retries)
                        })
                        .await;
                        match settled {
                            Ok(Ok(dropped)) if dropped > 0 => tracing::warn!(
                                app = %name, %queue, dropped,
                                "queue messages dropped after their last retry"
                            ),
                            Ok(Err(e)) => tracing::error!(app = %name, %queue, "queue: {e}"),
                            _ => {}
                        }
                    }
                    Ok(Err(e)) => tracing::error!(app = %name, %queue, "queue: {e}"),
                    _ => {}
                }
                busy.borrow_mut().remove(&id);
            });
        }
    }
}

/// Starts the `scheduled` handler of every app with a cron expression matching the minute
/// starting at `minute` (Unix seconds); each runs as a task of its own, its outcome logged.
fn run_crons(node: &Arc<Node>, minute: i64) {
    let apps = match node.lock_store().apps() {
        Ok(apps) => apps,
        Err(e) => {
            tracing::error!("cron triggers: cannot read the apps: {e}");
            return;
        }
    };
    for app in apps {
        for expression in &app.settings.crons {
            let fires = crate::cron::Cron::parse(expression).is_ok_and(|c| c.matches(minute));
            if !fires {
                continue;
            }
            let (host, name, cron) = (node.host.clone(), app.name.clone(), expression.clone());
            tokio::task::spawn_local(async move {
                match host.scheduled(&name, &cron, minute as f64 * 1000.0).await {
                    Ok(()) => tracing::info!(app = %name, %cron, "scheduled handler ran"),
                    Err(e) => tracing::warn!(app = %name, %cron, "scheduled handler failed: {e}"),
                }
            });
        }
    }
}

/// A declared binding as the host takes it (the id defaults to the binding's name).
fn binding_ref(b: &crate::store::BindingRef) -> edge_isolates::KvBinding {
    edge_isolates::KvBinding {
        binding: b.binding.clone(),
        id: b.id.clone().unwrap_or_else(|| b.binding.clone()),
    }
}

/// The host's limits for an app's settings (absent ones take the defaults).
pub(crate) fn limits(s: &Settings) -> Limits {
    let d = Limits::default();
    Limits {
        memory: s.memory_mib.map(|m| (m as usize) << 20).unwrap_or(d.memory),
        cpu: s.cpu_ms.map(Duration::from_millis).unwrap_or(d.cpu),
        wall: s.wall_ms.map(Duration::from_millis).unwrap_or(d.wall),
        subrequests: s.subrequests.unwrap_or(d.subrequests),
        body_bytes: s.body_mib.map(|m| m << 20).unwrap_or(d.body_bytes),
        workers: s.workers.map(|w| w as usize).unwrap_or(d.workers),
        websockets: s.websockets.map(|n| n as usize).unwrap_or(d.websockets),
        websocket_message: s
            .websocket_message_kib
            .map(|k| (k as usize) << 10)
            .unwrap_or(d.websocket_message),
        websocket_idle: match s.websocket_idle_s {
            None => d.websocket_idle,
            Some(0) => None,
            Some(s) => Some(Duration::from_secs(s)),
        },
    }
}

pub(crate) fn allowed_hosts(s: &Settings) -> Result<Vec<HostRule>, String> {
    s.allowed_hosts
        .iter()
        .map(|h| HostRule::parse(h).ok_or_else(|| format!("'{h}' is not a host pattern")))
        .collect()
}

/// The admin token: configured, from a file, or made on first start and kept in the data
/// directory with mode 0600.
fn admin_token(config: &NodeConfig, data: &Path) -> Result<(String, Option<PathBuf>), NodeError> {
    if let Some(t) = &config.admin.token {
        return Ok((t.clone(), None));
    }
    let (path, made) = match &config.admin.token_file {
        Some(p) => (p.clone(), false),
        None => (data.join("admin-token"), true),
    };
    match std::fs::read_to_string(&path) {
        Ok(t) if t.trim().len() >= 16 => return Ok((t.trim().to_owned(), made.then_some(path))),
        Ok(_) => {
            return Err(NodeError::Other(format!(
                "the admin token in {} is shorter than 16 characters",
                path.display()
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && made => {}
        Err(e) => return Err(NodeError::DataDir(path, e)),
    }
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| NodeError::Other(format!("no randomness: {e}")))?;
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &token).map_err(|e| NodeError::DataDir(path.clone(), e))?;
    Ok((token, Some(path)))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

fn access_log(
    config: &NodeConfig,
    workers: usize,
) -> Result<(AccessLog, Option<std::thread::JoinHandle<()>>), NodeError> {
    let out: Box<dyn std::io::Write + Send> = match config.access_log.as_str() {
        "off" => return Ok((AccessLog::off(), None)),
        "stdout" => Box::new(std::io::stdout()),
        path => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| NodeError::DataDir(PathBuf::from(path), e))?,
        ),
    };
    let (log, thread) = AccessLog::to_writer(out, workers).map_err(NodeError::Workers)?;
    Ok((log, Some(thread)))
}

/// Starts a node: opens the store, restores every app's active version and the routes,
/// binds the listeners and the admin API. Call from a `LocalSet` (the admin API's connections
/// run on the calling thread).
pub async fn start(config: NodeConfig) -> Result<Running, NodeError> {
    let data = config.data_dir();
    if !data.exists() {
        // The store holds secrets: the directory is the node user's alone.
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&data)
            .map_err(|e| NodeError::DataDir(data.clone(), e))?;
    }
    warn_if_shared(&data);
    let (token, token_file) = admin_token(&config, &data)?;
    // One node keeps its state in `node.db`; a node of a fleet keeps its copy of the shared
    // store in `fleet.db`, so that switching between the two never mixes them.
    let fleet = match config.store.as_str() {
        "" => None,
        url => {
            let key_file = config.store_key_file.as_deref().ok_or_else(|| {
                NodeError::Other("store: a shared store needs store_key_file".into())
            })?;
            let key = StoreKey::load(key_file).map_err(|e| NodeError::Other(e.to_string()))?;
            let tls = crate::store::pg_tls::StoreTls::new(config.store_ca_file.as_deref())
                .map_err(NodeError::Other)?;
            Some(Arc::new(
                Fleet::new(url, key, tls).map_err(NodeError::Other)?,
            ))
        }
    };
    let db = if fleet.is_some() {
        "fleet.db"
    } else {
        "node.db"
    };
    let store = Store::open(&data.join(db))?;
    // The store holds secrets: its files are the node user's alone, whatever the umask.
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(
            data.join(format!("{db}{suffix}")),
            std::fs::Permissions::from_mode(0o600),
        );
    }
    let bundles = BundleStore::open(&data).map_err(|e| NodeError::DataDir(data.clone(), e))?;
    // Compiled WebAssembly, by content hash: a restarted node does not compile its apps' modules
    // again.
    edge_isolates::set_wasm_cache_dir(data.join("wasm-cache"));

    let workers = config.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let pool = Arc::new(WorkerPool::new(workers).map_err(NodeError::Workers)?);
    let ca = match &config.network.ca_file {
        Some(p) => Some(std::fs::read(p).map_err(|e| NodeError::DataDir(p.clone(), e))?),
        None => None,
    };
    let queues =
        edge_isolates::QueueFile::open(&data.join("queues.sqlite")).map_err(NodeError::Other)?;
    // A fleet's KV namespaces are shared through its store; a single node's are in its data.
    let kv: Arc<dyn edge_isolates::KvBackend> = match &fleet {
        Some(fleet) => fleet.kv(),
        None => Arc::new(
            edge_isolates::KvFile::open(&data.join("kv.sqlite")).map_err(NodeError::Other)?,
        ),
    };
    let options = HostOptions {
        allow_private_network: config.network.allow_private,
        open_ranges: config
            .network
            .open_ranges
            .iter()
            .filter_map(|r| AddrRange::parse(r))
            .collect(),
        extra_ca_pem: ca,
        log: Arc::new(|app: &str| {
            let app = app.to_owned();
            Arc::new(move |level: LogLevel, line: &str| match level {
                LogLevel::Warn | LogLevel::Error => {
                    tracing::warn!(target: "app", app = %app, "{line}")
                }
                _ => tracing::info!(target: "app", app = %app, "{line}"),
            })
        }),
        kv: Some(kv),
        d1_dir: Some(data.join("d1")),
        queues: Some(queues.clone()),
        ..HostOptions::default()
    };
    let host = Host::shared(pool.clone(), options);
    let routed = Arc::new(Routed {
        host: host.clone(),
        routes: ArcSwap::from_pointee(RouteTable::default()),
        app_domain: Some(config.app_domain.trim_matches('.').to_ascii_lowercase())
            .filter(|d| !d.is_empty()),
    });

    let (log, log_thread) = access_log(&config, workers)?;
    let limits = config.limits.clone();
    let server = Arc::new(ServerConfig {
        expose_errors: false,
        gate: Gate::new(limits.max_connections, limits.max_connections_per_ip),
        limits,
        access_log: log,
        drain: Drain::new(),
    });

    let certs = match &config.https {
        Some(https) => Some(Arc::new(
            CertStore::load(&https.certificates).map_err(|e| NodeError::Tls(e.to_string()))?,
        )),
        None => None,
    };
    let node = Arc::new(Node {
        store: Mutex::new(store),
        bundles,
        host,
        routed: routed.clone(),
        certs: certs.clone(),
        token,
        server: server.clone(),
        changes: tokio::sync::Mutex::new(()),
        max_bundle: config.admin.max_bundle_mib << 20,
        public: std::sync::OnceLock::new(),
        fleet: fleet.clone(),
        running: Mutex::new(HashMap::new()),
    });
    restore(&node)?;
    if let Some(fleet) = fleet {
        // Catch up with the fleet before serving (or find the store down and serve the last
        // known state), then stay in step.
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::task::spawn_local(crate::fleet::run(node.clone(), fleet.clone(), tx));
        let _ = rx.await;
    }

    // Listeners.
    let mut http = Vec::new();
    for addr in &config.http.listen {
        let l = bind_tcp(*addr, config.reuse_port).map_err(|e| NodeError::Listen(*addr, e))?;
        http.push(l.local_addr().map_err(|e| NodeError::Listen(*addr, e))?);
        crate::serve(l, None, routed.clone(), &pool, server.clone())
            .map_err(|e| NodeError::Listen(*addr, e))?;
    }
    let mut https_addr = None;
    let mut http3 = false;
    if let (Some(https), Some(certs)) = (&config.https, &certs) {
        let addr = https.listen;
        let l = bind_tcp(addr, config.reuse_port).map_err(|e| NodeError::Listen(addr, e))?;
        let bound = l.local_addr().map_err(|e| NodeError::Listen(addr, e))?;
        let alt_svc = if https.http3 {
            let udp =
                bind_udp(bound, config.reuse_port).map_err(|e| NodeError::Listen(bound, e))?;
            crate::serve_h3(udp, certs, routed.clone(), pool.clone(), server.clone())
                .map_err(NodeError::Tls)?;
            http3 = true;
            HeaderValue::from_str(&format!("h3=\":{}\"; ma=86400", bound.port())).ok()
        } else {
            None
        };
        let tls = Tls {
            config: Arc::new(certs.server_config(&[b"h2", b"http/1.1"])),
            alt_svc,
        };
        crate::serve(l, Some(tls), routed.clone(), &pool, server.clone())
            .map_err(|e| NodeError::Listen(addr, e))?;
        https_addr = Some(bound);
    }
    let _ = node.public.set(Public {
        http: http.clone(),
        https: https_addr,
        app_domain: routed.app_domain.clone(),
    });
    let admin_listener = bind_tcp(config.admin.listen, config.reuse_port)
        .map_err(|e| NodeError::Listen(config.admin.listen, e))?;
    let admin = admin_listener
        .local_addr()
        .map_err(|e| NodeError::Listen(config.admin.listen, e))?;
    crate::admin::serve(admin_listener, node.clone()).map_err(|e| NodeError::Listen(admin, e))?;

    // Housekeeping: certificates re-read when their files change; idle apps unloaded.
    if let Some(certs) = certs {
        tokio::task::spawn_local(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                match certs.reload_if_changed() {
                    Ok(true) => tracing::info!("certificates reloaded"),
                    Ok(false) => {}
                    Err(e) => {
                        tracing::error!("certificate reload failed, keeping the old ones: {e}")
                    }
                }
            }
        });
    }
    // Queue consumers: each consumed queue's waiting messages are delivered in batches, one
    // batch at a time per queue.
    {
        let node = node.clone();
        let queues = queues.clone();
        tokio::task::spawn_local(async move {
            let busy = std::rc::Rc::new(std::cell::RefCell::new(std::collections::HashSet::new()));
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            // Which apps consume which queues is read from the store once a second, not at
            // every tick.
            let mut consumers = Vec::new();
            for round in 0u64.. {
                tick.tick().await;
                if round % 10 == 0 {
                    consumers = queue_consumers(&node);
                }
                deliver_queues(&node, &queues, &busy, &consumers);
            }
        });
    }
    // Cron triggers: at each minute, the apps whose expressions match run their handler.
    {
        let node = node.clone();
        tokio::task::spawn_local(async move {
            loop {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_secs_f64());
                let next = ((now / 60.0).floor() + 1.0) * 60.0;
                tokio::time::sleep(Duration::from_secs_f64((next - now).max(0.0))).await;
                run_crons(&node, next as i64);
            }
        });
    }
    {
        let host = node.host.clone();
        tokio::task::spawn_local(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                host.evict_idle(Duration::from_secs(15 * 60));
            }
        });
    }

    Ok(Running {
        store: node.fleet.as_ref().map(|f| f.shown.clone()),
        node,
        http,
        https: https_addr,
        http3,
        admin,
        token_file,
        data_dir: data,
        pool,
        log_thread,
        grace: config.limits.shutdown_grace(),
    })
}

/// Warns when other users can enter the data directory (it holds the store and bundles).
fn warn_if_shared(data: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(data) {
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                "the data directory {} is open to other users; `chmod 700` it",
                data.display()
            );
        }
    }
}

/// Deploys every app's active version (they load on their first request) and the routes.
fn restore(node: &Node) -> Result<(), NodeError> {
    let apps = node.lock_store().apps()?;
    for app in apps {
        let Some(active) = app.active else { continue };
        let version = node.lock_store().version(&app.name, active)?;
        let Some(version) = version else { continue };
        match node.spec(&app, &version) {
            Ok(spec) => {
                if let Err(e) = node.deploy_spec(&app.name, spec) {
                    tracing::error!(app = %app.name, "cannot restore: {e}");
                }
            }
            Err(e) => tracing::error!(app = %app.name, "cannot restore: {e}"),
        }
    }
    node.reload_routes()?;
    Ok(())
}

impl Running {
    /// The node's certificates, when it serves HTTPS (for a reload on SIGHUP).
    pub fn node_certs(&self) -> Option<Arc<CertStore>> {
        self.node.certs.clone()
    }

    /// Stops taking connections, lets in-flight requests and streams finish (up to the grace
    /// period), then stops the workers. Says whether everything finished in time.
    pub async fn shutdown(self) -> bool {
        let drain = self.node.server.drain.clone();
        drain.begin();
        let finished = drain.wait_idle(self.grace).await;
        if !finished {
            tracing::warn!(
                open = drain.active(),
                "shutdown grace period over; closing what is still open"
            );
        }
        self.node.server.access_log.flush(Duration::from_secs(2));
        drop(self.log_thread);
        drop(self.pool);
        finished
    }
}
