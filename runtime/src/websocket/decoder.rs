//! Turning received bytes into messages and control frames, with every check RFC 6455 asks of
//! a receiver: masking by role, reserved bits, opcodes, control frame rules, continuation order,
//! UTF-8 of text (failing as soon as a fragment cannot be the start of valid UTF-8), close
//! codes, and the message size limit (checked on each frame's header, before its payload
//! arrives, and while inflating).

use bytes::{Bytes, BytesMut};

use super::close_code;
use super::deflate::{Deflate, InflateError};
use super::frame::{self, apply_mask, parse_header};
use super::session::Message;

/// What one decoding step produced.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    Message(Message),
    Ping(Bytes),
    Pong,
    /// A close frame: its code and reason, if it had any.
    Close(Option<(u16, String)>),
}

/// Why the connection must fail: the close code to send and a reason.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub code: u16,
    pub reason: &'static str,
}

fn fail(code: u16, reason: &'static str) -> Failure {
    Failure { code, reason }
}

struct Partial {
    text: bool,
    compressed: bool,
    data: BytesMut,
    /// How much of `data` is known to be valid UTF-8 (text messages): each fragment's bytes
    /// are checked once, not the whole message again.
    valid: usize,
}

/// The receiving half of a connection.
pub struct Decoder {
    /// Frames must be masked (server) or must not be (client).
    expect_masked: bool,
    max_message: usize,
    deflate: Option<Deflate>,
    partial: Option<Partial>,
}

impl Decoder {
    pub fn new(expect_masked: bool, max_message: usize, deflate: Option<Deflate>) -> Self {
        Decoder {
            expect_masked,
            max_message,
            deflate,
            partial: None,
        }
    }

    /// Takes the next item out of `buf`: `Ok(None)` while more bytes are needed.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Incoming>, Failure> {
        loop {
            let Some(h) = parse_header(buf) else {
                return Ok(None);
            };
            if h.rsv23 {
                return Err(fail(close_code::PROTOCOL_ERROR, "reserved bits set"));
            }
            if h.mask.is_some() != self.expect_masked {
                return Err(fail(
                    close_code::PROTOCOL_ERROR,
                    if self.expect_masked {
                        "client frames must be masked"
                    } else {
                        "server frames must not be masked"
                    },
                ));
            }
            if h.is_control() {
                if !h.fin || h.payload_len > 125 {
                    return Err(fail(close_code::PROTOCOL_ERROR, "invalid control frame"));
                }
                if h.rsv1 {
                    return Err(fail(close_code::PROTOCOL_ERROR, "reserved bits set"));
                }
            } else {
                match (h.opcode, &self.partial) {
                    (frame::CONTINUATION, None) => {
                        return Err(fail(close_code::PROTOCOL_ERROR, "continuation of nothing"))
                    }
                    (frame::TEXT | frame::BINARY, Some(_)) => {
                        return Err(fail(
                            close_code::PROTOCOL_ERROR,
                            "a new message before the last one ended",
                        ))
                    }
                    (frame::CONTINUATION | frame::TEXT | frame::BINARY, _) => {}
                    _ => return Err(fail(close_code::PROTOCOL_ERROR, "unknown opcode")),
                }
                if h.rsv1 && (h.opcode == frame::CONTINUATION || self.deflate.is_none()) {
                    return Err(fail(close_code::PROTOCOL_ERROR, "reserved bits set"));
                }
                let so_far = self.partial.as_ref().map_or(0, |p| p.data.len());
                if h.payload_len > (self.max_message - so_far.min(self.max_message)) as u64 {
                    return Err(fail(close_code::TOO_BIG, "message too big"));
                }
            }
            let total = h.len + h.payload_len as usize;
            if buf.len() < total {
                // Room for the rest of the frame, once.
                buf.reserve(total - buf.len());
                return Ok(None);
            }
            let _ = buf.split_to(h.len);
            let mut payload = buf.split_to(h.payload_len as usize);
            if let Some(key) = h.mask {
                apply_mask(&mut payload, key);
            }
            if h.is_control() {
                return match h.opcode {
                    frame::PING => Ok(Some(Incoming::Ping(payload.freeze()))),
                    frame::PONG => Ok(Some(Incoming::Pong)),
                    frame::CLOSE => close_frame(&payload).map(|c| Some(Incoming::Close(c))),
                    _ => Err(fail(close_code::PROTOCOL_ERROR, "unknown opcode")),
                };
            }
            let mut partial = match self.partial.take() {
                Some(mut p) => {
                    p.data.extend_from_slice(&payload);
                    p
                }
                None => Partial {
                    text: h.opcode == frame::TEXT,
                    compressed: h.rsv1,
                    data: payload,
                    valid: 0,
                },
            };
            if partial.text && !partial.compressed {
                match utf8_checked(&partial.data, partial.valid, h.fin) {
                    Some(valid) => partial.valid = valid,
                    None => {
                        return Err(fail(
                            close_code::INVALID_DATA,
                            "invalid UTF-8 in a text message",
                        ))
                    }
                }
            }
            if !h.fin {
                self.partial = Some(partial);
                continue;
            }
            return self.finish(partial).map(Some);
        }
    }

    fn finish(&mut self, partial: Partial) -> Result<Incoming, Failure> {
        let data = if partial.compressed {
            let deflate = self.deflate.as_mut().expect("checked with RSV1");
            match deflate.inflate(&partial.data, self.max_message) {
                Ok(data) => Bytes::from(data),
                Err(InflateError::TooBig) => {
                    return Err(fail(close_code::TOO_BIG, "message too big"))
                }
                Err(InflateError::Invalid) => {
                    return Err(fail(close_code::INVALID_DATA, "invalid compressed data"))
                }
            }
        } else {
            partial.data.freeze()
        };
        if !partial.text {
            return Ok(Incoming::Message(Message::Binary(data)));
        }
        match String::from_utf8(data.into()) {
            Ok(text) => Ok(Incoming::Message(Message::Text(text))),
            Err(_) => Err(fail(
                close_code::INVALID_DATA,
                "invalid UTF-8 in a text message",
            )),
        }
    }
}

/// Checks `data` from `valid` on (what came before is known to be valid UTF-8): the new
/// length of the valid prefix, or `None` if the bytes cannot be UTF-8 (a character cut short
/// at the end is fine unless the message is `whole`).
fn utf8_checked(data: &[u8], valid: usize, whole: bool) -> Option<usize> {
    match std::str::from_utf8(&data[valid..]) {
        Ok(_) => Some(data.len()),
        Err(e) if !whole && e.error_len().is_none() => Some(valid + e.valid_up_to()),
        Err(_) => None,
    }
}

/// Whether a peer may send close code `code` (RFC 6455 §7.4).
fn valid_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

fn close_frame(payload: &[u8]) -> Result<Option<(u16, String)>, Failure> {
    match payload.len() {
        0 => Ok(None),
        1 => Err(fail(close_code::PROTOCOL_ERROR, "invalid close frame")),
        _ => {
            let code = u16::from_be_bytes([payload[0], payload[1]]);
            if !valid_close_code(code) {
                return Err(fail(close_code::PROTOCOL_ERROR, "invalid close code"));
            }
            let reason = std::str::from_utf8(&payload[2..])
                .map_err(|_| fail(close_code::INVALID_DATA, "invalid UTF-8 in a close reason"))?;
            Ok(Some((code, reason.to_owned())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::frame::write_frame;
    use super::*;

    const KEY: Option<[u8; 4]> = Some([9, 8, 7, 6]);

    fn frame(b0: u8, payload: &[u8]) -> BytesMut {
        let mut out = BytesMut::new();
        write_frame(&mut out, b0 & 0x0F, b0 & 0x40 != 0, payload, KEY);
        if b0 & 0x80 == 0 {
            out[0] &= 0x7F;
        }
        out
    }

    fn decode_all(d: &mut Decoder, mut buf: BytesMut) -> Vec<Result<Incoming, Failure>> {
        let mut out = Vec::new();
        loop {
            match d.decode(&mut buf) {
                Ok(Some(i)) => out.push(Ok(i)),
                Ok(None) => return out,
                Err(e) => {
                    out.push(Err(e));
                    return out;
                }
            }
        }
    }

    #[test]
    fn fragments_and_interleaved_pings_make_one_message() {
        let mut d = Decoder::new(true, 1 << 20, None);
        let mut buf = frame(0x01, "héllo ".as_bytes());
        buf.extend_from_slice(&frame(0x89, b"p"));
        buf.extend_from_slice(&frame(0x80, "wörld".as_bytes()));
        let got = decode_all(&mut d, buf);
        assert_eq!(
            got,
            vec![
                Ok(Incoming::Ping(Bytes::from_static(b"p"))),
                Ok(Incoming::Message(Message::Text("héllo wörld".into())))
            ]
        );
    }

    #[test]
    fn a_character_split_across_fragments_is_fine_but_invalid_bytes_fail_at_once() {
        let mut d = Decoder::new(true, 1 << 20, None);
        let bytes = "é".as_bytes();
        let mut buf = frame(0x01, &bytes[..1]);
        buf.extend_from_slice(&frame(0x80, &bytes[1..]));
        assert_eq!(
            decode_all(&mut d, buf),
            vec![Ok(Incoming::Message(Message::Text("é".into())))]
        );
        let mut d = Decoder::new(true, 1 << 20, None);
        let got = decode_all(&mut d, frame(0x01, &[b'a', 0xff]));
        assert_eq!(got[0].as_ref().unwrap_err().code, 1007);
    }

    #[test]
    fn protocol_violations_fail_with_their_codes() {
        let cases: Vec<(BytesMut, bool, u16)> = vec![
            (frame(0x81, b"x"), false, 1002),         // masked frame to a client
            (frame(0x80, b"x"), true, 1002),          // continuation of nothing
            (frame(0x83, b"x"), true, 1002),          // unknown opcode
            (frame(0xC1, b"x"), true, 1002),          // RSV1 without deflate
            (frame(0x09, b"x"), true, 1002),          // fragmented ping
            (frame(0x89, &[0u8; 126]), true, 1002),   // long ping
            (frame(0x88, &[0x03]), true, 1002),       // one-byte close
            (frame(0x88, &[0x03, 0xEC]), true, 1002), // close code 1004
            (frame(0x88, &[0x03, 0xE8, 0xff]), true, 1007), // close reason not UTF-8
            (frame(0x82, &vec![0u8; 2048]), true, 1009), // over the limit
        ];
        for (i, (buf, server, code)) in cases.into_iter().enumerate() {
            let mut d = Decoder::new(server, 1024, None);
            let got = decode_all(&mut d, buf);
            assert_eq!(
                got.last().unwrap().as_ref().unwrap_err().code,
                code,
                "case {i}"
            );
        }
    }

    #[test]
    fn the_size_limit_is_checked_from_the_header_alone() {
        let mut d = Decoder::new(true, 1024, None);
        let whole = frame(0x82, &vec![0u8; 100_000]);
        // Only the header has arrived.
        let mut head = BytesMut::from(&whole[..14]);
        assert_eq!(d.decode(&mut head).unwrap_err().code, 1009);
        // Fragments adding up past the limit.
        let mut d = Decoder::new(true, 1024, None);
        let mut buf = frame(0x02, &[0u8; 600]);
        buf.extend_from_slice(&frame(0x80, &[0u8; 600]));
        assert_eq!(
            decode_all(&mut d, buf)
                .last()
                .unwrap()
                .as_ref()
                .unwrap_err()
                .code,
            1009
        );
    }

    #[test]
    fn a_long_run_of_empty_fragments_is_one_message() {
        let mut d = Decoder::new(true, 2 << 20, None);
        let mut buf = frame(0x01, "é".repeat(300_000).as_bytes());
        for _ in 0..10_000 {
            buf.extend_from_slice(&frame(0x00, b""));
        }
        buf.extend_from_slice(&frame(0x80, b"!"));
        let got = decode_all(&mut d, buf);
        let Ok(Incoming::Message(Message::Text(text))) = &got[0] else {
            panic!("{:?}", got.first().map(|r| r.as_ref().map(|_| ())));
        };
        assert_eq!(text.len(), 600_001);
    }

    #[test]
    fn close_frames_carry_code_and_reason() {
        let mut d = Decoder::new(true, 1024, None);
        let mut payload = 4000u16.to_be_bytes().to_vec();
        payload.extend_from_slice(b"bye");
        assert_eq!(
            decode_all(&mut d, frame(0x88, &payload)),
            vec![Ok(Incoming::Close(Some((4000, "bye".into()))))]
        );
        assert_eq!(
            decode_all(&mut d, frame(0x88, b"")),
            vec![Ok(Incoming::Close(None))]
        );
    }
}
