//! WebSockets on a node (`edge serve`), with the `tokio-tungstenite` client: an app's settings
//! bound its open sockets (the next handshake gets a readable 503), its message size (1009) and
//! idle time (1001); the metrics count open sockets; a node shutting down closes them with
//! 1001.

mod common;
mod nodekit;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error, Message};

const ECHO: &str = r#"export default {
  fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") return new Response("plain");
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (e) => server.send(e.data));
    return new Response(null, { status: 101, webSocket: client });
  },
};"#;

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn open(node: &nodekit::NodeProc) -> Result<Socket, Error> {
    let mut request = format!("ws://{}/", node.http)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("host", "ws.localhost".parse().unwrap());
    let tcp = tokio::net::TcpStream::connect(node.http).await.unwrap();
    tokio_tungstenite::client_async(request, tcp)
        .await
        .map(|(socket, _)| socket)
}

/// The close frame the server sends next (skipping other messages).
async fn close_of(socket: &mut Socket) -> (CloseCode, String) {
    loop {
        let next = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("the server closes in time");
        match next {
            Some(Ok(Message::Close(Some(frame)))) => return (frame.code, frame.reason.to_string()),
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

async fn metric(admin: &nodekit::Admin, name: &str) -> String {
    let text = admin.text("/v1/metrics").await;
    text.lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no {name} in {text}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_holds_websockets_to_the_apps_limits() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = nodekit::NodeProc::start(&nodekit::write_config(dir.path(), ""));
    let admin = node.admin();
    admin.serve("ws", ECHO, &["ws.localhost"]).await;
    let (status, body) = admin
        .json(
            "PUT",
            "/v1/apps/ws",
            serde_json::json!({ "websockets": 2, "websocket_message_kib": 64, "websocket_idle_s": 2 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let mut first = open(&node).await.unwrap();
    let mut second = open(&node).await.unwrap();
    first.send(Message::text("hello")).await.unwrap();
    assert_eq!(first.next().await.unwrap().unwrap(), Message::text("hello"));
    assert_eq!(
        metric(&admin, "edge_app_websockets{app=\"ws\"}").await,
        "edge_app_websockets{app=\"ws\"} 2"
    );

    // A third is refused with a readable answer.
    match open(&node).await {
        Err(Error::Http(response)) => {
            assert_eq!(response.status(), 503);
            let body = String::from_utf8(response.body().clone().unwrap_or_default()).unwrap();
            assert!(body.contains("websockets_limit_exceeded"), "{body}");
        }
        other => panic!("a third socket is refused, got {:?}", other.map(|_| ())),
    }

    // A message over 64 KiB closes the socket with 1009.
    first
        .send(Message::binary(vec![7u8; 100 << 10]))
        .await
        .unwrap();
    assert_eq!(close_of(&mut first).await.0, CloseCode::Size);

    // A socket quiet for 2 s is closed with 1001.
    let (code, reason) = close_of(&mut second).await;
    assert_eq!((code, reason.as_str()), (CloseCode::Away, "idle timeout"));

    // Both places are free again.
    let mut freed = false;
    for _ in 0..100 {
        if metric(&admin, "edge_app_websockets{app=\"ws\"}").await
            == "edge_app_websockets{app=\"ws\"} 0"
        {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(freed);

    // A node shutting down says so to its open sockets.
    let mut last = open(&node).await.unwrap();
    last.send(Message::text("still here")).await.unwrap();
    assert_eq!(
        last.next().await.unwrap().unwrap(),
        Message::text("still here")
    );
    node.signal(libc::SIGTERM);
    let (code, reason) = close_of(&mut last).await;
    assert_eq!(
        (code, reason.as_str()),
        (CloseCode::Away, "the server is shutting down")
    );
    drop(last);
    assert_eq!(node.wait_exit(), Some(0), "{}", node.output());
}
