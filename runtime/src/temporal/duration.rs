//! `Temporal.Duration`'s native value: ten signed fields, kept valid (one sign, within the
//! specification's limits) by `temporal_rs`.

use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Result, Value};
use temporal_rs::options::RelativeTo;
use temporal_rs::Duration;

use super::date::TDate;
use super::{options, OrThrow};

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "Duration")]
pub struct TDuration {
    #[qjs(skip_trace)]
    pub(crate) inner: Duration,
}

impl TDuration {
    pub(crate) fn wrap(inner: Duration) -> Self {
        TDuration { inner }
    }
}

/// An integral field as the width `temporal_rs` keeps it; out of that range is out of the
/// specification's range too.
fn whole<T: TryFrom<i128>>(ctx: &Ctx<'_>, v: f64) -> Result<T> {
    let too_big = || Exception::throw_range(ctx, "Temporal: the duration is out of range");
    if !v.is_finite() || v.abs() >= 1.7e38 {
        return Err(too_big());
    }
    T::try_from(v as i128).map_err(|_| too_big())
}

/// The date a duration is relative to (`relativeTo`), if any.
pub(crate) fn relative_to(value: &Value<'_>) -> Option<RelativeTo> {
    if let Ok(zoned) = Class::<super::zoned::TZoned>::from_value(value) {
        let inner = zoned.borrow().inner.clone();
        return Some(RelativeTo::ZonedDateTime(inner));
    }
    let date = Class::<TDate>::from_value(value).ok()?;
    let inner = date.borrow().inner.clone();
    Some(RelativeTo::PlainDate(inner))
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TDuration {
    /// From the ten fields (integral Numbers), years first.
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'_>, fields: Vec<f64>) -> Result<Self> {
        if fields.len() != 10 {
            return Err(Exception::throw_type(&ctx, "Temporal: ten duration fields"));
        }
        let inner = Duration::new(
            whole(&ctx, fields[0])?,
            whole(&ctx, fields[1])?,
            whole(&ctx, fields[2])?,
            whole(&ctx, fields[3])?,
            whole(&ctx, fields[4])?,
            whole(&ctx, fields[5])?,
            whole(&ctx, fields[6])?,
            whole(&ctx, fields[7])?,
            whole(&ctx, fields[8])?,
            whole(&ctx, fields[9])?,
        )
        .or_throw(&ctx)?;
        Ok(TDuration { inner })
    }

    /// An ISO 8601 duration (`P1Y2M3DT4H5M6.7S`).
    #[qjs(static)]
    pub fn parse(ctx: Ctx<'_>, text: String) -> Result<Self> {
        Ok(TDuration {
            inner: Duration::from_utf8(text.as_bytes()).or_throw(&ctx)?,
        })
    }

    /// The ten fields, years first, as Numbers.
    pub fn fields(&self) -> Vec<f64> {
        let d = &self.inner;
        vec![
            d.years() as f64,
            d.months() as f64,
            d.weeks() as f64,
            d.days() as f64,
            d.hours() as f64,
            d.minutes() as f64,
            d.seconds() as f64,
            d.milliseconds() as f64,
            d.microseconds() as f64,
            d.nanoseconds() as f64,
        ]
    }

    pub fn sign(&self) -> i32 {
        self.inner.sign() as i32
    }

    pub fn add(&self, ctx: Ctx<'_>, other: Class<'_, TDuration>) -> Result<Self> {
        let sum = self.inner.add(&other.borrow().inner).or_throw(&ctx)?;
        Ok(TDuration { inner: sum })
    }

    pub fn round(
        &self,
        ctx: Ctx<'_>,
        largest: Option<String>,
        smallest: Option<String>,
        mode: Option<String>,
        increment: Option<f64>,
        relative: Value<'_>,
    ) -> Result<Self> {
        let options = options::rounding(&ctx, largest, smallest, mode, increment)?;
        let inner = self
            .inner
            .round(options, relative_to(&relative))
            .or_throw(&ctx)?;
        Ok(TDuration { inner })
    }

    pub fn total(&self, ctx: Ctx<'_>, unit: String, relative: Value<'_>) -> Result<f64> {
        let unit = options::unit(&ctx, Some(unit))?
            .ok_or_else(|| Exception::throw_range(&ctx, "Temporal: a unit is required"))?;
        let total = self
            .inner
            .total(unit, relative_to(&relative))
            .or_throw(&ctx)?;
        Ok(total.as_inner())
    }

    #[qjs(static)]
    pub fn compare(
        ctx: Ctx<'_>,
        one: Class<'_, TDuration>,
        two: Class<'_, TDuration>,
        relative: Value<'_>,
    ) -> Result<i32> {
        let ordering = one
            .borrow()
            .inner
            .compare(&two.borrow().inner, relative_to(&relative))
            .or_throw(&ctx)?;
        Ok(ordering as i32)
    }

    /// The ISO 8601 text; `digits` is `undefined` (auto) or 0-9.
    pub fn text(
        &self,
        ctx: Ctx<'_>,
        digits: Option<f64>,
        smallest: Option<String>,
        mode: Option<String>,
    ) -> Result<String> {
        let options = options::to_string(&ctx, digits, smallest, mode)?;
        self.inner.as_temporal_string(options).or_throw(&ctx)
    }
}
