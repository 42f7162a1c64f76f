//! The warm pool: isolates made ahead of time on each worker, with every global installed and
//! no app, so that an app's cold start only configures one and loads its code. A worker refills
//! its pool in the background after handing one out.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use edge_runtime::{Isolate, IsolateOptions};
use tokio::task::JoinHandle;

use crate::worker::WorkerPool;

/// A ready isolate and its running event loop.
pub(crate) struct Spare {
    pub isolate: Rc<Isolate>,
    pub driver: JoinHandle<()>,
}

thread_local! {
    static SPARES: RefCell<Vec<Spare>> = const { RefCell::new(Vec::new()) };
    static TARGET: Cell<usize> = const { Cell::new(0) };
    static FILLING: Cell<bool> = const { Cell::new(false) };
}

/// Keeps `per_worker` spare isolates on every worker of `pool`.
pub fn keep_warm(pool: &WorkerPool, per_worker: usize) {
    for worker in 0..pool.len() {
        pool.spawn_on(worker, move || async move {
            TARGET.with(|t| t.set(per_worker));
            refill();
        });
    }
}

/// A spare isolate of this worker, if it has one; the pool refills behind it.
pub(crate) fn take() -> Option<Spare> {
    let spare = SPARES.with(|s| s.borrow_mut().pop());
    if spare.is_some() {
        refill();
    }
    spare
}

/// Starts filling this worker's pool up to its target, one isolate per turn of the loop.
fn refill() {
    if FILLING.with(|f| f.replace(true)) {
        return;
    }
    tokio::task::spawn_local(async {
        while SPARES.with(|s| s.borrow().len()) < TARGET.with(Cell::get) {
            // Let the requests waiting on this worker go first.
            tokio::task::yield_now().await;
            let quiet = IsolateOptions {
                log: std::sync::Arc::new(|_, _| {}),
                ..IsolateOptions::default()
            };
            let Ok(isolate) = Isolate::new(quiet).await else {
                break;
            };
            let isolate = Rc::new(isolate);
            let driver = tokio::task::spawn_local(isolate.driver());
            SPARES.with(|s| s.borrow_mut().push(Spare { isolate, driver }));
        }
        FILLING.with(|f| f.set(false));
    });
}
