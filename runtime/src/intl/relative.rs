//! `Intl.RelativeTimeFormat`'s data: CLDR's relative-time patterns ("in {0} days", "{0} days
//! ago", plural by plural) and its named offsets ("yesterday", "tomorrow") for one locale, unit
//! and width. The JS half formats the number and picks the plural category, as ECMA-402 says.

use fixed_decimal::Decimal;
use icu_experimental::provider::Baked;
use icu_experimental::relativetime::provider::*;
use icu_locale::Locale;
use icu_plurals::{PluralOperands, PluralRules};
use icu_provider::marker::ErasedMarker;
use icu_provider::prelude::*;
use rquickjs::{Ctx, Exception, Object, Result};

/// The named offsets of a unit: `{ "-1": "yesterday", "0": "today", "1": "tomorrow" }`.
pub fn names<'js>(
    ctx: Ctx<'js>,
    locale: String,
    unit: String,
    style: String,
) -> Result<Object<'js>> {
    let (_, payload) = data(&ctx, &locale, &unit, &style)?;
    let data = payload.get();
    let out = Object::new(ctx.clone())?;
    for offset in -3i8..=3 {
        if let Some(text) = data.get_relative(offset) {
            out.set(offset.to_string(), text)?;
        }
    }
    Ok(out)
}

/// The pattern for a (non-negative, formatted) number of a unit in the past or future, with
/// `{0}` where the number goes; `number` is its digits (as `1.5` or `1000`), for the plural.
pub fn pattern(
    ctx: Ctx<'_>,
    locale: String,
    unit: String,
    style: String,
    past: bool,
    number: String,
) -> Result<String> {
    let (locale, payload) = data(&ctx, &locale, &unit, &style)?;
    let data = payload.get();
    let decimal = Decimal::try_from_str(&number)
        .map_err(|_| Exception::throw_range(&ctx, "Intl.RelativeTimeFormat: bad number"))?;
    let operands = PluralOperands::from(&decimal);
    let rules = PluralRules::try_new_cardinal((&locale).into())
        .map_err(|e| Exception::throw_range(&ctx, &e.to_string()))?;
    let elements = if past { &data.past } else { &data.future };
    Ok(elements
        .elements
        .get(operands, &rules)
        .1
        .interpolate_to_string(("{0}",)))
}

fn data(ctx: &Ctx<'_>, locale: &str, unit: &str, style: &str) -> Result<(Locale, Payload)> {
    let bad = |what: &str| Exception::throw_range(ctx, &format!("Intl.RelativeTimeFormat: {what}"));
    let locale = Locale::try_from_str(locale).map_err(|_| bad("bad locale"))?;
    let data_locale = (&locale).into();
    let id = DataIdentifierBorrowed::for_locale(&data_locale);
    match load(unit, style, id) {
        Some(Ok(payload)) => Ok((locale, payload)),
        Some(Err(e)) => Err(bad(&e.to_string())),
        None => Err(bad(&format!("unknown unit {unit}"))),
    }
}

type Payload = DataPayload<ErasedMarker<RelativeTimePatternData<'static>>>;

/// The compiled data for a unit and width, with the baked provider's locale fallback.
fn load(
    unit: &str,
    style: &str,
    id: DataIdentifierBorrowed<'_>,
) -> Option<std::result::Result<Payload, DataError>> {
    fn get<M>(id: DataIdentifierBorrowed<'_>) -> std::result::Result<Payload, DataError>
    where
        M: DataMarker<DataStruct = RelativeTimePatternData<'static>>,
        Baked: DataProvider<M>,
    {
        let response: DataResponse<M> = Baked.load(DataRequest {
            id,
            ..Default::default()
        })?;
        Ok(response.payload.cast())
    }
    macro_rules! pick {
        ($long:ty, $short:ty, $narrow:ty) => {
            match style {
                "short" => get::<$short>(id),
                "narrow" => get::<$narrow>(id),
                _ => get::<$long>(id),
            }
        };
    }
    Some(match unit {
        "second" => pick!(
            DatetimeRelativeSecondLongV1,
            DatetimeRelativeSecondShortV1,
            DatetimeRelativeSecondNarrowV1
        ),
        "minute" => pick!(
            DatetimeRelativeMinuteLongV1,
            DatetimeRelativeMinuteShortV1,
            DatetimeRelativeMinuteNarrowV1
        ),
        "hour" => pick!(
            DatetimeRelativeHourLongV1,
            DatetimeRelativeHourShortV1,
            DatetimeRelativeHourNarrowV1
        ),
        "day" => pick!(
            DatetimeRelativeDayLongV1,
            DatetimeRelativeDayShortV1,
            DatetimeRelativeDayNarrowV1
        ),
        "week" => pick!(
            DatetimeRelativeWeekLongV1,
            DatetimeRelativeWeekShortV1,
            DatetimeRelativeWeekNarrowV1
        ),
        "month" => pick!(
            DatetimeRelativeMonthLongV1,
            DatetimeRelativeMonthShortV1,
            DatetimeRelativeMonthNarrowV1
        ),
        "quarter" => pick!(
            DatetimeRelativeQuarterLongV1,
            DatetimeRelativeQuarterShortV1,
            DatetimeRelativeQuarterNarrowV1
        ),
        "year" => pick!(
            DatetimeRelativeYearLongV1,
            DatetimeRelativeYearShortV1,
            DatetimeRelativeYearNarrowV1
        ),
        _ => return None,
    })
}
