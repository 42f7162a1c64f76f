//! WebSocket upgrades on the front: recognizing a handshake (HTTP/1.1 `Upgrade: websocket`, or
//! HTTP/2 extended CONNECT with `:protocol websocket`, RFC 8441, shown to the app as the
//! HTTP/1.1 GET it stands for), and, when the app accepted it (a 101 response carrying a
//! session), answering the handshake (accept key, subprotocol, permessage-deflate) and running
//! the connection on this worker once hyper hands over the upgraded stream. The connection
//! keeps the node's drain from finishing and holds its place under the connection caps.

use edge_isolates::websocket::{self, Event, Role, Session};
use edge_isolates::{AppResponse, Body};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;

use crate::gate::Pass;
use crate::shutdown::{Busy, Drain};

/// A request that asked to become a WebSocket.
pub(crate) struct Upgrade {
    on_upgrade: OnUpgrade,
    /// `Some(accept)` for HTTP/1.1; HTTP/2 has no key.
    accept: Option<String>,
    /// The client's `Sec-WebSocket-Extensions` values.
    offers: Vec<String>,
}

/// What the front saw of a request's handshake.
pub(crate) enum Handshake {
    None,
    Valid(Upgrade),
    /// It asked for a WebSocket but not correctly: why.
    Invalid(&'static str),
}

fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    })
}

/// Takes the handshake out of a request head, if it has one.
pub(crate) fn take(parts: &mut http::request::Parts) -> Handshake {
    let h2 = parts.method == Method::CONNECT
        && parts
            .extensions
            .get::<hyper::ext::Protocol>()
            .is_some_and(|p| p.as_str().eq_ignore_ascii_case("websocket"));
    if !h2 && !has_token(&parts.headers, header::UPGRADE, "websocket") {
        return Handshake::None;
    }
    let version_ok = parts
        .headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_some_and(|v| v.as_bytes() == b"13");
    let accept = if h2 {
        if !version_ok {
            return Handshake::Invalid("Sec-WebSocket-Version must be 13");
        }
        // The app sees the HTTP/1.1 request this stands for.
        parts.method = Method::GET;
        parts
            .headers
            .insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        parts
            .headers
            .insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
        None
    } else {
        if parts.method != Method::GET || parts.version != http::Version::HTTP_11 {
            return Handshake::Invalid("a WebSocket handshake is an HTTP/1.1 GET");
        }
        if !has_token(&parts.headers, header::CONNECTION, "upgrade") {
            return Handshake::Invalid("the Connection header must include Upgrade");
        }
        if !version_ok {
            return Handshake::Invalid("Sec-WebSocket-Version must be 13");
        }
        let mut keys = parts.headers.get_all(header::SEC_WEBSOCKET_KEY).iter();
        let key = match (keys.next(), keys.next()) {
            (Some(key), None) if websocket::valid_key(key.as_bytes()) => key.as_bytes(),
            _ => return Handshake::Invalid("Sec-WebSocket-Key is missing or invalid"),
        };
        Some(websocket::accept_key(key))
    };
    let Some(on_upgrade) = parts.extensions.remove::<OnUpgrade>() else {
        return Handshake::Invalid("this connection cannot be upgraded");
    };
    let offers = parts
        .headers
        .get_all(header::SEC_WEBSOCKET_EXTENSIONS)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    Handshake::Valid(Upgrade {
        on_upgrade,
        accept,
        offers,
    })
}

/// What the connection's task keeps: the node's drain count and, for an HTTP/1.1 connection
/// (which the upgrade takes over whole), its place under the connection caps.
/// Both are held only for their `Drop`.
pub(crate) struct Held {
    _busy: Busy,
    _pass: Option<Pass>,
}

/// Turns an app's answer accepting a WebSocket into the handshake's answer and starts the
/// connection; any other answer is returned as it is.
pub(crate) fn attach(
    mut response: AppResponse,
    handshake: Handshake,
    drain: &std::sync::Arc<Drain>,
    held: impl FnOnce() -> Option<Pass>,
) -> AppResponse {
    let Some(session) = response.websocket.take() else {
        return response;
    };
    let upgrade = match handshake {
        Handshake::Valid(upgrade) => upgrade,
        Handshake::None => {
            return refuse(
                session,
                StatusCode::UPGRADE_REQUIRED,
                "Upgrade Required: the app accepted a WebSocket, but the request is not a \
                 WebSocket handshake.\n",
            )
        }
        Handshake::Invalid(why) => {
            return refuse(
                session,
                StatusCode::BAD_REQUEST,
                &format!("Bad Request: invalid WebSocket handshake: {why}.\n"),
            )
        }
    };
    let offers: Vec<&str> = upgrade.offers.iter().map(String::as_str).collect();
    let negotiated = websocket::negotiate_server(&offers);
    let mut headers = std::mem::take(&mut response.headers);
    headers.remove(header::SEC_WEBSOCKET_EXTENSIONS);
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::TRANSFER_ENCODING);
    if let Some((_, answer)) = &negotiated {
        if let Ok(v) = HeaderValue::from_str(answer) {
            headers.insert(header::SEC_WEBSOCKET_EXTENSIONS, v);
        }
    }
    let status = match &upgrade.accept {
        Some(accept) => {
            headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
            headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
            if let Ok(v) = HeaderValue::from_str(accept) {
                headers.insert(header::SEC_WEBSOCKET_ACCEPT, v);
            }
            101
        }
        None => {
            headers.remove(header::UPGRADE);
            headers.remove(header::CONNECTION);
            200
        }
    };
    let held = Held {
        _busy: drain.busy(),
        // An HTTP/2 stream leaves the connection (and its pass) where it is.
        _pass: if upgrade.accept.is_some() {
            held()
        } else {
            None
        },
    };
    let mut stop = drain.subscribe();
    let deflate = negotiated.map(|(config, _)| config);
    let Session { ends, .. } = session;
    tokio::task::spawn_local(async move {
        let _held = held;
        match upgrade.on_upgrade.await {
            Ok(upgraded) => {
                let stop = async move {
                    let _ = stop.wait_for(|draining| *draining).await;
                };
                websocket::run(TokioIo::new(upgraded), Role::Server, deflate, ends, stop).await;
            }
            Err(e) => {
                tracing::debug!("WebSocket upgrade failed: {e}");
                ends.try_send_event(gone());
            }
        }
    });
    AppResponse {
        status,
        headers,
        body: Body::empty(),
        websocket: None,
    }
}

fn gone() -> Event {
    Event::Close {
        code: websocket::close_code::ABNORMAL,
        reason: String::new(),
        clean: false,
    }
}

/// Answers a request whose WebSocket cannot be opened; the app's socket sees it closed.
fn refuse(session: Session, status: StatusCode, text: &str) -> AppResponse {
    session.ends.try_send_event(gone());
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if status == StatusCode::UPGRADE_REQUIRED {
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    }
    AppResponse {
        status: status.as_u16(),
        headers,
        body: Body::full(text.to_owned()),
        websocket: None,
    }
}
