//! `Temporal.PlainDateTime`'s native value: a calendar date and a wall-clock time.

use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, JsLifetime, Object, Result};
use temporal_rs::fields::DateTimeFields;
use temporal_rs::options::Overflow;
use temporal_rs::partial::PartialDateTime;
use temporal_rs::{Calendar, PlainDateTime};

use super::date::{calendar, calendar_fields, TDate};
use super::duration::TDuration;
use super::time::{partial, TTime};
use super::{options, OrThrow};

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "PlainDateTime")]
pub struct TDateTime {
    #[qjs(skip_trace)]
    pub(crate) inner: PlainDateTime,
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TDateTime {
    /// From the date's and the time's handles (both already valid).
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'_>, date: Class<'_, TDate>, time: Class<'_, TTime>) -> Result<Self> {
        let inner =
            PlainDateTime::from_date_and_time(date.borrow().inner.clone(), time.borrow().inner)
                .or_throw(&ctx)?;
        Ok(TDateTime { inner })
    }

    /// From calendar fields and the six time fields; with `base`, missing fields come from it.
    #[qjs(static)]
    pub fn from_fields(
        ctx: Ctx<'_>,
        calendar_id: String,
        fields: Object<'_>,
        time: Vec<Option<f64>>,
        overflow: Option<String>,
        base: Option<Class<'_, TDateTime>>,
    ) -> Result<Self> {
        let overflow = options::overflow(&ctx, overflow)?;
        let reject = overflow == Some(Overflow::Reject);
        if reject && !super::time::exact(&time) {
            return Err(rquickjs::Exception::throw_range(
                &ctx,
                "Temporal: time field out of range",
            ));
        }
        let fields = DateTimeFields {
            calendar_fields: calendar_fields(&ctx, &fields, reject)?,
            time: partial(&ctx, &time)?,
        };
        let inner = match base {
            Some(base) => base.borrow().inner.with(fields, overflow),
            None => PlainDateTime::from_partial(
                PartialDateTime {
                    fields,
                    calendar: calendar(&ctx, &calendar_id)?,
                },
                overflow,
            ),
        }
        .or_throw(&ctx)?;
        Ok(TDateTime { inner })
    }

    #[qjs(static)]
    pub fn parse(ctx: Ctx<'_>, text: String) -> Result<Self> {
        Ok(TDateTime {
            inner: PlainDateTime::from_utf8(text.as_bytes()).or_throw(&ctx)?,
        })
    }

    pub fn date(&self) -> TDate {
        TDate {
            inner: self.inner.to_plain_date(),
        }
    }

    pub fn time(&self) -> TTime {
        TTime {
            inner: self.inner.to_plain_time(),
        }
    }

    pub fn with_time(&self, ctx: Ctx<'_>, time: Option<Class<'_, TTime>>) -> Result<Self> {
        let time = time.map(|t| t.borrow().inner);
        let inner = self.inner.with_time(time).or_throw(&ctx)?;
        Ok(TDateTime { inner })
    }

    pub fn with_calendar(&self, ctx: Ctx<'_>, calendar_id: String) -> Result<Self> {
        Ok(TDateTime {
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
        Ok(TDateTime { inner })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn difference(
        &self,
        ctx: Ctx<'_>,
        other: Class<'_, TDateTime>,
        since: bool,
        largest: Option<String>,
        smallest: Option<String>,
        mode: Option<String>,
        increment: Option<f64>,
    ) -> Result<TDuration> {
        difference_body!(ctx, self, other, since, largest, smallest, mode, increment)
    }

    pub fn round(
        &self,
        ctx: Ctx<'_>,
        smallest: Option<String>,
        mode: Option<String>,
        increment: Option<f64>,
    ) -> Result<Self> {
        round_body!(ctx, self, smallest, mode, increment)
    }

    #[qjs(static)]
    pub fn compare(one: Class<'_, TDateTime>, two: Class<'_, TDateTime>) -> i32 {
        one.borrow().inner.compare_iso(&two.borrow().inner) as i32
    }

    pub fn text(
        &self,
        ctx: Ctx<'_>,
        digits: Option<f64>,
        smallest: Option<String>,
        mode: Option<String>,
        calendar_name: Option<String>,
    ) -> Result<String> {
        let options = options::to_string(&ctx, digits, smallest, mode)?;
        let display = options::display_calendar(&ctx, calendar_name)?;
        self.inner.to_ixdtf_string(options, display).or_throw(&ctx)
    }

    /// The ISO fields: year, month, day, hour, minute, second, ms, µs, ns.
    pub fn iso(&self) -> Vec<f64> {
        let iso = self.inner.with_calendar(Calendar::ISO);
        vec![
            iso.year().into(),
            iso.month().into(),
            iso.day().into(),
            iso.hour().into(),
            iso.minute().into(),
            iso.second().into(),
            iso.millisecond().into(),
            iso.microsecond().into(),
            iso.nanosecond().into(),
        ]
    }
}
