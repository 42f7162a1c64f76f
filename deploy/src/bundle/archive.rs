//! The bundle archive: a gzip-compressed tar holding `manifest.json` first, then the files in
//! path order, every entry with the same owner, mode and time, so the same project always
//! makes the same bytes (and the same hash: an unchanged project is not uploaded again).

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The manifest's name in the archive (the node reads it).
pub const MANIFEST: &str = "manifest.json";

/// What the node learns from the manifest.
#[derive(Serialize)]
pub struct Manifest<'a> {
    /// The entry module, relative to the archive's root.
    pub main: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compatibility_date: Option<&'a str>,
    pub generator: &'a str,
    pub modules: &'a [String],
}

fn append(builder: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) -> std::io::Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header.set_entry_type(tar::EntryType::Regular);
    builder.append_data(&mut header, name, data)
}

/// The manifest's bytes.
pub fn manifest_bytes(manifest: &Manifest) -> std::io::Result<Vec<u8>> {
    Ok(serde_json::to_vec_pretty(manifest)?)
}

/// Packs the manifest and `files` (path in the archive -> bytes).
pub fn pack(manifest: &Manifest, files: &BTreeMap<String, Vec<u8>>) -> std::io::Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    let manifest = manifest_bytes(manifest)?;
    append(&mut builder, MANIFEST, &manifest)?;
    for (name, data) in files {
        append(&mut builder, name, data)?;
    }
    let tar = builder.into_inner()?;
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar)?;
    gz.finish()
}

/// SHA-256 in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_files_make_the_same_bytes() {
        let files = BTreeMap::from([
            ("b.js".to_string(), b"b".to_vec()),
            ("a/x.js".to_string(), b"x".to_vec()),
        ]);
        let manifest = Manifest {
            main: "b.js",
            name: "t",
            compatibility_date: None,
            generator: "test",
            modules: &["b.js".into()],
        };
        let one = pack(&manifest, &files).unwrap();
        let two = pack(&manifest, &files).unwrap();
        assert_eq!(sha256_hex(&one), sha256_hex(&two));
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&one[..]));
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["manifest.json", "a/x.js", "b.js"]);
    }
}
