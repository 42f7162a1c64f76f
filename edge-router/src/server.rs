//! The HTTP/1.1 server: accept loops on the host's worker threads, one local task per
//! connection, keep-alive, streamed bodies both ways.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use edge_isolates::{AppHost, AppRequest, Body, WorkerPool};
use http::{header, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use crate::errors::{error_response, plain};

/// How the front end behaves.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Put error details (JS stacks) into 500 responses: for `edge dev` only.
    pub expose_errors: bool,
}

/// Serves HTTP on `listener` from every worker of `pool`: each worker accepts connections
/// and runs them itself, so a request for an isolate on that worker stays on its thread.
/// Returns once the accept loops are running; they stop when the pool does.
pub fn serve(
    listener: std::net::TcpListener,
    host: Arc<AppHost>,
    pool: &WorkerPool,
    config: ServerConfig,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    for index in 0..pool.len() {
        let listener = listener.try_clone()?;
        let host = host.clone();
        let config = config.clone();
        pool.spawn_on(index, move || accept_loop(listener, host, config));
    }
    Ok(())
}

async fn accept_loop(listener: std::net::TcpListener, host: Arc<AppHost>, config: ServerConfig) {
    let listener = match TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("cannot listen on this worker: {e}");
            return;
        }
    };
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let local = stream.local_addr().ok();
        let host = host.clone();
        let config = config.clone();
        tokio::task::spawn_local(async move {
            let service = service_fn(move |req| {
                let host = host.clone();
                let config = config.clone();
                async move { Ok::<_, Infallible>(handle(req, &host, &config, local).await) }
            });
            let result = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .writev(false)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = result {
                tracing::debug!(%peer, "connection ended: {e}");
            }
        });
    }
}

async fn handle(
    req: Request<Incoming>,
    host: &AppHost,
    config: &ServerConfig,
    local: Option<SocketAddr>,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let Some(url) = request_url(&parts, local) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "Bad Request: invalid Host header or target",
        );
    };
    let request = AppRequest {
        method: parts.method,
        url,
        headers: parts.headers,
        body: Body::from_http(body),
    };
    match host.dispatch(request).await {
        Ok(res) => {
            let mut response = Response::new(res.body);
            *response.status_mut() =
                StatusCode::from_u16(res.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            *response.headers_mut() = res.headers;
            response
        }
        Err(err) => {
            tracing::error!("{err}");
            error_response(&err, config.expose_errors)
        }
    }
}

/// The absolute URL the app sees: `http://` + Host header (or the local address) + target.
fn request_url(parts: &http::request::Parts, local: Option<SocketAddr>) -> Option<String> {
    let authority = match parts.headers.get(header::HOST) {
        Some(h) => h.to_str().ok()?.to_owned(),
        None => match parts.uri.authority() {
            Some(a) => a.as_str().to_owned(),
            None => local?.to_string(),
        },
    };
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let url = format!("http://{authority}{path}");
    // The host header must not smuggle a path or userinfo into the URL.
    if authority.contains(['/', '@', '?', '#', ' ']) {
        return None;
    }
    Some(url)
}
