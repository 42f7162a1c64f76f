//! The little DER the post-quantum keys need: SubjectPublicKeyInfo and PrivateKeyInfo with an
//! algorithm identifier that has no parameters, and the private key's `seed` CHOICE.

/// Reads one TLV at the start of `input`: (tag, contents, rest).
pub fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| acc << 8 | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// Writes one TLV.
pub fn write(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u32).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (4 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(contents);
    out
}

/// An AlgorithmIdentifier holding `oid` and no parameters; anything else is `false`.
fn is_algorithm(contents: &[u8], oid: &[u8]) -> bool {
    matches!(tlv(contents), Some((0x06, found, rest)) if found == oid && rest.is_empty())
}

fn algorithm(oid: &[u8]) -> Vec<u8> {
    write(0x30, &write(0x06, oid))
}

/// The key bytes of a SubjectPublicKeyInfo for `oid`.
pub fn read_spki(input: &[u8], oid: &[u8]) -> Option<Vec<u8>> {
    let (0x30, body, []) = tlv(input)? else {
        return None;
    };
    let (0x30, alg, rest) = tlv(body)? else {
        return None;
    };
    let (0x03, bits, []) = tlv(rest)? else {
        return None;
    };
    let (&0, key) = bits.split_first()? else {
        return None;
    };
    is_algorithm(alg, oid).then(|| key.to_vec())
}

pub fn write_spki(oid: &[u8], key: &[u8]) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend_from_slice(key);
    let mut body = algorithm(oid);
    body.extend(write(0x03, &bits));
    write(0x30, &body)
}

/// The privateKey OCTET STRING contents of a version-0 PrivateKeyInfo for `oid`.
pub fn read_pkcs8(input: &[u8], oid: &[u8]) -> Option<Vec<u8>> {
    let (0x30, body, []) = tlv(input)? else {
        return None;
    };
    let (0x02, version, rest) = tlv(body)? else {
        return None;
    };
    if version != [0] {
        return None;
    }
    let (0x30, alg, rest) = tlv(rest)? else {
        return None;
    };
    let (0x04, key, _attributes) = tlv(rest)? else {
        return None;
    };
    is_algorithm(alg, oid).then(|| key.to_vec())
}

/// The seed of a private key CHOICE: `seed [0]`, or the seed of `both`.
pub fn read_seed_choice(input: &[u8], seed_len: usize) -> Option<Vec<u8>> {
    match tlv(input)? {
        (0x80, seed, []) if seed.len() == seed_len => Some(seed.to_vec()),
        (0x30, both, []) => match tlv(both)? {
            (0x04, seed, _) if seed.len() == seed_len => Some(seed.to_vec()),
            _ => None,
        },
        _ => None,
    }
}

pub fn write_pkcs8_seed(oid: &[u8], seed: &[u8]) -> Vec<u8> {
    let mut body = write(0x02, &[0]);
    body.extend(algorithm(oid));
    body.extend(write(0x04, &write(0x80, seed)));
    write(0x30, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let oid = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x02];
        let key = vec![7u8; 1184];
        assert_eq!(read_spki(&write_spki(&oid, &key), &oid), Some(key));
        let seed = vec![9u8; 64];
        let pkcs8 = write_pkcs8_seed(&oid, &seed);
        let inner = read_pkcs8(&pkcs8, &oid).unwrap();
        assert_eq!(read_seed_choice(&inner, 64), Some(seed));
        assert_eq!(pkcs8[..4], [0x30, 0x54, 0x02, 0x01]);
        assert!(read_spki(&[0x30, 0x80], &oid).is_none());
    }
}
