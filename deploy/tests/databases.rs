//! Real databases from fetch handlers: `pg`, postgres.js, Drizzle ORM and ioredis (installed
//! from the npm registry) against a real PostgreSQL and a real Redis the tests start, through
//! `node:net` and `node:tls` on Edge's outbound sockets. The same code gives the same results
//! under Node; 200 concurrent requests share a Pool of 10 connections; Redis pub/sub works
//! across requests; TLS to PostgreSQL is negotiated and verified.

mod common;
mod pgkit;

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::DevServer;

/// A throwaway `redis-server` on a free loopback port, without persistence; killed on drop.
struct RedisServer {
    child: std::process::Child,
    port: u16,
}

impl RedisServer {
    fn start() -> RedisServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (the Debian package redis-server; scripts/test.sh installs it)");
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed().as_secs() < 20,
                "redis-server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        RedisServer { child, port }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Empties the server (an inline `FLUSHALL`).
    fn flush(&self) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.write_all(b"FLUSHALL\r\n").unwrap();
        let mut answer = [0u8; 5];
        s.read_exact(&mut answer).unwrap();
        assert_eq!(&answer, b"+OK\r\n");
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fixtures() -> std::path::PathBuf {
    common::npm_fixtures("pg")
}

#[test]
fn pg_postgres_js_drizzle_and_ioredis_answer_as_under_node() {
    let dir = tempfile::tempdir().unwrap();
    let pg = pgkit::Postgres::start_in(dir.path());
    let redis = RedisServer::start();
    let fixtures = fixtures();
    let expected = common::node_json(
        &fixtures,
        "run-db-cases-with-node.mjs",
        &[&pg.url(), &redis.url()],
    );
    redis.flush();

    let vars = [
        format!("DATABASE_URL={}", pg.url()),
        format!("REDIS_URL={}", redis.url()),
    ];
    let server = DevServer::start(
        &fixtures.join("db-app.mjs"),
        &["--var", &vars[0], "--var", &vars[1]],
    );
    let res = server.get("/cases");
    assert_eq!(res.status, 200, "{}\n{}", res.text(), server.output());
    let got: serde_json::Value = serde_json::from_str(&res.text()).unwrap();
    for part in ["pg", "postgresJs", "drizzle", "redis"] {
        assert_eq!(got[part], expected[part], "{part}: Edge and Node differ");
    }
    assert_eq!(got["pg"]["duplicate"]["code"], "23505", "{got}");
    assert_eq!(got["postgresJs"]["failed"]["code"], "23505", "{got}");
    assert_eq!(got["drizzle"]["doomed"], serde_json::json!([]), "{got}");
    assert_eq!(got["redis"]["second"]["hit"], true, "{got}");
    // ioredis's getter-only exports are not read at import (ioredis warns when they are).
    assert!(
        !server.output().contains("third-party Promise"),
        "{}",
        server.output()
    );

    // Pub/sub across requests: the subscriber lives in the isolate between them.
    assert_eq!(server.get("/redis/subscribe").text(), r#"{"subscribed":1}"#);
    assert_eq!(
        server.get("/redis/publish?m=first").text(),
        r#"{"listeners":1}"#
    );
    assert_eq!(
        server.get("/redis/publish?m=second").text(),
        r#"{"listeners":1}"#
    );
    let mut got = String::new();
    for _ in 0..200 {
        got = server.get("/redis/received").text();
        if got.contains("second") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(
        got,
        r#"[{"channel":"live","message":"first"},{"channel":"live","message":"second"}]"#
    );
}

#[test]
fn two_hundred_concurrent_requests_share_a_pool_of_ten() {
    let dir = tempfile::tempdir().unwrap();
    let pg = Arc::new(pgkit::Postgres::start_in(dir.path()));
    let var = format!("DATABASE_URL={}", pg.url());
    let server = Arc::new(DevServer::start(
        &fixtures().join("db-app.mjs"),
        &["--var", &var],
    ));
    // The database's own count of the app's connections, sampled throughout.
    let done = Arc::new(AtomicBool::new(false));
    let most = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (pg, done, most) = (pg.clone(), done.clone(), most.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let n: usize = pg
                    .query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'edge-burst'")
                    .trim()
                    .parse()
                    .unwrap();
                most.fetch_max(n, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let requests: Vec<_> = (0..200)
        .map(|i| {
            let server = server.clone();
            std::thread::spawn(move || {
                let res = server.get(&format!("/burst?n={i}"));
                (i, res.status, res.text())
            })
        })
        .collect();
    for r in requests {
        let (i, status, text) = r.join().unwrap();
        assert_eq!(status, 200, "request {i}: {text}");
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["next"], i + 1, "{text}");
        assert!(body["total"].as_u64().unwrap() <= 10, "{text}");
    }
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let most = most.load(Ordering::Relaxed);
    println!("the database saw at most {most} connections from the app");
    assert!((1..=10).contains(&most), "{most} connections");
}

#[test]
fn pg_negotiates_tls_and_verifies_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let certs = common::test_certs(dir.path(), &["localhost"]);
    let (ca_file, cert, key) = (certs.ca_file, certs.cert_file, certs.key_file);
    let pg = pgkit::Postgres::init_in(dir.path());
    pg.enable_tls(&cert, &key);
    pg.start();
    let var = format!(
        "DATABASE_URL=postgres://edge@localhost:{}/postgres?sslmode=verify-full",
        pg.port
    );
    let app = fixtures().join("db-app.mjs");

    let trusting = DevServer::start(
        &app,
        &["--var", &var, "--ca-file", ca_file.to_str().unwrap()],
    );
    let res = trusting.get("/tls");
    assert_eq!(res.status, 200, "{}\n{}", res.text(), trusting.output());
    assert_eq!(res.text(), r#"{"ssl":true}"#);

    let doubting = DevServer::start(&app, &["--var", &var]);
    let res = doubting.get("/tls");
    assert_eq!(res.status, 502, "{}", res.text());
    assert!(res.text().contains("certificate"), "{}", res.text());
}
