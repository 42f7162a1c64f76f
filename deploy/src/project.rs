//! `edge.toml`, the project file: what an app is called, where its entry module is, and what
//! the node should give it (routes, limits, outbound hosts, variables, secret names). Read
//! whole and checked before anything else happens; every error names the key and its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

/// The project file's name.
pub const FILE: &str = "edge.toml";

/// A checked project.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder holding `edge.toml`.
    pub dir: PathBuf,
    pub name: String,
    /// The entry module, relative to `dir`.
    pub main: String,
    pub compatibility_date: Option<String>,
    pub node_compat: bool,
    /// `None` when the file has no `routes` key: the node's routes are left as they are.
    pub routes: Option<Vec<Route>>,
    /// `None` when the file has no `[vars]`: the node's variables are left as they are.
    pub vars: Option<BTreeMap<String, String>>,
    /// Names of the secrets the app expects (set with `edge secrets put`).
    pub secrets: Vec<String>,
    pub memory_mib: Option<u64>,
    pub cpu_ms: Option<u64>,
    pub wall_ms: Option<u64>,
    pub subrequests: Option<u64>,
    /// Worker threads the app may run at once.
    pub workers: Option<u64>,
    /// WebSockets the app may hold open; their largest message (KiB); their idle timeout (s).
    pub websockets: Option<u64>,
    pub websocket_message_kib: Option<u64>,
    pub websocket_idle_s: Option<u64>,
    /// KV namespaces on `env`: the binding's name and the namespace's id.
    pub kv_namespaces: Vec<(String, String)>,
    /// SQL databases (D1-style) on `env`: the binding's name and the database's id.
    pub d1_databases: Vec<(String, String)>,
    /// Service bindings: the binding's name and the app it calls.
    pub services: Vec<(String, String)>,
    /// Cron expressions that run the app's `scheduled` handler (`[triggers] crons`).
    pub crons: Vec<String>,
    /// Queues the app sends to: the binding's name and the queue.
    pub queue_producers: Vec<(String, String)>,
    /// Queues the app consumes, as the admin API takes them.
    pub queue_consumers: Vec<serde_json::Value>,
    /// Hosts `fetch()` may reach.
    pub outbound: Vec<String>,
}

/// A route as the node's admin API spells it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Route {
    pub host: String,
    pub path: String,
}

/// Why `edge.toml` was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("no {FILE} in {0} (create one with `edge init`)")]
    Missing(String),
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Spanned<String>,
    main: Spanned<String>,
    compatibility_date: Option<Spanned<String>>,
    node_compat: Option<bool>,
    routes: Option<Vec<Spanned<RawRoute>>>,
    vars: Option<BTreeMap<String, Spanned<toml::Value>>>,
    secrets: Option<Vec<Spanned<String>>>,
    limits: Option<RawLimits>,
    permissions: Option<RawPermissions>,
    kv_namespaces: Option<Vec<Spanned<RawKv>>>,
    d1_databases: Option<Vec<Spanned<RawKv>>>,
    services: Option<Vec<Spanned<RawService>>>,
    triggers: Option<RawTriggers>,
    queues: Option<RawQueues>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQueues {
    producers: Option<Vec<Spanned<RawProducer>>>,
    consumers: Option<Vec<Spanned<RawConsumer>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProducer {
    binding: String,
    queue: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsumer {
    queue: String,
    max_batch_size: Option<u32>,
    max_retries: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTriggers {
    crons: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    binding: String,
    service: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKv {
    binding: String,
    id: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRoute {
    /// `"example.com"`, `"*.example.com/api"`.
    Pattern(String),
    Table {
        host: String,
        path: Option<String>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    memory_mib: Option<Spanned<u64>>,
    cpu_ms: Option<Spanned<u64>>,
    wall_ms: Option<Spanned<u64>>,
    subrequests: Option<Spanned<u64>>,
    workers: Option<Spanned<u64>>,
    websockets: Option<Spanned<u64>>,
    websocket_message_kib: Option<Spanned<u64>>,
    websocket_idle_s: Option<Spanned<u64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPermissions {
    outbound: Option<Vec<Spanned<String>>>,
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Whether `name` is an app name the node takes.
pub fn valid_app_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `name` can be a variable or secret name.
pub fn valid_var_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.as_bytes()[0].is_ascii_digit()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `YYYY-MM-DD`.
fn valid_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&text[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&text[8..10].parse::<u32>().unwrap_or(0))
}

/// The development secrets in `dir/.dev.vars`: `NAME=value` lines (`#` comments, blank
/// lines, and values optionally in double or single quotes). None when the file is absent.
pub fn read_dev_vars(dir: &Path) -> Result<Vec<(String, String)>, ProjectError> {
    let path = dir.join(".dev.vars");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ProjectError::Read(path.display().to_string(), e)),
    };
    let mut vars = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let invalid = |message: &str| ProjectError::Invalid {
            file: ".dev.vars".into(),
            line: i + 1,
            column: 1,
            message: message.into(),
        };
        let (name, value) = line
            .split_once('=')
            .ok_or_else(|| invalid("expected NAME=value"))?;
        let name = name.trim();
        if !valid_var_name(name) {
            return Err(invalid(&format!("'{name}' is not a variable name")));
        }
        let value = value.trim();
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
            .unwrap_or(value);
        vars.push((name.to_owned(), unquoted.to_owned()));
    }
    Ok(vars)
}

impl Project {
    /// Reads `edge.toml` from `dir`.
    pub fn load(dir: &Path) -> Result<Project, ProjectError> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ProjectError::Missing(dir.display().to_string()))
            }
            Err(e) => return Err(ProjectError::Read(path.display().to_string(), e)),
        };
        let shown = if dir == Path::new(".") {
            FILE.to_owned()
        } else {
            path.display().to_string()
        };
        Project::parse(dir, &shown, &text)
    }

    /// Parses and checks the text of a project file shown as `file` in errors.
    pub fn parse(dir: &Path, file: &str, text: &str) -> Result<Project, ProjectError> {
        let at = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            ProjectError::Invalid {
                file: file.to_owned(),
                line,
                column,
                message,
            }
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            at(offset, e.message().trim().to_owned())
        })?;
        let check = |ok: bool, span: std::ops::Range<usize>, message: String| {
            if ok {
                Ok(())
            } else {
                Err(at(span.start, message))
            }
        };

        let name = raw.name.get_ref();
        check(
            valid_app_name(name),
            raw.name.span(),
            format!("name: '{name}' is not an app name: use 1-63 of a-z, 0-9 and '-', starting with a letter or digit"),
        )?;
        let main = raw.main.get_ref();
        check(
            !main.is_empty() && !Path::new(main).is_absolute(),
            raw.main.span(),
            format!("main: '{main}' must be a path relative to {FILE}"),
        )?;
        if let Some(date) = &raw.compatibility_date {
            check(
                valid_date(date.get_ref()),
                date.span(),
                format!(
                    "compatibility_date: '{}' is not a date such as 2026-11-27",
                    date.get_ref()
                ),
            )?;
        }

        let routes = match raw.routes {
            None => None,
            Some(list) => {
                let mut routes = Vec::new();
                for spanned in list {
                    let span = spanned.span();
                    let (host, path) = match spanned.into_inner() {
                        RawRoute::Pattern(p) => match p.find('/') {
                            Some(i) => (p[..i].to_owned(), p[i..].to_owned()),
                            None => (p, "/".to_owned()),
                        },
                        RawRoute::Table { host, path } => {
                            (host, path.unwrap_or_else(|| "/".into()))
                        }
                    };
                    let host = host.to_ascii_lowercase();
                    check(
                        edge_router::routes::valid_host(&host),
                        span.clone(),
                        format!("routes: '{host}' is not a host name, '*.domain' or '*'"),
                    )?;
                    check(
                        path.starts_with('/') && !path.contains(['?', '#', ' ']),
                        span,
                        format!("routes: path '{path}' must start with '/' and hold no query"),
                    )?;
                    routes.push(Route { host, path });
                }
                Some(routes)
            }
        };

        let vars = match raw.vars {
            None => None,
            Some(table) => {
                let mut vars = BTreeMap::new();
                for (key, value) in table {
                    let span = value.span();
                    check(
                        valid_var_name(&key),
                        span.clone(),
                        format!("vars: '{key}' is not a variable name: use letters, digits and '_', not starting with a digit"),
                    )?;
                    let text = match value.into_inner() {
                        toml::Value::String(s) => s,
                        toml::Value::Integer(i) => i.to_string(),
                        toml::Value::Float(f) => f.to_string(),
                        toml::Value::Boolean(b) => b.to_string(),
                        _ => {
                            return Err(at(
                                span.start,
                                format!("vars.{key}: use a string, number or boolean"),
                            ))
                        }
                    };
                    vars.insert(key, text);
                }
                Some(vars)
            }
        };

        let mut secrets = Vec::new();
        for s in raw.secrets.unwrap_or_default() {
            check(
                valid_var_name(s.get_ref()),
                s.span(),
                format!("secrets: '{}' is not a secret name", s.get_ref()),
            )?;
            if vars.as_ref().is_some_and(|v| v.contains_key(s.get_ref())) {
                return Err(at(
                    s.span().start,
                    format!("secrets: '{}' is also in [vars]", s.get_ref()),
                ));
            }
            secrets.push(s.into_inner());
        }

        let limits = raw.limits.unwrap_or(RawLimits {
            memory_mib: None,
            cpu_ms: None,
            wall_ms: None,
            subrequests: None,
            workers: None,
            websockets: None,
            websocket_message_kib: None,
            websocket_idle_s: None,
        });
        let bounded = |value: Option<Spanned<u64>>, key: &str, min: u64, max: u64| match value {
            None => Ok(None),
            Some(v) => {
                let n = *v.get_ref();
                check(
                    (min..=max).contains(&n),
                    v.span(),
                    format!("limits.{key}: {n} is out of range: use {min} to {max}"),
                )?;
                Ok(Some(n))
            }
        };
        let memory_mib = bounded(limits.memory_mib, "memory_mib", 8, 4096)?;
        let cpu_ms = bounded(limits.cpu_ms, "cpu_ms", 1, 300_000)?;
        let wall_ms = bounded(limits.wall_ms, "wall_ms", 1, 3_600_000)?;
        let subrequests = bounded(limits.subrequests, "subrequests", 0, 10_000)?;
        let workers = bounded(limits.workers, "workers", 0, 64)?;
        let websockets = bounded(limits.websockets, "websockets", 0, 1_000_000)?;
        let websocket_message_kib = bounded(
            limits.websocket_message_kib,
            "websocket_message_kib",
            1,
            128 << 10,
        )?;
        let websocket_idle_s = bounded(limits.websocket_idle_s, "websocket_idle_s", 0, 86_400)?;

        let mut declared: Vec<(String, String, &str)> = Vec::new();
        let tables = [
            ("kv_namespaces", raw.kv_namespaces.unwrap_or_default()),
            ("d1_databases", raw.d1_databases.unwrap_or_default()),
        ];
        for (table, list) in tables {
            for item in list {
                let span = item.span();
                let item = item.into_inner();
                check(
                    valid_var_name(&item.binding),
                    span.clone(),
                    format!(
                        "{table}: '{}' is not a binding name: use letters, digits and '_', not starting with a digit",
                        item.binding
                    ),
                )?;
                check(
                    !declared.iter().any(|(b, _, _)| *b == item.binding)
                        && !vars.as_ref().is_some_and(|v| v.contains_key(&item.binding)),
                    span.clone(),
                    format!("{table}: the name {} is used twice", item.binding),
                )?;
                let id = item.id.unwrap_or_else(|| item.binding.clone());
                check(
                    !id.is_empty()
                        && id.len() <= 64
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
                    span,
                    format!(
                        "{table}: '{id}' is not an id: use 1-64 of letters, digits, '-', '_' and '.'"
                    ),
                )?;
                declared.push((item.binding, id, table));
            }
        }
        let pick = |table: &str| -> Vec<(String, String)> {
            declared
                .iter()
                .filter(|(_, _, t)| *t == table)
                .map(|(b, id, _)| (b.clone(), id.clone()))
                .collect()
        };
        let kv_namespaces = pick("kv_namespaces");
        let d1_databases = pick("d1_databases");
        let mut services: Vec<(String, String)> = Vec::new();
        for item in raw.services.unwrap_or_default() {
            let span = item.span();
            let item = item.into_inner();
            check(
                valid_var_name(&item.binding)
                    && !declared.iter().any(|(b, _, _)| *b == item.binding)
                    && !services.iter().any(|(b, _)| *b == item.binding)
                    && !vars.as_ref().is_some_and(|v| v.contains_key(&item.binding)),
                span.clone(),
                format!(
                    "services: '{}' is not a free binding name (letters, digits and '_', used once)",
                    item.binding
                ),
            )?;
            check(
                valid_app_name(&item.service),
                span,
                format!("services: '{}' is not an app name", item.service),
            )?;
            services.push((item.binding, item.service));
        }
        let (mut queue_producers, mut queue_consumers) = (Vec::new(), Vec::new());
        if let Some(queues) = raw.queues {
            for item in queues.producers.unwrap_or_default() {
                let span = item.span();
                let item = item.into_inner();
                check(
                    valid_var_name(&item.binding)
                        && valid_app_name(&item.queue)
                        && !declared.iter().any(|(b, _, _)| *b == item.binding)
                        && !services.iter().any(|(b, _)| *b == item.binding)
                        && !queue_producers.iter().any(|(b, _)| *b == item.binding),
                    span,
                    format!(
                        "queues.producers: binding '{}' (letters, digits, '_', used once) to queue '{}' (a-z, 0-9, '-')",
                        item.binding, item.queue
                    ),
                )?;
                queue_producers.push((item.binding, item.queue));
            }
            for item in queues.consumers.unwrap_or_default() {
                let span = item.span();
                let item = item.into_inner();
                check(
                    valid_app_name(&item.queue)
                        && item.max_batch_size.is_none_or(|n| (1..=100).contains(&n))
                        && item.max_retries.is_none_or(|n| n <= 100),
                    span,
                    format!(
                        "queues.consumers: queue '{}' (a-z, 0-9, '-'), max_batch_size 1-100, max_retries 0-100",
                        item.queue
                    ),
                )?;
                let mut c = serde_json::json!({ "queue": item.queue });
                if let Some(n) = item.max_batch_size {
                    c["max_batch_size"] = n.into();
                }
                if let Some(n) = item.max_retries {
                    c["max_retries"] = n.into();
                }
                queue_consumers.push(c);
            }
        }
        let mut crons = Vec::new();
        for cron in raw.triggers.and_then(|t| t.crons).unwrap_or_default() {
            let parsed = edge_router::cron::Cron::parse(cron.get_ref());
            check(
                parsed.is_ok(),
                cron.span(),
                format!("triggers.crons: {}", parsed.err().unwrap_or_default()),
            )?;
            crons.push(cron.into_inner());
        }

        let mut outbound = Vec::new();
        for host in raw.permissions.and_then(|p| p.outbound).unwrap_or_default() {
            check(
                edge_isolates::HostRule::parse(host.get_ref()).is_some(),
                host.span(),
                format!(
                    "permissions.outbound: '{}' is not a host such as api.example.com, *.example.com or api.example.com:8443",
                    host.get_ref()
                ),
            )?;
            outbound.push(host.into_inner());
        }

        Ok(Project {
            dir: dir.to_owned(),
            name: raw.name.into_inner(),
            main: raw.main.into_inner(),
            compatibility_date: raw.compatibility_date.map(Spanned::into_inner),
            node_compat: raw.node_compat.unwrap_or(true),
            routes,
            vars,
            secrets,
            memory_mib,
            cpu_ms,
            wall_ms,
            subrequests,
            workers,
            websockets,
            websocket_message_kib,
            websocket_idle_s,
            kv_namespaces,
            d1_databases,
            services,
            crons,
            queue_producers,
            queue_consumers,
            outbound,
        })
    }

    /// The settings the node's `PUT /v1/apps/{app}` takes.
    pub fn settings(&self) -> serde_json::Value {
        let mut s = serde_json::Map::new();
        let mut put = |k: &str, v: Option<u64>| {
            if let Some(v) = v {
                s.insert(k.into(), v.into());
            }
        };
        put("memory_mib", self.memory_mib);
        put("cpu_ms", self.cpu_ms);
        put("wall_ms", self.wall_ms);
        put("subrequests", self.subrequests);
        put("workers", self.workers);
        put("websockets", self.websockets);
        put("websocket_message_kib", self.websocket_message_kib);
        put("websocket_idle_s", self.websocket_idle_s);
        s.insert("allowed_hosts".into(), self.outbound.clone().into());
        let refs = |list: &[(String, String)]| -> serde_json::Value {
            list.iter()
                .map(|(binding, id)| serde_json::json!({ "binding": binding, "id": id }))
                .collect::<Vec<_>>()
                .into()
        };
        if !self.kv_namespaces.is_empty() {
            s.insert("kv_namespaces".into(), refs(&self.kv_namespaces));
        }
        if !self.d1_databases.is_empty() {
            s.insert("d1_databases".into(), refs(&self.d1_databases));
        }
        if !self.queue_producers.is_empty() {
            let producers: Vec<serde_json::Value> = self
                .queue_producers
                .iter()
                .map(|(binding, queue)| serde_json::json!({ "binding": binding, "queue": queue }))
                .collect();
            s.insert("queue_producers".into(), producers.into());
        }
        if !self.queue_consumers.is_empty() {
            s.insert(
                "queue_consumers".into(),
                self.queue_consumers.clone().into(),
            );
        }
        if !self.crons.is_empty() {
            s.insert("crons".into(), self.crons.clone().into());
        }
        if !self.services.is_empty() {
            let services: Vec<serde_json::Value> = self
                .services
                .iter()
                .map(|(binding, service)| serde_json::json!({ "binding": binding, "service": service }))
                .collect();
            s.insert("services".into(), services.into());
        }
        s.insert("node_compat".into(), self.node_compat.into());
        serde_json::Value::Object(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Project, String> {
        Project::parse(Path::new("/p"), "edge.toml", text).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_dev_vars() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_dev_vars(dir.path()).unwrap().is_empty());
        std::fs::write(
            dir.path().join(".dev.vars"),
            "# local only\nAPI_KEY=\"sk-1=2\"\n\nTOKEN = 'abc'\nPLAIN=x y\n",
        )
        .unwrap();
        let vars = read_dev_vars(dir.path()).unwrap();
        assert_eq!(
            vars,
            [
                ("API_KEY".to_string(), "sk-1=2".to_string()),
                ("TOKEN".to_string(), "abc".to_string()),
                ("PLAIN".to_string(), "x y".to_string())
            ]
        );
        std::fs::write(dir.path().join(".dev.vars"), "OK=1\nno equals sign\n").unwrap();
        let e = read_dev_vars(dir.path()).unwrap_err().to_string();
        assert!(e.starts_with(".dev.vars:2:"), "{e}");
    }

    #[test]
    fn reads_a_full_project() {
        let p = parse(
            r#"
name = "shop"
main = "src/index.ts"
compatibility_date = "2026-11-01"
routes = ["shop.example.com", "example.com/shop", { host = "*.shop.test", path = "/api" }]
secrets = ["API_KEY"]
[vars]
GREETING = "hi"
RETRIES = 3
[limits]
memory_mib = 64
cpu_ms = 100
[permissions]
outbound = ["api.example.com", "*.stripe.com"]
"#,
        )
        .unwrap();
        assert_eq!(p.name, "shop");
        let routes = p.routes.unwrap();
        assert_eq!(
            routes[1],
            Route {
                host: "example.com".into(),
                path: "/shop".into()
            }
        );
        assert_eq!(routes[2].host, "*.shop.test");
        assert_eq!(p.vars.unwrap()["RETRIES"], "3");
        assert_eq!(p.memory_mib, Some(64));
        assert_eq!(p.outbound.len(), 2);
    }

    #[test]
    fn errors_name_the_key_and_line() {
        let e = parse("name = \"a\"\nmain = \"i.js\"\nmian = 1\n").unwrap_err();
        assert!(e.starts_with("edge.toml:3:1:") && e.contains("mian"), "{e}");
        let e = parse("name = \"a\"\nmain = \"i.js\"\n[limits]\ncpu_ms = 0\n").unwrap_err();
        assert!(
            e.starts_with("edge.toml:4:10:") && e.contains("limits.cpu_ms"),
            "{e}"
        );
        let e = parse("name = \"Bad_Name\"\nmain = \"i.js\"\n").unwrap_err();
        assert!(
            e.starts_with("edge.toml:1:8:") && e.contains("not an app name"),
            "{e}"
        );
        let e = parse("name = \"a\"\nmain = \"i.js\"\nroutes = [\"exa mple.com\"]\n").unwrap_err();
        assert!(e.starts_with("edge.toml:3:11:"), "{e}");
        let e = parse("name = \"a\"\n").unwrap_err();
        assert!(e.contains("main"), "{e}");
        let e =
            parse("name = \"a\"\nmain = \"i.js\"\n[limits]\nmemory_mib = \"lots\"\n").unwrap_err();
        assert!(e.starts_with("edge.toml:4:"), "{e}");
        let e = parse("name = \"a\"\nmain = \"i.js\"\n[permissions]\noutbound = [\"http://x\"]\n")
            .unwrap_err();
        assert!(
            e.starts_with("edge.toml:4:13:") && e.contains("permissions.outbound"),
            "{e}"
        );
    }
}
