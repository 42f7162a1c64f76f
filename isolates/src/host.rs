//! The multi-tenant host: many apps side by side on one set of worker threads, each app with
//! its own isolates (never shared), its own limits (heap, CPU time per request, wall time per
//! request), its own `env`, its own module root and its own outbound allow list. An app's
//! isolate loads on its first request; one that hits a limit is dropped and the next request
//! gets a fresh one. The app table is read without a lock on the request path.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use edge_runtime::{AppRequest, AppResponse, IsolateOptions, LogSink, OutboundConfig};

use crate::app::{AppConfig, AppHost};
use crate::error::HostError;
use crate::outbound::{HostRule, NetPolicy};
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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: 128 << 20,
            cpu: Duration::from_millis(50),
            wall: Duration::from_secs(30),
        }
    }
}

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
}

/// Node-wide settings.
#[derive(Clone)]
pub struct HostOptions {
    /// Let apps reach loopback and private addresses (an operator's choice; off by default).
    pub allow_private_network: bool,
    /// Extra CA certificates (PEM) trusted by outbound TLS.
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Where an app's console output goes, given the app's name.
    pub log: Arc<dyn Fn(&str) -> LogSink + Send + Sync>,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            allow_private_network: false,
            extra_ca_pem: None,
            log: Arc::new(|_| edge_runtime::stdio_sink()),
        }
    }
}

struct Tenant {
    app: AppHost,
    limits: Limits,
}

/// Serves many apps; cheap to share between connection tasks.
pub struct Host {
    pool: Arc<WorkerPool>,
    options: HostOptions,
    apps: ArcSwap<HashMap<String, Arc<Tenant>>>,
    /// Serializes changes to the app table (never taken on the request path).
    changes: Mutex<()>,
}

impl Host {
    pub fn new(pool: Arc<WorkerPool>, options: HostOptions) -> Self {
        Host {
            pool,
            options,
            apps: ArcSwap::from_pointee(HashMap::new()),
            changes: Mutex::new(()),
        }
    }

    /// The worker an app's isolates live on: a stable spread of apps over the workers.
    pub fn worker_for(&self, name: &str) -> usize {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        name.hash(&mut hasher);
        (hasher.finish() % self.pool.len() as u64) as usize
    }

    /// Deploys (or replaces) an app. Its isolate loads on its first request.
    pub fn deploy(&self, name: &str, spec: AppSpec) -> Result<(), HostError> {
        let policy = if self.options.allow_private_network {
            NetPolicy::local_development()
        } else {
            NetPolicy::production()
        }
        .with_allowed_hosts(spec.allowed_hosts.clone());
        let outbound = OutboundConfig::new(Arc::new(policy), self.options.extra_ca_pem.as_deref())
            .map_err(HostError::Load)?;
        let config = AppConfig {
            entry: spec.entry.clone(),
            isolate: IsolateOptions {
                env: spec.env.clone(),
                log: (self.options.log)(name),
                memory_limit: Some(spec.limits.memory),
                outbound: Some(outbound),
                cpu_limit: Some(spec.limits.cpu),
                module_root: Some(spec.root.clone()),
            },
        };
        let tenant = Arc::new(Tenant {
            app: AppHost::lazy(config, self.pool.clone(), self.worker_for(name)),
            limits: spec.limits,
        });
        let _guard = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        let mut apps = HashMap::clone(&self.apps.load());
        apps.insert(name.to_owned(), tenant);
        self.apps.store(Arc::new(apps));
        Ok(())
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
        let tenant = self
            .apps
            .load()
            .get(name)
            .cloned()
            .ok_or_else(|| HostError::UnknownApp(name.to_owned()))?;
        match tokio::time::timeout(tenant.limits.wall, tenant.app.dispatch(request)).await {
            Ok(result) => result,
            Err(_) => Err(HostError::WallTimeExceeded),
        }
    }
}
