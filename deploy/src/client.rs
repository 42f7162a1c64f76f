//! The admin API client behind `edge deploy`, `versions`, `rollback`, `secrets`, `logs` and
//! `whoami`: JSON over HTTP(S) with the node's bearer token. A refusal shows the node's own
//! message; a node that cannot be reached says where it was looked for.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::credentials::Target;

/// A connection to one node's admin API.
pub struct Client {
    http: reqwest::Client,
    pub base: String,
    token: String,
}

/// An answer from the node: the status and the JSON body (`Null` if it was not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

fn tls_config(extra_ca: Option<&[u8]>) -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_ca {
        use rustls_pki_types::pem::PemObject;
        for cert in rustls_pki_types::CertificateDer::pem_slice_iter(pem) {
            roots
                .add(cert.context("the CA file holds a bad certificate")?)
                .context("the CA file holds a certificate rustls refuses")?;
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

impl Client {
    pub fn new(target: &Target) -> Result<Client> {
        let ca = match &target.ca_file {
            Some(path) => Some(
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
            ),
            None => None,
        };
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls_config(ca.as_deref())?)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("edge-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot make an HTTP client")?;
        Ok(Client {
            http,
            base: target.node.trim_end_matches('/').to_owned(),
            token: target.token.clone(),
        })
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    /// Sends a request and reads its JSON answer, whatever the status.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Result<Answer> {
        let res = req.send().await.map_err(|e| self.unreachable(e))?;
        let status = res.status();
        let text = res
            .text()
            .await
            .with_context(|| format!("the node at {} broke off its answer", self.base))?;
        Ok(Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        })
    }

    fn unreachable(&self, e: reqwest::Error) -> anyhow::Error {
        let mut cause = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            cause = s.to_string();
            source = s.source();
        }
        anyhow!("cannot reach the node at {}: {cause}", self.base)
    }

    /// A call that must succeed: the body, or the node's message as the error.
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        let mut req = self.request(method.clone(), path);
        if let Some(body) = body {
            req = with_json(req, body);
        }
        let answer = self.send(req).await?;
        ok(answer, &format!("{method} {path}"))
    }

    /// `GET`, with `None` for a 404.
    pub async fn get_optional(&self, path: &str) -> Result<Option<Value>> {
        let answer = self.send(self.request(Method::GET, path)).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        ok(answer, &format!("GET {path}")).map(Some)
    }

    /// Whether the node holds the bundle with this hash.
    pub async fn has_bundle(&self, hash: &str) -> Result<bool> {
        let res = self
            .request(Method::HEAD, &format!("/v1/bundles/{hash}"))
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        match res.status() {
            StatusCode::OK => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            StatusCode::UNAUTHORIZED => bail!("the node refused the token (401): run `edge login`"),
            other => bail!("the node answered {other} when asked for bundle {hash}"),
        }
    }

    /// A request to build by hand (uploads, streams).
    pub fn builder(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.request(method, path)
    }
}

/// A request with a JSON body.
pub fn with_json(req: reqwest::RequestBuilder, body: &Value) -> reqwest::RequestBuilder {
    req.header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap_or_default())
}

/// The body of a successful answer, or the node's error message.
pub fn ok(answer: Answer, what: &str) -> Result<Value> {
    if answer.status.is_success() {
        return Ok(answer.body);
    }
    let message = answer
        .body
        .pointer("/error/message")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{what} failed"));
    if answer.status == StatusCode::UNAUTHORIZED {
        bail!(
            "the node refused the token ({}): {message}; run `edge login`",
            answer.status.as_u16()
        );
    }
    bail!("the node refused: {message} ({})", answer.status.as_u16())
}
