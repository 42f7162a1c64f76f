//! Logs as Cloud Logging reads them from a container's stdout: one JSON object per line with
//! `severity`, `message` and `time`. The app's console lines go the same way, with the
//! severity of their level (`console.warn` is a WARNING, `console.error` an ERROR).

use std::io::Write;
use std::sync::Arc;

use edge_isolates::{LogLevel, LogSink};

/// Writes one structured line to stdout (a closed stdout drops it).
pub fn emit(severity: &str, message: &str) {
    let line = serde_json::json!({
        "severity": severity,
        "message": message,
        "time": edge_router::access_log::rfc3339(std::time::SystemTime::now()),
    });
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// The app's console, as structured lines.
pub fn console_sink() -> LogSink {
    Arc::new(|level, line| {
        let severity = match level {
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warn => "WARNING",
            LogLevel::Error => "ERROR",
        };
        emit(severity, line);
    })
}
