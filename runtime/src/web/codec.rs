//! The native half of `CompressionStream` and `DecompressionStream`: a streaming deflate
//! codec (`gzip`, `deflate` = zlib, `deflate-raw`) over `flate2`. The JS classes feed it one
//! chunk at a time and enqueue what comes out.

use std::io::Write;

use flate2::write::{
    DeflateDecoder, DeflateEncoder, GzDecoder, GzEncoder, ZlibDecoder, ZlibEncoder,
};
use flate2::Compression;
use rquickjs::class::Trace;
use rquickjs::{Ctx, Exception, JsLifetime, Result, TypedArray, Value};

use super::util::buffer_source_bytes;

enum Engine {
    GzipEncode(GzEncoder<Vec<u8>>),
    ZlibEncode(ZlibEncoder<Vec<u8>>),
    RawEncode(DeflateEncoder<Vec<u8>>),
    GzipDecode(GzDecoder<Vec<u8>>),
    ZlibDecode(ZlibDecoder<Vec<u8>>),
    RawDecode(DeflateDecoder<Vec<u8>>),
}

impl Engine {
    fn output(&mut self) -> &mut Vec<u8> {
        match self {
            Engine::GzipEncode(e) => e.get_mut(),
            Engine::ZlibEncode(e) => e.get_mut(),
            Engine::RawEncode(e) => e.get_mut(),
            Engine::GzipDecode(d) => d.get_mut(),
            Engine::ZlibDecode(d) => d.get_mut(),
            Engine::RawDecode(d) => d.get_mut(),
        }
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Engine::GzipEncode(e) => e,
            Engine::ZlibEncode(e) => e,
            Engine::RawEncode(e) => e,
            Engine::GzipDecode(d) => d,
            Engine::ZlibDecode(d) => d,
            Engine::RawDecode(d) => d,
        }
    }

    fn finish(self) -> std::io::Result<Vec<u8>> {
        match self {
            Engine::GzipEncode(e) => e.finish(),
            Engine::ZlibEncode(e) => e.finish(),
            Engine::RawEncode(e) => e.finish(),
            Engine::GzipDecode(d) => d.finish(),
            Engine::ZlibDecode(d) => d.finish(),
            Engine::RawDecode(d) => d.finish(),
        }
    }
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct Codec {
    #[qjs(skip_trace)]
    engine: Option<Engine>,
    #[qjs(skip_trace)]
    decompress: bool,
}

/// `native.codec(format, decompress)` for the bootstrap; the format is already validated.
pub fn codec(ctx: Ctx<'_>, format: String, decompress: bool) -> Result<Codec> {
    let level = Compression::default();
    let engine = match (format.as_str(), decompress) {
        ("gzip", false) => Engine::GzipEncode(GzEncoder::new(Vec::new(), level)),
        ("deflate", false) => Engine::ZlibEncode(ZlibEncoder::new(Vec::new(), level)),
        ("deflate-raw", false) => Engine::RawEncode(DeflateEncoder::new(Vec::new(), level)),
        ("gzip", true) => Engine::GzipDecode(GzDecoder::new(Vec::new())),
        ("deflate", true) => Engine::ZlibDecode(ZlibDecoder::new(Vec::new())),
        ("deflate-raw", true) => Engine::RawDecode(DeflateDecoder::new(Vec::new())),
        _ => {
            return Err(Exception::throw_type(
                &ctx,
                &format!("Unsupported compression format: '{format}'"),
            ))
        }
    };
    Ok(Codec {
        engine: Some(engine),
        decompress,
    })
}

fn bytes_out<'js>(ctx: &Ctx<'js>, bytes: Vec<u8>) -> Result<Value<'js>> {
    Ok(TypedArray::<u8>::new(ctx.clone(), bytes)?.into_value())
}

impl Codec {
    fn corrupt(&self, ctx: &Ctx<'_>, e: std::io::Error) -> rquickjs::Error {
        let what = if self.decompress {
            "The compressed data is invalid"
        } else {
            "Compression failed"
        };
        Exception::throw_type(ctx, &format!("{what}: {e}"))
    }
}

#[rquickjs::methods]
impl Codec {
    /// Feeds a chunk; returns the bytes produced so far.
    pub fn push<'js>(&mut self, ctx: Ctx<'js>, chunk: Value<'js>) -> Result<Value<'js>> {
        let Some(input) = buffer_source_bytes(&chunk) else {
            return Err(Exception::throw_type(
                &ctx,
                "chunks must be ArrayBuffer or ArrayBufferView",
            ));
        };
        let Some(engine) = self.engine.as_mut() else {
            return Err(Exception::throw_type(&ctx, "the stream has ended"));
        };
        let mut rest: &[u8] = &input;
        while !rest.is_empty() {
            match engine.writer().write(rest) {
                // A decoder that takes nothing more has seen the end of its stream.
                Ok(0) => {
                    self.engine = None;
                    return Err(Exception::throw_type(
                        &ctx,
                        "The compressed data is invalid: junk after the end of the stream",
                    ));
                }
                Ok(n) => rest = &rest[n..],
                Err(e) => {
                    self.engine = None;
                    return Err(self.corrupt(&ctx, e));
                }
            }
        }
        let out = std::mem::take(engine.output());
        bytes_out(&ctx, out)
    }

    /// Ends the stream; returns the last bytes. A truncated compressed input is an error.
    pub fn finish<'js>(&mut self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let Some(engine) = self.engine.take() else {
            return bytes_out(&ctx, Vec::new());
        };
        match engine.finish() {
            Ok(out) => bytes_out(&ctx, out),
            Err(e) => Err(self.corrupt(&ctx, e)),
        }
    }
}
