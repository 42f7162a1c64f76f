//! KV namespaces on SQLite: one file holds every namespace of a node (or of an `edge dev`
//! project), in one table keyed by namespace and key. The host names each namespace after the
//! app and the binding's id, so two apps never see each other's data. The file is in WAL mode
//! with `synchronous = NORMAL`: a write is acknowledged once it is in the log, which survives
//! the process being killed (not a power cut, which may lose the last commits). Calls run on
//! tokio's blocking pool, one at a time per file.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use edge_runtime::bindings::kv::{
    decode_cursor, encode_cursor, KvEntry, KvError, KvFuture, KvKey, KvPage, KvStore,
};
use rusqlite::{params, Connection, OptionalExtension};

/// An open KV file.
#[derive(Clone)]
pub struct KvFile {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for KvFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KvFile")
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Where a host's KV namespaces live: a node's file, or a fleet's shared store.
pub trait KvBackend: Send + Sync {
    /// The store of namespace `ns` (an app's name and a binding id, say `shop/CACHE`).
    fn namespace(self: Arc<Self>, ns: String) -> Arc<dyn KvStore>;
}

impl KvBackend for KvFile {
    fn namespace(self: Arc<Self>, ns: String) -> Arc<dyn KvStore> {
        KvFile::namespace(&self, ns)
    }
}

impl KvFile {
    /// Opens (or creates) the file, and its directory.
    pub fn open(path: &Path) -> Result<KvFile, String> {
        let conn = crate::sqlite::open(
            path,
            "the KV file",
            "CREATE TABLE IF NOT EXISTS kv (
               ns TEXT NOT NULL,
               key TEXT NOT NULL,
               value BLOB NOT NULL,
               metadata TEXT,
               expiration INTEGER,
               PRIMARY KEY (ns, key)
             ) WITHOUT ROWID;",
        )?;
        Ok(KvFile {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The store of namespace `ns` (an app's name and a binding id, say `shop/CACHE`).
    pub fn namespace(&self, ns: String) -> Arc<dyn KvStore> {
        Arc::new(Namespace {
            file: self.clone(),
            ns: Arc::from(ns),
        })
    }

    /// Runs `f` on the connection on the blocking pool.
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> KvFuture<T> {
        let conn = self.conn.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let conn = conn.lock().unwrap_or_else(|e| e.into_inner());
                f(&conn).map_err(|e| KvError(e.to_string()))
            })
            .await
            .map_err(|e| KvError(e.to_string()))?
        })
    }
}

struct Namespace {
    file: KvFile,
    ns: Arc<str>,
}

impl KvStore for Namespace {
    fn get(&self, key: String) -> KvFuture<Option<KvEntry>> {
        let ns = self.ns.clone();
        self.file.run(move |c| {
            c.query_row(
                "SELECT value, metadata, expiration FROM kv
                 WHERE ns = ?1 AND key = ?2 AND (expiration IS NULL OR expiration > ?3)",
                params![&*ns, key, now()],
                |row| {
                    Ok(KvEntry {
                        value: row.get(0)?,
                        metadata: row.get(1)?,
                        expiration: row.get::<_, Option<i64>>(2)?.map(|e| e as u64),
                    })
                },
            )
            .optional()
        })
    }

    fn put(&self, key: String, entry: KvEntry) -> KvFuture<()> {
        let ns = self.ns.clone();
        self.file.run(move |c| {
            c.execute(
                "INSERT OR REPLACE INTO kv (ns, key, value, metadata, expiration)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    &*ns,
                    key,
                    entry.value,
                    entry.metadata,
                    entry.expiration.map(|e| e as i64)
                ],
            )
            .map(|_| ())
        })
    }

    fn delete(&self, key: String) -> KvFuture<()> {
        let ns = self.ns.clone();
        self.file.run(move |c| {
            c.execute(
                "DELETE FROM kv WHERE ns = ?1 AND key = ?2",
                params![&*ns, key],
            )
            .map(|_| ())
        })
    }

    fn list(&self, prefix: String, limit: usize, cursor: Option<String>) -> KvFuture<KvPage> {
        let ns = self.ns.clone();
        let after = cursor.as_deref().and_then(decode_cursor);
        // A cursor that is not one of ours lists nothing (as Workers KV does).
        let foreign = cursor.is_some() && after.is_none();
        self.file.run(move |c| {
            if foreign {
                return Ok(KvPage {
                    keys: Vec::new(),
                    cursor: None,
                });
            }
            let mut stmt = c.prepare_cached(
                "SELECT key, expiration, metadata FROM kv
                 WHERE ns = ?1 AND key >= ?2 AND substr(key, 1, length(?2)) = ?2
                   AND (?3 IS NULL OR key > ?3)
                   AND (expiration IS NULL OR expiration > ?4)
                 ORDER BY key LIMIT ?5",
            )?;
            let mut keys = stmt
                .query_map(
                    params![&*ns, prefix, after, now(), limit as i64 + 1],
                    |row| {
                        Ok(KvKey {
                            name: row.get(0)?,
                            expiration: row.get::<_, Option<i64>>(1)?.map(|e| e as u64),
                            metadata: row.get(2)?,
                        })
                    },
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let cursor = if keys.len() > limit {
                keys.truncate(limit);
                keys.last().map(|k| encode_cursor(&k.name))
            } else {
                None
            };
            Ok(KvPage { keys, cursor })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        for key in ["a", "user:42", "ключ", ""] {
            assert_eq!(decode_cursor(&encode_cursor(key)).as_deref(), Some(key));
        }
        assert_eq!(decode_cursor("zz"), None);
    }

    #[tokio::test]
    async fn namespaces_are_separate_and_pages_follow_each_other() {
        let dir = std::env::temp_dir().join(format!("edge-kv-test-{}", std::process::id()));
        let file = KvFile::open(&dir.join("kv.sqlite")).unwrap();
        let a = file.namespace("a/KV".into());
        let b = file.namespace("b/KV".into());
        for key in ["k1", "k2", "k3", "other"] {
            let entry = KvEntry {
                value: key.as_bytes().to_vec(),
                metadata: None,
                expiration: None,
            };
            a.put(key.into(), entry).await.unwrap();
        }
        assert!(b.get("k1".into()).await.unwrap().is_none());
        assert_eq!(a.get("k2".into()).await.unwrap().unwrap().value, b"k2");
        let first = a.list("k".into(), 2, None).await.unwrap();
        assert_eq!(first.keys.len(), 2);
        let second = a.list("k".into(), 2, first.cursor).await.unwrap();
        assert_eq!(second.keys[0].name, "k3");
        assert!(second.cursor.is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
