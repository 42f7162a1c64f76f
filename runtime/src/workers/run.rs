//! A worker's thread: its own single-threaded event loop and isolate, the module loaded, then
//! messages from the parent delivered until the worker is done (nothing left to do and no
//! message listener), is terminated, calls `process.exit()`, or hits a limit. The parent
//! always hears how it ended.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::message::Payload;
use super::{Control, ToParent, WorkerSelf, WorkerSlot};
use crate::error::RuntimeError;
use crate::isolate::{Isolate, IsolateOptions};

pub(super) struct WorkerJob {
    pub options: IsolateOptions,
    pub entry: PathBuf,
    pub thread_id: u32,
    pub name: String,
    pub data: Option<Payload>,
    pub inbox: mpsc::UnboundedReceiver<Payload>,
    pub to_parent: mpsc::UnboundedSender<ToParent>,
    pub control: Arc<Control>,
    pub slot: WorkerSlot,
}

pub(super) fn run(job: WorkerJob) {
    let WorkerJob {
        options,
        entry,
        thread_id,
        name,
        data,
        inbox,
        to_parent,
        control,
        slot,
    } = job;
    let report = to_parent.clone();
    let failed = to_parent.clone();
    let code = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => {
            let local = tokio::task::LocalSet::new();
            local.block_on(&rt, async move {
                let isolate = match Isolate::new(options).await {
                    Ok(isolate) => isolate,
                    Err(e) => {
                        send_error(&report, &e);
                        return 1;
                    }
                };
                control.attach(isolate.meter.clone());
                isolate
                    .become_worker(WorkerSelf {
                        thread_id,
                        name,
                        data,
                        to_parent,
                        inbox: Default::default(),
                    })
                    .await;
                let _driver = tokio::task::spawn_local(isolate.driver());
                match isolate.run_worker(&entry, inbox).await {
                    Ok(()) => 0,
                    Err(RuntimeError::Exit(code)) => code,
                    Err(e) => {
                        send_error(&report, &e);
                        1
                    }
                }
            })
        }
        Err(e) => {
            let _ = failed.send(ToParent::Error {
                name: "Error".into(),
                message: format!("cannot start a worker: {e}"),
                stack: String::new(),
            });
            1
        }
    };
    drop(slot);
    let _ = failed.send(ToParent::Exit(code));
}

fn send_error(to_parent: &mpsc::UnboundedSender<ToParent>, e: &RuntimeError) {
    let (name, message, stack) = match e {
        RuntimeError::Uncaught(js) => {
            let text = js.message.clone();
            let (name, message) = match text.split_once(": ") {
                Some((n, m)) if !n.contains(' ') => (n.to_owned(), m.to_owned()),
                _ => ("Error".to_owned(), text),
            };
            (name, message, js.stack.clone().unwrap_or_default())
        }
        other => ("Error".to_owned(), other.to_string(), String::new()),
    };
    let _ = to_parent.send(ToParent::Error {
        name,
        message,
        stack,
    });
}

impl Isolate {
    /// Makes this isolate a worker: `node:worker_threads` sees itself off the main thread,
    /// and `Atomics.wait` may block (the thread is the worker's own).
    pub(crate) async fn become_worker(&self, me: WorkerSelf) {
        self.context
            .with(move |ctx| {
                super::message::allow_blocking(&ctx);
                let _ = ctx.store_userdata(me);
            })
            .await;
    }

    /// Loads the worker's module, then delivers the parent's messages until the worker is
    /// done: nothing left to run and no message listener, the parent gone, or stopped.
    pub(crate) async fn run_worker(
        &self,
        entry: &std::path::Path,
        mut inbox: mpsc::UnboundedReceiver<Payload>,
    ) -> Result<(), RuntimeError> {
        self.meter.renew();
        // The worker's side of the messaging (parentPort, self.onmessage) is installed first.
        self.context
            .with(|ctx| {
                let _ = rquickjs::Module::import(&ctx, "node:worker_threads")
                    .and_then(|p| p.finish::<rquickjs::Value>());
                while ctx.execute_pending_job() {}
            })
            .await;
        let loaded = self.import(entry, |_, _| Ok(())).await;
        self.check_stopped()?;
        loaded?;
        loop {
            tokio::select! {
                biased;
                _ = self.stopped() => {}
                message = inbox.recv() => match message {
                    Some(payload) => self.deliver(payload).await,
                    None => return self.check_stopped(),
                },
                _ = self.runtime.idle() => {
                    if !self.listening().await {
                        return self.check_stopped();
                    }
                    tokio::select! {
                        _ = self.stopped() => {}
                        message = inbox.recv() => match message {
                            Some(payload) => self.deliver(payload).await,
                            None => return self.check_stopped(),
                        },
                    }
                }
            }
            self.check_stopped()?;
        }
    }

    fn check_stopped(&self) -> Result<(), RuntimeError> {
        match self.meter.hit() {
            Some(crate::Limit::Exit) => Err(RuntimeError::Exit(self.meter.exit_code())),
            Some(limit) => Err(RuntimeError::Limit(limit)),
            None => Ok(()),
        }
    }

    /// Hands one message to the worker's JS side; its CPU budget starts again.
    async fn deliver(&self, payload: Payload) {
        self.meter.renew();
        self.context
            .with(move |ctx| {
                let deliver = ctx
                    .userdata::<WorkerSelf>()
                    .and_then(|me| me.inbox.borrow().as_ref().map(|(d, _)| d.clone()));
                let Some(deliver) = deliver.and_then(|d| d.restore(&ctx).ok()) else {
                    return;
                };
                let outcome = super::message::deserialize(&ctx, &payload)
                    .and_then(|value| deliver.call::<_, ()>((value,)));
                if let Err(e) = outcome {
                    crate::web::console::report_uncaught(&ctx, e);
                }
                while ctx.execute_pending_job() {}
            })
            .await;
    }

    /// Does the worker listen for messages (`parentPort.on("message")`, `self.onmessage`)?
    async fn listening(&self) -> bool {
        self.context
            .with(|ctx| {
                let listening = ctx
                    .userdata::<WorkerSelf>()
                    .and_then(|me| me.inbox.borrow().as_ref().map(|(_, l)| l.clone()));
                listening
                    .and_then(|l| l.restore(&ctx).ok())
                    .and_then(|l| l.call::<_, bool>(()).ok())
                    .unwrap_or(false)
            })
            .await
    }
}
