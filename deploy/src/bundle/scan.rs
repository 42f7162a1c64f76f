//! One module's dependencies: parses a source with oxc (so a syntax error is found here, with
//! its line and column, before anything is uploaded) and lists the specifiers it imports,
//! re-exports, imports dynamically or `require()`s with a literal string.

use oxc::allocator::Allocator;
use oxc::ast::ast::{
    Argument, CallExpression, ExportAllDeclaration, ExportFromDeclaration, Expression,
    ImportDeclaration, ImportExpression,
};
use oxc::ast_visit::{walk, Visit};
use oxc::parser::{ParseOptions, Parser};
use oxc::span::SourceType;

/// How a module asks for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `import ... from`, `export ... from`: the module does not load without it.
    Static,
    /// `import("...")`: loaded when the code runs.
    Dynamic,
    /// `require("...")`.
    Require,
}

/// One dependency: the specifier and the byte offset of its string in the source.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub specifier: String,
    pub offset: usize,
    pub kind: Kind,
}

/// A syntax error: its byte offset and message.
#[derive(Debug)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// How to parse a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Module,
    /// CommonJS: a script in which `return` may appear at the top level.
    CommonJs,
}

/// Parses `source` and lists its dependencies in source order.
pub fn scan(source: &str, syntax: Syntax) -> Result<Vec<Dependency>, SyntaxError> {
    let source_type = match syntax {
        Syntax::Module => SourceType::mjs(),
        Syntax::CommonJs => SourceType::cjs(),
    };
    let options = ParseOptions {
        allow_return_outside_function: syntax == Syntax::CommonJs,
        ..ParseOptions::default()
    };
    let parsed = std::panic::catch_unwind(|| {
        let allocator = Allocator::default();
        let parsed = Parser::new(&allocator, source, source_type)
            .with_options(options)
            .parse();
        if let Some(diag) = parsed.diagnostics.errors().next() {
            let offset = diag.labels.first().map_or(0, |l| l.offset() as usize);
            return Err(SyntaxError {
                offset,
                message: diag.message.to_string(),
            });
        }
        let mut finder = Finder::default();
        finder.visit_program(&parsed.program);
        Ok(finder.found)
    });
    parsed.unwrap_or_else(|_| {
        Err(SyntaxError {
            offset: 0,
            message: "the parser failed on this file".into(),
        })
    })
}

#[derive(Default)]
struct Finder {
    found: Vec<Dependency>,
}

impl Finder {
    fn add(&mut self, specifier: &str, start: u32, kind: Kind) {
        self.found.push(Dependency {
            specifier: specifier.to_owned(),
            offset: start as usize,
            kind,
        });
    }
}

impl<'a> Visit<'a> for Finder {
    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        if !it.import_kind.is_type() {
            self.add(&it.source.value, it.source.span.start, Kind::Static);
        }
    }

    fn visit_export_from_declaration(&mut self, it: &ExportFromDeclaration<'a>) {
        if !it.export_kind.is_type() {
            self.add(&it.source.value, it.source.span.start, Kind::Static);
        }
    }

    fn visit_export_all_declaration(&mut self, it: &ExportAllDeclaration<'a>) {
        if !it.export_kind.is_type() {
            self.add(&it.source.value, it.source.span.start, Kind::Static);
        }
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        match &it.source {
            Expression::StringLiteral(s) => self.add(&s.value, s.span.start, Kind::Dynamic),
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
                if let Some(q) = t.quasis.first() {
                    if let Some(cooked) = &q.value.cooked {
                        self.add(cooked, t.span.start, Kind::Dynamic);
                    }
                }
            }
            _ => {}
        }
        walk::walk_import_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if let Expression::Identifier(callee) = &it.callee {
            if callee.name == "require" && it.arguments.len() == 1 {
                if let Some(Argument::StringLiteral(s)) = it.arguments.first() {
                    self.add(&s.value, s.span.start, Kind::Require);
                }
            }
        }
        walk::walk_call_expression(self, it);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specifiers(source: &str, syntax: Syntax) -> Vec<(String, Kind)> {
        scan(source, syntax)
            .unwrap()
            .into_iter()
            .map(|d| (d.specifier, d.kind))
            .collect()
    }

    #[test]
    fn finds_every_kind_of_dependency() {
        let found = specifiers(
            "import a from './a.js';\nexport * from \"b\";\nexport { c } from './c';\nconst d = await import('./d.js');\nconst e = import(`./e.js`);\nimport(name);\nconst f = require('f');",
            Syntax::Module,
        );
        assert_eq!(
            found,
            vec![
                ("./a.js".into(), Kind::Static),
                ("b".into(), Kind::Static),
                ("./c".into(), Kind::Static),
                ("./d.js".into(), Kind::Dynamic),
                ("./e.js".into(), Kind::Dynamic),
                ("f".into(), Kind::Require),
            ]
        );
    }

    #[test]
    fn commonjs_may_return_at_top_level() {
        let found = specifiers(
            "if (x) return;\nmodule.exports = require('./y');",
            Syntax::CommonJs,
        );
        assert_eq!(found, vec![("./y".into(), Kind::Require)]);
    }

    #[test]
    fn reports_where_the_syntax_breaks() {
        let e = scan("const a = 1;\nconst = 2;", Syntax::Module).unwrap_err();
        assert_eq!(e.offset, 19);
    }
}
