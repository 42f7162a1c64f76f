//! Service bindings on a node: an app calls another in process, the request going through the
//! callee's own isolate, limits and queue as if it came from the network, bodies streaming
//! both ways. A chain of calls that comes back around (A calls B calls A ...) is bounded: an
//! app may have `MAX_IN_FLIGHT` service calls waiting for an answer at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

use edge_runtime::bindings::service::{ServiceFuture, ServiceTarget};
use edge_runtime::AppRequest;

use crate::host::Host;

/// Service calls an app may have waiting for their answer at once.
pub const MAX_IN_FLIGHT: usize = 64;

pub(crate) struct HostService {
    pub host: Weak<Host>,
    pub target: String,
    /// The calling app's calls in flight.
    pub in_flight: Arc<AtomicUsize>,
}

struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl ServiceTarget for HostService {
    fn fetch(&self, request: AppRequest) -> ServiceFuture {
        let host = self.host.clone();
        let target = self.target.clone();
        let in_flight = self.in_flight.clone();
        Box::pin(async move {
            let Some(host) = host.upgrade() else {
                return Err("the node is shutting down".to_owned());
            };
            if in_flight.fetch_add(1, Ordering::AcqRel) >= MAX_IN_FLIGHT {
                in_flight.fetch_sub(1, Ordering::AcqRel);
                return Err(format!(
                    "too many service calls waiting at once ({MAX_IN_FLIGHT}): does {target} call back into this app?"
                ));
            }
            let guard = InFlight(in_flight);
            // The call runs as a task of its own: the caller's isolate is busy polling this
            // future, and the callee may be that same isolate.
            let (tx, rx) = tokio::sync::oneshot::channel();
            tokio::task::spawn_local(async move {
                let answer = host.dispatch(&target, request).await;
                // An error the callee threw reaches the caller as itself (`Name: message`).
                let answer = answer.map_err(|e| match e {
                    crate::HostError::Dispatch(edge_runtime::DispatchError::Handler(js)) => {
                        js.message
                    }
                    other => format!("service {target}: {other}"),
                });
                let _ = tx.send(answer);
                drop(guard);
            });
            rx.await
                .unwrap_or_else(|_| Err("the service call was dropped".to_owned()))
        })
    }
}
