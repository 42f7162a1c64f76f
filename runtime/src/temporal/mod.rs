//! `Temporal`'s native half, on `temporal_rs` (the proposal's algorithms, with the IANA
//! database bundled in the binary). Each Temporal value is a small native object the JS half
//! (`node/internal_temporal.js`) keeps in a private field; the JS half does the argument
//! coercion and option reading in the specification's observable order, and hands over
//! values already checked: numbers, strings, and the option names the spec allows.

/// The body of every type's `difference` (`until`/`since`): the settings, then the native
/// difference of two values of the type.
macro_rules! difference_body {
    ($ctx:expr, $this:expr, $other:expr, $since:expr, $largest:expr, $smallest:expr, $mode:expr, $increment:expr) => {{
        let settings = super::options::difference(&$ctx, $largest, $smallest, $mode, $increment)?;
        let other = &$other.borrow().inner;
        let d = if $since {
            $this.inner.since(other, settings)
        } else {
            $this.inner.until(other, settings)
        }
        .or_throw(&$ctx)?;
        Ok(super::duration::TDuration::wrap(d))
    }};
}

/// The body of `round` for the types rounded to a smallest unit only.
macro_rules! round_body {
    ($ctx:expr, $this:expr, $smallest:expr, $mode:expr, $increment:expr) => {{
        let mut options = super::options::rounding(&$ctx, None, $smallest, $mode, $increment)?;
        options.largest_unit = None;
        Ok(Self {
            inner: $this.inner.round(options).or_throw(&$ctx)?,
        })
    }};
}

mod date;
mod date_time;
mod duration;
mod instant;
mod options;
mod time;
mod year_month;
mod zoned;

use rquickjs::{Class, Ctx, Exception, Function, Object, Result};
use temporal_rs::error::ErrorKind;
use temporal_rs::TemporalError;

/// The object of native classes and functions the JS half is given.
pub fn natives<'js>(ctx: Ctx<'js>) -> Result<Object<'js>> {
    let natives = Object::new(ctx.clone())?;
    Class::<duration::TDuration>::define(&natives)?;
    Class::<time::TTime>::define(&natives)?;
    Class::<date::TDate>::define(&natives)?;
    Class::<date_time::TDateTime>::define(&natives)?;
    Class::<instant::TInstant>::define(&natives)?;
    Class::<year_month::TYearMonth>::define(&natives)?;
    Class::<year_month::TMonthDay>::define(&natives)?;
    Class::<zoned::TZoned>::define(&natives)?;
    natives.set("nowNs", Function::new(ctx.clone(), instant::now_ns)?)?;
    natives.set("zoneId", Function::new(ctx.clone(), zoned::zone_id)?)?;
    natives.set(
        "zonesEqual",
        Function::new(ctx.clone(), zoned::zones_equal)?,
    )?;
    natives.set(
        "dateInZone",
        Function::new(ctx.clone(), zoned::date_in_zone)?,
    )?;
    natives.set(
        "dateTimeInZone",
        Function::new(ctx.clone(), zoned::date_time_in_zone)?,
    )?;
    natives.set(
        "instantInZone",
        Function::new(ctx.clone(), zoned::instant_in_zone)?,
    )?;
    Ok(natives)
}

/// A `temporal_rs` error as the JS exception the specification names.
pub(crate) fn throw(ctx: &Ctx<'_>, e: TemporalError) -> rquickjs::Error {
    let message = format!("Temporal: {e}");
    // A string that does not parse is a RangeError in the specification.
    match e.kind() {
        ErrorKind::Type => Exception::throw_type(ctx, &message),
        _ => Exception::throw_range(ctx, &message),
    }
}

/// `Result<T, TemporalError>` into the JS exception.
pub(crate) trait OrThrow<T> {
    fn or_throw(self, ctx: &Ctx<'_>) -> Result<T>;
}

impl<T> OrThrow<T> for std::result::Result<T, TemporalError> {
    fn or_throw(self, ctx: &Ctx<'_>) -> Result<T> {
        self.map_err(|e| throw(ctx, e))
    }
}
