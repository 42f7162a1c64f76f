//! `Temporal.PlainYearMonth` and `Temporal.PlainMonthDay`'s native values: a month of a
//! calendar year, and a day of a calendar month (each with its ISO reference date).

use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, JsLifetime, Object, Result};
use temporal_rs::fields::YearMonthCalendarFields;
use temporal_rs::options::{DisplayCalendar, Overflow};
use temporal_rs::partial::{PartialDate, PartialYearMonth};
use temporal_rs::{PlainMonthDay, PlainYearMonth};

use super::date::{calendar, calendar_fields, narrow, TDate};
use super::duration::TDuration;
use super::{options, OrThrow};

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "PlainYearMonth")]
pub struct TYearMonth {
    #[qjs(skip_trace)]
    pub(crate) inner: PlainYearMonth,
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "PlainMonthDay")]
pub struct TMonthDay {
    #[qjs(skip_trace)]
    pub(crate) inner: PlainMonthDay,
}

/// The ISO date at the start of an IXDTF string written with its calendar
/// (`1972-07-14[u-ca=hebrew]`, `+275760-09-13[u-ca=iso8601]`).
fn iso_of(text: &str) -> Vec<f64> {
    let date = text.split('[').next().unwrap_or("");
    let (sign, digits) = match date.as_bytes().first() {
        Some(b'-') => (-1.0, &date[1..]),
        Some(b'+') => (1.0, &date[1..]),
        _ => (1.0, date),
    };
    let mut parts = digits.split('-').map(|p| p.parse::<f64>().unwrap_or(0.0));
    let year = parts.next().unwrap_or(0.0) * sign;
    let month = parts.next().unwrap_or(1.0);
    let day = parts.next().unwrap_or(1.0);
    vec![year + 0.0, month, day]
}

fn year_month_fields(
    ctx: &Ctx<'_>,
    fields: &Object<'_>,
    reject: bool,
) -> Result<YearMonthCalendarFields> {
    let all = calendar_fields(ctx, fields, reject)?;
    let mut out = YearMonthCalendarFields::new();
    out.year = all.year;
    out.month = all.month;
    out.month_code = all.month_code;
    out.era = all.era;
    out.era_year = all.era_year;
    Ok(out)
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TYearMonth {
    /// From the ISO year and month (checked), with the ISO reference day, in a calendar.
    #[qjs(constructor)]
    pub fn new(
        ctx: Ctx<'_>,
        year: f64,
        month: f64,
        calendar_id: String,
        reference_day: f64,
    ) -> Result<Self> {
        let cal = calendar(&ctx, &calendar_id)?;
        let inner = PlainYearMonth::try_new(
            narrow(&ctx, year)?,
            narrow(&ctx, month)?,
            Some(narrow(&ctx, reference_day)?),
            cal,
        )
        .or_throw(&ctx)?;
        Ok(TYearMonth { inner })
    }

    #[qjs(static)]
    pub fn from_fields(
        ctx: Ctx<'_>,
        calendar_id: String,
        fields: Object<'_>,
        overflow: Option<String>,
        base: Option<Class<'_, TYearMonth>>,
    ) -> Result<Self> {
        let overflow = options::overflow(&ctx, overflow)?;
        let reject = overflow == Some(Overflow::Reject);
        let calendar_fields = year_month_fields(&ctx, &fields, reject)?;
        let inner = match base {
            Some(base) => base.borrow().inner.with(calendar_fields, overflow),
            None => PlainYearMonth::from_partial(
                PartialYearMonth {
                    calendar_fields,
                    calendar: calendar(&ctx, &calendar_id)?,
                },
                overflow,
            ),
        }
        .or_throw(&ctx)?;
        Ok(TYearMonth { inner })
    }

    #[qjs(static)]
    pub fn parse(ctx: Ctx<'_>, text: String) -> Result<Self> {
        Ok(TYearMonth {
            inner: PlainYearMonth::from_utf8(text.as_bytes()).or_throw(&ctx)?,
        })
    }

    pub fn info<'js>(&self, ctx: Ctx<'js>) -> Result<Object<'js>> {
        let d = &self.inner;
        let out = Object::new(ctx)?;
        out.set("calendarId", d.calendar_id())?;
        out.set("era", d.era().map(|e| e.to_string()))?;
        out.set("eraYear", d.era_year())?;
        out.set("year", d.year())?;
        out.set("month", d.month())?;
        out.set("monthCode", d.month_code().as_str())?;
        out.set("daysInMonth", d.days_in_month())?;
        out.set("daysInYear", d.days_in_year())?;
        out.set("monthsInYear", d.months_in_year())?;
        out.set("inLeapYear", d.in_leap_year())?;
        Ok(out)
    }

    /// The ISO reference date: year, month, day.
    pub fn iso(&self) -> Vec<f64> {
        iso_of(&self.inner.to_ixdtf_string(DisplayCalendar::Always))
    }

    pub fn add(
        &self,
        ctx: Ctx<'_>,
        duration: Class<'_, TDuration>,
        overflow: Option<String>,
    ) -> Result<Self> {
        let overflow = options::overflow(&ctx, overflow)?.unwrap_or_default();
        let inner = self
            .inner
            .add(&duration.borrow().inner, overflow)
            .or_throw(&ctx)?;
        Ok(TYearMonth { inner })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn difference(
        &self,
        ctx: Ctx<'_>,
        other: Class<'_, TYearMonth>,
        since: bool,
        largest: Option<String>,
        smallest: Option<String>,
        mode: Option<String>,
        increment: Option<f64>,
    ) -> Result<TDuration> {
        difference_body!(ctx, self, other, since, largest, smallest, mode, increment)
    }

    #[qjs(static)]
    pub fn compare(one: Class<'_, TYearMonth>, two: Class<'_, TYearMonth>) -> i32 {
        one.borrow().inner.compare_iso(&two.borrow().inner) as i32
    }

    /// The date of `day` (calendar fields with a day) in this month.
    pub fn to_date(&self, ctx: Ctx<'_>, fields: Object<'_>) -> Result<TDate> {
        let fields = calendar_fields(&ctx, &fields, false)?;
        let inner = self.inner.to_plain_date(Some(fields)).or_throw(&ctx)?;
        Ok(TDate { inner })
    }

    pub fn text(&self, ctx: Ctx<'_>, calendar_name: Option<String>) -> Result<String> {
        let display = options::display_calendar(&ctx, calendar_name)?;
        Ok(self.inner.to_ixdtf_string(display))
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TMonthDay {
    /// From the ISO month and day (checked), with the ISO reference year, in a calendar.
    #[qjs(constructor)]
    pub fn new(
        ctx: Ctx<'_>,
        month: f64,
        day: f64,
        calendar_id: String,
        reference_year: f64,
    ) -> Result<Self> {
        let cal = calendar(&ctx, &calendar_id)?;
        let inner = PlainMonthDay::new_with_overflow(
            narrow(&ctx, month)?,
            narrow(&ctx, day)?,
            cal,
            Overflow::Reject,
            Some(narrow(&ctx, reference_year)?),
        )
        .or_throw(&ctx)?;
        Ok(TMonthDay { inner })
    }

    #[qjs(static)]
    pub fn from_fields(
        ctx: Ctx<'_>,
        calendar_id: String,
        fields: Object<'_>,
        overflow: Option<String>,
        base: Option<Class<'_, TMonthDay>>,
    ) -> Result<Self> {
        let overflow = options::overflow(&ctx, overflow)?;
        let reject = overflow == Some(Overflow::Reject);
        let calendar_fields = calendar_fields(&ctx, &fields, reject)?;
        let inner = match base {
            Some(base) => base.borrow().inner.with(calendar_fields, overflow),
            None => PlainMonthDay::from_partial(
                PartialDate {
                    calendar_fields,
                    calendar: calendar(&ctx, &calendar_id)?,
                },
                overflow,
            ),
        }
        .or_throw(&ctx)?;
        Ok(TMonthDay { inner })
    }

    #[qjs(static)]
    pub fn parse(ctx: Ctx<'_>, text: String) -> Result<Self> {
        Ok(TMonthDay {
            inner: PlainMonthDay::from_utf8(text.as_bytes()).or_throw(&ctx)?,
        })
    }

    pub fn info<'js>(&self, ctx: Ctx<'js>) -> Result<Object<'js>> {
        let d = &self.inner;
        let out = Object::new(ctx)?;
        out.set("calendarId", d.calendar_id())?;
        out.set("monthCode", d.month_code().as_str())?;
        out.set("day", d.day())?;
        Ok(out)
    }

    /// The ISO reference date: year, month, day.
    pub fn iso(&self) -> Vec<f64> {
        iso_of(&self.inner.to_ixdtf_string(DisplayCalendar::Always))
    }

    /// The date of this month and day in `fields`' year.
    pub fn to_date(&self, ctx: Ctx<'_>, fields: Object<'_>) -> Result<TDate> {
        let fields = calendar_fields(&ctx, &fields, false)?;
        let inner = self.inner.to_plain_date(Some(fields)).or_throw(&ctx)?;
        Ok(TDate { inner })
    }

    pub fn text(&self, ctx: Ctx<'_>, calendar_name: Option<String>) -> Result<String> {
        let display = options::display_calendar(&ctx, calendar_name)?;
        Ok(self.inner.to_ixdtf_string(display))
    }
}
