//! `edge-lambda`: an AWS Lambda custom runtime (the `bootstrap` of a `provided.al2023`
//! function) that runs one Edge app bundle. It loads the app once (init), then takes
//! invocations from the Runtime API one at a time: each HTTP event becomes a request to the
//! app's isolate, and the response goes back buffered (API Gateway, ALB, Function URLs in
//! `BUFFERED` mode) or streamed as it is produced (`EDGE_LAMBDA_INVOKE_MODE=response_stream`,
//! for Function URLs in `RESPONSE_STREAM` mode). Init and per-invocation timings go to the log.

mod app;
mod event;
mod response;
mod runtime_api;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use edge_isolates::{AppHost, HostError};

use runtime_api::{Failure, Invocation, RuntimeApi};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `hypot` for the engine's `Math.hypot` and Rust's `f64::hypot`, defined here so the binary
/// does not need glibc 2.35's (Lambda's `provided.al2023` has glibc 2.34; every other symbol
/// the binary uses is older). Scaled so that no intermediate overflows or underflows.
#[no_mangle]
pub extern "C" fn hypot(x: f64, y: f64) -> f64 {
    let (x, y) = (x.abs(), y.abs());
    if x.is_infinite() || y.is_infinite() {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    let (big, small) = if x >= y { (x, y) } else { (y, x) };
    if big == 0.0 {
        return 0.0;
    }
    let r = small / big;
    big * (1.0 + r * r).sqrt()
}

/// The largest buffered response Lambda accepts.
const MAX_BUFFERED: usize = 6 << 20;

/// How responses go back.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Buffered,
    Streaming,
}

fn mode_from_env() -> Result<Mode> {
    match std::env::var("EDGE_LAMBDA_INVOKE_MODE").as_deref() {
        Err(_) | Ok("") | Ok("buffered") | Ok("BUFFERED") => Ok(Mode::Buffered),
        Ok("response_stream") | Ok("RESPONSE_STREAM") => Ok(Mode::Streaming),
        Ok(other) => anyhow::bail!(
            "EDGE_LAMBDA_INVOKE_MODE={other}: use buffered or response_stream (as the Function URL's InvokeMode)"
        ),
    }
}

fn main() -> ExitCode {
    let started = Instant::now();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("edge-lambda: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(started)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("edge-lambda: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(started: Instant) -> Result<()> {
    let mut api = RuntimeApi::from_env()?;
    let setup = mode_from_env().and_then(|mode| Ok((mode, app::settings()?)));
    let (mode, settings) = match setup {
        Ok(s) => s,
        Err(e) => {
            let failure = Failure::new("Runtime.InvalidConfiguration", format!("{e:#}"));
            api.init_error(&failure).await?;
            return Err(e);
        }
    };
    let host = match app::load(&settings).await {
        Ok(host) => host,
        Err(e) => {
            let failure = Failure::new("Runtime.AppLoadFailed", e.to_string());
            api.init_error(&failure).await?;
            anyhow::bail!("{e}");
        }
    };
    eprintln!(
        "edge-lambda: init {:.1} ms ({} loaded, {} mode)",
        started.elapsed().as_secs_f64() * 1000.0,
        settings.entry.display(),
        if mode == Mode::Streaming {
            "response_stream"
        } else {
            "buffered"
        }
    );
    loop {
        let invocation = api.next().await?;
        let id = invocation.id.clone();
        // A refused or failed report ends this invocation, not the runtime.
        if let Err(e) = handle(&mut api, &host, mode, invocation).await {
            eprintln!("edge-lambda: {id}: {e:#}");
        }
    }
}

/// A failure from the host, as Lambda reports it.
fn failure(e: HostError) -> Failure {
    match e {
        HostError::Dispatch(edge_isolates::DispatchError::Handler(js)) => {
            let kind = js
                .message
                .split(':')
                .next()
                .filter(|k| !k.is_empty() && !k.contains(' '))
                .unwrap_or("Error")
                .to_owned();
            let message = js
                .message
                .strip_prefix(&format!("{kind}: "))
                .unwrap_or(&js.message)
                .to_owned();
            Failure {
                kind,
                message,
                stack: js
                    .stack
                    .as_deref()
                    .unwrap_or("")
                    .lines()
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty())
                    .collect(),
            }
        }
        other => Failure::new("Runtime.HandlerFailed", other.to_string()),
    }
}

async fn handle(api: &mut RuntimeApi, host: &AppHost, mode: Mode, inv: Invocation) -> Result<()> {
    let t0 = Instant::now();
    let id = inv.id.clone();
    let event = match event::parse(&inv.event) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("edge-lambda: {id} refused: {e}");
            return api
                .error(&id, &Failure::new("Runtime.InvalidEvent", e.to_string()))
                .await;
        }
    };
    // Answer before Lambda's deadline ends the whole sandbox: a handler that has not produced
    // its response head by then is reported as timed out.
    let budget = inv
        .deadline_ms
        .and_then(|deadline| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_millis() as u64;
            deadline.checked_sub(now + 200)
        })
        .map_or(Duration::from_secs(900), Duration::from_millis);
    let dispatched = tokio::time::timeout(budget, host.dispatch(event.request)).await;
    let Ok(dispatched) = dispatched else {
        let f = Failure::new(
            "Runtime.Timeout",
            format!("the app did not answer within {} ms", budget.as_millis()),
        );
        eprintln!("edge-lambda: {id} timed out");
        return api.error(&id, &f).await;
    };
    let res = match dispatched {
        Ok(res) => res,
        Err(e) => {
            let f = failure(e);
            eprintln!(
                "edge-lambda: {id} failed before its response: {}",
                f.message
            );
            return api.error(&id, &f).await;
        }
    };
    let head_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let status = res.status;
    match mode {
        Mode::Streaming => {
            let prelude = response::prelude(status, &res.headers);
            let outcome = api.respond_streaming(&id, prelude, res.body).await?;
            match outcome {
                None => eprintln!(
                    "edge-lambda: {id} {status} streamed: head {head_ms:.1} ms, total {:.1} ms",
                    t0.elapsed().as_secs_f64() * 1000.0
                ),
                Some(f) => eprintln!(
                    "edge-lambda: {id} {status} stream failed after {:.1} ms: {}",
                    t0.elapsed().as_secs_f64() * 1000.0,
                    f.message
                ),
            }
        }
        Mode::Buffered => {
            let body = match res.body.collect().await {
                Ok(b) => b,
                Err(e) => {
                    let f = Failure::new("Runtime.StreamError", e.to_string());
                    eprintln!("edge-lambda: {id} body failed: {e}");
                    return api.error(&id, &f).await;
                }
            };
            let json = response::buffered(event.origin, status, &res.headers, &body);
            let payload = serde_json::to_vec(&json)?;
            // Lambda's limit is on the payload: base64 and JSON escaping count.
            if payload.len() > MAX_BUFFERED {
                let f = Failure::new(
                    "Runtime.ResponseSizeTooLarge",
                    format!(
                        "the response is {} bytes as Lambda's JSON (body {} bytes); a buffered Lambda response holds at most 6 MB (use EDGE_LAMBDA_INVOKE_MODE=response_stream with a streaming Function URL)",
                        payload.len(),
                        body.len()
                    ),
                );
                return api.error(&id, &f).await;
            }
            api.respond(&id, payload).await?;
            eprintln!(
                "edge-lambda: {id} {status} {} bytes in {:.1} ms",
                body.len(),
                t0.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::hypot;

    #[test]
    fn hypot_is_exact_where_it_must_be_and_never_overflows() {
        assert_eq!(hypot(3.0, 4.0), 5.0);
        assert_eq!(hypot(-5.0, 12.0), 13.0);
        assert_eq!(hypot(0.0, 0.0), 0.0);
        assert_eq!(hypot(f64::INFINITY, f64::NAN), f64::INFINITY);
        assert!(hypot(f64::NAN, 1.0).is_nan());
        assert_eq!(hypot(1e300, 1e300), 1e300 * std::f64::consts::SQRT_2);
        assert!(hypot(1e-300, 1e-300) > 0.0);
    }
}
