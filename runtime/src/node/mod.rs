//! Node's built-in modules (`node:events`, `node:path`, ...): written in JS under
//! `src/node/`, compiled to bytecode at build time, and loaded into an isolate only when its
//! app imports one. A built-in is reached as `node:<name>` or by its bare name, which wins
//! over a package of the same name, as in Node.

pub mod cipher;
pub mod commonjs;
pub mod crypto_native;
pub mod keys;
pub mod require;
pub mod ticks;
pub mod vm_native;

use rquickjs::{Ctx, JsLifetime};

/// The app's variables, as `process.env` shows them.
#[derive(Default)]
pub struct ProcessEnv(pub Vec<(String, String)>);

// SAFETY: `ProcessEnv` holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for ProcessEnv {
    type Changed<'to> = ProcessEnv;
}

/// `processEnv()` for `node:process`: `[name, value]` pairs.
pub fn process_env(ctx: Ctx<'_>) -> Vec<Vec<String>> {
    ctx.userdata::<ProcessEnv>()
        .map(|env| {
            env.0
                .iter()
                .map(|(k, v)| vec![k.clone(), v.clone()])
                .collect()
        })
        .unwrap_or_default()
}

/// `(name, bytecode)` of every built-in module.
static MODULES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/node_modules.rs"));

/// The bytecode of built-in `name` (without the `node:` prefix).
fn bytecode(name: &str) -> Option<&'static [u8]> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// Built-ins reached only with the `node:` prefix (their bare names belong to npm packages).
const PREFIX_ONLY: [&str; 1] = ["test"];

/// The module name a specifier stands for when it names a built-in: `node:<name>`.
pub fn canonical(specifier: &str) -> Option<String> {
    let prefixed = specifier.starts_with("node:");
    let name = specifier.strip_prefix("node:").unwrap_or(specifier);
    if name.starts_with("internal/") || (!prefixed && PREFIX_ONLY.contains(&name)) {
        return None;
    }
    bytecode(name).map(|_| format!("node:{name}"))
}

/// The module a platform specifier stands for: the Sockets API, as Workers code imports it
/// (`cloudflare:sockets`) or by Edge's own name (`edge:sockets`). Always available.
pub fn platform_module(specifier: &str) -> Option<&'static str> {
    match specifier {
        "cloudflare:sockets" | "edge:sockets" => Some("node:internal/sockets"),
        _ => None,
    }
}

/// Whether `specifier` uses the `node:` scheme (a built-in, known or not).
pub fn is_node_scheme(specifier: &str) -> bool {
    specifier.starts_with("node:")
}

/// The bytecode of module `node:<name>`.
pub fn module_bytecode(module_name: &str) -> Option<&'static [u8]> {
    bytecode(module_name.strip_prefix("node:")?)
}
