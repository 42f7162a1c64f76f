//! Graceful shutdown: one signal tells every accept loop to stop and every connection to finish
//! what it is serving; a count of open connections and streams says when the node is idle.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};

/// The node's drain state, shared by every listener and connection.
pub struct Drain {
    signal: watch::Sender<bool>,
    /// The same fact for the request path: an atomic read, not the channel's lock.
    draining: AtomicBool,
    active: AtomicUsize,
    idle: Notify,
}

/// Something that keeps the node from being idle (a connection, an HTTP/3 request); dropping
/// it lets the drain finish.
pub struct Busy(Arc<Drain>);

impl Drain {
    pub fn new() -> Arc<Drain> {
        Arc::new(Drain {
            signal: watch::channel(false).0,
            draining: AtomicBool::new(false),
            active: AtomicUsize::new(0),
            idle: Notify::new(),
        })
    }

    /// Starts draining: listeners stop accepting, connections finish their requests.
    pub fn begin(&self) {
        self.draining.store(true, Ordering::Release);
        self.signal.send_replace(true);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// A receiver that sees draining begin (`wait_for(|d| *d)`).
    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.signal.subscribe()
    }

    /// Counts one more thing in flight.
    pub fn busy(self: &Arc<Self>) -> Busy {
        self.active.fetch_add(1, Ordering::AcqRel);
        Busy(self.clone())
    }

    /// Things in flight now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::Acquire)
    }

    /// Waits until nothing is in flight, at most `deadline`; says whether it got there.
    pub async fn wait_idle(&self, deadline: Duration) -> bool {
        let until = tokio::time::Instant::now() + deadline;
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.active() == 0 {
                return true;
            }
            if tokio::time::timeout_at(until, notified).await.is_err() {
                return self.active() == 0;
            }
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if self.0.active.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}
