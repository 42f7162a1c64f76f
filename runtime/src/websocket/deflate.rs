//! permessage-deflate (RFC 7692): each message compressed as raw DEFLATE ending in a sync flush,
//! whose trailing `00 00 ff ff` is left off on the wire. The compressor keeps its window between
//! messages unless the negotiation said otherwise.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// What the negotiation settled for one connection, from this end's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeflateConfig {
    /// Whether this end compresses what it sends (it may always send uncompressed messages;
    /// it does when the peer asked for a window smaller than the compressor's).
    pub compress: bool,
    /// This end must start a fresh window for each message it sends.
    pub reset_each_message: bool,
}

/// Messages shorter than this go out uncompressed: the frame would not get smaller.
const MIN_COMPRESSED: usize = 64;

const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// The compression state of one connection.
pub struct Deflate {
    config: DeflateConfig,
    compress: Option<Compress>,
    decompress: Decompress,
}

/// Why a compressed message could not be inflated.
#[derive(Debug, PartialEq, Eq)]
pub enum InflateError {
    TooBig,
    Invalid,
}

impl Deflate {
    pub fn new(config: DeflateConfig) -> Self {
        Deflate {
            config,
            compress: None,
            decompress: Decompress::new(false),
        }
    }

    /// The payload to send for `data` and whether it is compressed (RSV1).
    pub fn deflate(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        if !self.config.compress || data.len() < MIN_COMPRESSED {
            return None;
        }
        let c = self
            .compress
            .get_or_insert_with(|| Compress::new(Compression::fast(), false));
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        let start_in = c.total_in();
        loop {
            let consumed = (c.total_in() - start_in) as usize;
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(256));
            }
            let status = c.compress_vec(&data[consumed..], &mut out, FlushCompress::Sync);
            if status.is_err() {
                return None;
            }
            let consumed = (c.total_in() - start_in) as usize;
            // Done once all input is in and the flush's empty block is out.
            if consumed == data.len() && out.len() < out.capacity() && out.ends_with(&TAIL) {
                break;
            }
        }
        out.truncate(out.len() - TAIL.len());
        if self.config.reset_each_message {
            c.reset();
        }
        Some(out)
    }

    /// Inflates one message's payload, refusing to produce more than `limit` bytes.
    pub fn inflate(&mut self, data: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
        let d = &mut self.decompress;
        let mut out = Vec::with_capacity((data.len() * 3).min(limit.max(64)) + 64);
        for input in [data, &TAIL[..]] {
            let start = d.total_in();
            loop {
                let consumed = (d.total_in() - start) as usize;
                if consumed == input.len() && out.len() < out.capacity() {
                    break;
                }
                if out.len() == out.capacity() {
                    if out.len() > limit {
                        return Err(InflateError::TooBig);
                    }
                    // Grow, but never much past the limit.
                    let room = out.capacity().max(1024).min(limit + 1 - out.len());
                    out.reserve_exact(room.max(1));
                }
                let before = (d.total_in(), d.total_out());
                match d.decompress_vec(&input[consumed..], &mut out, FlushDecompress::Sync) {
                    Ok(Status::StreamEnd) => {
                        // The peer ended the message with a final block (RFC 7692 §7.2.3.3):
                        // the stream starts over for the next message, and no tail follows.
                        d.reset(false);
                        if out.len() > limit {
                            return Err(InflateError::TooBig);
                        }
                        return Ok(out);
                    }
                    Ok(_) => {}
                    Err(_) => return Err(InflateError::Invalid),
                }
                if (d.total_in(), d.total_out()) == before && out.len() < out.capacity() {
                    // No progress with room to spare: the input is exhausted.
                    break;
                }
            }
            if out.len() > limit {
                return Err(InflateError::TooBig);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_with_and_without_context_takeover() {
        for reset in [false, true] {
            let config = DeflateConfig {
                compress: true,
                reset_each_message: reset,
            };
            let (mut a, mut b) = (Deflate::new(config), Deflate::new(config));
            for i in 0..5 {
                let msg = format!(
                    "message {i}: {}",
                    "the same words again and again ".repeat(40)
                );
                let wire = a.deflate(msg.as_bytes()).expect("long enough to compress");
                assert!(wire.len() < msg.len() / 4);
                assert!(!wire.ends_with(&TAIL));
                let back = b.inflate(&wire, 1 << 20).unwrap();
                assert_eq!(back, msg.as_bytes());
            }
        }
    }

    #[test]
    fn inflating_stops_at_the_limit_and_on_garbage() {
        let mut a = Deflate::new(DeflateConfig {
            compress: true,
            reset_each_message: false,
        });
        let big = vec![b'x'; 4 << 20];
        let wire = a.deflate(&big).unwrap();
        let mut b = Deflate::new(DeflateConfig::default());
        assert_eq!(b.inflate(&wire, 1 << 20), Err(InflateError::TooBig));
        let mut c = Deflate::new(DeflateConfig::default());
        assert_eq!(
            c.inflate(&[0xff, 0xff, 0xff, 0xff, 0x00], 1 << 20),
            Err(InflateError::Invalid)
        );
    }

    #[test]
    fn a_message_ending_in_a_final_block_leaves_the_next_one_intact() {
        use flate2::write::DeflateEncoder;
        use std::io::Write;
        let mut d = Deflate::new(DeflateConfig::default());
        for text in ["first message, finished with BFINAL", "second one"] {
            let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
            enc.write_all(text.as_bytes()).unwrap();
            let wire = enc.finish().unwrap();
            assert_eq!(d.inflate(&wire, 1 << 20).unwrap(), text.as_bytes());
        }
    }

    #[test]
    fn short_messages_are_sent_as_they_are() {
        let mut a = Deflate::new(DeflateConfig {
            compress: true,
            reset_each_message: false,
        });
        assert!(a.deflate(b"hi").is_none());
    }
}
