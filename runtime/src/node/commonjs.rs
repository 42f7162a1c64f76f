//! CommonJS files: telling them from ES modules (as Node does: the extension, the nearest
//! package.json's `type`, then the syntax), finding the names a CommonJS module exports (so
//! that `import { parse } from "cookie"` works), `require()` resolution, and the ES module
//! that stands for a CommonJS file when one is imported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use oxc::allocator::Allocator;
use oxc::ast::ast::{
    Argument, AssignmentTarget, CallExpression, Expression, ObjectPropertyKind, PropertyKey,
    PropertyKind, Statement,
};
use oxc::ast_visit::{walk, Visit};
use oxc::parser::Parser;
use oxc::span::SourceType;

use crate::packages::{self, Mode};

/// What a source file is to the loader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    EsModule,
    Json,
    /// CommonJS, with the names found assigned to its exports and the specifiers of the
    /// modules it re-exports whole.
    CommonJs {
        names: Vec<String>,
        reexports: Vec<String>,
    },
}

impl Format {
    /// The name `require` helpers use for it.
    pub fn label(&self) -> &'static str {
        match self {
            Format::EsModule => "module",
            Format::Json => "json",
            Format::CommonJs { .. } => "commonjs",
        }
    }
}

type Cache = Mutex<HashMap<(PathBuf, u64), Arc<Format>>>;

/// Classifications by path and source hash: a file is parsed once per process.
fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn hash(source: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    source.hash(&mut h);
    h.finish()
}

/// The `type` field of the package.json nearest to `path`, if any.
fn package_type(path: &Path) -> Option<String> {
    for dir in path.ancestors().skip(1) {
        let manifest = dir.join("package.json");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            let value: serde_json::Value = serde_json::from_str(&text).ok()?;
            return value.get("type").and_then(|t| t.as_str()).map(String::from);
        }
        if dir.file_name().is_some_and(|n| n == "node_modules") {
            return None;
        }
    }
    None
}

/// What `path` (with contents `source`) is.
pub fn classify(path: &Path, source: &str) -> Arc<Format> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "json" => return Arc::new(Format::Json),
        "mjs" | "mts" | "ts" | "tsx" => return Arc::new(Format::EsModule),
        _ => {}
    }
    // Most ES modules never mention these words: no need to parse them.
    if ext != "cjs" && !source.contains("require") && !source.contains("exports") {
        return Arc::new(Format::EsModule);
    }
    let key = (path.to_path_buf(), hash(source));
    if let Some(found) = cache().lock().unwrap().get(&key) {
        return found.clone();
    }
    let format = Arc::new(if ext == "cjs" || ext == "cts" {
        analyze(source).1
    } else if package_type(path).as_deref() == Some("module") {
        Format::EsModule
    } else {
        let (has_module_syntax, cjs) = analyze(source);
        if has_module_syntax || !matches!(cjs, Format::CommonJs { .. }) {
            Format::EsModule
        } else {
            cjs
        }
    });
    cache().lock().unwrap().insert(key, format.clone());
    format
}

/// Parses `source`: whether it has `import`/`export` syntax, and what it exports as CommonJS
/// (`Format::EsModule` when it never touches `module`, `exports` or `require`).
fn analyze(source: &str) -> (bool, Format) {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::unambiguous()).parse();
    let has_module_syntax = parsed.module_record.has_module_syntax;
    let mut finder = ExportFinder::default();
    finder.visit_program(&parsed.program);
    let format = if finder.uses_commonjs {
        let mut names = finder.names;
        names.sort();
        names.dedup();
        Format::CommonJs {
            names,
            reexports: finder.reexports,
        }
    } else {
        Format::EsModule
    };
    (has_module_syntax, format)
}

/// Collects what a CommonJS module assigns to its exports, wherever in the file (UMD wrappers
/// included): `exports.x =`, `module.exports.x =`, `module.exports = { x, y }`,
/// `Object.defineProperty(exports, "x", …)`, bundlers' `__export(exports, { x: … })` and the
/// `0 && (module.exports = { x })` hints they leave; and re-exports:
/// `module.exports = require("…")`, `__exportStar(require("…"), exports)`.
#[derive(Default)]
struct ExportFinder {
    names: Vec<String>,
    reexports: Vec<String>,
    uses_commonjs: bool,
}

fn is_ident(e: &Expression, name: &str) -> bool {
    matches!(e, Expression::Identifier(id) if id.name == name)
}

/// `exports` or `module.exports`.
fn is_exports(e: &Expression) -> bool {
    match e {
        Expression::Identifier(id) => id.name == "exports",
        Expression::StaticMemberExpression(m) => {
            is_ident(&m.object, "module") && m.property.name == "exports"
        }
        _ => false,
    }
}

/// The specifier of `require("x")`.
fn required(e: &Expression) -> Option<String> {
    let Expression::CallExpression(call) = e else {
        return None;
    };
    if !is_ident(&call.callee, "require") {
        return None;
    }
    match call.arguments.first()? {
        Argument::StringLiteral(s) => Some(s.value.to_string()),
        _ => None,
    }
}

fn key_name(key: &PropertyKey) -> Option<String> {
    match key {
        PropertyKey::StaticIdentifier(id) => Some(id.name.to_string()),
        PropertyKey::StringLiteral(s) => Some(s.value.to_string()),
        _ => None,
    }
}

impl ExportFinder {
    fn object_keys(&mut self, e: &Expression) {
        let Expression::ObjectExpression(obj) = e else {
            return;
        };
        for prop in &obj.properties {
            match prop {
                ObjectPropertyKind::ObjectProperty(p) => {
                    if let Some(name) = key_name(&p.key) {
                        self.names.push(name);
                    }
                }
                ObjectPropertyKind::SpreadProperty(s) => {
                    if let Some(spec) = required(&s.argument) {
                        self.reexports.push(spec);
                    }
                }
            }
        }
    }
}

impl<'a> Visit<'a> for ExportFinder {
    fn visit_identifier_reference(&mut self, it: &oxc::ast::ast::IdentifierReference<'a>) {
        if it.name == "module" || it.name == "exports" || it.name == "require" {
            self.uses_commonjs = true;
        }
    }

    fn visit_assignment_expression(&mut self, it: &oxc::ast::ast::AssignmentExpression<'a>) {
        if let AssignmentTarget::StaticMemberExpression(m) = &it.left {
            if is_exports(&m.object) {
                self.names.push(m.property.name.to_string());
            } else if is_ident(&m.object, "module") && m.property.name == "exports" {
                self.object_keys(&it.right);
                if let Some(spec) = required(&it.right) {
                    self.reexports.push(spec);
                }
            }
        } else if let AssignmentTarget::ComputedMemberExpression(m) = &it.left {
            if let (true, Expression::StringLiteral(s)) = (is_exports(&m.object), &m.expression) {
                self.names.push(s.value.to_string());
            }
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        let args = &it.arguments;
        let arg = |i: usize| args.get(i).and_then(|a| a.as_expression());
        match &it.callee {
            // Object.defineProperty(exports, "name", …)
            Expression::StaticMemberExpression(m)
                if is_ident(&m.object, "Object") && m.property.name == "defineProperty" =>
            {
                if let (Some(target), Some(Expression::StringLiteral(name))) = (arg(0), arg(1)) {
                    // A getter that does more than return a binding (one that warns, say) is
                    // not taken as an export: reading it at import would run it, and Node does
                    // not either.
                    if is_exports(target) && arg(2).is_none_or(plain_descriptor) {
                        self.names.push(name.value.to_string());
                    }
                }
            }
            // __export(target, { name: () => … }) / __exportStar(require("x"), exports)
            Expression::Identifier(id) => {
                let callee = id.name.as_str();
                if callee.ends_with("__export") {
                    if let Some(obj) = arg(1) {
                        self.object_keys(obj);
                    }
                } else if callee.ends_with("__exportStar") || callee.ends_with("__reExport") {
                    let source = if callee.ends_with("__reExport") {
                        arg(1)
                    } else {
                        arg(0)
                    };
                    if let Some(spec) = source.and_then(required) {
                        self.reexports.push(spec);
                    }
                }
            }
            // tslib.__exportStar(require("x"), exports)
            Expression::StaticMemberExpression(m) if m.property.name == "__exportStar" => {
                if let Some(spec) = arg(0).and_then(required) {
                    self.reexports.push(spec);
                }
            }
            _ => {}
        }
        walk::walk_call_expression(self, it);
    }
}

/// Where a `require()` specifier leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Required {
    /// A built-in module, as `node:<name>`.
    Builtin(String),
    File(PathBuf),
}

/// Why a `require()` did not resolve.
#[derive(Debug, thiserror::Error)]
pub enum RequireError {
    #[error("Cannot find module '{0}' (required from {1})")]
    NotFound(String, String),
    #[error("Cannot require '{0}': it is outside the app's directory")]
    OutsideRoot(String),
    #[error("Cannot require '{0}': Edge has no such Node built-in module")]
    NoBuiltin(String),
    #[error("{0}")]
    Package(#[from] packages::PackageError),
}

/// Node's file probing for `require()`: the path, then with `.js`, `.json`, `.cjs`, `.mjs`,
/// then a directory's package.json `main` or `index.*`.
fn probe(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    if let Some(found) =
        crate::loader::with_first_extension(path, &["js", "json", "cjs", "mjs", "ts"])
    {
        return Some(found);
    }
    if path.is_dir() {
        let main = std::fs::read_to_string(path.join("package.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("main").and_then(|m| m.as_str()).map(String::from));
        if let Some(main) = main {
            if let Some(found) = probe(&path.join(main)) {
                return Some(found);
            }
        }
        return crate::loader::index_file(path, &["js", "json", "cjs"]);
    }
    None
}

/// Resolves `specifier` required from the file `parent` (confined to `root` when set).
pub fn resolve(
    specifier: &str,
    parent: &Path,
    root: Option<&Path>,
) -> Result<Required, RequireError> {
    if let Some(builtin) = super::canonical(specifier) {
        return Ok(Required::Builtin(builtin));
    }
    if specifier.starts_with("node:") {
        return Err(RequireError::NoBuiltin(specifier.into()));
    }
    let dir = parent.parent().unwrap_or_else(|| Path::new("/"));
    let target = if specifier.starts_with("file://") {
        crate::loader::module_path(specifier)
    } else if specifier.starts_with('/') {
        PathBuf::from(specifier)
    } else if specifier.starts_with("./") || specifier.starts_with("../") || specifier == "." {
        dir.join(specifier)
    } else if specifier.starts_with('#') {
        packages::resolve_internal(specifier, dir, Mode::Require)?
    } else {
        packages::resolve(specifier, dir, Mode::Require)?
    };
    let found = probe(&crate::loader::normalize(&target))
        .ok_or_else(|| RequireError::NotFound(specifier.into(), parent.display().to_string()))?;
    if !crate::loader::inside_root(root, &found) {
        return Err(RequireError::OutsideRoot(specifier.into()));
    }
    Ok(Required::File(found))
}

/// Every name a CommonJS file exports, following its re-exports (to a small depth, once
/// each), for the ES module that stands for it.
pub fn all_names(path: &Path, format: &Format, root: Option<&Path>) -> Vec<String> {
    let mut names = Vec::new();
    let mut seen = vec![path.to_path_buf()];
    collect(path, format, root, &mut names, &mut seen, 0);
    names.sort();
    names.dedup();
    names.retain(|n| n != "default" && n != "__esModule");
    names
}

fn collect(
    path: &Path,
    format: &Format,
    root: Option<&Path>,
    names: &mut Vec<String>,
    seen: &mut Vec<PathBuf>,
    depth: usize,
) {
    let Format::CommonJs {
        names: own,
        reexports,
    } = format
    else {
        return;
    };
    names.extend(own.iter().cloned());
    if depth >= 8 {
        return;
    }
    for spec in reexports {
        let Ok(Required::File(file)) = resolve(spec, path, root) else {
            continue;
        };
        if seen.contains(&file) {
            continue;
        }
        seen.push(file.clone());
        if let Ok(source) = std::fs::read_to_string(&file) {
            let inner = classify(&file, &source);
            collect(&file, &inner, root, names, seen, depth + 1);
        }
    }
}

/// Whether a property descriptor is a value, or a getter that only returns a binding
/// (`get: function () { return m.x; }`, `get() { return x }`), as Node's lexer accepts.
fn plain_descriptor(descriptor: &Expression<'_>) -> bool {
    let Expression::ObjectExpression(obj) = descriptor else {
        return true;
    };
    let returns_binding = |body: &oxc::ast::ast::FunctionBody<'_>| -> bool {
        let returned = match body.statements.as_slice() {
            [Statement::ReturnStatement(r)] => r.argument.as_ref(),
            [Statement::ExpressionStatement(e)] => Some(&e.expression),
            _ => None,
        };
        matches!(
            returned,
            Some(Expression::Identifier(_) | Expression::StaticMemberExpression(_))
        )
    };
    obj.properties.iter().all(|p| {
        let ObjectPropertyKind::ObjectProperty(p) = p else {
            return true;
        };
        let is_get = p.kind == PropertyKind::Get || p.key.static_name().is_some_and(|k| k == "get");
        if !is_get {
            return true;
        }
        match &p.value {
            Expression::FunctionExpression(f) => {
                f.body.as_ref().is_some_and(|b| returns_binding(b))
            }
            _ => false,
        }
    })
}

/// The ES module that stands for CommonJS file `url` when it is imported: it runs the file
/// through `require` when evaluated, exports `module.exports` as the default (and as
/// `"module.exports"`, as Node does) and each name found as a named export. The app's entry
/// file is loaded as `require.main`.
pub fn facade_source(url: &str, names: &[String], entry: bool) -> String {
    let url = serde_json::to_string(url).unwrap_or_default();
    let mut out = format!(
        "import {{ loadCommonJs }} from \"edge:cjs\";\nconst m = loadCommonJs({url}, {entry});\nconst o = m ?? {{}};\nexport {{ m as default, m as \"module.exports\" }};\n"
    );
    for (i, name) in names.iter().enumerate() {
        let quoted = serde_json::to_string(name).unwrap_or_default();
        out.push_str(&format!(
            "const e{i} = o[{quoted}];\nexport {{ e{i} as {quoted} }};\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<String> {
        match analyze(src).1 {
            Format::CommonJs { names, .. } => names,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn finds_commonjs_exports() {
        assert_eq!(
            names("exports.a = 1; module.exports.b = 2; exports['c'] = 3;"),
            ["a", "b", "c"]
        );
        assert_eq!(
            names("function f(){}\nmodule.exports = { parse: f, serialize, 'x-y': 1 };"),
            ["parse", "serialize", "x-y"]
        );
        assert_eq!(
            names("Object.defineProperty(exports, \"__esModule\", { value: true });\nObject.defineProperty(exports, 'v4', { enumerable: true, get: function () { return x; } });"),
            ["__esModule", "v4"]
        );
        assert_eq!(
            names("Object.defineProperty(exports, 'a', { get() { return m.a; } });\nObject.defineProperty(exports, 'Promise', { get() { console.warn('no'); return Promise; } });\nObject.defineProperty(exports, 'b', { get: function () { return b; } });\nObject.defineProperty(exports, 'c', { get: () => c });"),
            ["a", "b"]
        );
        assert_eq!(
            names("var src_exports = {};\n__export(src_exports, { Hono: () => Hono, z: () => z });\nmodule.exports = __toCommonJS(src_exports);\n0 && (module.exports = { Hono, z });"),
            ["Hono", "z"]
        );
        let (esm, cjs) = analyze(
            "module.exports = require('./lib');\n__exportStar(require(\"./more\"), exports);",
        );
        assert!(!esm);
        assert_eq!(
            cjs,
            Format::CommonJs {
                names: vec![],
                reexports: vec!["./lib".into(), "./more".into()]
            }
        );
    }

    #[test]
    fn tells_modules_from_scripts() {
        assert_eq!(analyze("export const a = 1;").1, Format::EsModule);
        assert!(analyze("import x from 'y'; const exports = 1;").0);
        assert_eq!(
            analyze("addEventListener('fetch', () => {});").1,
            Format::EsModule
        );
        assert!(matches!(
            analyze("const x = require('x');").1,
            Format::CommonJs { .. }
        ));
    }

    #[test]
    fn facade_exports_each_name() {
        let src = facade_source("file:///a/b.js", &["parse".into(), "x-y".into()], false);
        assert!(src.contains("loadCommonJs(\"file:///a/b.js\", false)"));
        assert!(src.contains("export { e1 as \"x-y\" };"));
    }
}
