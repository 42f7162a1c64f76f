//! The node's state: apps, their versions (each a content-addressed bundle), which version is
//! active and which was before it, variables and secrets, settings (limits, outbound hosts)
//! and routes. One SQLite file in WAL mode; every change is one transaction. A node of a fleet
//! keeps its copy of the shared store (`postgres`) in such a file too, with each app's revision.

pub mod bundle;
pub mod pg_kv;
pub mod pg_tls;
pub mod postgres;
pub mod sealed;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::routes::Route;

/// A store operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("stored settings are unreadable: {0}")]
    Json(#[from] serde_json::Error),
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS apps (
    name TEXT PRIMARY KEY,
    active INTEGER,
    previous INTEGER,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    bundle TEXT NOT NULL,
    main TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app, id)
);
CREATE TABLE IF NOT EXISTS vars (
    app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    secret INTEGER NOT NULL,
    PRIMARY KEY (app, name)
);
CREATE TABLE IF NOT EXISTS routes (
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
    PRIMARY KEY (host, path)
);
";

/// A queue an app sends to: the name on `env` and the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueProducerRef {
    pub binding: String,
    pub queue: String,
}

/// A queue an app consumes: batches of at most `max_batch_size` messages (default 10), a
/// message dropped after `max_retries` retries (default 3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConsumer {
    pub queue: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_batch_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
}

/// A service binding: the name on `env` and the app it calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRef {
    pub binding: String,
    pub service: String,
}

/// A KV namespace or SQL database declared for an app: the name on `env` and the storage's id
/// (by default the binding's name; ids are the app's own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindingRef {
    pub binding: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// An app's limits and permissions, as the admin API sets them; absent fields take the host's
/// defaults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subrequests: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_mib: Option<u64>,
    /// Worker threads the app may run at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<u64>,
    /// WebSockets the app may hold open at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websockets: Option<u64>,
    /// The largest WebSocket message, in KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket_message_kib: Option<u64>,
    /// Seconds a WebSocket may stay without a message either way (0: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket_idle_s: Option<u64>,
    /// KV namespaces on the app's `env`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kv_namespaces: Vec<BindingRef>,
    /// SQL databases (D1-style) on the app's `env`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub d1_databases: Vec<BindingRef>,
    /// Other apps of the node on the app's `env`, called with `fetch()`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceRef>,
    /// Cron expressions that run the app's `scheduled` handler (UTC).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crons: Vec<String>,
    /// Queues the app sends to (`env.NAME.send()`), the app's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queue_producers: Vec<QueueProducerRef>,
    /// The app's queues it consumes with its `queue` handler.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queue_consumers: Vec<QueueConsumer>,
    /// Hosts `fetch()` may reach (`api.example.com`, `*.example.com`, optional `:port`).
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Node's built-in modules and globals; absent means on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_compat: Option<bool>,
}

/// One version of an app.
#[derive(Clone, Debug, Serialize)]
pub struct Version {
    pub id: i64,
    pub bundle: String,
    pub main: String,
    pub created_at: i64,
}

/// An app as stored.
#[derive(Clone, Debug, Serialize)]
pub struct App {
    pub name: String,
    pub active: Option<i64>,
    pub previous: Option<i64>,
    pub settings: Settings,
    pub created_at: i64,
}

/// The database.
pub struct Store {
    db: Connection,
}

/// One app whole, as a fleet node copies it from the shared store.
#[derive(Clone, Debug)]
pub struct AppState {
    pub app: App,
    pub revision: i64,
    pub versions: Vec<Version>,
    /// `(name, value, secret)`; secrets sealed.
    pub vars: Vec<(String, String, bool)>,
    pub routes: Vec<Route>,
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.pragma_update(None, "foreign_keys", "ON")?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        db.execute_batch(SCHEMA)?;
        // Added for fleets: the revision of the shared store each app was copied at.
        let has_revision: bool = db.query_row(
            "SELECT COUNT(*) > 0 FROM pragma_table_info('apps') WHERE name = 'revision'",
            [],
            |r| r.get(0),
        )?;
        if !has_revision {
            db.execute_batch("ALTER TABLE apps ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")?;
        }
        Ok(Store { db })
    }

    /// Each app's revision (of the shared store it was copied from).
    pub fn revisions(&self) -> Result<HashMap<String, i64>, StoreError> {
        let mut stmt = self.db.prepare("SELECT name, revision FROM apps")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Makes the copy hold `states` (each app whole, replacing what it had) and no longer
    /// hold the apps in `deleted`, in one transaction.
    pub fn mirror(&mut self, states: &[AppState], deleted: &[String]) -> Result<(), StoreError> {
        let tx = self.db.transaction()?;
        for name in deleted {
            tx.execute("DELETE FROM apps WHERE name = ?1", [name])?;
        }
        for s in states {
            let a = &s.app;
            tx.execute(
                "INSERT INTO apps (name, active, previous, settings, created_at, revision) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO UPDATE SET \
                 active = ?2, previous = ?3, settings = ?4, created_at = ?5, revision = ?6",
                params![
                    a.name,
                    a.active,
                    a.previous,
                    serde_json::to_string(&a.settings)?,
                    a.created_at,
                    s.revision
                ],
            )?;
            for table in ["versions", "vars", "routes"] {
                tx.execute(&format!("DELETE FROM {table} WHERE app = ?1"), [&a.name])?;
            }
            for v in &s.versions {
                tx.execute(
                    "INSERT INTO versions (app, id, bundle, main, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![a.name, v.id, v.bundle, v.main, v.created_at],
                )?;
            }
            for (name, value, secret) in &s.vars {
                tx.execute(
                    "INSERT INTO vars (app, name, value, secret) VALUES (?1, ?2, ?3, ?4)",
                    params![a.name, name, value, secret],
                )?;
            }
        }
        // Routes last: one may have moved between two of these apps.
        for s in states {
            for r in &s.routes {
                tx.execute(
                    "INSERT OR REPLACE INTO routes (host, path, app) VALUES (?1, ?2, ?3)",
                    params![r.host, r.path, s.app.name],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets the revision an app was copied at, so that the next reconcile copies it again.
    pub fn mark_stale(&self, app: &str) -> Result<(), StoreError> {
        self.db
            .execute("UPDATE apps SET revision = 0 WHERE name = ?1", [app])?;
        Ok(())
    }

    pub fn apps(&self) -> Result<Vec<App>, StoreError> {
        self.query_apps(
            "SELECT name, active, previous, settings, created_at FROM apps ORDER BY name",
            [],
        )
    }

    /// One app, looked up by its key (not by reading every app).
    pub fn app(&self, name: &str) -> Result<Option<App>, StoreError> {
        let sql = "SELECT name, active, previous, settings, created_at FROM apps WHERE name = ?1";
        Ok(self.query_apps(sql, [name])?.pop())
    }

    fn query_apps<P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
    ) -> Result<Vec<App>, StoreError> {
        let mut stmt = self.db.prepare_cached(sql)?;
        let rows = stmt.query_map(params, |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
            ))
        })?;
        let mut apps = Vec::new();
        for row in rows {
            let (name, active, previous, settings, created_at) = row?;
            apps.push(App {
                name,
                active,
                previous,
                settings: serde_json::from_str(&settings)?,
                created_at,
            });
        }
        Ok(apps)
    }

    /// Creates the app if it does not exist; says whether it did.
    pub fn ensure_app(&self, name: &str) -> Result<bool, StoreError> {
        let n = self.db.execute(
            "INSERT OR IGNORE INTO apps (name, created_at) VALUES (?1, ?2)",
            params![name, now()],
        )?;
        Ok(n == 1)
    }

    pub fn set_settings(&self, name: &str, settings: &Settings) -> Result<(), StoreError> {
        self.ensure_app(name)?;
        self.db.execute(
            "UPDATE apps SET settings = ?2 WHERE name = ?1",
            params![name, serde_json::to_string(settings)?],
        )?;
        Ok(())
    }

    /// Deletes the app with its versions, variables and routes.
    pub fn delete_app(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self
            .db
            .execute("DELETE FROM apps WHERE name = ?1", [name])?
            == 1)
    }

    pub fn versions(&self, app: &str) -> Result<Vec<Version>, StoreError> {
        let mut stmt = self.db.prepare(
            "SELECT id, bundle, main, created_at FROM versions WHERE app = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([app], |r| {
            Ok(Version {
                id: r.get(0)?,
                bundle: r.get(1)?,
                main: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One version, looked up by its key.
    pub fn version(&self, app: &str, id: i64) -> Result<Option<Version>, StoreError> {
        let version = self
            .db
            .query_row(
                "SELECT id, bundle, main, created_at FROM versions WHERE app = ?1 AND id = ?2",
                params![app, id],
                |r| {
                    Ok(Version {
                        id: r.get(0)?,
                        bundle: r.get(1)?,
                        main: r.get(2)?,
                        created_at: r.get(3)?,
                    })
                },
            )
            .optional()?;
        Ok(version)
    }

    /// Adds a version for a bundle; an app's existing version of the same bundle is returned
    /// instead (with `false`: nothing new).
    pub fn add_version(
        &mut self,
        app: &str,
        bundle: &str,
        main: &str,
    ) -> Result<(Version, bool), StoreError> {
        let tx = self.db.transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO apps (name, created_at) VALUES (?1, ?2)",
            params![app, now()],
        )?;
        let existing = tx
            .query_row(
                "SELECT id, created_at FROM versions WHERE app = ?1 AND bundle = ?2 AND main = ?3",
                params![app, bundle, main],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()?;
        if let Some((id, created_at)) = existing {
            return Ok((
                Version {
                    id,
                    bundle: bundle.into(),
                    main: main.into(),
                    created_at,
                },
                false,
            ));
        }
        let id: i64 = tx.query_row(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM versions WHERE app = ?1",
            [app],
            |r| r.get(0),
        )?;
        let created_at = now();
        tx.execute(
            "INSERT INTO versions (app, id, bundle, main, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![app, id, bundle, main, created_at],
        )?;
        tx.commit()?;
        Ok((
            Version {
                id,
                bundle: bundle.into(),
                main: main.into(),
                created_at,
            },
            true,
        ))
    }

    /// Makes `id` the active version; the one it replaces becomes the rollback target.
    pub fn activate(&self, app: &str, id: i64) -> Result<(), StoreError> {
        self.db.execute(
            "UPDATE apps SET previous = CASE WHEN active IS NULL OR active = ?2 THEN previous \
             ELSE active END, active = ?2 WHERE name = ?1",
            params![app, id],
        )?;
        Ok(())
    }

    /// The app's variables and secrets, as `(name, value, secret)`.
    pub fn vars(&self, app: &str) -> Result<Vec<(String, String, bool)>, StoreError> {
        let mut stmt = self
            .db
            .prepare("SELECT name, value, secret FROM vars WHERE app = ?1 ORDER BY name")?;
        let rows = stmt.query_map([app], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces the app's plain variables (its secrets stay).
    pub fn set_vars(
        &mut self,
        app: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<(), StoreError> {
        let tx = self.db.transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO apps (name, created_at) VALUES (?1, ?2)",
            params![app, now()],
        )?;
        tx.execute("DELETE FROM vars WHERE app = ?1 AND secret = 0", [app])?;
        for (k, v) in vars {
            tx.execute(
                "INSERT OR REPLACE INTO vars (app, name, value, secret) VALUES (?1, ?2, ?3, 0)",
                params![app, k, v],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn put_secret(&self, app: &str, name: &str, value: &str) -> Result<(), StoreError> {
        self.ensure_app(app)?;
        self.db.execute(
            "INSERT OR REPLACE INTO vars (app, name, value, secret) VALUES (?1, ?2, ?3, 1)",
            params![app, name, value],
        )?;
        Ok(())
    }

    pub fn delete_secret(&self, app: &str, name: &str) -> Result<bool, StoreError> {
        let n = self.db.execute(
            "DELETE FROM vars WHERE app = ?1 AND name = ?2 AND secret = 1",
            params![app, name],
        )?;
        Ok(n == 1)
    }

    pub fn routes(&self) -> Result<Vec<Route>, StoreError> {
        let mut stmt = self
            .db
            .prepare("SELECT host, path, app FROM routes ORDER BY host, path")?;
        let rows = stmt.query_map([], |r| {
            Ok(Route {
                host: r.get(0)?,
                path: r.get(1)?,
                app: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces the app's routes. A route another app holds is refused (returned as `Err`
    /// inside `Ok`), and nothing changes.
    pub fn set_app_routes(
        &mut self,
        app: &str,
        routes: &[Route],
    ) -> Result<Result<(), Route>, StoreError> {
        let tx = self.db.transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO apps (name, created_at) VALUES (?1, ?2)",
            params![app, now()],
        )?;
        for r in routes {
            let owner: Option<String> = tx
                .query_row(
                    "SELECT app FROM routes WHERE host = ?1 AND path = ?2",
                    params![r.host, r.path],
                    |row| row.get(0),
                )
                .optional()?;
            if owner.as_deref().is_some_and(|o| o != app) {
                let mut taken = r.clone();
                taken.app = owner.unwrap_or_default();
                return Ok(Err(taken));
            }
        }
        tx.execute("DELETE FROM routes WHERE app = ?1", [app])?;
        for r in routes {
            tx.execute(
                "INSERT OR REPLACE INTO routes (host, path, app) VALUES (?1, ?2, ?3)",
                params![r.host, r.path, app],
            )?;
        }
        tx.commit()?;
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_activation_and_rollback_target() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("node.db")).unwrap();
        let (v1, new) = store.add_version("a", &"1".repeat(64), "index.js").unwrap();
        assert!(new);
        let (again, new) = store.add_version("a", &"1".repeat(64), "index.js").unwrap();
        assert!(!new);
        assert_eq!(again.id, v1.id);
        let (v2, _) = store.add_version("a", &"2".repeat(64), "index.js").unwrap();
        store.activate("a", v1.id).unwrap();
        store.activate("a", v2.id).unwrap();
        let app = store.app("a").unwrap().unwrap();
        assert_eq!((app.active, app.previous), (Some(2), Some(1)));
        // Re-activating the active version keeps the rollback target.
        store.activate("a", v2.id).unwrap();
        assert_eq!(store.app("a").unwrap().unwrap().previous, Some(1));
        drop(store);
        let store = Store::open(&dir.path().join("node.db")).unwrap();
        assert_eq!(store.versions("a").unwrap().len(), 2);
    }

    #[test]
    fn routes_belong_to_one_app() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("node.db")).unwrap();
        let r = |h: &str| Route {
            host: h.into(),
            path: "/".into(),
            app: String::new(),
        };
        store.set_app_routes("a", &[r("a.com")]).unwrap().unwrap();
        let taken = store
            .set_app_routes("b", &[r("a.com")])
            .unwrap()
            .unwrap_err();
        assert_eq!(taken.app, "a");
        store.set_app_routes("b", &[r("b.com")]).unwrap().unwrap();
        assert_eq!(store.routes().unwrap().len(), 2);
        store.delete_app("a").unwrap();
        assert_eq!(store.routes().unwrap()[0].app, "b");
    }
}
