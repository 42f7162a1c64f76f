//! `Temporal.PlainDate`'s native value: a calendar date (an ISO date and a calendar).

use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Result};
use temporal_rs::fields::CalendarFields;
use temporal_rs::options::Overflow;
use temporal_rs::partial::PartialDate;
use temporal_rs::{Calendar, MonthCode, PlainDate, TinyAsciiStr};

use super::date_time::TDateTime;
use super::duration::TDuration;
use super::time::TTime;
use super::{options, OrThrow};

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "PlainDate")]
pub struct TDate {
    #[qjs(skip_trace)]
    pub(crate) inner: PlainDate,
}

pub(crate) fn calendar(ctx: &Ctx<'_>, id: &str) -> Result<Calendar> {
    Calendar::try_from_utf8(id.as_bytes()).or_throw(ctx)
}

fn out_of_range(ctx: &Ctx<'_>) -> rquickjs::Error {
    Exception::throw_range(ctx, "Temporal: date field out of range")
}

/// An integral field narrowed to `temporal_rs`'s width; beyond it no date exists.
pub(crate) fn narrow<T: TryFrom<i64>>(ctx: &Ctx<'_>, v: f64) -> Result<T> {
    if !v.is_finite() || v.abs() > 1e15 {
        return Err(out_of_range(ctx));
    }
    T::try_from(v as i64).map_err(|_| out_of_range(ctx))
}

/// `day` and `month` constrain (`overflow: "constrain"`) to the calendar's limits: a value
/// beyond `u8` constrains to the same date as 255, and `reject` refuses both.
fn day_or_month(ctx: &Ctx<'_>, v: Option<f64>, reject: bool) -> Result<Option<u8>> {
    match v {
        None => Ok(None),
        Some(v) if v < 1.0 || !v.is_finite() => Err(out_of_range(ctx)),
        Some(v) if v > 255.0 => {
            if reject {
                Err(out_of_range(ctx))
            } else {
                Ok(Some(255))
            }
        }
        Some(v) => Ok(Some(v as u8)),
    }
}

/// The calendar fields the JS half read (`year`, `month`, `monthCode`, `day`, `era`,
/// `eraYear`), as `temporal_rs` takes them.
pub(crate) fn calendar_fields(
    ctx: &Ctx<'_>,
    fields: &Object<'_>,
    reject: bool,
) -> Result<CalendarFields> {
    let number = |name: &str| -> Result<Option<f64>> { fields.get::<_, Option<f64>>(name) };
    let mut out = CalendarFields::new();
    out.year = number("year")?.map(|v| narrow(ctx, v)).transpose()?;
    out.era_year = number("eraYear")?.map(|v| narrow(ctx, v)).transpose()?;
    out.month = day_or_month(ctx, number("month")?, reject)?;
    out.day = day_or_month(ctx, number("day")?, reject)?;
    if let Some(code) = fields.get::<_, Option<String>>("monthCode")? {
        out.month_code = Some(code.parse::<MonthCode>().or_throw(ctx)?);
    }
    if let Some(era) = fields.get::<_, Option<String>>("era")? {
        let era = TinyAsciiStr::<19>::try_from_str(&era)
            .map_err(|_| Exception::throw_range(ctx, "Temporal: unknown era"))?;
        out.era = Some(era);
    }
    Ok(out)
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TDate {
    /// From ISO year, month and day (checked) in a calendar.
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'_>, year: f64, month: f64, day: f64, calendar_id: String) -> Result<Self> {
        let cal = calendar(&ctx, &calendar_id)?;
        let month = day_or_month(&ctx, Some(month), true)?.unwrap_or(0);
        let day = day_or_month(&ctx, Some(day), true)?.unwrap_or(0);
        let inner = PlainDate::try_new(narrow(&ctx, year)?, month, day, cal).or_throw(&ctx)?;
        Ok(TDate { inner })
    }

    /// From calendar fields; with `base`, the fields not given come from it (`with`).
    #[qjs(static)]
    pub fn from_fields(
        ctx: Ctx<'_>,
        calendar_id: String,
        fields: Object<'_>,
        overflow: Option<String>,
        base: Option<Class<'_, TDate>>,
    ) -> Result<Self> {
        let overflow = options::overflow(&ctx, overflow)?;
        let reject = overflow == Some(Overflow::Reject);
        let calendar_fields = calendar_fields(&ctx, &fields, reject)?;
        let inner = match base {
            Some(base) => base.borrow().inner.with(calendar_fields, overflow),
            None => PlainDate::from_partial(
                PartialDate {
                    calendar_fields,
                    calendar: calendar(&ctx, &calendar_id)?,
                },
                overflow,
            ),
        }
        .or_throw(&ctx)?;
        Ok(TDate { inner })
    }

    #[qjs(static)]
    pub fn parse(ctx: Ctx<'_>, text: String) -> Result<Self> {
        Ok(TDate {
            inner: PlainDate::from_utf8(text.as_bytes()).or_throw(&ctx)?,
        })
    }

    /// The ISO year, month and day.
    pub fn iso(&self) -> Vec<f64> {
        let iso = self.inner.with_calendar(Calendar::ISO);
        vec![iso.year().into(), iso.month().into(), iso.day().into()]
    }

    /// Every calendar-dependent field, for the getters.
    pub fn info<'js>(&self, ctx: Ctx<'js>) -> Result<Object<'js>> {
        let d = &self.inner;
        let out = Object::new(ctx)?;
        out.set("calendarId", d.calendar().identifier())?;
        out.set("era", d.era().map(|e| e.to_string()))?;
        out.set("eraYear", d.era_year())?;
        out.set("year", d.year())?;
        out.set("month", d.month())?;
        out.set("monthCode", d.month_code().as_str())?;
        out.set("day", d.day())?;
        out.set("dayOfWeek", d.day_of_week())?;
        out.set("dayOfYear", d.day_of_year())?;
        out.set("weekOfYear", d.week_of_year())?;
        out.set("yearOfWeek", d.year_of_week())?;
        out.set("daysInWeek", d.days_in_week())?;
        out.set("daysInMonth", d.days_in_month())?;
        out.set("daysInYear", d.days_in_year())?;
        out.set("monthsInYear", d.months_in_year())?;
        out.set("inLeapYear", d.in_leap_year())?;
        Ok(out)
    }

    pub fn with_calendar(&self, ctx: Ctx<'_>, calendar_id: String) -> Result<Self> {
        Ok(TDate {
            inner: self.inner.with_calendar(calendar(&ctx, &calendar_id)?),
        })
    }

    pub fn add(
        &self,
        ctx: Ctx<'_>,
        duration: Class<'_, TDuration>,
        overflow: Option<String>,
    ) -> Result<Self> {
        let overflow = options::overflow(&ctx, overflow)?;
        let inner = self
            .inner
            .add(&duration.borrow().inner, overflow)
            .or_throw(&ctx)?;
        Ok(TDate { inner })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn difference(
        &self,
        ctx: Ctx<'_>,
        other: Class<'_, TDate>,
        since: bool,
        largest: Option<String>,
        smallest: Option<String>,
        mode: Option<String>,
        increment: Option<f64>,
    ) -> Result<TDuration> {
        difference_body!(ctx, self, other, since, largest, smallest, mode, increment)
    }

    /// -1, 0 or 1 by the ISO dates alone.
    #[qjs(static)]
    pub fn compare(one: Class<'_, TDate>, two: Class<'_, TDate>) -> i32 {
        one.borrow().inner.compare_iso(&two.borrow().inner) as i32
    }

    pub fn text(&self, ctx: Ctx<'_>, calendar_name: Option<String>) -> Result<String> {
        let display = options::display_calendar(&ctx, calendar_name)?;
        Ok(self.inner.to_ixdtf_string(display))
    }

    pub fn to_year_month(&self, ctx: Ctx<'_>) -> Result<super::year_month::TYearMonth> {
        let inner = self.inner.to_plain_year_month().or_throw(&ctx)?;
        Ok(super::year_month::TYearMonth { inner })
    }

    pub fn to_month_day(&self, ctx: Ctx<'_>) -> Result<super::year_month::TMonthDay> {
        let inner = self.inner.to_plain_month_day().or_throw(&ctx)?;
        Ok(super::year_month::TMonthDay { inner })
    }

    pub fn to_date_time(&self, ctx: Ctx<'_>, time: Option<Class<'_, TTime>>) -> Result<TDateTime> {
        let time = time.map(|t| t.borrow().inner);
        let inner = self.inner.to_plain_date_time(time).or_throw(&ctx)?;
        Ok(TDateTime { inner })
    }
}
