//! Worker threads: each runs a single-threaded executor on which isolates live and on which the
//! HTTP front runs its connections, so a request for an isolate on the same worker never
//! crosses threads. Work reaches a worker as a `Send` closure that starts a local (`!Send`)
//! future there.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc;

type Task = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>> + Send>;

thread_local! {
    static CURRENT: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The index of the worker this thread is, if it is one.
pub fn current_worker() -> Option<usize> {
    CURRENT.with(Cell::get)
}

/// A fixed set of worker threads.
pub struct WorkerPool {
    workers: Vec<mpsc::UnboundedSender<Task>>,
}

impl WorkerPool {
    /// Starts `count` workers (at least one).
    pub fn new(count: usize) -> std::io::Result<WorkerPool> {
        let mut workers = Vec::new();
        for index in 0..count.max(1) {
            let (tx, rx) = mpsc::unbounded_channel::<Task>();
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            std::thread::Builder::new()
                .name(format!("edge-worker-{index}"))
                .stack_size(8 << 20)
                .spawn(move || run_worker(index, rt, rx))?;
            workers.push(tx);
        }
        Ok(WorkerPool { workers })
    }

    pub fn len(&self) -> usize {
        self.workers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.workers.is_empty()
    }

    /// Starts the future made by `make` on worker `index`. Returns false if that worker has
    /// stopped.
    pub fn spawn_on<F, Fut>(&self, index: usize, make: F) -> bool
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let task: Task = Box::new(move || Box::pin(make()));
        self.workers[index % self.workers.len()].send(task).is_ok()
    }
}

fn run_worker(index: usize, rt: tokio::runtime::Runtime, mut tasks: mpsc::UnboundedReceiver<Task>) {
    CURRENT.with(|c| c.set(Some(index)));
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async move {
        while let Some(task) = tasks.recv().await {
            tokio::task::spawn_local(task());
        }
    });
}
