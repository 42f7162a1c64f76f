//! The native half of CommonJS `require()` (the JS half is `internal_cjs.js`): resolving a
//! specifier, reading a file with its format, compiling a CommonJS file into its wrapper
//! function, and loading an ES module or built-in synchronously. Files are confined to the
//! app's module root, as imports are.

use std::ffi::CString;
use std::path::{Path, PathBuf};

use rquickjs::{qjs, Ctx, Error, Exception, Function, JsLifetime, Result, Value};

use super::commonjs::{self, Required};
use crate::loader::{self, SharedLoaderState};

/// What `require()` needs from the isolate: the module root and the loader's record of files.
pub struct RequireHost {
    pub root: Option<PathBuf>,
    pub state: SharedLoaderState,
    /// Whether built-in modules may be required (the app's `node_compat`).
    pub node_compat: bool,
}

// SAFETY: `RequireHost` holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for RequireHost {
    type Changed<'to> = RequireHost;
}

fn root(ctx: &Ctx<'_>) -> Option<PathBuf> {
    ctx.userdata::<RequireHost>().and_then(|h| h.root.clone())
}

/// Throws an `Error` with Node's `code`.
fn throw_coded(ctx: &Ctx<'_>, message: &str, code: &str) -> Error {
    match Exception::from_message(ctx.clone(), message) {
        Ok(err) => {
            let _ = err.set("code", code);
            err.throw()
        }
        Err(e) => e,
    }
}

/// `resolve(specifier, parentPath)`: `node:<name>` for a built-in, else the file's path.
pub fn resolve(ctx: Ctx<'_>, specifier: String, parent: String) -> Result<String> {
    let parent = loader::module_path(&parent);
    let node_compat = ctx.userdata::<RequireHost>().is_none_or(|h| h.node_compat);
    match commonjs::resolve(&specifier, &parent, root(&ctx).as_deref()) {
        Ok(Required::Builtin(_)) if !node_compat => Err(throw_coded(
            &ctx,
            &format!("Cannot require '{specifier}': Node built-in modules are off for this app (node_compat = false)"),
            "ERR_UNKNOWN_BUILTIN_MODULE",
        )),
        Ok(Required::Builtin(name)) => Ok(name),
        Ok(Required::File(path)) => Ok(path.display().to_string()),
        Err(commonjs::RequireError::NoBuiltin(_)) => Err(throw_coded(
            &ctx,
            &format!("No such built-in module: {specifier}"),
            "ERR_UNKNOWN_BUILTIN_MODULE",
        )),
        Err(e) => Err(throw_coded(&ctx, &e.to_string(), "MODULE_NOT_FOUND")),
    }
}

/// `read(path)`: `[format, source]`, the format being `commonjs`, `json` or `module`.
pub fn read(ctx: Ctx<'_>, path: String) -> Result<Vec<String>> {
    let path = PathBuf::from(path);
    if !loader::inside_root(root(&ctx).as_deref(), &path) {
        return Err(throw_coded(
            &ctx,
            &format!(
                "Cannot require {}: outside the app's directory",
                path.display()
            ),
            "MODULE_NOT_FOUND",
        ));
    }
    let source = std::fs::read_to_string(&path).map_err(|e| {
        throw_coded(
            &ctx,
            &format!("Cannot read {}: {e}", path.display()),
            "MODULE_NOT_FOUND",
        )
    })?;
    if let Some(host) = ctx.userdata::<RequireHost>() {
        host.state.lock().unwrap().files.push(path.clone());
    }
    let format = commonjs::classify(&path, &source);
    Ok(vec![format.label().to_string(), source])
}

/// `compile(source, path)`: the function `(exports, require, module, __filename, __dirname)`
/// whose body is the CommonJS file (its line numbers unchanged).
pub fn compile<'js>(ctx: Ctx<'js>, source: String, path: String) -> Result<Function<'js>> {
    let body = match source.strip_prefix("#!") {
        // A shebang line stays a line, so that line numbers hold.
        Some(rest) => format!("//{rest}"),
        None => source,
    };
    let wrapped =
        format!("(function (exports, require, module, __filename, __dirname) {{ {body}\n}})");
    let mut options = rquickjs::context::EvalOptions::default();
    options.global = true;
    options.strict = false;
    options.filename = Some(path);
    ctx.eval_with_options(wrapped, options)
}

/// `requireModule(name)`: the namespace of ES module or built-in `name` (a path or
/// `node:<name>`), loaded and evaluated synchronously.
pub fn require_module<'js>(ctx: Ctx<'js>, name: String) -> Result<Value<'js>> {
    let name = if name.starts_with("node:") {
        name
    } else {
        loader::module_name(Path::new(&name))
    };
    let (Ok(base), Ok(name)) = (CString::new("edge:require"), CString::new(name)) else {
        return Err(Exception::throw_type(
            &ctx,
            "module names cannot contain NUL",
        ));
    };
    // SAFETY: `ctx` is live and both strings are NUL-terminated and outlive the call. The
    // engine returns an owned value or the exception marker (the exception then pending).
    unsafe {
        let raw = qjs::JS_RequireModule(ctx.as_raw().as_ptr(), base.as_ptr(), name.as_ptr());
        if qjs::JS_VALUE_GET_TAG(raw) == qjs::JS_TAG_EXCEPTION {
            return Err(Error::Exception);
        }
        Ok(Value::from_raw(ctx.clone(), raw))
    }
}
