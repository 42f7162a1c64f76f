//! `TextEncoder` and `TextDecoder`, native. Decoding supports every label of the Encoding
//! standard (through `encoding_rs`), `fatal`, `ignoreBOM` and streaming.

use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::prelude::Coerced;
use rquickjs::{Ctx, Exception, JsLifetime, Object, Result, TypedArray, Value};

use super::util::{buffer_source_bytes, UsvString};

#[derive(Trace, JsLifetime, Default)]
#[rquickjs::class]
pub struct TextEncoder {}

#[rquickjs::methods(rename_all = "camelCase")]
impl TextEncoder {
    #[qjs(constructor)]
    pub fn new<'js>(ctx: Ctx<'js>, this: rquickjs::function::This<Value<'js>>) -> Result<Self> {
        super::util::require_new(&ctx, &this.0, "TextEncoder")?;
        Ok(TextEncoder {})
    }

    #[qjs(get, enumerable, configurable)]
    pub fn encoding(&self) -> &'static str {
        "utf-8"
    }

    pub fn encode<'js>(
        &self,
        ctx: Ctx<'js>,
        input: Opt<Value<'js>>,
    ) -> Result<TypedArray<'js, u8>> {
        let text = match input.0 {
            Some(v) if !v.is_undefined() => v.get::<UsvString>()?.0,
            _ => String::new(),
        };
        TypedArray::new(ctx, text.into_bytes())
    }

    pub fn encode_into<'js>(
        &self,
        ctx: Ctx<'js>,
        input: UsvString,
        dest: TypedArray<'js, u8>,
    ) -> Result<Object<'js>> {
        // A detached destination holds no bytes: nothing is read or written.
        let out: &mut [u8] = match dest.as_raw() {
            // SAFETY: the view's memory is owned by the engine and alive while `dest` is; no
            // JavaScript runs while this slice is used.
            Some(raw) => unsafe {
                std::slice::from_raw_parts_mut(raw.as_ptr() as *mut u8, raw.len())
            },
            None => &mut [],
        };
        let mut read = 0usize;
        let mut written = 0usize;
        let mut buf = [0u8; 4];
        for c in input.0.chars() {
            let encoded = c.encode_utf8(&mut buf);
            if written + encoded.len() > out.len() {
                break;
            }
            out[written..written + encoded.len()].copy_from_slice(encoded.as_bytes());
            written += encoded.len();
            read += c.len_utf16();
        }
        let result = Object::new(ctx)?;
        result.set("read", read)?;
        result.set("written", written)?;
        Ok(result)
    }
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct TextDecoder {
    #[qjs(skip_trace)]
    encoding: &'static encoding_rs::Encoding,
    #[qjs(skip_trace)]
    fatal: bool,
    #[qjs(skip_trace)]
    ignore_bom: bool,
    #[qjs(skip_trace)]
    decoder: Option<encoding_rs::Decoder>,
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TextDecoder {
    #[qjs(constructor)]
    pub fn new<'js>(
        ctx: Ctx<'js>,
        this: rquickjs::function::This<Value<'js>>,
        label: Opt<Value<'js>>,
        options: Opt<Value<'js>>,
    ) -> Result<Self> {
        super::util::require_new(&ctx, &this.0, "TextDecoder")?;
        let label = match label.0 {
            Some(v) if !v.is_undefined() => v.get::<Coerced<String>>()?.0,
            _ => "utf-8".to_owned(),
        };
        // `for_label` strips ASCII whitespace only, as "get an encoding" says.
        let encoding = encoding_rs::Encoding::for_label(label.as_bytes())
            .filter(|e| *e != encoding_rs::REPLACEMENT)
            .ok_or_else(|| {
                Exception::throw_range(
                    &ctx,
                    &format!("The encoding label \"{label}\" is not supported"),
                )
            })?;
        let (mut fatal, mut ignore_bom) = (false, false);
        if let Some(opts) = options.0.as_ref().and_then(|o| o.as_object()) {
            fatal = opts.get::<_, Coerced<bool>>("fatal")?.0;
            ignore_bom = opts.get::<_, Coerced<bool>>("ignoreBOM")?.0;
        }
        Ok(TextDecoder {
            encoding,
            fatal,
            ignore_bom,
            decoder: None,
        })
    }

    #[qjs(get, enumerable, configurable)]
    pub fn encoding(&self) -> String {
        self.encoding.name().to_ascii_lowercase()
    }

    #[qjs(get, enumerable, configurable)]
    pub fn fatal(&self) -> bool {
        self.fatal
    }

    #[qjs(get, rename = "ignoreBOM", enumerable, configurable)]
    pub fn ignore_bom(&self) -> bool {
        self.ignore_bom
    }

    pub fn decode<'js>(
        &mut self,
        ctx: Ctx<'js>,
        input: Opt<Value<'js>>,
        options: Opt<Value<'js>>,
    ) -> Result<String> {
        let bytes = match input.0 {
            Some(v) if !v.is_undefined() && !v.is_null() => {
                buffer_source_bytes(&v).ok_or_else(|| {
                    Exception::throw_type(
                        &ctx,
                        "decode: input must be an ArrayBuffer or ArrayBufferView",
                    )
                })?
            }
            _ => bytes::Bytes::new(),
        };
        let stream = match options.0.as_ref().and_then(|o| o.as_object()) {
            Some(o) => o.get::<_, Coerced<bool>>("stream")?.0,
            None => false,
        };
        let encoding = self.encoding;
        let ignore_bom = self.ignore_bom;
        let decoder = self.decoder.get_or_insert_with(|| {
            if ignore_bom {
                encoding.new_decoder_without_bom_handling()
            } else {
                encoding.new_decoder_with_bom_removal()
            }
        });
        let cap = decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16);
        let mut out = String::with_capacity(cap);
        let last = !stream;
        if self.fatal {
            let (result, _) = decoder.decode_to_string_without_replacement(&bytes, &mut out, last);
            if let encoding_rs::DecoderResult::Malformed(_, _) = result {
                self.decoder = None;
                return Err(Exception::throw_type(
                    &ctx,
                    "The encoded data was not valid",
                ));
            }
        } else {
            let _ = decoder.decode_to_string(&bytes, &mut out, last);
        }
        if last {
            self.decoder = None;
        }
        Ok(out)
    }
}
