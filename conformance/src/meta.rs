//! The `// META:` header of a WPT test file: extra scripts, timeout and variants.

#[derive(Debug, Default, PartialEq)]
pub struct Meta {
    /// Scripts to load before the test, as written (`/common/x.js` or relative).
    pub scripts: Vec<String>,
    /// `timeout=long`.
    pub long: bool,
    /// Query strings (`?include=file`); empty means one run without a query.
    pub variants: Vec<String>,
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
    }
}
