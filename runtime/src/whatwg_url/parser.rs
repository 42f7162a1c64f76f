//! The basic URL parser: the standard's state machine, run either on a fresh input (with an
//! optional base) or, for the setters, on an existing URL from a given state.

use super::percent::{self, EncodeSet};
use super::{host, is_special_scheme, special_port, Path, Url};

/// Where the state machine starts or is told to stop.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    SchemeStart,
    Scheme,
    NoScheme,
    SpecialRelativeOrAuthority,
    PathOrAuthority,
    Relative,
    RelativeSlash,
    SpecialAuthoritySlashes,
    SpecialAuthorityIgnoreSlashes,
    Authority,
    Host,
    Hostname,
    Port,
    File,
    FileSlash,
    FileHost,
    PathStart,
    Path,
    OpaquePath,
    Query,
    Fragment,
}

/// The parse failed: the input is not a URL (or, for a setter, the URL stays as it was left).
#[derive(Debug, PartialEq, Eq)]
pub struct Failure;

fn is_windows_drive_letter(s: &[char]) -> bool {
    s.len() == 2 && s[0].is_ascii_alphabetic() && matches!(s[1], ':' | '|')
}

fn is_normalized_windows_drive_letter(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Whether `rest` starts with a Windows drive letter followed by the end or a path delimiter.
fn starts_with_windows_drive_letter(rest: &[char]) -> bool {
    rest.len() >= 2
        && is_windows_drive_letter(&rest[..2])
        && (rest.len() == 2 || matches!(rest[2], '/' | '\\' | '?' | '#'))
}

fn is_single_dot(s: &str) -> bool {
    s == "." || s.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        ".." | ".%2e" | "%2e." | "%2e%2e"
    )
}

fn shorten_path(url: &mut Url) {
    let file = url.scheme == "file";
    if let Path::List(segments) = &mut url.path {
        if file && segments.len() == 1 && is_normalized_windows_drive_letter(&segments[0]) {
            return;
        }
        segments.pop();
    }
}

fn push_segment(url: &mut Url, segment: String) {
    if let Path::List(segments) = &mut url.path {
        segments.push(segment);
    }
}

fn path_is_empty(url: &Url) -> bool {
    matches!(&url.path, Path::List(s) if s.is_empty())
}

/// Runs the basic URL parser over `input`. With `state_override`, `url` is an existing URL that
/// a setter changes in place; otherwise `url` should be fresh (`Url::default()`).
pub fn basic_parse(
    input: &str,
    base: Option<&Url>,
    url: &mut Url,
    state_override: Option<State>,
) -> Result<(), Failure> {
    let mut input = input;
    if state_override.is_none() {
        input = input.trim_matches(|c: char| c <= ' ');
    }
    let chars: Vec<char> = input
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let mut parser = Parser {
        chars,
        base,
        url,
        state_override,
        state: state_override.unwrap_or(State::SchemeStart),
        buffer: String::new(),
        at_sign_seen: false,
        inside_brackets: false,
        password_token_seen: false,
    };
    parser.run()
}

/// What one step of the machine asks the loop to do next.
enum Step {
    Next,
    /// Stop parsing; the URL is what it is now.
    Done,
}

struct Parser<'a> {
    chars: Vec<char>,
    base: Option<&'a Url>,
    url: &'a mut Url,
    state_override: Option<State>,
    state: State,
    buffer: String,
    at_sign_seen: bool,
    inside_brackets: bool,
    password_token_seen: bool,
}

impl Parser<'_> {
    fn run(&mut self) -> Result<(), Failure> {
        let mut pointer: isize = 0;
        loop {
            let c = usize::try_from(pointer)
                .ok()
                .and_then(|p| self.chars.get(p).copied());
            match self.step(c, &mut pointer)? {
                Step::Done => return Ok(()),
                Step::Next => {}
            }
            if pointer >= self.chars.len() as isize {
                return Ok(());
            }
            pointer += 1;
        }
    }

    fn rest(&self, pointer: isize) -> &[char] {
        let start = (pointer.max(0) as usize).min(self.chars.len());
        &self.chars[start..]
    }

    /// The code points after the current one.
    fn remaining(&self, pointer: isize) -> &[char] {
        self.rest(pointer + 1)
    }

    /// An empty query, parsed from here on.
    fn begin_query(&mut self) {
        self.url.query = Some(String::new());
        self.state = State::Query;
    }

    /// An empty fragment, parsed from here on.
    fn begin_fragment(&mut self) {
        self.url.fragment = Some(String::new());
        self.state = State::Fragment;
    }

    /// The base's path and query (a reference that names neither).
    fn copy_path_and_query(&mut self, base: &Url) {
        self.url.path = base.path.clone();
        self.url.query = base.query.clone();
    }

    /// The base's credentials, host and port.
    fn copy_authority(&mut self, base: &Url) {
        self.url.username = base.username.clone();
        self.url.password = base.password.clone();
        self.url.host = base.host.clone();
        self.url.port = base.port;
    }

    fn special(&self) -> bool {
        is_special_scheme(&self.url.scheme)
    }

    fn step(&mut self, c: Option<char>, pointer: &mut isize) -> Result<Step, Failure> {
        let over = self.state_override;
        match self.state {
            State::SchemeStart => match c {
                Some(c) if c.is_ascii_alphabetic() => {
                    self.buffer.push(c.to_ascii_lowercase());
                    self.state = State::Scheme;
                }
                _ if over.is_none() => {
                    self.state = State::NoScheme;
                    *pointer -= 1;
                }
                _ => return Err(Failure),
            },
            State::Scheme => match c {
                Some(c) if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                    self.buffer.push(c.to_ascii_lowercase());
                }
                Some(':') => {
                    if over.is_some() {
                        let url = &*self.url;
                        if is_special_scheme(&url.scheme) != is_special_scheme(&self.buffer)
                            || ((url.includes_credentials() || url.port.is_some())
                                && self.buffer == "file")
                            || (url.scheme == "file" && url.host.as_deref() == Some(""))
                        {
                            return Ok(Step::Done);
                        }
                    }
                    self.url.scheme = std::mem::take(&mut self.buffer);
                    if over.is_some() {
                        if self.url.port.is_some()
                            && self.url.port == special_port(&self.url.scheme)
                        {
                            self.url.port = None;
                        }
                        return Ok(Step::Done);
                    }
                    if self.url.scheme == "file" {
                        self.state = State::File;
                    } else if self.special()
                        && self.base.is_some_and(|b| b.scheme == self.url.scheme)
                    {
                        self.state = State::SpecialRelativeOrAuthority;
                    } else if self.special() {
                        self.state = State::SpecialAuthoritySlashes;
                    } else if self.remaining(*pointer).first() == Some(&'/') {
                        self.state = State::PathOrAuthority;
                        *pointer += 1;
                    } else {
                        self.url.path = Path::Opaque(String::new());
                        self.state = State::OpaquePath;
                    }
                }
                _ if over.is_none() => {
                    self.buffer.clear();
                    self.state = State::NoScheme;
                    *pointer = -1;
                }
                _ => return Err(Failure),
            },
            State::NoScheme => {
                let base = self.base.ok_or(Failure)?;
                match (&base.path, c) {
                    (Path::Opaque(_), Some('#')) => {
                        self.url.scheme = base.scheme.clone();
                        self.copy_path_and_query(base);
                        self.begin_fragment();
                    }
                    (Path::Opaque(_), _) => return Err(Failure),
                    _ => {
                        self.state = if base.scheme != "file" {
                            State::Relative
                        } else {
                            State::File
                        };
                        *pointer -= 1;
                    }
                }
            }
            State::SpecialRelativeOrAuthority => {
                if c == Some('/') && self.remaining(*pointer).first() == Some(&'/') {
                    self.state = State::SpecialAuthorityIgnoreSlashes;
                    *pointer += 1;
                } else {
                    self.state = State::Relative;
                    *pointer -= 1;
                }
            }
            State::PathOrAuthority => {
                if c == Some('/') {
                    self.state = State::Authority;
                } else {
                    self.state = State::Path;
                    *pointer -= 1;
                }
            }
            State::Relative => {
                let base = self.base.ok_or(Failure)?;
                self.url.scheme = base.scheme.clone();
                if c == Some('/') || (self.special() && c == Some('\\')) {
                    self.state = State::RelativeSlash;
                } else {
                    self.copy_authority(base);
                    self.copy_path_and_query(base);
                    match c {
                        Some('?') => self.begin_query(),
                        Some('#') => self.begin_fragment(),
                        Some(_) => {
                            self.url.query = None;
                            shorten_path(self.url);
                            self.state = State::Path;
                            *pointer -= 1;
                        }
                        None => {}
                    }
                }
            }
            State::RelativeSlash => {
                if self.special() && matches!(c, Some('/' | '\\')) {
                    self.state = State::SpecialAuthorityIgnoreSlashes;
                } else if c == Some('/') {
                    self.state = State::Authority;
                } else {
                    let base = self.base.ok_or(Failure)?;
                    self.copy_authority(base);
                    self.state = State::Path;
                    *pointer -= 1;
                }
            }
            State::SpecialAuthoritySlashes => {
                if c == Some('/') && self.remaining(*pointer).first() == Some(&'/') {
                    *pointer += 1;
                } else {
                    *pointer -= 1;
                }
                self.state = State::SpecialAuthorityIgnoreSlashes;
            }
            State::SpecialAuthorityIgnoreSlashes => {
                if !matches!(c, Some('/' | '\\')) {
                    self.state = State::Authority;
                    *pointer -= 1;
                }
            }
            State::Authority => match c {
                Some('@') => {
                    if self.at_sign_seen {
                        self.buffer.insert_str(0, "%40");
                    }
                    self.at_sign_seen = true;
                    for ch in std::mem::take(&mut self.buffer).chars() {
                        if ch == ':' && !self.password_token_seen {
                            self.password_token_seen = true;
                            continue;
                        }
                        let target = if self.password_token_seen {
                            &mut self.url.password
                        } else {
                            &mut self.url.username
                        };
                        percent::push_encoded(target, ch, EncodeSet::Userinfo);
                    }
                }
                _ if c.is_none()
                    || matches!(c, Some('/' | '?' | '#'))
                    || (self.special() && c == Some('\\')) =>
                {
                    if self.at_sign_seen && self.buffer.is_empty() {
                        return Err(Failure);
                    }
                    *pointer -= self.buffer.chars().count() as isize + 1;
                    self.buffer.clear();
                    self.state = State::Host;
                }
                Some(c) => self.buffer.push(c),
                None => {}
            },
            State::Host | State::Hostname => {
                if over.is_some() && self.url.scheme == "file" {
                    *pointer -= 1;
                    self.state = State::FileHost;
                } else if c == Some(':') && !self.inside_brackets {
                    if self.buffer.is_empty() || over == Some(State::Hostname) {
                        return Err(Failure);
                    }
                    let host = host::parse(&self.buffer, !self.special()).ok_or(Failure)?;
                    self.url.host = Some(host);
                    self.buffer.clear();
                    self.state = State::Port;
                } else if c.is_none()
                    || matches!(c, Some('/' | '?' | '#'))
                    || (self.special() && c == Some('\\'))
                {
                    *pointer -= 1;
                    if self.special() && self.buffer.is_empty() {
                        return Err(Failure);
                    }
                    if over.is_some()
                        && self.buffer.is_empty()
                        && (self.url.includes_credentials() || self.url.port.is_some())
                    {
                        return Err(Failure);
                    }
                    let host = host::parse(&self.buffer, !self.special()).ok_or(Failure)?;
                    self.url.host = Some(host);
                    self.buffer.clear();
                    self.state = State::PathStart;
                    if over.is_some() {
                        return Ok(Step::Done);
                    }
                } else if let Some(c) = c {
                    if c == '[' {
                        self.inside_brackets = true;
                    } else if c == ']' {
                        self.inside_brackets = false;
                    }
                    self.buffer.push(c);
                }
            }
            State::Port => match c {
                Some(d) if d.is_ascii_digit() => self.buffer.push(d),
                _ if c.is_none()
                    || matches!(c, Some('/' | '?' | '#'))
                    || (self.special() && c == Some('\\'))
                    || over.is_some() =>
                {
                    if !self.buffer.is_empty() {
                        let port = self
                            .buffer
                            .bytes()
                            .try_fold(0u32, |n, d| {
                                let n = n * 10 + u32::from(d - b'0');
                                (n <= 65535).then_some(n)
                            })
                            .ok_or(Failure)? as u16;
                        self.url.port = if special_port(&self.url.scheme) == Some(port) {
                            None
                        } else {
                            Some(port)
                        };
                        self.buffer.clear();
                        if over.is_some() {
                            return Ok(Step::Done);
                        }
                    }
                    if over.is_some() {
                        return Err(Failure);
                    }
                    self.state = State::PathStart;
                    *pointer -= 1;
                }
                _ => return Err(Failure),
            },
            State::File => {
                self.url.scheme = "file".to_owned();
                self.url.host = Some(String::new());
                if matches!(c, Some('/' | '\\')) {
                    self.state = State::FileSlash;
                } else if let Some(base) = self.base.filter(|b| b.scheme == "file") {
                    self.url.host = base.host.clone();
                    self.copy_path_and_query(base);
                    match c {
                        Some('?') => self.begin_query(),
                        Some('#') => self.begin_fragment(),
                        Some(_) => {
                            self.url.query = None;
                            if !starts_with_windows_drive_letter(self.rest(*pointer)) {
                                shorten_path(self.url);
                            } else {
                                self.url.path = Path::List(Vec::new());
                            }
                            self.state = State::Path;
                            *pointer -= 1;
                        }
                        None => {}
                    }
                } else {
                    self.state = State::Path;
                    *pointer -= 1;
                }
            }
            State::FileSlash => {
                if matches!(c, Some('/' | '\\')) {
                    self.state = State::FileHost;
                } else {
                    if let Some(base) = self.base.filter(|b| b.scheme == "file") {
                        self.url.host = base.host.clone();
                        if !starts_with_windows_drive_letter(self.rest(*pointer)) {
                            if let Path::List(segments) = &base.path {
                                if let Some(first) = segments
                                    .first()
                                    .filter(|s| is_normalized_windows_drive_letter(s))
                                {
                                    push_segment(self.url, first.clone());
                                }
                            }
                        }
                    }
                    self.state = State::Path;
                    *pointer -= 1;
                }
            }
            State::FileHost => match c {
                None | Some('/' | '\\' | '?' | '#') => {
                    *pointer -= 1;
                    let buffer: Vec<char> = self.buffer.chars().collect();
                    if over.is_none() && is_windows_drive_letter(&buffer) {
                        self.state = State::Path;
                    } else if self.buffer.is_empty() {
                        self.url.host = Some(String::new());
                        if over.is_some() {
                            return Ok(Step::Done);
                        }
                        self.state = State::PathStart;
                    } else {
                        let mut host = host::parse(&self.buffer, false).ok_or(Failure)?;
                        if host == "localhost" {
                            host.clear();
                        }
                        self.url.host = Some(host);
                        if over.is_some() {
                            return Ok(Step::Done);
                        }
                        self.buffer.clear();
                        self.state = State::PathStart;
                    }
                }
                Some(c) => self.buffer.push(c),
            },
            State::PathStart => {
                if self.special() {
                    self.state = State::Path;
                    if !matches!(c, Some('/' | '\\')) {
                        *pointer -= 1;
                    }
                } else if over.is_none() && c == Some('?') {
                    self.begin_query();
                } else if over.is_none() && c == Some('#') {
                    self.begin_fragment();
                } else if c.is_some() {
                    self.state = State::Path;
                    if c != Some('/') {
                        *pointer -= 1;
                    }
                } else if over.is_some() && self.url.host.is_none() {
                    push_segment(self.url, String::new());
                }
            }
            State::Path => {
                let slash = c == Some('/') || (self.special() && c == Some('\\'));
                if c.is_none() || slash || (over.is_none() && matches!(c, Some('?' | '#'))) {
                    let buffer = std::mem::take(&mut self.buffer);
                    if is_double_dot(&buffer) {
                        shorten_path(self.url);
                        if !slash {
                            push_segment(self.url, String::new());
                        }
                    } else if is_single_dot(&buffer) {
                        if !slash {
                            push_segment(self.url, String::new());
                        }
                    } else {
                        let mut segment = buffer;
                        let letters: Vec<char> = segment.chars().collect();
                        if self.url.scheme == "file"
                            && path_is_empty(self.url)
                            && is_windows_drive_letter(&letters)
                        {
                            segment = format!("{}:", letters[0]);
                        }
                        push_segment(self.url, segment);
                    }
                    match c {
                        Some('?') if !slash => {
                            self.begin_query();
                        }
                        Some('#') if !slash => {
                            self.begin_fragment();
                        }
                        _ => {}
                    }
                } else if let Some(c) = c {
                    percent::push_encoded(&mut self.buffer, c, EncodeSet::Path);
                }
            }
            State::OpaquePath => {
                let next = self.remaining(*pointer).first().copied();
                match c {
                    Some('?') => self.begin_query(),
                    Some('#') => self.begin_fragment(),
                    Some(c) => {
                        if let Path::Opaque(path) = &mut self.url.path {
                            if c == ' ' && matches!(next, Some('?' | '#')) {
                                path.push_str("%20");
                            } else {
                                percent::push_encoded(path, c, EncodeSet::C0Control);
                            }
                        }
                    }
                    None => {}
                }
            }
            State::Query => {
                if (over.is_none() && c == Some('#')) || c.is_none() {
                    let set = if self.special() {
                        EncodeSet::SpecialQuery
                    } else {
                        EncodeSet::Query
                    };
                    let encoded = percent::encode(&std::mem::take(&mut self.buffer), set);
                    self.url
                        .query
                        .get_or_insert_with(String::new)
                        .push_str(&encoded);
                    if c == Some('#') {
                        self.begin_fragment();
                    }
                } else if let Some(c) = c {
                    self.buffer.push(c);
                }
            }
            State::Fragment => {
                if let Some(c) = c {
                    percent::push_encoded(
                        self.url.fragment.get_or_insert_with(String::new),
                        c,
                        EncodeSet::Fragment,
                    );
                }
            }
        }
        Ok(Step::Next)
    }
}
