//! SQL databases in the D1 style: the database an embedder provides (`SqlDatabase`: statements
//! with bound values, run one by one or as one atomic batch, and raw scripts) and the native
//! handle the JS `D1Database` (`node/internal_bindings.js`) calls. Values cross as the five
//! SQLite types.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rquickjs::class::Trace;
use rquickjs::{Array, Ctx, Exception, JsLifetime, Promise, Result, TypedArray, Value};

/// A value bound to a statement or read from a row.
#[derive(Clone, Debug, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// One statement with its bound values.
#[derive(Clone, Debug)]
pub struct SqlStatement {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

/// What a statement did.
#[derive(Clone, Debug, Default)]
pub struct SqlOutcome {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
    pub changes: u64,
    pub last_row_id: i64,
    pub duration_ms: f64,
    pub rows_read: u64,
    pub rows_written: u64,
    /// The database's size after the statement, in bytes.
    pub size_after: u64,
}

/// Why a statement failed, as the app sees it (`D1_ERROR: ...`).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SqlError(pub String);

pub type SqlFuture<T> = Pin<Box<dyn Future<Output = std::result::Result<T, SqlError>> + Send>>;

/// A database.
pub trait SqlDatabase: Send + Sync {
    /// Runs statements in order; with `atomic`, in one transaction that is rolled back if any
    /// fails.
    fn run(&self, statements: Vec<SqlStatement>, atomic: bool) -> SqlFuture<Vec<SqlOutcome>>;
    /// Runs a script of statements without bound values; how many ran, and how long it took.
    fn exec(&self, script: String) -> SqlFuture<(u64, f64)>;
}

/// The native side of one `env.NAME` database.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct SqlHandle {
    #[qjs(skip_trace)]
    db: Arc<dyn SqlDatabase>,
}

impl SqlHandle {
    pub fn new(db: Arc<dyn SqlDatabase>) -> Self {
        SqlHandle { db }
    }
}

fn to_value<'js>(ctx: &Ctx<'js>, value: &SqlValue) -> Result<Value<'js>> {
    Ok(match value {
        SqlValue::Null => Value::new_null(ctx.clone()),
        SqlValue::Integer(i) => Value::new_number(ctx.clone(), *i as f64),
        SqlValue::Real(f) => Value::new_number(ctx.clone(), *f),
        SqlValue::Text(s) => rquickjs::String::from_str(ctx.clone(), s)?.into_value(),
        SqlValue::Blob(b) => TypedArray::<u8>::new(ctx.clone(), b.clone())?.into_value(),
    })
}

/// A value the JS side bound: null, a number (bound as REAL, as D1 does), a string, or bytes.
fn from_value(ctx: &Ctx<'_>, value: Value<'_>) -> Result<SqlValue> {
    if value.is_null() {
        return Ok(SqlValue::Null);
    }
    if let Some(s) = value.as_string() {
        return Ok(SqlValue::Text(s.to_string()?));
    }
    if let Some(n) = value.as_number() {
        return Ok(SqlValue::Real(n));
    }
    if let Some(bytes) = crate::web::util::buffer_source_bytes(&value) {
        return Ok(SqlValue::Blob(bytes.to_vec()));
    }
    Err(Exception::throw_type(
        ctx,
        "a SQL value crosses as null, a number, a string or bytes",
    ))
}

fn failed<'js>(ctx: &Ctx<'js>, e: SqlError) -> rquickjs::Error {
    let make = || -> Result<Value<'js>> {
        let ctor: rquickjs::function::Constructor = ctx.globals().get("Error")?;
        ctor.construct((e.0.clone(),))
    };
    match make() {
        Ok(err) => ctx.throw(err),
        Err(other) => other,
    }
}

#[rquickjs::methods]
impl SqlHandle {
    /// `statements`: `[[sql, [values...]], ...]`. Resolves with one
    /// `[columns, rows, changes, lastRowId, durationMs, rowsRead, rowsWritten, sizeAfter]` per
    /// statement.
    pub fn run<'js>(
        &self,
        ctx: Ctx<'js>,
        statements: Array<'js>,
        atomic: bool,
    ) -> Result<Promise<'js>> {
        let mut list = Vec::with_capacity(statements.len());
        for item in statements.iter::<Array>() {
            let item = item?;
            let sql: String = item.get(0)?;
            let values: Array = item.get(1)?;
            let mut params = Vec::with_capacity(values.len());
            for v in values.iter::<Value>() {
                params.push(from_value(&ctx, v?)?);
            }
            list.push(SqlStatement { sql, params });
        }
        let db = self.db.clone();
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            let outcomes = db.run(list, atomic).await.map_err(|e| failed(&ctx2, e))?;
            let out = Array::new(ctx2.clone())?;
            for (i, o) in outcomes.iter().enumerate() {
                let row_list = Array::new(ctx2.clone())?;
                for (r, row) in o.rows.iter().enumerate() {
                    let cells = Array::new(ctx2.clone())?;
                    for (c, cell) in row.iter().enumerate() {
                        cells.set(c, to_value(&ctx2, cell)?)?;
                    }
                    row_list.set(r, cells)?;
                }
                let entry = Array::new(ctx2.clone())?;
                entry.set(0, o.columns.clone())?;
                entry.set(1, row_list)?;
                entry.set(2, o.changes as f64)?;
                entry.set(3, o.last_row_id as f64)?;
                entry.set(4, o.duration_ms)?;
                entry.set(5, o.rows_read as f64)?;
                entry.set(6, o.rows_written as f64)?;
                entry.set(7, o.size_after as f64)?;
                out.set(i, entry)?;
            }
            Ok::<_, rquickjs::Error>(out.into_value())
        })
    }

    /// Resolves with `[count, durationMs]`.
    pub fn exec<'js>(&self, ctx: Ctx<'js>, script: String) -> Result<Promise<'js>> {
        let db = self.db.clone();
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            let (count, ms) = db.exec(script).await.map_err(|e| failed(&ctx2, e))?;
            Ok::<_, rquickjs::Error>(vec![count as f64, ms])
        })
    }
}
