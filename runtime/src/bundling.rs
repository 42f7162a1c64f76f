//! What a bundler needs to pick exactly the files an isolate would load: import and
//! `require()` resolution (the loader's own), whether a file is CommonJS, and TypeScript
//! stripping with a source map.

use std::path::{Path, PathBuf};

pub use crate::typescript::strip_types_mapped;

/// Where a specifier leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A Node built-in, as `node:<name>`.
    Builtin(String),
    File(PathBuf),
}

/// Resolves `import "<specifier>"` in the file `importer` as an isolate does.
pub fn resolve_import(specifier: &str, importer: &Path) -> Result<Resolved, String> {
    if let Some(module) = crate::node::platform_module(specifier) {
        return Ok(Resolved::Builtin(module.to_string()));
    }
    if let Some(builtin) = crate::node::canonical(specifier) {
        return Ok(Resolved::Builtin(builtin));
    }
    if crate::node::is_node_scheme(specifier) {
        return Err("Edge has no such Node built-in module".into());
    }
    crate::loader::resolve_import_file(specifier, importer).map(Resolved::File)
}

/// Whether `bytes` is a WebAssembly module the runtime can compile; the reason if not.
pub fn validate_wasm(bytes: &[u8]) -> Result<(), String> {
    crate::wasm::validation_error(bytes).map_or(Ok(()), Err)
}

/// Resolves `require("<specifier>")` in the file `importer` as an isolate does.
pub fn resolve_require(specifier: &str, importer: &Path) -> Result<Resolved, String> {
    use crate::node::commonjs::{resolve, Required};
    match resolve(specifier, importer, None) {
        Ok(Required::Builtin(name)) => Ok(Resolved::Builtin(name)),
        Ok(Required::File(path)) => Ok(Resolved::File(path)),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether the file at `path` with this source is loaded as CommonJS.
pub fn is_commonjs(path: &Path, source: &str) -> bool {
    matches!(
        *crate::node::commonjs::classify(path, source),
        crate::node::commonjs::Format::CommonJs { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sockets_api_is_built_in_under_both_names() {
        for name in ["cloudflare:sockets", "edge:sockets"] {
            assert_eq!(
                resolve_import(name, Path::new("/app/index.js")),
                Ok(Resolved::Builtin("node:internal/sockets".into()))
            );
        }
        assert!(resolve_import("cloudflare:workers", Path::new("/app/index.js")).is_err());
    }
}
