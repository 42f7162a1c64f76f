//! One app served by an isolate on a worker thread. A request handled on that same worker
//! (the front runs its connections on the workers) calls the isolate directly; from any other
//! thread it goes through the instance's bounded queue, and a full queue is refused at once
//! (the front answers 503). Reloading loads a fresh isolate and swaps it in only once the new
//! code has loaded, so a broken edit keeps the old version serving; the old isolate finishes
//! the responses it is streaming. An isolate that hits a resource limit is retired at once and
//! the next request loads a fresh one; an app may also start without an isolate and get one on
//! its first request.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use edge_runtime::{
    AppEvent, AppRequest, AppResponse, DispatchError, EventOutcome, EventSender, Isolate,
    IsolateOptions, ResponseSender, RuntimeError,
};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use tokio::sync::{mpsc, oneshot};

use crate::error::HostError;
use crate::worker::{current_worker, WorkerPool};

/// How many requests from other threads may wait for an isolate before new ones are refused.
const QUEUE_DEPTH: usize = 1024;

/// How long a replaced isolate may keep running to finish its responses.
const DRAIN_GRACE: Duration = Duration::from_secs(30);

/// How long a replaced isolate keeps serving its open WebSockets (after `DRAIN_GRACE`).
const WEBSOCKET_DRAIN: Duration = Duration::from_secs(15 * 60);

thread_local! {
    /// The isolates living on this worker thread, by instance id.
    static LOCAL: RefCell<HashMap<u64, Rc<Isolate>>> = RefCell::new(HashMap::new());
}

/// What the host needs to run an app.
#[derive(Clone)]
pub struct AppConfig {
    /// The entry module.
    pub entry: PathBuf,
    pub isolate: IsolateOptions,
    /// Where the serving isolate reports its engine heap, in bytes (sampled every few
    /// seconds), for metrics.
    pub heap_gauge: Option<Arc<AtomicU64>>,
}

/// How long an app's modules may take to load (their top-level code, awaits included): an
/// app whose top-level await never settles is refused, not waited for.
const LOAD_LIMIT: Duration = Duration::from_secs(10);

/// How often a serving isolate measures its heap for the gauge (the engine walks the heap).
const HEAP_SAMPLE: Duration = Duration::from_secs(5);

/// What a job asks of the isolate, and where the outcome goes: a request, or another event
/// (a cron trigger, a batch of queue messages).
enum Work {
    Request(AppRequest, ResponseSender),
    Event(AppEvent, EventSender),
}

struct Job {
    work: Work,
}

impl Work {
    async fn start(self, isolate: &Isolate) {
        match self {
            Work::Request(request, reply) => isolate.start(request, reply).await,
            Work::Event(event, reply) => isolate.start_event(event, reply).await,
        }
    }
}

/// A loaded version of the app: its isolate's id on the worker, its queue and its files.
struct Instance {
    id: u64,
    queue: mpsc::Sender<Job>,
    files: Vec<PathBuf>,
}

/// Serves one app; cheap to share between connection tasks.
pub struct AppHost {
    config: AppConfig,
    pool: Arc<WorkerPool>,
    /// The worker the app's isolates live on first.
    worker: usize,
    /// Whether a busy app also gets an isolate on the other workers it receives requests on.
    scale_out: bool,
    /// The serving isolate per worker (`worker`'s first); none before the first request of a
    /// lazily started app, or after one hit a limit.
    slots: Vec<Slot>,
}

/// Instance ids, unique in the process: a worker's table of local isolates holds the
/// isolates of every app on that worker.
static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

struct Slot {
    current: ArcSwapOption<Instance>,
    /// Held while a fresh isolate loads, so that concurrent requests wait for one load.
    loading: tokio::sync::Mutex<()>,
}

impl AppHost {
    /// Starts the app's isolate on the first worker and loads its code.
    pub async fn start(config: AppConfig, pool: Arc<WorkerPool>) -> Result<Self, HostError> {
        let host = AppHost::lazy(config, pool, 0);
        host.reload().await?;
        Ok(host)
    }

    /// An app whose isolates live on `worker`, loaded on its first request.
    pub fn lazy(config: AppConfig, pool: Arc<WorkerPool>, worker: usize) -> Self {
        let slots = (0..pool.len())
            .map(|_| Slot {
                current: ArcSwapOption::empty(),
                loading: tokio::sync::Mutex::new(()),
            })
            .collect();
        AppHost {
            config,
            worker: worker % pool.len().max(1),
            pool,
            scale_out: false,
            slots,
        }
    }

    /// Lets a busy app run an isolate on each worker that receives its requests (as many
    /// isolates of one app do in Workers: they share no state).
    pub fn with_scale_out(mut self) -> Self {
        self.scale_out = true;
        self
    }

    /// Loads the app again in a new isolate on its first worker and swaps it in if it loads;
    /// isolates on other workers are dropped and load the new code when next needed.
    pub async fn reload(&self) -> Result<(), HostError> {
        self.load_on(self.worker).await?;
        for (w, slot) in self.slots.iter().enumerate() {
            if w != self.worker {
                slot.current.store(None);
            }
        }
        Ok(())
    }

    async fn load_on(&self, worker: usize) -> Result<(), HostError> {
        let id = NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed);
        let instance = spawn_instance(&self.config, &self.pool, worker, id).await?;
        self.slots[worker].current.store(Some(Arc::new(instance)));
        Ok(())
    }

    /// Whether an isolate is loaded now.
    pub fn is_loaded(&self) -> bool {
        self.slots.iter().any(|s| s.current.load().is_some())
    }

    /// Drops the serving isolates (they finish what they are streaming); the next request
    /// loads a fresh one.
    pub fn unload(&self) {
        for slot in &self.slots {
            slot.current.store(None);
        }
    }

    /// The source files of the running version, for watching.
    pub fn files(&self) -> Vec<PathBuf> {
        self.slots[self.worker]
            .current
            .load()
            .as_ref()
            .map(|i| i.files.clone())
            .unwrap_or_default()
    }

    /// The worker whose isolate should take a request: the app's first worker, unless the
    /// request arrived on another worker that already has an isolate of the app, or the first
    /// one has requests waiting.
    fn worker_for_request(&self) -> usize {
        let Some(here) = current_worker()
            .filter(|w| self.scale_out && *w != self.worker && *w < self.slots.len())
        else {
            return self.worker;
        };
        if self.slots[here].current.load().is_some() {
            return here;
        }
        let busy = self.slots[self.worker]
            .current
            .load()
            .as_ref()
            .is_some_and(|home| home.queue.capacity() < QUEUE_DEPTH);
        if busy {
            here
        } else {
            self.worker
        }
    }

    /// The serving isolate on `worker`, loading one if there is none.
    async fn instance(&self, worker: usize) -> Result<Arc<Instance>, HostError> {
        let slot = &self.slots[worker];
        if let Some(instance) = slot.current.load_full() {
            return Ok(instance);
        }
        let _loading = slot.loading.lock().await;
        if let Some(instance) = slot.current.load_full() {
            return Ok(instance);
        }
        self.load_on(worker).await?;
        slot.current
            .load_full()
            .ok_or_else(|| HostError::Unavailable("the app did not load".into()))
    }

    /// Hands a request to the app; resolves when the response head is ready.
    pub async fn dispatch(&self, request: AppRequest) -> Result<AppResponse, HostError> {
        self.dispatch_work(|reply| Work::Request(request, reply))
            .await
    }

    /// Hands an event (a cron trigger, queue messages) to the app; resolves when its handler
    /// is done.
    pub async fn dispatch_event(&self, event: AppEvent) -> Result<EventOutcome, HostError> {
        self.dispatch_work(|reply| Work::Event(event, reply)).await
    }

    async fn dispatch_work<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, DispatchError>>) -> Work,
    ) -> Result<T, HostError> {
        let worker = self.worker_for_request();
        let instance = self.instance(worker).await?;
        let (reply, rx) = oneshot::channel();
        let work = make(reply);
        let local = if current_worker() == Some(worker) {
            LOCAL.with(|l| l.borrow().get(&instance.id).cloned())
        } else {
            None
        };
        match local {
            Some(isolate) => {
                // Boxed: the request's future is large, and every future that awaits this
                // one would otherwise hold (and copy per request) its bytes.
                let served = AssertUnwindSafe(Box::pin(work.start(&isolate)))
                    .catch_unwind()
                    .await;
                if served.is_err() {
                    tracing::error!("an isolate failed while serving; it is dropped");
                    LOCAL.with(|l| l.borrow_mut().remove(&instance.id));
                    self.retire(&instance);
                }
            }
            None => {
                let sent = instance.queue.try_send(Job { work });
                if let Err(e) = sent {
                    return Err(match e {
                        mpsc::error::TrySendError::Full(_) => HostError::Overloaded,
                        mpsc::error::TrySendError::Closed(_) => {
                            self.retire(&instance);
                            HostError::Unavailable("the isolate has stopped".into())
                        }
                    });
                }
            }
        }
        let result = match rx.await {
            Ok(result) => result.map_err(HostError::from),
            Err(_) => Err(HostError::Dispatch(DispatchError::Gone)),
        };
        // A terminated isolate (a limit, or a failure that ended its task) is replaced.
        if matches!(
            result,
            Err(HostError::Dispatch(
                DispatchError::LimitExceeded(_) | DispatchError::Gone
            ))
        ) {
            self.retire(&instance);
        }
        result
    }

    /// Takes a terminated isolate out of service, if it is still a serving one.
    fn retire(&self, instance: &Arc<Instance>) {
        for slot in &self.slots {
            let current = slot.current.load();
            if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, instance)) {
                slot.current.store(None);
            }
        }
    }

    /// How many isolates of the app are loaded.
    pub fn isolates(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.current.load().is_some())
            .count()
    }
}

type Ready = oneshot::Sender<Result<Vec<PathBuf>, RuntimeError>>;

/// Creates an isolate on `worker`, loads the app and waits for the outcome.
async fn spawn_instance(
    config: &AppConfig,
    pool: &WorkerPool,
    worker: usize,
    id: u64,
) -> Result<Instance, HostError> {
    let (queue, jobs) = mpsc::channel::<Job>(QUEUE_DEPTH);
    let (ready_tx, ready_rx) = oneshot::channel();
    let config = config.clone();
    if !pool.spawn_on(worker, move || run_instance(config, id, jobs, ready_tx)) {
        return Err(HostError::Unavailable(
            "the worker thread has stopped".into(),
        ));
    }
    match ready_rx.await {
        Ok(Ok(files)) => Ok(Instance { id, queue, files }),
        Ok(Err(e)) => Err(HostError::Load(e)),
        Err(_) => Err(HostError::Unavailable(
            "the worker stopped while loading".into(),
        )),
    }
}

/// The life of one isolate on its worker: load, serve queued jobs, drain, end.
async fn run_instance(config: AppConfig, id: u64, mut jobs: mpsc::Receiver<Job>, ready: Ready) {
    // A spare from the warm pool if this worker has one, else a new isolate.
    let (isolate, mut driver) = match crate::warm::take() {
        Some(spare) => {
            spare.isolate.configure(config.isolate.clone()).await;
            (spare.isolate, spare.driver)
        }
        None => match Isolate::new(config.isolate.clone()).await {
            Ok(i) => {
                let isolate = Rc::new(i);
                let driver = tokio::task::spawn_local(isolate.driver());
                (isolate, driver)
            }
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        },
    };
    let loaded = match tokio::time::timeout(LOAD_LIMIT, isolate.load_app(&config.entry)).await {
        Ok(loaded) => loaded,
        Err(_) => Err(edge_runtime::RuntimeError::Load {
            specifier: config
                .entry
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            reason: format!(
                "its top-level code did not finish within {} s (an await that never settles?)",
                LOAD_LIMIT.as_secs()
            ),
        }),
    };
    if let Err(e) = loaded {
        let _ = ready.send(Err(e));
        driver.abort();
        return;
    }
    LOCAL.with(|l| l.borrow_mut().insert(id, isolate.clone()));
    if ready.send(Ok(isolate.loaded_files())).is_err() {
        LOCAL.with(|l| l.borrow_mut().remove(&id));
        return;
    }
    let sampler = config.heap_gauge.clone().map(|gauge| {
        let weak = Rc::downgrade(&isolate);
        tokio::task::spawn_local(async move {
            while let Some(isolate) = weak.upgrade() {
                gauge.store(isolate.heap_bytes().await as u64, Ordering::Relaxed);
                drop(isolate);
                tokio::time::sleep(HEAP_SAMPLE).await;
            }
        })
    });
    loop {
        tokio::select! {
            job = jobs.recv() => {
                let Some(job) = job else { break };
                // A panic while serving (a bug, never the app's doing) ends this isolate
                // only: its requests see it gone and the next one loads a fresh isolate.
                let served = AssertUnwindSafe(job.work.start(&isolate))
                    .catch_unwind()
                    .await;
                if served.is_err() {
                    tracing::error!(instance = id, "an isolate failed while serving; it is dropped");
                    LOCAL.with(|l| l.borrow_mut().remove(&id));
                    return;
                }
            }
            // The event loop itself failed (a panic in a native task): the isolate is
            // dropped now, which fails the requests it held.
            _ = &mut driver => {
                tracing::error!(instance = id, "an isolate's event loop failed; it is dropped");
                LOCAL.with(|l| l.borrow_mut().remove(&id));
                drop(jobs);
                drop(isolate);
                return;
            }
        }
    }
    // Replaced or shut down: no new requests reach this isolate; let the responses it is
    // still streaming and its waitUntil work finish, then drop it. A terminated isolate goes
    // at once.
    LOCAL.with(|l| l.borrow_mut().remove(&id));
    if isolate.limit_hit().is_none() {
        tokio::time::sleep(DRAIN_GRACE).await;
        // Open WebSockets stay served until they close, up to a deadline.
        let deadline = tokio::time::Instant::now() + WEBSOCKET_DRAIN;
        while isolate.open_websockets() > 0
            && isolate.limit_hit().is_none()
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    drop(isolate);
    driver.abort();
    if let Some(sampler) = sampler {
        sampler.abort();
    }
    if let Some(gauge) = &config.heap_gauge {
        gauge.store(0, Ordering::Relaxed);
    }
}
