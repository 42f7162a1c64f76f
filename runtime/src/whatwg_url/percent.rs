//! The URL standard's percent-encode sets, and UTF-8 percent-encoding and -decoding with them.

/// One of the standard's percent-encode sets: which code points get `%XX`-escaped.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EncodeSet {
    /// C0 controls and everything above `~`.
    C0Control,
    Fragment,
    Query,
    SpecialQuery,
    Path,
    Userinfo,
}

impl EncodeSet {
    /// Whether the byte `b` (of a code point's UTF-8 form) is escaped by this set.
    pub fn contains(self, b: u8) -> bool {
        if !(0x20..=0x7e).contains(&b) {
            return true;
        }
        let c = b as char;
        match self {
            EncodeSet::C0Control => false,
            EncodeSet::Fragment => matches!(c, ' ' | '"' | '<' | '>' | '`'),
            EncodeSet::Query => matches!(c, ' ' | '"' | '#' | '<' | '>'),
            EncodeSet::SpecialQuery => matches!(c, ' ' | '"' | '#' | '<' | '>' | '\''),
            EncodeSet::Path => {
                EncodeSet::Query.contains(b) || matches!(c, '?' | '^' | '`' | '{' | '}')
            }
            EncodeSet::Userinfo => {
                EncodeSet::Path.contains(b)
                    || matches!(c, '/' | ':' | ';' | '=' | '@' | '[' | '\\' | ']' | '|')
            }
        }
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `c` to `out`, percent-encoding the bytes of its UTF-8 form that `set` contains.
pub fn push_encoded(out: &mut String, c: char, set: EncodeSet) {
    let mut buf = [0u8; 4];
    for &b in c.encode_utf8(&mut buf).as_bytes() {
        if set.contains(b) {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        } else {
            out.push(b as char);
        }
    }
}

/// `input` with every code point percent-encoded per `set`.
pub fn encode(input: &str, set: EncodeSet) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        push_encoded(&mut out, c, set);
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-decodes `input` into bytes; a `%` not followed by two hex digits stays as it is.
pub fn decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex_value(input[i + 1]), hex_value(input[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_nest_as_the_standard_defines() {
        assert_eq!(
            encode("a b\"#<>'?^{}", EncodeSet::Query),
            "a%20b%22%23%3C%3E'?^{}"
        );
        assert_eq!(encode("'", EncodeSet::SpecialQuery), "%27");
        assert_eq!(encode("?^`{}", EncodeSet::Path), "%3F%5E%60%7B%7D");
        assert_eq!(encode("@:/|", EncodeSet::Userinfo), "%40%3A%2F%7C");
        assert_eq!(encode("é\u{7f}", EncodeSet::C0Control), "%C3%A9%7F");
    }

    #[test]
    fn decode_keeps_stray_percent_signs() {
        assert_eq!(decode(b"%41%zz%4"), b"A%zz%4");
        assert_eq!(decode(b"%c3%a9"), "é".as_bytes());
    }
}
