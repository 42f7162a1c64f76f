//! A Lambda Runtime API for tests, written from AWS's documentation of the protocol: it hands
//! out queued events on `GET .../invocation/next` and records every response and error byte
//! by byte (head, each chunk as it arrives, trailers), so tests can check the wire format
//! and the timing of streamed chunks.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

/// Header fields, lowercase names, in order.
pub type Fields = Vec<(String, String)>;

/// A whole posted answer: its path, head, body bytes and trailers.
pub type Whole = (String, Fields, Vec<u8>, Fields);

/// What the function sent for one invocation, or at init.
#[derive(Debug, Clone)]
pub enum Posted {
    /// A head as received; the body follows as `Chunk`s and one `End`.
    Head {
        path: String,
        headers: Vec<(String, String)>,
    },
    /// One chunk of a chunked body (or a whole sized body), in order.
    Chunk(Vec<u8>),
    /// The body ended; the trailers, if any.
    End { trailers: Vec<(String, String)> },
}

/// Events not yet asked for, and `next` requests waiting for an event: under one lock, so an
/// event pushed while a `next` is being parked is never stranded.
#[derive(Default)]
struct Queue {
    events: VecDeque<(String, String)>,
    waiting: Vec<TcpStream>,
}

pub struct MockApi {
    pub addr: SocketAddr,
    queue: Arc<Mutex<Queue>>,
    pub posted: Receiver<Posted>,
}

fn read_head(reader: &mut BufReader<TcpStream>) -> Option<(String, String, Fields)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
    }
    Some((method, path, headers))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Reads a chunked body, sending each chunk as it completes; returns the trailers.
fn read_chunked(
    reader: &mut BufReader<TcpStream>,
    out: &Sender<Posted>,
) -> Option<Vec<(String, String)>> {
    loop {
        let mut size_line = String::new();
        if reader.read_line(&mut size_line).ok()? == 0 {
            return None;
        }
        let size = usize::from_str_radix(size_line.trim().split(';').next()?, 16).ok()?;
        if size == 0 {
            let mut trailers = Vec::new();
            loop {
                let mut t = String::new();
                reader.read_line(&mut t).ok()?;
                let t = t.trim_end_matches(['\r', '\n']);
                if t.is_empty() {
                    return Some(trailers);
                }
                let (k, v) = t.split_once(':')?;
                trailers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let mut data = vec![0; size];
        reader.read_exact(&mut data).ok()?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf).ok()?;
        assert_eq!(&crlf, b"\r\n", "a chunk must end with CRLF");
        let _ = out.send(Posted::Chunk(data));
    }
}

impl MockApi {
    pub fn start() -> MockApi {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let queue: Arc<Mutex<Queue>> = Default::default();
        let (tx, rx) = channel();
        {
            let queue = queue.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { break };
                    let queue = queue.clone();
                    let tx = tx.clone();
                    std::thread::spawn(move || serve(stream, queue, tx));
                }
            });
        }
        MockApi {
            addr,
            queue,
            posted: rx,
        }
    }

    /// Queues an event with this request id; a waiting `next` gets it at once.
    pub fn push(&self, id: &str, event: &str) {
        let mut queue = self.queue.lock().unwrap();
        match queue.waiting.pop() {
            Some(mut stream) => answer_next(&mut stream, id, event),
            None => queue.events.push_back((id.to_owned(), event.to_owned())),
        }
    }

    /// The next thing the function posted (waits up to 20 s).
    pub fn recv(&self) -> Posted {
        self.posted
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the function posted nothing within 20 s")
    }

    /// A whole posted answer: its head, its body bytes, and its trailers.
    pub fn recv_whole(&self) -> Whole {
        let Posted::Head { path, headers } = self.recv() else {
            panic!("expected a head")
        };
        let mut body = Vec::new();
        loop {
            match self.recv() {
                Posted::Chunk(c) => body.extend_from_slice(&c),
                Posted::End { trailers } => return (path, headers, body, trailers),
                Posted::Head { .. } => panic!("a new head before the body ended"),
            }
        }
    }
}

fn answer_next(stream: &mut TcpStream, id: &str, event: &str) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: {id}\r\nLambda-Runtime-Deadline-Ms: 9999999999999\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:edge\r\nLambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000\r\nContent-Length: {}\r\n\r\n{event}",
        event.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
}

fn serve(stream: TcpStream, queue: Arc<Mutex<Queue>>, tx: Sender<Posted>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    while let Some((method, path, headers)) = read_head(&mut reader) {
        if method == "GET" && path.ends_with("/2018-06-01/runtime/invocation/next") {
            let mut queue = queue.lock().unwrap();
            match queue.events.pop_front() {
                Some((id, event)) => answer_next(&mut writer, &id, &event),
                None => queue.waiting.push(writer.try_clone().unwrap()),
            }
            continue;
        }
        let _ = tx.send(Posted::Head {
            path: path.clone(),
            headers: headers.clone(),
        });
        let trailers = if header(&headers, "transfer-encoding") == Some("chunked") {
            match read_chunked(&mut reader, &tx) {
                Some(t) => t,
                None => return,
            }
        } else {
            let len: usize = header(&headers, "content-length")
                .and_then(|l| l.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; len];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            let _ = tx.send(Posted::Chunk(body));
            Vec::new()
        };
        let _ = tx.send(Posted::End { trailers });
        // As AWS documents: 202 Accepted once the whole response (or error) has arrived.
        let ok = b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n";
        if writer.write_all(ok).is_err() {
            return;
        }
    }
}
