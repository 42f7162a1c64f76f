//! Compiles the JS bootstrap (`src/js/*.js`) to QuickJS bytecode at build time, so that no
//! process and no isolate ever parses it: each isolate loads the bytecode.

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

fn main() {
    let dir = Path::new("src/js");
    let mut source = String::new();
    for file in FILES {
        let path = dir.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        source.push_str(&std::fs::read_to_string(&path).expect("read bootstrap source"));
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).to_path_buf();
    std::fs::write(out.join("bootstrap.js"), &source).expect("write bootstrap source");
    let rt = rquickjs::Runtime::new().expect("engine");
    let ctx = rquickjs::Context::full(&rt).expect("context");
    let bytes = ctx.with(|ctx| {
        let module = rquickjs::Module::declare(ctx.clone(), "edge:bootstrap", source.clone())
            .unwrap_or_else(|_| panic!("bootstrap does not compile: {:?}", ctx.catch()));
        module
            .write(rquickjs::module::WriteOptions {
                strip_source: true,
                strip_debug: true,
                ..Default::default()
            })
            .expect("write bytecode")
    });
    std::fs::write(out.join("bootstrap.qjsbc"), bytes).expect("write bytecode");
}
