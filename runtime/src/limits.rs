//! Resource limits an isolate enforces on itself: the CPU time its JavaScript may use per
//! request (measured on the thread's CPU clock from the engine's interrupt checks), the
//! engine heap (and, against the same figure, the bytes the app keeps in native buffers such as
//! Blob contents, which live outside the engine's heap), and the subrequests (`fetch()` calls)
//! per request. Exceeding either terminates the isolate: the running code is interrupted (or
//! fails to allocate), the requests in flight get [`Limit`] errors, and the embedder is meant
//! to drop the isolate and start a fresh one.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A limit an isolate hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Its JavaScript ran longer than the CPU budget of a request.
    CpuTime,
    /// Its heap reached the memory limit.
    Memory,
    /// The app called `process.exit()`: the isolate ends (not the node) and is replaced.
    Exit,
}

impl Limit {
    /// A stable code for error bodies, logs and metrics.
    pub fn code(self) -> &'static str {
        match self {
            Limit::CpuTime => "cpu_time_limit_exceeded",
            Limit::Memory => "memory_limit_exceeded",
            Limit::Exit => "app_exited",
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::CpuTime => "the app used more CPU time than its limit",
            Limit::Memory => "the app used more memory than its limit",
            Limit::Exit => "the app called process.exit(), which ends its isolate",
        })
    }
}

/// Interrupt checks further apart than this are not one stretch of running code: the time in
/// between (other isolates on the thread, I/O waits) is not charged.
const SAME_STRETCH: Duration = Duration::from_millis(2);

/// The CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID needs nothing else.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The state an isolate's limits share with the engine's interrupt handler (which may be
/// called from the engine at any point of running code).
pub struct Meter {
    /// The CPU budget per request in nanoseconds; `u64::MAX` for none.
    cpu_limit: AtomicU64,
    /// `u32::MAX` for none.
    subrequest_limit: AtomicU32,
    /// `fetch()` calls since the budget was last renewed.
    subrequests: AtomicU32,
    origin: Instant,
    /// CPU time charged since the budget was last renewed, in nanoseconds.
    spent: AtomicU64,
    /// The thread CPU clock and the wall clock (since `origin`) at the last interrupt check.
    last_cpu: AtomicU64,
    last_wall: AtomicU64,
    /// Set once a limit was hit; 0 while none was.
    hit: AtomicU8,
    interrupting: AtomicBool,
    /// The embedder's running total of CPU time charged, in nanoseconds.
    total: OnceLock<Arc<AtomicU64>>,
    /// The heap limit, which native buffers are held to as well; `usize::MAX` for none.
    memory_limit: AtomicUsize,
    /// Bytes held in native buffers the app created.
    native_bytes: AtomicUsize,
    /// The status given to `process.exit()`.
    exit_code: std::sync::atomic::AtomicI32,
}

impl Meter {
    pub fn new(
        cpu_limit: Option<Duration>,
        subrequest_limit: Option<u32>,
        total: Option<Arc<AtomicU64>>,
    ) -> Self {
        let meter = Meter {
            cpu_limit: AtomicU64::new(u64::MAX),
            subrequest_limit: AtomicU32::new(u32::MAX),
            subrequests: AtomicU32::new(0),
            origin: Instant::now(),
            spent: AtomicU64::new(0),
            last_cpu: AtomicU64::new(0),
            last_wall: AtomicU64::new(0),
            hit: AtomicU8::new(0),
            interrupting: AtomicBool::new(false),
            total: OnceLock::new(),
            memory_limit: AtomicUsize::new(usize::MAX),
            native_bytes: AtomicUsize::new(0),
            exit_code: std::sync::atomic::AtomicI32::new(0),
        };
        meter.configure(cpu_limit, subrequest_limit, total);
        meter
    }

    /// Sets the limits (an isolate made ahead of time gets its app's limits this way). The
    /// CPU total can be given once.
    pub fn configure(
        &self,
        cpu_limit: Option<Duration>,
        subrequest_limit: Option<u32>,
        total: Option<Arc<AtomicU64>>,
    ) {
        let cpu = cpu_limit.map_or(u64::MAX, |d| d.as_nanos().min(u64::MAX as u128 - 1) as u64);
        self.cpu_limit.store(cpu, Ordering::Relaxed);
        self.subrequest_limit
            .store(subrequest_limit.unwrap_or(u32::MAX), Ordering::Relaxed);
        if let Some(total) = total {
            let _ = self.total.set(total);
        }
    }

    /// Starts a new budget (a request arrived, or code is being loaded).
    pub fn renew(&self) {
        self.spent.store(0, Ordering::Relaxed);
        self.subrequests.store(0, Ordering::Relaxed);
        self.last_wall.store(0, Ordering::Relaxed);
    }

    /// The engine's interrupt check: charges the CPU time since the previous check if the code
    /// ran all along, and says whether to interrupt it.
    pub fn check(&self) -> bool {
        if self.interrupting.load(Ordering::Relaxed) {
            return true;
        }
        let limit = self.cpu_limit.load(Ordering::Relaxed);
        let total = self.total.get();
        if limit == u64::MAX && total.is_none() {
            return false;
        }
        let cpu = thread_cpu().as_nanos() as u64;
        let wall = self.origin.elapsed().as_nanos() as u64;
        let last_wall = self.last_wall.swap(wall, Ordering::Relaxed);
        let last_cpu = self.last_cpu.swap(cpu, Ordering::Relaxed);
        if last_wall != 0 && wall.saturating_sub(last_wall) <= SAME_STRETCH.as_nanos() as u64 {
            let charged = cpu.saturating_sub(last_cpu);
            if let Some(total) = total {
                total.fetch_add(charged, Ordering::Relaxed);
            }
            let spent = self.spent.fetch_add(charged, Ordering::Relaxed);
            if spent > limit {
                self.trip(Limit::CpuTime);
                return true;
            }
        }
        false
    }

    /// Records that a limit was hit; the running code is interrupted from now on.
    pub fn trip(&self, limit: Limit) {
        let code = match limit {
            Limit::CpuTime => 1,
            Limit::Memory => 2,
            Limit::Exit => 3,
        };
        let _ = self
            .hit
            .compare_exchange(0, code, Ordering::Relaxed, Ordering::Relaxed);
        self.interrupting.store(true, Ordering::Relaxed);
    }

    /// Holds native buffers to `limit` bytes (the heap limit).
    pub fn set_memory_limit(&self, limit: Option<usize>) {
        self.memory_limit
            .store(limit.unwrap_or(usize::MAX), Ordering::Relaxed);
    }

    /// Charges `bytes` of a new native buffer; `None` (and the isolate terminated) if that
    /// passes the memory limit. The charge is released when the returned value drops.
    pub fn charge_native(self: &Arc<Self>, bytes: usize) -> Option<NativeCharge> {
        self.charge_native_bytes(bytes).then(|| NativeCharge {
            meter: self.clone(),
            bytes,
        })
    }

    /// Charges `bytes` held natively until [`Meter::release_native_bytes`]; false (and the
    /// isolate terminated) if that passes the memory limit.
    pub fn charge_native_bytes(&self, bytes: usize) -> bool {
        let held = self.native_bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if held > self.memory_limit.load(Ordering::Relaxed) {
            self.native_bytes.fetch_sub(bytes, Ordering::Relaxed);
            self.trip(Limit::Memory);
            return false;
        }
        true
    }

    /// Charges `bytes` like [`Meter::charge_native_bytes`] if they fit under the memory
    /// limit; false, with nothing charged and the isolate left running, if not.
    pub fn try_charge_native_bytes(&self, bytes: usize) -> bool {
        let held = self.native_bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if held > self.memory_limit.load(Ordering::Relaxed) {
            self.native_bytes.fetch_sub(bytes, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Releases bytes charged with [`Meter::charge_native_bytes`].
    pub fn release_native_bytes(&self, bytes: usize) {
        self.native_bytes.fetch_sub(bytes, Ordering::Relaxed);
    }

    /// Counts a subrequest; `Err(limit)` if the budget has none left.
    pub fn take_subrequest(&self) -> Result<(), u32> {
        let limit = self.subrequest_limit.load(Ordering::Relaxed);
        if limit == u32::MAX {
            return Ok(());
        }
        if self.subrequests.fetch_add(1, Ordering::Relaxed) >= limit {
            return Err(limit);
        }
        Ok(())
    }

    /// `process.exit(code)`: the isolate ends with this status.
    pub fn exit(&self, code: i32) {
        self.exit_code.store(code, Ordering::Relaxed);
        self.trip(Limit::Exit);
    }

    /// The status given to `process.exit()`.
    pub fn exit_code(&self) -> i32 {
        self.exit_code.load(Ordering::Relaxed)
    }

    /// The limit hit, if one was.
    pub fn hit(&self) -> Option<Limit> {
        match self.hit.load(Ordering::Relaxed) {
            1 => Some(Limit::CpuTime),
            2 => Some(Limit::Memory),
            3 => Some(Limit::Exit),
            _ => None,
        }
    }
}

/// Native bytes charged to an isolate's memory limit, released on drop.
pub struct NativeCharge {
    meter: Arc<Meter>,
    bytes: usize,
}

impl Drop for NativeCharge {
    fn drop(&mut self) {
        self.meter.release_native_bytes(self.bytes);
    }
}

/// The isolate's meter, kept in its context for the code that only has the context.
#[derive(rquickjs::JsLifetime)]
pub(crate) struct MeterRef(pub Arc<Meter>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_only_continuous_running() {
        let meter = Meter::new(Some(Duration::from_millis(30)), None, None);
        meter.renew();
        let start = Instant::now();
        let mut interrupted = false;
        while start.elapsed() < Duration::from_secs(2) {
            if meter.check() {
                interrupted = true;
                break;
            }
        }
        assert!(interrupted, "a busy loop is interrupted");
        assert_eq!(meter.hit(), Some(Limit::CpuTime));
        assert!(start.elapsed() < Duration::from_millis(500));

        let idle = Meter::new(Some(Duration::from_millis(5)), None, None);
        for _ in 0..5 {
            assert!(!idle.check());
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(idle.hit(), None, "sleeping between checks is not charged");
    }
}
