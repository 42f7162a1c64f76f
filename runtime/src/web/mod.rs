//! The Web APIs of an isolate: native classes (Headers, Request, Response, URL,
//! URLSearchParams, TextEncoder, TextDecoder), native functions (fetch, timers, atob/btoa,
//! crypto randomness) and the JS bootstrap (streams, events, abort, console, structuredClone).

pub mod base64;
pub mod blob;
pub mod body_mixin;
pub mod body_sink;
pub mod codec;
pub mod console;
pub mod crypto;
pub mod crypto_key;
pub mod encoding;
pub mod fetch;
pub mod hash_sync;
pub mod headers;
pub mod intrinsics;
pub mod multipart;
pub mod request;
pub mod response;
pub mod sockets;
pub mod subtle;
pub mod timers;
pub mod url;
pub mod urlpattern;
pub mod urlpattern_parts;
pub mod util;
pub mod webidl;
pub mod websocket;

use rquickjs::prelude::Func;
use rquickjs::{Class, Ctx, Function, Module, Object, Result};

use self::console::{LogSink, Output};
use self::intrinsics::Intrinsics;

/// The bootstrap, compiled to bytecode by `build.rs`.
static BOOTSTRAP_BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/bootstrap.qjsbc"));

/// Its source, for the unlikely case that the bytecode does not load.
const BOOTSTRAP_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/bootstrap.js"));

/// The `navigator.userAgent` of every isolate.
pub const USER_AGENT: &str = concat!("Edge/", env!("CARGO_PKG_VERSION"));

/// Loads the bootstrap module from bytecode (or, failing that, from source).
fn load_bootstrap<'js>(ctx: &Ctx<'js>) -> Result<Module<'js>> {
    // SAFETY: the bytecode was written by `build.rs` from our own source with this same
    // engine version; a mismatch is detected by the engine's version check and falls back.
    match unsafe { Module::load(ctx.clone(), BOOTSTRAP_BYTECODE) } {
        Ok(module) => Ok(module),
        Err(_) => {
            let _ = ctx.catch();
            tracing::warn!("bootstrap bytecode did not load; compiling it from source");
            Module::declare(ctx.clone(), "edge:bootstrap", BOOTSTRAP_SOURCE)
        }
    }
}

/// Installs every global of the runtime into a fresh context.
pub fn install(
    ctx: &Ctx<'_>,
    log: LogSink,
    outbound: Option<crate::net::OutboundConfig>,
) -> Result<()> {
    let globals = ctx.globals();
    let _ = ctx.store_userdata(Output(log));
    let _ = ctx.store_userdata(fetch::FetchState::new(outbound));
    let _ = ctx.store_userdata(timers::Timers::default());

    Class::<blob::Blob>::define(&globals)?;
    Class::<headers::Headers>::define(&globals)?;
    Class::<request::Request>::define(&globals)?;
    Class::<response::Response>::define(&globals)?;
    url::define(ctx, &globals)?;
    Class::<urlpattern::UrlPatternClass>::define(&globals)?;
    Class::<encoding::TextEncoder>::define(&globals)?;
    Class::<encoding::TextDecoder>::define(&globals)?;
    response::install_json_method(ctx)?;

    globals.set("fetch", Func::from(fetch::fetch))?;
    globals.set("atob", Func::from(base64::atob))?;
    globals.set("btoa", Func::from(base64::btoa))?;
    globals.set("setTimeout", Func::from(timers::set_timeout))?;
    globals.set("setInterval", Func::from(timers::set_interval))?;
    globals.set("clearTimeout", Func::from(timers::clear_timer))?;
    globals.set("clearInterval", Func::from(timers::clear_timer))?;
    Class::<crypto::Crypto>::define(&globals)?;
    Class::<crypto_key::CryptoKey>::define(&globals)?;
    Class::<subtle::SubtleCrypto>::define(&globals)?;
    globals.set(
        "crypto",
        Class::instance(ctx.clone(), crypto::Crypto::new(ctx)?)?,
    )?;

    let (module, promise) = load_bootstrap(ctx)?.eval()?;
    promise.finish::<()>()?;
    let install: Function = module.get("default")?;
    let native = Object::new(ctx.clone())?;
    native.set("print", Func::from(console::print))?;
    native.set("userAgent", USER_AGENT)?;
    native.set("codec", Func::from(codec::codec))?;
    native.set("blobBytes", Func::from(blob::bytes_of))?;
    native.set("shapeMembers", Func::from(webidl::shape_members))?;
    native.set("hashSync", Func::from(hash_sync::hash_sync))?;
    native.set("getContext", Func::from(crate::async_context::get_js))?;
    native.set("setContext", Func::from(crate::async_context::set_js))?;
    let cjs = Object::new(ctx.clone())?;
    cjs.set("resolve", Func::from(crate::node::require::resolve))?;
    cjs.set("read", Func::from(crate::node::require::read))?;
    cjs.set("compile", Func::from(crate::node::require::compile))?;
    cjs.set(
        "requireModule",
        Func::from(crate::node::require::require_module),
    )?;
    native.set("cjs", cjs)?;
    native.set("processEnv", Func::from(crate::node::process_env))?;
    let ticks = Object::new(ctx.clone())?;
    ticks.set(
        "setHandler",
        Func::from(crate::node::ticks::set_tick_handler),
    )?;
    ticks.set("request", Func::from(crate::node::ticks::request_tick))?;
    ticks.set("runAsTask", Func::from(crate::node::ticks::run_as_task))?;
    ticks.set("exitIsolate", Func::from(crate::node::ticks::exit_isolate))?;
    ticks.set("setImmediate", Func::from(timers::set_immediate))?;
    native.set("ticks", ticks)?;
    native.set("clientAddress", Func::from(request::client_address))?;
    native.set(
        "cacheStore",
        Func::from(crate::bindings::cache::cache_store),
    )?;
    native.set(
        "knownBodyLength",
        Func::from(crate::bindings::cache::known_body_length),
    )?;
    native.set(
        "serializeValue",
        Func::from(crate::workers::message::serialize_value),
    )?;
    native.set(
        "deserializeValue",
        Func::from(crate::workers::message::deserialize_value),
    )?;
    let workers = Object::new(ctx.clone())?;
    workers.set("spawn", Func::from(crate::workers::spawn))?;
    workers.set("self", Func::from(crate::workers::worker_self))?;
    workers.set("postToParent", Func::from(crate::workers::post_to_parent))?;
    workers.set("setInbox", Func::from(crate::workers::set_inbox))?;
    native.set("workers", workers)?;
    let node_crypto = Object::new(ctx.clone())?;
    node_crypto.set("pbkdf2", Func::from(crate::node::crypto_native::pbkdf2))?;
    node_crypto.set("scrypt", Func::from(crate::node::crypto_native::scrypt))?;
    node_crypto.set("cipherNames", crate::node::cipher::cipher_names())?;
    Class::<crate::node::cipher::NodeCipher>::define(&node_crypto)?;
    crate::node::keys::install(&node_crypto)?;
    Class::<hash_sync::HashState>::define(&node_crypto)?;
    node_crypto.set("hashNames", hash_sync::DIGEST_NAMES.to_vec())?;
    native.set("nodeCrypto", node_crypto)?;
    native.set("connect", Func::from(sockets::connect))?;
    native.set(
        "vmRealm",
        Func::from(crate::node::vm_native::run_in_new_realm),
    )?;
    native.set("wasm", crate::wasm::natives(ctx)?)?;
    let ws = Object::new(ctx.clone())?;
    ws.set("connect", Func::from(websocket::connect))?;
    native.set("websocket", ws)?;
    // Made when the JS half of Intl first loads, not per isolate.
    native.set("intl", Func::from(crate::intl::natives))?;
    // Likewise the native half of Temporal.
    native.set("temporal", Func::from(crate::temporal::natives))?;
    let hooks: Object = install.call((native,))?;
    let _ = ctx.store_userdata(Intrinsics::from_object(&hooks)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The build-time bytecode must load in this engine; the source fallback is for safety only.
    #[test]
    fn bootstrap_bytecode_loads() {
        let rt = rquickjs::Runtime::new().unwrap();
        let ctx = rquickjs::Context::full(&rt).unwrap();
        ctx.with(|ctx| {
            // SAFETY: as in `load_bootstrap`.
            let module = unsafe { Module::load(ctx.clone(), BOOTSTRAP_BYTECODE) };
            assert!(module.is_ok(), "bootstrap bytecode does not load");
        });
    }
}
