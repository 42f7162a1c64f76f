//! A minimal ZIP writer (deflate, Unix permissions, fixed timestamps) for deployment
//! packages such as a Lambda function's: the same inputs always give the same bytes.

use std::io::Write;

use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};

/// One file of the archive.
pub struct Entry<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
    /// Unix permission bits (`0o755` for an executable).
    pub mode: u32,
}

/// 1980-01-01 00:00, the earliest time ZIP can say: no build time leaks into the archive.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Writes the archive; fails for entries or totals beyond ZIP's 4 GiB (no ZIP64 here).
pub fn write(entries: &[Entry]) -> std::io::Result<Vec<u8>> {
    let too_big = || std::io::Error::other("the package is larger than 4 GiB");
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let mut crc = Crc::new();
        crc.update(entry.data);
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(entry.data)?;
        let compressed = encoder.finish()?;
        let offset = u32::try_from(out.len()).map_err(|_| too_big())?;
        let size = u32::try_from(entry.data.len()).map_err(|_| too_big())?;
        let csize = u32::try_from(compressed.len()).map_err(|_| too_big())?;
        let name = entry.name.as_bytes();
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        // Local file header.
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20); // version needed: 2.0 (deflate)
        u16le(&mut out, 0x0800); // names are UTF-8
        u16le(&mut out, 8); // deflate
        u16le(&mut out, DOS_TIME);
        u16le(&mut out, DOS_DATE);
        u32le(&mut out, crc.sum());
        u32le(&mut out, csize);
        u32le(&mut out, size);
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(name);
        out.extend_from_slice(&compressed);
        // Its central directory record.
        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, 0x0314); // made by: Unix (3), spec 2.0
        u16le(&mut central, 20);
        u16le(&mut central, 0x0800);
        u16le(&mut central, 8);
        u16le(&mut central, DOS_TIME);
        u16le(&mut central, DOS_DATE);
        u32le(&mut central, crc.sum());
        u32le(&mut central, csize);
        u32le(&mut central, size);
        u16le(&mut central, name_len);
        u16le(&mut central, 0); // extra
        u16le(&mut central, 0); // comment
        u16le(&mut central, 0); // disk
        u16le(&mut central, 0); // internal attributes
        u32le(&mut central, (0o100000 | entry.mode) << 16); // a regular file with its mode
        u32le(&mut central, offset);
        central.extend_from_slice(name);
    }
    let count = u16::try_from(entries.len()).map_err(|_| too_big())?;
    let central_offset = u32::try_from(out.len()).map_err(|_| too_big())?;
    let central_len = u32::try_from(central.len()).map_err(|_| too_big())?;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, central_len);
    u32le(&mut out, central_offset);
    u16le(&mut out, 0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_reads_it_back() {
        let data = b"#!/bin/sh\necho hi\n".repeat(50);
        let zip = write(&[
            Entry {
                name: "bootstrap",
                data: &data,
                mode: 0o755,
            },
            Entry {
                name: "app/manifest.json",
                data: b"{\"main\":\"index.js\"}",
                mode: 0o644,
            },
        ])
        .unwrap();
        assert_eq!(
            zip,
            write(&[
                Entry {
                    name: "bootstrap",
                    data: &data,
                    mode: 0o755
                },
                Entry {
                    name: "app/manifest.json",
                    data: b"{\"main\":\"index.js\"}",
                    mode: 0o644
                },
            ])
            .unwrap()
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.zip");
        std::fs::write(&path, &zip).unwrap();
        let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist(): print(i.filename, oct(i.external_attr >> 16), len(z.read(i)))";
        let out = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(&path)
            .output()
            .expect("python3 is installed (scripts/test.sh installs it)");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            text,
            format!(
                "bootstrap 0o100755 {}\napp/manifest.json 0o100644 19\n",
                data.len()
            )
        );
    }
}
