//! WebSocket frames (RFC 6455 §5.2): reading a frame's header from buffered bytes, masking,
//! and writing a frame.

use bytes::{BufMut, BytesMut};

pub const CONTINUATION: u8 = 0x0;
pub const TEXT: u8 = 0x1;
pub const BINARY: u8 = 0x2;
pub const CLOSE: u8 = 0x8;
pub const PING: u8 = 0x9;
pub const PONG: u8 = 0xA;

/// A frame's header as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub fin: bool,
    pub rsv1: bool,
    /// RSV2 or RSV3 set (no extension here defines them).
    pub rsv23: bool,
    pub opcode: u8,
    pub mask: Option<[u8; 4]>,
    pub payload_len: u64,
    /// The header's own length in bytes.
    pub len: usize,
}

impl Header {
    pub fn is_control(&self) -> bool {
        self.opcode & 0x8 != 0
    }
}

/// Reads a header from the start of `buf`: `None` while more bytes are needed.
pub fn parse_header(buf: &[u8]) -> Option<Header> {
    if buf.len() < 2 {
        return None;
    }
    let (b0, b1) = (buf[0], buf[1]);
    let masked = b1 & 0x80 != 0;
    let (payload_len, mut len) = match b1 & 0x7F {
        126 => {
            if buf.len() < 4 {
                return None;
            }
            (u16::from_be_bytes([buf[2], buf[3]]) as u64, 4)
        }
        127 => {
            if buf.len() < 10 {
                return None;
            }
            let mut n = [0u8; 8];
            n.copy_from_slice(&buf[2..10]);
            (u64::from_be_bytes(n), 10)
        }
        n => (n as u64, 2),
    };
    let mask = if masked {
        if buf.len() < len + 4 {
            return None;
        }
        let mut key = [0u8; 4];
        key.copy_from_slice(&buf[len..len + 4]);
        len += 4;
        Some(key)
    } else {
        None
    };
    Some(Header {
        fin: b0 & 0x80 != 0,
        rsv1: b0 & 0x40 != 0,
        rsv23: b0 & 0x30 != 0,
        opcode: b0 & 0x0F,
        mask,
        payload_len,
        len,
    })
}

/// XORs `data` with the masking key (masking and unmasking are the same).
pub fn apply_mask(data: &mut [u8], key: [u8; 4]) {
    let word = u32::from_ne_bytes(key);
    let mut chunks = data.chunks_exact_mut(4);
    for chunk in &mut chunks {
        let v = u32::from_ne_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) ^ word;
        chunk.copy_from_slice(&v.to_ne_bytes());
    }
    for (i, b) in chunks.into_remainder().iter_mut().enumerate() {
        *b ^= key[i];
    }
}

/// Appends one whole frame (`fin` set) to `out`, masked with `mask` if given.
pub fn write_frame(
    out: &mut BytesMut,
    opcode: u8,
    rsv1: bool,
    payload: &[u8],
    mask: Option<[u8; 4]>,
) {
    let mut b0 = 0x80 | opcode;
    if rsv1 {
        b0 |= 0x40;
    }
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    out.reserve(payload.len() + 14);
    out.put_u8(b0);
    match payload.len() {
        n if n < 126 => out.put_u8(mask_bit | n as u8),
        n if n <= u16::MAX as usize => {
            out.put_u8(mask_bit | 126);
            out.put_u16(n as u16);
        }
        n => {
            out.put_u8(mask_bit | 127);
            out.put_u64(n as u64);
        }
    }
    match mask {
        Some(key) => {
            out.put_slice(&key);
            let start = out.len();
            out.put_slice(payload);
            apply_mask(&mut out[start..], key);
        }
        None => out.put_slice(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_at_each_length_form() {
        for len in [0usize, 5, 125, 126, 65535, 65536, 70000] {
            let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            for mask in [None, Some([1, 2, 3, 4])] {
                let mut out = BytesMut::new();
                write_frame(&mut out, BINARY, false, &payload, mask);
                let h = parse_header(&out).expect("a whole header");
                assert_eq!(h.payload_len as usize, len);
                assert_eq!(h.mask, mask);
                assert!(h.fin && !h.rsv1 && h.opcode == BINARY);
                let mut body = out[h.len..].to_vec();
                if let Some(key) = h.mask {
                    apply_mask(&mut body, key);
                }
                assert_eq!(body, payload);
                // Every proper prefix of the header is "need more bytes".
                for cut in 0..h.len {
                    assert!(parse_header(&out[..cut]).is_none());
                }
            }
        }
    }

    #[test]
    fn masking_matches_the_bytewise_definition() {
        let key = [0x37, 0xfa, 0x21, 0x3d];
        let mut data: Vec<u8> = b"Hello, masked world!".to_vec();
        let expected: Vec<u8> = data
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ key[i % 4])
            .collect();
        apply_mask(&mut data, key);
        assert_eq!(data, expected);
    }
}
