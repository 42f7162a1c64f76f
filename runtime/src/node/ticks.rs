//! The engine side of `process.nextTick`: registering the function that drains the tick
//! queue, asking for it to run, and running a CommonJS entry's top level as a task (outside
//! any job), so that its ticks come before its promise jobs, as in Node. The ordering rules
//! are the engine patch's (`JS_RequestTick` in `runtime/quickjs-sys/PATCHED.md`). It also
//! holds `process.exit()`, which ends the isolate.

use rquickjs::{qjs, Ctx, Function, Result, Value};

/// `setTickHandler(drain)`: the function the engine calls to run the queued ticks.
pub fn set_tick_handler<'js>(ctx: Ctx<'js>, drain: Function<'js>) {
    // SAFETY: `ctx` is a live context and `drain` belongs to its runtime; the engine keeps its
    // own reference (released with the runtime).
    unsafe { qjs::JS_SetTickHandler(ctx.as_raw().as_ptr(), drain.as_raw()) }
}

/// `requestTick()`: the queue went from empty to not empty.
pub fn request_tick(ctx: Ctx<'_>) {
    // SAFETY: `ctx` is a live context.
    unsafe { qjs::JS_RequestTick(ctx.as_raw().as_ptr()) }
}

/// `runAsTask(fn)`: calls `fn` as a task's code (no job counted as running), then restores the
/// count.
pub fn run_as_task<'js>(ctx: Ctx<'js>, f: Function<'js>) -> Result<Value<'js>> {
    // SAFETY: `ctx` is a live context; the runtime pointer is its runtime's.
    let rt = unsafe { qjs::JS_GetRuntime(ctx.as_raw().as_ptr()) };
    // SAFETY: as above; only a counter is swapped.
    let depth = unsafe { qjs::JS_SetJobDepth(rt, 0) };
    let out = f.call(());
    // SAFETY: as above.
    unsafe { qjs::JS_SetJobDepth(rt, depth) };
    out
}

/// `exitIsolate()`: `process.exit()`. Marks the isolate as ended (its host replaces it) and
/// throws an error no JS `catch` can stop, so no more of the app's code runs.
pub fn exit_isolate<'js>(ctx: Ctx<'js>, code: rquickjs::function::Opt<i32>) -> Result<()> {
    if let Some(meter) = ctx.userdata::<crate::limits::MeterRef>() {
        meter.0.exit(code.0.unwrap_or(0));
    }
    let err = rquickjs::Exception::from_message(ctx.clone(), "process.exit() ended the isolate")?;
    // SAFETY: `ctx` is a live context and `err` one of its values; the flag only marks it.
    unsafe { qjs::JS_SetUncatchableError(ctx.as_raw().as_ptr(), err.as_raw()) };
    Err(ctx.throw(err.into_value()))
}

/// Runs `f` as a job would run (an ES module's top level: Node evaluates it inside a job, so
/// its promise jobs come before its `nextTick`s).
pub fn as_job<R>(ctx: &Ctx<'_>, f: impl FnOnce() -> R) -> R {
    // SAFETY: `ctx` is a live context; the runtime pointer is its runtime's.
    let rt = unsafe { qjs::JS_GetRuntime(ctx.as_raw().as_ptr()) };
    // SAFETY: as above; only a counter is swapped.
    let depth = unsafe { qjs::JS_SetJobDepth(rt, 1) };
    let out = f();
    // SAFETY: as above.
    unsafe { qjs::JS_SetJobDepth(rt, depth) };
    out
}
