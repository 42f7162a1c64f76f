//! Where the admin API's changes are recorded: the node's own SQLite store, or, in a fleet, the
//! shared PostgreSQL store (then copied back into the node's local copy, and announced to the
//! other nodes). Callers hold the node's change lock. In a fleet every change first catches up
//! with the store, so it starts from the fleet's state; a store that cannot be reached is a
//! 503 that says nothing was changed.

use std::collections::BTreeMap;

use http::StatusCode;

use super::reply::ApiError;
use crate::fleet::{sync_locked, Fleet, SyncError};
use crate::node::Node;
use crate::routes::Route;
use crate::store::postgres as shared;
use crate::store::{Settings, Version};

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Unreachable(why) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                format!(
                    "the fleet's control store cannot be reached, so nothing was changed; every \
                     node keeps serving its current versions ({why})"
                ),
            ),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl Node {
    /// In a fleet: copies what changed on other nodes, and checks that the store is reachable.
    pub(crate) async fn catch_up(&self) -> Result<(), ApiError> {
        match &self.fleet {
            Some(fleet) => Ok(sync_locked(self, fleet).await?),
            None => Ok(()),
        }
    }

    /// Records a change in the shared store, then copies it back.
    async fn shared_write<T>(
        &self,
        fleet: &Fleet,
        call: impl AsyncFnOnce(&mut tokio_postgres::Client) -> Result<T, shared::SharedError>,
    ) -> Result<T, ApiError> {
        let out = fleet.call(call).await?;
        if let Err(e) = sync_locked(self, fleet).await {
            tracing::warn!("the change is stored; copying it back failed (retried shortly): {e}");
        }
        Ok(out)
    }

    pub(crate) async fn write_settings(&self, app: &str, s: &Settings) -> Result<(), ApiError> {
        match &self.fleet {
            None => Ok(self.lock_store().set_settings(app, s)?),
            Some(f) => {
                self.shared_write(f, async |c| shared::set_settings(c, app, s).await)
                    .await
            }
        }
    }

    pub(crate) async fn write_delete_app(&self, app: &str) -> Result<bool, ApiError> {
        match &self.fleet {
            None => Ok(self.lock_store().delete_app(app)?),
            Some(f) => {
                self.shared_write(f, async |c| shared::delete_app(c, app).await)
                    .await
            }
        }
    }

    /// Adds a version of a bundle this node has (in a fleet, stored for the others first).
    pub(crate) async fn write_version(
        &self,
        app: &str,
        hash: &str,
        main: &str,
    ) -> Result<(Version, bool), ApiError> {
        match &self.fleet {
            None => Ok(self.lock_store().add_version(app, hash, main)?),
            Some(f) => {
                let data = self
                    .bundles
                    .read(hash)
                    .map_err(|e| ApiError::internal(e.to_string()))?;
                f.call(async |c| shared::put_bundle(c, hash, &data).await)
                    .await?;
                self.shared_write(f, async |c| shared::add_version(c, app, hash, main).await)
                    .await
            }
        }
    }

    pub(crate) async fn write_activate(&self, app: &str, id: i64) -> Result<(), ApiError> {
        match &self.fleet {
            None => Ok(self.lock_store().activate(app, id)?),
            Some(f) => {
                self.shared_write(f, async |c| shared::activate(c, app, id).await)
                    .await
            }
        }
    }

    pub(crate) async fn write_vars(
        &self,
        app: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        match &self.fleet {
            None => Ok(self.lock_store().set_vars(app, vars)?),
            Some(f) => {
                self.shared_write(f, async |c| shared::set_vars(c, app, vars).await)
                    .await
            }
        }
    }

    /// Stores a secret: as it is in the node's own store, sealed in a fleet's.
    pub(crate) async fn write_secret(
        &self,
        app: &str,
        name: &str,
        value: &str,
    ) -> Result<(), ApiError> {
        match &self.fleet {
            None => Ok(self.lock_store().put_secret(app, name, value)?),
            Some(f) => {
                let sealed = f
                    .key
                    .seal(app, name, value)
                    .map_err(|e| ApiError::internal(e.to_string()))?;
                self.shared_write(f, async |c| shared::put_secret(c, app, name, &sealed).await)
                    .await
            }
        }
    }

    pub(crate) async fn write_delete_secret(
        &self,
        app: &str,
        name: &str,
    ) -> Result<bool, ApiError> {
        match &self.fleet {
            None => Ok(self.lock_store().delete_secret(app, name)?),
            Some(f) => {
                self.shared_write(f, async |c| shared::delete_secret(c, app, name).await)
                    .await
            }
        }
    }

    pub(crate) async fn write_routes(
        &self,
        app: &str,
        routes: &[Route],
    ) -> Result<Result<(), Route>, ApiError> {
        match &self.fleet {
            None => Ok(self.lock_store().set_app_routes(app, routes)?),
            Some(f) => {
                self.shared_write(f, async |c| shared::set_app_routes(c, app, routes).await)
                    .await
            }
        }
    }
}
