//! KV namespaces of a fleet: in the fleet's PostgreSQL store (table `edge_kv`), so that every
//! node of the fleet sees the same data. One connection of its own per node, made on first
//! use and again after it fails, driven on the thread that made it; each call is bounded in
//! time. (SQL databases, queues and the Cache API stay node-local.)

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use edge_isolates::bindings::kv::{
    decode_cursor, encode_cursor, KvEntry, KvError, KvFuture, KvKey, KvPage, KvStore,
};
use edge_isolates::KvBackend;
use tokio_postgres::Client;

use super::pg_tls::StoreTls;

const CALL_TIMEOUT: Duration = Duration::from_secs(5);

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS edge_kv (
    ns TEXT NOT NULL,
    key TEXT NOT NULL,
    value BYTEA NOT NULL,
    metadata TEXT,
    expiration BIGINT,
    PRIMARY KEY (ns, key)
)";

pub struct PgKv {
    config: tokio_postgres::Config,
    tls: StoreTls,
    client: tokio::sync::Mutex<Option<Arc<Client>>>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn failed(e: impl std::fmt::Display) -> KvError {
    KvError(format!("the fleet's store: {e}"))
}

impl PgKv {
    pub fn new(config: tokio_postgres::Config, tls: StoreTls) -> Arc<PgKv> {
        Arc::new(PgKv {
            config,
            tls,
            client: tokio::sync::Mutex::new(None),
        })
    }

    async fn client(&self) -> Result<Arc<Client>, KvError> {
        let mut guard = self.client.lock().await;
        if let Some(client) = guard.as_ref().filter(|c| !c.is_closed()) {
            return Ok(client.clone());
        }
        let (client, connection) = self
            .config
            .connect(self.tls.clone())
            .await
            .map_err(failed)?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("KV store connection ended: {e}");
            }
        });
        client.batch_execute(SCHEMA).await.map_err(failed)?;
        let client = Arc::new(client);
        *guard = Some(client.clone());
        Ok(client)
    }

    fn call<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(Arc<Client>) -> Call<T> + Send + 'static,
    ) -> KvFuture<T> {
        let this = self.clone();
        Box::pin(async move {
            let work = async {
                let client = this.client().await?;
                f(client).await.map_err(failed)
            };
            tokio::time::timeout(CALL_TIMEOUT, work)
                .await
                .map_err(|_| failed("no answer in time"))?
        })
    }
}

type Call<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, tokio_postgres::Error>> + Send>>;

struct Namespace {
    kv: Arc<PgKv>,
    ns: Arc<str>,
}

impl KvBackend for PgKv {
    fn namespace(self: Arc<Self>, ns: String) -> Arc<dyn KvStore> {
        Arc::new(Namespace {
            kv: self,
            ns: Arc::from(ns),
        })
    }
}

impl KvStore for Namespace {
    fn get(&self, key: String) -> KvFuture<Option<KvEntry>> {
        let ns = self.ns.to_string();
        self.kv.call(move |c| {
            Box::pin(async move {
                let row = c
                    .query_opt(
                        "SELECT value, metadata, expiration FROM edge_kv
                     WHERE ns = $1 AND key = $2 AND (expiration IS NULL OR expiration > $3)",
                        &[&ns, &key, &now()],
                    )
                    .await?;
                Ok(row.map(|r| KvEntry {
                    value: r.get(0),
                    metadata: r.get(1),
                    expiration: r.get::<_, Option<i64>>(2).map(|e| e as u64),
                }))
            })
        })
    }

    fn put(&self, key: String, entry: KvEntry) -> KvFuture<()> {
        let ns = self.ns.to_string();
        self.kv.call(move |c| Box::pin(async move {
            let expiration = entry.expiration.map(|e| e as i64);
            c.execute(
                "INSERT INTO edge_kv (ns, key, value, metadata, expiration) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (ns, key) DO UPDATE SET value = $3, metadata = $4, expiration = $5",
                &[&ns, &key, &entry.value, &entry.metadata, &expiration],
            )
            .await?;
            Ok(())
        }))
    }

    fn delete(&self, key: String) -> KvFuture<()> {
        let ns = self.ns.to_string();
        self.kv.call(move |c| {
            Box::pin(async move {
                c.execute(
                    "DELETE FROM edge_kv WHERE ns = $1 AND key = $2",
                    &[&ns, &key],
                )
                .await?;
                Ok(())
            })
        })
    }

    fn list(&self, prefix: String, limit: usize, cursor: Option<String>) -> KvFuture<KvPage> {
        let ns = self.ns.to_string();
        let after = cursor.as_deref().and_then(decode_cursor);
        let foreign = cursor.is_some() && after.is_none();
        self.kv.call(move |c| {
            Box::pin(async move {
                if foreign {
                    return Ok(KvPage {
                        keys: Vec::new(),
                        cursor: None,
                    });
                }
                // Keys compare byte-wise, as SQLite's and Workers' do.
                let rows = c
                    .query(
                        "SELECT key, expiration, metadata FROM edge_kv
                     WHERE ns = $1 AND starts_with(key, $2)
                       AND ($3::text IS NULL OR key COLLATE \"C\" > $3 COLLATE \"C\")
                       AND (expiration IS NULL OR expiration > $4)
                     ORDER BY key COLLATE \"C\" LIMIT $5",
                        &[&ns, &prefix, &after, &now(), &(limit as i64 + 1)],
                    )
                    .await?;
                let mut keys: Vec<KvKey> = rows
                    .iter()
                    .map(|r| KvKey {
                        name: r.get(0),
                        expiration: r.get::<_, Option<i64>>(1).map(|e| e as u64),
                        metadata: r.get(2),
                    })
                    .collect();
                let cursor = if keys.len() > limit {
                    keys.truncate(limit);
                    keys.last().map(|k| encode_cursor(&k.name))
                } else {
                    None
                };
                Ok(KvPage { keys, cursor })
            })
        })
    }
}
