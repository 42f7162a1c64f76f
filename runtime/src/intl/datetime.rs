//! `Intl.DateTimeFormat`'s native half: time zones (the IANA database bundled with `jiff`, so
//! every isolate sees the same rules whatever the host has installed) and the formatter (an
//! ICU4X field set made from the options' skeleton, fed the fields the JS half computed).

use icu_calendar::Date;
use icu_datetime::fieldbag::DateTimeFieldBag;
use icu_datetime::fieldsets::enums::CompositeFieldSet;
use icu_datetime::unchecked::DateTimeInputUnchecked;
use icu_datetime::{DateTimeFormatter, DateTimeFormatterPreferences};
use icu_locale::Locale;
use icu_time::zone::{IanaParser, UtcOffset, ZoneNameTimestamp};
use icu_time::Time;
use rquickjs::class::Trace;
use rquickjs::{Array, Ctx, Exception, JsLifetime, Result};
use writeable::TryWriteable;

use super::parts::PartsSink;

/// A time zone identifier in the database's spelling (`etc/gmt` is `Etc/GMT`; links stay the
/// names they are, as ECMA-402 now says); `None` if the database has no such zone.
pub fn canonical_zone(name: String) -> Option<String> {
    if name.eq_ignore_ascii_case("utc") {
        return Some("UTC".to_string());
    }
    let zone = jiff::tz::db().get(&name).ok()?;
    zone.iana_name().map(str::to_string)
}

/// The process's default time zone, the one `Date`'s local time uses (the C library's): `TZ`,
/// else the zone `/etc/localtime` links to, else UTC.
pub fn default_time_zone() -> String {
    let from_env = std::env::var("TZ")
        .ok()
        .map(|tz| tz.trim_start_matches(':').to_string());
    let from_link = || {
        let target = std::fs::read_link("/etc/localtime").ok()?;
        let text = target.to_str()?;
        let at = text.find("zoneinfo/")?;
        Some(text[at + "zoneinfo/".len()..].to_string())
    };
    let zone = from_env
        .or_else(from_link)
        .and_then(canonical_zone)
        .unwrap_or_else(|| "UTC".to_string());
    // The host's UTC, whatever the link is called (`Etc/UTC`, `Zulu`), is "UTC", as in V8.
    const UTC_NAMES: &[&str] = &[
        "Etc/UTC",
        "Etc/GMT",
        "GMT",
        "Etc/Universal",
        "Universal",
        "Etc/Zulu",
        "Zulu",
        "UCT",
        "Etc/UCT",
        "Etc/GMT0",
        "GMT0",
        "Etc/GMT+0",
        "Etc/GMT-0",
        "GMT+0",
        "GMT-0",
        "Etc/Greenwich",
        "Greenwich",
    ];
    if UTC_NAMES.iter().any(|n| n.eq_ignore_ascii_case(&zone)) {
        return "UTC".to_string();
    }
    zone
}

/// The zone's offset from UTC, in seconds, at `epoch_ms`.
pub fn zone_offset(ctx: Ctx<'_>, name: String, epoch_ms: f64) -> Result<i32> {
    let zone = jiff::tz::db()
        .get(&name)
        .map_err(|_| Exception::throw_range(&ctx, &format!("Invalid time zone: {name}")))?;
    let instant = jiff::Timestamp::from_millisecond(epoch_ms as i64)
        .map_err(|_| Exception::throw_range(&ctx, "Invalid time value"))?;
    Ok(zone.to_offset(instant).seconds())
}

/// Every zone in the database, for `Intl.supportedValuesOf("timeZone")`.
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    names.sort();
    names
}

/// A formatter for one `Intl.DateTimeFormat`: made once, used for every `format` call.
#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "DateTimePattern")]
pub struct DateTimePattern {
    #[qjs(skip_trace)]
    inner: DateTimeFormatter<CompositeFieldSet>,
}

#[rquickjs::methods]
impl DateTimePattern {
    /// `locale` carries the calendar, hour cycle and numbering system as `-u-` keywords;
    /// `skeleton` names the fields (UTS 35: `yMMMdjms`...).
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'_>, locale: String, skeleton: String) -> Result<Self> {
        let locale = Locale::try_from_str(&locale).map_err(|_| {
            Exception::throw_range(&ctx, &format!("Intl.DateTimeFormat: bad locale {locale}"))
        })?;
        let prefs = DateTimeFormatterPreferences::from(&locale);
        let bag = DateTimeFieldBag::from_skeleton(&skeleton);
        let inner = DateTimeFormatter::try_new(prefs, bag.to_composite_field_set())
            .map_err(|e| Exception::throw_range(&ctx, &format!("Intl.DateTimeFormat: {e}")))?;
        Ok(DateTimePattern { inner })
    }

    /// The parts for an ISO date and time (already in the wanted zone) and its UTC offset.
    #[allow(clippy::too_many_arguments)]
    pub fn format<'js>(
        &self,
        ctx: Ctx<'js>,
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        millisecond: u32,
        offset_seconds: i32,
        zone: String,
        epoch_ms: f64,
    ) -> Result<Array<'js>> {
        let bad =
            |what: &str| Exception::throw_range(&ctx, &format!("Intl.DateTimeFormat: {what}"));
        if millisecond > 999 || offset_seconds.abs() > 18 * 3600 {
            return Err(bad("time out of range"));
        }
        let iso = match Date::try_new_iso(year, month, day) {
            Ok(iso) => iso,
            // Beyond ICU4X's ±9999 constructor range (Temporal and Date reach ±275760): by
            // day number, which it takes much further.
            Err(_) if (1..=12).contains(&month) && (1..=31).contains(&day) => {
                let rd =
                    icu_calendar::types::RataDie::new(days_from_civil(year, month, day) + 719_163);
                Date::from_rata_die(rd, icu_calendar::Iso)
            }
            Err(_) => return Err(bad("date out of range")),
        };
        let date = iso.to_calendar(self.inner.calendar());
        let time = Time::try_new(hour, minute, second, millisecond * 1_000_000)
            .map_err(|_| bad("time out of range"))?;
        let mut input = DateTimeInputUnchecked::default();
        input.set_date_fields_unchecked(date);
        input.set_time_fields(time);
        input.set_time_zone_utc_offset(UtcOffset::from_seconds_unchecked(offset_seconds));
        if !zone.is_empty() {
            // A named zone: its names ("EST", "Eastern Standard Time") and generic forms.
            input.set_time_zone_id(IanaParser::new().parse(&zone));
            input.set_time_zone_name_timestamp(ZoneNameTimestamp::from_epoch_seconds(
                (epoch_ms / 1000.0).floor() as i64,
            ));
        }
        let mut sink = PartsSink::default();
        let formatted = self.inner.format_unchecked(input);
        match formatted.try_write_to_parts(&mut sink) {
            Ok(_) => sink.into_array(&ctx),
            Err(_) => Err(bad("formatting failed")),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
