//! `setTimeout`, `setInterval`, Node's `setImmediate` and their `clear*` functions. Each timer is a future on the
//! isolate's event loop; clearing drops its cancel handle, which ends the future at once.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::Duration;

use rquickjs::function::{Opt, Rest};
use rquickjs::prelude::Coerced;
use rquickjs::{Ctx, Exception, Function, JsLifetime, Result, Value};
use tokio::sync::oneshot;

use super::console::report_uncaught;

#[derive(Default)]
pub struct Timers {
    next_id: Cell<u32>,
    active: RefCell<HashMap<u32, oneshot::Sender<()>>>,
}

// SAFETY: `Timers` holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for Timers {
    type Changed<'to> = Timers;
}

/// The delay as HTML computes it: converted to a WebIDL `long` (wrapping modulo 2^32, as
/// browsers do, so 2^32 ms is 0), negative values meaning 0.
fn delay(ms: Option<Coerced<f64>>) -> Duration {
    let ms = ms.map(|c| c.0).unwrap_or(0.0);
    if !ms.is_finite() {
        return Duration::ZERO;
    }
    let wrapped = ms.trunc().rem_euclid(4_294_967_296.0);
    let long = if wrapped >= 2_147_483_648.0 {
        wrapped - 4_294_967_296.0
    } else {
        wrapped
    };
    Duration::from_millis(long.max(0.0) as u64)
}

/// When a timer fires.
#[derive(Clone, Copy)]
enum Due {
    /// After a delay (`setTimeout`, `setInterval`).
    After(Duration),
    /// As soon as the current task and its jobs are done, before any timer (Node's
    /// `setImmediate`).
    Immediate,
}

fn schedule<'js>(
    ctx: Ctx<'js>,
    callback: Value<'js>,
    ms: Opt<Coerced<f64>>,
    args: Rest<Value<'js>>,
    repeat: bool,
) -> Result<u32> {
    schedule_due(ctx, callback, Due::After(delay(ms.0)), args, repeat)
}

fn schedule_due<'js>(
    ctx: Ctx<'js>,
    callback: Value<'js>,
    due: Due,
    args: Rest<Value<'js>>,
    repeat: bool,
) -> Result<u32> {
    let Some(callback) = callback.into_function() else {
        return Err(Exception::throw_type(
            &ctx,
            "Timer callback must be a function",
        ));
    };
    let timers = ctx
        .userdata::<Timers>()
        .ok_or_else(|| Exception::throw_internal(&ctx, "timers are not installed"))?;
    let id = timers.next_id.get().wrapping_add(1).max(1);
    timers.next_id.set(id);
    let (tx, mut rx) = oneshot::channel();
    timers.active.borrow_mut().insert(id, tx);
    drop(timers);
    let args = args.0;
    // The callback runs in the async context of the code that scheduled it.
    let context = crate::async_context::current(&ctx);
    let ctx2 = ctx.clone();
    ctx.spawn(async move {
        loop {
            match due {
                Due::After(period) => tokio::select! {
                    _ = tokio::time::sleep(period) => {}
                    _ = &mut rx => return,
                },
                Due::Immediate => tokio::select! {
                    _ = crate::isolate::YieldOnce::default() => {}
                    _ = &mut rx => return,
                },
            }
            if !repeat {
                if let Some(t) = ctx2.userdata::<Timers>() {
                    t.active.borrow_mut().remove(&id);
                }
            }
            crate::async_context::enter(&ctx2, &context, || fire(&ctx2, &callback, &args));
            if !repeat {
                return;
            }
        }
    });
    Ok(id)
}

fn fire<'js>(ctx: &Ctx<'js>, callback: &Function<'js>, args: &[Value<'js>]) {
    // The task before this one finishes first: its jobs may still be queued if the engine's
    // loop polled the timers before running them.
    while ctx.execute_pending_job() {}
    let mut call_args = rquickjs::function::Args::new(ctx.clone(), args.len());
    let result = match call_args.push_args(args.iter().cloned()) {
        Ok(()) => callback.call_arg::<()>(call_args),
        Err(e) => Err(e),
    };
    if let Err(err) = result {
        report_uncaught(ctx, err);
    }
    // A microtask checkpoint after each callback, as HTML and Node have it: the callback's
    // ticks and promise jobs run before the next timer.
    while ctx.execute_pending_job() {}
}

/// Node's `setImmediate`: the callback runs once the current task and its jobs are done,
/// ahead of timers.
pub fn set_immediate<'js>(
    ctx: Ctx<'js>,
    callback: Value<'js>,
    args: Rest<Value<'js>>,
) -> Result<u32> {
    schedule_due(ctx, callback, Due::Immediate, args, false)
}

pub fn set_timeout<'js>(
    ctx: Ctx<'js>,
    callback: Value<'js>,
    ms: Opt<Coerced<f64>>,
    args: Rest<Value<'js>>,
) -> Result<u32> {
    schedule(ctx, callback, ms, args, false)
}

pub fn set_interval<'js>(
    ctx: Ctx<'js>,
    callback: Value<'js>,
    ms: Opt<Coerced<f64>>,
    args: Rest<Value<'js>>,
) -> Result<u32> {
    schedule(ctx, callback, ms, args, true)
}

pub fn clear_timer(ctx: Ctx<'_>, id: Opt<Value<'_>>) {
    let Some(id) = id.0.and_then(|v| v.as_number()) else {
        return;
    };
    if let Some(t) = ctx.userdata::<Timers>() {
        t.active.borrow_mut().remove(&(id as u32));
    }
}
