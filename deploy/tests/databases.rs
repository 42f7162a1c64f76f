//! Real databases from fetch handlers: `pg` (installed from the npm registry) against a real
//! PostgreSQL the test starts, through `node:net` on Edge's outbound sockets. The same code
//! gives the same results under Node; 200 concurrent requests share a Pool of 10 connections.

mod common;
mod pgkit;

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{repo_root, DevServer};

fn fixtures() -> std::path::PathBuf {
    let dir = repo_root().join("deploy/tests/fixtures/npm");
    assert!(
        dir.join("node_modules/pg/package.json").is_file(),
        "npm fixtures are not installed: run scripts/test.sh (or npm ci in {})",
        dir.display()
    );
    dir
}

#[test]
fn pg_in_a_handler_answers_as_under_node() {
    let dir = tempfile::tempdir().unwrap();
    let pg = pgkit::Postgres::start_in(dir.path());
    let fixtures = fixtures();
    let node = Command::new("node")
        .args(["run-db-cases-with-node.mjs", &pg.url(), "items"])
        .current_dir(&fixtures)
        .output()
        .expect("node is installed (scripts/test.sh installs it)");
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
    let expected: serde_json::Value = serde_json::from_slice(&node.stdout).unwrap();

    let var = format!("DATABASE_URL={}", pg.url());
    let server = DevServer::start(&fixtures.join("db-app.mjs"), &["--var", &var]);
    let res = server.get("/cases?table=items");
    assert_eq!(res.status, 200, "{}\n{}", res.text(), server.output());
    let got: serde_json::Value = serde_json::from_str(&res.text()).unwrap();
    assert_eq!(got, expected, "Edge and Node differ");
    assert_eq!(got["duplicate"]["code"], "23505", "{got}");
    assert_eq!(got["doomed"], 0, "{got}");
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
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let dir = tempfile::tempdir().unwrap();
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Edge database test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let (ca_file, cert, key) = (
        dir.path().join("ca.pem"),
        dir.path().join("server.pem"),
        dir.path().join("server.key"),
    );
    std::fs::write(&ca_file, ca.pem()).unwrap();
    std::fs::write(&cert, leaf.pem()).unwrap();
    std::fs::write(&key, leaf_key.serialize_pem()).unwrap();
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
