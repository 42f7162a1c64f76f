//! What the HTTP front hands requests to: one app (`edge dev`), or a node's routing table over
//! the multi-tenant host. Either way the answer names the app and version that served it.

use std::future::Future;
use std::sync::Arc;

use arc_swap::ArcSwap;
use edge_isolates::{AppHost, AppRequest, AppResponse, Body, Host, HostError};

use crate::request::host_and_path;
use crate::routes::RouteTable;

/// The result of one request, with who served it (for the access log).
pub struct Outcome {
    pub app: Option<Arc<str>>,
    pub version: Option<Arc<str>>,
    pub result: Result<AppResponse, HostError>,
}

impl Outcome {
    /// The HTTP response: the app's, or the error's (with JS details when `expose`).
    pub fn into_response(
        self,
        expose: bool,
    ) -> (http::Response<Body>, Option<Arc<str>>, Option<Arc<str>>) {
        let response = match self.result {
            Ok(res) => {
                let mut response = http::Response::new(res.body);
                *response.status_mut() = http::StatusCode::from_u16(res.status)
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
                *response.headers_mut() = res.headers;
                response
            }
            Err(err) => {
                tracing::debug!("{err}");
                crate::errors::error_response(&err, expose)
            }
        };
        (response, self.app, self.version)
    }
}

/// Takes requests from the connections.
pub trait Dispatch: 'static {
    fn dispatch(&self, request: AppRequest) -> impl Future<Output = Outcome>;
}

impl Dispatch for AppHost {
    async fn dispatch(&self, request: AppRequest) -> Outcome {
        Outcome {
            app: None,
            version: None,
            result: AppHost::dispatch(self, request).await,
        }
    }
}

/// A node: the routing table picks the app, the host runs it.
pub struct Routed {
    pub host: Arc<Host>,
    pub routes: ArcSwap<RouteTable>,
    /// With `Some("apps.example.com")`, a host `<app>.apps.example.com` that no route covers
    /// goes to the app of that name (lowercase, no leading dot).
    pub app_domain: Option<String>,
}

impl Routed {
    /// The app a request goes to: by the routing table, else by the app domain.
    fn pick(&self, host: &str, path: &str) -> Option<Arc<str>> {
        if let Some(app) = self.routes.load().resolve(host, path) {
            return Some(app.clone());
        }
        let domain = self.app_domain.as_deref()?;
        let host = host.to_ascii_lowercase();
        let label = host
            .strip_suffix(domain)?
            .strip_suffix('.')
            .filter(|l| !l.is_empty() && !l.contains('.'))?;
        self.host.has(label).then(|| Arc::from(label))
    }
}

impl Dispatch for Routed {
    async fn dispatch(&self, request: AppRequest) -> Outcome {
        let (host, path) = host_and_path(&request.url);
        let Some(app) = self.pick(host, path) else {
            let place = format!("{host}{path}");
            return Outcome {
                app: None,
                version: None,
                result: Err(HostError::UnknownApp(place)),
            };
        };
        if !self.host.has(&app) {
            // A route to an app with no active version (the app's name stays private).
            tracing::debug!(app = %app, "routed to an app with no active version");
            return Outcome {
                app: Some(app),
                version: None,
                result: Err(HostError::UnknownApp(format!(
                    "{host}{path} (no active version)"
                ))),
            };
        }
        let (version, result) = self.host.dispatch_versioned(&app, request).await;
        Outcome {
            app: Some(app),
            version,
            result,
        }
    }
}
