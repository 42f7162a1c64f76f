//! HTTP answers for requests the app could not answer.

use bytes::Bytes;
use edge_isolates::{Body, DispatchError, HostError};
use http::{header, HeaderValue, Response, StatusCode};

/// The response for a host error. With `expose` (the dev server), 500s carry the JS stack.
pub fn error_response(err: &HostError, expose: bool) -> Response<Body> {
    let (status, text) = match err {
        HostError::Overloaded => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable: the app is overloaded; retry shortly.".to_string(),
        ),
        HostError::Unavailable(_) | HostError::Load(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            detail("Service Unavailable: the app is not running.", err, expose),
        ),
        HostError::Dispatch(DispatchError::LimitExceeded(limit)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "Service Unavailable: {limit} ({}); the request was stopped.\n",
                limit.code()
            ),
        ),
        HostError::TooManyWebSockets(n) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "Service Unavailable: the app already has {n} WebSockets open, its limit \
                 (websockets_limit_exceeded).\n"
            ),
        ),
        HostError::WallTimeExceeded => (
            StatusCode::GATEWAY_TIMEOUT,
            "Gateway Timeout: the app did not answer within its time limit \
             (wall_time_limit_exceeded).\n"
                .to_string(),
        ),
        HostError::BodyTooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload Too Large: the request body is larger than the app accepts \
             (body_too_large).\n"
                .to_string(),
        ),
        HostError::UnknownApp(place) => (
            StatusCode::NOT_FOUND,
            format!("Not Found: no app on this node serves {place}.\n"),
        ),
        HostError::Dispatch(DispatchError::Handler(js)) => {
            let head = "Internal Server Error: the app's fetch handler threw.";
            let text = if expose {
                format!("{head}\n\n{js}\n")
            } else {
                format!("{head}\n")
            };
            (StatusCode::INTERNAL_SERVER_ERROR, text)
        }
        HostError::Dispatch(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            detail(
                "Internal Server Error: the app did not produce a valid response.",
                err,
                expose,
            ),
        ),
    };
    let mut res = Response::new(Body::full(Bytes::from(text)));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    res
}

fn detail(head: &str, err: &HostError, expose: bool) -> String {
    if expose {
        format!("{head}\n\n{err}\n")
    } else {
        format!("{head}\n")
    }
}

/// A plain response with a status and a one-line text body.
pub fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut res = Response::new(Body::full(Bytes::from(format!("{text}\n"))));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}
