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

enum Formatter {
    Decimal(DecimalFormatter),
    Compact(CompactDecimalFormatter),
}

/// The formatter of one `Intl.NumberFormat`: made once (loading its locale's data), then used
/// for every number.
#[derive(rquickjs::class::Trace, rquickjs::JsLifetime)]
#[rquickjs::class(rename = "NumberPattern")]
pub struct NumberPattern {
    #[qjs(skip_trace)]
    inner: Formatter,
}

#[rquickjs::methods]
impl NumberPattern {
    /// `locale` carries the numbering system as `-u-nu-`; `use_grouping` is auto, always,
    /// min2 or false; `compact` is "", "short" or "long".
    #[qjs(constructor)]
    pub fn new(
        ctx: Ctx<'_>,
        locale: String,
        use_grouping: String,
        compact: String,
    ) -> Result<Self> {
        let bad = |what: &str| Exception::throw_range(&ctx, &format!("Intl.NumberFormat: {what}"));
        let locale = Locale::try_from_str(&locale).map_err(|_| bad("bad locale"))?;
        let inner = if compact.is_empty() {
            let mut options = DecimalFormatterOptions::default();
            options.grouping_strategy = Some(grouping(&use_grouping));
            let prefs = DecimalFormatterPreferences::from(&locale);
            Formatter::Decimal(
                DecimalFormatter::try_new(prefs, options).map_err(|e| bad(&e.to_string()))?,
            )
        } else {
            let mut options = CompactDecimalFormatterOptions::default();
            options.grouping_strategy = Some(grouping(&use_grouping));
            let made = if compact == "long" {
                CompactDecimalFormatter::try_new_long((&locale).into(), options)
            } else {
                CompactDecimalFormatter::try_new_short((&locale).into(), options)
            };
            Formatter::Compact(made.map_err(|e| bad(&e.to_string()))?)
        };
        Ok(NumberPattern { inner })
    }

    /// `digits` ("-1234.50", "+3") with at least `min_integer` integer digits, as parts.
    pub fn format<'js>(
        &self,
        ctx: Ctx<'js>,
        digits: String,
        min_integer: i32,
    ) -> Result<Array<'js>> {
        let bad = |what: &str| Exception::throw_range(&ctx, &format!("Intl.NumberFormat: {what}"));
        let (sign, unsigned) = match digits.as_bytes().first() {
            Some(b'-') => (Sign::Negative, &digits[1..]),
            Some(b'+') => (Sign::Positive, &digits[1..]),
            _ => (Sign::None, digits.as_str()),
        };
        let mut value = Decimal::try_from_str(unsigned).map_err(|_| bad("bad number"))?;
        value.sign = sign;
        value.absolute.pad_start(min_integer.clamp(1, 21) as i16);
        let mut sink = PartsSink::default();
        let written = match &self.inner {
            Formatter::Decimal(f) => f.format(&value).write_to_parts(&mut sink),
            Formatter::Compact(f) => f.format(&value).write_to_parts(&mut sink),
        };
        written.map_err(|_| bad("formatting failed"))?;
        sink.into_array(&ctx)
    }
}
