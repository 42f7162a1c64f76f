//! Our own implementation of the WHATWG URL standard: the parser, the serializer, origins and
//! the setters of the `URL` API. Pure Rust and engine-free; `web::url` binds it to JS. Domains
//! go through the `idna` crate's UTS #46 processing, everything else is here.

mod host;
mod parser;
mod percent;

pub use parser::{basic_parse, Failure, State};
pub use percent::{encode, EncodeSet};

/// A host as a URL of a special (or, with `special` false, another) scheme would hold it.
pub fn canonical_host(value: &str, special: bool) -> Option<String> {
    host::parse(value, !special)
}

/// A piece of a special URL's path, canonicalized as the path parser would (without adding a
/// leading slash the piece does not have).
pub fn canonical_path_piece(value: &str) -> String {
    let leading = value.starts_with('/');
    let input = if leading {
        value.to_owned()
    } else {
        format!("/-{value}")
    };
    let mut url = Url {
        scheme: "http".to_owned(),
        host: Some("dummy.invalid".to_owned()),
        ..Url::default()
    };
    let _ = basic_parse(&input, None, &mut url, Some(State::PathStart));
    let path = url.pathname();
    if leading {
        path
    } else {
        path.get(2..).unwrap_or("").to_owned()
    }
}

/// A URL's path: a list of segments, or one opaque string (`mailto:x`, `data:...`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Path {
    List(Vec<String>),
    Opaque(String),
}

impl Default for Path {
    fn default() -> Self {
        Path::List(Vec::new())
    }
}

/// A parsed URL record. The host is kept serialized: `None` is the null host, `Some("")` the
/// empty host (as in `file:///`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    pub username: String,
    pub password: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub path: Path,
    pub query: Option<String>,
    pub fragment: Option<String>,
}

/// `ftp`, `file`, `http`, `https`, `ws` and `wss`: the schemes with hierarchical hosts.
pub fn is_special_scheme(scheme: &str) -> bool {
    matches!(scheme, "ftp" | "file" | "http" | "https" | "ws" | "wss")
}

/// The default port of a special scheme.
pub fn special_port(scheme: &str) -> Option<u16> {
    match scheme {
        "ftp" => Some(21),
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

impl Url {
    /// Parses `input` against an optional `base`, as `new URL(input, base)` does.
    pub fn parse(input: &str, base: Option<&Url>) -> Result<Url, Failure> {
        let mut url = Url::default();
        basic_parse(input, base, &mut url, None)?;
        Ok(url)
    }

    /// Parses `input`, and `base` first if given.
    pub fn parse_with_base_str(input: &str, base: Option<&str>) -> Result<Url, Failure> {
        match base {
            Some(base) => {
                let base = Url::parse(base, None)?;
                Url::parse(input, Some(&base))
            }
            None => Url::parse(input, None),
        }
    }

    pub fn is_special(&self) -> bool {
        is_special_scheme(&self.scheme)
    }

    pub fn includes_credentials(&self) -> bool {
        !self.username.is_empty() || !self.password.is_empty()
    }

    pub fn has_opaque_path(&self) -> bool {
        matches!(self.path, Path::Opaque(_))
    }

    fn cannot_have_credentials_or_port(&self) -> bool {
        matches!(self.host.as_deref(), None | Some("")) || self.scheme == "file"
    }

    /// The serialization, `href`.
    pub fn href(&self) -> String {
        let mut out = self.serialize_without_fragment();
        if let Some(fragment) = &self.fragment {
            out.push('#');
            out.push_str(fragment);
        }
        out
    }

    fn serialize_without_fragment(&self) -> String {
        let mut out = String::with_capacity(self.scheme.len() + 32);
        out.push_str(&self.scheme);
        out.push(':');
        if let Some(host) = &self.host {
            out.push_str("//");
            if self.includes_credentials() {
                out.push_str(&self.username);
                if !self.password.is_empty() {
                    out.push(':');
                    out.push_str(&self.password);
                }
                out.push('@');
            }
            out.push_str(host);
            if let Some(port) = self.port {
                out.push(':');
                out.push_str(&port.to_string());
            }
        } else if matches!(&self.path, Path::List(s) if s.len() > 1 && s[0].is_empty()) {
            out.push_str("/.");
        }
        out.push_str(&self.pathname());
        if let Some(query) = &self.query {
            out.push('?');
            out.push_str(query);
        }
        out
    }

    /// The ASCII serialization of the origin (`"null"` for opaque origins).
    pub fn origin(&self) -> String {
        match self.scheme.as_str() {
            "blob" => match Url::parse(&self.pathname(), None) {
                Ok(inner) if matches!(inner.scheme.as_str(), "http" | "https") => inner.origin(),
                _ => "null".to_owned(),
            },
            "ftp" | "http" | "https" | "ws" | "wss" => {
                let mut out = format!("{}://{}", self.scheme, self.host.as_deref().unwrap_or(""));
                if let Some(port) = self.port {
                    out.push_str(&format!(":{port}"));
                }
                out
            }
            _ => "null".to_owned(),
        }
    }

    pub fn protocol(&self) -> String {
        format!("{}:", self.scheme)
    }

    pub fn host(&self) -> String {
        match (&self.host, self.port) {
            (None, _) => String::new(),
            (Some(host), None) => host.clone(),
            (Some(host), Some(port)) => format!("{host}:{port}"),
        }
    }

    pub fn hostname(&self) -> &str {
        self.host.as_deref().unwrap_or("")
    }

    pub fn port(&self) -> String {
        self.port.map(|p| p.to_string()).unwrap_or_default()
    }

    pub fn pathname(&self) -> String {
        match &self.path {
            Path::Opaque(path) => path.clone(),
            Path::List(segments) => {
                let mut out = String::new();
                for segment in segments {
                    out.push('/');
                    out.push_str(segment);
                }
                out
            }
        }
    }

    pub fn search(&self) -> String {
        match self.query.as_deref() {
            None | Some("") => String::new(),
            Some(query) => format!("?{query}"),
        }
    }

    pub fn hash(&self) -> String {
        match self.fragment.as_deref() {
            None | Some("") => String::new(),
            Some(fragment) => format!("#{fragment}"),
        }
    }

    pub fn set_protocol(&mut self, value: &str) {
        let input = format!("{value}:");
        let _ = basic_parse(&input, None, self, Some(State::SchemeStart));
    }

    pub fn set_username(&mut self, value: &str) {
        if !self.cannot_have_credentials_or_port() {
            self.username = percent::encode(value, EncodeSet::Userinfo);
        }
    }

    pub fn set_password(&mut self, value: &str) {
        if !self.cannot_have_credentials_or_port() {
            self.password = percent::encode(value, EncodeSet::Userinfo);
        }
    }

    pub fn set_host(&mut self, value: &str) {
        if !self.has_opaque_path() {
            let _ = basic_parse(value, None, self, Some(State::Host));
        }
    }

    pub fn set_hostname(&mut self, value: &str) {
        if !self.has_opaque_path() {
            let _ = basic_parse(value, None, self, Some(State::Hostname));
        }
    }

    pub fn set_port(&mut self, value: &str) {
        if self.cannot_have_credentials_or_port() {
            return;
        }
        if value.is_empty() {
            self.port = None;
        } else {
            let _ = basic_parse(value, None, self, Some(State::Port));
        }
    }

    pub fn set_pathname(&mut self, value: &str) {
        if self.has_opaque_path() {
            return;
        }
        self.path = Path::List(Vec::new());
        let _ = basic_parse(value, None, self, Some(State::PathStart));
    }

    /// Sets the query from `search`'s setter; returns the new query text for `searchParams`.
    pub fn set_search(&mut self, value: &str) -> String {
        if value.is_empty() {
            self.query = None;
            self.strip_trailing_spaces_from_opaque_path();
            return String::new();
        }
        let input = value.strip_prefix('?').unwrap_or(value);
        self.query = Some(String::new());
        let _ = basic_parse(input, None, self, Some(State::Query));
        input.to_owned()
    }

    pub fn set_hash(&mut self, value: &str) {
        if value.is_empty() {
            self.fragment = None;
            self.strip_trailing_spaces_from_opaque_path();
            return;
        }
        let input = value.strip_prefix('#').unwrap_or(value);
        self.fragment = Some(String::new());
        let _ = basic_parse(input, None, self, Some(State::Fragment));
    }

    /// Sets the query to `query` as `URLSearchParams` serialized it (`None` when empty).
    pub fn set_query_from_params(&mut self, query: Option<String>) {
        let stripped = query.is_none();
        self.query = query;
        if stripped {
            self.strip_trailing_spaces_from_opaque_path();
        }
    }

    fn strip_trailing_spaces_from_opaque_path(&mut self) {
        if self.fragment.is_some() || self.query.is_some() {
            return;
        }
        if let Path::Opaque(path) = &mut self.path {
            let kept = path.trim_end_matches(' ').len();
            path.truncate(kept);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Url;

    fn href(input: &str, base: Option<&str>) -> Option<String> {
        Url::parse_with_base_str(input, base).ok().map(|u| u.href())
    }

    #[test]
    fn special_and_relative() {
        assert_eq!(
            href("HTTP://User:P@ss@Example.COM:80/a/./b/../c?q#f", None).as_deref(),
            Some("http://User:P%40ss@example.com/a/c?q#f")
        );
        assert_eq!(
            href("///test", Some("http://example.org/")).as_deref(),
            Some("http://test/")
        );
        assert_eq!(
            href("?x", Some("http://h/p?y#z")).as_deref(),
            Some("http://h/p?x")
        );
        assert_eq!(href("http://[::1", None), None);
        assert_eq!(href("http://a:99999", None), None);
    }

    #[test]
    fn file_urls_keep_hosts_and_drive_letters() {
        assert_eq!(
            href("C|/", Some("file://host/dir/file")).as_deref(),
            Some("file://host/C:/")
        );
        assert_eq!(href("file:////foo", None).as_deref(), Some("file:////foo"));
        assert_eq!(
            href("file://localhost/x", None).as_deref(),
            Some("file:///x")
        );
        assert_eq!(
            href("..", Some("file:///C:/")).as_deref(),
            Some("file:///C:/")
        );
    }

    #[test]
    fn opaque_paths() {
        assert_eq!(
            href("non-special:opaque  ?hi", None).as_deref(),
            Some("non-special:opaque %20?hi")
        );
        assert_eq!(href("mailto:a@b", None).as_deref(), Some("mailto:a@b"));
        let mut url = Url::parse("sc:space  ?q", None).unwrap();
        url.set_search("");
        assert_eq!(url.href(), "sc:space %20");
        assert_eq!(href("#x", Some("data:a")).as_deref(), Some("data:a#x"));
        assert_eq!(href("x", Some("data:a")), None);
    }

    #[test]
    fn non_special_paths_and_origins() {
        assert_eq!(
            href("non-spec:/.//p", None).as_deref(),
            Some("non-spec:/.//p")
        );
        let mut url = Url::parse("non-spec:/.//p", None).unwrap();
        url.set_hostname("h");
        assert_eq!(url.href(), "non-spec://h//p");
        let origin = |s: &str| Url::parse(s, None).unwrap().origin();
        assert_eq!(
            origin("blob:https://a.example:8443/x"),
            "https://a.example:8443"
        );
        assert_eq!(origin("blob:ftp://host/path"), "null");
        assert_eq!(origin("https://a.example:443/"), "https://a.example");
    }

    #[test]
    fn setters_follow_state_overrides() {
        let mut url = Url::parse("http://example.net/path", None).unwrap();
        url.set_host("example.com:65536");
        assert_eq!(url.href(), "http://example.com/path");
        url.set_port("8080stuff");
        assert_eq!(url.port(), "8080");
        url.set_protocol("https");
        url.set_port("443");
        assert_eq!(url.host(), "example.com");
        url.set_protocol("foo");
        assert_eq!(url.protocol(), "https:");
        url.set_pathname("a b?#");
        assert_eq!(url.pathname(), "/a%20b%3F%23");
    }
}
