//! The self-hosted files in `adapters/selfhosted/`: the systemd unit passes
//! `systemd-analyze verify` (no unknown keys, its command runnable) with `ExecStart` pointed
//! at this build's `edge`, and that command's `--help` names `serve`.

use std::process::Command;

#[test]
fn the_systemd_unit_verifies() {
    let unit = include_str!("../../adapters/selfhosted/edge.service");
    let edge = env!("CARGO_BIN_EXE_edge");
    assert!(unit.contains("ExecStart=/usr/local/bin/edge serve --config "));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edge.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/edge", edge)).unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .expect("systemd-analyze (Debian package systemd; scripts/test.sh installs it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.trim().is_empty(), "systemd-analyze warns: {stderr}");
}
