//! `Intl.PluralRules`: the CLDR plural category of a formatted number.

use fixed_decimal::Decimal;
use icu_locale::Locale;
use icu_plurals::{PluralCategory, PluralOperands, PluralRules, PluralRulesPreferences};
use rquickjs::{Ctx, Exception, Result};

fn rules(ctx: &Ctx<'_>, locale: &str, ordinal: bool) -> Result<PluralRules> {
    let locale: Locale = super::locale::parse(ctx, locale)?;
    let prefs = PluralRulesPreferences::from(&locale);
    let made = if ordinal {
        PluralRules::try_new_ordinal(prefs)
    } else {
        PluralRules::try_new_cardinal(prefs)
    };
    made.map_err(|e| Exception::throw_range(ctx, &format!("Intl.PluralRules: {e}")))
}

fn name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// The category of `number`, given as the decimal string the number format would show
/// (so that "1.0" and "1" can differ, as CLDR's rules say).
pub fn select(ctx: Ctx<'_>, locale: String, ordinal: bool, number: String) -> Result<&'static str> {
    let rules = rules(&ctx, &locale, ordinal)?;
    let decimal = Decimal::try_from_str(number.trim_start_matches('-')).map_err(|_| {
        Exception::throw_range(&ctx, &format!("Intl.PluralRules: bad number {number}"))
    })?;
    let operands = PluralOperands::from(&decimal);
    Ok(name(rules.category_for(operands)))
}

/// The categories the locale's rules use, in CLDR's order.
pub fn categories(ctx: Ctx<'_>, locale: String, ordinal: bool) -> Result<Vec<&'static str>> {
    let rules = rules(&ctx, &locale, ordinal)?;
    let used: Vec<PluralCategory> = rules.categories().collect();
    Ok([
        PluralCategory::Zero,
        PluralCategory::One,
        PluralCategory::Two,
        PluralCategory::Few,
        PluralCategory::Many,
        PluralCategory::Other,
    ]
    .into_iter()
    .filter(|c| used.contains(c))
    .map(name)
    .collect())
}
