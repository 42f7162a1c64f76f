//! TypeScript to JavaScript: parses with oxc, strips types and lowers the TypeScript-only
//! constructs that have runtime meaning (enums, namespaces, parameter properties).

use std::path::{Path, PathBuf};

use oxc::allocator::Allocator;
use oxc::codegen::{Codegen, CodegenOptions};
use oxc::parser::Parser;
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;
use oxc::transformer::{TransformOptions, Transformer};

use crate::error::{RuntimeError, SourceLocation};

/// True when the path names a TypeScript source.
pub fn is_typescript(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ts" | "mts" | "cts" | "tsx")
    )
}

/// Transpiles a TypeScript module to JavaScript. A panic inside the compiler (a bug on input
/// it does not expect) becomes an error, never a crash of the isolate.
pub fn strip_types(path: &Path, source: &str) -> Result<String, RuntimeError> {
    std::panic::catch_unwind(|| transpile(path, source)).unwrap_or_else(|_| {
        Err(RuntimeError::Load {
            specifier: path.display().to_string(),
            reason: "the TypeScript compiler failed on this file".into(),
        })
    })
}

/// Transpiles a TypeScript module to JavaScript with a source map (JSON) from the output back
/// to `path`, whose file name the map names as its source.
pub fn strip_types_mapped(path: &Path, source: &str) -> Result<(String, String), RuntimeError> {
    std::panic::catch_unwind(|| transpile_with(path, source, true))
        .unwrap_or_else(|_| {
            Err(RuntimeError::Load {
                specifier: path.display().to_string(),
                reason: "the TypeScript compiler failed on this file".into(),
            })
        })
        .map(|(code, map)| (code, map.unwrap_or_default()))
}

fn transpile(path: &Path, source: &str) -> Result<String, RuntimeError> {
    transpile_with(path, source, false).map(|(code, _)| code)
}

fn transpile_with(
    path: &Path,
    source: &str,
    map: bool,
) -> Result<(String, Option<String>), RuntimeError> {
    let allocator = Allocator::default();
    let source_type = SourceType::from_path(path)
        .unwrap_or_else(|_| SourceType::ts())
        .with_module(true);
    let parsed = Parser::new(&allocator, source, source_type).parse();
    if let Some(diag) = parsed.diagnostics.errors().next() {
        return Err(syntax_error(path, source, diag));
    }
    let mut program = parsed.program;
    let scoping = SemanticBuilder::new()
        .with_enum_eval(true)
        .build(&program)
        .semantic
        .into_scoping();
    let options = TransformOptions::default();
    let transformed =
        Transformer::new(&allocator, path, &options).build_with_scoping(scoping, &mut program);
    if let Some(diag) = transformed.diagnostics.errors().next() {
        return Err(syntax_error(path, source, diag));
    }
    let options = CodegenOptions {
        source_map_path: map.then(|| PathBuf::from(path.file_name().unwrap_or_default())),
        ..CodegenOptions::default()
    };
    let out = Codegen::new().with_options(options).build(&program);
    Ok((out.code, out.map.map(|m| m.to_json_string())))
}

fn syntax_error(path: &Path, source: &str, diag: &oxc::diagnostics::OxcDiagnostic) -> RuntimeError {
    let offset = diag
        .labels
        .first()
        .map(|l| l.offset() as usize)
        .unwrap_or(0);
    RuntimeError::Syntax {
        location: SourceLocation::from_offset(path, source, offset),
        message: diag.message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_types_and_lowers_enums() {
        let src = "enum Color { Red, Green }\ninterface A { x: number }\nexport const f = <T,>(a: T): T => a;\nexport const c: number = Color.Green;";
        let js = strip_types(Path::new("a.ts"), src).unwrap();
        assert!(!js.contains("interface"));
        assert!(js.contains("Color"));
        assert!(!js.contains(": number"));
    }

    #[test]
    fn reports_line_and_column() {
        let err = strip_types(Path::new("bad.ts"), "const a = 1;\nconst b: = 2;").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("bad.ts:2:"), "{text}");
    }
}
