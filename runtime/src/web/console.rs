//! Where the isolate's output goes: `console.*` (formatted by the JS bootstrap) and uncaught
//! errors from timers and callbacks end up in the host's log sink.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rquickjs::{Ctx, Error, JsLifetime};

use super::util::caught;
use super::util::describe_exception;
use crate::error::JsError;

/// The level of a console line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    fn from_name(name: &str) -> Self {
        match name {
            "debug" | "trace" => LogLevel::Debug,
            "warn" => LogLevel::Warn,
            "error" => LogLevel::Error,
            _ => LogLevel::Info,
        }
    }
}

/// Receives every line the isolate prints.
pub type LogSink = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// A sink writing info and debug to stdout, warnings and errors to stderr.
pub fn stdio_sink() -> LogSink {
    // A closed pipe (`edge run app.js | head`) is not the app's error: the line is dropped.
    Arc::new(|level, line| {
        use std::io::Write;
        let _ = match level {
            LogLevel::Debug | LogLevel::Info => writeln!(std::io::stdout().lock(), "{line}"),
            LogLevel::Warn | LogLevel::Error => writeln!(std::io::stderr().lock(), "{line}"),
        };
    })
}

#[derive(Clone)]
pub struct Output(pub LogSink);

// SAFETY: `Output` holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for Output {
    type Changed<'to> = Output;
}

/// Writes one line at a level given by name (the JS console's native end).
/// A lone surrogate in the line becomes U+FFFD rather than an error.
pub fn print<'js>(
    ctx: Ctx<'js>,
    level: String,
    line: rquickjs::String<'js>,
) -> rquickjs::Result<()> {
    let line = crate::web::util::usv_string(&ctx, line)?;
    emit(&ctx, LogLevel::from_name(&level), &line);
    Ok(())
}

pub fn emit(ctx: &Ctx<'_>, level: LogLevel, line: &str) {
    if let Some(out) = ctx.userdata::<Output>() {
        (out.0)(level, line);
    }
}

/// Counts the errors nobody caught, for `edge run`'s exit status and the host's metrics.
pub struct UncaughtCounter(pub Arc<AtomicUsize>);

// SAFETY: holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for UncaughtCounter {
    type Changed<'to> = UncaughtCounter;
}

/// Logs and counts an error nobody caught (a timer callback, a rejected promise nobody
/// handled, a failed `waitUntil`).
pub fn report_uncaught_error(ctx: &Ctx<'_>, error: &JsError) {
    if let Some(c) = ctx.userdata::<UncaughtCounter>() {
        c.0.fetch_add(1, Ordering::Relaxed);
    }
    emit(ctx, LogLevel::Error, &format!("Uncaught {error}"));
}

/// Like `report_uncaught_error`, for an engine error (taking the pending exception). The
/// app's `process.on("uncaughtException")` listeners, if any, take it instead.
pub fn report_uncaught(ctx: &Ctx<'_>, err: Error) {
    if !matches!(err, Error::Exception) {
        return report_uncaught_error(ctx, &caught(ctx, err));
    }
    let value = ctx.catch();
    if app_handles(ctx, |i| i.report_exception, (value.clone(),)) {
        return;
    }
    report_uncaught_error(ctx, &describe_exception(&value));
}

/// Asks one of the bootstrap's app-level error hooks; true if the app's listeners took the
/// error. A hook that throws counts as not taking it.
pub fn app_handles<'js, A: rquickjs::function::IntoArgs<'js>>(
    ctx: &Ctx<'js>,
    hook: impl FnOnce(super::intrinsics::Intrinsics<'js>) -> rquickjs::Function<'js>,
    args: A,
) -> bool {
    let Ok(intrinsics) = super::intrinsics::Intrinsics::get(ctx) else {
        return false;
    };
    match hook(intrinsics).call::<_, bool>(args) {
        Ok(handled) => handled,
        Err(_) => {
            ctx.catch();
            false
        }
    }
}
