//! Worker threads: `node:worker_threads`' `Worker` and the Web `Worker`. Each worker is an
//! isolate of the same app on a thread of its own, made with its parent's options (module
//! root, network policy, `env`, CPU and memory limits, CPU total), and counted against a cap
//! the embedder shares between all the isolates of an app. Messages and `workerData` cross as
//! serialized payloads (`message.rs`); a worker's CPU budget renews with each message, as a
//! request's does, so one that loops forever is stopped by the CPU limit.

pub mod message;
mod run;

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::{Class, Ctx, Exception, Function, JsLifetime, Persistent, Result, Value};
use tokio::sync::mpsc;

use crate::isolate::IsolateOptions;
use crate::limits::Meter;
use message::Payload;

/// How many workers the isolates of one app may run at once. Clones share the count.
#[derive(Clone, Debug)]
pub struct WorkerLimits {
    max: usize,
    active: Arc<AtomicUsize>,
}

impl WorkerLimits {
    /// A cap of `max` workers running at once (0: none allowed).
    pub fn new(max: usize) -> Self {
        WorkerLimits {
            max,
            active: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Workers running now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }

    /// The cap.
    pub fn max(&self) -> usize {
        self.max
    }

    fn take(&self) -> Option<WorkerSlot> {
        let mut now = self.active.load(Ordering::Relaxed);
        loop {
            if now >= self.max {
                return None;
            }
            match self
                .active
                .compare_exchange(now, now + 1, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return Some(WorkerSlot(self.active.clone())),
                Err(seen) => now = seen,
            }
        }
    }
}

impl Default for WorkerLimits {
    fn default() -> Self {
        WorkerLimits::new(8)
    }
}

/// A place under the cap, given back when the worker's thread ends.
struct WorkerSlot(Arc<AtomicUsize>);

impl Drop for WorkerSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Thread ids as Node numbers them: the main thread is 0, workers count up process-wide.
static NEXT_THREAD_ID: AtomicU32 = AtomicU32::new(1);

/// What a worker sends its parent.
pub(crate) enum ToParent {
    Message(Payload),
    /// An error the worker did not catch (it then exits).
    Error {
        name: String,
        message: String,
        stack: String,
    },
    Exit(i32),
}

/// Shared by a worker's handle and its thread: how to stop it.
#[derive(Default)]
pub(crate) struct Control {
    meter: OnceLock<Arc<Meter>>,
    terminated: AtomicBool,
}

impl Control {
    /// Stops the worker's code at once (its meter interrupts it) and ends it.
    fn terminate(&self) {
        self.terminated.store(true, Ordering::Release);
        if let Some(meter) = self.meter.get() {
            meter.exit(1);
        }
    }

    /// The worker's thread made its isolate: from now on `terminate` reaches it.
    pub(crate) fn attach(&self, meter: Arc<Meter>) {
        let _ = self.meter.set(meter.clone());
        if self.terminated.load(Ordering::Acquire) {
            meter.exit(1);
        }
    }
}

/// In every isolate: the options its workers are made with.
pub(crate) struct WorkerFactory(pub IsolateOptions);

// SAFETY: holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for WorkerFactory {
    type Changed<'to> = WorkerFactory;
}

/// In a worker isolate: who it is, what it was given, and its way back to the parent.
pub(crate) struct WorkerSelf {
    pub thread_id: u32,
    pub name: String,
    pub data: Option<Payload>,
    pub to_parent: mpsc::UnboundedSender<ToParent>,
    /// `(value) => void` delivering a message from the parent, and `() => boolean`: does the
    /// worker listen for messages (which keeps it alive)?
    pub inbox: RefCell<Option<(Persistent<Function<'static>>, Persistent<Function<'static>>)>>,
}

// SAFETY: `Persistent` values are not tied to a lifetime; the rest holds no JS values.
unsafe impl<'js> JsLifetime<'js> for WorkerSelf {
    type Changed<'to> = WorkerSelf;
}

/// The parent's side of a worker.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct WorkerHandle {
    #[qjs(skip_trace)]
    to_worker: RefCell<Option<mpsc::UnboundedSender<Payload>>>,
    #[qjs(skip_trace)]
    control: Arc<Control>,
    #[qjs(skip_trace)]
    thread_id: u32,
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        // The parent isolate is going away: so does its worker.
        self.control.terminate();
    }
}

#[rquickjs::methods]
impl WorkerHandle {
    #[qjs(get, rename = "threadId")]
    pub fn thread_id(&self) -> u32 {
        self.thread_id
    }

    /// Sends a message (already stripped of what it transfers); dropped once the worker is
    /// gone, as Node does.
    #[qjs(rename = "postMessage")]
    pub fn post_message<'js>(&self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        let payload = message::serialize(&ctx, &value)?;
        if let Some(tx) = self.to_worker.borrow().as_ref() {
            let _ = tx.send(payload);
        }
        Ok(())
    }

    /// Stops the worker: its running code is interrupted, and it exits with code 1.
    pub fn terminate(&self) {
        // Stopped before its inbox closes, so that the worker ends as terminated (code 1).
        self.control.terminate();
        self.to_worker.borrow_mut().take();
    }
}

/// `spawn(path, workerData, name, onEvent)`: starts a worker running the module at `path`
/// (a file path or file: URL). `onEvent(kind, ...)` gets `("message", value)`,
/// `("messageerror", error)`, `("error", name, message, stack)`, `("online")` and
/// `("exit", code)`.
pub fn spawn<'js>(
    ctx: Ctx<'js>,
    path: String,
    data: Value<'js>,
    name: Opt<String>,
    on_event: Function<'js>,
) -> Result<Class<'js, WorkerHandle>> {
    let options = match ctx.userdata::<WorkerFactory>() {
        Some(f) => f.0.clone(),
        None => {
            return Err(Exception::throw_type(
                &ctx,
                "workers are not available here",
            ))
        }
    };
    let entry = resolve_entry(&ctx, &path, options.module_root.as_deref())?;
    let Some(slot) = options.workers.take() else {
        return Err(Exception::throw_range(
            &ctx,
            &format!(
                "this app may run at most {} workers at once; wait for one to exit (or terminate one) before starting another",
                options.workers.max()
            ),
        ));
    };
    let data = if data.is_undefined() {
        None
    } else {
        Some(message::serialize(&ctx, &data)?)
    };
    let thread_id = NEXT_THREAD_ID.fetch_add(1, Ordering::Relaxed);
    let (to_worker, inbox) = mpsc::unbounded_channel();
    let (to_parent, mut from_worker) = mpsc::unbounded_channel();
    let control = Arc::new(Control::default());
    let job = run::WorkerJob {
        options,
        entry,
        thread_id,
        name: name.0.unwrap_or_default(),
        data,
        inbox,
        to_parent,
        control: control.clone(),
        slot,
    };
    std::thread::Builder::new()
        .name(format!("edge-worker-{thread_id}"))
        .spawn(move || run::run(job))
        .map_err(|e| Exception::throw_internal(&ctx, &format!("cannot start a worker: {e}")))?;
    let ctx2 = ctx.clone();
    ctx.spawn(async move {
        let _ = on_event.call::<_, ()>(("online",));
        while let Some(event) = from_worker.recv().await {
            let exit = matches!(event, ToParent::Exit(_));
            let outcome = match event {
                ToParent::Message(payload) => match message::deserialize(&ctx2, &payload) {
                    Ok(value) => on_event.call::<_, ()>(("message", value)),
                    Err(_) => {
                        let err = ctx2.catch();
                        on_event.call::<_, ()>(("messageerror", err))
                    }
                },
                ToParent::Error {
                    name,
                    message,
                    stack,
                } => on_event.call::<_, ()>(("error", name, message, stack)),
                ToParent::Exit(code) => on_event.call::<_, ()>(("exit", code)),
            };
            if let Err(e) = outcome {
                crate::web::console::report_uncaught(&ctx2, e);
            }
            while ctx2.execute_pending_job() {}
            if exit {
                break;
            }
        }
    });
    Class::instance(
        ctx,
        WorkerHandle {
            to_worker: RefCell::new(Some(to_worker)),
            control,
            thread_id,
        },
    )
}

/// The worker's module: a file: URL or a path (relative ones from the app's directory, as
/// Node takes them from the working directory an app is started in).
fn resolve_entry(ctx: &Ctx<'_>, spec: &str, root: Option<&std::path::Path>) -> Result<PathBuf> {
    let path = if let Some(rest) = spec.strip_prefix("file://") {
        let decoded = percent_decode(rest);
        PathBuf::from(decoded)
    } else if spec.contains("://") || spec.starts_with("data:") {
        return Err(Exception::throw_type(
            ctx,
            &format!("a worker runs a file of the app, not {spec}"),
        ));
    } else {
        let p = PathBuf::from(spec);
        if p.is_absolute() {
            p
        } else {
            let base = root
                .map(|r| r.to_path_buf())
                .or_else(|| std::env::current_dir().ok())
                .unwrap_or_default();
            base.join(p)
        }
    };
    // Only a file of the app: what lies outside its directory is neither run nor probed.
    let inside = match root {
        Some(root) => {
            let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
            std::fs::canonicalize(&path).is_ok_and(|p| p.starts_with(&root))
        }
        None => true,
    };
    if !inside || !path.is_file() {
        return Err(Exception::throw_type(
            ctx,
            &format!("cannot start a worker: no module of the app at {spec}"),
        ));
    }
    Ok(path)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `self()`: in a worker, `[threadId, name, workerData]`; in a main isolate, `undefined`.
pub fn worker_self<'js>(ctx: Ctx<'js>) -> Result<Value<'js>> {
    let Some(me) = ctx.userdata::<WorkerSelf>() else {
        return Ok(Value::new_undefined(ctx));
    };
    let data = match &me.data {
        Some(p) => message::deserialize(&ctx, p)?,
        None => Value::new_undefined(ctx.clone()),
    };
    let list = rquickjs::Array::new(ctx.clone())?;
    list.set(0, me.thread_id)?;
    list.set(1, me.name.as_str())?;
    list.set(2, data)?;
    Ok(list.into_value())
}

/// `postToParent(value)`: a worker's `parentPort.postMessage` / `self.postMessage`.
pub fn post_to_parent<'js>(ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
    let payload = message::serialize(&ctx, &value)?;
    match ctx.userdata::<WorkerSelf>() {
        Some(me) => {
            let _ = me.to_parent.send(ToParent::Message(payload));
            Ok(())
        }
        None => Err(Exception::throw_type(&ctx, "not in a worker")),
    }
}

/// `setInbox(deliver, listening)`: how the worker's messages reach its JS side.
pub fn set_inbox<'js>(ctx: Ctx<'js>, deliver: Function<'js>, listening: Function<'js>) {
    if let Some(me) = ctx.userdata::<WorkerSelf>() {
        *me.inbox.borrow_mut() = Some((
            Persistent::save(&ctx, deliver),
            Persistent::save(&ctx, listening),
        ));
    }
}
