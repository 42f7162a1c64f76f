//! The admin API's calls on apps: versions (upload, activate, roll back), settings, variables,
//! secrets, routes, logs and metrics. Changes are serialized by the node's change lock. A
//! change is tried before it is recorded: a version goes live, and a change to a live app's
//! settings, variables or secrets is made, only once the app has loaded with it, so a broken
//! one never serves (and, in a fleet, never reaches the other nodes).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use bytes::Bytes;
use edge_isolates::Body;
use futures_util::StreamExt;
use http::{header, Request, StatusCode};
use http_body::Frame;
use hyper::body::Incoming;
use serde::Deserialize;
use serde_json::json;

use super::reply::{json as reply_json, ApiError, Reply};
use crate::node::Node;
use crate::routes::Route;
use crate::store::bundle;
use crate::store::Settings;

/// Bytes of one variable or secret value, at most.
const MAX_VALUE: usize = 64 << 10;

fn check_app_name(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "'{name}' is not an app name: use 1-63 of a-z, 0-9 and '-', starting with a letter or digit"
        )))
    }
}

fn check_var_name(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && !name.as_bytes()[0].is_ascii_digit()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "'{name}' is not a variable name: use letters, digits and '_', not starting with a digit"
        )))
    }
}

fn parse_json<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

fn existing(node: &Node, app: &str) -> Result<crate::store::App, ApiError> {
    check_app_name(app)?;
    node.lock_store()
        .app(app)?
        .ok_or_else(|| ApiError::not_found(format!("no app named '{app}'")))
}

pub fn list(node: &Node) -> Result<Reply, ApiError> {
    let store = node.lock_store();
    let apps = store.apps()?;
    let routes = store.routes()?;
    let list: Vec<_> = apps
        .iter()
        .map(|a| {
            let mine: Vec<_> = routes.iter().filter(|r| r.app == a.name).collect();
            json!({ "name": a.name, "active": a.active, "previous": a.previous, "routes": mine })
        })
        .collect();
    Ok(reply_json(StatusCode::OK, &json!({ "apps": list })))
}

/// The routes of `app`.
fn app_routes(node: &Node, app: &str) -> Result<Vec<Route>, ApiError> {
    Ok(node
        .lock_store()
        .routes()?
        .into_iter()
        .filter(|r| r.app == app)
        .collect())
}

/// The URLs at which `app` is served: its routes with a plain host name, then its name under
/// the node's app domain; each over HTTPS, then HTTP, as the node listens.
fn urls(node: &Node, app: &str, routes: &[Route]) -> Vec<String> {
    let Some(public) = node.public.get() else {
        return Vec::new();
    };
    let mut urls = Vec::new();
    for r in routes.iter().filter(|r| !r.host.contains('*')) {
        for base in public.urls_for(&r.host) {
            urls.push(format!(
                "{base}{}",
                if r.path == "/" { "/" } else { &r.path }
            ));
        }
    }
    if let Some(domain) = &public.app_domain {
        for base in public.urls_for(&format!("{app}.{domain}")) {
            urls.push(format!("{base}/"));
        }
    }
    urls
}

/// The node itself: version, listeners and app domain (what `edge whoami` shows).
pub fn node_info(node: &Node) -> Result<Reply, ApiError> {
    let apps = node.lock_store().apps()?.len();
    let store = match &node.fleet {
        None => json!({ "kind": "sqlite" }),
        Some(f) => {
            let (connected, error) = f.status();
            json!({ "kind": "postgres", "url": f.shown, "connected": connected, "error": error })
        }
    };
    Ok(reply_json(
        StatusCode::OK,
        &json!({
            "version": env!("CARGO_PKG_VERSION"),
            "public": node.public.get(),
            "apps": apps,
            "store": store,
        }),
    ))
}

pub fn get(node: &Node, app: &str) -> Result<Reply, ApiError> {
    let a = existing(node, app)?;
    let store = node.lock_store();
    let versions = store.versions(app)?;
    let routes: Vec<Route> = store
        .routes()?
        .into_iter()
        .filter(|r| r.app == app)
        .collect();
    let vars = store.vars(app)?;
    let names = |secret: bool| -> Vec<&str> {
        vars.iter()
            .filter(|v| v.2 == secret)
            .map(|v| v.0.as_str())
            .collect()
    };
    Ok(reply_json(
        StatusCode::OK,
        &json!({
            "name": a.name,
            "active": a.active,
            "previous": a.previous,
            "created_at": a.created_at,
            "settings": a.settings,
            "versions": versions,
            "routes": routes,
            "vars": names(false),
            "secrets": names(true),
            "urls": urls(node, app, &routes),
        }),
    ))
}

/// An app as a change would leave it: its settings, and its variables and secrets (opened).
struct Draft {
    settings: Settings,
    env: BTreeMap<String, (String, bool)>,
}

/// Loads the app's active version as `edit` would leave it, before anything is recorded: a
/// change it does not load with is refused (422) and the running version stays. Returns the
/// app as stored, to put the host back with if recording the change then fails.
async fn try_change(
    node: &Node,
    app: &str,
    edit: impl FnOnce(&mut Draft),
) -> Result<Option<crate::store::App>, ApiError> {
    let Some(a) = node.lock_store().app(app)? else {
        return Ok(None);
    };
    let Some(active) = a.active else {
        return Ok(Some(a));
    };
    let version = node
        .lock_store()
        .version(app, active)?
        .ok_or_else(|| ApiError::internal(format!("version {active} of '{app}' is missing")))?;
    let mut draft = Draft {
        settings: a.settings.clone(),
        env: node
            .env(app)
            .map_err(ApiError::internal)?
            .into_iter()
            .map(|(k, v, secret)| (k, (v, secret)))
            .collect(),
    };
    edit(&mut draft);
    let changed = crate::store::App {
        settings: draft.settings,
        ..a.clone()
    };
    let env = draft.env.into_iter().map(|(k, (v, _))| (k, v)).collect();
    let spec = node
        .spec_with(&changed, &version, env)
        .map_err(ApiError::internal)?;
    node.run_spec(app, spec).await.map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "load_failed",
            format!(
                "the change was not made: version {active} of '{app}' failed to load with it: {e}"
            ),
        )
    })?;
    Ok(Some(a))
}

/// The result of recording a tried change; when recording failed, the host goes back to
/// what the store has.
async fn recorded<T>(
    node: &Node,
    before: Option<&crate::store::App>,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    if result.is_err() {
        if let Some(a) = before {
            restore_active(node, a).await;
        }
    }
    result
}

/// Loads version `id` of app `a` and makes it the one the host serves; a version that does
/// not load is a 422 with `failed(error)` as its message.
async fn load_version(
    node: &Node,
    a: &crate::store::App,
    id: i64,
    missing: impl FnOnce() -> ApiError,
    failed: impl FnOnce(edge_isolates::HostError) -> String,
) -> Result<(), ApiError> {
    let version = node
        .lock_store()
        .version(&a.name, id)?
        .ok_or_else(missing)?;
    let spec = node.spec(a, &version).map_err(ApiError::internal)?;
    node.run_spec(&a.name, spec)
        .await
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "load_failed", failed(e)))
}

pub async fn put_settings(node: &Node, app: &str, body: &[u8]) -> Result<Reply, ApiError> {
    check_app_name(app)?;
    let settings: Settings = parse_json(body)?;
    crate::node::allowed_hosts(&settings).map_err(ApiError::bad_request)?;
    let bounds = [
        ("memory_mib", settings.memory_mib, 8, 4096),
        ("cpu_ms", settings.cpu_ms, 1, 300_000),
        ("wall_ms", settings.wall_ms, 1, 3_600_000),
        (
            "subrequests",
            settings.subrequests.map(u64::from),
            0,
            10_000,
        ),
        ("body_mib", settings.body_mib, 0, 4096),
        ("workers", settings.workers, 0, 64),
        ("websockets", settings.websockets, 0, 1_000_000),
        (
            "websocket_message_kib",
            settings.websocket_message_kib,
            1,
            128 << 10,
        ),
        ("websocket_idle_s", settings.websocket_idle_s, 0, 86_400),
    ];
    for (name, value, min, max) in bounds {
        if value.is_some_and(|v| v < min || v > max) {
            return Err(ApiError::bad_request(format!(
                "{name} must be between {min} and {max}"
            )));
        }
    }
    for cron in &settings.crons {
        crate::cron::Cron::parse(cron).map_err(|e| ApiError::bad_request(format!("crons: {e}")))?;
    }
    let mut bound = std::collections::HashSet::new();
    for producer in &settings.queue_producers {
        check_var_name(&producer.binding)?;
        check_app_name(&producer.queue)?;
        if !bound.insert(producer.binding.as_str()) {
            return Err(ApiError::bad_request(format!(
                "the binding {} is declared twice",
                producer.binding
            )));
        }
    }
    for consumer in &settings.queue_consumers {
        check_app_name(&consumer.queue)?;
    }
    for service in &settings.services {
        check_var_name(&service.binding)?;
        check_app_name(&service.service)?;
        if !bound.insert(service.binding.as_str()) {
            return Err(ApiError::bad_request(format!(
                "the binding {} is declared twice",
                service.binding
            )));
        }
    }
    for kv in settings.kv_namespaces.iter().chain(&settings.d1_databases) {
        check_var_name(&kv.binding)?;
        if !bound.insert(kv.binding.as_str()) {
            return Err(ApiError::bad_request(format!(
                "the binding {} is declared twice",
                kv.binding
            )));
        }
        let id = kv.id.as_deref().unwrap_or(&kv.binding);
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if !id_ok {
            return Err(ApiError::bad_request(format!(
                "'{id}' is not a binding id: use 1-64 of letters, digits, '-', '_' and '.'"
            )));
        }
    }
    let _changing = node.changes.lock().await;
    node.catch_up().await?;
    let before = try_change(node, app, |d| d.settings = settings.clone()).await?;
    let result = node.write_settings(app, &settings).await;
    recorded(node, before.as_ref(), result).await?;
    Ok(reply_json(
        StatusCode::OK,
        &json!({ "name": app, "settings": settings }),
    ))
}

pub async fn delete(node: &Node, app: &str) -> Result<Reply, ApiError> {
    check_app_name(app)?;
    let _changing = node.changes.lock().await;
    node.catch_up().await?;
    if !node.write_delete_app(app).await? {
        return Err(ApiError::not_found(format!("no app named '{app}'")));
    }
    node.reload_routes()?;
    node.stop_app(app);
    Ok(reply_json(StatusCode::OK, &json!({ "deleted": app })))
}

pub fn versions(node: &Node, app: &str) -> Result<Reply, ApiError> {
    let a = existing(node, app)?;
    let versions = node.lock_store().versions(app)?;
    Ok(reply_json(
        StatusCode::OK,
        &json!({ "active": a.active, "previous": a.previous, "versions": versions }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FromStoredBundle {
    bundle: String,
}

/// A new version: the body is a bundle (tar, optionally gzip), or JSON naming a bundle the
/// node already has (`{"bundle": "<sha256>"}`), so an unchanged bundle is not sent again.
/// `?activate=true` also makes it the active version.
pub async fn upload(
    node: &Arc<Node>,
    app: &str,
    req: Request<Incoming>,
) -> Result<Reply, ApiError> {
    check_app_name(app)?;
    let activate_now = req.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|kv| kv == "activate=true" || kv == "activate=1")
    });
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let body = super::read_body(req.into_body(), node.max_bundle).await?;
    let (hash, main) = if is_json {
        let named: FromStoredBundle = parse_json(&body)?;
        if !node.bundles.has(&named.bundle) {
            return Err(ApiError::not_found(format!(
                "this node has no bundle {}; upload the bundle itself",
                named.bundle
            )));
        }
        // The stored bundle was checked when it came; read its manifest again for `main`.
        let stored = node
            .bundles
            .read(&named.bundle)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        let checked = bundle::check(&stored).map_err(|e| ApiError::internal(e.to_string()))?;
        (checked.hash, checked.main)
    } else {
        let checked = bundle::check(&body).map_err(|e| {
            if e.is_client_error() {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_bundle", e.to_string())
            } else {
                ApiError::internal(e.to_string())
            }
        })?;
        node.bundles
            .put(&body, &checked)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        (checked.hash, checked.main)
    };
    let _changing = node.changes.lock().await;
    node.catch_up().await?;
    let (version, created) = node.write_version(app, &hash, &main).await?;
    let mut active = false;
    if activate_now {
        activate_locked(node, app, version.id).await?;
        active = true;
    }
    let routes = app_routes(node, app)?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(reply_json(
        status,
        &json!({
            "app": app,
            "version": version.id,
            "bundle": version.bundle,
            "main": version.main,
            "created": created,
            "active": active,
            "urls": urls(node, app, &routes),
        }),
    ))
}

/// Activates a version with the change lock held: loads it, then records it.
async fn activate_locked(node: &Node, app: &str, id: i64) -> Result<Reply, ApiError> {
    let a = existing(node, app)?;
    let missing = || ApiError::not_found(format!("'{app}' has no version {id}"));
    load_version(node, &a, id, missing, |e| {
        format!("version {id} of '{app}' failed to load; the active version is unchanged: {e}")
    })
    .await?;
    // If it cannot be recorded, serve what the store says is active, so that a restart (or,
    // in a fleet, another node) changes nothing.
    let result = node.write_activate(app, id).await;
    recorded(node, Some(&a), result).await?;
    let a = existing(node, app)?;
    Ok(reply_json(
        StatusCode::OK,
        &json!({ "app": app, "active": a.active, "previous": a.previous }),
    ))
}

/// Puts the host back on the version the store has active (or none).
async fn restore_active(node: &Node, a: &crate::store::App) {
    let previous = match a.active {
        Some(id) => node.lock_store().version(&a.name, id).ok().flatten(),
        None => None,
    };
    let restored = match previous.map(|v| node.spec(a, &v)) {
        Some(Ok(spec)) => node.run_spec(&a.name, spec).await.is_ok(),
        _ => node.stop_app(&a.name),
    };
    if !restored {
        tracing::error!(app = %a.name, "cannot restore the recorded active version");
    }
}

pub async fn activate(node: &Node, app: &str, id: i64) -> Result<Reply, ApiError> {
    let _changing = node.changes.lock().await;
    node.catch_up().await?;
    activate_locked(node, app, id).await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RollbackTo {
    version: Option<i64>,
}

/// Activates the version that was active before the current one (or the one named).
pub async fn rollback(node: &Node, app: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let to: RollbackTo = if body.iter().all(u8::is_ascii_whitespace) {
        RollbackTo::default()
    } else {
        parse_json(body)?
    };
    let _changing = node.changes.lock().await;
    node.catch_up().await?;
    let a = existing(node, app)?;
    let target = match to.version.or(a.previous) {
        Some(v) => v,
        None => {
            return Err(ApiError::conflict(format!(
                "'{app}' has no earlier version to roll back to"
            )))
        }
    };
    activate_locked(node, app, target).await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Trigger {
    cron: Option<String>,
}

/// Runs the app's `scheduled` handler now, as its cron trigger would (the first declared, or
/// `{"cron": "..."}`); answers when the handler is done.
pub async fn trigger_scheduled(node: &Node, app: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let trigger: Trigger = if body.iter().all(u8::is_ascii_whitespace) {
        Trigger::default()
    } else {
        parse_json(body)?
    };
    let a = existing(node, app)?;
    let cron = match trigger.cron.or_else(|| a.settings.crons.first().cloned()) {
        Some(c) => c,
        None => {
            return Err(ApiError::bad_request(format!(
                "'{app}' declares no cron trigger: name one with {{\"cron\": \"* * * * *\"}}"
            )))
        }
    };
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64);
    match node.host.scheduled(app, &cron, now_ms).await {
        Ok(()) => Ok(reply_json(
            StatusCode::OK,
            &serde_json::json!({ "app": app, "cron": cron, "outcome": "ok" }),
        )),
        Err(e) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "scheduled_failed",
            e.to_string(),
        )),
    }
}

/// The app's plain variables.
fn plain_vars(node: &Node, app: &str) -> Result<BTreeMap<String, String>, ApiError> {
    Ok(node
        .lock_store()
        .vars(app)?
        .into_iter()
        .filter(|v| !v.2)
        .map(|(k, v, _)| (k, v))
        .collect())
}

/// The names of the app's secrets.
fn secret_names(node: &Node, app: &str) -> Result<Vec<String>, ApiError> {
    Ok(node
        .lock_store()
        .vars(app)?
        .into_iter()
        .filter(|v| v.2)
        .map(|v| v.0)
        .collect())
}

pub fn get_vars(node: &Node, app: &str) -> Result<Reply, ApiError> {
    existing(node, app)?;
    let vars = plain_vars(node, app)?;
    Ok(reply_json(StatusCode::OK, &json!({ "vars": vars })))
}

pub async fn put_vars(node: &Node, app: &str, body: &[u8]) -> Result<Reply, ApiError> {
    check_app_name(app)?;
    let vars: BTreeMap<String, String> = parse_json(body)?;
    for (k, v) in &vars {
        check_var_name(k)?;
        if v.len() > MAX_VALUE {
            return Err(ApiError::bad_request(format!(
                "{k}: values are at most 64 KiB"
            )));
        }
    }
    let _changing = node.changes.lock().await;
    node.catch_up().await?;
    let secrets = secret_names(node, app)?;
    if let Some(clash) = vars.keys().find(|k| secrets.contains(k)) {
        return Err(ApiError::conflict(format!(
            "{clash} is a secret of '{app}'"
        )));
    }
    let before = try_change(node, app, |d| {
        d.env.retain(|_, (_, secret)| *secret);
        for (k, v) in &vars {
            d.env.insert(k.clone(), (v.clone(), false));
        }
    })
    .await?;
    let result = node.write_vars(app, &vars).await;
    recorded(node, before.as_ref(), result).await?;
    Ok(reply_json(StatusCode::OK, &json!({ "vars": vars })))
}

pub fn list_secrets(node: &Node, app: &str) -> Result<Reply, ApiError> {
    existing(node, app)?;
    let names = secret_names(node, app)?;
    Ok(reply_json(StatusCode::OK, &json!({ "secrets": names })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretValue {
    value: String,
}

pub async fn put_secret(
    node: &Node,
    app: &str,
    name: &str,
    body: &[u8],
) -> Result<Reply, ApiError> {
    check_app_name(app)?;
    check_var_name(name)?;
    let secret: SecretValue = parse_json(body)?;
    if secret.value.len() > MAX_VALUE {
        return Err(ApiError::bad_request("secrets are at most 64 KiB"));
    }
    let _changing = node.changes.lock().await;
    node.catch_up().await?;
    let before = try_change(node, app, |d| {
        d.env.insert(name.to_owned(), (secret.value.clone(), true));
    })
    .await?;
    let result = node.write_secret(app, name, &secret.value).await;
    recorded(node, before.as_ref(), result).await?;
    // The value is never echoed.
    Ok(reply_json(
        StatusCode::OK,
        &json!({ "secret": name, "stored": true }),
    ))
}

pub async fn delete_secret(node: &Node, app: &str, name: &str) -> Result<Reply, ApiError> {
    check_app_name(app)?;
    check_var_name(name)?;
    let _changing = node.changes.lock().await;
    node.catch_up().await?;
    if !secret_names(node, app)?.iter().any(|n| n == name) {
        return Err(ApiError::not_found(format!("'{app}' has no secret {name}")));
    }
    let before = try_change(node, app, |d| {
        d.env.remove(name);
    })
    .await?;
    let result = node.write_delete_secret(app, name).await;
    recorded(node, before.as_ref(), result).await?;
    Ok(reply_json(StatusCode::OK, &json!({ "deleted": name })))
}

pub fn get_routes(node: &Node, app: &str) -> Result<Reply, ApiError> {
    existing(node, app)?;
    let routes = app_routes(node, app)?;
    Ok(reply_json(StatusCode::OK, &json!({ "routes": routes })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutesBody {
    routes: Vec<Route>,
}

pub async fn put_routes(node: &Node, app: &str, body: &[u8]) -> Result<Reply, ApiError> {
    check_app_name(app)?;
    let RoutesBody { routes } = parse_json(body)?;
    let mut normalized = Vec::with_capacity(routes.len());
    for r in routes {
        if !r.app.is_empty() && r.app != app {
            return Err(ApiError::bad_request(format!(
                "a route of '{app}' names app '{}'",
                r.app
            )));
        }
        let mut r = r.normalized().map_err(ApiError::bad_request)?;
        r.app = app.to_owned();
        normalized.push(r);
    }
    let _changing = node.changes.lock().await;
    node.catch_up().await?;
    if let Err(taken) = node.write_routes(app, &normalized).await? {
        return Err(ApiError::conflict(format!(
            "route {}{} belongs to app '{}'",
            taken.host, taken.path, taken.app
        )));
    }
    node.reload_routes()?;
    Ok(reply_json(StatusCode::OK, &json!({ "routes": normalized })))
}

/// The app's recent console lines as JSON, or (with `Accept: text/event-stream` or
/// `?follow=true`) those and then every new line as Server-Sent Events.
pub fn logs(node: &Node, app: &str, req: &Request<Incoming>) -> Result<Reply, ApiError> {
    existing(node, app)?;
    let follow = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"))
        || req.uri().query().is_some_and(|q| {
            q.split('&')
                .any(|kv| kv == "follow=true" || kv == "follow=1")
        });
    let Some((lines, live)) = node.host.tail(app) else {
        if follow {
            return Err(ApiError::conflict(format!(
                "'{app}' has no active version to tail"
            )));
        }
        return Ok(reply_json(StatusCode::OK, &json!({ "lines": [] })));
    };
    if !follow {
        return Ok(reply_json(StatusCode::OK, &json!({ "lines": lines })));
    }
    let past = futures_util::stream::iter(lines.into_iter().map(|l| sse_event("log", &l)));
    let future = futures_util::stream::unfold(live, |mut live| async move {
        use tokio::sync::broadcast::error::RecvError;
        let event = match live.recv().await {
            Ok(line) => sse_event("log", &line),
            Err(RecvError::Lagged(n)) => sse_event("lagged", &format!("{n} lines skipped")),
            Err(RecvError::Closed) => return None,
        };
        Some((event, live))
    });
    let stream = past
        .chain(future)
        .map(|b| Ok::<_, std::convert::Infallible>(Frame::data(b)));
    let body = Body::from_http(http_body_util::StreamBody::new(stream));
    Ok(Reply::stream("text/event-stream", body))
}

/// One SSE event; a line with newlines becomes several `data:` fields.
fn sse_event(event: &str, text: &str) -> Bytes {
    let mut out = format!("event: {event}\n");
    for line in text.split('\n') {
        let _ = writeln!(out, "data: {line}");
    }
    out.push('\n');
    Bytes::from(out)
}

/// The host's per-app metrics and the node's own.
pub fn metrics(node: &Node) -> String {
    let mut out = node.host.metrics();
    let server = &node.server;
    let _ = writeln!(
        out,
        "# TYPE edge_connections_open gauge\nedge_connections_open {}",
        server.gate.open()
    );
    let _ = writeln!(
        out,
        "# TYPE edge_access_log_dropped_total counter\nedge_access_log_dropped_total {}",
        server.access_log.dropped()
    );
    out
}
