//! `Intl.NumberFormat`'s digits: a decimal string (already rounded by the JS half) shown with
//! the locale's digits, separators and grouping, or in compact notation, as ECMA-402 parts.

use fixed_decimal::{Decimal, Sign};
use icu_decimal::options::{
    CompactDecimalFormatterOptions, DecimalFormatterOptions, GroupingStrategy,
};
use icu_decimal::{CompactDecimalFormatter, DecimalFormatter, DecimalFormatterPreferences};
use icu_locale::Locale;
use rquickjs::{Array, Ctx, Exception, Result};
use writeable::Writeable;

use super::parts::PartsSink;

fn grouping(name: &str) -> GroupingStrategy {
    match name {
        "always" => GroupingStrategy::Always,
        "min2" => GroupingStrategy::Min2,
        "false" => GroupingStrategy::Never,
        _ => GroupingStrategy::Auto,
    }
}

/// `digits` ("-1234.50", "+3", "0012") in `locale` (its `-u-nu-` numbering system applies),
/// as parts; `compact` is "", "short" or "long".
pub fn format<'js>(
    ctx: Ctx<'js>,
    locale: String,
    digits: String,
    use_grouping: String,
    min_integer: i32,
    compact: String,
) -> Result<Array<'js>> {
    let bad = |what: &str| Exception::throw_range(&ctx, &format!("Intl.NumberFormat: {what}"));
    let locale = Locale::try_from_str(&locale).map_err(|_| bad("bad locale"))?;
    let prefs = DecimalFormatterPreferences::from(&locale);
    let (sign, unsigned) = match digits.as_bytes().first() {
        Some(b'-') => (Sign::Negative, &digits[1..]),
        Some(b'+') => (Sign::Positive, &digits[1..]),
        _ => (Sign::None, digits.as_str()),
    };
    let mut value = Decimal::try_from_str(unsigned).map_err(|_| bad("bad number"))?;
    value.sign = sign;
    value.absolute.pad_start(min_integer.clamp(1, 21) as i16);
    let mut sink = PartsSink::default();
    let written = if compact.is_empty() {
        let mut options = DecimalFormatterOptions::default();
        options.grouping_strategy = Some(grouping(&use_grouping));
        let formatter =
            DecimalFormatter::try_new(prefs, options).map_err(|e| bad(&e.to_string()))?;
        let written = formatter.format(&value).write_to_parts(&mut sink);
        written
    } else {
        let mut options = CompactDecimalFormatterOptions::default();
        options.grouping_strategy = Some(grouping(&use_grouping));
        let made = if compact == "long" {
            CompactDecimalFormatter::try_new_long((&locale).into(), options)
        } else {
            CompactDecimalFormatter::try_new_short((&locale).into(), options)
        };
        let formatter = made.map_err(|e| bad(&e.to_string()))?;
        let written = formatter.format(&value).write_to_parts(&mut sink);
        written
    };
    written.map_err(|_| bad("formatting failed"))?;
    sink.into_array(&ctx)
}
