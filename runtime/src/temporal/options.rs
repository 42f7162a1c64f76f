//! The option values the JS half passes (already read and checked against the allowed
//! strings) as `temporal_rs` option types.

use rquickjs::{Ctx, Exception, Result};
use temporal_rs::options::{
    DifferenceSettings, DisplayCalendar, Overflow, RoundingIncrement, RoundingMode,
    RoundingOptions, ToStringRoundingOptions, Unit,
};
use temporal_rs::parsers::Precision;

use super::OrThrow;

fn bad(ctx: &Ctx<'_>, what: &str, value: &str) -> rquickjs::Error {
    Exception::throw_range(ctx, &format!("Temporal: invalid {what} {value}"))
}

pub fn unit(ctx: &Ctx<'_>, name: Option<String>) -> Result<Option<Unit>> {
    name.map(|n| n.parse().map_err(|_| bad(ctx, "unit", &n)))
        .transpose()
}

pub fn mode(ctx: &Ctx<'_>, name: Option<String>) -> Result<Option<RoundingMode>> {
    name.map(|n| n.parse().map_err(|_| bad(ctx, "roundingMode", &n)))
        .transpose()
}

pub fn overflow(ctx: &Ctx<'_>, name: Option<String>) -> Result<Option<Overflow>> {
    name.map(|n| n.parse().map_err(|_| bad(ctx, "overflow", &n)))
        .transpose()
}

pub fn display_calendar(ctx: &Ctx<'_>, name: Option<String>) -> Result<DisplayCalendar> {
    match name {
        None => Ok(DisplayCalendar::Auto),
        Some(n) => n.parse().map_err(|_| bad(ctx, "calendarName", &n)),
    }
}

pub fn increment(ctx: &Ctx<'_>, value: Option<f64>) -> Result<Option<RoundingIncrement>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && (1.0..=1e9).contains(&v) => {
            RoundingIncrement::try_new(v as u32).or_throw(ctx).map(Some)
        }
        Some(v) => Err(bad(ctx, "roundingIncrement", &v.to_string())),
    }
}

/// Settings for `until`/`since`.
pub fn difference(
    ctx: &Ctx<'_>,
    largest: Option<String>,
    smallest: Option<String>,
    rounding_mode: Option<String>,
    rounding_increment: Option<f64>,
) -> Result<DifferenceSettings> {
    let mut settings = DifferenceSettings::default();
    settings.largest_unit = unit(ctx, largest)?;
    settings.smallest_unit = unit(ctx, smallest)?;
    settings.rounding_mode = mode(ctx, rounding_mode)?;
    settings.increment = increment(ctx, rounding_increment)?;
    Ok(settings)
}

/// Options for `round`.
pub fn rounding(
    ctx: &Ctx<'_>,
    largest: Option<String>,
    smallest: Option<String>,
    rounding_mode: Option<String>,
    rounding_increment: Option<f64>,
) -> Result<RoundingOptions> {
    let mut options = RoundingOptions::default();
    options.largest_unit = unit(ctx, largest)?;
    options.smallest_unit = unit(ctx, smallest)?;
    options.rounding_mode = mode(ctx, rounding_mode)?;
    options.increment = increment(ctx, rounding_increment)?;
    Ok(options)
}

/// Options for `toString`: `digits` is "auto", or 0 to 9 fractional second digits.
pub fn to_string(
    ctx: &Ctx<'_>,
    digits: Option<f64>,
    smallest: Option<String>,
    rounding_mode: Option<String>,
) -> Result<ToStringRoundingOptions> {
    let precision = match digits {
        None => Precision::Auto,
        Some(d) if (0.0..=9.0).contains(&d) => Precision::Digit(d as u8),
        Some(d) => return Err(bad(ctx, "fractionalSecondDigits", &d.to_string())),
    };
    Ok(ToStringRoundingOptions {
        precision,
        smallest_unit: unit(ctx, smallest)?,
        rounding_mode: mode(ctx, rounding_mode)?,
    })
}
