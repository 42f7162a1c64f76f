//! The async context: one JS value the engine carries from where an asynchronous continuation
//! is scheduled to where it runs (a promise reaction keeps the value current at `then` /
//! `await`; timers keep the value current at `setTimeout`). `AsyncLocalStorage`
//! (`node:async_hooks`) keeps its stores in it. The engine side is the patch described in
//! `runtime/quickjs-sys/PATCHED.md`; each request starts with no context.

use rquickjs::{qjs, Ctx, Value};

/// The current context value (`undefined` when none).
pub fn current<'js>(ctx: &Ctx<'js>) -> Value<'js> {
    // SAFETY: `ctx` is a live context; the engine returns a new reference, which the
    // `Value` owns and releases.
    unsafe {
        let raw = qjs::JS_GetContinuationContext(ctx.as_raw().as_ptr());
        Value::from_raw(ctx.clone(), raw)
    }
}

/// Makes `value` the current context (the engine takes its own reference).
pub fn set<'js>(ctx: &Ctx<'js>, value: &Value<'js>) {
    // SAFETY: `ctx` is a live context and `value` belongs to its runtime; the engine duplicates
    // the value, so ownership stays with the caller.
    unsafe { qjs::JS_SetContinuationContext(ctx.as_raw().as_ptr(), value.as_raw()) }
}

/// Runs `f` with `value` as the current context, then puts the previous one back.
pub fn enter<'js, R>(ctx: &Ctx<'js>, value: &Value<'js>, f: impl FnOnce() -> R) -> R {
    let previous = current(ctx);
    set(ctx, value);
    let out = f();
    set(ctx, &previous);
    out
}

/// `getContext()` for the bootstrap.
pub fn get_js<'js>(ctx: Ctx<'js>) -> Value<'js> {
    current(&ctx)
}

/// `setContext(value)` for the bootstrap.
pub fn set_js<'js>(ctx: Ctx<'js>, value: Value<'js>) {
    set(&ctx, &value)
}
