//! Language-sensitive case mapping (`toLocaleUpperCase`/`toLocaleLowerCase`), for the
//! languages whose rules differ from the root's: Turkish, Azeri and Lithuanian.

use icu_casemap::CaseMapper;
use icu_locale::LanguageIdentifier;
use rquickjs::{Ctx, Result};

/// `text` upper- or lowercased by the rules of `language`.
pub fn change_case<'js>(
    ctx: Ctx<'js>,
    text: rquickjs::String<'js>,
    language: String,
    upper: bool,
) -> Result<String> {
    let text = crate::web::util::usv_string(&ctx, text)?;
    let id: LanguageIdentifier = language.parse().unwrap_or(LanguageIdentifier::UNKNOWN);
    let mapper = CaseMapper::new();
    Ok(if upper {
        mapper.uppercase_to_string(&text, &id).into_owned()
    } else {
        mapper.lowercase_to_string(&text, &id).into_owned()
    })
}

/// Whether a locale's script is written right to left (`getTextInfo().direction`).
pub fn is_right_to_left(tag: String) -> bool {
    let Ok(locale) = icu_locale::Locale::try_from_str(&tag) else {
        return false;
    };
    icu_locale::LocaleDirectionality::new_extended().is_right_to_left(&locale.id)
}
