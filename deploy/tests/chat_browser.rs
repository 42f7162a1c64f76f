//! The chat example in a real headless browser (Debian's chromium, driven over the DevTools
//! protocol): two pages in one room see each other's messages, a page in another room does
//! not.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{repo_root, DevServer};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

struct Browser(Child);

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts chromium with its DevTools endpoint on a free port; the process and the browser's
/// WebSocket URL.
fn start_chromium(profile: &Path) -> (Browser, String) {
    let child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium runs (scripts/test.sh installs Debian's chromium)");
    let browser = Browser(child);
    // Chromium writes the port and the browser target's path here once it listens.
    let file = profile.join("DevToolsActivePort");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                return (browser, format!("ws://127.0.0.1:{port}{path}"));
            }
        }
        assert!(
            Instant::now() < deadline,
            "chromium did not start its DevTools endpoint"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A DevTools protocol client: commands by id, events skipped.
struct Cdp {
    socket: Socket,
    next: u64,
}

impl Cdp {
    async fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        let result = self.try_call(session, method, params).await;
        result.unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    async fn try_call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, Value> {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.socket
            .send(Message::text(msg.to_string()))
            .await
            .unwrap();
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
                .await
                .expect("DevTools answers")
                .expect("the DevTools socket is open")
                .unwrap();
            let Message::Text(text) = frame else { continue };
            let value: Value = serde_json::from_str(&text).unwrap();
            if value["id"] == json!(id) {
                return match value.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(value["result"].clone()),
                };
            }
        }
    }

    /// Opens `url` in a new page; the page's session.
    async fn open(&mut self, url: &str) -> String {
        let target = self
            .call(None, "Target.createTarget", json!({ "url": url }))
            .await;
        let attached = self
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        attached["sessionId"].as_str().unwrap().to_owned()
    }

    /// Evaluates `expression` in a page, awaiting a promise; its value. A page still loading
    /// (its context replaced by the navigation) is asked again.
    async fn eval(&mut self, session: &str, expression: &str) -> Value {
        let params =
            json!({ "expression": expression, "awaitPromise": true, "returnByValue": true });
        let deadline = Instant::now() + Duration::from_secs(20);
        let result = loop {
            match self
                .try_call(Some(session), "Runtime.evaluate", params.clone())
                .await
            {
                Ok(result) => break result,
                Err(e) if Instant::now() < deadline && e.to_string().contains("context") => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("Runtime.evaluate: {e}"),
            }
        };
        assert!(result.get("exceptionDetails").is_none(), "{result}");
        result["result"]["value"].clone()
    }

    /// Waits until the page's chat log has a line equal to `line`.
    async fn wait_for_line(&mut self, session: &str, line: &str) {
        let expr = format!(
            r##"new Promise((resolve, reject) => {{
                const until = Date.now() + 20000;
                const check = () => {{
                  const lines = [...document.querySelectorAll("#log li")].map((li) => li.textContent);
                  if (lines.includes({line})) resolve(true);
                  else if (Date.now() > until) reject(new Error("no line " + {line} + " in " + JSON.stringify(lines)));
                  else setTimeout(check, 25);
                }};
                check();
              }})"##,
            line = json!(line)
        );
        assert_eq!(self.eval(session, &expr).await, json!(true));
    }

    async fn say(&mut self, session: &str, text: &str) {
        let expr = format!(
            r#"document.getElementById("text").value = {text};
               document.getElementById("say").requestSubmit(); true"#,
            text = json!(text)
        );
        assert_eq!(self.eval(session, &expr).await, json!(true));
    }

    async fn lines(&mut self, session: &str) -> Vec<String> {
        let v = self
            .eval(
                session,
                r##"[...document.querySelectorAll("#log li")].map((li) => li.textContent)"##,
            )
            .await;
        serde_json::from_value(v).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_pages_in_one_room_see_each_others_messages() {
    let server = DevServer::start(&repo_root().join("examples/chat/index.js"), &[]);
    let profile = tempfile::tempdir().unwrap();
    let (_browser, endpoint) = start_chromium(profile.path());
    let (socket, _) = tokio_tungstenite::connect_async(&endpoint).await.unwrap();
    let mut cdp = Cdp { socket, next: 0 };
    let base = format!("http://127.0.0.1:{}", server.port);

    let alice = cdp.open(&format!("{base}/?room=lobby&name=alice")).await;
    cdp.wait_for_line(&alice, "alice joined").await;
    let bob = cdp.open(&format!("{base}/?room=lobby&name=bob")).await;
    cdp.wait_for_line(&bob, "bob joined").await;
    cdp.wait_for_line(&alice, "bob joined").await;
    let carol = cdp
        .open(&format!("{base}/?room=elsewhere&name=carol"))
        .await;
    cdp.wait_for_line(&carol, "carol joined").await;

    cdp.say(&alice, "hello from alice").await;
    cdp.wait_for_line(&bob, "alice: hello from alice").await;
    cdp.wait_for_line(&alice, "alice: hello from alice").await;
    cdp.say(&bob, "hi alice, bob here").await;
    cdp.wait_for_line(&alice, "bob: hi alice, bob here").await;

    // Another room hears nothing of it.
    let elsewhere = cdp.lines(&carol).await;
    assert_eq!(
        elsewhere,
        vec!["carol joined".to_string()],
        "{}",
        server.output()
    );
}
