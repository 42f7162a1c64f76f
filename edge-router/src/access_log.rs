//! The access log: one JSON line per request (client, protocol, method, host, path, app,
//! version, status, bytes sent, time to the response head and to the end of the body, and
//! whether the body completed). Each worker appends its lines to a buffer of its own (an
//! uncontended lock, no wake-up, no system call per request); a writer thread takes the
//! buffers every 100 ms and writes them out, so the request path never waits on the disk. A
//! buffer the writer cannot keep up with stops growing at 8 MiB and counts the lines it drops.

use std::fmt::Write as _;
use std::io::Write;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};

/// How often the writer takes the workers' buffers.
const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// Bytes one worker's buffer may hold before lines are dropped.
const MAX_BUFFERED: usize = 8 << 20;

struct Shared {
    /// One buffer per worker (index 0 for threads that are not workers).
    shards: Vec<Mutex<Vec<u8>>>,
    dropped: AtomicU64,
}

/// How a request's line is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Edge's own JSON line (the node's access log).
    Edge,
    /// Google Cloud Logging's structured format (Cloud Run): `severity`, `message`,
    /// `httpRequest`, and `logging.googleapis.com/trace` from the request's trace header,
    /// qualified by `project` when known.
    CloudLogging { project: Option<String> },
}

/// Where access-log lines go; cheap to clone.
#[derive(Clone)]
pub struct AccessLog {
    shared: Option<Arc<Shared>>,
    /// Flush requests to the writer; the writer ends when every clone is gone.
    flush: Option<Sender<Sender<()>>>,
    format: Arc<LogFormat>,
}

impl AccessLog {
    /// No access log.
    pub fn off() -> AccessLog {
        AccessLog {
            shared: None,
            flush: None,
            format: Arc::new(LogFormat::Edge),
        }
    }

    /// The same log, writing lines in `format`.
    pub fn with_format(mut self, format: LogFormat) -> AccessLog {
        self.format = Arc::new(format);
        self
    }

    /// Whether requests' trace headers are wanted.
    pub fn wants_trace(&self) -> bool {
        self.is_on() && matches!(*self.format, LogFormat::CloudLogging { .. })
    }

    /// Writes lines to `out` from a thread of its own, with a buffer for each of `workers`;
    /// returns the log and the thread, which ends (after writing everything) once every clone
    /// of the log is dropped.
    pub fn to_writer(
        out: Box<dyn Write + Send>,
        workers: usize,
    ) -> std::io::Result<(AccessLog, std::thread::JoinHandle<()>)> {
        let shared = Arc::new(Shared {
            shards: (0..=workers).map(|_| Mutex::new(Vec::new())).collect(),
            dropped: AtomicU64::new(0),
        });
        let (tx, rx) = channel();
        let writer = shared.clone();
        let thread = std::thread::Builder::new()
            .name("edge-access-log".into())
            .spawn(move || write_lines(&writer, rx, out))?;
        Ok((
            AccessLog {
                shared: Some(shared),
                flush: Some(tx),
                format: Arc::new(LogFormat::Edge),
            },
            thread,
        ))
    }

    pub fn is_on(&self) -> bool {
        self.shared.is_some()
    }

    /// Lines dropped because the writer fell behind.
    pub fn dropped(&self) -> u64 {
        self.shared
            .as_ref()
            .map_or(0, |s| s.dropped.load(Ordering::Relaxed))
    }

    fn write(&self, line: &str) {
        let Some(shared) = &self.shared else { return };
        let index = edge_isolates::current_worker().map_or(0, |w| w + 1) % shared.shards.len();
        let mut buf = shared.shards[index]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if buf.len() + line.len() > MAX_BUFFERED {
            shared.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
    }

    /// Waits (up to `timeout`) until every line logged so far is written out.
    pub fn flush(&self, timeout: Duration) {
        if let Some(tx) = &self.flush {
            let (done, wait) = channel();
            if tx.send(done).is_ok() {
                let _ = wait.recv_timeout(timeout);
            }
        }
    }
}

fn write_lines(shared: &Shared, rx: Receiver<Sender<()>>, out: Box<dyn Write + Send>) {
    let mut out = out;
    let mut spare = Vec::new();
    let mut write_all = |out: &mut Box<dyn Write + Send>| {
        for shard in &shared.shards {
            // Swap the buffer out under the lock; write it without holding it.
            std::mem::swap(
                &mut *shard.lock().unwrap_or_else(|e| e.into_inner()),
                &mut spare,
            );
            if !spare.is_empty() {
                let _ = out.write_all(&spare);
                spare.clear();
            }
        }
        let _ = out.flush();
    };
    loop {
        match rx.recv_timeout(FLUSH_EVERY) {
            Ok(done) => {
                write_all(&mut out);
                let _ = done.send(());
            }
            Err(RecvTimeoutError::Timeout) => write_all(&mut out),
            Err(RecvTimeoutError::Disconnected) => {
                write_all(&mut out);
                return;
            }
        }
    }
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
    /// The trace id from `traceparent` or `X-Cloud-Trace-Context`, when the format uses it.
    pub trace: Option<String>,
}

impl Record {
    /// The facts of a request whose response head is going out now.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        client: std::net::SocketAddr,
        protocol: &'static str,
        method: &http::Method,
        url: Option<&str>,
        app: Option<Arc<str>>,
        version: Option<Arc<str>>,
        status: u16,
        started: Instant,
        trace: Option<String>,
    ) -> Record {
        let (host, path) = url.map(crate::request::host_and_path).unwrap_or(("", ""));
        Record {
            client: Some(client.ip()),
            protocol,
            method: method.to_string(),
            host: host.to_owned(),
            path: path.to_owned(),
            app,
            version,
            status,
            started,
            head: started.elapsed(),
            trace,
        }
    }
}

/// A response body that counts what it sends and writes the request's log line when it ends
/// (or is dropped unfinished: the client went away).
pub struct Metered<B: HttpBody> {
    inner: B,
    /// The log line's facts, and where it goes; none when the access log is off.
    record: Option<Box<(Record, AccessLog)>>,
    bytes: u64,
    /// The request's place in its connection's count of requests in flight, given up when
    /// the body ends.
    in_flight: Option<crate::server::InFlight>,
}

impl<B: HttpBody> Metered<B> {
    pub(crate) fn new(
        inner: B,
        log: &AccessLog,
        record: impl FnOnce() -> Record,
        in_flight: Option<crate::server::InFlight>,
    ) -> Self {
        Metered {
            inner,
            record: log.is_on().then(|| Box::new((record(), log.clone()))),
            bytes: 0,
            in_flight,
        }
    }

    fn finish(&mut self, complete: bool) {
        drop(self.in_flight.take());
        if let Some(r) = self.record.take() {
            let (record, log) = *r;
            let text = match &*log.format {
                LogFormat::Edge => line(&record, self.bytes, complete),
                LogFormat::CloudLogging { project } => {
                    cloud_line(&record, self.bytes, complete, project.as_deref())
                }
            };
            log.write(&text);
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
    let mut out = String::with_capacity(256);
    let _ = write!(
        out,
        "{{\"ts\":\"{}\",\"client\":",
        rfc3339(SystemTime::now())
    );
    match r.client {
        Some(ip) => {
            let _ = write!(out, "\"{ip}\"");
        }
        None => out.push_str("null"),
    }
    let _ = write!(out, ",\"proto\":\"{}\",\"method\":", r.protocol);
    json_str(&mut out, &r.method);
    out.push_str(",\"host\":");
    json_str(&mut out, &r.host);
    out.push_str(",\"path\":");
    json_str(&mut out, &r.path);
    out.push_str(",\"app\":");
    json_opt(&mut out, r.app.as_deref());
    out.push_str(",\"version\":");
    json_opt(&mut out, r.version.as_deref());
    let _ = write!(
        out,
        ",\"status\":{},\"bytes\":{bytes},\"head_ms\":{},\"total_ms\":{},\"complete\":{complete}}}",
        r.status,
        ms(r.head),
        ms(r.started.elapsed()),
    );
    out
}

/// The trace id of a request: W3C `traceparent` (`00-<32 hex>-<16 hex>-<flags>`), else
/// Google's `X-Cloud-Trace-Context` (`<32 hex>/<span>;o=1`).
pub fn trace_id(headers: &http::HeaderMap) -> Option<String> {
    let hex32 = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(tp) = headers.get("traceparent").and_then(|v| v.to_str().ok()) {
        let mut parts = tp.trim().split('-');
        if let (Some(_), Some(id)) = (parts.next(), parts.next()) {
            if hex32(id) && id.bytes().any(|b| b != b'0') {
                return Some(id.to_ascii_lowercase());
            }
        }
    }
    let gcp = headers.get("x-cloud-trace-context")?.to_str().ok()?;
    let id = gcp.split('/').next()?.trim();
    hex32(id).then(|| id.to_ascii_lowercase())
}

/// A request in Cloud Logging's structured format.
fn cloud_line(r: &Record, bytes: u64, complete: bool, project: Option<&str>) -> String {
    let severity = if r.status >= 500 {
        "ERROR"
    } else if r.status >= 400 || !complete {
        "WARNING"
    } else {
        "INFO"
    };
    let mut out = String::with_capacity(320);
    let _ = write!(out, "{{\"severity\":\"{severity}\",\"message\":");
    json_str(&mut out, &format!("{} {} {}", r.method, r.path, r.status));
    let _ = write!(
        out,
        ",\"time\":\"{}\",\"httpRequest\":{{\"requestMethod\":",
        rfc3339(SystemTime::now())
    );
    json_str(&mut out, &r.method);
    out.push_str(",\"requestUrl\":");
    json_str(&mut out, &format!("{}{}", r.host, r.path));
    let _ = write!(
        out,
        ",\"status\":{},\"responseSize\":\"{bytes}\",\"latency\":\"{:.6}s\",\"protocol\":\"{}\"",
        r.status,
        r.started.elapsed().as_secs_f64(),
        r.protocol
    );
    if let Some(ip) = r.client {
        let _ = write!(out, ",\"remoteIp\":\"{ip}\"");
    }
    out.push('}');
    if let Some(id) = &r.trace {
        out.push_str(",\"logging.googleapis.com/trace\":");
        match project {
            Some(p) => json_str(&mut out, &format!("projects/{p}/traces/{id}")),
            None => json_str(&mut out, id),
        }
    }
    let _ = write!(
        out,
        ",\"edge\":{{\"head_ms\":{},\"complete\":{complete}}}}}",
        ms(r.head)
    );
    out
}

/// A JSON string literal.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.push_str("null"),
    }
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
    fn reads_trace_headers() {
        let mut h = http::HeaderMap::new();
        assert_eq!(trace_id(&h), None);
        h.insert(
            "x-cloud-trace-context",
            "105445AA7843BC8BF206B12000100000/1;o=1".parse().unwrap(),
        );
        assert_eq!(
            trace_id(&h).as_deref(),
            Some("105445aa7843bc8bf206b12000100000")
        );
        h.insert(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                .parse()
                .unwrap(),
        );
        assert_eq!(
            trace_id(&h).as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        h.insert(
            "traceparent",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01"
                .parse()
                .unwrap(),
        );
        assert_eq!(
            trace_id(&h).as_deref(),
            Some("105445aa7843bc8bf206b12000100000")
        );
    }

    #[test]
    fn lines_are_json() {
        let record = Record {
            client: Some("10.0.0.1".parse().unwrap()),
            protocol: "HTTP/2",
            method: "GET".into(),
            host: "a.test".into(),
            path: "/q\"uote\\/\u{1}".into(),
            app: Some(Arc::from("shop")),
            version: None,
            status: 200,
            started: Instant::now(),
            head: Duration::from_micros(1500),
            trace: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        };
        let cloud: serde_json::Value =
            serde_json::from_str(&cloud_line(&record, 42, true, Some("p1"))).unwrap();
        assert_eq!(cloud["severity"], "INFO");
        assert_eq!(cloud["httpRequest"]["status"], 200);
        assert_eq!(cloud["httpRequest"]["responseSize"], "42");
        assert_eq!(
            cloud["logging.googleapis.com/trace"],
            "projects/p1/traces/4bf92f3577b34da6a3ce929d0e0e4736"
        );
        let v: serde_json::Value = serde_json::from_str(&line(&record, 42, true)).unwrap();
        assert_eq!(v["path"], "/q\"uote\\/\u{1}");
        assert_eq!(v["app"], "shop");
        assert_eq!(v["version"], serde_json::Value::Null);
        assert_eq!(v["head_ms"], 1.5);
        assert_eq!(v["bytes"], 42);
        assert_eq!(v["complete"], true);
        assert_eq!(v["client"], "10.0.0.1");
    }

    #[test]
    fn formats_utc_timestamps() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_795_705_451_123);
        assert_eq!(rfc3339(t), "2026-11-26T15:04:11.123Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000Z");
    }
}
