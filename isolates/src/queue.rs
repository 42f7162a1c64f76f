//! Queues on SQLite: the messages of every queue of a node in one file (WAL), named after the
//! app that owns the queue. A producer's send is acknowledged once the messages are in the
//! log; the node's delivery loop leases a batch to the consumer, then deletes what it acked
//! and makes what it retried visible again after the delay (dropping a message past its
//! retries). Leases end when the process does: after a restart, a batch that was being
//! delivered is delivered again (at least once).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use edge_runtime::bindings::queue::{
    Decision, QueueError, QueueFuture, QueueMessage, QueueProducer, QueueSend,
};
use rusqlite::{params, Connection};

/// How long a consumer has for a batch before it may be delivered again.
const LEASE_MS: i64 = 5 * 60 * 1000;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// An open queue file.
#[derive(Clone)]
pub struct QueueFile {
    conn: Arc<Mutex<Connection>>,
    ids: Arc<AtomicU64>,
}

impl std::fmt::Debug for QueueFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("QueueFile")
    }
}

impl QueueFile {
    /// Opens (or creates) the file; leases of an earlier process end.
    pub fn open(path: &Path) -> Result<QueueFile, String> {
        let conn = crate::sqlite::open(
            path,
            "the queue file",
            "CREATE TABLE IF NOT EXISTS messages (
               id TEXT PRIMARY KEY,
               queue TEXT NOT NULL,
               body BLOB NOT NULL,
               content_type TEXT NOT NULL,
               attempts INTEGER NOT NULL DEFAULT 0,
               sent_at INTEGER NOT NULL,
               visible_at INTEGER NOT NULL,
               leased_until INTEGER NOT NULL DEFAULT 0
             );
             CREATE INDEX IF NOT EXISTS messages_by_queue ON messages (queue, visible_at);
             UPDATE messages SET leased_until = 0;",
        )?;
        let seed = now_ms() as u64;
        Ok(QueueFile {
            conn: Arc::new(Mutex::new(conn)),
            ids: Arc::new(AtomicU64::new(seed << 16)),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The producer of queue `queue` (an app's name and the queue's, say `shop/orders`).
    pub fn producer(&self, queue: String) -> Arc<dyn QueueProducer> {
        Arc::new(Producer {
            file: self.clone(),
            queue,
        })
    }

    /// Leases up to `max` visible messages of `queue` for delivery (their attempts counted).
    pub fn take(&self, queue: &str, max: usize) -> Result<Vec<QueueMessage>, String> {
        let now = now_ms();
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let mut taken = {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT id, sent_at, body, content_type, attempts FROM messages
                     WHERE queue = ?1 AND visible_at <= ?2 AND leased_until <= ?2
                     ORDER BY sent_at, id LIMIT ?3",
                )
                .map_err(|e| e.to_string())?;
            let rows = stmt
                .query_map(params![queue, now, max as i64], |row| {
                    Ok(QueueMessage {
                        id: row.get(0)?,
                        timestamp_ms: row.get::<_, i64>(1)? as f64,
                        body: row.get(2)?,
                        content_type: row.get(3)?,
                        attempts: row.get::<_, i64>(4)? as u32,
                    })
                })
                .map_err(|e| e.to_string())?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(|e| e.to_string())?
        };
        for m in &mut taken {
            m.attempts += 1;
            tx.execute(
                "UPDATE messages SET attempts = ?2, leased_until = ?3 WHERE id = ?1",
                params![m.id, m.attempts as i64, now + LEASE_MS],
            )
            .map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(taken)
    }

    /// Applies a consumer's decisions: acked messages go; retried ones come back after their
    /// delay, unless they have had `max_retries` retries already (then they are dropped and
    /// counted in the returned number).
    pub fn settle(
        &self,
        taken: &[QueueMessage],
        decisions: &[(String, Decision)],
        max_retries: u32,
    ) -> Result<usize, String> {
        let now = now_ms();
        let mut dropped = 0;
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        for m in taken {
            let decision = decisions
                .iter()
                .find(|(id, _)| *id == m.id)
                .map_or(Decision::Retry(0), |(_, d)| d.clone());
            match decision {
                Decision::Ack => {
                    tx.execute("DELETE FROM messages WHERE id = ?1", params![m.id])
                        .map_err(|e| e.to_string())?;
                }
                Decision::Retry(_) if m.attempts > max_retries => {
                    dropped += 1;
                    tx.execute("DELETE FROM messages WHERE id = ?1", params![m.id])
                        .map_err(|e| e.to_string())?;
                }
                Decision::Retry(delay) => {
                    tx.execute(
                        "UPDATE messages SET visible_at = ?2, leased_until = 0 WHERE id = ?1",
                        params![m.id, now + i64::from(delay) * 1000],
                    )
                    .map_err(|e| e.to_string())?;
                }
            }
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(dropped)
    }

    /// Hands leased messages back undelivered (the consumer could not be reached): the
    /// attempt is not counted, and they wait `delay_ms` before the next try.
    pub fn release(&self, taken: &[QueueMessage], delay_ms: i64) -> Result<(), String> {
        let now = now_ms();
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        for m in taken {
            tx.execute(
                "UPDATE messages SET attempts = attempts - 1, leased_until = 0, visible_at = ?2
                 WHERE id = ?1",
                params![m.id, now + delay_ms],
            )
            .map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())
    }

    /// Messages waiting in `queue` (delivered or not yet).
    pub fn len(&self, queue: &str) -> usize {
        self.lock()
            .query_row(
                "SELECT count(*) FROM messages WHERE queue = ?1",
                params![queue],
                |r| r.get::<_, i64>(0),
            )
            .map_or(0, |n| n as usize)
    }
}

struct Producer {
    file: QueueFile,
    queue: String,
}

impl QueueProducer for Producer {
    fn send(&self, messages: Vec<QueueSend>) -> QueueFuture {
        let file = self.file.clone();
        let queue = self.queue.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let now = now_ms();
                let mut conn = file.lock();
                let tx = conn.transaction().map_err(|e| QueueError(e.to_string()))?;
                for m in messages {
                    let id = format!("{:016x}", file.ids.fetch_add(1, Ordering::Relaxed));
                    tx.execute(
                        "INSERT INTO messages (id, queue, body, content_type, sent_at, visible_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            id,
                            queue,
                            m.body,
                            m.content_type,
                            now,
                            now + i64::from(m.delay_seconds) * 1000
                        ],
                    )
                    .map_err(|e| QueueError(e.to_string()))?;
                }
                tx.commit().map_err(|e| QueueError(e.to_string()))
            })
            .await
            .map_err(|e| QueueError(e.to_string()))?
        })
    }
}
