//! Source maps for stack traces: `err.stack` and `Error.prepareStackTrace` call sites name the
//! file, line and column the app's author wrote, not those of the JavaScript that runs. A
//! module's map comes from the TypeScript transpiler (`edge dev`) or from the file its
//! `//# sourceMappingURL=` comment names (bundles made by `edge deploy`; inline `data:` maps
//! too). Maps are kept once per process, by module name, decoded to a sorted table; the
//! engine asks through a hook (`JS_SetSourcePositionHook`, an engine patch) per stack frame.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, RwLock};

use base64::Engine as _;

/// Modules with a map, at most; past it the table starts again (maps are re-read on load).
const MAX_MODULES: usize = 20_000;

/// One module's map: positions in the generated code to positions in a source.
struct Mapped {
    /// Identifies the generated code the map belongs to.
    code_hash: u64,
    /// `(generated line, generated column, source line, source column, source index)`, all
    /// 0-based, sorted by generated position.
    tokens: Vec<[u32; 5]>,
    /// Per source index: the name to show instead of the module's, when it differs.
    names: Vec<Option<String>>,
}

static TABLE: LazyLock<RwLock<HashMap<String, Arc<Mapped>>>> = LazyLock::new(Default::default);
/// Whether any map was registered: until then the hook returns at once.
static ANY: AtomicBool = AtomicBool::new(false);

/// A hash of a module's code, to tell a map of the same module name apart after a change.
pub fn code_hash(code: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    code.hash(&mut h);
    h.finish()
}

/// Whether a map for `module` and this code is registered already.
fn known(module: &str, code_hash: u64) -> bool {
    TABLE
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(module)
        .is_some_and(|m| m.code_hash == code_hash)
}

/// Decodes `map_json` and keeps it for `module` (a module name, a `file://` URL). A map that
/// does not parse is ignored: stacks then show generated positions.
pub fn register(module: &str, code_hash: u64, map_json: &str) {
    let Ok(map) = oxc_sourcemap::SourceMap::from_json_string(map_json) else {
        return;
    };
    let base = url::Url::parse(module).ok();
    let names = map
        .get_sources()
        .map(|source| {
            let joined = base
                .as_ref()
                .and_then(|b| b.join(source).ok())
                .map(String::from)
                .unwrap_or_else(|| source.to_owned());
            (joined != module).then_some(joined)
        })
        .collect();
    let mut tokens: Vec<[u32; 5]> = map
        .get_tokens()
        .filter_map(|t| {
            Some([
                t.get_dst_line(),
                t.get_dst_col(),
                t.get_src_line(),
                t.get_src_col(),
                t.get_source_id()?,
            ])
        })
        .collect();
    tokens.sort_unstable_by_key(|t| (t[0], t[1]));
    let mapped = Arc::new(Mapped {
        code_hash,
        tokens,
        names,
    });
    let mut table = TABLE.write().unwrap_or_else(|e| e.into_inner());
    if table.len() >= MAX_MODULES {
        table.clear();
    }
    table.insert(module.to_owned(), mapped);
    ANY.store(true, Ordering::Release);
}

/// Registers the map a JavaScript module's `//# sourceMappingURL=` comment names: a file
/// beside it (read only if it is inside `root`), or an inline base64 `data:` URL. Files in
/// `node_modules` are skipped: their maps point at sources that are not shipped.
pub fn register_from_comment(module: &str, path: &Path, code: &str, root: Option<&Path>) {
    let mut start = code.len().saturating_sub(4096);
    while !code.is_char_boundary(start) {
        start += 1;
    }
    let tail = &code[start..];
    let Some(at) = tail.rfind("//# sourceMappingURL=") else {
        return;
    };
    if path.components().any(|c| c.as_os_str() == "node_modules") {
        return;
    }
    let hash = code_hash(code);
    if known(module, hash) {
        return;
    }
    let reference = tail[at + "//# sourceMappingURL=".len()..]
        .lines()
        .next()
        .unwrap_or("")
        .trim();
    let json = if let Some(data) = reference.strip_prefix("data:") {
        let Some((_, encoded)) = data.split_once(";base64,") else {
            return;
        };
        match base64::engine::general_purpose::STANDARD.decode(encoded) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(_) => return,
        }
    } else {
        if reference.contains(':') || reference.is_empty() {
            return;
        }
        let Some(file) = path.parent().map(|d| d.join(reference)) else {
            return;
        };
        if !crate::loader::inside_root(root, &file) {
            return;
        }
        match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(_) => return,
        }
    };
    register(module, hash, &json);
}

/// The source position of generated `line`/`col` (1-based) in `module`, with the name to
/// show for the file when it differs.
fn lookup(module: &str, line: u32, col: u32) -> Option<(u32, u32, Option<String>)> {
    let table = TABLE.read().unwrap_or_else(|e| e.into_inner());
    let mapped = table.get(module)?;
    let (line0, col0) = (line.checked_sub(1)?, col.saturating_sub(1));
    // The last token at or before the position on its line, else the line's first token.
    let after = mapped
        .tokens
        .partition_point(|t| (t[0], t[1]) <= (line0, col0));
    let token = after
        .checked_sub(1)
        .map(|i| &mapped.tokens[i])
        .filter(|t| t[0] == line0)
        .or_else(|| mapped.tokens.get(after).filter(|t| t[0] == line0))?;
    let name = mapped.names.get(token[4] as usize).cloned().flatten();
    Some((token[2].checked_add(1)?, token[3].checked_add(1)?, name))
}

/// The engine's hook (see `quickjs.h`, Edge patch).
unsafe extern "C" fn position_hook(
    _opaque: *mut c_void,
    filename: *const c_char,
    line: *mut c_int,
    col: *mut c_int,
    name_buf: *mut c_char,
    name_len: usize,
) -> bool {
    // A panic must not cross into C (it would abort the process): it maps nothing instead.
    std::panic::catch_unwind(|| {
        // SAFETY: the engine passes a NUL-terminated `filename`, `line` and `col` pointing at
        // integers and `name_buf` holding `name_len` bytes, all valid for the call.
        unsafe { map_position(filename, line, col, name_buf, name_len) }
    })
    .unwrap_or(false)
}

/// The work of `position_hook`.
///
/// # Safety
/// As `position_hook`'s arguments.
unsafe fn map_position(
    filename: *const c_char,
    line: *mut c_int,
    col: *mut c_int,
    name_buf: *mut c_char,
    name_len: usize,
) -> bool {
    if !ANY.load(Ordering::Acquire) || filename.is_null() || line.is_null() || col.is_null() {
        return false;
    }
    // SAFETY: the engine passes a NUL-terminated file name and valid pointers to the line and
    // column for the duration of the call.
    let (module, l, c) = unsafe { (CStr::from_ptr(filename), *line, *col) };
    let Ok(module) = module.to_str() else {
        return false;
    };
    let (Ok(l), Ok(c)) = (u32::try_from(l), u32::try_from(c)) else {
        return false;
    };
    let Some((sl, sc, name)) = lookup(module, l, c) else {
        return false;
    };
    let (Ok(sl), Ok(sc)) = (c_int::try_from(sl), c_int::try_from(sc)) else {
        return false;
    };
    // SAFETY: as above; the engine reads them back after the call.
    unsafe {
        *line = sl;
        *col = sc;
    }
    match name {
        Some(name) if name.len() < name_len && !name.contains('\0') => {
            // SAFETY: `name_buf` holds `name_len` bytes; we write `name.len() + 1 <= name_len`.
            unsafe {
                std::ptr::copy_nonoverlapping(name.as_ptr(), name_buf.cast::<u8>(), name.len());
                *name_buf.add(name.len()) = 0;
            }
            true
        }
        _ => false,
    }
}

/// Installs the hook in the context's runtime.
pub fn install(ctx: &rquickjs::Ctx<'_>) {
    // SAFETY: the context (and its runtime) is alive; the hook is a plain function that never
    // calls into the engine, and needs no opaque data.
    unsafe {
        let rt = rquickjs::qjs::JS_GetRuntime(ctx.as_raw().as_ptr());
        rquickjs::qjs::JS_SetSourcePositionHook(rt, Some(position_hook), std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_generated_positions_to_the_source() {
        let src =
            "const a: number = 1;\n\n\nfunction f(): void {\n  throw new Error('x');\n}\nf();\n";
        let (code, map) =
            crate::typescript::strip_types_mapped(Path::new("/app/x.ts"), src).unwrap();
        let module = "file:///app/x.ts";
        register(module, code_hash(&code), &map);
        let gen_line = code.lines().position(|l| l.contains("throw")).unwrap() as u32 + 1;
        let gen_col = code
            .lines()
            .nth(gen_line as usize - 1)
            .unwrap()
            .find("throw")
            .unwrap() as u32
            + 1;
        let (line, col, name) = lookup(module, gen_line, gen_col).unwrap();
        assert_eq!((line, col, name), (5, 3, None));
        // A bundle's `x.js` maps back to `x.ts`.
        register("file:///b/x.js", 1, &map);
        // The comment is looked for in the code's tail, which may start inside a character.
        let code = format!("{}\n//# sourceMappingURL=x.js.map\n", "ア".repeat(2000));
        register_from_comment(
            "file:///nowhere/y.js",
            Path::new("/nowhere/y.js"),
            &code,
            None,
        );
        let (_, _, name) = lookup("file:///b/x.js", gen_line, gen_col).unwrap();
        assert_eq!(name.as_deref(), Some("file:///b/x.ts"));
        assert!(lookup("file:///nothing.js", 1, 1).is_none());
    }
}
