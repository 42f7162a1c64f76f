//! Answers of the admin API: JSON documents, plain text, streams, and errors as
//! `{"error": {"code": ..., "message": ...}}`.

use bytes::Bytes;
use edge_isolates::Body;
use http::{header, HeaderValue, Response, StatusCode};
use serde::Serialize;

use crate::store::StoreError;

/// A successful answer.
pub struct Reply {
    status: StatusCode,
    content_type: &'static str,
    body: Body,
}

impl Reply {
    pub fn raw(status: StatusCode, content_type: &'static str, body: Bytes) -> Reply {
        Reply {
            status,
            content_type,
            body: Body::full(body),
        }
    }

    pub fn text(status: StatusCode, text: &'static str) -> Reply {
        Reply::raw(
            status,
            "text/plain; charset=utf-8",
            Bytes::from_static(text.as_bytes()),
        )
    }

    pub fn stream(content_type: &'static str, body: Body) -> Reply {
        Reply {
            status: StatusCode::OK,
            content_type,
            body,
        }
    }

    pub fn into_response(self) -> Response<Body> {
        let mut res = Response::new(self.body);
        *res.status_mut() = self.status;
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }
}

/// A JSON answer.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Reply {
    let body = serde_json::to_vec_pretty(value).unwrap_or_else(|_| b"{}".to_vec());
    Reply::raw(status, "application/json", Bytes::from(body))
}

/// A failed admin call.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized(message: &str) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    pub fn into_response(self) -> Response<Body> {
        let body = serde_json::json!({
            "error": { "code": self.code, "message": self.message }
        });
        let mut res = json(self.status, &body).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"edge-admin\""),
            );
        }
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(e.to_string())
    }
}
