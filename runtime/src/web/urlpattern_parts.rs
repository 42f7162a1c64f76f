//! What URLPattern needs beyond matching, on the part lists the `urlpattern` crate's pattern
//! parser gives back from a component's pattern string: `URLPattern.compareComponent` (which
//! pattern is more specific) and `generate` (a URL component from a pattern and its groups).
//! Engine-free.

use std::cmp::Ordering;

use urlpattern::parser::{self, Part, PartModifier, PartType};

use crate::whatwg_url::{self, EncodeSet};

/// The part list of a component's (already canonical) pattern string.
pub fn parse(component: &str, pattern: &str) -> Vec<Part> {
    let options = match component {
        "pathname" => parser::Options::pathname(),
        "hostname" => parser::Options::hostname(),
        _ => parser::Options::default(),
    };
    parser::parse_pattern_string(pattern, &options, |s| Ok(s.to_owned())).unwrap_or_default()
}

/// A part's kind ranked from the least specific (full wildcard) to the most (fixed text).
fn kind_rank(kind: &PartType) -> u8 {
    match kind {
        PartType::FullWildcard => 0,
        PartType::SegmentWildcard => 1,
        PartType::Regexp => 2,
        PartType::FixedText => 3,
    }
}

/// A modifier ranked from the least specific (`*`) to the most (none).
fn modifier_rank(modifier: &PartModifier) -> u8 {
    match modifier {
        PartModifier::ZeroOrMore => 0,
        PartModifier::Optional => 1,
        PartModifier::OneOrMore => 2,
        PartModifier::None => 3,
    }
}

fn compare_text(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn compare_part(a: &Part, b: &Part) -> Ordering {
    kind_rank(&a.kind)
        .cmp(&kind_rank(&b.kind))
        .then(modifier_rank(&a.modifier).cmp(&modifier_rank(&b.modifier)))
        .then_with(|| compare_text(&a.value, &b.value))
        .then_with(|| compare_text(&a.prefix, &b.prefix))
        .then_with(|| compare_text(&a.suffix, &b.suffix))
}

/// Orders two part lists by specificity; a shorter list is compared as if padded with empty
/// fixed-text parts. Group names do not count.
pub fn compare(left: &[Part], right: &[Part]) -> Ordering {
    let empty = Part {
        kind: PartType::FixedText,
        value: String::new(),
        modifier: PartModifier::None,
        name: String::new(),
        prefix: String::new(),
        suffix: String::new(),
    };
    for i in 0..left.len().max(right.len()) {
        let a = left.get(i).unwrap_or(&empty);
        let b = right.get(i).unwrap_or(&empty);
        match compare_part(a, b) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    Ordering::Equal
}

/// Why `generate` could not build a component.
#[derive(Debug, PartialEq, Eq)]
pub enum GenerateError {
    /// A part other than fixed text or a plain named segment.
    Unsupported,
    MissingGroup(String),
    InvalidValue(String),
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Unsupported => {
                f.write_str("only fixed text and named segments without modifiers can be generated")
            }
            GenerateError::MissingGroup(name) => write!(f, "no value for the group \"{name}\""),
            GenerateError::InvalidValue(name) => {
                write!(
                    f,
                    "the value for the group \"{name}\" does not fit its segment"
                )
            }
        }
    }
}

/// Canonicalizes one group value as the component would (percent-encoding, IDNA).
fn canonicalize(component: &str, value: &str, special: bool) -> Option<String> {
    Some(match component {
        "hostname" => whatwg_url::canonical_host(value, special)?,
        "pathname" if special => whatwg_url::canonical_path_piece(value),
        "pathname" => whatwg_url::encode(value, EncodeSet::C0Control),
        "username" | "password" => whatwg_url::encode(value, EncodeSet::Userinfo),
        "search" if special => whatwg_url::encode(value, EncodeSet::SpecialQuery),
        "search" => whatwg_url::encode(value, EncodeSet::Query),
        "hash" => whatwg_url::encode(value, EncodeSet::Fragment),
        "port" => value
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| value.to_owned())?,
        _ => value.to_ascii_lowercase(),
    })
}

/// Builds a component from its parts and `group` values: only fixed text and named segment
/// wildcards without modifiers can be generated. `special` says whether the pattern's
/// protocol matches a special scheme.
pub fn generate(
    parts: &[Part],
    component: &str,
    group: impl Fn(&str) -> Option<String>,
    special: bool,
) -> Result<String, GenerateError> {
    let delimiter = match component {
        "pathname" => Some('/'),
        "hostname" => Some('.'),
        _ => None,
    };
    let mut out = String::new();
    for part in parts {
        if part.modifier != PartModifier::None {
            return Err(GenerateError::Unsupported);
        }
        match part.kind {
            PartType::FixedText => out.push_str(&part.value),
            PartType::SegmentWildcard => {
                let value = group(&part.name)
                    .ok_or_else(|| GenerateError::MissingGroup(part.name.clone()))?;
                if value.is_empty() || delimiter.is_some_and(|d| value.contains(d)) {
                    return Err(GenerateError::InvalidValue(part.name.clone()));
                }
                let encoded = canonicalize(component, &value, special)
                    .ok_or_else(|| GenerateError::InvalidValue(part.name.clone()))?;
                out.push_str(&part.prefix);
                out.push_str(&encoded);
                out.push_str(&part.suffix);
            }
            _ => return Err(GenerateError::Unsupported),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(&parse("pathname", a), &parse("pathname", b))
    }

    #[test]
    fn compares_by_specificity() {
        assert_eq!(cmp("/foo/bar", "/foo/:bar"), Ordering::Greater);
        assert_eq!(cmp("/foo/:bar", "/foo/*"), Ordering::Greater);
        assert_eq!(cmp("/foo/:b", "/foo/:a"), Ordering::Equal);
        assert_eq!(cmp("/foo/{bar}?", "/foo/{bar}*"), Ordering::Greater);
        assert_eq!(cmp("/foo/(123)", "/foo/(12)"), Ordering::Greater);
        assert_eq!(cmp("*/foo", "*"), Ordering::Greater);
        assert_eq!(cmp("foo/:bar?/baz", "foo{/:bar/}?baz"), Ordering::Less);
    }

    #[test]
    fn generates_named_segments_only() {
        let parts = parse("pathname", "/x/:foo");
        let group = |name: &str| (name == "foo").then(|| "a b".to_owned());
        assert_eq!(
            generate(&parts, "pathname", group, true).as_deref(),
            Ok("/x/a%20b")
        );
        assert_eq!(
            generate(&parts, "pathname", group, false).as_deref(),
            Ok("/x/a b")
        );
        let missing = parse("pathname", "/:bar");
        assert!(generate(&missing, "pathname", group, true).is_err());
        assert!(generate(&parse("pathname", "/*"), "pathname", group, true).is_err());
        let host = parse("hostname", "{:foo}.example.com");
        let tomato = |_: &str| Some("\u{1f345}".to_owned());
        assert_eq!(
            generate(&host, "hostname", tomato, true).as_deref(),
            Ok("xn--fi8h.example.com")
        );
    }
}
