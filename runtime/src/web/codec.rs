//! The native half of `CompressionStream` and `DecompressionStream`: a streaming deflate
//! codec (`gzip`, `deflate` = zlib, `deflate-raw`) over `flate2`, and `brotli` over the
//! `brotli` crate. The JS classes feed it one chunk at a time and enqueue what comes out.

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
    BrotliEncode(Box<brotli::CompressorWriter<Vec<u8>>>),
    BrotliDecode(Box<brotli::DecompressorWriter<Vec<u8>>>),
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
            Engine::BrotliEncode(e) => e.get_mut(),
            Engine::BrotliDecode(d) => d.get_mut(),
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
            Engine::BrotliEncode(e) => e.as_mut(),
            Engine::BrotliDecode(d) => d.as_mut(),
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
            Engine::BrotliEncode(e) => Ok(e.into_inner()),
            Engine::BrotliDecode(mut d) => {
                d.close()?;
                Ok(std::mem::take(d.get_mut()))
            }
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
    #[qjs(skip_trace)]
    failure: Option<String>,
}

/// `native.codec(format, decompress[, level])` for the bootstrap (and `node:zlib`, which
/// passes a level: 0-9 for deflate, 0-11 for brotli); the format is already validated.
pub fn codec(
    ctx: Ctx<'_>,
    format: String,
    decompress: bool,
    level: rquickjs::function::Opt<i32>,
) -> Result<Codec> {
    let chosen = level.0.filter(|l| *l >= 0);
    let level = chosen.map_or(
        Compression::default(),
        |l| Compression::new(l.min(9) as u32),
    );
    let quality = chosen.map_or(5, |l| l.min(11) as u32);
    let engine = match (format.as_str(), decompress) {
        ("gzip", false) => Engine::GzipEncode(GzEncoder::new(Vec::new(), level)),
        ("deflate", false) => Engine::ZlibEncode(ZlibEncoder::new(Vec::new(), level)),
        ("deflate-raw", false) => Engine::RawEncode(DeflateEncoder::new(Vec::new(), level)),
        ("gzip", true) => Engine::GzipDecode(GzDecoder::new(Vec::new())),
        ("deflate", true) => Engine::ZlibDecode(ZlibDecoder::new(Vec::new())),
        ("deflate-raw", true) => Engine::RawDecode(DeflateDecoder::new(Vec::new())),
        // Quality 5 with a 4 MiB window: close to gzip's speed at a better ratio.
        ("brotli", false) => Engine::BrotliEncode(Box::new(brotli::CompressorWriter::new(
            Vec::new(),
            4096,
            quality,
            22,
        ))),
        ("brotli", true) => {
            Engine::BrotliDecode(Box::new(brotli::DecompressorWriter::new(Vec::new(), 4096)))
        }
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
        failure: None,
    })
}

fn bytes_out<'js>(ctx: &Ctx<'js>, bytes: Vec<u8>) -> Result<Value<'js>> {
    Ok(TypedArray::<u8>::new(ctx.clone(), bytes)?.into_value())
}

impl Codec {
    fn describe(&self, e: &std::io::Error) -> String {
        describe(self.decompress, e)
    }

    fn corrupt(&self, ctx: &Ctx<'_>, e: std::io::Error) -> rquickjs::Error {
        Exception::throw_type(ctx, &self.describe(&e))
    }
}

fn describe(decompress: bool, e: &std::io::Error) -> String {
    {
        let what = if decompress {
            "The compressed data is invalid"
        } else {
            "Compression failed"
        };
        format!("{what}: {e}")
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
        let decompress = self.decompress;
        let mut rest: &[u8] = &input;
        let mut failure = None;
        while !rest.is_empty() {
            match engine.writer().write(rest) {
                // A decoder that takes nothing more has seen the end of its stream.
                Ok(0) => {
                    failure = Some(
                        "The compressed data is invalid: junk after the end of the stream".into(),
                    );
                    break;
                }
                Ok(n) => rest = &rest[n..],
                Err(e) => {
                    failure = Some(describe(decompress, &e));
                    break;
                }
            }
        }
        // A decoder's writer keeps its last output until flushed: hand every byte on now.
        if decompress && failure.is_none() {
            if let Err(e) = engine.writer().flush() {
                failure = Some(describe(decompress, &e));
            }
        }
        let out = std::mem::take(engine.output());
        if let Some(message) = failure {
            // The output so far still goes out; the stream errors right after it.
            self.engine = None;
            self.failure = Some(message);
        }
        bytes_out(&ctx, out)
    }

    /// Emits everything compressed so far (a sync flush), without ending the stream.
    pub fn flush<'js>(&mut self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let Some(engine) = self.engine.as_mut() else {
            return bytes_out(&ctx, Vec::new());
        };
        if let Err(e) = engine.writer().flush() {
            return Err(self.corrupt(&ctx, e));
        }
        let out = std::mem::take(engine.output());
        bytes_out(&ctx, out)
    }

    /// Why the last `push` failed (after its output), if it did.
    #[qjs(get)]
    pub fn failure(&self) -> Option<String> {
        self.failure.clone()
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
