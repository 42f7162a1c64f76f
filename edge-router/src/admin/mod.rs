//! The admin API: JSON over HTTP/1.1 on its own listener, every `/v1` call behind the bearer
//! token (none or a wrong one is a 401, never an open admin). It uploads bundles, creates,
//! activates and rolls back versions, sets routes, variables, secrets and limits, and reads
//! metrics and logs (a live tail as Server-Sent Events). `/healthz`, `/readyz` and the OpenAPI
//! document need no token. Every error is `{"error": {"code", "message"}}`.

mod apps;
mod reply;
mod writes;

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use edge_isolates::Body;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};

use crate::node::Node;
pub use reply::ApiError;
use reply::{json, Reply};

/// The OpenAPI document of this API.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every endpoint, as `(method, path template)`: what the dispatcher below answers and what
/// the OpenAPI document must describe (a test holds them together).
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/v1/openapi.json"),
    ("GET", "/v1/node"),
    ("GET", "/v1/apps"),
    ("GET", "/v1/apps/{app}"),
    ("PUT", "/v1/apps/{app}"),
    ("DELETE", "/v1/apps/{app}"),
    ("GET", "/v1/apps/{app}/versions"),
    ("POST", "/v1/apps/{app}/versions"),
    ("POST", "/v1/apps/{app}/versions/{version}/activate"),
    ("POST", "/v1/apps/{app}/rollback"),
    ("POST", "/v1/apps/{app}/scheduled"),
    ("GET", "/v1/apps/{app}/vars"),
    ("PUT", "/v1/apps/{app}/vars"),
    ("GET", "/v1/apps/{app}/secrets"),
    ("PUT", "/v1/apps/{app}/secrets/{name}"),
    ("DELETE", "/v1/apps/{app}/secrets/{name}"),
    ("GET", "/v1/apps/{app}/routes"),
    ("PUT", "/v1/apps/{app}/routes"),
    ("GET", "/v1/apps/{app}/logs"),
    ("GET", "/v1/routes"),
    ("HEAD", "/v1/bundles/{hash}"),
    ("GET", "/v1/metrics"),
    ("POST", "/v1/tls/reload"),
];

/// Serves the admin API on `listener`, on the calling thread's `LocalSet`.
pub fn serve(listener: std::net::TcpListener, node: Arc<Node>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    tokio::task::spawn_local(async move {
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!("admin accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let node = node.clone();
            tokio::task::spawn_local(async move {
                let service = service_fn(move |req| {
                    let node = node.clone();
                    async move { Ok::<_, Infallible>(handle(req, &node).await) }
                });
                let _ = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(std::time::Duration::from_secs(15))
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(())
}

async fn handle(req: Request<Incoming>, node: &Arc<Node>) -> Response<Body> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let reply = route(req, node).await;
    let response = match reply {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    if response.status().is_server_error() {
        tracing::error!(%method, %path, status = %response.status(), "admin request failed");
    } else if method != Method::GET && method != Method::HEAD {
        tracing::info!(%method, %path, status = %response.status(), "admin");
    }
    response
}

/// Constant-time comparison, so the token cannot be guessed byte by byte from timings.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn authorize(req: &Request<Incoming>, node: &Node) -> Result<(), ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "this API needs 'Authorization: Bearer <token>' (the node's admin token)",
        ));
    };
    let given = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    if !same(given.as_bytes(), node.token.as_bytes()) {
        return Err(ApiError::unauthorized("the admin token is wrong"));
    }
    Ok(())
}

/// Reads a request body up to `limit` bytes.
pub(crate) async fn read_body(body: Incoming, limit: u64) -> Result<Bytes, ApiError> {
    match http_body_util::Limited::new(body, limit as usize)
        .collect()
        .await
    {
        Ok(b) => Ok(b.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is over {} MiB", limit >> 20),
        )),
        Err(e) => Err(ApiError::bad_request(format!("cannot read the body: {e}"))),
    }
}

async fn route(req: Request<Incoming>, node: &Arc<Node>) -> Result<Reply, ApiError> {
    let path = req.uri().path().to_owned();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = req.method().clone();
    let m = method.as_str();
    match (m, segments.as_slice()) {
        ("GET", ["healthz"]) => return Ok(Reply::text(StatusCode::OK, "ok\n")),
        ("GET", ["readyz"]) => {
            return Ok(if node.server.drain.is_draining() {
                Reply::text(StatusCode::SERVICE_UNAVAILABLE, "draining\n")
            } else {
                Reply::text(StatusCode::OK, "ready\n")
            })
        }
        ("GET", ["v1", "openapi.json"]) => {
            return Ok(Reply::raw(
                StatusCode::OK,
                "application/json",
                OPENAPI.into(),
            ))
        }
        _ => {}
    }
    if segments.first() != Some(&"v1") {
        return Err(ApiError::not_found(format!("no such endpoint: {m} {path}")));
    }
    authorize(&req, node)?;
    match (m, &segments[1..]) {
        ("GET", ["node"]) => apps::node_info(node),
        ("GET", ["apps"]) => apps::list(node),
        ("GET", ["apps", app]) => apps::get(node, app),
        ("PUT", ["apps", app]) => {
            let app = app.to_string();
            let body = read_body(req.into_body(), 1 << 20).await?;
            apps::put_settings(node, &app, &body).await
        }
        ("DELETE", ["apps", app]) => apps::delete(node, app).await,
        ("GET", ["apps", app, "versions"]) => apps::versions(node, app),
        ("POST", ["apps", app, "versions"]) => {
            let app = app.to_string();
            apps::upload(node, &app, req).await
        }
        ("POST", ["apps", app, "versions", version, "activate"]) => {
            let id = parse_version(version)?;
            apps::activate(node, app, id).await
        }
        ("POST", ["apps", app, "rollback"]) => {
            let app = app.to_string();
            let body = read_body(req.into_body(), 1 << 20).await?;
            apps::rollback(node, &app, &body).await
        }
        ("POST", ["apps", app, "scheduled"]) => {
            let app = app.to_string();
            let body = read_body(req.into_body(), 1 << 20).await?;
            apps::trigger_scheduled(node, &app, &body).await
        }
        ("GET", ["apps", app, "vars"]) => apps::get_vars(node, app),
        ("PUT", ["apps", app, "vars"]) => {
            let app = app.to_string();
            let body = read_body(req.into_body(), 1 << 20).await?;
            apps::put_vars(node, &app, &body).await
        }
        ("GET", ["apps", app, "secrets"]) => apps::list_secrets(node, app),
        ("PUT", ["apps", app, "secrets", name]) => {
            let (app, name) = (app.to_string(), name.to_string());
            let body = read_body(req.into_body(), 1 << 20).await?;
            apps::put_secret(node, &app, &name, &body).await
        }
        ("DELETE", ["apps", app, "secrets", name]) => apps::delete_secret(node, app, name).await,
        ("GET", ["apps", app, "routes"]) => apps::get_routes(node, app),
        ("PUT", ["apps", app, "routes"]) => {
            let app = app.to_string();
            let body = read_body(req.into_body(), 1 << 20).await?;
            apps::put_routes(node, &app, &body).await
        }
        ("GET", ["apps", app, "logs"]) => apps::logs(node, app, &req),
        ("GET", ["routes"]) => {
            let routes = node.lock_store().routes()?;
            Ok(json(
                StatusCode::OK,
                &serde_json::json!({ "routes": routes }),
            ))
        }
        ("HEAD", ["bundles", hash]) => Ok(Reply::text(
            if node.bundles.has(hash) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            },
            "",
        )),
        ("GET", ["metrics"]) => Ok(Reply::raw(
            StatusCode::OK,
            "text/plain; version=0.0.4",
            apps::metrics(node).into(),
        )),
        ("POST", ["tls", "reload"]) => match &node.certs {
            None => Err(ApiError::conflict("this node serves no HTTPS")),
            Some(certs) => match certs.reload() {
                Ok(()) => Ok(json(
                    StatusCode::OK,
                    &serde_json::json!({ "reloaded": true }),
                )),
                Err(e) => Err(ApiError::bad_request(e.to_string())),
            },
        },
        _ => {
            let known = ENDPOINTS
                .iter()
                .any(|(_, t)| template_matches(t, &segments));
            if known {
                Err(ApiError::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    format!("{m} is not allowed on {path}"),
                ))
            } else {
                Err(ApiError::not_found(format!("no such endpoint: {m} {path}")))
            }
        }
    }
}

fn parse_version(text: &str) -> Result<i64, ApiError> {
    text.trim_start_matches('v')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::bad_request(format!("'{text}' is not a version number")))
}

fn template_matches(template: &str, segments: &[&str]) -> bool {
    let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
    parts.len() == segments.len()
        && parts
            .iter()
            .zip(segments)
            .all(|(t, s)| t.starts_with('{') || t == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_describes_every_endpoint() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        let paths = doc["paths"].as_object().expect("paths");
        for (method, path) in ENDPOINTS {
            let item = paths
                .get(*path)
                .unwrap_or_else(|| panic!("{path} is not in openapi.json"));
            assert!(
                item.get(method.to_lowercase()).is_some(),
                "{method} {path} is not in openapi.json"
            );
        }
        let described: usize = paths
            .values()
            .map(|p| p.as_object().map(|o| o.len()).unwrap_or(0))
            .sum();
        assert_eq!(
            described,
            ENDPOINTS.len(),
            "openapi.json has extra operations"
        );
    }

    #[test]
    fn compares_tokens_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
        assert!(!same(b"", b"a"));
    }
}
