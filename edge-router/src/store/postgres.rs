//! The fleet's control store in PostgreSQL: the same apps, versions, variables, sealed secrets
//! and routes as a node's SQLite store, plus the bundles themselves. Every change is one
//! transaction that locks its app's row, gives the app a new revision from one sequence, and
//! notifies channel `edge_changes` on commit; nodes copy the apps whose revision moved.

use std::collections::BTreeMap;

use tokio_postgres::{Client, IsolationLevel};

use super::{now, App, AppState, Settings, Version};
use crate::routes::Route;

/// The channel every change is announced on.
pub const CHANNEL: &str = "edge_changes";

/// A failed call to the shared store.
#[derive(Debug, thiserror::Error)]
pub enum SharedError {
    #[error("{}", describe(.0))]
    Pg(#[from] tokio_postgres::Error),
    #[error("stored settings are unreadable: {0}")]
    Json(#[from] serde_json::Error),
}

impl SharedError {
    /// Whether the database could not be reached (rather than refusing the statement).
    pub fn is_unreachable(&self) -> bool {
        match self {
            SharedError::Pg(e) => e.as_db_error().is_none(),
            SharedError::Json(_) => false,
        }
    }
}

/// An error with its causes (the driver's own message leaves them out: "error performing
/// TLS handshake", but not which certificate it refused).
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS edge_apps (
    name TEXT PRIMARY KEY,
    active BIGINT,
    previous BIGINT,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS edge_versions (
    app TEXT NOT NULL REFERENCES edge_apps(name) ON DELETE CASCADE,
    id BIGINT NOT NULL,
    bundle TEXT NOT NULL,
    main TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (app, id)
);
CREATE TABLE IF NOT EXISTS edge_vars (
    app TEXT NOT NULL REFERENCES edge_apps(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    secret BOOLEAN NOT NULL,
    PRIMARY KEY (app, name)
);
CREATE TABLE IF NOT EXISTS edge_routes (
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    app TEXT NOT NULL REFERENCES edge_apps(name) ON DELETE CASCADE,
    PRIMARY KEY (host, path)
);
CREATE TABLE IF NOT EXISTS edge_bundles (
    hash TEXT PRIMARY KEY,
    data BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS edge_revision;
";

/// An arbitrary constant: the advisory lock that serializes schema creation by nodes that
/// start together, and changes to routes (which span apps).
const SCHEMA_LOCK: i64 = 0x6564_6765_0001;
const ROUTES_LOCK: i64 = 0x6564_6765_0002;

/// Creates the tables if they are missing.
pub async fn prepare(client: &mut Client) -> Result<(), SharedError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
        .await?;
    tx.batch_execute(SCHEMA).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates the app if needed and locks its row for the rest of the transaction.
async fn lock_app(tx: &tokio_postgres::Transaction<'_>, app: &str) -> Result<(), SharedError> {
    tx.execute(
        "INSERT INTO edge_apps (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        &[&app, &now()],
    )
    .await?;
    tx.execute(
        "SELECT 1 FROM edge_apps WHERE name = $1 FOR UPDATE",
        &[&app],
    )
    .await?;
    Ok(())
}

/// Gives the app a new revision and announces it (delivered on commit).
async fn bump(tx: &tokio_postgres::Transaction<'_>, app: &str) -> Result<(), SharedError> {
    tx.execute(
        "UPDATE edge_apps SET revision = nextval('edge_revision') WHERE name = $1",
        &[&app],
    )
    .await?;
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &app])
        .await?;
    Ok(())
}

/// Stores a bundle's bytes under its hash (once).
pub async fn put_bundle(client: &Client, hash: &str, data: &[u8]) -> Result<(), SharedError> {
    client
        .execute(
            "INSERT INTO edge_bundles (hash, data, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (hash) DO NOTHING",
            &[&hash, &data, &now()],
        )
        .await?;
    Ok(())
}

/// A bundle's bytes, if the store has them.
pub async fn bundle(client: &Client, hash: &str) -> Result<Option<Vec<u8>>, SharedError> {
    let row = client
        .query_opt("SELECT data FROM edge_bundles WHERE hash = $1", &[&hash])
        .await?;
    Ok(row.map(|r| r.get(0)))
}

pub async fn set_settings(
    client: &mut Client,
    app: &str,
    settings: &Settings,
) -> Result<(), SharedError> {
    let tx = client.transaction().await?;
    lock_app(&tx, app).await?;
    tx.execute(
        "UPDATE edge_apps SET settings = $2 WHERE name = $1",
        &[&app, &serde_json::to_string(settings)?],
    )
    .await?;
    bump(&tx, app).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_app(client: &mut Client, app: &str) -> Result<bool, SharedError> {
    let tx = client.transaction().await?;
    let n = tx
        .execute("DELETE FROM edge_apps WHERE name = $1", &[&app])
        .await?;
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &app])
        .await?;
    tx.commit().await?;
    Ok(n == 1)
}

/// Adds a version for a bundle already in the store; an app's existing version of the same
/// bundle is returned instead (with `false`).
pub async fn add_version(
    client: &mut Client,
    app: &str,
    bundle: &str,
    main: &str,
) -> Result<(Version, bool), SharedError> {
    let tx = client.transaction().await?;
    lock_app(&tx, app).await?;
    let existing = tx
        .query_opt(
            "SELECT id, created_at FROM edge_versions WHERE app = $1 AND bundle = $2 AND main = $3",
            &[&app, &bundle, &main],
        )
        .await?;
    let version = |id: i64, created_at: i64| Version {
        id,
        bundle: bundle.into(),
        main: main.into(),
        created_at,
    };
    if let Some(row) = existing {
        return Ok((version(row.get(0), row.get(1)), false));
    }
    let id: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM edge_versions WHERE app = $1",
            &[&app],
        )
        .await?
        .get(0);
    let created_at = now();
    tx.execute(
        "INSERT INTO edge_versions (app, id, bundle, main, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[&app, &id, &bundle, &main, &created_at],
    )
    .await?;
    bump(&tx, app).await?;
    tx.commit().await?;
    Ok((version(id, created_at), true))
}

/// Makes `id` the active version; the one it replaces becomes the rollback target.
pub async fn activate(client: &mut Client, app: &str, id: i64) -> Result<(), SharedError> {
    let tx = client.transaction().await?;
    lock_app(&tx, app).await?;
    tx.execute(
        "UPDATE edge_apps SET previous = CASE WHEN active IS NULL OR active = $2 THEN previous \
         ELSE active END, active = $2 WHERE name = $1",
        &[&app, &id],
    )
    .await?;
    bump(&tx, app).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the app's plain variables (its secrets stay).
pub async fn set_vars(
    client: &mut Client,
    app: &str,
    vars: &BTreeMap<String, String>,
) -> Result<(), SharedError> {
    let tx = client.transaction().await?;
    lock_app(&tx, app).await?;
    tx.execute(
        "DELETE FROM edge_vars WHERE app = $1 AND NOT secret",
        &[&app],
    )
    .await?;
    for (k, v) in vars {
        tx.execute(
            "INSERT INTO edge_vars (app, name, value, secret) VALUES ($1, $2, $3, false) \
             ON CONFLICT (app, name) DO UPDATE SET value = $3, secret = false",
            &[&app, k, v],
        )
        .await?;
    }
    bump(&tx, app).await?;
    tx.commit().await?;
    Ok(())
}

/// Stores a secret, already sealed.
pub async fn put_secret(
    client: &mut Client,
    app: &str,
    name: &str,
    sealed: &str,
) -> Result<(), SharedError> {
    let tx = client.transaction().await?;
    lock_app(&tx, app).await?;
    tx.execute(
        "INSERT INTO edge_vars (app, name, value, secret) VALUES ($1, $2, $3, true) \
         ON CONFLICT (app, name) DO UPDATE SET value = $3, secret = true",
        &[&app, &name, &sealed],
    )
    .await?;
    bump(&tx, app).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_secret(
    client: &mut Client,
    app: &str,
    name: &str,
) -> Result<bool, SharedError> {
    let tx = client.transaction().await?;
    lock_app(&tx, app).await?;
    let n = tx
        .execute(
            "DELETE FROM edge_vars WHERE app = $1 AND name = $2 AND secret",
            &[&app, &name],
        )
        .await?;
    bump(&tx, app).await?;
    tx.commit().await?;
    Ok(n == 1)
}

/// Replaces the app's routes. A route another app holds is refused (returned as `Err` inside
/// `Ok`), and nothing changes.
pub async fn set_app_routes(
    client: &mut Client,
    app: &str,
    routes: &[Route],
) -> Result<Result<(), Route>, SharedError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&ROUTES_LOCK])
        .await?;
    lock_app(&tx, app).await?;
    for r in routes {
        let owner = tx
            .query_opt(
                "SELECT app FROM edge_routes WHERE host = $1 AND path = $2",
                &[&r.host, &r.path],
            )
            .await?
            .map(|row| row.get::<_, String>(0));
        if let Some(owner) = owner.filter(|o| o != app) {
            let mut taken = r.clone();
            taken.app = owner;
            return Ok(Err(taken));
        }
    }
    tx.execute("DELETE FROM edge_routes WHERE app = $1", &[&app])
        .await?;
    for r in routes {
        tx.execute(
            "INSERT INTO edge_routes (host, path, app) VALUES ($1, $2, $3)",
            &[&r.host, &r.path, &app],
        )
        .await?;
    }
    bump(&tx, app).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Every app's name and revision.
pub async fn revisions(client: &Client) -> Result<Vec<(String, i64)>, SharedError> {
    let rows = client
        .query("SELECT name, revision FROM edge_apps", &[])
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// The whole state of the named apps, read in one snapshot (apps that no longer exist are
/// absent).
pub async fn snapshot(client: &mut Client, apps: &[String]) -> Result<Vec<AppState>, SharedError> {
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let rows = tx
        .query(
            "SELECT name, active, previous, settings, created_at, revision FROM edge_apps \
             WHERE name = ANY($1)",
            &[&apps],
        )
        .await?;
    let mut states = BTreeMap::new();
    for r in rows {
        let settings: String = r.get(3);
        let app = App {
            name: r.get(0),
            active: r.get(1),
            previous: r.get(2),
            settings: serde_json::from_str(&settings)?,
            created_at: r.get(4),
        };
        states.insert(
            app.name.clone(),
            AppState {
                revision: r.get(5),
                app,
                versions: Vec::new(),
                vars: Vec::new(),
                routes: Vec::new(),
            },
        );
    }
    for r in tx
        .query(
            "SELECT app, id, bundle, main, created_at FROM edge_versions WHERE app = ANY($1) \
             ORDER BY app, id",
            &[&apps],
        )
        .await?
    {
        if let Some(s) = states.get_mut(r.get::<_, &str>(0)) {
            s.versions.push(Version {
                id: r.get(1),
                bundle: r.get(2),
                main: r.get(3),
                created_at: r.get(4),
            });
        }
    }
    for r in tx
        .query(
            "SELECT app, name, value, secret FROM edge_vars WHERE app = ANY($1) ORDER BY app, name",
            &[&apps],
        )
        .await?
    {
        if let Some(s) = states.get_mut(r.get::<_, &str>(0)) {
            s.vars.push((r.get(1), r.get(2), r.get(3)));
        }
    }
    for r in tx
        .query(
            "SELECT host, path, app FROM edge_routes WHERE app = ANY($1) ORDER BY host, path",
            &[&apps],
        )
        .await?
    {
        if let Some(s) = states.get_mut(r.get::<_, &str>(2)) {
            s.routes.push(Route {
                host: r.get(0),
                path: r.get(1),
                app: r.get(2),
            });
        }
    }
    tx.commit().await?;
    Ok(states.into_values().collect())
}
