//! Lambda events to requests: API Gateway REST (payload 1.0), HTTP APIs and Function URLs
//! (payload 2.0) and ALB target groups, parsed by `lambda_http`, become the `AppRequest` an
//! isolate serves. Which integration sent the event decides the shape of a buffered answer.

use bytes::Bytes;
use edge_isolates::{AppRequest, Body};
use lambda_http::request::RequestContext;
use lambda_http::RequestExt;

/// The integration an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// API Gateway REST API (payload format 1.0).
    RestApi,
    /// API Gateway HTTP API or a Function URL (payload format 2.0).
    HttpApi,
    /// An Application Load Balancer target group; `multi_value` when the target group has
    /// multi-value headers on (the answer must use `multiValueHeaders` then).
    Alb { multi_value: bool },
}

/// An event that is not an HTTP request Edge understands.
#[derive(Debug, thiserror::Error)]
#[error("the event is not an API Gateway, Function URL or ALB request: {0}")]
pub struct EventError(String);

/// A parsed event: the request and where it came from.
pub struct Event {
    pub origin: Origin,
    pub request: AppRequest,
}

/// Parses an invocation's event.
pub fn parse(json: &[u8]) -> Result<Event, EventError> {
    let text = std::str::from_utf8(json).map_err(|_| EventError("not UTF-8".into()))?;
    let request = lambda_http::request::from_str(text).map_err(|e| EventError(e.to_string()))?;
    let origin = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(_)) => Origin::RestApi,
        Some(RequestContext::ApiGatewayV2(_)) => Origin::HttpApi,
        Some(RequestContext::Alb(_)) => Origin::Alb {
            multi_value: serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("multiValueHeaders").map(|h| !h.is_null()))
                .unwrap_or(false),
        },
        _ => return Err(EventError("unknown request context".into())),
    };
    // The caller's address as API Gateway saw it (an ALB passes it in X-Forwarded-For).
    let client = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(c)) => c.http.source_ip.as_deref(),
        Some(RequestContext::ApiGatewayV1(c)) => c.identity.source_ip.as_deref(),
        _ => None,
    }
    .and_then(|ip| ip.parse().ok());
    let (parts, body) = request.into_parts();
    let body = match body {
        lambda_http::Body::Empty => Body::empty(),
        lambda_http::Body::Text(text) => Body::full(Bytes::from(text)),
        lambda_http::Body::Binary(bytes) => Body::full(Bytes::from(bytes)),
        _ => Body::empty(),
    };
    let url = if parts.uri.scheme().is_some() && parts.uri.authority().is_some() {
        parts.uri.to_string()
    } else {
        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        format!("https://{host}{path}")
    };
    Ok(Event {
        origin,
        request: AppRequest {
            method: parts.method,
            url,
            headers: parts.headers,
            body,
            client,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_http_api_event() {
        let event = br#"{
          "version": "2.0", "routeKey": "$default", "rawPath": "/orders/7",
          "rawQueryString": "a=1&b=two", "cookies": ["s=1", "t=2"],
          "headers": {"host": "abc.lambda-url.us-east-1.on.aws", "content-type": "text/plain"},
          "requestContext": {"accountId": "1", "apiId": "abc", "domainName": "abc.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abc", "http": {"method": "POST", "path": "/orders/7", "protocol": "HTTP/1.1",
            "sourceIp": "203.0.113.9", "userAgent": "curl"}, "requestId": "r", "routeKey": "$default",
            "stage": "$default", "time": "27/Nov/2026:01:00:00 +0000", "timeEpoch": 1795000000000},
          "body": "aGVsbG8=", "isBase64Encoded": true
        }"#;
        let e = parse(event).unwrap();
        assert_eq!(e.origin, Origin::HttpApi);
        assert_eq!(e.request.method, http::Method::POST);
        assert_eq!(
            e.request.url,
            "https://abc.lambda-url.us-east-1.on.aws/orders/7?a=1&b=two"
        );
        assert_eq!(e.request.headers["cookie"], "s=1; t=2");
        assert_eq!(e.request.client, "203.0.113.9".parse().ok());
    }

    #[test]
    fn refuses_other_events() {
        assert!(parse(br#"{"Records": []}"#).is_err());
        assert!(parse(b"not json").is_err());
    }
}
