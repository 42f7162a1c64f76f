//! The pooled HTTP client of one isolate (HTTP/1.1, and HTTP/2 where TLS negotiates it).
//! Connections are never shared between isolates.

use std::time::Duration;

use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::connector::HookConnector;
use super::OutboundConfig;
use crate::body::Body;

/// How long an idle pooled connection is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Idle connections kept per host.
const IDLE_PER_HOST: usize = 16;

#[derive(Clone)]
pub struct HttpClient {
    inner: Client<HookConnector, Body>,
}

impl HttpClient {
    pub fn new(config: OutboundConfig) -> Self {
        let inner = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(IDLE_TIMEOUT)
            .pool_max_idle_per_host(IDLE_PER_HOST)
            .build(HookConnector { config });
        HttpClient { inner }
    }

    /// Sends one request (no redirects followed) and resolves with the response head; the
    /// body streams from the connection.
    pub async fn send(
        &self,
        request: http::Request<Body>,
    ) -> Result<http::Response<hyper::body::Incoming>, String> {
        self.inner.request(request).await.map_err(|e| describe(&e))
    }
}

/// The innermost useful message of a client error (the policy's refusal, the TLS failure).
fn describe(e: &hyper_util::client::legacy::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message = s.to_string();
        source = s.source();
    }
    message
}
