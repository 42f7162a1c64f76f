//! The multi-tenant host with real apps on real worker threads: tenants cannot see each other,
//! runaway CPU and memory are stopped and the app recovers on a fresh isolate while another
//! app keeps answering, and `fetch()` obeys each app's allow list and the private-address
//! rules (with a real local HTTP server as the target).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{app, app_dir, runtime};
use edge_isolates::{
    AppRequest, Body, DispatchError, Host, HostError, HostOptions, HostRule, Limit, WorkerPool,
};

/// A host on two workers whose warm pools are full, so that apps start on isolates made
/// ahead of time and configured for them.
fn host(options: HostOptions) -> Arc<Host> {
    let host = Arc::new(Host::new(Arc::new(WorkerPool::new(2).unwrap()), options));
    std::thread::sleep(Duration::from_millis(150));
    host
}

async fn get(host: &Host, app: &str, path: &str) -> Result<(u16, String), HostError> {
    let request = AppRequest {
        method: http::Method::GET,
        url: format!("http://{app}.test{path}"),
        headers: http::HeaderMap::new(),
        body: Body::empty(),
        client: None,
    };
    let response = host.dispatch(app, request).await?;
    let body = response.body.collect().await.expect("body");
    Ok((response.status, String::from_utf8_lossy(&body).into_owned()))
}

/// Deploys an app answering "steady" on a worker other than the one `beside` runs on; its name.
fn steady_beside(host: &Host, dir: &Path, beside: &str) -> String {
    let steady = app(
        dir,
        "steady",
        r#"export default { fetch() { return new Response("steady"); } };"#,
    );
    let name = (0..50)
        .map(|i| format!("steady{i}"))
        .find(|n| host.worker_for(n) != host.worker_for(beside))
        .unwrap();
    host.deploy(&name, steady).unwrap();
    name
}

/// Requests `path` of `app` (printing how long it took to answer, with `limits`) while the
/// app `steady` is asked again and again; the result, and how often `steady` answered.
async fn run_beside(
    host: &Host,
    app: &str,
    path: &str,
    steady: &str,
    limits: &str,
) -> (Result<(u16, String), HostError>, usize) {
    let running = async {
        let started = Instant::now();
        let result = get(host, app, path).await;
        println!(
            "{path} stopped after {:.1} ms ({limits})",
            started.elapsed().as_secs_f64() * 1000.0
        );
        result
    };
    let answering = async {
        let mut answered = 0;
        let until = Instant::now() + Duration::from_millis(40);
        while Instant::now() < until {
            assert_eq!(get(host, steady, "/").await.unwrap().1, "steady");
            answered += 1;
        }
        answered
    };
    tokio::join!(running, answering)
}

#[test]
fn tenants_do_not_see_each_others_globals_env_files_or_prototypes() {
    let dir = app_dir("isolation");
    let mut a = app(
        &dir,
        "a",
        r#"
        Object.prototype.polluted = "by A";
        Array.prototype.push = function () { return "hijacked by A"; };
        JSON.stringify = () => "hijacked by A";
        globalThis.sharedSecret = "A's global";
        export default {
          fetch(req, env) {
            globalThis.lastSecret = env.SECRET;
            return new Response("A:" + env.SECRET);
          },
        };
        "#,
    );
    a.env = vec![("SECRET".into(), "a-secret-value".into())];
    let b = app(
        &dir,
        "b",
        r#"
        export default {
          async fetch(req, env) {
            let imported = "refused";
            try {
              await import(new URL("../a/app.js", import.meta.url).href);
              imported = "loaded A's module";
            } catch (e) {}
            try {
              await import("/etc/hostname");
              imported = "loaded a host file";
            } catch (e) {}
            const seen = {
              polluted: ({}).polluted ?? null,
              push: [].push(1),
              stringify: JSON.stringify({ x: 1 }),
              sharedSecret: globalThis.sharedSecret ?? null,
              lastSecret: globalThis.lastSecret ?? null,
              envKeys: Object.keys(env),
              imported,
            };
            return new Response(JSON.stringify(seen));
          },
        };
        "#,
    );
    let host = host(HostOptions::default());
    host.deploy("a", a).unwrap();
    host.deploy("b", b).unwrap();
    runtime().block_on(async {
        assert_eq!(get(&host, "a", "/").await.unwrap().1, "A:a-secret-value");
        let (status, body) = get(&host, "b", "/").await.unwrap();
        assert_eq!(status, 200);
        assert_eq!(
            body,
            r#"{"polluted":null,"push":1,"stringify":"{\"x\":1}","sharedSecret":null,"lastSecret":null,"envKeys":[],"imported":"refused"}"#
        );
    });
}

#[test]
fn a_cpu_runaway_is_stopped_while_another_app_keeps_answering() {
    let dir = app_dir("cpu");
    let mut spin = app(
        &dir,
        "spin",
        r#"
        let served = 0;
        export default {
          fetch(req) {
            served++;
            if (new URL(req.url).pathname === "/spin") { while (true) {} }
            return new Response("fresh:" + served);
          },
        };
        "#,
    );
    spin.limits.cpu = Duration::from_millis(50);
    let host = host(HostOptions::default());
    host.deploy("spin", spin).unwrap();
    // Two apps on different workers, as the host spreads them.
    let steady_name = steady_beside(&host, &dir, "spin");
    runtime().block_on(async {
        assert_eq!(get(&host, "spin", "/").await.unwrap().1, "fresh:1");
        let (spun, answered) =
            run_beside(&host, "spin", "/spin", &steady_name, "CPU limit 50 ms").await;
        assert!(
            matches!(
                spun,
                Err(HostError::Dispatch(DispatchError::LimitExceeded(
                    Limit::CpuTime
                )))
            ),
            "the runaway request is stopped by the CPU limit: {spun:?}"
        );
        assert!(answered > 0, "the other app answered while the runaway ran");
        // The next request gets a fresh isolate: module state starts over.
        assert_eq!(get(&host, "spin", "/").await.unwrap().1, "fresh:1");
        assert!(
            host.logs("spin")
                .unwrap()
                .contains(&"[edge] request stopped: cpu_time_limit_exceeded".to_string()),
            "the app's tail says why its request stopped"
        );
    });
    let metrics = host.metrics();
    let cpu: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("edge_app_cpu_seconds_total{app=\"spin\"} "))
        .and_then(|v| v.parse().ok())
        .expect("a CPU figure for the app");
    assert!(cpu >= 0.045, "the runaway's CPU time is counted: {cpu}");
    assert!(metrics.contains("edge_app_errors_total{app=\"spin\",kind=\"cpu_time\"} 1"));
}

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn unbounded_allocation_is_stopped_at_the_memory_limit() {
    let dir = app_dir("memory");
    let mut hog = app(
        &dir,
        "hog",
        r#"
        export default {
          async fetch(req) {
            if (new URL(req.url).pathname === "/hog") {
              const keep = [];
              while (true) keep.push(new Array(100000).fill(Math.random()));
            }
            if (new URL(req.url).pathname === "/blobs") {
              // Blob bytes live outside the engine's heap; they count all the same.
              const keep = [];
              while (true) keep.push(new Blob([new Uint8Array(8 << 20)]));
            }
            if (new URL(req.url).pathname === "/body-blobs") {
              const keep = [];
              while (true) keep.push(await new Response(new Uint8Array(8 << 20)).blob());
            }
            return new Response("fine");
          },
        };
        "#,
    );
    hog.limits.memory = 32 << 20;
    hog.limits.cpu = Duration::from_secs(30);
    let host = host(HostOptions::default());
    host.deploy("hog", hog).unwrap();
    runtime().block_on(async {
        assert_eq!(get(&host, "hog", "/").await.unwrap().1, "fine");
        let before = rss_bytes();
        for path in ["/hog", "/blobs", "/body-blobs", "/hog", "/blobs"] {
            let result = get(&host, "hog", path).await;
            assert!(
                matches!(
                    result,
                    Err(HostError::Dispatch(DispatchError::LimitExceeded(
                        Limit::Memory
                    )))
                ),
                "the hog is stopped by the memory limit: {result:?}"
            );
            assert_eq!(get(&host, "hog", "/").await.unwrap().1, "fine");
        }
        let grown = rss_bytes().saturating_sub(before);
        assert!(
            grown < 256 << 20,
            "five hogs at a 32 MiB limit grew the process by {} MiB",
            grown >> 20
        );
    });
}

/// A real HTTP server on 127.0.0.1 answering "reached".
fn local_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\nreached",
                );
            });
        }
    });
    port
}

const FETCHER: &str = r#"
export default {
  async fetch(req) {
    const target = new URL(req.url).searchParams.get("to");
    try {
      const res = await fetch(target);
      return new Response("ok:" + (await res.text()));
    } catch (e) {
      return new Response(`${e.name}:${e.message}`, { status: 502 });
    }
  },
};
"#;

#[test]
fn fetch_obeys_the_allow_list_and_refuses_private_addresses() {
    let port = local_server();
    let dir = app_dir("fetch");
    let mut strict = app(&dir, "strict", FETCHER);
    strict.allowed_hosts = [
        "localhost",
        "127.0.0.1",
        "[::1]",
        "10.0.0.1",
        "169.254.169.254",
        "example.com",
    ]
    .iter()
    .filter_map(|h| HostRule::parse(h))
    .collect();
    let host_default = host(HostOptions::default());
    host_default.deploy("strict", strict.clone()).unwrap();
    runtime().block_on(async {
        for target in [
            format!("http://127.0.0.1:{port}/"),
            format!("http://[::1]:{port}/"),
            "http://10.0.0.1/".to_string(),
            "http://169.254.169.254/latest/meta-data/".to_string(),
            format!("http://localhost:{port}/"),
        ] {
            let (status, body) = get(&host_default, "strict", &format!("/?to={target}"))
                .await
                .unwrap();
            assert_eq!(status, 502, "{target} must be refused");
            assert!(body.starts_with("TypeError:"), "{target}: {body}");
            assert!(body.contains("refused"), "{target}: {body}");
        }
        // Not in the list: refused before any lookup (`evil-example.com` is not `example.com`).
        let (status, body) = get(&host_default, "strict", "/?to=http://evil-example.com/")
            .await
            .unwrap();
        assert_eq!(status, 502);
        assert!(body.contains("not in the app's list"), "{body}");
    });

    // An operator who opens one internal range: the listed host in it works.
    let ranged = host(HostOptions {
        open_ranges: vec![edge_isolates::AddrRange::parse("127.0.0.0/8").unwrap()],
        ..HostOptions::default()
    });
    let mut internal = app(&dir, "internal", FETCHER);
    internal.allowed_hosts = vec![HostRule::parse(&format!("127.0.0.1:{port}")).unwrap()];
    ranged.deploy("internal", internal).unwrap();
    runtime().block_on(async {
        let (status, body) = get(
            &ranged,
            "internal",
            &format!("/?to=http://127.0.0.1:{port}/"),
        )
        .await
        .unwrap();
        assert_eq!((status, body.as_str()), (200, "ok:reached"));
    });

    // An operator who opens private addresses: the listed host works, unlisted ones still fail.
    let open = host(HostOptions {
        allow_private_network: true,
        ..HostOptions::default()
    });
    let mut listed = app(&dir, "listed", FETCHER);
    listed.allowed_hosts = vec![HostRule::parse(&format!("127.0.0.1:{port}")).unwrap()];
    open.deploy("listed", listed).unwrap();
    runtime().block_on(async {
        let (status, body) = get(&open, "listed", &format!("/?to=http://127.0.0.1:{port}/"))
            .await
            .unwrap();
        assert_eq!((status, body.as_str()), (200, "ok:reached"));
        let (status, _) = get(&open, "listed", &format!("/?to=http://localhost:{port}/"))
            .await
            .unwrap();
        assert_eq!(status, 502, "localhost is not the listed 127.0.0.1");
    });
}

#[test]
fn unknown_apps_and_slow_answers_get_their_own_errors() {
    let dir = app_dir("wall");
    let mut slow = app(
        &dir,
        "slow",
        r#"export default { async fetch() { await new Promise((r) => setTimeout(r, 5000)); return new Response("late"); } };"#,
    );
    slow.limits.wall = Duration::from_millis(100);
    let host = host(HostOptions::default());
    host.deploy("slow", slow).unwrap();
    runtime().block_on(async {
        assert!(matches!(
            get(&host, "nobody", "/").await,
            Err(HostError::UnknownApp(_))
        ));
        assert!(matches!(
            get(&host, "slow", "/").await,
            Err(HostError::WallTimeExceeded)
        ));
    });
}

/// A connector that fails the way a bug would: by panicking.
struct PanickingConnector;

impl edge_runtime::Connector for PanickingConnector {
    fn connect(&self, _host: &str, _port: u16) -> edge_runtime::ConnectFuture {
        Box::pin(async { panic!("a bug in the host's connector") })
    }
}

#[test]
fn a_panic_inside_an_isolate_takes_down_only_that_isolate() {
    let dir = app_dir("panic");
    let spec = app(&dir, "buggy", FETCHER);
    let pool = Arc::new(WorkerPool::new(2).unwrap());
    let outbound = edge_runtime::OutboundConfig::new(Arc::new(PanickingConnector), None).unwrap();
    let config = edge_isolates::AppConfig {
        entry: spec.entry.clone(),
        isolate: edge_isolates::IsolateOptions {
            outbound: Some(outbound),
            ..Default::default()
        },
        heap_gauge: None,
    };
    let buggy = edge_isolates::AppHost::lazy(config, pool.clone(), 0);
    let host = Host::new(pool, HostOptions::default());
    host.deploy(
        "steady",
        app(
            &dir,
            "steady",
            r#"export default { fetch() { return new Response("steady"); } };"#,
        ),
    )
    .unwrap();
    runtime().block_on(async {
        let request = |path: &str| AppRequest {
            method: http::Method::GET,
            url: format!("http://buggy.test{path}"),
            headers: http::HeaderMap::new(),
            body: Body::empty(),
            client: None,
        };
        let failed = buggy.dispatch(request("/?to=http://example.com/")).await;
        assert!(
            failed.is_err(),
            "the request whose isolate panicked fails: {failed:?}"
        );
        // The process is alive, the other app answers, and the buggy app gets a fresh isolate.
        assert_eq!(get(&host, "steady", "/").await.unwrap().1, "steady");
        let again = buggy.dispatch(request("/?to=http://example.com/")).await;
        assert!(again.is_err());
        let plain = buggy
            .dispatch(request("/"))
            .await
            .expect("a fresh isolate answers");
        assert_eq!(plain.status, 502, "no target: the handler itself answers");
    });
}

#[test]
fn subrequests_and_request_bodies_are_limited_per_app() {
    let port = local_server();
    let dir = app_dir("subrequests");
    let mut chatty = app(
        &dir,
        "chatty",
        &format!(
            r#"
            export default {{
              async fetch(req) {{
                if (req.method === "POST") return new Response(String((await req.arrayBuffer()).byteLength));
                let done = 0;
                try {{
                  for (let i = 0; i < 10; i++) {{ await (await fetch("http://127.0.0.1:{port}/")).text(); done++; }}
                }} catch (e) {{
                  return new Response(done + ":" + e.name + ":" + e.message);
                }}
                return new Response(String(done));
              }},
            }};
            "#
        ),
    );
    chatty.allowed_hosts = vec![HostRule::parse(&format!("127.0.0.1:{port}")).unwrap()];
    chatty.limits.subrequests = 3;
    chatty.limits.body_bytes = 1000;
    let host = host(HostOptions {
        allow_private_network: true,
        ..HostOptions::default()
    });
    host.deploy("chatty", chatty).unwrap();
    runtime().block_on(async {
        let (_, body) = get(&host, "chatty", "/").await.unwrap();
        assert!(
            body.starts_with("3:TypeError:Too many subrequests"),
            "{body}"
        );
        // The budget is per request.
        let (_, body) = get(&host, "chatty", "/").await.unwrap();
        assert!(body.starts_with("3:"), "{body}");
        let post = |len: usize, declared: bool| {
            let mut headers = http::HeaderMap::new();
            if declared {
                headers.insert(http::header::CONTENT_LENGTH, len.into());
            }
            AppRequest {
                method: http::Method::POST,
                url: "http://chatty.test/".into(),
                headers,
                body: Body::full(vec![b'x'; len]),
                client: None,
            }
        };
        let small = host.dispatch("chatty", post(10, true)).await.unwrap();
        assert_eq!(small.body.collect().await.unwrap(), "10".as_bytes());
        assert!(matches!(
            host.dispatch("chatty", post(5000, true)).await,
            Err(HostError::BodyTooLarge)
        ));
        // Without a declared length the body is cut off when it passes the limit: the app's
        // read fails.
        let streamed = host.dispatch("chatty", post(5000, false)).await;
        assert!(
            matches!(
                streamed,
                Err(HostError::Dispatch(DispatchError::Handler(_)))
            ),
            "{streamed:?}"
        );
    });
}

#[test]
fn idle_and_least_recently_used_isolates_are_unloaded_and_counted() {
    let dir = app_dir("evict");
    let host = host(HostOptions {
        max_loaded: 2,
        log: Arc::new(|_| Arc::new(|_, _| {})),
        ..HostOptions::default()
    });
    for name in ["one", "two", "three"] {
        let source = format!(
            r#"console.log("loading {name}");
            export default {{ fetch() {{ console.log("serving {name}"); return new Response("{name}"); }} }};"#
        );
        host.deploy(name, app(&dir, name, &source)).unwrap();
    }
    runtime().block_on(async {
        for name in ["one", "two", "three"] {
            assert_eq!(get(&host, name, "/").await.unwrap().1, name);
        }
        assert_eq!(
            host.counts(),
            (3, 2),
            "the cap unloaded the least recently used"
        );
        assert_eq!(get(&host, "one", "/").await.unwrap().1, "one");
        let heap = host
            .metrics()
            .lines()
            .find_map(|l| {
                l.strip_prefix("edge_app_heap_bytes{app=\"one\"} ")
                    .map(str::to_owned)
            })
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no heap figure: {}", host.metrics()));
        assert!(heap > 100_000, "a loaded app reports its heap: {heap}");
        assert_eq!(
            host.logs("one").unwrap(),
            ["loading one", "serving one", "loading one", "serving one"]
        );
        assert_eq!(host.evict_idle(Duration::ZERO), 2);
        assert_eq!(host.counts(), (3, 0));
    });
    let metrics = host.metrics();
    assert!(
        metrics.contains("edge_app_requests_total{app=\"one\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("edge_app_cold_starts_total{app=\"one\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("edge_app_isolates{app=\"two\"} 0"),
        "{metrics}"
    );
    assert!(metrics.contains("edge_apps 3"), "{metrics}");
}

#[test]
fn a_busy_app_gets_an_isolate_on_the_worker_its_requests_arrive_on() {
    let dir = app_dir("scale");
    let spec = app(
        &dir,
        "hot",
        r#"
        const me = crypto.randomUUID();
        export default {
          fetch() {
            const until = Date.now() + 3;
            while (Date.now() < until) {}
            return new Response(me);
          },
        };
        "#,
    );
    let pool = Arc::new(WorkerPool::new(2).unwrap());
    let host = Arc::new(Host::new(pool.clone(), HostOptions::default()));
    host.deploy("hot", spec).unwrap();
    let home = host.worker_for("hot");
    let other = 1 - home;
    let (tx, rx) = std::sync::mpsc::channel();
    let h = host.clone();
    pool.spawn_on(other, move || async move {
        // Loaded on its own worker first; then a burst from this worker finds it busy.
        get(&h, "hot", "/").await.unwrap();
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let h = h.clone();
            tasks.push(tokio::task::spawn_local(async move {
                get(&h, "hot", "/").await.map(|(_, body)| body)
            }));
        }
        let mut ids = Vec::new();
        for task in tasks {
            ids.push(task.await.unwrap().unwrap());
        }
        let _ = tx.send(ids);
    });
    let ids = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), 20);
    assert_eq!(distinct.len(), 2, "one isolate per worker: {distinct:?}");
    assert!(host.metrics().contains("edge_app_isolates{app=\"hot\"} 2"));
}

#[test]
fn apps_on_one_worker_served_from_that_worker_each_get_their_own_isolate() {
    let dir = app_dir("same-worker");
    let pool = Arc::new(WorkerPool::new(1).unwrap());
    let host = Arc::new(Host::new(pool.clone(), HostOptions::default()));
    for name in ["left", "right"] {
        let source =
            format!(r#"export default {{ fetch() {{ return new Response("{name}"); }} }};"#);
        host.deploy(name, app(&dir, name, &source)).unwrap();
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let h = host.clone();
    // As the HTTP front does: requests handled on the worker the isolates live on.
    pool.spawn_on(0, move || async move {
        let mut answers = Vec::new();
        for name in ["left", "right", "left", "right"] {
            answers.push(get(&h, name, "/").await.unwrap().1);
        }
        let _ = tx.send(answers);
    });
    let answers = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(answers, ["left", "right", "left", "right"]);
}

/// A module with `spin` (`loop br 0`), `bomb` (grows its memory 16 pages at a time until
/// growing fails, answers its size) and the memory `mem`.
const WASM_LIMITS_MODULE: &str = "[0,97,115,109,1,0,0,0,1,8,2,96,0,0,96,0,1,127,3,3,2,0,1,5,3,1,0,1,7,21,3,3,109,101,109,2,0,4,115,112,105,110,0,0,4,98,111,109,98,0,1,10,26,2,7,0,3,64,12,0,11,11,16,0,3,64,65,16,64,0,65,127,71,13,0,11,63,0,11]";

/// A module whose only content is an exported memory of 256 pages (16 MiB).
const WASM_16MIB_MODULE: &str = "[0,97,115,109,1,0,0,0,5,4,1,0,128,2,7,7,1,3,109,101,109,2,0]";

/// WebAssembly is held to the same limits as JavaScript: a `loop br 0` is stopped by the CPU
/// limit and a `memory.grow` bomb by the memory limit, each answering with its limit error,
/// while another app keeps answering; the app then starts over on a fresh isolate. An instance
/// made per request is freed with it: twenty 16 MiB instances fit a 64 MiB limit in turn.
#[test]
fn webassembly_runaways_are_stopped_by_the_cpu_and_memory_limits() {
    let dir = app_dir("wasm");
    let source = format!(
        r#"
        const bytes = new Uint8Array({WASM_LIMITS_MODULE});
        const {{ exports }} = new WebAssembly.Instance(new WebAssembly.Module(bytes));
        let served = 0;
        export default {{
          fetch(req) {{
            served++;
            const path = new URL(req.url).pathname;
            if (path === "/spin") exports.spin();
            if (path === "/bomb") return new Response("grew to " + exports.bomb() + " pages");
            if (path === "/js-bomb") {{ while (true) exports.mem.grow(64); }}
            if (path === "/fresh") {{
              const fresh = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array({WASM_16MIB_MODULE})));
              return new Response(String(fresh.exports.mem.buffer.byteLength));
            }}
            return new Response("fresh:" + served + ":" + exports.mem.buffer.byteLength);
          }},
        }};
        "#
    );
    let mut wasm = app(&dir, "wasm", &source);
    wasm.limits.cpu = Duration::from_millis(50);
    wasm.limits.memory = 64 << 20;
    let host = host(HostOptions::default());
    host.deploy("wasm", wasm).unwrap();
    let steady_name = steady_beside(&host, &dir, "wasm");
    runtime().block_on(async {
        assert_eq!(get(&host, "wasm", "/").await.unwrap().1, "fresh:1:65536");
        for _ in 0..20 {
            assert_eq!(get(&host, "wasm", "/fresh").await.unwrap().1, "16777216");
        }
        assert_eq!(get(&host, "wasm", "/").await.unwrap().1, "fresh:22:65536");
        for (path, limit) in [
            ("/spin", Limit::CpuTime),
            ("/bomb", Limit::Memory),
            ("/js-bomb", Limit::Memory),
        ] {
            let limits = "CPU limit 50 ms, memory limit 64 MiB";
            let (result, answered) = run_beside(&host, "wasm", path, &steady_name, limits).await;
            assert!(
                matches!(
                    result,
                    Err(HostError::Dispatch(DispatchError::LimitExceeded(l))) if l == limit
                ),
                "{path} is stopped by the {limit:?} limit: {result:?}"
            );
            assert!(answered > 0, "the other app answered while {path} ran");
            assert_eq!(
                get(&host, "wasm", "/").await.unwrap().1,
                "fresh:1:65536",
                "after {path} the app starts over on a fresh isolate"
            );
        }
    });
}
