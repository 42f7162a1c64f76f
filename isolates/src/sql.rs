//! D1-style SQL databases on SQLite: a file per database (a node's `data/d1/<app>/<id>.sqlite`,
//! a project's `.edge/d1/<id>.sqlite` under `edge dev`), in WAL mode with foreign keys on.
//! Statements run on tokio's blocking pool, one at a time per database; a batch is one
//! transaction. Each statement may run for `QUERY_TIME_LIMIT` and a database may grow to
//! `SIZE_LIMIT`; beyond either the statement fails and changes nothing.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use edge_runtime::bindings::sql::{
    SqlDatabase, SqlError, SqlFuture, SqlOutcome, SqlStatement, SqlValue,
};
use rusqlite::types::{ToSqlOutput, Value as Sqlite, ValueRef};
use rusqlite::{Connection, ToSql};

/// How long one statement may run.
pub const QUERY_TIME_LIMIT: Duration = Duration::from_secs(30);
/// How large a database may grow.
pub const SIZE_LIMIT: u64 = 500 << 20;

/// An open database.
#[derive(Clone)]
pub struct SqlFile {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for SqlFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqlFile")
    }
}

struct Bound<'a>(&'a SqlValue);

impl ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            SqlValue::Null => ToSqlOutput::Owned(Sqlite::Null),
            SqlValue::Integer(i) => ToSqlOutput::Owned(Sqlite::Integer(*i)),
            SqlValue::Real(f) => ToSqlOutput::Owned(Sqlite::Real(*f)),
            SqlValue::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            SqlValue::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

fn read(value: ValueRef<'_>) -> SqlValue {
    match value {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(i) => SqlValue::Integer(i),
        ValueRef::Real(f) => SqlValue::Real(f),
        ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
    }
}

/// SQLite's words, D1's way: `D1_ERROR: <message>: SQLITE_<CODE>`.
fn d1_error(e: rusqlite::Error) -> SqlError {
    let code = match &e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            rusqlite::ErrorCode::ConstraintViolation => ": SQLITE_CONSTRAINT",
            rusqlite::ErrorCode::OperationInterrupted => ": SQLITE_INTERRUPT",
            rusqlite::ErrorCode::DiskFull => ": SQLITE_FULL",
            _ => ": SQLITE_ERROR",
        },
        _ => ": SQLITE_ERROR",
    };
    let message = match &e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        other => other.to_string(),
    };
    SqlError(format!("D1_ERROR: {message}{code}"))
}

fn size_of(conn: &Connection) -> u64 {
    let pages: i64 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap_or(0);
    let size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap_or(0);
    (pages.max(0) as u64) * (size.max(0) as u64)
}

fn run_one(conn: &Connection, statement: &SqlStatement) -> Result<SqlOutcome, SqlError> {
    let started = Instant::now();
    if statement.sql.trim().is_empty() {
        return Err(SqlError("D1_ERROR: No SQL statements detected.".into()));
    }
    let mut stmt = conn.prepare(&statement.sql).map_err(d1_error)?;
    if stmt.parameter_count() != statement.params.len() {
        return Err(SqlError(
            "D1_ERROR: Wrong number of parameter bindings for SQL query.".into(),
        ));
    }
    let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    let writes = !stmt.readonly();
    let before = conn.total_changes();
    let params: Vec<Bound<'_>> = statement.params.iter().map(Bound).collect();
    let params: Vec<&dyn ToSql> = params.iter().map(|p| p as &dyn ToSql).collect();
    let mut rows = Vec::new();
    {
        let mut cursor = stmt.query(params.as_slice()).map_err(d1_error)?;
        while let Some(row) = cursor.next().map_err(d1_error)? {
            let mut cells = Vec::with_capacity(columns.len());
            for i in 0..columns.len() {
                cells.push(read(row.get_ref(i).map_err(d1_error)?));
            }
            rows.push(cells);
        }
    }
    let changes = if writes {
        conn.total_changes().saturating_sub(before)
    } else {
        0
    };
    let size_after = size_of(conn);
    if size_after > SIZE_LIMIT {
        return Err(SqlError(format!(
            "D1_ERROR: the database is larger than its limit of {} MiB: SQLITE_FULL",
            SIZE_LIMIT >> 20
        )));
    }
    Ok(SqlOutcome {
        rows_read: rows.len() as u64,
        rows_written: changes,
        columns,
        rows,
        changes,
        last_row_id: conn.last_insert_rowid(),
        duration_ms: started.elapsed().as_secs_f64() * 1e3,
        size_after,
    })
}

impl SqlFile {
    /// Opens (or creates) the database file, and its directory.
    pub fn open(path: &Path) -> Result<SqlFile, String> {
        let conn = crate::sqlite::open(path, "the database", "PRAGMA foreign_keys = ON;")?;
        Ok(SqlFile {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The database as an app's binding.
    pub fn database(&self) -> Arc<dyn SqlDatabase> {
        Arc::new(self.clone())
    }

    fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, SqlError> + Send + 'static,
    ) -> SqlFuture<T> {
        let conn = self.conn.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut conn = conn.lock().unwrap_or_else(|e| e.into_inner());
                // A statement that runs too long is interrupted.
                let deadline = Instant::now() + QUERY_TIME_LIMIT;
                conn.progress_handler(10_000, Some(move || Instant::now() > deadline));
                let out = f(&mut conn);
                conn.progress_handler(0, None::<fn() -> bool>);
                out
            })
            .await
            .map_err(|e| SqlError(format!("D1_ERROR: {e}")))?
        })
    }
}

impl SqlDatabase for SqlFile {
    fn run(&self, statements: Vec<SqlStatement>, atomic: bool) -> SqlFuture<Vec<SqlOutcome>> {
        self.blocking(move |conn| {
            if statements.is_empty() {
                return Err(SqlError("D1_ERROR: No SQL statements detected.".into()));
            }
            if !atomic {
                return statements.iter().map(|s| run_one(conn, s)).collect();
            }
            let tx = conn.transaction().map_err(d1_error)?;
            let outcomes = statements
                .iter()
                .map(|s| run_one(&tx, s))
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit().map_err(d1_error)?;
            Ok(outcomes)
        })
    }

    fn exec(&self, script: String) -> SqlFuture<(u64, f64)> {
        self.blocking(move |conn| {
            let started = Instant::now();
            // As D1 does: one statement per line.
            let lines: Vec<&str> = script.lines().filter(|l| !l.trim().is_empty()).collect();
            if lines.is_empty() {
                return Err(SqlError(
                    "D1_EXEC_ERROR: Error in line 1: : No SQL statements detected.".into(),
                ));
            }
            for (i, line) in lines.iter().enumerate() {
                conn.execute_batch(line).map_err(|e| {
                    let message = match &e {
                        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
                        other => other.to_string(),
                    };
                    SqlError(format!(
                        "D1_EXEC_ERROR: Error in line {}: {line}: {message}",
                        i + 1
                    ))
                })?;
            }
            Ok((lines.len() as u64, started.elapsed().as_secs_f64() * 1e3))
        })
    }
}
