//! Opening the SQLite files the host keeps (KV, SQL databases, queues): the directory made,
//! WAL mode with `synchronous = NORMAL` (a commit survives the process being killed), a busy
//! timeout, then the caller's own setup.

use std::path::Path;

use rusqlite::Connection;

/// Opens (or creates) `path` for `what` ("the KV file", ...) and runs `setup` on it.
pub(crate) fn open(path: &Path, what: &str, setup: &str) -> Result<Connection, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let conn = Connection::open(path)
        .map_err(|e| format!("cannot open {what} {}: {e}", path.display()))?;
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA busy_timeout = 5000;
         {setup}"
    ))
    .map_err(|e| format!("cannot set up {what} {}: {e}", path.display()))?;
    Ok(conn)
}
