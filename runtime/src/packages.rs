//! npm package resolution for bare specifiers (`import { SignJWT } from "jose"`): the nearest
//! `node_modules/<name>` above the importing file, then the package's `exports` map (with the
//! conditions an edge runtime matches, in order), or its `module`/`main` fields.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// How the specifier is being loaded: by `import` or by CommonJS `require()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Import,
    Require,
}

/// The export conditions Edge matches for `import` (as workerd and bundlers targeting workers
/// do); `require()` matches `require` in place of `import`. An `exports` object is read in
/// its own key order, as Node does.
const CONDITIONS: [&str; 6] = [
    "workerd",
    "worker",
    "edge-light",
    "browser",
    "import",
    "default",
];
const REQUIRE_CONDITIONS: [&str; 6] = [
    "workerd",
    "worker",
    "edge-light",
    "browser",
    "require",
    "default",
];

impl Mode {
    fn conditions(self) -> &'static [&'static str; 6] {
        match self {
            Mode::Import => &CONDITIONS,
            Mode::Require => &REQUIRE_CONDITIONS,
        }
    }

    /// The package.json fields naming the entry point when there is no `exports` map.
    fn entry_fields(self) -> &'static [&'static str] {
        match self {
            Mode::Import => &["module", "main"],
            Mode::Require => &["main"],
        }
    }
}

/// Splits `@scope/name/sub/path` or `name/sub/path` into the package name and the subpath
/// (`.` or `./sub/path`).
fn split(specifier: &str) -> Option<(&str, String)> {
    let mut parts = specifier.splitn(if specifier.starts_with('@') { 3 } else { 2 }, '/');
    let first = parts.next()?;
    let name_len = if specifier.starts_with('@') {
        first.len() + 1 + parts.next()?.len()
    } else {
        first.len()
    };
    let name = &specifier[..name_len];
    let rest = &specifier[name_len..];
    if name.is_empty() || name.ends_with('/') {
        return None;
    }
    Some((
        name,
        if rest.is_empty() {
            ".".into()
        } else {
            format!(".{rest}")
        },
    ))
}

/// Why a bare specifier did not resolve.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("package '{0}' not found in any node_modules folder above {1} (run npm install?)")]
    NotFound(String, String),
    #[error("package '{package}' does not export '{subpath}' for the conditions {conditions:?}")]
    NotExported {
        package: String,
        subpath: String,
        conditions: &'static [&'static str; 6],
    },
    #[error("{0}: {1}")]
    BadManifest(String, String),
}

/// Resolves `specifier` imported (or required, per `mode`) from a file in `from_dir` to a
/// file path.
pub fn resolve(specifier: &str, from_dir: &Path, mode: Mode) -> Result<PathBuf, PackageError> {
    let (name, subpath) = split(specifier)
        .ok_or_else(|| PackageError::NotFound(specifier.into(), from_dir.display().to_string()))?;
    let root = from_dir
        .ancestors()
        .map(|dir| dir.join("node_modules").join(name))
        .find(|dir| dir.is_dir())
        .ok_or_else(|| PackageError::NotFound(name.into(), from_dir.display().to_string()))?;
    let manifest_path = root.join("package.json");
    let manifest: Value = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            PackageError::BadManifest(manifest_path.display().to_string(), e.to_string())
        })?,
        Err(_) => Value::Null,
    };
    if let Some(exports) = manifest.get("exports") {
        let target =
            exports_target(exports, &subpath, mode).ok_or_else(|| PackageError::NotExported {
                package: name.into(),
                subpath: subpath.clone(),
                conditions: mode.conditions(),
            })?;
        return Ok(root.join(target.trim_start_matches("./")));
    }
    if subpath != "." {
        return Ok(root.join(&subpath[2..]));
    }
    for field in mode.entry_fields() {
        if let Some(entry) = manifest.get(field).and_then(Value::as_str) {
            return Ok(root.join(entry.trim_start_matches("./")));
        }
    }
    Ok(root.join("index.js"))
}

/// Resolves a `#name` specifier through the `imports` map of the package.json nearest above
/// `from_dir` (a package's private aliases): a target is a path in the package, or a bare
/// specifier resolved as a package.
pub fn resolve_internal(
    specifier: &str,
    from_dir: &Path,
    mode: Mode,
) -> Result<PathBuf, PackageError> {
    let not_found = || PackageError::NotFound(specifier.into(), from_dir.display().to_string());
    let (root, manifest) = from_dir
        .ancestors()
        .find_map(|dir| {
            let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
            Some((dir.to_path_buf(), text))
        })
        .ok_or_else(not_found)?;
    let manifest: Value = serde_json::from_str(&manifest).map_err(|e| {
        PackageError::BadManifest(
            root.join("package.json").display().to_string(),
            e.to_string(),
        )
    })?;
    let imports = manifest.get("imports").ok_or_else(not_found)?;
    let target =
        subpath_target(imports, specifier, mode).ok_or_else(|| PackageError::NotExported {
            package: root.display().to_string(),
            subpath: specifier.into(),
            conditions: mode.conditions(),
        })?;
    if let Some(local) = target.strip_prefix("./") {
        Ok(root.join(local))
    } else {
        resolve(&target, &root, mode)
    }
}

/// The target of `subpath` in an `exports` value (a string, a conditions object, an array, or
/// a map of subpaths, with `*` patterns).
fn exports_target(exports: &Value, subpath: &str, mode: Mode) -> Option<String> {
    let is_subpath_map = exports
        .as_object()
        .is_some_and(|m| m.keys().next().is_some_and(|k| k.starts_with('.')));
    if !is_subpath_map {
        return (subpath == ".")
            .then(|| conditional(exports, None, mode))
            .flatten();
    }
    subpath_target(exports, subpath, mode)
}

/// The target of `key` in a map of subpaths (`exports`) or of `#names` (`imports`), exact
/// keys first, then the longest matching `*` pattern.
fn subpath_target(map: &Value, subpath: &str, mode: Mode) -> Option<String> {
    let map = map.as_object()?;
    if let Some(v) = map.get(subpath) {
        return conditional(v, None, mode);
    }
    // The longest matching pattern wins.
    let mut best: Option<(&str, &str, &Value)> = None;
    for (key, value) in map {
        let Some((prefix, suffix)) = key.split_once('*') else {
            continue;
        };
        if subpath.starts_with(prefix)
            && subpath.ends_with(suffix)
            && subpath.len() >= prefix.len() + suffix.len()
            && best.is_none_or(|(p, _, _)| prefix.len() > p.len())
        {
            best = Some((prefix, suffix, value));
        }
    }
    let (prefix, suffix, value) = best?;
    let star = &subpath[prefix.len()..subpath.len() - suffix.len()];
    conditional(value, Some(star), mode)
}

/// Picks the first matching condition; `star` replaces `*` in the chosen target.
fn conditional(value: &Value, star: Option<&str>, mode: Mode) -> Option<String> {
    match value {
        Value::String(s) => Some(match star {
            Some(star) => s.replace('*', star),
            None => s.clone(),
        }),
        Value::Array(items) => items.iter().find_map(|v| conditional(v, star, mode)),
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| mode.conditions().contains(&k.as_str()))
            .find_map(|(_, v)| conditional(v, star, mode)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_names() {
        assert_eq!(split("jose"), Some(("jose", ".".into())));
        assert_eq!(split("jose/jwt/sign"), Some(("jose", "./jwt/sign".into())));
        assert_eq!(split("@scope/pkg"), Some(("@scope/pkg", ".".into())));
        assert_eq!(split("@scope/pkg/a"), Some(("@scope/pkg", "./a".into())));
    }

    #[test]
    fn reads_exports() {
        let exports = json!({
            ".": { "types": "./t.d.ts", "node": "./node.js", "browser": "./web.js", "default": "./d.js" },
            "./jwt/*": { "default": "./dist/jwt/*.js" },
            "./errors": "./errors.js"
        });
        assert_eq!(
            exports_target(&exports, ".", Mode::Import).as_deref(),
            Some("./web.js")
        );
        assert_eq!(
            exports_target(&exports, "./jwt/sign", Mode::Import).as_deref(),
            Some("./dist/jwt/sign.js")
        );
        assert_eq!(
            exports_target(&exports, "./errors", Mode::Import).as_deref(),
            Some("./errors.js")
        );
        assert_eq!(exports_target(&exports, "./missing", Mode::Import), None);
        let imports = json!({ "#dep": { "worker": "./dep-worker.js", "default": "./dep.js" }, "#lib/*": "./src/lib/*.js" });
        assert_eq!(
            subpath_target(&imports, "#dep", Mode::Import).as_deref(),
            Some("./dep-worker.js")
        );
        assert_eq!(
            subpath_target(&imports, "#lib/a", Mode::Require).as_deref(),
            Some("./src/lib/a.js")
        );
        assert_eq!(
            exports_target(&json!("./main.js"), ".", Mode::Import).as_deref(),
            Some("./main.js")
        );
        assert_eq!(
            exports_target(
                &json!({ "import": "./m.mjs", "require": "./c.cjs" }),
                ".",
                Mode::Import
            )
            .as_deref(),
            Some("./m.mjs")
        );
        assert_eq!(
            exports_target(
                &json!({ "import": "./m.mjs", "require": "./c.cjs" }),
                ".",
                Mode::Require
            )
            .as_deref(),
            Some("./c.cjs")
        );
    }
}
