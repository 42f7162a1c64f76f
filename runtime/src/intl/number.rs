//! `Intl.NumberFormat`'s digits: a decimal string (already rounded by the JS half) shown with
//! the locale's digits, separators and grouping, or in compact notation, as ECMA-402 parts.

use std::fmt;

use fixed_decimal::{Decimal, Sign};
use icu_decimal::options::{
    CompactDecimalFormatterOptions, DecimalFormatterOptions, GroupingStrategy,
};
use icu_decimal::{CompactDecimalFormatter, DecimalFormatter, DecimalFormatterPreferences};
use icu_locale::Locale;
use rquickjs::{Array, Ctx, Exception, Result};
use writeable::{Part, PartsWrite, Writeable};

/// Collects what a formatter writes, with the innermost part each byte belongs to.
#[derive(Default)]
struct PartsSink {
    text: String,
    /// (start, end, part name), innermost first.
    spans: Vec<(usize, usize, &'static str)>,
}

impl fmt::Write for PartsSink {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

impl PartsWrite for PartsSink {
    type SubPartsWrite = Self;

    fn with_part(
        &mut self,
        part: Part,
        mut f: impl FnMut(&mut Self::SubPartsWrite) -> fmt::Result,
    ) -> fmt::Result {
        let start = self.text.len();
        f(self)?;
        self.spans.push((start, self.text.len(), part.value));
        Ok(())
    }
}

impl PartsSink {
    /// `[type, text]` pairs in order; text outside every part is a "literal".
    fn into_parts(self) -> Vec<(&'static str, String)> {
        let mut label: Vec<Option<&'static str>> = vec![None; self.text.len()];
        for (start, end, name) in &self.spans {
            for slot in &mut label[*start..*end] {
                slot.get_or_insert(name);
            }
        }
        let mut out: Vec<(&'static str, String)> = Vec::new();
        for (i, c) in self.text.char_indices() {
            let name = label[i].unwrap_or("literal");
            match out.last_mut() {
                Some((last, text)) if *last == name && name != "group" => text.push(c),
                _ => out.push((name, c.to_string())),
            }
        }
        out
    }
}

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
    let out = Array::new(ctx.clone())?;
    for (i, (name, text)) in sink.into_parts().into_iter().enumerate() {
        let pair = Array::new(ctx.clone())?;
        pair.set(0, name)?;
        pair.set(1, text)?;
        out.set(i, pair)?;
    }
    Ok(out)
}
