//! `fetch()` against a real HTTPS server on loopback whose CA is given with `--ca-file`:
//! HTTP/2 and HTTP/1.1, redirects, content decoding, request bodies, abort, the outbound
//! policy, and a 100 MiB response streamed through `response.body` in flat memory.

mod common;
mod upstream;

use common::{fixture, run_edge, DevServer, RssSampler};
use upstream::Upstream;

fn script(name: &str, body: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("edge-fetch-{}-{name}.js", std::process::id()));
    std::fs::write(&path, body).unwrap();
    path
}

/// The behaviour a script can check for itself, run with `edge run`.
#[test]
fn fetch_semantics_over_tls() {
    let up = Upstream::start();
    let base = up.url("");
    let test = script(
        "semantics",
        &format!(
            r#"
const base = "{base}";
function check(cond, what) {{ if (!cond) throw new Error("failed: " + what); }}

const hello = await fetch(base + "/hello");
check(hello.status === 200 && hello.ok, "status");
check(hello.headers.get("x-http-version") === "HTTP/2.0", "ALPN chose HTTP/2: " + hello.headers.get("x-http-version"));
check(await hello.text() === "hello over TLS", "body");
check(hello.url === base + "/hello" && !hello.redirected, "url");

const h1 = await fetch(new Request(base + "/headers"));
const seen = await h1.text();
check(seen.includes("user-agent=Edge/") && seen.includes("accept-encoding=gzip, deflate, br"), seen);

const gz = await fetch(base + "/gzip");
check(gz.headers.get("content-encoding") === null, "decoded bodies drop content-encoding");
check(await gz.text() === "compressed hello ".repeat(1000), "gzip decoded");

const r = await fetch(base + "/redirect/3", {{ headers: {{ authorization: "secret" }} }});
check(r.redirected && r.url === base + "/redirect/0" && await r.text() === "landed", "redirects followed");
const manual = await fetch(base + "/redirect/1", {{ redirect: "manual" }});
check(manual.status === 302 && manual.headers.get("location") === "/redirect/0", "manual redirect");
let failed = false;
try {{ await fetch(base + "/redirect/1", {{ redirect: "error" }}); }} catch (e) {{ failed = e instanceof TypeError; }}
check(failed, "redirect: error rejects");
failed = false;
try {{ await fetch(base + "/redirect/21"); }} catch (e) {{ failed = /redirects/.test(e.message); }}
check(failed, "more than 20 redirects reject");
const seeOther = await fetch(base + "/see-other", {{ method: "POST", body: "x" }});
check(await seeOther.text() === "GET", "303 turns POST into GET");

const echoed = await fetch(base + "/echo", {{ method: "POST", body: "ping" }});
check(await echoed.text() === "ping", "string body");
const streamed = await fetch(base + "/echo", {{
  method: "POST",
  body: new ReadableStream({{ start(c) {{ c.enqueue(new TextEncoder().encode("a")); c.enqueue(new TextEncoder().encode("b")); c.close(); }} }}),
  duplex: "half",
}});
check(await streamed.text() === "ab", "stream body");

const missing = await fetch(base + "/nothing-here");
check(missing.status === 404 && !missing.ok, "404 resolves");

const controller = new AbortController();
controller.abort(new Error("custom reason"));
failed = false;
try {{ await fetch(base + "/hello", {{ signal: controller.signal }}); }} catch (e) {{ failed = e.message === "custom reason"; }}
check(failed, "an aborted signal rejects with its reason");

check((await (await fetch("data:text/plain,x%20y")).text()) === "x y", "data: URLs are answered in the isolate");
failed = false;
try {{ await fetch("ftp://example.com/file"); }} catch (e) {{ failed = e instanceof TypeError; }}
check(failed, "unsupported schemes reject with TypeError");
console.log("all fetch checks passed");
"#
        ),
    );
    let ca = up.ca_file.to_str().unwrap();
    let (code, stdout, stderr) = run_edge(&["run", "--ca-file", ca, test.to_str().unwrap()]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("all fetch checks passed"), "{stdout}");

    // Without the CA the certificate is not trusted.
    let untrusted = script("untrusted", &format!("await fetch(\"{base}/hello\");\n"));
    let (code, _, stderr) = run_edge(&["run", untrusted.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(stderr.contains("certificate"), "{stderr}");
}

#[test]
fn the_production_policy_refuses_loopback() {
    let up = Upstream::start();
    let var = format!("UPSTREAM={}", up.url(""));
    let ca = up.ca_file.to_str().unwrap().to_owned();
    let dev = DevServer::start(&fixture("fetch-app.js"), &["--var", &var, "--ca-file", &ca]);
    // The startup notice follows the "serving" line the server waits for.
    for _ in 0..100 {
        if dev.output().contains("may reach loopback") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        dev.output().contains("may reach loopback"),
        "{}",
        dev.output()
    );
    assert_eq!(dev.get("/").text(), "hello over TLS");
    drop(dev);
    let prod = DevServer::start(
        &fixture("fetch-app.js"),
        &["--var", &var, "--ca-file", &ca, "--deny-private-network"],
    );
    let res = prod.get("/");
    assert_eq!(res.status, 502);
    assert!(
        res.text().contains("refused by the outbound policy"),
        "{}",
        res.text()
    );
}

#[test]
fn abort_cancels_the_request_and_the_body() {
    let up = Upstream::start();
    let var = format!("UPSTREAM={}", up.url(""));
    let ca = up.ca_file.to_str().unwrap().to_owned();
    let dev = DevServer::start(&fixture("fetch-app.js"), &["--var", &var, "--ca-file", &ca]);
    let res = dev.get("/abort-body");
    assert_eq!(
        res.text(),
        "first=first then AbortError",
        "{}",
        dev.output()
    );
    assert_eq!(dev.get("/abort-head").text(), "AbortError");
    // A fetched response returned as is: decoded, without the encoding header.
    let proxied = dev.get("/proxy");
    assert_eq!(proxied.header("content-encoding"), None);
    assert_eq!(proxied.text(), "compressed hello ".repeat(1000));
}

/// 100 MiB through `response.body` of a fetch() inside a handler: the server's memory must
/// not grow with the size of the body.
#[test]
fn a_100_mib_response_streams_in_flat_memory() {
    let up = Upstream::start();
    let var = format!("UPSTREAM={}", up.url(""));
    let ca = up.ca_file.to_str().unwrap().to_owned();
    let dev = DevServer::start(&fixture("fetch-app.js"), &["--var", &var, "--ca-file", &ca]);
    // Warm up: the first fetch sets up the client and the connection.
    assert_eq!(dev.get("/count?mib=1").text(), (1 << 20).to_string());
    let mut rss = RssSampler::start(dev.pid());
    let res = dev.get("/count?mib=100");
    let growth = rss.stop();
    assert_eq!(res.text(), (100u64 << 20).to_string(), "{}", dev.output());
    let baseline = rss.baseline;
    println!(
        "fetch of 100 MiB through response.body: RSS baseline {:.1} MiB, peak growth {:.1} MiB",
        baseline as f64 / 1048576.0,
        growth as f64 / 1048576.0
    );
    assert!(growth < 32 << 20, "RSS grew by {growth} bytes");
}
