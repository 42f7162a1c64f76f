//! `Intl.ListFormat`: "a, b, and c" by CLDR's list patterns, as parts.

use icu_list::options::{ListFormatterOptions, ListLength};
use icu_list::{ListFormatter, ListFormatterPreferences};
use icu_locale::Locale;
use rquickjs::{Array, Ctx, Exception, Result};
use writeable::Writeable;

use super::parts::PartsSink;

/// The most text one list may hold (its parts cost the host about twice that).
const MAX_INPUT: usize = 16 << 20;

/// `items` joined for `locale`; `kind` is conjunction, disjunction or unit, `style` long,
/// short or narrow.
pub fn format<'js>(
    ctx: Ctx<'js>,
    locale: String,
    kind: String,
    style: String,
    items: Vec<rquickjs::String<'js>>,
) -> Result<Array<'js>> {
    let bad = |what: &str| Exception::throw_range(&ctx, &format!("Intl.ListFormat: {what}"));
    let mut texts = Vec::with_capacity(items.len());
    let mut total = 0usize;
    for item in items {
        let text = crate::web::util::usv_string(&ctx, item)?;
        total += text.len();
        if total > MAX_INPUT {
            return Err(bad("the list is too long to format"));
        }
        texts.push(text);
    }
    let locale = Locale::try_from_str(&locale).map_err(|_| bad("bad locale"))?;
    let prefs = ListFormatterPreferences::from(&locale);
    let length = match style.as_str() {
        "short" => ListLength::Short,
        "narrow" => ListLength::Narrow,
        _ => ListLength::Wide,
    };
    let options = ListFormatterOptions::default().with_length(length);
    let formatter = match kind.as_str() {
        "disjunction" => ListFormatter::try_new_or(prefs, options),
        "unit" => ListFormatter::try_new_unit(prefs, options),
        _ => ListFormatter::try_new_and(prefs, options),
    }
    .map_err(|e| bad(&e.to_string()))?;
    let mut sink = PartsSink::default();
    formatter
        .format(texts.iter().map(String::as_str))
        .write_to_parts(&mut sink)
        .map_err(|_| bad("formatting failed"))?;
    sink.into_array(&ctx)
}
