//! Language tags: canonical form (UTS 35, with CLDR's aliases), likely subtags, and which
//! locales the compiled data covers.

use icu_locale::{Locale, LocaleCanonicalizer, LocaleExpander};
use rquickjs::{Ctx, Exception, Result};

// Both are constant views of the compiled data: making one costs nothing.
const CANONICALIZER: LocaleCanonicalizer = LocaleCanonicalizer::new_extended();
const EXPANDER: LocaleExpander = LocaleExpander::new_extended();

/// A structurally valid tag, parsed; a RangeError otherwise.
pub fn parse(ctx: &Ctx<'_>, tag: &str) -> Result<Locale> {
    // UTS 35 language identifiers only: no "root", no extlang, no irregular grandfathered tags,
    // and no `_` separators (ICU4X accepts them, BCP 47 does not).
    if tag.contains('_') || tag.eq_ignore_ascii_case("root") || tag.is_empty() {
        return Err(invalid(ctx, tag));
    }
    let locale = Locale::try_from_str(tag).map_err(|_| invalid(ctx, tag))?;
    if has_duplicates(&locale) {
        return Err(invalid(ctx, tag));
    }
    Ok(locale)
}

fn invalid(ctx: &Ctx<'_>, tag: &str) -> rquickjs::Error {
    Exception::throw_range(
        ctx,
        &format!("Incorrect locale information provided: {tag}"),
    )
}

/// Duplicate variants or singletons make a tag invalid in ECMA-402 (ICU4X sorts them).
fn has_duplicates(locale: &Locale) -> bool {
    let variants = &locale.id.variants;
    if variants
        .iter()
        .zip(variants.iter().skip(1))
        .any(|(a, b)| a == b)
    {
        return true;
    }
    let text = locale.to_string();
    let mut singletons = Vec::new();
    let mut in_private = false;
    for part in text.split('-').skip(1) {
        if in_private {
            continue;
        }
        if part.len() == 1 {
            let c = part.as_bytes()[0].to_ascii_lowercase();
            if c == b'x' {
                in_private = true;
            }
            if singletons.contains(&c) {
                return true;
            }
            singletons.push(c);
        }
    }
    false
}

/// The canonical form of a tag (CanonicalizeUnicodeLocaleId).
pub fn canonicalize(ctx: Ctx<'_>, tag: String) -> Result<String> {
    let mut locale = parse(&ctx, &tag)?;
    CANONICALIZER.canonicalize(&mut locale);
    Ok(locale.to_string())
}

/// The tag with its likely subtags added (`Intl.Locale.prototype.maximize`).
pub fn maximize(ctx: Ctx<'_>, tag: String) -> Result<String> {
    let mut locale = parse(&ctx, &tag)?;
    undetermined_is_english(&mut locale);
    EXPANDER.maximize(&mut locale.id);
    if locale.id.language.is_unknown() {
        // A region or script ICU4X has no language for (`und-150`): CLDR's root is English.
        locale.id.language = icu_locale::subtags::language!("en");
        EXPANDER.maximize(&mut locale.id);
    }
    Ok(locale.to_string())
}

/// The tag with the subtags likely subtags would add removed (`minimize`).
pub fn minimize(ctx: Ctx<'_>, tag: String) -> Result<String> {
    let mut locale = parse(&ctx, &tag)?;
    undetermined_is_english(&mut locale);
    if locale.id.language.is_unknown() {
        let mut probe = locale.id.clone();
        EXPANDER.maximize(&mut probe);
        if probe.language.is_unknown() {
            locale.id.language = icu_locale::subtags::language!("en");
        }
    }
    EXPANDER.minimize(&mut locale.id);
    Ok(locale.to_string())
}

/// CLDR's likely subtags give a bare `und` the language English: ICU4X leaves it alone (with
/// a script or region, as `und-Thai`, ICU4X finds the language itself).
fn undetermined_is_english(locale: &mut Locale) {
    if locale.id.language.is_unknown() && locale.id.script.is_none() && locale.id.region.is_none() {
        locale.id.language = icu_locale::subtags::language!("en");
    }
}

/// Whether the compiled data has a locale of its own for `tag` (its language, script or
/// region) rather than only the root's: ECMA-402's "available locales".
pub fn is_supported(tag: String) -> bool {
    let Ok(locale) = Locale::try_from_str(&tag) else {
        return false;
    };
    if locale.id.language.is_unknown() {
        return false;
    }
    // A language CLDR knows (it has likely subtags) is one the data serves, with its own data
    // or its parent's: plural rules alone would miss Chinese or Japanese, whose rules are
    // the root's and stored once.
    let mut id = icu_locale::LanguageIdentifier::from(locale.id.language);
    EXPANDER.maximize(&mut id) == icu_locale::TransformResult::Modified
}

/// The process's default locale: the host's `LC_ALL`, `LC_MESSAGES` or `LANG` (`de_DE.UTF-8`
/// read as `de-DE`) when it names a locale the data covers, else `en-US`.
pub fn default_locale() -> String {
    static DEFAULT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DEFAULT
        .get_or_init(|| {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|k| std::env::var(k).ok())
                .find(|v| !v.is_empty())
                .and_then(|v| from_posix(&v))
                .unwrap_or_else(|| "en-US".to_string())
        })
        .clone()
}

fn from_posix(value: &str) -> Option<String> {
    let bare = value.split(['.', '@']).next()?.replace('_', "-");
    if bare == "C" || bare == "POSIX" {
        return None;
    }
    let mut locale = Locale::try_from_str(&bare).ok()?;
    CANONICALIZER.canonicalize(&mut locale);
    let tag = locale.to_string();
    is_supported(tag.clone()).then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_locales_become_tags() {
        assert_eq!(from_posix("de_DE.UTF-8").as_deref(), Some("de-DE"));
        assert_eq!(from_posix("sv_SE@euro").as_deref(), Some("sv-SE"));
        assert_eq!(from_posix("C.UTF-8"), None);
        assert_eq!(from_posix("POSIX"), None);
    }

    #[test]
    fn supported_locales_are_those_with_data() {
        assert!(is_supported("de".into()));
        assert!(is_supported("en-US".into()));
        assert!(is_supported("sv-SE".into()));
        assert!(is_supported("zh-CN".into()));
        assert!(is_supported("sr-Thai-RS".into()));
        assert!(!is_supported("zxx".into()));
        assert!(!is_supported("und".into()));
    }
}
