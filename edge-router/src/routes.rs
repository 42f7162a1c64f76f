//! The routing table: host name (exact, `*.domain`, or `*` for any) plus path prefix -> app.
//! The most specific host wins (exact, then the longest wildcard suffix, then `*`), and within
//! it the longest path prefix (matched on segment boundaries: `/api` takes `/api` and
//! `/api/x`, not `/apix`). The table is immutable; a change builds a new one and swaps it in.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// One route, as the admin API and the store spell it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub host: String,
    #[serde(default = "root_path")]
    pub path: String,
    /// The app it sends to (filled in from the URL in per-app calls).
    #[serde(default)]
    pub app: String,
}

fn root_path() -> String {
    "/".into()
}

/// Whether `host` (lowercase) is a route host: a host name, `*.domain` or `*`.
pub fn valid_host(host: &str) -> bool {
    let labels = host.strip_prefix("*.").unwrap_or(host);
    host == "*"
        || (!labels.is_empty()
            && labels.len() <= 253
            && labels.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }))
}

impl Route {
    /// Normalizes and checks a route: lowercase host, path starting with `/`, no query.
    pub fn normalized(mut self) -> Result<Route, String> {
        self.host = self.host.trim().trim_end_matches('.').to_ascii_lowercase();
        if !valid_host(&self.host) {
            return Err(format!(
                "route host '{}' is not a host name, '*.domain' or '*'",
                self.host
            ));
        }
        if !self.path.starts_with('/') || self.path.contains(['?', '#', ' ']) {
            return Err(format!(
                "route path '{}' must start with '/' and hold no query or fragment",
                self.path
            ));
        }
        if self.path.len() > 1 {
            self.path = self.path.trim_end_matches('/').to_owned();
            if self.path.is_empty() {
                self.path = "/".into();
            }
        }
        Ok(self)
    }
}

/// Path prefixes of one host pattern, longest first.
type Prefixes = Vec<(String, Arc<str>)>;

/// The table the request path reads.
#[derive(Default)]
pub struct RouteTable {
    exact: HashMap<String, Prefixes>,
    /// Keyed by the part after `*.`.
    wildcard: HashMap<String, Prefixes>,
    any: Prefixes,
    routes: Vec<Route>,
}

impl RouteTable {
    /// Builds a table from normalized routes.
    pub fn new(routes: Vec<Route>) -> RouteTable {
        let mut table = RouteTable::default();
        for r in &routes {
            let entry = (r.path.clone(), Arc::<str>::from(r.app.as_str()));
            let list = if r.host == "*" {
                &mut table.any
            } else if let Some(suffix) = r.host.strip_prefix("*.") {
                table.wildcard.entry(suffix.to_owned()).or_default()
            } else {
                table.exact.entry(r.host.clone()).or_default()
            };
            list.push(entry);
        }
        let longest_first = |l: &mut Prefixes| l.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
        table.exact.values_mut().for_each(longest_first);
        table.wildcard.values_mut().for_each(longest_first);
        longest_first(&mut table.any);
        table.routes = routes;
        table
    }

    /// Every route, as configured.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The app for a request to `host` (no port) and `path` (no query).
    pub fn resolve(&self, host: &str, path: &str) -> Option<&Arc<str>> {
        let lower;
        let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = host.to_ascii_lowercase();
            lower.as_str()
        } else {
            host
        };
        if let Some(app) = self.exact.get(host).and_then(|l| pick(l, path)) {
            return Some(app);
        }
        // `a.b.example.com` tries `*.b.example.com`, then `*.example.com`, then `*.com`.
        let mut rest = host;
        while let Some((_, parent)) = rest.split_once('.') {
            if let Some(app) = self.wildcard.get(parent).and_then(|l| pick(l, path)) {
                return Some(app);
            }
            rest = parent;
        }
        pick(&self.any, path)
    }
}

fn pick<'a>(prefixes: &'a Prefixes, path: &str) -> Option<&'a Arc<str>> {
    prefixes
        .iter()
        .find(|(prefix, _)| {
            prefix == "/"
                || (path.starts_with(prefix.as_str())
                    && matches!(path.as_bytes().get(prefix.len()), None | Some(b'/')))
        })
        .map(|(_, app)| app)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(host: &str, path: &str, app: &str) -> Route {
        Route {
            host: host.into(),
            path: path.into(),
            app: app.into(),
        }
        .normalized()
        .unwrap()
    }

    #[test]
    fn most_specific_route_wins() {
        let table = RouteTable::new(vec![
            route("*", "/", "fallback"),
            route("*.example.com", "/", "wild"),
            route("*.eu.example.com", "/", "eu"),
            route("api.example.com", "/", "api"),
            route("api.example.com", "/v2/", "api2"),
            route("Shop.Example.com", "/cart", "cart"),
        ]);
        let at = |h: &str, p: &str| table.resolve(h, p).map(|a| a.to_string());
        assert_eq!(at("api.example.com", "/x").as_deref(), Some("api"));
        assert_eq!(at("API.example.com", "/v2/users").as_deref(), Some("api2"));
        assert_eq!(at("api.example.com", "/v2").as_deref(), Some("api2"));
        assert_eq!(at("api.example.com", "/v20").as_deref(), Some("api"));
        assert_eq!(at("x.eu.example.com", "/").as_deref(), Some("eu"));
        assert_eq!(at("a.b.example.com", "/").as_deref(), Some("wild"));
        assert_eq!(at("example.com", "/").as_deref(), Some("fallback"));
        // A host whose own routes do not cover the path falls to the next pattern.
        assert_eq!(at("shop.example.com", "/cart/1").as_deref(), Some("cart"));
        assert_eq!(at("shop.example.com", "/home").as_deref(), Some("wild"));
        assert_eq!(RouteTable::new(vec![]).resolve("a.com", "/"), None);
    }

    #[test]
    fn rejects_bad_routes() {
        let bad = |h: &str, p: &str| {
            Route {
                host: h.into(),
                path: p.into(),
                app: "a".into(),
            }
            .normalized()
            .is_err()
        };
        assert!(bad("exa mple.com", "/"));
        assert!(bad("a.*.com", "/"));
        assert!(bad("", "/"));
        assert!(bad("a.com", "x"));
        assert!(bad("a.com", "/x?y"));
        assert!(!bad("*.a.com", "/x/"));
        let slashes = Route {
            host: "a.com".into(),
            path: "//".into(),
            app: "a".into(),
        };
        assert_eq!(slashes.normalized().unwrap().path, "/");
    }
}
