//! The access log: one JSON line per request (client, protocol, method, host, path, app,
//! version, status, bytes sent, time to the response head and to the end of the body, and
//! whether the body completed). Lines are written by a thread of their own, so the request path
//! never waits on the disk; a full queue drops lines and counts them.

use std::io::Write;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};

enum Msg {
    Line(String),
    /// Write out what is queued, then answer.
    Flush(std::sync::mpsc::Sender<()>),
}

/// Lines waiting for the writer thread before new ones are dropped.
const QUEUE: usize = 16 * 1024;

/// Where access-log lines go; cheap to clone.
#[derive(Clone)]
pub struct AccessLog {
    tx: Option<SyncSender<Msg>>,
    dropped: Arc<AtomicU64>,
}

impl AccessLog {
    /// No access log.
    pub fn off() -> AccessLog {
        AccessLog {
            tx: None,
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Writes lines to `out` from a thread of its own; returns the log and the thread, which
    /// ends (after flushing) once every clone of the log is dropped.
    pub fn to_writer(
        out: Box<dyn Write + Send>,
    ) -> std::io::Result<(AccessLog, std::thread::JoinHandle<()>)> {
        let (tx, rx) = sync_channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("edge-access-log".into())
            .spawn(move || write_lines(rx, out))?;
        Ok((
            AccessLog {
                tx: Some(tx),
                dropped: Arc::new(AtomicU64::new(0)),
            },
            thread,
        ))
    }

    pub fn is_on(&self) -> bool {
        self.tx.is_some()
    }

    /// Lines dropped because the writer fell behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn write(&self, line: String) {
        if let Some(tx) = &self.tx {
            if let Err(TrySendError::Full(_)) = tx.try_send(Msg::Line(line)) {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Waits (up to `timeout`) until every line logged so far is written out.
    pub fn flush(&self, timeout: Duration) {
        if let Some(tx) = &self.tx {
            let (done, wait) = std::sync::mpsc::channel();
            if tx.send(Msg::Flush(done)).is_ok() {
                let _ = wait.recv_timeout(timeout);
            }
        }
    }
}

fn write_lines(rx: Receiver<Msg>, out: Box<dyn Write + Send>) {
    let mut out = std::io::BufWriter::new(out);
    let write = |out: &mut std::io::BufWriter<_>, msg| match msg {
        Msg::Line(line) => {
            let _ = writeln!(out, "{line}");
        }
        Msg::Flush(done) => {
            let _ = out.flush();
            let _ = done.send(());
        }
    };
    while let Ok(msg) = rx.recv() {
        write(&mut out, msg);
        // Write what is queued, then flush once.
        while let Ok(msg) = rx.try_recv() {
            write(&mut out, msg);
        }
        let _ = out.flush();
    }
    let _ = out.flush();
}

/// What is known of a request when its response head goes out.
pub struct Record {
    pub client: Option<IpAddr>,
    pub protocol: &'static str,
    pub method: String,
    pub host: String,
    pub path: String,
    pub app: Option<Arc<str>>,
    pub version: Option<Arc<str>>,
    pub status: u16,
    pub started: Instant,
    pub head: Duration,
}

/// A response body that counts what it sends and writes the request's log line when it ends
/// (or is dropped unfinished: the client went away).
pub struct Metered<B: HttpBody> {
    inner: B,
    /// The log line's facts, and where it goes; none when the access log is off.
    record: Option<Box<(Record, AccessLog)>>,
    bytes: u64,
    /// The connection's count of requests in flight, decremented when the body ends.
    in_flight: Option<Arc<AtomicUsize>>,
}

impl<B: HttpBody> Metered<B> {
    pub fn new(
        inner: B,
        log: &AccessLog,
        record: impl FnOnce() -> Record,
        in_flight: Option<Arc<AtomicUsize>>,
    ) -> Self {
        Metered {
            inner,
            record: log.is_on().then(|| Box::new((record(), log.clone()))),
            bytes: 0,
            in_flight,
        }
    }

    fn finish(&mut self, complete: bool) {
        if let Some(n) = self.in_flight.take() {
            n.fetch_sub(1, Ordering::AcqRel);
        }
        if let Some(r) = self.record.take() {
            let (record, log) = *r;
            log.write(line(&record, self.bytes, complete));
        }
    }
}

impl<B> HttpBody for Metered<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.bytes += data.len() as u64;
                }
            }
            Poll::Ready(None) => self.finish(true),
            Poll::Ready(Some(Err(_))) => self.finish(false),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B: HttpBody> Drop for Metered<B> {
    fn drop(&mut self) {
        // Never polled to its end: complete only if there was nothing left to send (an empty
        // body hyper does not poll); otherwise the client went away.
        let complete = self.inner.is_end_stream();
        self.finish(complete);
    }
}

fn line(r: &Record, bytes: u64, complete: bool) -> String {
    let total = r.started.elapsed();
    serde_json::json!({
        "ts": rfc3339(SystemTime::now()),
        "client": r.client.map(|ip| ip.to_string()),
        "proto": r.protocol,
        "method": r.method,
        "host": r.host,
        "path": r.path,
        "app": r.app.as_deref(),
        "version": r.version.as_deref(),
        "status": r.status,
        "bytes": bytes,
        "head_ms": ms(r.head),
        "total_ms": ms(total),
        "complete": complete,
    })
    .to_string()
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// A UTC timestamp like `2026-11-26T15:04:11.123Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_timestamps() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_795_705_451_123);
        assert_eq!(rfc3339(t), "2026-11-26T15:04:11.123Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000Z");
    }
}
