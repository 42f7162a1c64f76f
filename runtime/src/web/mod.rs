//! The Web APIs of an isolate: native classes (Headers, Request, Response, URL,
//! URLSearchParams, TextEncoder, TextDecoder), native functions (timers, atob/btoa, crypto
//! randomness) and the JS bootstrap (streams, events, abort, console, structuredClone).

pub mod base64;
pub mod blob;
pub mod body_mixin;
pub mod body_sink;
pub mod console;
pub mod crypto;
pub mod encoding;
pub mod headers;
pub mod intrinsics;
pub mod request;
pub mod response;
pub mod subtle;
pub mod timers;
pub mod url;
pub mod util;

use std::sync::OnceLock;

use rquickjs::module::WriteOptions;
use rquickjs::prelude::Func;
use rquickjs::{Class, Ctx, Function, Module, Object, Result};

use self::console::{LogSink, Output};
use self::intrinsics::Intrinsics;

/// The bootstrap's JS sources, concatenated into one module.
const BOOTSTRAP_SOURCE: &str = concat!(
    include_str!("../js/events.js"),
    include_str!("../js/streams.js"),
    include_str!("../js/console.js"),
    include_str!("../js/clone.js"),
    include_str!("../js/bootstrap.js"),
);

/// The bootstrap compiled to bytecode, once per process.
static BOOTSTRAP_BYTECODE: OnceLock<Vec<u8>> = OnceLock::new();

/// The `navigator.userAgent` of every isolate.
pub const USER_AGENT: &str = concat!("Edge/", env!("CARGO_PKG_VERSION"));

fn bootstrap_bytecode(ctx: &Ctx<'_>) -> Result<&'static [u8]> {
    if let Some(b) = BOOTSTRAP_BYTECODE.get() {
        return Ok(b);
    }
    let module = Module::declare(ctx.clone(), "edge:bootstrap", BOOTSTRAP_SOURCE)?;
    let bytes = module.write(WriteOptions::default())?;
    Ok(BOOTSTRAP_BYTECODE.get_or_init(|| bytes))
}

/// Installs every global of the runtime into a fresh context.
pub fn install(ctx: &Ctx<'_>, log: LogSink) -> Result<()> {
    let globals = ctx.globals();
    let _ = ctx.store_userdata(Output(log));
    let _ = ctx.store_userdata(timers::Timers::default());

    Class::<blob::Blob>::define(&globals)?;
    Class::<headers::Headers>::define(&globals)?;
    Class::<request::Request>::define(&globals)?;
    Class::<response::Response>::define(&globals)?;
    Class::<url::Url>::define(&globals)?;
    Class::<url::URLSearchParams>::define(&globals)?;
    Class::<encoding::TextEncoder>::define(&globals)?;
    Class::<encoding::TextDecoder>::define(&globals)?;
    response::install_json_method(ctx)?;

    globals.set("atob", Func::from(base64::atob))?;
    globals.set("btoa", Func::from(base64::btoa))?;
    globals.set("setTimeout", Func::from(timers::set_timeout))?;
    globals.set("setInterval", Func::from(timers::set_interval))?;
    globals.set("clearTimeout", Func::from(timers::clear_timer))?;
    globals.set("clearInterval", Func::from(timers::clear_timer))?;
    let crypto = Object::new(ctx.clone())?;
    crypto.set("getRandomValues", Func::from(crypto::get_random_values))?;
    crypto.set("randomUUID", Func::from(crypto::random_uuid))?;
    let subtle = Object::new(ctx.clone())?;
    subtle.set("digest", Func::from(subtle::digest))?;
    crypto.set("subtle", subtle)?;
    globals.set("crypto", crypto)?;

    let bytes = bootstrap_bytecode(ctx)?;
    // SAFETY: the bytecode was produced by this same engine build from our own source.
    let module = unsafe { Module::load(ctx.clone(), bytes)? };
    let (module, promise) = module.eval()?;
    promise.finish::<()>()?;
    let install: Function = module.get("default")?;
    let native = Object::new(ctx.clone())?;
    native.set("print", Func::from(console::print))?;
    native.set("userAgent", USER_AGENT)?;
    let hooks: Object = install.call((native,))?;
    let _ = ctx.store_userdata(Intrinsics::from_object(&hooks)?);
    Ok(())
}
