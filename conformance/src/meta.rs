//! The `// META:` header of a WPT test file: extra scripts, timeout, variants and the global
//! scopes the test is meant for.

#[derive(Debug, Default, PartialEq)]
pub struct Meta {
    /// Scripts to load before the test, as written (`/common/x.js` or relative).
    pub scripts: Vec<String>,
    /// `timeout=long`.
    pub long: bool,
    /// Query strings (`?include=file`); empty means one run without a query.
    pub variants: Vec<String>,
    /// `global=window,worker`: the scopes the test is meant for; empty means WPT's default
    /// (window and dedicated worker).
    pub globals: Vec<String>,
}

impl Meta {
    /// Whether the test is meant for a scope like Edge's (a worker-like global with the Web
    /// APIs); tests only for ShadowRealm or a bare JS shell are not.
    pub fn runs_in_worker_scope(&self) -> bool {
        self.globals.is_empty()
            || self.globals.iter().any(|g| {
                let g = g.trim().trim_end_matches("-module");
                g == "window" || g.ends_with("worker") || g.starts_with("worker")
            })
    }
}

pub fn parse(source: &str) -> Meta {
    let mut meta = Meta::default();
    for line in source.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some(rest) = line.strip_prefix("// META:") else {
            break;
        };
        let Some((key, value)) = rest.trim().split_once('=') else {
            continue;
        };
        let value = value.trim().to_string();
        match key.trim() {
            "script" => meta.scripts.push(value),
            "timeout" => meta.long = value == "long",
            "variant" => meta.variants.push(value),
            "global" => meta
                .globals
                .extend(value.split(',').map(|g| g.trim().to_string())),
            _ => {}
        }
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_scripts_timeout_and_variants() {
        let m = parse("// META: global=window,worker\n// META: script=/common/a.js\n// META: timeout=long\n// META: variant=?include=file\n\ntest(() => {});\n// META: script=ignored.js\n");
        assert_eq!(m.scripts, vec!["/common/a.js"]);
        assert!(m.long);
        assert_eq!(m.variants, vec!["?include=file"]);
        assert!(m.runs_in_worker_scope());
    }

    #[test]
    fn knows_which_globals_are_worker_like() {
        assert!(parse("test(() => {});").runs_in_worker_scope());
        assert!(parse(
            "// META: global=dedicatedworker-module
"
        )
        .runs_in_worker_scope());
        assert!(parse(
            "// META: global=window,shadowrealm
"
        )
        .runs_in_worker_scope());
        assert!(!parse(
            "// META: global=shadowrealm
"
        )
        .runs_in_worker_scope());
        assert!(!parse(
            "// META: global=jsshell
"
        )
        .runs_in_worker_scope());
    }
}
