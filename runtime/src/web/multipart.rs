//! `multipart/form-data`: encoding a FormData's entries into a body (HTML's "multipart/form-data
//! encoding algorithm") and parsing a body back into entries (RFC 7578), for `formData()`.
//! Pure functions over bytes; the JS side turns entries into FormData objects.

use bytes::{BufMut, Bytes, BytesMut};

/// A value of a form entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    File {
        filename: String,
        content_type: String,
        data: Bytes,
    },
}

/// A fresh boundary: 22 random characters after a fixed prefix.
pub fn boundary() -> String {
    let mut random = [0u8; 16];
    // A failure of the OS generator leaves zeros; the boundary is still valid.
    let _ = getrandom::fill(&mut random);
    let tail: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("----EdgeFormBoundary{tail}")
}

/// Escapes a name or filename for a Content-Disposition parameter, as HTML does.
fn escape(text: &str) -> String {
    text.replace('\n', "%0A")
        .replace('\r', "%0D")
        .replace('"', "%22")
}

/// Normalizes line breaks to CRLF (names and text values of form entries).
fn crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\r\n");
            }
            '\n' => out.push_str("\r\n"),
            other => out.push(other),
        }
    }
    out
}

/// Encodes entries as a multipart/form-data body with `boundary`.
pub fn encode(entries: &[(String, Value)], boundary: &str) -> Bytes {
    let mut out = BytesMut::new();
    for (name, value) in entries {
        out.put_slice(b"--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"\r\nContent-Disposition: form-data; name=\"");
        out.put_slice(escape(&crlf(name)).as_bytes());
        out.put_u8(b'"');
        match value {
            Value::Text(text) => {
                out.put_slice(b"\r\n\r\n");
                out.put_slice(crlf(text).as_bytes());
            }
            Value::File {
                filename,
                content_type,
                data,
            } => {
                out.put_slice(b"; filename=\"");
                out.put_slice(escape(filename).as_bytes());
                out.put_slice(b"\"\r\nContent-Type: ");
                let ct = if content_type.is_empty() {
                    "application/octet-stream"
                } else {
                    content_type
                };
                out.put_slice(ct.as_bytes());
                out.put_slice(b"\r\n\r\n");
                out.put_slice(data);
            }
        }
        out.put_slice(b"\r\n");
    }
    out.put_slice(b"--");
    out.put_slice(boundary.as_bytes());
    out.put_slice(b"--\r\n");
    out.freeze()
}

/// Why a body is not valid multipart/form-data.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ParseError {
    #[error("the content type has no boundary")]
    NoBoundary,
    #[error("the body does not start with the boundary")]
    NoFirstBoundary,
    #[error("a part is not terminated by the boundary")]
    Unterminated,
    #[error("a part has malformed headers")]
    BadHeaders,
    #[error("a part has no Content-Disposition: form-data with a name")]
    NoName,
}

/// The `boundary` parameter of a multipart content type.
pub fn boundary_of(content_type: &str) -> Result<String, ParseError> {
    for param in content_type.split(';').skip(1) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("boundary") {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            if !value.is_empty() && value.len() <= 200 {
                return Ok(value.to_string());
            }
        }
    }
    Err(ParseError::NoBoundary)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// A parameter of a Content-Disposition header (`name="x"` or `name=x`), with HTML's escapes
/// (`%22`, `%0D`, `%0A`) undone.
fn disposition_param(header: &str, wanted: &str) -> Option<String> {
    let mut rest = header;
    while let Some(i) = rest.find(';') {
        rest = rest[i + 1..].trim_start();
        let (key, after) = rest.split_once('=')?;
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim(), &after[end..])
        };
        if key.trim().eq_ignore_ascii_case(wanted) {
            return Some(
                value
                    .replace("%22", "\"")
                    .replace("%0D", "\r")
                    .replace("%0A", "\n"),
            );
        }
        rest = next;
    }
    None
}

/// Parses a multipart/form-data body. File contents are slices of `body`, not copies.
pub fn parse(body: &Bytes, boundary: &str) -> Result<Vec<(String, Value)>, ParseError> {
    let dash = format!("--{boundary}");
    let delimiter = format!("\r\n--{boundary}");
    let start = find(body, dash.as_bytes()).ok_or(ParseError::NoFirstBoundary)?;
    // Only a preamble may come before the first boundary.
    let mut rest = &body[start + dash.len()..];
    let mut entries = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(entries);
        }
        // Transport padding, then the line break that ends the boundary line.
        let line_end = find(rest, b"\r\n").ok_or(ParseError::Unterminated)?;
        if rest[..line_end].iter().any(|b| *b != b' ' && *b != b'\t') {
            return Err(ParseError::Unterminated);
        }
        rest = &rest[line_end + 2..];
        let head_end = find(rest, b"\r\n\r\n")
            .map(|i| (i, 4))
            .or_else(|| rest.starts_with(b"\r\n").then_some((0, 2)))
            .ok_or(ParseError::BadHeaders)?;
        let head = std::str::from_utf8(&rest[..head_end.0]).map_err(|_| ParseError::BadHeaders)?;
        rest = &rest[head_end.0 + head_end.1..];
        let end = find(rest, delimiter.as_bytes()).ok_or(ParseError::Unterminated)?;
        let content = &rest[..end];
        rest = &rest[end + delimiter.len()..];

        let mut name = None;
        let mut filename = None;
        let mut content_type = None;
        for line in head.split("\r\n").filter(|l| !l.is_empty()) {
            let (key, value) = line.split_once(':').ok_or(ParseError::BadHeaders)?;
            let value = value.trim();
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                let kind = value.split(';').next().unwrap_or("").trim();
                if !kind.eq_ignore_ascii_case("form-data") {
                    return Err(ParseError::NoName);
                }
                name = disposition_param(value, "name");
                filename = disposition_param(value, "filename");
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(value.to_string());
            }
        }
        let name = name.ok_or(ParseError::NoName)?;
        let value = match filename {
            Some(filename) => Value::File {
                filename,
                content_type: content_type.unwrap_or_else(|| "text/plain".into()),
                data: body.slice_ref(content),
            },
            None => Value::Text(String::from_utf8_lossy(content).into_owned()),
        };
        entries.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, ct: &str, data: &[u8]) -> Value {
        Value::File {
            filename: name.into(),
            content_type: ct.into(),
            data: Bytes::copy_from_slice(data),
        }
    }

    #[test]
    fn encodes_and_parses_back() {
        let entries = vec![
            ("a".to_string(), Value::Text("one\ntwo".into())),
            ("q\"x".to_string(), Value::Text("é".into())),
            (
                "f".to_string(),
                file("r\"e.txt", "text/csv", b"x,y\r\n--not-a-boundary"),
            ),
            ("empty".to_string(), file("e.bin", "", b"")),
        ];
        let b = boundary();
        let body = encode(&entries, &b);
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\ntwo\r\n"
        )));
        assert!(text.contains("name=\"q%22x\""));
        assert!(text.contains("filename=\"r%22e.txt\"\r\nContent-Type: text/csv\r\n"));
        assert!(text.contains("Content-Type: application/octet-stream"));
        assert!(text.ends_with(&format!("--{b}--\r\n")));
        let parsed = parse(&body, &b).unwrap();
        assert_eq!(parsed[0], ("a".into(), Value::Text("one\r\ntwo".into())));
        assert_eq!(parsed[1], ("q\"x".into(), Value::Text("é".into())));
        assert_eq!(
            parsed[2],
            (
                "f".into(),
                file("r\"e.txt", "text/csv", b"x,y\r\n--not-a-boundary")
            )
        );
        assert_eq!(
            parsed[3],
            (
                "empty".into(),
                file("e.bin", "application/octet-stream", b"")
            )
        );
    }

    #[test]
    fn reads_the_boundary_parameter() {
        assert_eq!(
            boundary_of("multipart/form-data; boundary=abc").unwrap(),
            "abc"
        );
        assert_eq!(
            boundary_of("multipart/form-data;charset=utf-8; BOUNDARY=\"a b\"").unwrap(),
            "a b"
        );
        assert_eq!(
            boundary_of("multipart/form-data"),
            Err(ParseError::NoBoundary)
        );
    }

    #[test]
    fn rejects_malformed_bodies() {
        assert_eq!(
            parse(&Bytes::from_static(b"nothing"), "b"),
            Err(ParseError::NoFirstBoundary)
        );
        assert_eq!(
            parse(
                &Bytes::from_static(
                    b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue"
                ),
                "b"
            ),
            Err(ParseError::Unterminated)
        );
        assert_eq!(
            parse(
                &Bytes::from_static(b"--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--"),
                "b"
            ),
            Err(ParseError::NoName)
        );
        assert_eq!(parse(&Bytes::from_static(b"--b--\r\n"), "b"), Ok(vec![]));
    }
}
