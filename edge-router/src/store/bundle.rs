//! App bundles: what the admin API accepts as one version of an app, kept content-addressed on
//! disk. A bundle is a tar archive (optionally gzip-compressed) holding `manifest.json`
//! (`{"main": "index.js"}`: the entry module, relative to the archive's root) and the app's
//! files. It is checked whole before anything is stored: only regular files and directories,
//! relative paths without `..`, bounded sizes, and a `main` that is in the archive.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Files in a bundle, at most.
const MAX_FILES: usize = 10_000;
/// Bytes of a bundle's files together, unpacked, at most.
const MAX_UNPACKED: u64 = 256 << 20;
/// The manifest's name inside the archive.
pub const MANIFEST: &str = "manifest.json";

/// A bundle the node will not take, with a reason a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("the bundle is not a tar archive (optionally gzip-compressed): {0}")]
    NotAnArchive(String),
    #[error("the bundle holds no {MANIFEST}")]
    NoManifest,
    #[error("{MANIFEST} is invalid: {0}")]
    BadManifest(String),
    #[error("the bundle's entry '{0}' is not a file in the bundle")]
    MissingMain(String),
    #[error("the bundle holds an unsafe path '{0}' (absolute, with '..', or not UTF-8)")]
    UnsafePath(String),
    #[error("the bundle holds '{0}', which is not a regular file or directory")]
    UnsupportedEntry(String),
    #[error("the bundle is too large: {0}")]
    TooLarge(String),
    #[error("storage failed: {0}")]
    Io(#[from] std::io::Error),
}

impl BundleError {
    /// Whether this is the uploader's fault (a 400) rather than the node's (a 500).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, BundleError::Io(_))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    main: String,
    #[serde(default)]
    #[allow(dead_code)]
    compatibility_date: Option<String>,
    /// The app's name in the project it was built from (`edge deploy` writes it).
    #[serde(default)]
    #[allow(dead_code)]
    name: Option<String>,
    /// What made the bundle (`edge 0.1.0`).
    #[serde(default)]
    #[allow(dead_code)]
    generator: Option<String>,
    /// The modules in the bundle, entry first (`edge deploy` writes it).
    #[serde(default)]
    #[allow(dead_code)]
    modules: Vec<String>,
}

/// What a checked bundle holds.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The SHA-256 of the bundle's bytes, in hex: its name in the store.
    pub hash: String,
    /// The entry module, relative to the bundle's root.
    pub main: String,
    pub files: usize,
}

/// The SHA-256 of `bytes`, in hex.
pub fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `text` looks like a bundle hash (64 lowercase hex digits).
pub fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn reader(bytes: &[u8]) -> Box<dyn Read + '_> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    }
}

/// A path inside the archive, checked to stay inside it.
fn safe_path(raw: &Path) -> Result<PathBuf, BundleError> {
    let text = raw
        .to_str()
        .ok_or_else(|| BundleError::UnsafePath(raw.to_string_lossy().into_owned()))?;
    let mut out = PathBuf::new();
    for c in raw.components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return Err(BundleError::UnsafePath(text.to_owned())),
        }
    }
    if text.contains('\0') || text.contains('\\') {
        return Err(BundleError::UnsafePath(text.to_owned()));
    }
    Ok(out)
}

/// Walks the archive, checking every entry; with `dest`, also writes the files under it.
fn walk(
    bytes: &[u8],
    dest: Option<&Path>,
) -> Result<(Option<Vec<u8>>, HashSet<PathBuf>), BundleError> {
    let mut archive = tar::Archive::new(reader(bytes));
    let entries = archive
        .entries()
        .map_err(|e| BundleError::NotAnArchive(e.to_string()))?;
    let mut manifest = None;
    let mut files = HashSet::new();
    let mut total = 0u64;
    for entry in entries {
        let mut entry = entry.map_err(|e| BundleError::NotAnArchive(e.to_string()))?;
        let raw = entry
            .path()
            .map_err(|e| BundleError::NotAnArchive(e.to_string()))?
            .into_owned();
        let path = safe_path(&raw)?;
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            if let Some(dest) = dest {
                std::fs::create_dir_all(dest.join(&path))?;
            }
            continue;
        }
        if !kind.is_file() {
            return Err(BundleError::UnsupportedEntry(raw.display().to_string()));
        }
        if path.as_os_str().is_empty() {
            return Err(BundleError::UnsafePath(raw.display().to_string()));
        }
        if files.len() >= MAX_FILES {
            return Err(BundleError::TooLarge(format!(
                "more than {MAX_FILES} files"
            )));
        }
        // Read through a cap: the header's size could lie, the gzip stream could be a bomb.
        let mut data = Vec::new();
        let budget = MAX_UNPACKED - total;
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut data)
            .map_err(|e| BundleError::NotAnArchive(e.to_string()))?;
        total += data.len() as u64;
        if total > MAX_UNPACKED {
            return Err(BundleError::TooLarge(format!(
                "more than {} MiB unpacked",
                MAX_UNPACKED >> 20
            )));
        }
        if path == Path::new(MANIFEST) {
            manifest = Some(data.clone());
        }
        if let Some(dest) = dest {
            let target = dest.join(&path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, &data)?;
        }
        files.insert(path);
    }
    Ok((manifest, files))
}

/// Checks a bundle without storing anything.
pub fn check(bytes: &[u8]) -> Result<Checked, BundleError> {
    let (manifest, files) = walk(bytes, None)?;
    let manifest = manifest.ok_or(BundleError::NoManifest)?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest).map_err(|e| BundleError::BadManifest(e.to_string()))?;
    let main = safe_path(Path::new(&manifest.main)).map_err(|_| {
        BundleError::BadManifest(format!(
            "main '{}' is not a safe relative path",
            manifest.main
        ))
    })?;
    if !files.contains(&main) {
        return Err(BundleError::MissingMain(manifest.main));
    }
    Ok(Checked {
        hash: hash(bytes),
        main: main.to_string_lossy().into_owned(),
        files: files.len(),
    })
}

/// Bundles on disk: `bundles/<hash>.tar` as uploaded, and `unpacked/<hash>/` for the
/// isolates to load from. Both are written under a temporary name and renamed into place.
pub struct BundleStore {
    root: PathBuf,
}

impl BundleStore {
    pub fn open(root: &Path) -> std::io::Result<BundleStore> {
        std::fs::create_dir_all(root.join("bundles"))?;
        std::fs::create_dir_all(root.join("unpacked"))?;
        Ok(BundleStore {
            root: root.to_owned(),
        })
    }

    fn file(&self, hash: &str) -> PathBuf {
        self.root.join("bundles").join(format!("{hash}.tar"))
    }

    /// The directory the bundle is unpacked in.
    pub fn dir(&self, hash: &str) -> PathBuf {
        self.root.join("unpacked").join(hash)
    }

    /// The bundle's bytes as uploaded.
    pub fn read(&self, hash: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.file(hash))
    }

    pub fn has(&self, hash: &str) -> bool {
        is_hash(hash) && self.file(hash).is_file()
    }

    /// Stores a checked bundle (a no-op if it is there already) and unpacks it.
    pub fn put(&self, bytes: &[u8], checked: &Checked) -> Result<(), BundleError> {
        let file = self.file(&checked.hash);
        if !file.is_file() {
            let tmp = file.with_extension(format!("tmp{}", std::process::id()));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &file)?;
        }
        self.unpack(&checked.hash)
    }

    /// Makes sure the bundle's unpacked directory exists (after a crash, or a cleaned cache).
    pub fn unpack(&self, hash: &str) -> Result<(), BundleError> {
        let dir = self.dir(hash);
        if dir.is_dir() {
            return Ok(());
        }
        let bytes = std::fs::read(self.file(hash))?;
        let tmp = self
            .root
            .join("unpacked")
            .join(format!(".{hash}.{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp)?;
        walk(&bytes, Some(&tmp))?;
        std::fs::rename(&tmp, &dir)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(tar::EntryType::Regular);
            // Written raw, so that unsafe names reach the checker as a hostile client sends them.
            let name = &mut h.as_old_mut().name;
            name[..path.len()].copy_from_slice(path.as_bytes());
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn accepts_a_good_bundle_and_unpacks_it() {
        let bytes = tar(&[
            (MANIFEST, br#"{"main":"src/index.js"}"#),
            ("src/index.js", b"export default {}"),
        ]);
        let checked = check(&bytes).unwrap();
        assert_eq!(checked.main, "src/index.js");
        assert_eq!(checked.files, 2);
        let dir = tempfile::tempdir().unwrap();
        let store = BundleStore::open(dir.path()).unwrap();
        store.put(&bytes, &checked).unwrap();
        let unpacked = store.dir(&checked.hash).join("src/index.js");
        assert_eq!(std::fs::read(unpacked).unwrap(), b"export default {}");
        assert!(store.has(&checked.hash));
    }

    #[test]
    fn refuses_bad_bundles() {
        let err = |bytes: &[u8]| check(bytes).unwrap_err().to_string();
        assert!(err(b"not a tar at all, just some text that is long enough").contains("tar"));
        assert!(err(&tar(&[("a.js", b"x")])).contains("no manifest.json"));
        assert!(err(&tar(&[(MANIFEST, b"{")])).contains("invalid"));
        assert!(err(&tar(&[(MANIFEST, br#"{"main":"x.js"}"#)])).contains("'x.js'"));
        let escape = tar(&[(MANIFEST, br#"{"main":"a.js"}"#), ("../a.js", b"x")]);
        assert!(err(&escape).contains("unsafe path"));
        let absolute = tar(&[(MANIFEST, br#"{"main":"a.js"}"#), ("/etc/a.js", b"x")]);
        assert!(err(&absolute).contains("unsafe path"));
    }
}
