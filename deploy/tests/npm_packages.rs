//! Real npm packages (installed from the registry into `deploy/tests/fixtures/npm` by
//! `scripts/test.sh`) imported by bare specifier inside fetch handlers.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::DevServer;

fn fixtures() -> std::path::PathBuf {
    common::npm_fixtures("jose")
}

/// Runs `verify-with-node.mjs` with `arg`, feeding `stdin`; returns its stdout.
fn node_jose(dir: &std::path::Path, keys: &std::path::Path, arg: &str, stdin: &str) -> String {
    let mut node = Command::new("node")
        .args(["verify-with-node.mjs", arg])
        .env("NODE_KEYS_FILE", keys)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node is installed (scripts/test.sh installs it)");
    node.stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = node.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// jose signs and verifies JWTs (ES256, ES512, EdDSA, RS256, PS256) and round-trips JWEs
/// (RSA-OAEP-256, ECDH-ES on X25519) in a handler; Node's jose verifies Edge's tokens and
/// decrypts the JWEs Edge made for Node's keys.
#[test]
fn jose_signs_verifies_and_encrypts_interoperably_with_node() {
    let dir = fixtures();
    let keys = std::env::temp_dir().join(format!("edge-jose-keys-{}.json", std::process::id()));
    let recipients = node_jose(&dir, &keys, "keys", "");
    let server = DevServer::start(&dir.join("jose-app.js"), &[]);
    let query: String = url_encode(recipients.trim());
    let res = server.get(&format!("/?recipients={query}"));
    let body = res.text();
    assert_eq!(res.status, 200, "{body}\n{}", server.output());
    assert_eq!(
        body.matches("\"tamperedRejected\":true").count(),
        5,
        "{body}"
    );
    assert_eq!(body.matches("\"sub\":\"user-1\"").count(), 5, "{body}");
    assert!(
        body.contains("\"RSA-OAEP-256\":\"secret for RSA-OAEP-256\"")
            && body.contains("\"ECDH-ES\":\"secret for ECDH-ES\""),
        "{body}"
    );
    let stdout = node_jose(&dir, &keys, "verify", &body);
    let _ = std::fs::remove_file(&keys);
    for alg in ["ES256", "ES512", "EdDSA", "RS256", "PS256"] {
        assert!(stdout.contains(&format!("{alg} ok user-1")), "{stdout}");
    }
    for alg in ["RSA-OAEP-256", "ECDH-ES"] {
        assert!(
            stdout.contains(&format!("{alg} decrypted: from edge with {alg}")),
            "{stdout}"
        );
    }
}

/// Percent-encodes a query value.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A missing package is a clear load error naming the package, not a crash.
#[test]
fn a_missing_package_is_reported() {
    let dir = std::env::temp_dir().join(format!("edge-missing-pkg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let entry = dir.join("app.js");
    std::fs::write(
        &entry,
        "import x from 'no-such-package-here';\nexport default { fetch() { return new Response(x); } };\n",
    )
    .unwrap();
    let (code, _, stderr) = common::run_edge(&["dev", entry.to_str().unwrap(), "--port", "0"]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("no-such-package-here") && stderr.contains("node_modules"),
        "{stderr}"
    );
}

/// zod, date-fns, cookie (CommonJS), superjson, uuid, nanoid and csv-parse/csv-stringify give
/// the same results in an Edge handler as under Node; Hono routes, runs middleware (CORS) and
/// keeps its per-request context storage (AsyncLocalStorage) across awaits with requests in
/// flight together; itty-router serves as a sub-app; random ids have the right shape; and a
/// CSV body streams through node:stream Transforms from csv-parse to csv-stringify.
#[test]
fn popular_packages_run_in_a_handler_as_under_node() {
    let dir = fixtures();
    let expected = common::node_json(&dir, "run-cases-with-node.mjs", &[]);
    let server = DevServer::start(&dir.join("packages-app.mjs"), &[]);
    common::assert_cases_match_node(&server, &expected);

    let server = std::sync::Arc::new(server);
    let threads: Vec<_> = (0..20)
        .map(|i| {
            let server = server.clone();
            std::thread::spawn(move || {
                let id = format!("req-{i}");
                let res = server.request("GET", "/context", &[("x-request-id", &id)], b"");
                assert_eq!(res.header("x-handled-by"), Some("hono"));
                let got: serde_json::Value = serde_json::from_str(&res.text()).unwrap();
                assert_eq!(got, serde_json::json!({ "id": id, "later": id }));
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }

    let cors = server.request(
        "GET",
        "/cors/data",
        &[("Origin", "https://app.example")],
        b"",
    );
    assert_eq!(cors.text(), "shared");
    assert_eq!(
        cors.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let missing = server.get("/case/nonesuch");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.text(), "{\"error\":\"no such case\"}");

    let ids: serde_json::Value = serde_json::from_str(&server.get("/ids").text()).unwrap();
    let nanoid = ids["nanoid"].as_str().unwrap();
    assert_eq!(nanoid.len(), 21);
    assert!(nanoid
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
    assert_eq!(ids["valid"], true);
    assert_eq!(ids["versions"], serde_json::json!([4, 7]));
    assert_ne!(server.get("/ids").text(), server.get("/ids").text());

    let hello = server.get("/itty/hello/ada");
    assert_eq!(hello.text(), "{\"hello\":\"ada\",\"router\":\"itty\"}");
    let echo = server.request(
        "POST",
        "/itty/echo",
        &[("content-type", "application/json")],
        b"{\"a\":[1,2]}",
    );
    assert_eq!(echo.text(), "{\"echoed\":{\"a\":[1,2]}}");

    let mut csv = String::from("name,age\n");
    for i in 0..500 {
        csv.push_str(&format!("person{i},{i}\n"));
    }
    let res = server.request(
        "POST",
        "/csv",
        &[("content-type", "text/csv")],
        csv.as_bytes(),
    );
    assert_eq!(res.status, 200, "{}", server.output());
    let lines: Vec<String> = res.text().lines().map(String::from).collect();
    assert_eq!(lines.len(), 501, "{}", res.text());
    assert_eq!(lines[0], "name,age");
    for (i, line) in lines[1..].iter().enumerate() {
        assert_eq!(line, &format!("person{i},{}", i * 2));
    }
}

/// luxon, dayjs (utc and timezone plugins) and date-fns-tz convert and format instants on both
/// sides of DST changes in America/New_York, Asia/Kolkata and Australia/Lord_Howe exactly as
/// under Node; Intl.NumberFormat's currency and compact output, German and Swedish collation
/// and Segmenter on emoji and Thai agree with Node too (intl-cases.mjs).
#[test]
fn date_libraries_and_intl_agree_with_node() {
    let dir = fixtures();
    let expected = common::node_json(&dir, "run-intl-cases-with-node.mjs", &[]);
    let server = DevServer::start(&dir.join("intl-app.mjs"), &[]);
    common::assert_cases_match_node(&server, &expected);
}
