//! One app served by one isolate on its own JS thread. Requests reach the thread through a
//! bounded queue; a full queue is refused at once (the front answers 503). Reloading starts a
//! fresh isolate and swaps it in only once the new code has loaded, so a broken edit keeps the
//! old version serving; the old isolate finishes the responses it is streaming.

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use edge_runtime::{
    AppRequest, AppResponse, DispatchError, Isolate, IsolateOptions, ResponseSender, RuntimeError,
};
use tokio::sync::{mpsc, oneshot};

use crate::error::HostError;

/// How many requests may wait for an isolate before new ones are refused.
const QUEUE_DEPTH: usize = 1024;

/// How long a replaced isolate may keep running to finish its responses.
const DRAIN_GRACE: Duration = Duration::from_secs(30);

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

/// A running isolate thread and the files its app was loaded from.
struct Instance {
    queue: mpsc::Sender<Job>,
    files: Vec<PathBuf>,
}

/// Serves one app; cheap to share between connection tasks.
pub struct AppHost {
    config: AppConfig,
    current: ArcSwap<Instance>,
}

impl AppHost {
    /// Starts the app's isolate and loads its code.
    pub async fn start(config: AppConfig) -> Result<Self, HostError> {
        let instance = spawn_instance(&config).await?;
        Ok(AppHost {
            config,
            current: ArcSwap::from_pointee(instance),
        })
    }

    /// Loads the app again in a new isolate and swaps it in if it loads.
    pub async fn reload(&self) -> Result<(), HostError> {
        let instance = spawn_instance(&self.config).await?;
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
        let sent = self.current.load().queue.try_send(Job { request, reply });
        sent.map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => HostError::Overloaded,
            mpsc::error::TrySendError::Closed(_) => {
                HostError::Unavailable("the isolate has stopped".into())
            }
        })?;
        match rx.await {
            Ok(result) => result.map_err(HostError::from),
            Err(_) => Err(HostError::Dispatch(DispatchError::Gone)),
        }
    }
}

/// Starts a JS thread with a fresh isolate, loads the app and waits for the outcome.
async fn spawn_instance(config: &AppConfig) -> Result<Instance, HostError> {
    let (queue, jobs) = mpsc::channel::<Job>(QUEUE_DEPTH);
    let (ready_tx, ready_rx) = oneshot::channel();
    let config = config.clone();
    std::thread::Builder::new()
        .name("edge-js".into())
        .stack_size(8 << 20)
        .spawn(move || isolate_thread(config, jobs, ready_tx))
        .map_err(|e| HostError::Unavailable(format!("cannot start a JS thread: {e}")))?;
    match ready_rx.await {
        Ok(Ok(files)) => Ok(Instance { queue, files }),
        Ok(Err(e)) => Err(HostError::Load(e)),
        Err(_) => Err(HostError::Unavailable(
            "the JS thread stopped while loading".into(),
        )),
    }
}

type Ready = oneshot::Sender<Result<Vec<PathBuf>, RuntimeError>>;

/// The body of a JS thread: one single-threaded executor driving one isolate.
fn isolate_thread(config: AppConfig, mut jobs: mpsc::Receiver<Job>, ready: Ready) {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(RuntimeError::Engine(e.to_string())));
            return;
        }
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async move {
        let isolate = match Isolate::new(config.isolate.clone()).await {
            Ok(i) => Rc::new(i),
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let driver = tokio::task::spawn_local(isolate.driver());
        if let Err(e) = isolate.load_app(&config.entry).await {
            let _ = ready.send(Err(e));
            return;
        }
        if ready.send(Ok(isolate.loaded_files())).is_err() {
            return;
        }
        while let Some(job) = jobs.recv().await {
            isolate.start(job.request, job.reply).await;
        }
        // Replaced or shut down: let streaming responses and waitUntil work finish.
        let _ = tokio::time::timeout(DRAIN_GRACE, driver).await;
    });
}
