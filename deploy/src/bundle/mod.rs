//! The bundler: walks the module graph from the entry, resolving every import and `require()`
//! exactly as an isolate will (the runtime's own resolver: relative paths, TypeScript's
//! extension conventions, packages from `node_modules` through their `exports`/`imports`
//! conditions or `main`/`module`), strips TypeScript with oxc (with a source map beside each
//! output), checks every file's syntax, and packs what was reached into one archive with a
//! manifest, named by its SHA-256. Files keep their paths relative to the project, so
//! CommonJS, JSON and packages load on the node as they do under `edge dev`.

mod archive;
pub mod scan;

use std::collections::{BTreeMap, VecDeque};
use std::path::{Component, Path, PathBuf};

use edge_runtime::bundling::{self, Resolved};
use edge_runtime::{is_typescript, RuntimeError};

pub use archive::MANIFEST;
use scan::{Dependency, Kind, Syntax};

/// Files in a bundle, at most (as the node takes).
const MAX_FILES: usize = 10_000;
/// Bytes unpacked, at most (as the node takes).
const MAX_UNPACKED: u64 = 256 << 20;

/// A bundle, ready to upload.
#[derive(Debug)]
pub struct Bundle {
    /// The archive: gzip-compressed tar with `manifest.json` and the files.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`, in hex: the bundle's name on the node.
    pub hash: String,
    /// The entry module's path in the bundle.
    pub main: String,
    /// Paths of the modules in the bundle (entry first).
    pub modules: Vec<String>,
    /// Paths of every file in the bundle (modules, package.json files, source maps).
    pub files: Vec<String>,
    /// The archive's contents: path -> bytes, `manifest.json` included (for other package
    /// formats, such as a Lambda zip).
    pub contents: BTreeMap<String, Vec<u8>>,
    /// Things the user may want to know (a `require()` that will not resolve, ...).
    pub warnings: Vec<String>,
}

/// Why a project did not bundle; locations are `file:line:column`.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{file}:{line}:{column}: {message}")]
    At {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{0}")]
    Other(String),
}

/// What the bundle is built for.
pub struct Options<'a> {
    pub name: &'a str,
    pub compatibility_date: Option<&'a str>,
    /// Whether Node's built-in modules may be imported.
    pub node_compat: bool,
}

/// What goes into the archive for one source file.
enum Output {
    /// The file as it is.
    Copy(Vec<u8>),
    /// A module written anew (TypeScript stripped), with its source map.
    Module { code: String, map: Option<String> },
}

struct Walker<'a> {
    /// The project folder (absolute, normalized): where the paths in errors start.
    project: PathBuf,
    options: &'a Options<'a>,
    outputs: BTreeMap<PathBuf, (PathBuf, Output)>,
    modules: Vec<PathBuf>,
    queue: VecDeque<PathBuf>,
    warnings: Vec<String>,
}

/// Removes `.` and `..` without touching the file system (symlinks stay as written, so a
/// linked `node_modules` is bundled under its place in the project).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Line and column (1-based, in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The output path of a source: TypeScript becomes JavaScript.
fn output_path(source: &Path) -> PathBuf {
    let ext = source.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "ts" | "tsx" => source.with_extension("js"),
        "mts" => source.with_extension("mjs"),
        "cts" => source.with_extension("cjs"),
        _ => source.to_path_buf(),
    }
}

const LOADABLE: [&str; 10] = [
    "js", "mjs", "cjs", "ts", "mts", "cts", "tsx", "jsx", "json", "wasm",
];

impl Walker<'_> {
    fn shown(&self, path: &Path) -> String {
        match path.strip_prefix(&self.project) {
            Ok(rel) => rel.display().to_string(),
            Err(_) => path.display().to_string(),
        }
    }

    fn at(&self, path: &Path, text: &str, offset: usize, message: String) -> BundleError {
        let (line, column) = line_col(text, offset);
        BundleError::At {
            file: self.shown(path),
            line,
            column,
            message,
        }
    }

    fn enqueue(&mut self, path: PathBuf) {
        if !self.outputs.contains_key(&path) && !self.queue.contains(&path) {
            self.queue.push_back(path);
        }
    }

    fn run(&mut self) -> Result<(), BundleError> {
        while let Some(path) = self.queue.pop_front() {
            if self.outputs.contains_key(&path) {
                continue;
            }
            self.file(&path)?;
        }
        Ok(())
    }

    /// Reads, checks and scans one file, and queues what it depends on.
    fn file(&mut self, path: &Path) -> Result<(), BundleError> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let bytes = std::fs::read(path)
            .map_err(|e| BundleError::Other(format!("cannot read {}: {e}", self.shown(path))))?;
        if ext == "json" {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                return Err(BundleError::At {
                    file: self.shown(path),
                    line: e.line(),
                    column: e.column(),
                    message: format!("invalid JSON: {e}"),
                });
            }
            self.outputs
                .insert(path.to_owned(), (path.to_owned(), Output::Copy(bytes)));
            self.modules.push(path.to_owned());
            return Ok(());
        }
        if ext == "wasm" {
            // Checked here, so a broken module fails the build, not the node's first request.
            if let Err(e) = bundling::validate_wasm(&bytes) {
                return Err(BundleError::Other(format!(
                    "{} is not a valid WebAssembly module: {e}",
                    self.shown(path)
                )));
            }
            self.outputs
                .insert(path.to_owned(), (path.to_owned(), Output::Copy(bytes)));
            self.modules.push(path.to_owned());
            return Ok(());
        }
        let source = String::from_utf8(bytes)
            .map_err(|_| BundleError::Other(format!("{} is not UTF-8", self.shown(path))))?;
        let (deps, output) = if is_typescript(path) {
            let (code, map) = bundling::strip_types_mapped(path, &source).map_err(|e| match e {
                RuntimeError::Syntax { location, message } => BundleError::At {
                    file: self.shown(path),
                    line: location.line as usize,
                    column: location.column as usize,
                    message: format!("syntax error: {message}"),
                },
                other => BundleError::Other(format!("{}: {other}", self.shown(path))),
            })?;
            let deps = scan::scan(&code, Syntax::Module).map_err(|e| {
                BundleError::Other(format!(
                    "{}: the TypeScript output does not parse ({}); please report this",
                    self.shown(path),
                    e.message
                ))
            })?;
            // Locations in errors point at the TypeScript source: find the specifier there; the
            // output's own offsets stay for rewriting.
            let deps: Vec<(Dependency, usize)> = deps
                .into_iter()
                .map(|d| {
                    let at = find_specifier(&source, &d.specifier).unwrap_or(0);
                    (
                        Dependency {
                            offset: at,
                            ..d.clone()
                        },
                        d.offset,
                    )
                })
                .collect();
            (
                deps,
                Output::Module {
                    code,
                    map: Some(map),
                },
            )
        } else {
            let syntax = if bundling::is_commonjs(path, &source) {
                Syntax::CommonJs
            } else {
                Syntax::Module
            };
            let deps = scan::scan(&source, syntax).map_err(|e| {
                self.at(
                    path,
                    &source,
                    e.offset,
                    format!("syntax error: {}", e.message),
                )
            })?;
            let deps = deps.into_iter().map(|d| {
                let at = d.offset;
                (d, at)
            });
            (deps.collect(), Output::Copy(source.clone().into_bytes()))
        };
        let mut renames = Vec::new();
        for (dep, out_offset) in deps {
            if let Some(renamed) = self.dependency(path, &source, &dep)? {
                renames.push((out_offset, dep.specifier, renamed));
            }
        }
        let output = rename_specifiers(output, renames);
        self.outputs
            .insert(path.to_owned(), (output_path(path), output));
        self.modules.push(path.to_owned());
        Ok(())
    }

    /// Resolves one dependency of `path` and queues its file; returns the specifier to write
    /// instead when the bundle renames its target (`./x.ts` is `./x.js` there).
    fn dependency(
        &mut self,
        path: &Path,
        source: &str,
        dep: &Dependency,
    ) -> Result<Option<String>, BundleError> {
        let resolved = match dep.kind {
            Kind::Require => bundling::resolve_require(&dep.specifier, path),
            Kind::Static | Kind::Dynamic => bundling::resolve_import(&dep.specifier, path),
        };
        let in_package = path.components().any(|c| c.as_os_str() == "node_modules");
        match resolved {
            Ok(Resolved::Builtin(name)) => {
                if !self.options.node_compat && dep.kind != Kind::Dynamic {
                    return Err(self.at(
                        path,
                        source,
                        dep.offset,
                        format!(
                            "'{}' is Node's built-in {name}, and node_compat = false in edge.toml",
                            dep.specifier
                        ),
                    ));
                }
                Ok(None)
            }
            Ok(Resolved::File(file)) => {
                let file = normalize(&file);
                let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !LOADABLE.contains(&ext) {
                    return Err(self.at(
                        path,
                        source,
                        dep.offset,
                        format!(
                            "'{}' is {}: only JavaScript, TypeScript, JSON and WebAssembly files can be imported",
                            dep.specifier,
                            self.shown(&file)
                        ),
                    ));
                }
                // `import "./x.ts"`: the bundle holds `./x.js`.
                let renamed = (is_typescript(&file) && is_typescript(Path::new(&dep.specifier)))
                    .then(|| output_path(Path::new(&dep.specifier)).display().to_string());
                self.enqueue(file);
                Ok(renamed)
            }
            Err(reason) => {
                let what = match dep.kind {
                    Kind::Static => "cannot resolve",
                    Kind::Dynamic => "import() of",
                    Kind::Require => "require() of",
                };
                if dep.kind == Kind::Static {
                    return Err(self.at(
                        path,
                        source,
                        dep.offset,
                        format!("{what} '{}': {reason}", dep.specifier),
                    ));
                }
                // Packages guard optional dependencies with try/catch; the user's own code
                // gets a warning, as it will throw there when it runs.
                if !in_package {
                    let (line, column) = line_col(source, dep.offset);
                    self.warnings.push(format!(
                        "{}:{line}:{column}: {what} '{}' does not resolve ({reason}); it will throw when it runs",
                        self.shown(path),
                        dep.specifier
                    ));
                }
                Ok(None)
            }
        }
    }
}

/// Writes each renamed specifier over its string literal in the output (at the offset the
/// scan found its opening quote), last first so that earlier offsets stay right.
fn rename_specifiers(output: Output, mut renames: Vec<(usize, String, String)>) -> Output {
    if renames.is_empty() {
        return output;
    }
    renames.sort_by_key(|r| std::cmp::Reverse(r.0));
    let apply = |mut text: String| {
        for (at, old, new) in &renames {
            let start = at + 1;
            if text
                .get(start..)
                .is_some_and(|rest| rest.starts_with(old.as_str()))
            {
                text.replace_range(start..start + old.len(), new);
            }
        }
        text
    };
    match output {
        Output::Module { code, map } => Output::Module {
            code: apply(code),
            map,
        },
        Output::Copy(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Output::Copy(apply(text).into_bytes()),
            Err(e) => Output::Copy(e.into_bytes()),
        },
    }
}

/// The offset of `specifier` as a string literal in `source`.
fn find_specifier(source: &str, specifier: &str) -> Option<usize> {
    ['"', '\'', '`']
        .iter()
        .filter_map(|q| source.find(&format!("{q}{specifier}{q}")))
        .min()
}

/// Bundles the app whose entry is `main` (relative to `project`).
pub fn build(project: &Path, main: &str, options: &Options) -> Result<Bundle, BundleError> {
    let project = normalize(
        &std::path::absolute(project)
            .map_err(|e| BundleError::Other(format!("cannot use {}: {e}", project.display())))?,
    );
    let entry = normalize(&project.join(main));
    if !entry.is_file() {
        return Err(BundleError::Other(format!(
            "main = \"{main}\" in edge.toml: there is no such file"
        )));
    }
    let mut walker = Walker {
        project: project.clone(),
        options,
        outputs: BTreeMap::new(),
        modules: Vec::new(),
        queue: VecDeque::from([entry.clone()]),
        warnings: Vec::new(),
    };
    walker.run()?;

    // Every package.json above a module, up to the project (or the modules' common folder):
    // the isolate reads them for `type`, `exports`, `imports` and `main`.
    let mut root = project.clone();
    for path in walker.outputs.keys() {
        while !path.starts_with(&root) && root.pop() {}
    }
    let mut manifests = BTreeMap::new();
    for path in walker.outputs.keys() {
        for dir in path.ancestors().skip(1) {
            if !dir.starts_with(&root) {
                break;
            }
            let pkg = dir.join("package.json");
            if !manifests.contains_key(&pkg) && !walker.outputs.contains_key(&pkg) && pkg.is_file()
            {
                let bytes = std::fs::read(&pkg).map_err(|e| {
                    BundleError::Other(format!("cannot read {}: {e}", walker.shown(&pkg)))
                })?;
                manifests.insert(pkg, bytes);
            }
        }
    }

    let rel = |p: &Path| -> String {
        p.strip_prefix(&root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut unpacked = 0u64;
    let mut add = |files: &mut BTreeMap<String, Vec<u8>>,
                   name: String,
                   data: Vec<u8>,
                   from: &Path|
     -> Result<(), BundleError> {
        unpacked += data.len() as u64;
        if files.insert(name.clone(), data).is_some() {
            return Err(BundleError::Other(format!(
                "two files would both be {name} in the bundle (one is {}): rename one",
                from.display()
            )));
        }
        Ok(())
    };
    for (source, (out, output)) in walker.outputs {
        let name = rel(&out);
        match output {
            Output::Copy(bytes) => add(&mut files, name, bytes, &source)?,
            Output::Module { mut code, map } => {
                if let Some(map) = map {
                    let map_name = format!("{name}.map");
                    let file_name = Path::new(&map_name)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    if !code.ends_with('\n') {
                        code.push('\n');
                    }
                    code.push_str(&format!("//# sourceMappingURL={file_name}\n"));
                    add(&mut files, map_name, map.into_bytes(), &source)?;
                }
                add(&mut files, name, code.into_bytes(), &source)?;
            }
        }
    }
    for (path, bytes) in manifests {
        let name = rel(&path);
        files.entry(name).or_insert(bytes);
    }
    if files.contains_key(MANIFEST) {
        return Err(BundleError::Other(format!(
            "the project has its own {MANIFEST} at the bundle's root, where the bundle's manifest goes: rename it"
        )));
    }
    if files.len() + 1 > MAX_FILES {
        return Err(BundleError::Other(format!(
            "the bundle would hold {} files; a node takes at most {MAX_FILES}",
            files.len() + 1
        )));
    }
    if unpacked > MAX_UNPACKED {
        return Err(BundleError::Other(format!(
            "the bundle would be {} MiB unpacked; a node takes at most {} MiB",
            unpacked >> 20,
            MAX_UNPACKED >> 20
        )));
    }
    let main = rel(&output_path(&entry));
    let modules: Vec<String> = walker
        .modules
        .iter()
        .map(|m| rel(&output_path(m)))
        .collect();
    let manifest = archive::Manifest {
        main: &main,
        name: options.name,
        compatibility_date: options.compatibility_date,
        generator: concat!("edge ", env!("CARGO_PKG_VERSION")),
        modules: &modules,
    };
    let bytes = archive::pack(&manifest, &files)
        .map_err(|e| BundleError::Other(format!("cannot write the bundle: {e}")))?;
    let manifest_bytes = archive::manifest_bytes(&manifest)
        .map_err(|e| BundleError::Other(format!("cannot write the manifest: {e}")))?;
    let mut names: Vec<String> = files.keys().cloned().collect();
    names.insert(0, MANIFEST.into());
    files.insert(MANIFEST.into(), manifest_bytes);
    Ok(Bundle {
        hash: archive::sha256_hex(&bytes),
        bytes,
        main,
        modules,
        files: names,
        contents: files,
        warnings: walker.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Options<'static> {
        Options {
            name: "t",
            compatibility_date: None,
            node_compat: true,
        }
    }

    #[test]
    fn a_ts_specifier_is_rewritten_where_it_is_imported_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.js"),
            "import { x } from \"./lib.ts\";\nconst label = \"./lib.ts\";\nexport default { fetch() { return new Response(x + label); } };\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("lib.ts"),
            "export const x: string = \"x\";\n",
        )
        .unwrap();
        let bundle = build(dir.path(), "index.js", &options()).unwrap();
        let index = String::from_utf8(bundle.contents["index.js"].clone()).unwrap();
        assert!(
            index.starts_with("import { x } from \"./lib.js\";"),
            "{index}"
        );
        assert!(index.contains("const label = \"./lib.ts\";"), "{index}");
        assert!(bundle.contents.contains_key("lib.js"));
        assert!(bundle.contents.contains_key("lib.js.map"));
    }

    #[test]
    fn a_project_manifest_json_at_the_root_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.js"),
            "import m from \"./manifest.json\";\nexport default { fetch() { return Response.json(m); } };\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("manifest.json"), "{\"name\":\"pwa\"}").unwrap();
        let err = build(dir.path(), "index.js", &options())
            .unwrap_err()
            .to_string();
        assert!(err.contains("manifest.json"), "{err}");
    }

    /// The smallest module: the magic number and version.
    const EMPTY_WASM: &[u8] = b"\0asm\x01\0\0\0";

    #[test]
    fn imported_wasm_files_are_checked_and_packed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.js"),
            "import mod from \"./lib/add.wasm\";\nimport again from \"./lib/add.wasm?module\";\nexport default { fetch() { return new Response(String(mod === again)); } };\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("lib")).unwrap();
        std::fs::write(dir.path().join("lib/add.wasm"), EMPTY_WASM).unwrap();
        let bundle = build(dir.path(), "index.js", &options()).unwrap();
        assert_eq!(bundle.contents["lib/add.wasm"], EMPTY_WASM);

        std::fs::write(dir.path().join("lib/add.wasm"), b"\0asm\x02\0\0\0").unwrap();
        let err = build(dir.path(), "index.js", &options())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("lib/add.wasm is not a valid WebAssembly module"),
            "{err}"
        );
    }
}
