//! WebSockets through the multi-tenant host, with the test playing the connection's side of each
//! session: accepted sockets count against the app's limit and keep its isolate loaded, every
//! message event gets a CPU budget of its own (a runaway handler closes the socket with 1011 and
//! the app recovers on a fresh isolate), and a new version leaves the sockets open on the old
//! one to it.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{app_dir, runtime};
use edge_isolates::websocket::{Command, Event, Message, Session};
use edge_isolates::{AppRequest, AppSpec, Body, Host, HostError, HostOptions, Limits, WorkerPool};

/// App `name` with these limits.
fn app(dir: &Path, name: &str, source: &str, limits: Limits) -> AppSpec {
    AppSpec {
        limits,
        ..common::app(dir, name, source)
    }
}

fn host() -> Arc<Host> {
    Arc::new(Host::new(
        Arc::new(WorkerPool::new(2).unwrap()),
        HostOptions::default(),
    ))
}

/// An echo app prefixing each message with `tag`; "spin" loops forever, "burn" uses ~15 ms.
fn echo_source(tag: &str) -> String {
    format!(
        r#"export default {{
  fetch(request) {{
    if (request.headers.get("upgrade") !== "websocket") return new Response("plain {tag}");
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (e) => {{
      if (e.data === "spin") for (;;);
      if (e.data === "burn") {{
        const until = Date.now() + 15;
        while (Date.now() < until);
      }}
      server.send("{tag}:" + e.data);
    }});
    return new Response(null, {{ status: 101, webSocket: client }});
  }},
}};"#
    )
}

async fn open(host: &Host, app: &str) -> Result<Session, HostError> {
    let mut headers = http::HeaderMap::new();
    headers.insert("upgrade", "websocket".parse().unwrap());
    let request = AppRequest {
        method: http::Method::GET,
        url: format!("http://{app}.test/"),
        headers,
        body: Body::empty(),
        client: None,
    };
    let response = host.dispatch(app, request).await?;
    assert_eq!(response.status, 101);
    Ok(response
        .websocket
        .expect("a 101 answer carries its session"))
}

/// Sends a text message as the peer and returns what the app sends back.
async fn round_trip(session: &mut Session, text: &str) -> Command {
    assert!(
        session
            .ends
            .send_event(Event::Message(Message::Text(text.into())))
            .await,
        "the app listens"
    );
    tokio::time::timeout(Duration::from_secs(10), session.ends.next_command())
        .await
        .expect("an answer in time")
        .expect("the socket is open")
}

fn text(s: &str) -> Command {
    Command::Send(Message::Text(s.into()))
}

#[test]
fn open_websockets_count_against_the_limit_and_keep_the_app_loaded() {
    let dir = app_dir("limit");
    let host = host();
    let limits = Limits {
        websockets: 2,
        ..Limits::default()
    };
    host.deploy("chat", app(&dir, "chat", &echo_source("a"), limits))
        .unwrap();
    runtime().block_on(async {
        let mut first = open(&host, "chat").await.unwrap();
        let second = open(&host, "chat").await.unwrap();
        match open(&host, "chat").await {
            Err(HostError::TooManyWebSockets(2)) => {}
            other => panic!("a third socket is refused, got {:?}", other.map(|_| ())),
        }
        assert!(host
            .metrics()
            .contains("edge_app_websockets{app=\"chat\"} 2"));
        // An app with open sockets is not unloaded, however idle.
        assert_eq!(host.evict_idle(Duration::ZERO), 0);
        assert_eq!(round_trip(&mut first, "hi").await, text("a:hi"));
        // A socket that ends frees its place.
        drop(second);
        let third = open(&host, "chat").await.unwrap();
        drop(third);
        drop(first);
        assert!(host
            .metrics()
            .contains("edge_app_websockets{app=\"chat\"} 0"));
        assert_eq!(host.evict_idle(Duration::ZERO), 1);
    });
}

#[test]
fn each_message_gets_its_own_cpu_budget_and_a_runaway_closes_the_socket() {
    let dir = app_dir("cpu");
    let host = host();
    let limits = Limits {
        cpu: Duration::from_millis(50),
        ..Limits::default()
    };
    host.deploy("busy", app(&dir, "busy", &echo_source("b"), limits))
        .unwrap();
    runtime().block_on(async {
        let mut socket = open(&host, "busy").await.unwrap();
        // 20 messages of ~15 ms each: far over 50 ms in all, under it each.
        for i in 0..20 {
            assert_eq!(
                round_trip(&mut socket, "burn").await,
                text("b:burn"),
                "message {i}"
            );
        }
        // One handler that never ends: stopped by the limit, and the socket closed with 1011.
        match round_trip(&mut socket, "spin").await {
            Command::Close {
                code: Some(1011),
                reason,
            } => assert!(reason.contains("CPU time"), "{reason}"),
            other => panic!("expected a 1011 close, got {other:?}"),
        }
        // The app recovers on a fresh isolate.
        let mut answered = None;
        for _ in 0..20 {
            match open(&host, "busy").await {
                Ok(mut fresh) => {
                    answered = Some(round_trip(&mut fresh, "again").await);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        assert_eq!(answered, Some(text("b:again")));
    });
}

#[test]
fn a_new_version_leaves_open_websockets_on_the_old_one() {
    let dir = app_dir("versions");
    let host = host();
    host.deploy(
        "live",
        app(&dir, "v1", &echo_source("v1"), Limits::default()),
    )
    .unwrap();
    runtime().block_on(async {
        let mut old = open(&host, "live").await.unwrap();
        assert_eq!(round_trip(&mut old, "x").await, text("v1:x"));
        host.deploy(
            "live",
            app(&dir, "v2", &echo_source("v2"), Limits::default()),
        )
        .unwrap();
        let mut new = open(&host, "live").await.unwrap();
        assert_eq!(round_trip(&mut new, "y").await, text("v2:y"));
        // The old socket is still served by the old version.
        assert_eq!(round_trip(&mut old, "z").await, text("v1:z"));
    });
}
