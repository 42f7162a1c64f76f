//! A test262 file's frontmatter (the YAML between `/*---` and `---*/`): the harness files it
//! includes, its flags, and what error a negative test expects. Only the keys the runner needs
//! are read, in the two list styles the suite uses (`[a, b]` and `- a` lines).

#[derive(Debug, Default, PartialEq)]
pub struct Frontmatter {
    pub includes: Vec<String>,
    pub flags: Vec<String>,
    pub features: Vec<String>,
    /// A negative test: the phase (`parse`, `resolution`, `runtime`) and the error's name.
    pub negative: Option<(String, String)>,
}

impl Frontmatter {
    pub fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

fn inline_list(value: &str) -> Vec<String> {
    value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|s| s.trim().trim_matches(['"', '\'']).to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

pub fn parse(source: &str) -> Frontmatter {
    let mut out = Frontmatter::default();
    let Some(start) = source.find("/*---") else {
        return out;
    };
    let Some(len) = source[start..].find("---*/") else {
        return out;
    };
    let yaml = &source[start + 5..start + len];
    let mut key = String::new();
    let (mut phase, mut kind) = (None, None);
    for line in yaml.lines() {
        let indented = line.starts_with(' ') || line.starts_with('\t');
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !indented {
            if let Some((k, v)) = trimmed.split_once(':') {
                key = k.trim().to_string();
                let v = v.trim();
                match key.as_str() {
                    "includes" if v.starts_with('[') => out.includes = inline_list(v),
                    "flags" if v.starts_with('[') => out.flags = inline_list(v),
                    "features" if v.starts_with('[') => out.features = inline_list(v),
                    _ => {}
                }
            }
            continue;
        }
        if let Some(item) = trimmed.strip_prefix("- ") {
            let item = item.trim().to_string();
            match key.as_str() {
                "includes" => out.includes.push(item),
                "flags" => out.flags.push(item),
                "features" => out.features.push(item),
                _ => {}
            }
        } else if key == "negative" {
            if let Some((k, v)) = trimmed.split_once(':') {
                match k.trim() {
                    "phase" => phase = Some(v.trim().to_string()),
                    "type" => kind = Some(v.trim().to_string()),
                    _ => {}
                }
            }
        }
    }
    if let (Some(p), Some(t)) = (phase, kind) {
        out.negative = Some((p, t));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_list_styles_and_negative() {
        let src = "/*---\nesid: x\ndescription: >\n  words: here\nincludes: [propertyHelper.js, compareArray.js]\nflags:\n  - onlyStrict\n  - async\nnegative:\n  phase: parse\n  type: SyntaxError\nfeatures: [Temporal]\n---*/\nbody";
        let f = parse(src);
        assert_eq!(f.includes, ["propertyHelper.js", "compareArray.js"]);
        assert_eq!(f.flags, ["onlyStrict", "async"]);
        assert_eq!(f.features, ["Temporal"]);
        assert_eq!(f.negative, Some(("parse".into(), "SyntaxError".into())));
        assert!(f.has("async") && !f.has("module"));
    }
}
