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
    assert!(node.status.success(), "{}", String::from_utf8_lossy(&node.stderr));
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
