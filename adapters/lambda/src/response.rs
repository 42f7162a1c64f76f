//! Responses to Lambda: the buffered JSON each integration expects (REST API: multi-value
//! headers; HTTP API and Function URLs: `cookies` apart; ALB: a status description, and
//! multi-value headers when the target group uses them), bodies as text or base64; and the
//! prelude of a streamed HTTP response (JSON status, headers and cookies, then 8 NUL bytes).

use base64::Engine as _;
use http::HeaderMap;
use serde_json::{json, Map, Value};

use crate::event::Origin;

/// Whether a body with these headers can go as text: a textual content type and UTF-8 bytes.
fn is_text(headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(ct) = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return body.is_empty();
    };
    let ct = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let textual = ct.starts_with("text/")
        || ct.ends_with("+json")
        || ct.ends_with("+xml")
        || matches!(
            ct.as_str(),
            "application/json"
                | "application/javascript"
                | "application/xml"
                | "application/x-www-form-urlencoded"
                | "application/graphql"
                | "image/svg+xml"
        );
    // A gzip- or br-encoded body is bytes whatever its type says.
    textual
        && !headers.contains_key(http::header::CONTENT_ENCODING)
        && std::str::from_utf8(body).is_ok()
}

/// Headers as one value per name (repeated values joined with ", "), without `set-cookie`.
fn joined(headers: &HeaderMap) -> Map<String, Value> {
    let mut out = Map::new();
    for name in headers.keys() {
        if name == http::header::SET_COOKIE {
            continue;
        }
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        out.insert(name.as_str().to_owned(), Value::from(values.join(", ")));
    }
    out
}

/// Headers as lists of values, `set-cookie` included.
fn multi(headers: &HeaderMap) -> Map<String, Value> {
    let mut out = Map::new();
    for name in headers.keys() {
        let values: Vec<Value> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(Value::from)
            .collect();
        out.insert(name.as_str().to_owned(), Value::Array(values));
    }
    out
}

fn cookies(headers: &HeaderMap) -> Vec<Value> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(Value::from)
        .collect()
}

fn reason(status: u16) -> String {
    let phrase = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{status} {phrase}").trim_end().to_owned()
}

/// The buffered answer for `origin`.
pub fn buffered(origin: Origin, status: u16, headers: &HeaderMap, body: &[u8]) -> Value {
    let (body, base64) = if is_text(headers, body) {
        (Value::from(String::from_utf8_lossy(body)), false)
    } else {
        (
            Value::from(base64::engine::general_purpose::STANDARD.encode(body)),
            true,
        )
    };
    match origin {
        Origin::RestApi => json!({
            "statusCode": status,
            "multiValueHeaders": multi(headers),
            "body": body,
            "isBase64Encoded": base64,
        }),
        Origin::HttpApi => json!({
            "statusCode": status,
            "headers": joined(headers),
            "cookies": cookies(headers),
            "body": body,
            "isBase64Encoded": base64,
        }),
        Origin::Alb { multi_value: true } => json!({
            "statusCode": status,
            "statusDescription": reason(status),
            "multiValueHeaders": multi(headers),
            "body": body,
            "isBase64Encoded": base64,
        }),
        Origin::Alb { multi_value: false } => {
            // Without multi-value headers an ALB takes one value per name: a second
            // `set-cookie` would be lost, so each goes under a name differing in case only
            // (the ALB passes them on as separate headers).
            let mut single = joined(headers);
            // 512 spellings; more cookies than that in one answer are dropped.
            for (i, cookie) in cookies(headers).into_iter().take(512).enumerate() {
                single.insert(case_variant("set-cookie", i), cookie);
            }
            json!({
                "statusCode": status,
                "statusDescription": reason(status),
                "headers": single,
                "body": body,
                "isBase64Encoded": base64,
            })
        }
    }
}

/// The `i`-th spelling of `name` by letter case (`set-cookie`, `Set-cookie`, `sEt-cookie`,
/// ...): each bit of `i` picks the case of one letter, so `set-cookie` has 512 spellings.
fn case_variant(name: &str, i: usize) -> String {
    let mut bit = 0;
    name.chars()
        .map(|c| {
            if !c.is_ascii_alphabetic() {
                return c;
            }
            let upper = bit < usize::BITS && (i >> bit) & 1 == 1;
            bit += 1;
            if upper {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

/// The bytes a streamed HTTP response starts with: the JSON prelude, then 8 NUL bytes.
pub fn prelude(status: u16, headers: &HeaderMap) -> Vec<u8> {
    let head = json!({
        "statusCode": status,
        "headers": joined(headers),
        "cookies": cookies(headers),
    });
    let mut out = serde_json::to_vec(&head).unwrap_or_default();
    out.extend_from_slice(&[0u8; 8]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in list {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn shapes_each_integration() {
        let h = headers(&[
            ("content-type", "application/json"),
            ("set-cookie", "a=1"),
            ("set-cookie", "b=2"),
            ("vary", "accept"),
            ("vary", "origin"),
        ]);
        let v2 = buffered(Origin::HttpApi, 201, &h, b"{\"ok\":true}");
        assert_eq!(v2["cookies"], json!(["a=1", "b=2"]));
        assert_eq!(v2["headers"]["vary"], "accept, origin");
        assert!(v2["headers"].get("set-cookie").is_none());
        assert_eq!(v2["body"], "{\"ok\":true}");
        assert_eq!(v2["isBase64Encoded"], false);
        let v1 = buffered(Origin::RestApi, 200, &h, b"{}");
        assert_eq!(v1["multiValueHeaders"]["set-cookie"], json!(["a=1", "b=2"]));
        let alb = buffered(Origin::Alb { multi_value: false }, 404, &h, b"{}");
        assert_eq!(alb["statusDescription"], "404 Not Found");
        assert_eq!(alb["headers"]["set-cookie"], "a=1");
        assert_eq!(alb["headers"]["Set-cookie"], "b=2");
        let spellings: std::collections::HashSet<String> =
            (0..512).map(|i| case_variant("set-cookie", i)).collect();
        assert_eq!(spellings.len(), 512);
        let bin = buffered(
            Origin::HttpApi,
            200,
            &headers(&[("content-type", "image/png")]),
            &[0, 159, 146, 150],
        );
        assert_eq!(bin["isBase64Encoded"], true);
        assert_eq!(bin["body"], "AJ+Slg==");
    }

    #[test]
    fn prelude_ends_with_eight_nuls() {
        let p = prelude(
            200,
            &headers(&[("content-type", "text/event-stream"), ("set-cookie", "s=1")]),
        );
        assert!(p.ends_with(&[0; 8]));
        let head: Value = serde_json::from_slice(&p[..p.len() - 8]).unwrap();
        assert_eq!(head["statusCode"], 200);
        assert_eq!(head["cookies"], json!(["s=1"]));
        assert_eq!(head["headers"]["content-type"], "text/event-stream");
    }
}
