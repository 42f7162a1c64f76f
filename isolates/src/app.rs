//! One app served by an isolate on a worker thread. A request handled on that same worker
//! (the front runs its connections on the workers) calls the isolate directly; from any other
//! thread it goes through the instance's bounded queue, and a full queue is refused at once
//! (the front answers 503). Reloading loads a fresh isolate and swaps it in only once the new
//! code has loaded, so a broken edit keeps the old version serving; the old isolate finishes
//! the responses it is streaming.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use edge_runtime::{
    AppRequest, AppResponse, DispatchError, Isolate, IsolateOptions, ResponseSender, RuntimeError,
};
use tokio::sync::{mpsc, oneshot};

use crate::error::HostError;
use crate::worker::{current_worker, WorkerPool};

/// How many requests from other threads may wait for an isolate before new ones are refused.
const QUEUE_DEPTH: usize = 1024;

/// How long a replaced isolate may keep running to finish its responses.
const DRAIN_GRACE: Duration = Duration::from_secs(30);

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
}

struct Job {
    request: AppRequest,
    reply: ResponseSender,
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
    /// The worker the app's isolates live on.
    worker: usize,
    current: ArcSwap<Instance>,
    next_id: AtomicU64,
}

impl AppHost {
    /// Starts the app's isolate on the first worker and loads its code.
    pub async fn start(config: AppConfig, pool: Arc<WorkerPool>) -> Result<Self, HostError> {
        let worker = 0;
        let instance = spawn_instance(&config, &pool, worker, 1).await?;
        Ok(AppHost {
            config,
            pool,
            worker,
            current: ArcSwap::from_pointee(instance),
            next_id: AtomicU64::new(2),
        })
    }

    /// Loads the app again in a new isolate and swaps it in if it loads.
    pub async fn reload(&self) -> Result<(), HostError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let instance = spawn_instance(&self.config, &self.pool, self.worker, id).await?;
        self.current.store(Arc::new(instance));
        Ok(())
    }

    /// The source files of the running version, for watching.
    pub fn files(&self) -> Vec<PathBuf> {
        self.current.load().files.clone()
    }

    /// Hands a request to the app; resolves when the response head is ready.
    pub async fn dispatch(&self, request: AppRequest) -> Result<AppResponse, HostError> {
        let (reply, rx) = oneshot::channel();
        let id = self.current.load().id;
        let local = if current_worker() == Some(self.worker) {
            LOCAL.with(|l| l.borrow().get(&id).cloned())
        } else {
            None
        };
        match local {
            Some(isolate) => isolate.start(request, reply).await,
            None => {
                let sent = self.current.load().queue.try_send(Job { request, reply });
                sent.map_err(|e| match e {
                    mpsc::error::TrySendError::Full(_) => HostError::Overloaded,
                    mpsc::error::TrySendError::Closed(_) => {
                        HostError::Unavailable("the isolate has stopped".into())
                    }
                })?;
            }
        }
        match rx.await {
            Ok(result) => result.map_err(HostError::from),
            Err(_) => Err(HostError::Dispatch(DispatchError::Gone)),
        }
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
    let isolate = match Isolate::new(config.isolate.clone()).await {
        Ok(i) => Rc::new(i),
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    tokio::task::spawn_local(isolate.driver());
    if let Err(e) = isolate.load_app(&config.entry).await {
        let _ = ready.send(Err(e));
        return;
    }
    LOCAL.with(|l| l.borrow_mut().insert(id, isolate.clone()));
    if ready.send(Ok(isolate.loaded_files())).is_err() {
        LOCAL.with(|l| l.borrow_mut().remove(&id));
        return;
    }
    while let Some(job) = jobs.recv().await {
        isolate.start(job.request, job.reply).await;
    }
    // Replaced or shut down: no new requests reach this isolate; let the responses it is
    // still streaming and its waitUntil work finish, then drop it.
    LOCAL.with(|l| l.borrow_mut().remove(&id));
    tokio::time::sleep(DRAIN_GRACE).await;
    drop(isolate);
}
