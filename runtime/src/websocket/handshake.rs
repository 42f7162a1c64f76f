//! The opening handshake's pieces that are the same for every HTTP version: the key and its
//! accept value, and the permessage-deflate negotiation (RFC 7692 §7) of
//! `Sec-WebSocket-Extensions`.

use base64::Engine;
use sha1::{Digest, Sha1};

use super::deflate::DeflateConfig;

const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Whether `key` is a valid `Sec-WebSocket-Key`: 16 bytes in base64.
pub fn valid_key(key: &[u8]) -> bool {
    key.len() == 24
        && base64::engine::general_purpose::STANDARD
            .decode(key)
            .is_ok_and(|k| k.len() == 16)
}

/// The `Sec-WebSocket-Accept` value for `key`.
pub fn accept_key(key: &[u8]) -> String {
    let mut sha = Sha1::new();
    sha.update(key);
    sha.update(GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

/// One extension of a header value: its name and parameters.
fn extensions(header: &str) -> impl Iterator<Item = (&str, Vec<(&str, Option<&str>)>)> {
    header.split(',').map(|ext| {
        let mut parts = ext.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let params = parts
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim().trim_matches('"'))),
                None => (p, None),
            })
            .collect();
        (name, params)
    })
}

fn window_bits(value: Option<&str>) -> Option<u8> {
    value?.parse().ok().filter(|b| (8..=15).contains(b))
}

/// The server's choice among the client's offers (the values of its
/// `Sec-WebSocket-Extensions` headers): the configuration, and the header value to answer with;
/// `None` when no permessage-deflate offer is acceptable.
pub fn negotiate_server(offers: &[&str]) -> Option<(DeflateConfig, String)> {
    'offers: for (name, params) in offers.iter().flat_map(|h| extensions(h)) {
        if !name.eq_ignore_ascii_case("permessage-deflate") {
            continue;
        }
        let mut config = DeflateConfig {
            compress: true,
            reset_each_message: false,
        };
        let mut answer = String::from("permessage-deflate");
        let mut seen = Vec::new();
        for (key, value) in params {
            if seen.contains(&key) {
                continue 'offers;
            }
            seen.push(key);
            match key {
                "server_no_context_takeover" if value.is_none() => {
                    config.reset_each_message = true;
                    answer.push_str("; server_no_context_takeover");
                }
                "client_no_context_takeover" if value.is_none() => {
                    answer.push_str("; client_no_context_takeover");
                }
                "server_max_window_bits" => {
                    let Some(bits) = window_bits(value) else {
                        continue 'offers;
                    };
                    // The compressor uses a 32 KiB window: with a smaller one asked for, this
                    // end sends its messages uncompressed.
                    if bits < 15 {
                        config.compress = false;
                    }
                    answer.push_str(&format!("; server_max_window_bits={bits}"));
                }
                "client_max_window_bits" => {
                    if value.is_some() && window_bits(value).is_none() {
                        continue 'offers;
                    }
                }
                _ => continue 'offers,
            }
        }
        return Some((config, answer));
    }
    None
}

/// What a client offers.
pub fn client_offer() -> &'static str {
    "permessage-deflate; client_max_window_bits"
}

/// The client's reading of the server's `Sec-WebSocket-Extensions` answer to
/// [`client_offer`]: `Ok(None)` for no compression, an error when the server answered
/// something that was not offered.
pub fn negotiate_client(answer: Option<&str>) -> Result<Option<DeflateConfig>, String> {
    let Some(answer) = answer.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let mut found = None;
    for (name, params) in extensions(answer) {
        if !name.eq_ignore_ascii_case("permessage-deflate") || found.is_some() {
            return Err(format!(
                "the server answered with an extension not offered: {name}"
            ));
        }
        let mut config = DeflateConfig {
            compress: true,
            reset_each_message: false,
        };
        for (key, value) in params {
            match key {
                "client_no_context_takeover" if value.is_none() => config.reset_each_message = true,
                "server_no_context_takeover" if value.is_none() => {}
                "server_max_window_bits" if window_bits(value).is_some() => {}
                "client_max_window_bits" => match window_bits(value) {
                    Some(15) => {}
                    Some(_) => config.compress = false,
                    None => return Err("invalid client_max_window_bits".into()),
                },
                _ => return Err(format!("invalid permessage-deflate parameter: {key}")),
            }
        }
        found = Some(config);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accept_key_is_the_rfc_example() {
        // RFC 6455 §1.3.
        assert_eq!(
            accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        assert!(valid_key(b"dGhlIHNhbXBsZSBub25jZQ=="));
        assert!(!valid_key(b"short"));
        assert!(!valid_key(b"dGhlIHNhbXBsZSBub25jZQ"));
    }

    #[test]
    fn the_server_takes_the_first_acceptable_offer() {
        let (config, answer) = negotiate_server(&[
            "x-unknown, permessage-deflate; foo=1, permessage-deflate; client_max_window_bits",
        ])
        .unwrap();
        assert!(config.compress && !config.reset_each_message);
        assert_eq!(answer, "permessage-deflate");
        let (config, answer) = negotiate_server(&[
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=10",
        ])
        .unwrap();
        assert!(!config.compress && config.reset_each_message);
        assert_eq!(
            answer,
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=10"
        );
        assert!(negotiate_server(&["permessage-deflate; server_max_window_bits=99"]).is_none());
        assert!(negotiate_server(&["x-webkit-deflate-frame"]).is_none());
    }

    #[test]
    fn the_client_checks_the_answer() {
        assert_eq!(negotiate_client(None), Ok(None));
        let c = negotiate_client(Some("permessage-deflate; client_no_context_takeover"))
            .unwrap()
            .unwrap();
        assert!(c.compress && c.reset_each_message);
        let c = negotiate_client(Some("permessage-deflate; client_max_window_bits=9"))
            .unwrap()
            .unwrap();
        assert!(!c.compress);
        assert!(negotiate_client(Some("x-other")).is_err());
        assert!(negotiate_client(Some("permessage-deflate; bogus")).is_err());
    }
}
