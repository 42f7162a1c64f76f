//! Compiles the JS bootstrap (`src/js/*.js`) and the Node built-in modules (`src/node/*.js`) to
//! QuickJS bytecode at build time, so that no process and no isolate ever parses them: each
//! isolate loads the bootstrap's bytecode, and a built-in module's when the app imports it.

use std::path::Path;

/// The bootstrap's files, concatenated in this order into one module.
const FILES: [&str; 13] = [
    "events.js",
    "streams.js",
    "bytestreams.js",
    "compression.js",
    "file.js",
    "formdata.js",
    "filereader.js",
    "blob_url.js",
    "console.js",
    "clone.js",
    "messaging.js",
    "xhr.js",
    "bootstrap.js",
];

/// The Node built-in modules, each `src/node/<name>.js` (`/` spelled `_`), imported as
/// `node:<name>`; a module comes after those it imports.
const NODE_MODULES: [&str; 52] = [
    "internal/errors",
    "internal/intl",
    "internal/temporal",
    "internal/sockets",
    "internal/bindings",
    "internal/wasm",
    "internal/websocket",
    "buffer",
    "events",
    "domain",
    "path/win32",
    "path",
    "path/posix",
    "querystring",
    "url",
    "string_decoder",
    "internal/deep_equal",
    "util",
    "util/types",
    "assert",
    "assert/strict",
    "timers/promises",
    "timers",
    "os",
    "fs/promises",
    "fs",
    "child_process",
    "dgram",
    "diagnostics_channel",
    "perf_hooks",
    "async_hooks",
    "process",
    "stream",
    "stream/promises",
    "stream/web",
    "net",
    "tls",
    "dns",
    "tty",
    "internal/crypto_keys",
    "internal/crypto_dh",
    "crypto",
    "zlib",
    "http",
    "https",
    "http2",
    "vm",
    "internal/cjs",
    "module",
    "v8",
    "worker_threads",
    "test",
];

/// Compiles one module declared in `ctx` to stripped bytecode.
fn compile_in(ctx: &rquickjs::Ctx<'_>, name: &str, source: &str) -> Vec<u8> {
    let module = rquickjs::Module::declare(ctx.clone(), name, source.to_string())
        .unwrap_or_else(|_| panic!("{name} does not compile: {:?}", ctx.catch()));
    module
        .write(rquickjs::module::WriteOptions {
            strip_source: true,
            strip_debug: true,
            ..Default::default()
        })
        .expect("write bytecode")
}

/// Compiles modules to stripped bytecode, in order, in one context: a built-in may import
/// the built-ins before it, and `edge:bootstrap` (a stand-in with its export names here; the
/// bindings are linked at run time to the real bootstrap).
fn compile_all(modules: &[(String, String)], bootstrap_exports: &str) -> Vec<Vec<u8>> {
    let rt = rquickjs::Runtime::new().expect("engine");
    let ctx = rquickjs::Context::full(&rt).expect("context");
    ctx.with(|ctx| {
        if !bootstrap_exports.is_empty() {
            let stub = format!("export const {bootstrap_exports};");
            rquickjs::Module::declare(ctx.clone(), "edge:bootstrap", stub).expect("stub");
        }
        modules
            .iter()
            .map(|(name, source)| compile_in(&ctx, name, source))
            .collect()
    })
}

fn main() {
    node_modules();
    let dir = Path::new("src/js");
    let mut source = String::new();
    for file in FILES {
        let path = dir.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        source.push_str(&std::fs::read_to_string(&path).expect("read bootstrap source"));
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).to_path_buf();
    std::fs::write(out.join("bootstrap.js"), &source).expect("write bootstrap source");
    let bytes = compile_all(&[("edge:bootstrap".to_string(), source)], "")
        .pop()
        .expect("bytecode");
    std::fs::write(out.join("bootstrap.qjsbc"), bytes).expect("write bytecode");
}

/// Writes `node_<name>.qjsbc` per built-in module and `node_modules.rs`, their table.
fn node_modules() {
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).to_path_buf();
    let mut table = String::from("&[\n");
    let sources: Vec<(String, String)> = NODE_MODULES
        .iter()
        .map(|name| {
            let path = Path::new("src/node").join(format!("{}.js", name.replace('/', "_")));
            println!("cargo:rerun-if-changed={}", path.display());
            let source = std::fs::read_to_string(&path).expect("read a node module");
            (format!("node:{name}"), source)
        })
        .collect();
    let exports =
        "eventTargetListeners = 0, kResistStopPropagation = 0, inspectValue = 0, formatArgs = 0, hashSync = 0, unavailableOnEdge = 0, asyncContext = 0, cjs = 0, processEnv = 0, nodeCrypto = 0, nativeCodec = 0, vmRealm = 0";
    let compiled = compile_all(&sources, exports);
    for (name, bytes) in NODE_MODULES.iter().zip(compiled) {
        let file = format!("node_{}.qjsbc", name.replace('/', "_"));
        std::fs::write(out.join(&file), bytes).expect("write bytecode");
        table.push_str(&format!(
            "    (\"{name}\", include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\"))),\n"
        ));
    }
    table.push_str("]\n");
    std::fs::write(out.join("node_modules.rs"), table).expect("write the module table");
}
