//! Errors the runtime reports to its host: syntax and load errors with a source location, and
//! uncaught JavaScript exceptions with their message and stack.

use std::fmt;
use std::path::Path;

/// A place in a source file, 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl SourceLocation {
    /// Computes line and column of a byte offset in `source`.
    pub fn from_offset(path: &Path, source: &str, offset: usize) -> Self {
        let offset = offset.min(source.len());
        let before = &source.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = source[line_start..offset].chars().count() as u32 + 1;
        SourceLocation {
            file: path.display().to_string(),
            line,
            column,
        }
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// An error raised by JavaScript, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsError {
    /// `Name: message`, as `String(error)` gives it.
    pub message: String,
    /// The stack frames, if the thrown value had any.
    pub stack: Option<String>,
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(stack) = self.stack.as_deref().filter(|s| !s.trim().is_empty()) {
            write!(f, "\n{}", stack.trim_end())?;
        }
        Ok(())
    }
}

/// What can go wrong while creating an isolate, loading an app or running a script.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RuntimeError {
    #[error("{location}: SyntaxError: {message}")]
    Syntax {
        location: SourceLocation,
        message: String,
    },
    #[error("cannot load module {specifier}: {reason}")]
    Load { specifier: String, reason: String },
    #[error("Uncaught {0}")]
    Uncaught(JsError),
    #[error("{0} uncaught error(s) while running; see the log above")]
    UncaughtErrors(usize),
    #[error("the app exports no fetch handler: export default {{ fetch(request, env, ctx) {{ ... }} }}, call addEventListener(\"fetch\", ...), or serve a Node handler (http.createServer(handler).listen(), or export default the (req, res) handler)")]
    NoHandler,
    #[error("engine error: {0}")]
    Engine(String),
    /// The embedder's configuration is unusable (a CA file that holds no certificate, ...).
    #[error("{0}")]
    Config(String),
    /// Loading the app hit a resource limit (a top-level infinite loop, say).
    #[error("{0}")]
    Limit(crate::Limit),
    /// The script called `process.exit(code)`.
    #[error("the script called process.exit({0})")]
    Exit(i32),
}
