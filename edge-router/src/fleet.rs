//! A node's link to its fleet's shared store in PostgreSQL. The node serves from its local copy
//! (a SQLite file and cached bundles) and keeps it in step: it listens on `edge_changes`,
//! copies every app whose revision moved (on each notification, and every few seconds in case
//! one was missed), fetches the bundles it lacks, and loads what changed. While the store is
//! unreachable the node keeps serving what it has and retries every second.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, Client};

use crate::node::Node;
use crate::store::bundle;
use crate::store::pg_tls::StoreTls;
use crate::store::postgres::{self as shared, SharedError};
use crate::store::sealed::StoreKey;
use crate::store::StoreError;

/// How often a node compares its copy with the store, notifications aside.
const RECONCILE: Duration = Duration::from_secs(5);
/// How long one call to the store may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Between connection attempts while the store is unreachable.
const RETRY: Duration = Duration::from_secs(1);

/// What kept a node from copying the store.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SyncError {
    #[error("the control store is unreachable: {0}")]
    Unreachable(String),
    #[error("the control store failed: {0}")]
    Shared(SharedError),
    #[error("the local copy failed: {0}")]
    Local(#[from] StoreError),
    #[error("bundle {0}: {1}")]
    Bundle(String, String),
}

impl From<SharedError> for SyncError {
    fn from(e: SharedError) -> Self {
        if e.is_unreachable() {
            SyncError::Unreachable(e.to_string())
        } else {
            SyncError::Shared(e)
        }
    }
}

/// The shared store, as one node sees it.
pub(crate) struct Fleet {
    config: tokio_postgres::Config,
    /// Where the store is, without a password (for messages).
    pub(crate) shown: String,
    pub(crate) key: StoreKey,
    tls: StoreTls,
    /// The connection while there is one.
    client: tokio::sync::Mutex<Option<Client>>,
    /// The task that drives it (and forwards its notifications).
    driver: Mutex<Option<tokio::task::AbortHandle>>,
    /// Why the last connection attempt failed.
    last_error: Mutex<String>,
    connected: std::sync::atomic::AtomicBool,
}

impl Fleet {
    pub(crate) fn new(url: &str, key: StoreKey, tls: StoreTls) -> Result<Fleet, String> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| format!("store: '{}' is not a PostgreSQL URL: {e}", redact(url)))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("edge-node");
        Ok(Fleet {
            config,
            shown: redact(url),
            key,
            tls,
            client: tokio::sync::Mutex::new(None),
            driver: Mutex::new(None),
            last_error: Mutex::new("not connected yet".into()),
            connected: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The fleet's KV namespaces, in the store (a connection of their own).
    pub(crate) fn kv(&self) -> std::sync::Arc<crate::store::pg_kv::PgKv> {
        crate::store::pg_kv::PgKv::new(self.config.clone(), self.tls.clone())
    }

    /// Runs `call` on the connection, bounded in time; unreachable when there is none.
    pub(crate) async fn call<T, F>(&self, call: F) -> Result<T, SyncError>
    where
        F: AsyncFnOnce(&mut Client) -> Result<T, SharedError>,
    {
        let mut guard = self.client.lock().await;
        let Some(client) = guard.as_mut() else {
            let why = self.last_error.lock().unwrap_or_else(|e| e.into_inner());
            return Err(SyncError::Unreachable(format!("{} ({why})", self.shown)));
        };
        match tokio::time::timeout(CALL_TIMEOUT, call(client)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                if e.is_unreachable() {
                    self.drop_connection(&mut guard);
                }
                Err(e.into())
            }
            Err(_) => {
                // A connection that stopped answering: drop it, and the link reconnects.
                self.drop_connection(&mut guard);
                Err(SyncError::Unreachable(format!(
                    "{} did not answer within {} s",
                    self.shown,
                    CALL_TIMEOUT.as_secs()
                )))
            }
        }
    }

    /// Connects, makes sure the tables exist and listens; notifications arrive on the
    /// receiver, which closes when the connection does.
    async fn connect(&self) -> Result<mpsc::UnboundedReceiver<()>, String> {
        let (mut client, mut connection) =
            tokio::time::timeout(CONNECT_TIMEOUT, self.config.connect(self.tls.clone()))
                .await
                .map_err(|_| "connection timed out".to_string())?
                .map_err(|e| shared::describe(&e))?;
        let (tx, rx) = mpsc::unbounded_channel();
        let driver = tokio::spawn(async move {
            loop {
                let message = futures_util::future::poll_fn(|cx| connection.poll_message(cx)).await;
                match message {
                    Some(Ok(AsyncMessage::Notification(_))) => {
                        if tx.send(()).is_err() {
                            break;
                        }
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        tracing::debug!("control store connection ended: {e}");
                        break;
                    }
                    None => break,
                }
            }
        });
        let ready = async {
            shared::prepare(&mut client).await?;
            client
                .batch_execute(&format!("LISTEN {}", shared::CHANNEL))
                .await?;
            Ok::<_, SharedError>(())
        };
        tokio::time::timeout(CALL_TIMEOUT, ready)
            .await
            .map_err(|_| "the store did not answer".to_string())?
            .map_err(|e| e.to_string())?;
        *self.driver.lock().unwrap_or_else(|p| p.into_inner()) = Some(driver.abort_handle());
        *self.client.lock().await = Some(client);
        self.connected
            .store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(rx)
    }

    /// Whether the node is connected to the store, and if not, why.
    pub(crate) fn status(&self) -> (bool, String) {
        let connected = self.connected.load(std::sync::atomic::Ordering::Relaxed);
        let why = self
            .last_error
            .lock()
            .map(|e| e.clone())
            .unwrap_or_default();
        (connected, if connected { String::new() } else { why })
    }

    fn set_error(&self, e: &str) {
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = e.to_owned();
    }

    async fn disconnect(&self) {
        let mut guard = self.client.lock().await;
        self.drop_connection(&mut guard);
    }

    /// Drops the connection and stops the task that drives it, which closes the socket (and
    /// ends the link's wait for notifications, so that it reconnects).
    fn drop_connection(&self, client: &mut Option<Client>) {
        self.connected
            .store(false, std::sync::atomic::Ordering::Relaxed);
        *client = None;
        if let Some(driver) = self.driver.lock().unwrap_or_else(|p| p.into_inner()).take() {
            driver.abort();
        }
    }
}

/// A URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Keeps the node in step with the store for as long as the node runs. `first` is told when
/// the first attempt (connected and copied, or failed) is over.
pub(crate) async fn run(
    node: Arc<Node>,
    fleet: Arc<Fleet>,
    first: tokio::sync::oneshot::Sender<()>,
) {
    let mut first = Some(first);
    let mut down = false;
    loop {
        match fleet.connect().await {
            Ok(mut notes) => {
                if down {
                    tracing::info!(store = %fleet.shown, "control store reachable again; catching up");
                    down = false;
                }
                let mut tick =
                    tokio::time::interval_at(tokio::time::Instant::now() + RECONCILE, RECONCILE);
                loop {
                    {
                        let _changing = node.changes.lock().await;
                        if let Err(e) = sync_locked(&node, &fleet).await {
                            tracing::warn!("fleet sync: {e}");
                        }
                    }
                    if let Some(tx) = first.take() {
                        let _ = tx.send(());
                    }
                    tokio::select! {
                        note = notes.recv() => {
                            if note.is_none() {
                                break;
                            }
                            // One copy covers every change announced so far.
                            while notes.try_recv().is_ok() {}
                        }
                        _ = tick.tick() => {}
                    }
                }
                fleet.disconnect().await;
                fleet.set_error("the connection was lost");
            }
            Err(e) => fleet.set_error(&e),
        }
        if let Some(tx) = first.take() {
            let _ = tx.send(());
        }
        if !down {
            let why = fleet
                .last_error
                .lock()
                .map(|e| e.clone())
                .unwrap_or_default();
            tracing::warn!(
                store = %fleet.shown,
                "control store unreachable ({why}); serving the last known state, retrying every second"
            );
            down = true;
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// Copies every app whose revision moved (and forgets deleted ones), fetches the bundles of
/// their active versions, and loads what changed. The caller holds the node's change lock.
pub(crate) async fn sync_locked(node: &Node, fleet: &Fleet) -> Result<(), SyncError> {
    let remote = fleet.call(async |c| shared::revisions(c).await).await?;
    let local = node.lock_store().revisions()?;
    let changed: Vec<String> = remote
        .iter()
        .filter(|(name, rev)| local.get(name) != Some(rev))
        .map(|(name, _)| name.clone())
        .collect();
    let deleted: Vec<String> = local
        .keys()
        .filter(|name| !remote.iter().any(|(n, _)| n == *name))
        .cloned()
        .collect();
    if changed.is_empty() && deleted.is_empty() {
        return Ok(());
    }
    let states = fleet
        .call(async |c| shared::snapshot(c, &changed).await)
        .await?;
    for s in &states {
        let active = s
            .app
            .active
            .and_then(|id| s.versions.iter().find(|v| v.id == id));
        if let Some(v) = active {
            if !node.bundles.has(&v.bundle) {
                fetch_bundle(node, fleet, &v.bundle).await?;
            }
        }
    }
    node.lock_store().mirror(&states, &deleted)?;
    for s in &states {
        if let Err(e) = node.serve_stored(&s.app).await {
            tracing::error!(app = %s.app.name, "cannot serve the fleet's version: {e}");
            // Try again at the next reconcile.
            node.lock_store().mark_stale(&s.app.name)?;
        }
    }
    node.reload_routes()?;
    for name in &deleted {
        node.stop_app(name);
    }
    tracing::debug!(
        changed = states.len(),
        deleted = deleted.len(),
        "fleet sync"
    );
    Ok(())
}

/// Copies a bundle from the store into the local cache, checked against its name.
async fn fetch_bundle(node: &Node, fleet: &Fleet, hash: &str) -> Result<(), SyncError> {
    let owned = hash.to_owned();
    let data = fleet
        .call(async move |c| shared::bundle(c, &owned).await)
        .await?
        .ok_or_else(|| SyncError::Bundle(hash.into(), "not in the control store".into()))?;
    let checked =
        bundle::check(&data).map_err(|e| SyncError::Bundle(hash.into(), e.to_string()))?;
    if checked.hash != hash {
        return Err(SyncError::Bundle(
            hash.into(),
            format!("the stored bytes hash to {}", checked.hash),
        ));
    }
    node.bundles
        .put(&data, &checked)
        .map_err(|e| SyncError::Bundle(hash.into(), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("postgres://edge:s3cret@db.internal:5432/edge"),
            "postgres://edge@db.internal:5432/edge"
        );
        assert_eq!(
            redact("postgres://db.internal/edge"),
            "postgres://db.internal/edge"
        );
    }
}
