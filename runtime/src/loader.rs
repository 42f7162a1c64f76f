//! ES module resolution and loading from the file system: relative and absolute specifiers,
//! `file://` URLs, TypeScript sources (types stripped on load), JSON modules, and
//! `import.meta.url`. Modules are named by their `file://` URL. It remembers every file it
//! loaded so that `edge dev` can watch them. Compiled modules are shared through
//! `module_cache`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Exception, Module};

use crate::error::RuntimeError;
use crate::module_cache;
use crate::typescript;

/// State shared between the loader (owned by the engine) and the isolate.
#[derive(Default)]
pub struct LoaderState {
    /// Every source file loaded, in load order.
    pub files: Vec<PathBuf>,
    /// The first load error with a better description than the engine's exception.
    pub error: Option<RuntimeError>,
    /// The bytecode of the modules loaded from the cache: the engine refers to it rather than
    /// copying it, so it lives as long as the isolate's loader.
    pub bytecode: Vec<Arc<[u8]>>,
    /// The app's entry module: a CommonJS entry is Node's `require.main`, its top level run as
    /// a task (its `nextTick`s before its promise jobs).
    pub entry: Option<String>,
}

pub type SharedLoaderState = Arc<Mutex<LoaderState>>;

/// Turns a path into the module name used by the engine.
pub fn module_name(path: &Path) -> String {
    url::Url::from_file_path(path)
        .map(String::from)
        .unwrap_or_else(|_| path.display().to_string())
}

/// The file path a module name stands for.
pub fn module_path(name: &str) -> PathBuf {
    url::Url::parse(name)
        .ok()
        .filter(|u| u.scheme() == "file")
        .and_then(|u| u.to_file_path().ok())
        .unwrap_or_else(|| PathBuf::from(name))
}

const EXTENSIONS: [&str; 4] = ["ts", "js", "mjs", "mts"];

/// `path` with `.<ext>` appended, for the first extension that names a file.
pub fn with_first_extension(path: &Path, extensions: &[&str]) -> Option<PathBuf> {
    extensions.iter().find_map(|ext| {
        let mut candidate = path.as_os_str().to_owned();
        candidate.push(".");
        candidate.push(ext);
        let candidate = PathBuf::from(candidate);
        candidate.is_file().then_some(candidate)
    })
}

/// `dir/index.<ext>`, for the first extension that names a file.
pub fn index_file(dir: &Path, extensions: &[&str]) -> Option<PathBuf> {
    extensions
        .iter()
        .map(|ext| dir.join(format!("index.{ext}")))
        .find(|candidate| candidate.is_file())
}

/// Finds the file a path specifier designates, trying the usual extensions and index files.
fn probe(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    // `./x.js` written in TypeScript sources for a file that is really `./x.ts`.
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        let ts = match ext {
            "js" => Some("ts"),
            "mjs" => Some("mts"),
            _ => None,
        };
        if let Some(ts) = ts {
            let candidate = path.with_extension(ts);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    if let Some(found) = with_first_extension(path, &EXTENSIONS) {
        return Some(found);
    }
    if path.is_dir() {
        return index_file(path, &EXTENSIONS);
    }
    None
}

/// Resolves specifiers relative to the importing module's file. With a `root`, only files
/// inside that directory (after following symlinks) can be modules: a tenant's app cannot
/// import another tenant's files or the host's.
pub struct FileResolver {
    pub root: Option<PathBuf>,
    /// Whether Node's built-in modules can be imported (the app's `node_compat`).
    pub node_compat: bool,
}

/// Whether `path` may be loaded under `root`.
pub fn inside_root(root: Option<&Path>, path: &Path) -> bool {
    match root {
        None => true,
        Some(root) => std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(root)),
    }
}

impl Resolver for FileResolver {
    fn resolve<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<String> {
        if let Some(module) = crate::node::platform_module(name) {
            return Ok(module.to_string());
        }
        // Node's built-ins, by `node:` name or bare name (which wins over a package, as in Node).
        if let Some(builtin) = crate::node::canonical(name) {
            if !self.node_compat && !crate::node::is_node_scheme(base) {
                return Err(Exception::throw_message(
                    ctx,
                    &format!(
                        "cannot import '{name}' from {base}: Node built-in modules are off for this app (node_compat = false)"
                    ),
                ));
            }
            return Ok(builtin);
        }
        // The CommonJS loader, for the modules standing for CommonJS files, and the built-ins'
        // internal modules, for the built-ins.
        if name == "edge:cjs" {
            return Ok("node:internal/cjs".to_string());
        }
        // The JS side of the app's bindings, which the runtime loads to build `env`.
        if name == "edge:bindings" {
            return Ok("node:internal/bindings".to_string());
        }
        // The JS half of WebAssembly, which the bootstrap loads on first use.
        if name == "edge:wasm" {
            return Ok("node:internal/wasm".to_string());
        }
        // The JS half of Intl, which the bootstrap loads on first use.
        if name == "edge:intl" {
            return Ok("node:internal/intl".to_string());
        }
        // The JS half of Temporal, which the bootstrap loads on first use.
        if name == "edge:temporal" {
            return Ok("node:internal/temporal".to_string());
        }
        // The JS half of WebSockets, which the bootstrap loads on first use.
        if name == "edge:websocket" {
            return Ok("node:internal/websocket".to_string());
        }
        if name.starts_with("node:internal/")
            && crate::node::is_node_scheme(base)
            && crate::node::module_bytecode(name).is_some()
        {
            return Ok(name.to_string());
        }
        // The bootstrap's exports, for the built-ins only (`edge:bootstrap` is loaded already).
        if name == "edge:bootstrap" && crate::node::is_node_scheme(base) {
            return Ok(name.to_string());
        }
        if crate::node::is_node_scheme(name) {
            return Err(Exception::throw_message(
                ctx,
                &format!(
                    "cannot resolve '{name}' from {base}: Edge has no such Node built-in module"
                ),
            ));
        }
        let target = import_target(name, &module_path(base)).map_err(|e| {
            Exception::throw_message(ctx, &format!("cannot resolve '{name}' from {base}: {e}"))
        })?;
        match probe(&normalize(&target)) {
            Some(found) if !inside_root(self.root.as_deref(), &found) => {
                Err(Exception::throw_message(
                    ctx,
                    &format!("module not found: '{name}' is outside the app's directory"),
                ))
            }
            Some(found) => Ok(module_name(&found)),
            None => Err(Exception::throw_message(
                ctx,
                &format!("module not found: '{name}' (imported from {base})"),
            )),
        }
    }
}

/// The path an `import` of `name` (not a built-in) from the file `base` designates, before
/// probing extensions: relative, absolute, `file://`, `#internal` (the package's `imports`)
/// or a package from `node_modules`.
fn import_target(name: &str, base: &Path) -> Result<PathBuf, String> {
    // `import wasm from "./x.wasm?module"` (the form some packages use for Workers): the file.
    let name = name
        .strip_suffix("?module")
        .filter(|n| n.ends_with(".wasm"))
        .unwrap_or(name);
    let dir = base.parent().unwrap_or_else(|| Path::new("."));
    if name.starts_with("file://") {
        Ok(module_path(name))
    } else if name.starts_with('/') {
        Ok(PathBuf::from(name))
    } else if name.starts_with("./") || name.starts_with("../") {
        Ok(dir.join(name))
    } else if name.starts_with('#') {
        crate::packages::resolve_internal(name, dir, crate::packages::Mode::Import)
            .map_err(|e| e.to_string())
    } else if name.contains(':') {
        Err("unsupported import scheme".into())
    } else {
        crate::packages::resolve(name, dir, crate::packages::Mode::Import)
            .map_err(|e| e.to_string())
    }
}

/// Resolves an `import` of `name` from the file `base` to the file it loads, exactly as an
/// isolate does (for bundlers, which must pick the same files).
pub fn resolve_import_file(name: &str, base: &Path) -> Result<PathBuf, String> {
    let target = import_target(name, base)?;
    probe(&normalize(&target)).ok_or_else(|| "module not found".to_string())
}

/// Removes `.` and `..` components without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Reads module sources from disk, transpiling TypeScript and wrapping JSON.
pub struct FileLoader {
    pub state: SharedLoaderState,
    /// As [`FileResolver::root`].
    pub root: Option<PathBuf>,
}

impl Loader for FileLoader {
    /// Loads a module; a panic while loading (a bug) fails this import, never the process
    /// (the engine calls this across its C boundary, where a panic would abort).
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.load_module(ctx, name, attributes)
        }));
        attempt.unwrap_or_else(|_| {
            Err(Exception::throw_message(
                ctx,
                &format!("internal error while loading {name}"),
            ))
        })
    }
}

impl FileLoader {
    fn load_module<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        if let Some(bytecode) = crate::node::module_bytecode(name) {
            // SAFETY: the bytecode was written at build time by this same engine version
            // (`build.rs`), from our own module sources.
            return unsafe { Module::load(ctx.clone(), bytecode) };
        }
        let path = module_path(name);
        if !inside_root(self.root.as_deref(), &path) {
            return Err(Exception::throw_message(
                ctx,
                &format!(
                    "cannot read {}: outside the app's directory",
                    path.display()
                ),
            ));
        }
        if path.extension().is_some_and(|e| e == "wasm") {
            return self.load_wasm(ctx, name, &path);
        }
        let source = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) => {
                return Err(Exception::throw_message(
                    ctx,
                    &format!("cannot read {}: {e}", path.display()),
                ))
            }
        };
        self.state.lock().unwrap().files.push(path.clone());
        let is_json = attributes
            .and_then(|a| a.get_type().ok().flatten())
            .is_some_and(|t| t == "json")
            || path.extension().is_some_and(|e| e == "json");
        if !is_json && !typescript::is_typescript(&path) {
            crate::source_maps::register_from_comment(name, &path, &source, self.root.as_deref());
        }
        let is_entry = self.state.lock().unwrap().entry.as_deref() == Some(name);
        let key_name = if is_entry {
            format!("{name}#entry")
        } else {
            name.to_owned()
        };
        let key = module_cache::Key::new(&key_name, is_json, &source);
        if let Some(bytecode) = module_cache::get(&key) {
            // SAFETY: the bytes were written by this engine from a module of this process
            // (same version, same build), and they are kept alive with the loader state, as
            // the engine refers to them instead of copying.
            let module = unsafe { Module::load(ctx.clone(), &bytecode) }?;
            self.state.lock().unwrap().bytecode.push(bytecode);
            module.meta()?.set("url", name)?;
            return Ok(module);
        }
        let code = if is_json {
            ctx.json_parse(source.as_str())?;
            format!("export default {source};")
        } else if let format @ crate::node::commonjs::Format::CommonJs { .. } =
            &*crate::node::commonjs::classify(&path, &source)
        {
            let names = crate::node::commonjs::all_names(&path, format, self.root.as_deref());
            crate::node::commonjs::facade_source(name, &names, is_entry)
        } else if typescript::is_typescript(&path) {
            match typescript::strip_types_mapped(&path, &source) {
                Ok((js, map)) => {
                    crate::source_maps::register(
                        name,
                        crate::source_maps::code_hash(&source),
                        &map,
                    );
                    js
                }
                Err(err) => {
                    let text = err.to_string();
                    let mut state = self.state.lock().unwrap();
                    state.error.get_or_insert(err);
                    return Err(Exception::throw_syntax(ctx, &text));
                }
            }
        } else {
            source
        };
        let module = Module::declare(ctx.clone(), name, code)?;
        if let Ok(bytecode) = module.write(rquickjs::module::WriteOptions::default()) {
            module_cache::put(key, bytecode);
        }
        module.meta()?.set("url", name)?;
        Ok(module)
    }
}

impl FileLoader {
    /// A `.wasm` file: a module whose default export is the compiled `WebAssembly.Module` (as
    /// Workers give it). The bytes are compiled here (or taken from the compiled-module cache).
    fn load_wasm<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        path: &Path,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        let bytes = std::fs::read(path).map_err(|e| {
            Exception::throw_message(ctx, &format!("cannot read {}: {e}", path.display()))
        })?;
        self.state.lock().unwrap().files.push(path.to_owned());
        crate::wasm::preload(ctx, name, &bytes).map_err(|message| {
            Exception::throw_message(
                ctx,
                &format!(
                    "{} is not a valid WebAssembly module: {message}",
                    path.display()
                ),
            )
        })?;
        let code = format!(
            "import {{ loadedModule }} from \"edge:wasm\";\nexport default loadedModule({});\n",
            serde_json::Value::String(name.to_owned())
        );
        let module = Module::declare(ctx.clone(), name, code)?;
        module.meta()?.set("url", name)?;
        Ok(module)
    }
}

/// Converts the engine's description of a failed declare into our error, keeping location.
pub fn describe_syntax_error(message: &str, stack: Option<&str>) -> Option<RuntimeError> {
    // QuickJS puts the location of a syntax error in the first stack frame:
    // "    at file:///path/app.js:3:14"
    let frame = stack?.lines().next()?.trim().strip_prefix("at ")?;
    let frame = frame.trim_start_matches("file://");
    let mut parts = frame.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_string();
    Some(RuntimeError::Syntax {
        location: crate::error::SourceLocation { file, line, column },
        message: message.to_string(),
    })
}
