//! The host parser: domains (through IDNA's UTS #46 processing), IPv4 in all its legacy forms,
//! bracketed IPv6, and the opaque hosts of non-special schemes. A host is kept serialized.

use super::percent::{self, EncodeSet};

/// The code points no host may contain.
fn is_forbidden_host(c: char) -> bool {
    matches!(
        c,
        '\0' | '\t'
            | '\n'
            | '\r'
            | ' '
            | '#'
            | '/'
            | ':'
            | '<'
            | '>'
            | '?'
            | '@'
            | '['
            | '\\'
            | ']'
            | '^'
            | '|'
    )
}

/// Parses `input` as a host; `opaque` for schemes that are not special. `None` is failure.
pub fn parse(input: &str, opaque: bool) -> Option<String> {
    if let Some(inner) = input.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        return parse_ipv6(inner).map(|pieces| format!("[{}]", serialize_ipv6(&pieces)));
    }
    if opaque {
        if input.chars().any(is_forbidden_host) {
            return None;
        }
        return Some(percent::encode(input, EncodeSet::C0Control));
    }
    let bytes = percent::decode(input.as_bytes());
    let ascii = match plain_ascii_host(&bytes) {
        Some(plain) => std::borrow::Cow::Owned(plain),
        None => idna::domain_to_ascii_cow(&bytes, idna::AsciiDenyList::URL).ok()?,
    };
    if ascii.is_empty() {
        return None;
    }
    if ends_in_a_number(&ascii) {
        return parse_ipv4(&ascii).map(serialize_ipv4);
    }
    Some(ascii.into_owned())
}

/// The host as UTS #46 would map it, for the common host that needs no mapping: ASCII letters,
/// digits, dots and hyphens, and no `xn--` label (those are checked by the full algorithm).
/// Such a host only lowercases, so most requests skip the IDNA machinery.
fn plain_ascii_host(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty()
        || !bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return None;
    }
    let lower = bytes.to_ascii_lowercase();
    if lower
        .split(|&b| b == b'.')
        .any(|label| label.starts_with(b"xn--"))
    {
        return None;
    }
    String::from_utf8(lower).ok()
}

fn ends_in_a_number(input: &str) -> bool {
    let mut parts: Vec<&str> = input.split('.').collect();
    if parts.last() == Some(&"") {
        if parts.len() == 1 {
            return false;
        }
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    parse_ipv4_number(last).is_some()
}

/// One dotted part of an IPv4 address: decimal, `0x` hex or `0` octal. Values that do not fit
/// a `u64` saturate, which every caller treats as out of range.
fn parse_ipv4_number(input: &str) -> Option<u64> {
    if input.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(hex) = input
        .strip_prefix("0x")
        .or_else(|| input.strip_prefix("0X"))
    {
        (hex, 16)
    } else if input.len() >= 2 && input.starts_with('0') {
        (&input[1..], 8)
    } else {
        (input, 10)
    };
    let mut value: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        value = value.saturating_mul(radix as u64).saturating_add(d as u64);
    }
    Some(value)
}

fn parse_ipv4(input: &str) -> Option<u32> {
    let mut parts: Vec<&str> = input.split('.').collect();
    if parts.last() == Some(&"") && parts.len() > 1 {
        parts.pop();
    }
    if parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| parse_ipv4_number(p))
        .collect::<Option<Vec<u64>>>()?;
    let (last, rest) = numbers.split_last()?;
    if rest.iter().any(|&n| n > 255) {
        return None;
    }
    if *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut address = *last;
    for (i, &n) in rest.iter().enumerate() {
        address += n << (8 * (3 - i));
    }
    u32::try_from(address).ok()
}

fn serialize_ipv4(address: u32) -> String {
    let [a, b, c, d] = address.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

fn parse_ipv6(input: &str) -> Option<[u16; 8]> {
    let input: Vec<char> = input.chars().collect();
    let at = |i: usize| input.get(i).copied();
    let mut address = [0u16; 8];
    let mut piece = 0usize;
    let mut compress: Option<usize> = None;
    let mut p = 0usize;
    if at(0) == Some(':') {
        if at(1) != Some(':') {
            return None;
        }
        p = 2;
        piece = 1;
        compress = Some(1);
    }
    while let Some(c) = at(p) {
        if piece == 8 {
            return None;
        }
        if c == ':' {
            if compress.is_some() {
                return None;
            }
            p += 1;
            piece += 1;
            compress = Some(piece);
            continue;
        }
        let mut value: u32 = 0;
        let mut length = 0;
        while length < 4 {
            match at(p).and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    value = value * 16 + d;
                    p += 1;
                    length += 1;
                }
                None => break,
            }
        }
        match at(p) {
            Some('.') => {
                if length == 0 {
                    return None;
                }
                p -= length;
                if piece > 6 {
                    return None;
                }
                let mut numbers_seen = 0;
                while at(p).is_some() {
                    if numbers_seen > 0 {
                        if at(p) == Some('.') && numbers_seen < 4 {
                            p += 1;
                        } else {
                            return None;
                        }
                    }
                    let mut part: Option<u32> = None;
                    at(p).filter(char::is_ascii_digit)?;
                    while let Some(d) = at(p).and_then(|c| c.to_digit(10)) {
                        part = match part {
                            None => Some(d),
                            Some(0) => return None,
                            Some(v) => Some(v * 10 + d),
                        };
                        if part > Some(255) {
                            return None;
                        }
                        p += 1;
                    }
                    address[piece] = address[piece] * 0x100 + part.unwrap_or(0) as u16;
                    numbers_seen += 1;
                    if numbers_seen == 2 || numbers_seen == 4 {
                        piece += 1;
                    }
                }
                if numbers_seen != 4 {
                    return None;
                }
                break;
            }
            Some(':') => {
                p += 1;
                at(p)?;
            }
            Some(_) => return None,
            None => {}
        }
        address[piece] = value as u16;
        piece += 1;
    }
    match compress {
        Some(compress) => {
            let mut swaps = piece - compress;
            piece = 7;
            while piece != 0 && swaps > 0 {
                address.swap(piece, compress + swaps - 1);
                piece -= 1;
                swaps -= 1;
            }
        }
        None if piece != 8 => return None,
        None => {}
    }
    Some(address)
}

fn serialize_ipv6(address: &[u16; 8]) -> String {
    // The first longest run of two or more zero pieces is written as `::`.
    let mut compress = None;
    let (mut best, mut i) = (1, 0);
    while i < 8 {
        if address[i] == 0 {
            let start = i;
            while i < 8 && address[i] == 0 {
                i += 1;
            }
            if i - start > best {
                best = i - start;
                compress = Some(start);
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut ignore_zero = false;
    for (i, &piece) in address.iter().enumerate() {
        if ignore_zero && piece == 0 {
            continue;
        }
        ignore_zero = false;
        if compress == Some(i) {
            out.push_str(if i == 0 { "::" } else { ":" });
            ignore_zero = true;
            continue;
        }
        out.push_str(&format!("{piece:x}"));
        if i != 7 {
            out.push(':');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn ipv4_forms() {
        assert_eq!(parse("0x7f.1", false).as_deref(), Some("127.0.0.1"));
        assert_eq!(
            parse("4294967295", false).as_deref(),
            Some("255.255.255.255")
        );
        assert_eq!(parse("4294967296", false), None);
        assert_eq!(parse("1.2.3.4.5", false), None);
        assert_eq!(parse("010.0x10.1.", false).as_deref(), Some("8.16.0.1"));
        assert_eq!(parse("foo.0x", false), None);
    }

    #[test]
    fn ipv6_forms() {
        assert_eq!(parse("[::1]", false).as_deref(), Some("[::1]"));
        assert_eq!(
            parse("[1:0:0:2::3:0]", false).as_deref(),
            Some("[1::2:0:0:3:0]")
        );
        assert_eq!(
            parse("[::ffff:1.2.3.4]", false).as_deref(),
            Some("[::ffff:102:304]")
        );
        assert_eq!(parse("[1:2:3:4:5:6:7:8:9]", false), None);
        assert_eq!(parse("[::1.2.3.]", false), None);
    }

    #[test]
    fn domains_and_opaque_hosts() {
        assert_eq!(parse("EXAMPLE.com", false).as_deref(), Some("example.com"));
        assert_eq!(
            parse("b\u{fc}cher.de", false).as_deref(),
            Some("xn--bcher-kva.de")
        );
        assert_eq!(parse("a%20b", false), None);
        assert_eq!(parse("a b", true), None);
        assert_eq!(parse("h\u{e9}", true).as_deref(), Some("h%C3%A9"));
    }
}
