//! `Temporal.ZonedDateTime`'s native value: an instant, a time zone (IANA, from the bundled
//! database, or a fixed offset) and a calendar; and time zone identifiers.

use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Result};
use temporal_rs::fields::ZonedDateTimeFields;
use temporal_rs::options::{Disambiguation, OffsetDisambiguation, Overflow};
use temporal_rs::partial::PartialZonedDateTime;
use temporal_rs::provider::TransitionDirection;
use temporal_rs::{TimeZone, UtcOffset, ZonedDateTime};

use super::date::{calendar, calendar_fields, TDate};
use super::date_time::TDateTime;
use super::duration::TDuration;
use super::instant::TInstant;
use super::time::{partial, TTime};
use super::{options, OrThrow};

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "ZonedDateTime")]
pub struct TZoned {
    #[qjs(skip_trace)]
    pub(crate) inner: ZonedDateTime,
}

/// A time zone from an identifier (IANA name or `±HH:MM`), or from an ISO string's
/// annotation or offset (ToTemporalTimeZoneIdentifier).
pub(crate) fn time_zone(ctx: &Ctx<'_>, text: &str) -> Result<TimeZone> {
    TimeZone::try_from_str(text).or_throw(ctx)
}

fn disambiguation(ctx: &Ctx<'_>, name: Option<String>) -> Result<Disambiguation> {
    match name {
        None => Ok(Disambiguation::Compatible),
        Some(n) => n
            .parse()
            .map_err(|_| Exception::throw_range(ctx, "Temporal: invalid disambiguation")),
    }
}

fn offset_option(
    ctx: &Ctx<'_>,
    name: Option<String>,
    fallback: OffsetDisambiguation,
) -> Result<OffsetDisambiguation> {
    match name {
        None => Ok(fallback),
        Some(n) => n
            .parse()
            .map_err(|_| Exception::throw_range(ctx, "Temporal: invalid offset option")),
    }
}

/// A time zone identifier as written (an IANA name in the database's case, or an offset);
/// `strict` takes identifiers only, else an ISO string's zone too.
pub fn zone_id(ctx: Ctx<'_>, text: String, strict: bool) -> Result<String> {
    let zone = if strict {
        TimeZone::try_from_identifier_str(&text).or_throw(&ctx)?
    } else {
        time_zone(&ctx, &text)?
    };
    zone.identifier().or_throw(&ctx)
}

/// Whether two time zone identifiers name the same zone (links resolved).
pub fn zones_equal(ctx: Ctx<'_>, one: String, two: String) -> Result<bool> {
    if one == two {
        return Ok(true);
    }
    let a = time_zone(&ctx, &one)?.primary_identifier().or_throw(&ctx)?;
    let b = time_zone(&ctx, &two)?.primary_identifier().or_throw(&ctx)?;
    Ok(a.identifier().or_throw(&ctx)? == b.identifier().or_throw(&ctx)?)
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TZoned {
    /// From epoch nanoseconds (decimal), a time zone identifier and a calendar.
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'_>, epoch_ns: String, zone: String, calendar_id: String) -> Result<Self> {
        let ns = epoch_ns.parse::<i128>().map_err(|_| {
            Exception::throw_range(&ctx, "Temporal: epoch nanoseconds out of range")
        })?;
        let inner =
            ZonedDateTime::try_new(ns, time_zone(&ctx, &zone)?, calendar(&ctx, &calendar_id)?)
                .or_throw(&ctx)?;
        Ok(TZoned { inner })
    }

    /// From calendar fields, the six time fields, an offset string and a time zone; with `base`
    /// (`with`), the fields not given come from it.
    #[allow(clippy::too_many_arguments)]
    #[qjs(static)]
    pub fn from_fields(
        ctx: Ctx<'_>,
        calendar_id: String,
        fields: Object<'_>,
        time: Vec<Option<f64>>,
        offset: Option<String>,
        zone: Option<String>,
        overflow: Option<String>,
        disambiguation_name: Option<String>,
        offset_name: Option<String>,
        base: Option<Class<'_, TZoned>>,
    ) -> Result<Self> {
        let overflow = options::overflow(&ctx, overflow)?;
        let reject = overflow == Some(Overflow::Reject);
        if reject && !super::time::exact(&time) {
            return Err(Exception::throw_range(
                &ctx,
                "Temporal: time field out of range",
            ));
        }
        let offset = offset
            .map(|o| UtcOffset::from_utf8(o.as_bytes()).or_throw(&ctx))
            .transpose()?;
        let fields = ZonedDateTimeFields {
            calendar_fields: calendar_fields(&ctx, &fields, reject)?,
            time: partial(&ctx, &time)?,
            offset,
        };
        let disambiguation = disambiguation(&ctx, disambiguation_name)?;
        let inner = match base {
            Some(base) => {
                let offset = offset_option(&ctx, offset_name, OffsetDisambiguation::Prefer)?;
                base.borrow()
                    .inner
                    .with(fields, Some(disambiguation), Some(offset), overflow)
            }
            None => {
                let offset = offset_option(&ctx, offset_name, OffsetDisambiguation::Reject)?;
                let zone = zone
                    .map(|z| time_zone(&ctx, &z))
                    .transpose()?
                    .ok_or_else(|| Exception::throw_type(&ctx, "Temporal: timeZone is required"))?;
                ZonedDateTime::from_partial(
                    PartialZonedDateTime {
                        fields,
                        timezone: Some(zone),
                        calendar: calendar(&ctx, &calendar_id)?,
                    },
                    overflow,
                    Some(disambiguation),
                    Some(offset),
                )
            }
        }
        .or_throw(&ctx)?;
        Ok(TZoned { inner })
    }

    #[qjs(static)]
    pub fn parse(
        ctx: Ctx<'_>,
        text: String,
        disambiguation_name: Option<String>,
        offset_name: Option<String>,
    ) -> Result<Self> {
        let disambiguation = disambiguation(&ctx, disambiguation_name)?;
        let offset = offset_option(&ctx, offset_name, OffsetDisambiguation::Reject)?;
        let inner =
            ZonedDateTime::from_utf8(text.as_bytes(), disambiguation, offset).or_throw(&ctx)?;
        Ok(TZoned { inner })
    }

    pub fn ns(&self) -> String {
        self.inner.epoch_nanoseconds().as_i128().to_string()
    }

    pub fn zone(&self, ctx: Ctx<'_>) -> Result<String> {
        self.inner.time_zone().identifier().or_throw(&ctx)
    }

    pub fn offset(&self) -> String {
        self.inner.offset()
    }

    pub fn offset_nanoseconds(&self) -> f64 {
        self.inner.offset_nanoseconds() as f64
    }

    pub fn hours_in_day(&self, ctx: Ctx<'_>) -> Result<f64> {
        self.inner.hours_in_day().or_throw(&ctx)
    }

    pub fn date_time(&self) -> TDateTime {
        TDateTime {
            inner: self.inner.to_plain_date_time(),
        }
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

    pub fn instant(&self) -> TInstant {
        TInstant {
            inner: self.inner.to_instant(),
        }
    }

    pub fn with_time(&self, ctx: Ctx<'_>, time: Option<Class<'_, TTime>>) -> Result<Self> {
        let time = time.map(|t| t.borrow().inner);
        let inner = self.inner.with_plain_time(time).or_throw(&ctx)?;
        Ok(TZoned { inner })
    }

    pub fn with_zone(&self, ctx: Ctx<'_>, zone: String) -> Result<Self> {
        let inner = self
            .inner
            .with_timezone(time_zone(&ctx, &zone)?)
            .or_throw(&ctx)?;
        Ok(TZoned { inner })
    }

    pub fn with_calendar(&self, ctx: Ctx<'_>, calendar_id: String) -> Result<Self> {
        Ok(TZoned {
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
        Ok(TZoned { inner })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn difference(
        &self,
        ctx: Ctx<'_>,
        other: Class<'_, TZoned>,
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

    pub fn equals(&self, ctx: Ctx<'_>, other: Class<'_, TZoned>) -> Result<bool> {
        self.inner.equals(&other.borrow().inner).or_throw(&ctx)
    }

    pub fn start_of_day(&self, ctx: Ctx<'_>) -> Result<Self> {
        let inner = self.inner.start_of_day().or_throw(&ctx)?;
        Ok(TZoned { inner })
    }

    /// The next (`next`) or previous time zone transition, if any.
    pub fn transition(&self, ctx: Ctx<'_>, next: bool) -> Result<Option<Self>> {
        let direction = if next {
            TransitionDirection::Next
        } else {
            TransitionDirection::Previous
        };
        let found = self
            .inner
            .get_time_zone_transition(direction)
            .or_throw(&ctx)?;
        Ok(found.map(|inner| TZoned { inner }))
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &self,
        ctx: Ctx<'_>,
        digits: Option<f64>,
        smallest: Option<String>,
        mode: Option<String>,
        calendar_name: Option<String>,
        offset_display: Option<String>,
        zone_display: Option<String>,
    ) -> Result<String> {
        let options = options::to_string(&ctx, digits, smallest, mode)?;
        let calendar = options::display_calendar(&ctx, calendar_name)?;
        let bad = |what: &str| Exception::throw_range(&ctx, &format!("Temporal: invalid {what}"));
        let offset = match offset_display {
            None => Default::default(),
            Some(o) => o.parse().map_err(|_| bad("offset"))?,
        };
        let zone = match zone_display {
            None => Default::default(),
            Some(z) => z.parse().map_err(|_| bad("timeZoneName"))?,
        };
        self.inner
            .to_ixdtf_string(offset, zone, calendar, options)
            .or_throw(&ctx)
    }
}

/// `PlainDate.prototype.toZonedDateTime` and friends: a date (and time) in a zone.
pub fn date_in_zone(
    ctx: Ctx<'_>,
    date: Class<'_, TDate>,
    zone: String,
    time: Option<Class<'_, TTime>>,
) -> Result<TZoned> {
    let time = time.map(|t| t.borrow().inner);
    let inner = date
        .borrow()
        .inner
        .to_zoned_date_time(time_zone(&ctx, &zone)?, time)
        .or_throw(&ctx)?;
    Ok(TZoned { inner })
}

pub fn date_time_in_zone(
    ctx: Ctx<'_>,
    date_time: Class<'_, TDateTime>,
    zone: String,
    disambiguation_name: Option<String>,
) -> Result<TZoned> {
    let disambiguation = disambiguation(&ctx, disambiguation_name)?;
    let inner = date_time
        .borrow()
        .inner
        .to_zoned_date_time(time_zone(&ctx, &zone)?, disambiguation)
        .or_throw(&ctx)?;
    Ok(TZoned { inner })
}

pub fn instant_in_zone(
    ctx: Ctx<'_>,
    instant: Class<'_, TInstant>,
    zone: String,
    calendar_id: String,
) -> Result<TZoned> {
    let inner = ZonedDateTime::try_new_from_instant(
        instant.borrow().inner,
        time_zone(&ctx, &zone)?,
        calendar(&ctx, &calendar_id)?,
    )
    .or_throw(&ctx)?;
    Ok(TZoned { inner })
}
