//! A real PostgreSQL server for tests: a throwaway cluster made with `initdb`, started and
//! stopped with `pg_ctl` on a free loopback port (as the `postgres` user when the tests run
//! as root, which PostgreSQL refuses to run as). `scripts/test.sh` installs the server.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A cluster in a directory; stopped on drop.
pub struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

/// The newest installed server's `bin` directory.
fn server_bin() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .expect("no PostgreSQL server under /usr/lib/postgresql: install the Debian package `postgresql` (scripts/test.sh does)")
}

impl Postgres {
    /// Makes a cluster in `dir/pg` (whose superuser is `edge`, trusted on loopback) and
    /// starts it.
    pub fn start_in(dir: &Path) -> Postgres {
        let pg = Postgres::init_in(dir);
        pg.start();
        pg
    }

    /// Makes the cluster without starting it.
    pub fn init_in(dir: &Path) -> Postgres {
        use std::os::unix::fs::PermissionsExt;
        let bin = server_bin();
        // SAFETY: geteuid has no preconditions.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let data = dir.join("pg");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
        if as_postgres {
            // The server's user must reach its directory.
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
            let ok = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&data)
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown of the cluster directory failed");
        }
        let pg = Postgres {
            bin,
            data,
            port: free_port(),
            as_postgres,
        };
        let data = pg.data.to_str().unwrap().to_owned();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "edge",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        pg
    }

    /// Serves TLS with this certificate chain and key (PEM files), from the next start.
    pub fn enable_tls(&self, cert: &Path, key: &Path) {
        use std::io::Write;
        use std::os::unix::fs::PermissionsExt;
        std::fs::copy(cert, self.data.join("server.crt")).unwrap();
        std::fs::copy(key, self.data.join("server.key")).unwrap();
        std::fs::set_permissions(
            self.data.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(self.data.join("postgresql.conf"))
            .unwrap()
            .write_all(b"ssl = on\n")
            .unwrap();
        if self.as_postgres {
            for file in ["server.crt", "server.key"] {
                let ok = Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(self.data.join(file))
                    .status()
                    .unwrap()
                    .success();
                assert!(ok);
            }
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let path = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        let out = cmd.args(args).output().expect(tool);
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn start(&self) {
        let data = self.data.to_str().unwrap();
        let options = format!(
            "-p {} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port
        );
        let log = format!("{data}/server.log");
        self.run(
            "pg_ctl",
            &["-D", data, "-o", &options, "-l", &log, "-w", "start"],
        );
    }

    /// Stops the server (its clients are disconnected).
    pub fn stop(&self) {
        let data = self.data.to_str().unwrap();
        self.run("pg_ctl", &["-D", data, "-m", "fast", "-w", "stop"]);
    }

    pub fn url(&self) -> String {
        format!("postgres://edge@127.0.0.1:{}/postgres", self.port)
    }

    /// Runs `sql` with `psql`; its rows, one per line, fields separated by `|`.
    pub fn query(&self, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "edge",
                "-d",
                "postgres",
                "-At",
                "-p",
            ])
            .arg(self.port.to_string())
            .args(["-c", sql])
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.data.to_str().unwrap().to_owned();
        let path = self.bin.join("pg_ctl");
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        let _ = cmd
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
