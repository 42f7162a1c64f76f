//! A throwaway PostgreSQL server for the benchmarks that need one (`--fleet`, `--db`): a
//! cluster made with the Debian server's `initdb` in the work folder, on a free loopback port,
//! pinned to the servers' core; stopped on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::server::{free_port, SERVER_CORE};

/// A throwaway PostgreSQL cluster, stopped on drop.
pub struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Postgres {
    pub fn start(dir: &Path) -> Result<Postgres> {
        use std::os::unix::fs::PermissionsExt;
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .context("no PostgreSQL server: apt-get install postgresql")?
            .flatten()
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").exists())
            .max()
            .context("no initdb under /usr/lib/postgresql")?;
        // SAFETY: geteuid has no preconditions.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let data = dir.join("pg");
        std::fs::create_dir_all(&data)?;
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700))?;
        if as_postgres {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
            let ok = Command::new("chown")
                .arg("postgres:postgres")
                .arg(&data)
                .status()?;
            anyhow::ensure!(ok.success(), "chown failed");
        }
        let pg = Postgres {
            bin,
            data,
            port: free_port(),
            as_postgres,
        };
        let d = pg.data.to_str().context("path")?.to_owned();
        pg.run(
            "initdb",
            &["-D", &d, "-A", "trust", "-U", "edge", "--no-sync"],
        )?;
        let options = format!(
            "-p {} -k {d} -c listen_addresses=127.0.0.1 -c fsync=off",
            pg.port
        );
        let log = format!("{d}/server.log");
        pg.run(
            "pg_ctl",
            &["-D", &d, "-o", &options, "-l", &log, "-w", "start"],
        )?;
        Ok(pg)
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<()> {
        // The server runs on the servers' core, as the nodes do.
        let mut cmd = Command::new("taskset");
        cmd.args(["-c", SERVER_CORE]);
        if self.as_postgres {
            cmd.args(["runuser", "-u", "postgres", "--"]);
        }
        cmd.arg(self.bin.join(tool));
        let out = cmd.args(args).output()?;
        if !out.status.success() {
            bail!("{tool}: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    }

    /// Runs SQL with `psql`.
    pub fn sql(&self, sql: &str) -> Result<()> {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "edge",
                "-d",
                "postgres",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-p",
            ])
            .arg(self.port.to_string())
            .args(["-c", sql])
            .output()?;
        if !out.status.success() {
            bail!("psql: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    }

    pub fn url(&self) -> String {
        format!("postgres://edge@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(d) = self.data.to_str() {
            let _ = self.run("pg_ctl", &["-D", d, "-m", "immediate", "-w", "stop"]);
        }
    }
}
