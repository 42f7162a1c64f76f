//! `Intl.DisplayNames`' data: the localized names of languages (as whole locales), regions,
//! scripts and currencies from CLDR. The JS half validates and canonicalizes the code and owns
//! the `fallback` option; here a missing name is `undefined`.

use icu_experimental::dimension::provider::currency::displayname::CurrencyDisplaynameV1;
use icu_experimental::displaynames::multi::{
    LanguageDisplayNames, LocaleDisplayNamesFormatter, RegionDisplayNames, ScriptDisplayNames,
};
use icu_experimental::displaynames::{DisplayNamesOptions, LanguageDisplay, Style};
use icu_experimental::provider::Baked;
use icu_locale::subtags::{Region, Script};
use icu_locale::Locale;
use icu_provider::prelude::*;
use rquickjs::{Ctx, Exception, Result};

/// The name of `code` (already canonical) of the given kind for `locale`, if CLDR has one.
/// `style` is long, short or narrow; `dialect` picks "British English" over "English (United
/// Kingdom)".
pub fn name(
    ctx: Ctx<'_>,
    locale: String,
    kind: String,
    code: String,
    style: String,
    dialect: bool,
) -> Result<Option<String>> {
    let bad = |what: &str| Exception::throw_range(&ctx, &format!("Intl.DisplayNames: {what}"));
    let locale = Locale::try_from_str(&locale).map_err(|_| bad("bad locale"))?;
    let mut options = DisplayNamesOptions::default();
    options.style = Some(match style.as_str() {
        "short" => Style::Short,
        "narrow" => Style::Narrow,
        _ => Style::Long,
    });
    options.language_display = if dialect {
        LanguageDisplay::Dialect
    } else {
        LanguageDisplay::Standard
    };
    let prefs = (&locale).into();
    let failed = |e: DataError| bad(&e.to_string());
    Ok(match kind.as_str() {
        "language" => {
            let Ok(asked) = Locale::try_from_str(&code) else {
                return Ok(None);
            };
            // Only a known language gets a name; the qualifiers (script, region) fall back to
            // their codes inside it, as CLDR's pattern does.
            let languages = LanguageDisplayNames::try_new(prefs, options).map_err(failed)?;
            if languages.of(asked.id.language).is_none() {
                return Ok(None);
            }
            let names = LocaleDisplayNamesFormatter::try_new(prefs, options).map_err(failed)?;
            Some(names.of(&asked).into_owned())
        }
        "region" => {
            let Ok(region) = Region::try_from_str(&code) else {
                return Ok(None);
            };
            let names = RegionDisplayNames::try_new(prefs, options).map_err(failed)?;
            names.of(region).map(str::to_owned)
        }
        "script" => {
            let Ok(script) = Script::try_from_str(&code) else {
                return Ok(None);
            };
            let names = ScriptDisplayNames::try_new(prefs, options).map_err(failed)?;
            names.of(script).map(str::to_owned)
        }
        "currency" => {
            let Ok(attributes) = DataMarkerAttributes::try_from_str(&code) else {
                return Ok(None);
            };
            let response: Option<DataResponse<CurrencyDisplaynameV1>> = Baked
                .load(DataRequest {
                    id: DataIdentifierBorrowed::for_marker_attributes_and_locale(
                        attributes,
                        &(&locale).into(),
                    ),
                    ..Default::default()
                })
                .allow_identifier_not_found()
                .map_err(failed)?;
            response.map(|r| (**r.payload.get()).to_owned())
        }
        _ => None,
    })
}
