//! The DER that key formats are made of: a cursor that reads TLVs in order, writers for
//! SEQUENCE, INTEGER and friends, and SubjectPublicKeyInfo / PrivateKeyInfo with any algorithm
//! identifier (the OID and its raw parameters).

use crate::web::subtle::der::{tlv, write};

pub const SEQUENCE: u8 = 0x30;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const OID: u8 = 0x06;

/// Reads TLVs one after another.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// The next element if it has `tag`; `None` (and nothing consumed) otherwise.
    pub fn take(&mut self, tag: u8) -> Option<&'a [u8]> {
        let (found, contents, rest) = tlv(self.0)?;
        if found != tag {
            return None;
        }
        self.0 = rest;
        Some(contents)
    }

    /// The next element whole (tag and length included), whatever its tag.
    pub fn take_raw(&mut self) -> Option<&'a [u8]> {
        let (_, _, rest) = tlv(self.0)?;
        let raw = &self.0[..self.0.len() - rest.len()];
        self.0 = rest;
        Some(raw)
    }

    pub fn peek_tag(&self) -> Option<u8> {
        self.0.first().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The contents of the SEQUENCE that is the whole of `der`.
pub fn sequence(der: &[u8]) -> Option<Reader<'_>> {
    let (SEQUENCE, body, []) = tlv(der)? else {
        return None;
    };
    Some(Reader(body))
}

pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    write(SEQUENCE, &parts.concat())
}

pub fn tagged(tag: u8, contents: &[u8]) -> Vec<u8> {
    write(tag, contents)
}

/// An INTEGER holding the unsigned big-endian `bytes`.
pub fn uint(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().take_while(|b| **b == 0).count();
    let trimmed = &bytes[start.min(bytes.len().saturating_sub(1))..];
    let mut body = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        body.push(0);
    }
    body.extend_from_slice(trimmed);
    if body.len() > 1 && body[0] == 0 && body[1] & 0x80 == 0 {
        body.remove(0);
    }
    write(INTEGER, &body)
}

pub fn small_uint(n: u64) -> Vec<u8> {
    uint(&n.to_be_bytes())
}

/// An INTEGER's contents as an unsigned number (`None` when negative or too large).
pub fn read_small_uint(contents: &[u8]) -> Option<u64> {
    if contents.is_empty() || contents[0] & 0x80 != 0 || contents.len() > 9 {
        return None;
    }
    let v = contents.iter().fold(0u128, |acc, b| acc << 8 | *b as u128);
    u64::try_from(v).ok()
}

pub fn oid(bytes: &[u8]) -> Vec<u8> {
    write(OID, bytes)
}

pub fn octets(bytes: &[u8]) -> Vec<u8> {
    write(OCTET_STRING, bytes)
}

pub fn bits(bytes: &[u8]) -> Vec<u8> {
    let mut body = vec![0u8];
    body.extend_from_slice(bytes);
    write(BIT_STRING, &body)
}

/// An AlgorithmIdentifier: the OID and, when present, its parameters (a whole TLV).
pub fn algorithm(id: &[u8], params: Option<&[u8]>) -> Vec<u8> {
    seq(&[&oid(id), params.unwrap_or_default()])
}

/// An AlgorithmIdentifier's OID and raw parameters (`None` when absent).
pub fn read_algorithm(contents: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let mut r = Reader(contents);
    let id = r.take(OID)?;
    let params = if r.is_empty() { None } else { r.take_raw() };
    r.is_empty().then_some((id, params))
}

/// A parsed SubjectPublicKeyInfo or PrivateKeyInfo.
pub struct KeyInfo<'a> {
    pub oid: &'a [u8],
    pub params: Option<&'a [u8]>,
    pub key: &'a [u8],
}

pub fn read_spki(der: &[u8]) -> Option<KeyInfo<'_>> {
    let mut r = sequence(der)?;
    let (oid, params) = read_algorithm(r.take(SEQUENCE)?)?;
    let (&0, key) = r.take(BIT_STRING)?.split_first()? else {
        return None;
    };
    r.is_empty().then_some(KeyInfo { oid, params, key })
}

pub fn write_spki(id: &[u8], params: Option<&[u8]>, key: &[u8]) -> Vec<u8> {
    seq(&[&algorithm(id, params), &bits(key)])
}

pub fn read_pkcs8(der: &[u8]) -> Option<KeyInfo<'_>> {
    let mut r = sequence(der)?;
    let version = r.take(INTEGER)?;
    if version != [0] && version != [1] {
        return None;
    }
    let (oid, params) = read_algorithm(r.take(SEQUENCE)?)?;
    let key = r.take(OCTET_STRING)?;
    Some(KeyInfo { oid, params, key })
}

pub fn write_pkcs8(id: &[u8], params: Option<&[u8]>, key: &[u8]) -> Vec<u8> {
    seq(&[&small_uint(0), &algorithm(id, params), &octets(key)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_minimal_and_positive() {
        assert_eq!(small_uint(0), [2, 1, 0]);
        assert_eq!(small_uint(65537), [2, 3, 1, 0, 1]);
        assert_eq!(uint(&[0, 0, 0x80]), [2, 2, 0, 0x80]);
        assert_eq!(read_small_uint(&[1, 0, 1]), Some(65537));
        assert_eq!(read_small_uint(&[0x80]), None);
    }

    #[test]
    fn key_infos_round_trip() {
        let der = write_spki(&[1, 2, 3], Some(&oid(&[9])), &[7; 10]);
        let info = read_spki(&der).unwrap();
        assert_eq!(
            (info.oid, info.params, info.key),
            (&[1u8, 2, 3][..], Some(&[6u8, 1, 9][..]), &[7u8; 10][..])
        );
        let der = write_pkcs8(&[1, 2, 3], None, &[5; 3]);
        let info = read_pkcs8(&der).unwrap();
        assert_eq!((info.params, info.key), (None, &[5u8; 3][..]));
        assert!(read_spki(&der).is_none());
    }
}
