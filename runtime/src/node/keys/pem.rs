//! PEM: the `-----BEGIN LABEL-----` armour around DER, with the RFC 1421 headers
//! (`Proc-Type`, `DEK-Info`) OpenSSL writes for an encrypted traditional key.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// One decoded PEM block.
pub struct Block {
    pub label: String,
    /// `(name, value)` header lines, in order.
    pub headers: Vec<(String, String)>,
    pub der: Vec<u8>,
}

impl Block {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The first PEM block in `text`; `None` when there is none or it is malformed.
pub fn decode(text: &str) -> Option<Block> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + 11..];
    let label_end = rest.find("-----")?;
    let label = rest[..label_end].to_string();
    let body_start = &rest[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let body = &body_start[..body_start.find(&end_marker)?];
    let mut headers = Vec::new();
    let mut b64 = String::new();
    let mut lines = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .peekable();
    while let Some(line) = lines.peek() {
        match line.split_once(':') {
            Some((name, value)) if !name.contains(' ') || name == "Proc-Type" => {
                headers.push((name.trim().to_string(), value.trim().to_string()));
                lines.next();
            }
            _ => break,
        }
    }
    for line in lines {
        b64.push_str(line);
    }
    let der = STANDARD.decode(b64.as_bytes()).ok()?;
    Some(Block {
        label,
        headers,
        der,
    })
}

/// `der` as a PEM block with `label` and `headers`, base64 wrapped at 64 columns.
pub fn encode(label: &str, headers: &[(&str, String)], der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    if !headers.is_empty() {
        out.push('\n');
    }
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_headers() {
        let der: Vec<u8> = (0..100u8).collect();
        let text = encode(
            "RSA PRIVATE KEY",
            &[
                ("Proc-Type", "4,ENCRYPTED".into()),
                ("DEK-Info", "AES-128-CBC,00".into()),
            ],
            &der,
        );
        let block = decode(&text).unwrap();
        assert_eq!(block.label, "RSA PRIVATE KEY");
        assert_eq!(block.header("dek-info"), Some("AES-128-CBC,00"));
        assert_eq!(block.der, der);
        assert!(decode("-----BEGIN X-----\n!!\n-----END X-----").is_none());
        assert!(decode("-----BEGIN X-----\nAAAA\n-----END Y-----").is_none());
    }
}
