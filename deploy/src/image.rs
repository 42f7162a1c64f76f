//! `edge build --target image`: an OCI image for Google Cloud Run (or any container runtime),
//! written without a Docker engine. One layer holds `edge-cloudrun`, the shared libraries it
//! loads (as `ldd` finds them on this machine), the app's bundle under `/app`, and an
//! `/etc/passwd` with the unprivileged user the image runs as. Output: an OCI image layout
//! directory, or the same as a tar archive when the path ends in `.tar`. Everything has fixed
//! owners, modes and times, so the same inputs give the same image digest.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The user the container runs as (the "nonroot" id distroless images use).
const UID: u64 = 65532;

/// One file of the layer.
struct File {
    data: Vec<u8>,
    mode: u32,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The shared libraries `binary` loads, by absolute path (none for a static binary).
fn shared_libraries(binary: &Path) -> Result<Vec<PathBuf>> {
    let out = std::process::Command::new("ldd")
        .arg(binary)
        .output()
        .context("cannot run ldd to find the libraries edge-cloudrun needs")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        if text.contains("not a dynamic executable")
            || String::from_utf8_lossy(&out.stderr).contains("not a dynamic executable")
        {
            return Ok(Vec::new());
        }
        bail!(
            "ldd {} failed: {}",
            binary.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut libs = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let path = match line.split_once("=>") {
            Some((_, rest)) => rest.trim().split(' ').next().unwrap_or(""),
            None => line.split(' ').next().unwrap_or(""),
        };
        if path.starts_with('/') {
            libs.push(PathBuf::from(path));
        } else if line.contains("not found") {
            bail!(
                "{} needs a library this machine lacks: {line}",
                binary.display()
            );
        }
    }
    Ok(libs)
}

/// Tar of the layer: directories first as needed, then files, in path order.
fn layer_tar(files: &BTreeMap<String, File>) -> Result<Vec<u8>> {
    let mut dirs = std::collections::BTreeSet::new();
    for name in files.keys() {
        let mut p = Path::new(name).parent();
        while let Some(dir) = p.filter(|d| !d.as_os_str().is_empty()) {
            dirs.insert(dir.to_string_lossy().into_owned());
            p = dir.parent();
        }
    }
    dirs.insert("tmp".into());
    let mut builder = tar::Builder::new(Vec::new());
    for dir in &dirs {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_mode(if dir == "tmp" { 0o1777 } else { 0o755 });
        h.set_size(0);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        builder.append_data(&mut h, format!("{dir}/"), std::io::empty())?;
    }
    for (name, file) in files {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(file.mode);
        h.set_size(file.data.len() as u64);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        builder.append_data(&mut h, name, &file.data[..])?;
    }
    Ok(builder.into_inner()?)
}

/// What was written.
pub struct Image {
    pub digest: String,
    pub size: u64,
    pub libraries: usize,
}

/// Writes the image of `app` (bundle path -> bytes) served by the `edge-cloudrun` binary.
pub fn write(
    app: &BTreeMap<String, Vec<u8>>,
    binary: &Path,
    name: &str,
    out: &Path,
) -> Result<Image> {
    let runtime =
        std::fs::read(binary).with_context(|| format!("cannot read {}", binary.display()))?;
    let arch = match runtime.get(18..20) {
        Some([0x3e, 0x00]) => "amd64",
        Some([0xb7, 0x00]) => "arm64",
        _ => bail!(
            "{} is not an x86_64 or arm64 Linux executable",
            binary.display()
        ),
    };
    let host_arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    if arch != host_arch {
        bail!(
            "{} is for {arch} but this machine is {host_arch}: its shared libraries cannot be taken from here; build the image on {arch}",
            binary.display()
        );
    }
    let mut files = BTreeMap::new();
    files.insert(
        "edge/edge-cloudrun".to_owned(),
        File {
            data: runtime,
            mode: 0o755,
        },
    );
    let libraries = shared_libraries(binary)?;
    for lib in &libraries {
        let data = std::fs::read(lib).with_context(|| format!("cannot read {}", lib.display()))?;
        let path = lib.to_string_lossy().trim_start_matches('/').to_owned();
        files.insert(path, File { data, mode: 0o755 });
    }
    for (path, data) in app {
        files.insert(
            format!("app/{path}"),
            File {
                data: data.clone(),
                mode: 0o644,
            },
        );
    }
    files.insert(
        "etc/passwd".into(),
        File {
            data: format!("root:x:0:0:root:/root:/usr/sbin/nologin\nedge:x:{UID}:{UID}:edge:/app:/usr/sbin/nologin\n").into_bytes(),
            mode: 0o644,
        },
    );
    files.insert(
        "etc/group".into(),
        File {
            data: format!("root:x:0:\nedge:x:{UID}:\n").into_bytes(),
            mode: 0o644,
        },
    );
    let tar = layer_tar(&files)?;
    let diff_id = format!("sha256:{}", sha256_hex(&tar));
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar)?;
    let layer = gz.finish()?;

    let config = serde_json::to_vec(&json!({
        "created": "1970-01-01T00:00:00Z",
        "architecture": arch,
        "os": "linux",
        "config": {
            "User": format!("{UID}:{UID}"),
            "Entrypoint": ["/edge/edge-cloudrun"],
            "Env": ["PORT=8080", "EDGE_APP_DIR=/app", "PATH=/usr/bin:/bin"],
            "ExposedPorts": { "8080/tcp": {} },
            "WorkingDir": "/app",
            "Labels": { "org.opencontainers.image.title": name, "dev.edge.generator": concat!("edge ", env!("CARGO_PKG_VERSION")) },
        },
        "rootfs": { "type": "layers", "diff_ids": [diff_id] },
        "history": [{ "created": "1970-01-01T00:00:00Z", "created_by": concat!("edge build --target image (edge ", env!("CARGO_PKG_VERSION"), ")") }],
    }))?;
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": format!("sha256:{}", sha256_hex(&config)),
            "size": config.len(),
        },
        "layers": [{
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": format!("sha256:{}", sha256_hex(&layer)),
            "size": layer.len(),
        }],
    }))?;
    let digest = format!("sha256:{}", sha256_hex(&manifest));
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest,
            "size": manifest.len(),
            "annotations": { "org.opencontainers.image.ref.name": "latest" },
        }],
    }))?;
    let mut layout: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    layout.insert(
        "oci-layout".into(),
        br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
    );
    layout.insert("index.json".into(), index);
    let size = (layer.len() + config.len() + manifest.len()) as u64;
    for blob in [layer, config, manifest] {
        layout.insert(format!("blobs/sha256/{}", sha256_hex(&blob)), blob);
    }

    if out.extension().is_some_and(|e| e == "tar") {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, data) in &layout {
            let mut h = tar::Header::new_ustar();
            h.set_mode(0o644);
            h.set_size(data.len() as u64);
            h.set_mtime(0);
            builder.append_data(&mut h, path, &data[..])?;
        }
        std::fs::write(out, builder.into_inner()?)
            .with_context(|| format!("cannot write {}", out.display()))?;
    } else {
        if out.exists() {
            // Only an earlier image (or an empty folder) is replaced, never other files.
            let empty = std::fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !out.join("oci-layout").is_file() && !empty {
                bail!(
                    "{} exists and is not an OCI image layout: choose another --out",
                    out.display()
                );
            }
            std::fs::remove_dir_all(out)
                .with_context(|| format!("cannot replace {}", out.display()))?;
        }
        for (path, data) in &layout {
            let file = out.join(path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&file, data)
                .with_context(|| format!("cannot write {}", file.display()))?;
        }
    }
    Ok(Image {
        digest,
        size,
        libraries: libraries.len(),
    })
}
