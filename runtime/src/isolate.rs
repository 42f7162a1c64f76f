//! One isolate: a QuickJS runtime and context with the Web APIs installed, an app loaded from
//! an ES module, and the request dispatch that turns an `AppRequest` into an `AppResponse`
//! whose body streams as the app produces it. An isolate is `!Send`: it lives on one thread,
//! whose async executor must also poll `Isolate::driver()`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::HeaderMap;
use rquickjs::function::This;
use rquickjs::prelude::Func;
use rquickjs::promise::PromiseState;
use rquickjs::{
    AsyncContext, AsyncRuntime, Class, Ctx, Error, Function, JsLifetime, Module, Object, Promise,
    Value,
};
use tokio::sync::oneshot;

use crate::body::Body;
use crate::error::{JsError, RuntimeError};
use crate::limits::{Limit, Meter, MeterRef};
use crate::loader::{self, FileLoader, FileResolver, LoaderState, SharedLoaderState};
use crate::net::OutboundConfig;
use crate::web;
use crate::web::body_mixin::{stream_to_body, BodyInner};
use crate::web::console::{self, LogSink};
use crate::web::intrinsics::Intrinsics;
use crate::web::request::Request;
use crate::web::response::Response;
use crate::web::util::{caught, describe_exception};

/// How an isolate is set up.
#[derive(Clone)]
pub struct IsolateOptions {
    /// `env` as the fetch handler sees it: string variables.
    pub env: Vec<(String, String)>,
    /// Where console output and uncaught errors go.
    pub log: LogSink,
    /// The engine's heap limit in bytes, if any.
    pub memory_limit: Option<usize>,
    /// How `fetch()` reaches the network; without it, `fetch()` rejects.
    pub outbound: Option<OutboundConfig>,
    /// Node compatibility: the `node:` built-in modules and the globals `process`, `Buffer`,
    /// `global`, `setImmediate`. On by default; off, importing a built-in fails and the
    /// globals are absent.
    pub node_compat: bool,
    /// The CPU time its JavaScript may use per request (and to load); exceeding it terminates
    /// the isolate.
    pub cpu_limit: Option<Duration>,
    /// If set, modules load only from inside this directory.
    pub module_root: Option<PathBuf>,
    /// How many `fetch()` calls a request may make; more reject with a TypeError.
    pub subrequest_limit: Option<u32>,
    /// A running total the isolate adds its JavaScript's CPU time to, in nanoseconds (for the
    /// embedder's metrics).
    pub cpu_used: Option<Arc<std::sync::atomic::AtomicU64>>,
    /// How many worker threads the app may run at once; share one between the isolates of an
    /// app (clones share the count). Workers get these same options.
    pub workers: crate::workers::WorkerLimits,
    /// Workers-style bindings on the app's `env` (a KV namespace, ...).
    pub bindings: Vec<crate::bindings::Binding>,
    /// The app's Cache API storage (`caches`), shared by its isolates; without one, each
    /// isolate keeps its own.
    pub cache: Option<Arc<crate::bindings::cache::MemoryCache>>,
    /// What each WebSocket may carry and how long it may idle.
    pub websocket: crate::websocket::Limits,
}

impl Default for IsolateOptions {
    fn default() -> Self {
        IsolateOptions {
            env: Vec::new(),
            node_compat: true,
            log: console::stdio_sink(),
            memory_limit: None,
            outbound: None,
            cpu_limit: None,
            module_root: None,
            subrequest_limit: None,
            cpu_used: None,
            workers: crate::workers::WorkerLimits::default(),
            bindings: Vec::new(),
            cache: None,
            websocket: crate::websocket::Limits::default(),
        }
    }
}

/// An HTTP request as the host hands it to the app.
#[derive(Debug)]
pub struct AppRequest {
    pub method: http::Method,
    /// The absolute URL of the request.
    pub url: String,
    pub headers: HeaderMap,
    pub body: Body,
    /// The client's address, as the server saw it (Node's `req.socket.remoteAddress`).
    pub client: Option<std::net::IpAddr>,
}

/// The app's answer: status and headers at once, the body as it is produced.
#[derive(Debug)]
pub struct AppResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Body,
    /// A 101 answer accepting a WebSocket: the session the front attaches to the upgraded
    /// connection.
    pub websocket: Option<crate::websocket::Session>,
}

/// An event for the app other than a request: what a Workers app's `scheduled` (cron)
/// handler gets.
#[derive(Debug, Clone)]
pub enum AppEvent {
    /// A cron trigger fired: the expression, and when it was due (ms since the epoch).
    Scheduled {
        cron: String,
        scheduled_time_ms: f64,
    },
    /// Messages of a queue the app consumes.
    Queue {
        queue: String,
        messages: Vec<crate::bindings::queue::QueueMessage>,
    },
}

/// How an event's handler ended, when it did not throw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventOutcome {
    /// For a queue batch: what became of each message (by id).
    pub decisions: Vec<(String, crate::bindings::queue::Decision)>,
}

/// Where the outcome of an event goes.
pub type EventSender = oneshot::Sender<Result<EventOutcome, DispatchError>>;

/// Why a request got no response from the app.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DispatchError {
    /// The handler threw or its promise rejected.
    #[error("{0}")]
    Handler(JsError),
    /// The handler returned something other than a Response.
    #[error("{0}")]
    InvalidResponse(String),
    /// No app is loaded in this isolate.
    #[error("no app is loaded")]
    NoApp,
    /// The isolate stopped before answering.
    #[error("the isolate stopped before answering")]
    Gone,
    /// The isolate hit a resource limit and is terminated.
    #[error("{0}")]
    LimitExceeded(Limit),
}

/// The loaded app, kept in the context.
#[derive(JsLifetime, Clone)]
struct App<'js> {
    /// The `default` export; `None` for service-worker style apps.
    module: Option<Object<'js>>,
    /// Its `fetch` method.
    fetch: Option<Function<'js>>,
    env: Object<'js>,
    exec_ctx: Object<'js>,
}

/// Rejected promises waiting one turn of the event loop for a handler.
#[derive(JsLifetime, Default)]
struct PendingRejections<'js> {
    list: RefCell<Vec<Rejection<'js>>>,
}

#[derive(JsLifetime)]
struct Rejection<'js> {
    promise: Value<'js>,
    reason: Value<'js>,
}

pub struct Isolate {
    pub(crate) runtime: AsyncRuntime,
    pub(crate) context: AsyncContext,
    loader: SharedLoaderState,
    options: Mutex<IsolateOptions>,
    uncaught: Arc<AtomicUsize>,
    pub(crate) meter: Arc<Meter>,
    /// WebSockets open in this isolate (server and client).
    websockets: Arc<AtomicUsize>,
}

/// Turns a failure into the limit that caused it, if one did: the meter tripped (CPU), or the
/// engine ran out of heap (which trips it for good).
fn classify(ctx: &Ctx<'_>, err: DispatchError) -> DispatchError {
    let Some(meter) = ctx.userdata::<MeterRef>().map(|m| m.0.clone()) else {
        return err;
    };
    if let DispatchError::Handler(js) = &err {
        if js.message.contains("out of memory") {
            meter.trip(Limit::Memory);
        }
    }
    match meter.hit() {
        Some(limit) => DispatchError::LimitExceeded(limit),
        None => err,
    }
}

/// Installs the module loader (and `require()`'s view of it), confined to `root` if given.
async fn set_loader(
    runtime: &AsyncRuntime,
    context: &AsyncContext,
    state: &SharedLoaderState,
    options: &IsolateOptions,
) {
    let root = options.module_root.as_deref();
    let root = root.map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.to_path_buf()));
    runtime
        .set_loader(
            FileResolver {
                root: root.clone(),
                node_compat: options.node_compat,
            },
            FileLoader {
                state: state.clone(),
                root: root.clone(),
            },
        )
        .await;
    let state = state.clone();
    let node_compat = options.node_compat;
    context
        .with(move |ctx| {
            let _ = ctx.store_userdata(crate::node::require::RequireHost {
                root,
                state,
                node_compat,
            });
        })
        .await;
}

fn engine(e: impl std::fmt::Display) -> RuntimeError {
    RuntimeError::Engine(e.to_string())
}

impl Isolate {
    /// Creates an isolate with every global installed and no app loaded.
    pub async fn new(options: IsolateOptions) -> Result<Self, RuntimeError> {
        let runtime = AsyncRuntime::new().map_err(engine)?;
        if let Some(limit) = options.memory_limit {
            runtime.set_memory_limit(limit).await;
        }
        let meter = Arc::new(Meter::new(
            options.cpu_limit,
            options.subrequest_limit,
            options.cpu_used.clone(),
        ));
        meter.set_memory_limit(options.memory_limit);
        let checker = meter.clone();
        runtime
            .set_interrupt_handler(Some(Box::new(move || checker.check())))
            .await;
        let loader: SharedLoaderState = Arc::new(Mutex::new(LoaderState::default()));
        let uncaught = Arc::new(AtomicUsize::new(0));
        runtime
            .set_host_promise_rejection_tracker(Some(Box::new(track_rejection)))
            .await;
        let context = AsyncContext::full(&runtime).await.map_err(engine)?;
        set_loader(&runtime, &context, &loader, &options).await;
        let log = options.log.clone();
        let outbound = options.outbound.clone();
        let counter = uncaught.clone();
        let meter_ref = meter.clone();
        let factory = crate::workers::WorkerFactory(options.clone());
        let websockets = Arc::new(AtomicUsize::new(0));
        let ws_state = web::websocket::WsState {
            limits: options.websocket,
            open: websockets.clone(),
        };
        context
            .with(move |ctx| -> Result<(), RuntimeError> {
                let _ = ctx.store_userdata(ws_state);
                crate::workers::message::install(&ctx, &meter_ref);
                let _ = ctx.store_userdata(factory);
                let _ = ctx.store_userdata(MeterRef(meter_ref));
                let _ = ctx.store_userdata(PendingRejections::default());
                let _ = ctx.store_userdata(UncaughtCounter(counter));
                crate::source_maps::install(&ctx);
                web::install(&ctx, log, outbound)
                    .map_err(|e| RuntimeError::Engine(caught(&ctx, e).to_string()))
            })
            .await?;
        Ok(Isolate {
            runtime,
            context,
            loader,
            options: Mutex::new(options),
            uncaught,
            meter,
            websockets,
        })
    }

    /// Gives an isolate made ahead of time (with default options and no app loaded) the
    /// options of the app it is about to load: its limits, module root, log sink, network
    /// and `env`. This is how a warm pool hands out isolates.
    pub async fn configure(&self, options: IsolateOptions) {
        if let Some(limit) = options.memory_limit {
            self.runtime.set_memory_limit(limit).await;
        }
        self.meter.set_memory_limit(options.memory_limit);
        self.meter.configure(
            options.cpu_limit,
            options.subrequest_limit,
            options.cpu_used.clone(),
        );
        set_loader(&self.runtime, &self.context, &self.loader, &options).await;
        let log = options.log.clone();
        let outbound = options.outbound.clone();
        let factory = crate::workers::WorkerFactory(options.clone());
        let cache = options.cache.clone();
        let ws_state = web::websocket::WsState {
            limits: options.websocket,
            open: self.websockets.clone(),
        };
        self.context
            .with(move |ctx| {
                let _ = ctx.store_userdata(ws_state);
                if let Some(cache) = cache {
                    let _ = ctx.store_userdata(crate::bindings::cache::IsolateCache(cache));
                }
                let _ = ctx.store_userdata(factory);
                let _ = ctx.store_userdata(console::Output(log));
                let _ = ctx.store_userdata(web::fetch::FetchState::new(outbound));
            })
            .await;
        *self.options.lock().unwrap_or_else(|e| e.into_inner()) = options;
    }

    /// A future that runs the isolate's timers, promise jobs and body pumps; it must be polled
    /// on the isolate's thread for as long as the isolate is used.
    pub fn driver(&self) -> impl std::future::Future<Output = ()> + 'static {
        self.runtime.drive()
    }

    /// How many WebSockets are open in this isolate (an embedder keeps an isolate while
    /// some are).
    pub fn open_websockets(&self) -> usize {
        self.websockets.load(Ordering::Acquire)
    }

    /// Every source file loaded so far.
    pub fn loaded_files(&self) -> Vec<PathBuf> {
        self.loader.lock().unwrap().files.clone()
    }

    /// The resource limit this isolate hit, if any: it is then terminated and should be
    /// replaced.
    pub fn limit_hit(&self) -> Option<Limit> {
        self.meter.hit()
    }

    /// The engine heap in use, in bytes.
    pub async fn heap_bytes(&self) -> usize {
        self.runtime.memory_usage().await.memory_used_size.max(0) as usize
    }

    /// How many errors went uncaught (timers, unhandled rejections) since creation.
    pub fn uncaught_errors(&self) -> usize {
        self.uncaught.load(Ordering::Relaxed)
    }

    /// Imports and evaluates a module, awaiting its top-level await; returns its namespace
    /// through `then`.
    pub(crate) async fn import<F>(&self, entry: &Path, then: F) -> Result<(), RuntimeError>
    where
        F: for<'js> FnOnce(&Ctx<'js>, Object<'js>) -> Result<(), RuntimeError>,
    {
        let path = std::fs::canonicalize(entry).map_err(|e| RuntimeError::Load {
            specifier: entry.display().to_string(),
            reason: e.to_string(),
        })?;
        let name = loader::module_name(&path);
        self.loader.lock().unwrap().entry = Some(name.clone());
        let loader_state = self.loader.clone();
        self.context
            .async_with(async move |ctx| {
                let outcome = async {
                    let promise =
                        crate::node::ticks::as_job(&ctx, || Module::import(&ctx, name.clone()))?;
                    promise.into_future::<Object>().await
                }
                .await;
                match outcome {
                    Ok(namespace) => then(&ctx, namespace),
                    Err(err) => {
                        if let Some(e) = loader_state.lock().unwrap().error.take() {
                            return Err(e);
                        }
                        let value = if matches!(err, Error::Exception) {
                            ctx.catch()
                        } else {
                            return Err(RuntimeError::Load {
                                specifier: name,
                                reason: err.to_string(),
                            });
                        };
                        let js = describe_exception(&value);
                        let is_syntax = value
                            .as_object()
                            .and_then(|o| o.get::<_, String>("name").ok())
                            .is_some_and(|n| n == "SyntaxError");
                        if is_syntax {
                            let message = js.message.trim_start_matches("SyntaxError: ");
                            if let Some(e) =
                                loader::describe_syntax_error(message, js.stack.as_deref())
                            {
                                return Err(e);
                            }
                        }
                        Err(RuntimeError::Uncaught(js))
                    }
                }
            })
            .await
    }

    /// Loads the app's entry module and finds its fetch handler.
    pub async fn load_app(&self, entry: &Path) -> Result<(), RuntimeError> {
        let (env_vars, node_compat, bindings) = {
            let options = self.options.lock().unwrap_or_else(|e| e.into_inner());
            (
                options.env.clone(),
                options.node_compat,
                options.bindings.clone(),
            )
        };
        let process_env = env_vars.clone();
        self.context
            .with(move |ctx| -> Result<(), RuntimeError> {
                let _ = ctx.store_userdata(crate::node::ProcessEnv(process_env));
                if !node_compat {
                    let intrinsics = Intrinsics::get(&ctx).map_err(engine)?;
                    intrinsics
                        .remove_node_globals
                        .call::<_, ()>(())
                        .map_err(engine)?;
                }
                Ok(())
            })
            .await?;
        self.meter.renew();
        let outcome = self.load_handler(entry, env_vars, bindings).await;
        match self.meter.hit() {
            Some(limit) if outcome.is_err() => Err(RuntimeError::Limit(limit)),
            _ => outcome,
        }
    }

    async fn load_handler(
        &self,
        entry: &Path,
        env_vars: Vec<(String, String)>,
        bindings: Vec<crate::bindings::Binding>,
    ) -> Result<(), RuntimeError> {
        self.import(entry, move |ctx, namespace| {
            let default: Value = namespace.get("default").map_err(engine)?;
            let mut module = None;
            let mut fetch = None;
            if let Some(obj) = default.as_object() {
                if let Some(f) = obj
                    .get::<_, Value>("fetch")
                    .map_err(engine)?
                    .into_function()
                {
                    module = Some(obj.clone());
                    fetch = Some(f);
                } else if obj
                    .get::<_, Value>("scheduled")
                    .map_err(engine)?
                    .is_function()
                {
                    // A cron-only app: no fetch handler is needed.
                    module = Some(obj.clone());
                }
            }
            if fetch.is_none() && module.is_none() {
                let intrinsics = Intrinsics::get(ctx).map_err(engine)?;
                let has: bool = intrinsics.has_fetch_listeners.call(()).map_err(engine)?;
                if !has {
                    if !default.is_function() {
                        return Err(RuntimeError::NoHandler);
                    }
                    serve_node_handler(ctx, default).map_err(|e| match e {
                        rquickjs::Error::Exception => RuntimeError::Uncaught(caught(ctx, e)),
                        other => engine(other),
                    })?;
                }
            }
            let app = App {
                module,
                fetch,
                env: make_env(ctx, &env_vars, &bindings).map_err(|e| match e {
                    rquickjs::Error::Exception => RuntimeError::Uncaught(caught(ctx, e)),
                    other => engine(other),
                })?,
                exec_ctx: make_exec_ctx(ctx).map_err(engine)?,
            };
            let _ = ctx.store_userdata(app);
            Ok(())
        })
        .await
    }

    /// Runs a script or module to completion: evaluates it, then runs the event loop until no
    /// work is left. Fails on an uncaught exception or unhandled rejection.
    pub async fn run_main(&self, entry: &Path) -> Result<(), RuntimeError> {
        let outcome = self.import(entry, |_, _| Ok(())).await;
        if self.meter.hit() == Some(Limit::Exit) {
            return Err(RuntimeError::Exit(self.meter.exit_code()));
        }
        outcome?;
        // `process.exit()` from a callback ends the run without waiting for the other timers.
        tokio::select! {
            _ = self.runtime.idle() => {}
            _ = self.stopped() => {}
        }
        if self.meter.hit() == Some(Limit::Exit) {
            return Err(RuntimeError::Exit(self.meter.exit_code()));
        }
        let n = self.uncaught_errors();
        if n > 0 {
            return Err(RuntimeError::UncaughtErrors(n));
        }
        Ok(())
    }

    /// Resolves once the isolate is stopped for good: a limit was hit or the app called
    /// `process.exit()` (checked every 10 ms).
    pub(crate) async fn stopped(&self) {
        while self.meter.hit().is_none() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Evaluates a classic script in the global scope (as a browser's `<script>` does) and
    /// returns its completion value as JSON, if it has one. Conformance runners load test
    /// harnesses this way.
    pub async fn eval_script(
        &self,
        name: &str,
        source: &str,
    ) -> Result<Option<String>, RuntimeError> {
        let name = name.to_owned();
        let source = source.to_owned();
        self.context
            .with(move |ctx| {
                let mut options = rquickjs::context::EvalOptions::default();
                options.global = true;
                options.strict = false;
                options.filename = Some(name);
                let value: Value = ctx
                    .eval_with_options(source, options)
                    .map_err(|e| RuntimeError::Uncaught(caught(&ctx, e)))?;
                while ctx.execute_pending_job() {}
                let json = ctx
                    .json_stringify(value)
                    .map_err(|e| RuntimeError::Uncaught(caught(&ctx, e)))?;
                Ok(json.and_then(|s| s.to_string().ok()))
            })
            .await
    }

    /// Evaluates classic scripts one after another in a single task, with no microtask
    /// checkpoint between them (as a worker's `importScripts(a, b, c)` does), then runs the
    /// microtasks. Stops at the first that throws and returns its index with the error.
    pub async fn eval_scripts(
        &self,
        scripts: Vec<(String, String)>,
    ) -> Result<(), (usize, RuntimeError)> {
        self.context
            .with(move |ctx| {
                let mut outcome = Ok(());
                for (index, (name, source)) in scripts.into_iter().enumerate() {
                    let mut options = rquickjs::context::EvalOptions::default();
                    options.global = true;
                    options.strict = false;
                    options.filename = Some(name);
                    if let Err(e) = ctx.eval_with_options::<Value, _>(source, options) {
                        outcome = Err((index, RuntimeError::Uncaught(caught(&ctx, e))));
                        break;
                    }
                }
                while ctx.execute_pending_job() {}
                outcome
            })
            .await
    }

    /// Hands a request to the app. Resolves when status and headers are known; the body keeps
    /// streaming from the isolate's event loop.
    pub async fn dispatch(&self, request: AppRequest) -> Result<AppResponse, DispatchError> {
        let (tx, rx) = oneshot::channel();
        self.start(request, tx).await;
        rx.await.unwrap_or(Err(DispatchError::Gone))
    }

    /// Runs an event handler (`scheduled`); `reply` gets the outcome once its promise
    /// settles, or the error. Called on the isolate's thread, as `start` is.
    pub async fn start_event(&self, event: AppEvent, reply: EventSender) {
        if let Some(limit) = self.meter.hit() {
            let _ = reply.send(Err(DispatchError::LimitExceeded(limit)));
            return;
        }
        self.meter.renew();
        self.context
            .with(move |ctx| {
                let outcome = call_event(&ctx, event);
                match outcome {
                    Ok(promise) => {
                        let ctx2 = ctx.clone();
                        ctx.spawn(async move {
                            let result = match promise.into_future::<Value>().await {
                                Ok(value) => Ok(outcome_of(&value)),
                                Err(e) => Err(DispatchError::Handler(caught(&ctx2, e))),
                            };
                            let _ = reply.send(result.map_err(|e| classify(&ctx2, e)));
                        });
                    }
                    Err(e) => {
                        let _ = reply.send(Err(classify(&ctx, e)));
                    }
                }
                while ctx.execute_pending_job() {}
            })
            .await;
    }

    /// Starts a request and returns at once; the outcome goes to `reply` when the head is
    /// known. This is what a host calls on the isolate's thread.
    pub async fn start(&self, request: AppRequest, reply: ResponseSender) {
        if let Some(limit) = self.meter.hit() {
            let _ = reply.send(Err(DispatchError::LimitExceeded(limit)));
            return;
        }
        // The CPU budget is per request: it renews as each request arrives.
        self.meter.renew();
        self.context
            .with(move |ctx| {
                match call_handler(&ctx, request) {
                    // Settled without waiting on I/O: answer at once, no task needed.
                    Ok(Outcome::Ready(value)) => {
                        let _ = reply.send(respond(&ctx, value).map_err(|e| classify(&ctx, e)));
                    }
                    Ok(Outcome::Pending(promise)) => {
                        let ctx2 = ctx.clone();
                        ctx.spawn(finish(ctx2, promise, reply));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(classify(&ctx, e)));
                    }
                }
                // Run the jobs the handler queued (a body stream starting, say) now rather
                // than whenever the event loop is next woken.
                while ctx.execute_pending_job() {}
            })
            .await;
    }
}

use console::{report_uncaught_error as uncaught, UncaughtCounter};

/// The engine's rejection tracker: a rejection is reported only if no handler was attached by
/// the time the pending jobs ran.
fn track_rejection<'js>(ctx: Ctx<'js>, promise: Value<'js>, reason: Value<'js>, handled: bool) {
    let Some(pending) = ctx.userdata::<PendingRejections>() else {
        return;
    };
    if handled {
        pending.list.borrow_mut().retain(|r| r.promise != promise);
        return;
    }
    pending.list.borrow_mut().push(Rejection {
        promise: promise.clone(),
        reason,
    });
    drop(pending);
    let ctx2 = ctx.clone();
    ctx.spawn(async move {
        YieldOnce::default().await;
        let Some(pending) = ctx2.userdata::<PendingRejections>() else {
            return;
        };
        let found = {
            let mut list = pending.list.borrow_mut();
            list.iter()
                .position(|r| r.promise == promise)
                .map(|i| list.remove(i))
        };
        drop(pending);
        if let Some(rejection) = found {
            let handled = crate::web::console::app_handles(
                &ctx2,
                |i| i.report_rejection,
                (rejection.reason.clone(), rejection.promise.clone()),
            );
            if handled {
                return;
            }
            let mut e = describe_exception(&rejection.reason);
            e.message = format!("(in promise) {}", e.message);
            uncaught(&ctx2, &e);
        }
    });
}

/// Returns `Pending` once, so that the engine runs its pending jobs before the next poll.
#[derive(Default)]
pub(crate) struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

fn make_env<'js>(
    ctx: &Ctx<'js>,
    vars: &[(String, String)],
    bindings: &[crate::bindings::Binding],
) -> rquickjs::Result<Object<'js>> {
    let env = Object::new(ctx.clone())?;
    for (k, v) in vars {
        env.set(k.as_str(), v.as_str())?;
    }
    crate::bindings::install(ctx, &env, bindings)?;
    Ok(env)
}

/// A default export that is a function (and no fetch handler): a Node request handler
/// `(req, res)`, such as an Express app exported without `listen()`. It serves the app's
/// requests through `node:http`, as `createServer(handler).listen()` would.
fn serve_node_handler<'js>(ctx: &Ctx<'js>, handler: Value<'js>) -> rquickjs::Result<()> {
    let http: Object = Module::import(ctx, "node:http")?.finish()?;
    let create: Function = http.get("createServer")?;
    let server: Object = create.call((handler,))?;
    let serve: Function = server.get("_edgeServe")?;
    serve.call::<_, ()>((This(server),))
}

/// The `ctx` argument of `fetch(request, env, ctx)`.
fn make_exec_ctx<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Object<'js>> {
    let exec = Object::new(ctx.clone())?;
    exec.set("waitUntil", Func::from(wait_until))?;
    exec.set("passThroughOnException", Func::from(|| ()))?;
    Ok(exec)
}

/// `ctx.waitUntil(promise)`: the promise keeps running after the response; its failure is
/// logged.
fn wait_until<'js>(ctx: Ctx<'js>, value: Value<'js>) {
    let Some(promise) = value.into_promise() else {
        return;
    };
    let ctx2 = ctx.clone();
    ctx.spawn(async move {
        if let Err(err) = promise.into_future::<Value>().await {
            let e = caught(&ctx2, err);
            uncaught(&ctx2, &e);
        }
    });
}

/// Where the outcome of a request goes.
pub type ResponseSender = oneshot::Sender<Result<AppResponse, DispatchError>>;

/// What the handler gave back: a value now, or a promise still waiting on I/O.
enum Outcome<'js> {
    Ready(Value<'js>),
    Pending(Promise<'js>),
}

/// Calls the app's handler for a request. A returned promise gets the engine's pending jobs
/// run once, which settles the common `async fetch` that awaits nothing slow.
fn call_handler<'js>(ctx: &Ctx<'js>, request: AppRequest) -> Result<Outcome<'js>, DispatchError> {
    let app = ctx
        .userdata::<App>()
        .map(|a| a.clone())
        .ok_or(DispatchError::NoApp)?;
    let js_err = |e: Error| DispatchError::Handler(caught(ctx, e));
    // A request starts outside every async context (`enterWith` in another request's
    // synchronous part does not reach it).
    crate::async_context::set(ctx, &rquickjs::Value::new_undefined(ctx.clone()));
    let mut req = Request::incoming(
        request.method.as_str(),
        request.url,
        request.headers,
        request.body,
    );
    req.client = request.client;
    let req = Class::instance(ctx.clone(), req).map_err(js_err)?;
    let result: Value = match (&app.module, &app.fetch) {
        (Some(object), Some(fetch)) => fetch.call((
            This(object.clone()),
            req,
            app.env.clone(),
            app.exec_ctx.clone(),
        )),
        _ => Intrinsics::get(ctx)
            .and_then(|i| i.dispatch_fetch_event.call((req, app.exec_ctx.clone()))),
    }
    .map_err(js_err)?;
    let Some(promise) = result.as_promise().cloned() else {
        return Ok(Outcome::Ready(result));
    };
    while ctx.execute_pending_job() {}
    match promise.state() {
        PromiseState::Pending => Ok(Outcome::Pending(promise)),
        _ => match promise.result::<Value>() {
            Some(Ok(value)) => Ok(Outcome::Ready(value)),
            Some(Err(e)) => Err(js_err(e)),
            None => Ok(Outcome::Pending(promise)),
        },
    }
}

/// Calls the app's handler for an event; a promise of its outcome.
fn call_event<'js>(ctx: &Ctx<'js>, event: AppEvent) -> Result<Promise<'js>, DispatchError> {
    let app = ctx
        .userdata::<App>()
        .map(|a| a.clone())
        .ok_or(DispatchError::NoApp)?;
    let js_err = |e: Error| DispatchError::Handler(caught(ctx, e));
    crate::async_context::set(ctx, &rquickjs::Value::new_undefined(ctx.clone()));
    let (cron, scheduled_time_ms) = match event {
        AppEvent::Scheduled {
            cron,
            scheduled_time_ms,
        } => (cron, scheduled_time_ms),
        AppEvent::Queue { queue, messages } => return call_queue(ctx, &app, queue, &messages),
    };
    let Some(module) = &app.module else {
        return Err(DispatchError::InvalidResponse(
            "the app exports no scheduled handler".into(),
        ));
    };
    let handler: Option<Function> = module
        .get::<_, Value>("scheduled")
        .map_err(js_err)?
        .into_function();
    let Some(handler) = handler else {
        return Err(DispatchError::InvalidResponse(
            "the app exports no scheduled handler: export default { scheduled(controller, env, ctx) { ... } }".into(),
        ));
    };
    let controller = Object::new(ctx.clone()).map_err(js_err)?;
    controller.set("cron", cron).map_err(js_err)?;
    controller
        .set("scheduledTime", scheduled_time_ms)
        .map_err(js_err)?;
    controller.set("type", "scheduled").map_err(js_err)?;
    controller
        .set("noRetry", Func::from(|| ()))
        .map_err(js_err)?;
    let result: Value = handler
        .call((
            This(module.clone()),
            controller,
            app.env.clone(),
            app.exec_ctx.clone(),
        ))
        .map_err(js_err)?;
    let resolve: Function = ctx
        .globals()
        .get::<_, Object>("Promise")
        .and_then(|p| p.get("resolve"))
        .map_err(js_err)?;
    let promise: Promise = resolve
        .call((
            This(ctx.globals().get::<_, Value>("Promise").map_err(js_err)?),
            result,
        ))
        .map_err(js_err)?;
    Ok(promise)
}

/// Runs a queue consumer's handler on a batch (the JS side builds the batch and keeps the
/// acks and retries); a promise of `[[id, "ack" | "retry", delaySeconds], ...]`.
fn call_queue<'js>(
    ctx: &Ctx<'js>,
    app: &App<'js>,
    queue: String,
    messages: &[crate::bindings::queue::QueueMessage],
) -> Result<Promise<'js>, DispatchError> {
    let js_err = |e: Error| DispatchError::Handler(caught(ctx, e));
    let handler: Option<Function> = match &app.module {
        Some(module) => module
            .get::<_, Value>("queue")
            .map_err(js_err)?
            .into_function(),
        None => None,
    };
    let Some(handler) = handler else {
        return Err(DispatchError::InvalidResponse(
            "the app exports no queue handler: export default { queue(batch, env, ctx) { ... } }"
                .into(),
        ));
    };
    let glue: Object = Module::import(ctx, "edge:bindings")
        .and_then(|p| p.finish())
        .map_err(js_err)?;
    let deliver: Function = glue.get("deliverQueue").map_err(js_err)?;
    let list = crate::bindings::queue::to_js(ctx, messages).map_err(js_err)?;
    deliver
        .call((
            handler,
            app.module.clone(),
            queue,
            list,
            app.env.clone(),
            app.exec_ctx.clone(),
        ))
        .map_err(js_err)
}

/// A queue batch's decisions, from what `deliverQueue` resolved with (nothing for others).
fn outcome_of(value: &Value<'_>) -> EventOutcome {
    use crate::bindings::queue::Decision;
    let mut outcome = EventOutcome::default();
    let Some(list) = value.as_array() else {
        return outcome;
    };
    for row in list.iter::<rquickjs::Array>().flatten() {
        let (Ok(id), Ok(kind)) = (row.get::<String>(0), row.get::<String>(1)) else {
            continue;
        };
        let decision = if kind == "ack" {
            Decision::Ack
        } else {
            Decision::Retry(row.get::<Option<u32>>(2).ok().flatten().unwrap_or(0))
        };
        outcome.decisions.push((id, decision));
    }
    outcome
}

/// Waits for a handler's promise, then answers.
async fn finish<'js>(ctx: Ctx<'js>, promise: Promise<'js>, reply: ResponseSender) {
    let result = match promise.into_future::<Value>().await {
        Ok(value) => respond(&ctx, value),
        Err(e) => Err(DispatchError::Handler(caught(&ctx, e))),
    };
    let _ = reply.send(result.map_err(|e| classify(&ctx, e)));
}

/// Turns the handler's value into the response head and body.
fn respond<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> Result<AppResponse, DispatchError> {
    let response = Class::<Response>::from_value(&value).map_err(|_| {
        DispatchError::InvalidResponse(format!(
            "the fetch handler must return a Response (or a Promise of one), got {}",
            value.type_name()
        ))
    })?;
    into_app_response(ctx, response)
}

/// Splits a Response into head and body. A JS stream body is pumped by the bootstrap into a
/// native `BodySink` feeding the body channel.
fn into_app_response<'js>(
    ctx: &Ctx<'js>,
    response: Class<'js, Response<'js>>,
) -> Result<AppResponse, DispatchError> {
    let js_err = |e: Error| DispatchError::Handler(caught(ctx, e));
    let mut r = response.borrow_mut();
    if r.kind == "error" {
        return Err(DispatchError::InvalidResponse(
            "the fetch handler returned Response.error()".into(),
        ));
    }
    let status = r.status;
    let web_socket = if status == 101 {
        r.web_socket.take()
    } else {
        None
    };
    // A bytes body can be sent again (apps return a cached Response); anything else is
    // single-use, so its headers can be moved out.
    let reusable = matches!(r.body.inner, BodyInner::Bytes(_));
    let headers = if reusable {
        r.headers.to_map()
    } else {
        r.headers.take_map()
    };
    if r.body.body_used(ctx).map_err(js_err)? {
        return Err(DispatchError::InvalidResponse(
            "the fetch handler returned a Response whose body was already used".into(),
        ));
    }
    let inner = match &r.body.inner {
        BodyInner::Bytes(b) => BodyInner::Bytes(b.clone()),
        _ => {
            r.body.used = true;
            std::mem::replace(&mut r.body.inner, BodyInner::Null)
        }
    };
    drop(r);
    let body = match inner {
        BodyInner::Null => Body::empty(),
        BodyInner::Bytes(b) => Body::full(b),
        BodyInner::Native(body) => body,
        BodyInner::Stream(stream) => stream_to_body(ctx, stream).map_err(js_err)?,
    };
    let websocket = match web_socket {
        None => None,
        Some(ws) => {
            let protocol = headers
                .get(http::header::SEC_WEBSOCKET_PROTOCOL)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let (session, handle) =
                web::websocket::server_session(ctx, protocol).map_err(js_err)?;
            let hooks = ctx.userdata::<Intrinsics>();
            let bound = match hooks {
                Some(hooks) => hooks
                    .bind_web_socket
                    .call::<_, bool>((ws, handle))
                    .map_err(js_err)?,
                None => false,
            };
            if !bound {
                return Err(DispatchError::InvalidResponse(
                    "the fetch handler returned a Response whose webSocket was already used".into(),
                ));
            }
            Some(session)
        }
    };
    Ok(AppResponse {
        status,
        headers,
        body,
        websocket,
    })
}
