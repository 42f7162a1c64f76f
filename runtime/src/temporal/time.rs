//! `Temporal.PlainTime`'s native value: a wall-clock time to the nanosecond.

use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Result};
use temporal_rs::options::Overflow;
use temporal_rs::partial::PartialTime;
use temporal_rs::PlainTime;

use super::duration::TDuration;
use super::{options, OrThrow};

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "PlainTime")]
pub struct TTime {
    #[qjs(skip_trace)]
    pub(crate) inner: PlainTime,
}

/// The six time fields (hour first; integral Numbers, `undefined` for a field not given) as a
/// partial time; a field out of its type's range is out of every time's range.
pub(crate) fn partial(ctx: &Ctx<'_>, fields: &[Option<f64>]) -> Result<PartialTime> {
    let get = |i: usize| fields.get(i).copied().flatten();
    let clamp = |v: Option<f64>, max: f64| -> Result<Option<f64>> {
        match v {
            None => Ok(None),
            Some(v) if !v.is_finite() => Err(Exception::throw_range(
                ctx,
                "Temporal: time field out of range",
            )),
            // Constrained later (a huge hour constrains to 23, a negative one to 0); `reject`
            // has refused both already.
            Some(v) => Ok(Some(v.clamp(0.0, max))),
        }
    };
    Ok(PartialTime {
        hour: clamp(get(0), 255.0)?.map(|v| v as u8),
        minute: clamp(get(1), 255.0)?.map(|v| v as u8),
        second: clamp(get(2), 255.0)?.map(|v| v as u8),
        millisecond: clamp(get(3), 65535.0)?.map(|v| v as u16),
        microsecond: clamp(get(4), 65535.0)?.map(|v| v as u16),
        nanosecond: clamp(get(5), 65535.0)?.map(|v| v as u16),
    })
}

/// Whether a partial time's fields survive clamping unchanged (a negative field, or one beyond
/// its type's range, is never a valid time, so `reject` refuses it).
pub(crate) fn exact(fields: &[Option<f64>]) -> bool {
    let limits = [255.0, 255.0, 255.0, 65535.0, 65535.0, 65535.0];
    fields
        .iter()
        .zip(limits)
        .all(|(v, max)| v.is_none_or(|v| (0.0..=max).contains(&v)))
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TTime {
    /// From the six fields, all given and in range (the constructor's `reject`).
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'_>, fields: Vec<f64>) -> Result<Self> {
        let fields: Vec<Option<f64>> = fields.into_iter().map(Some).collect();
        TTime::from_fields(ctx, fields, Some("reject".into()), None)
    }

    /// From the six fields, each checked (`reject`) or constrained; `base` is the time whose
    /// fields the missing ones come from (`with`), else midnight.
    #[qjs(static)]
    pub fn from_fields(
        ctx: Ctx<'_>,
        fields: Vec<Option<f64>>,
        overflow: Option<String>,
        base: Option<Class<'_, TTime>>,
    ) -> Result<Self> {
        let overflow = options::overflow(&ctx, overflow)?;
        if overflow == Some(Overflow::Reject) && !exact(&fields) {
            return Err(Exception::throw_range(
                &ctx,
                "Temporal: time field out of range",
            ));
        }
        let partial = partial(&ctx, &fields)?;
        let inner = match base {
            Some(base) => base.borrow().inner.with(partial, overflow),
            None => {
                let mut full = partial;
                full.hour = full.hour.or(Some(0));
                PlainTime::from_partial(full, overflow)
            }
        }
        .or_throw(&ctx)?;
        Ok(TTime { inner })
    }

    #[qjs(static)]
    pub fn parse(ctx: Ctx<'_>, text: String) -> Result<Self> {
        Ok(TTime {
            inner: PlainTime::from_utf8(text.as_bytes()).or_throw(&ctx)?,
        })
    }

    /// Hour, minute, second, millisecond, microsecond, nanosecond.
    pub fn fields(&self) -> Vec<u16> {
        let t = &self.inner;
        vec![
            t.hour().into(),
            t.minute().into(),
            t.second().into(),
            t.millisecond(),
            t.microsecond(),
            t.nanosecond(),
        ]
    }

    pub fn add(&self, ctx: Ctx<'_>, duration: Class<'_, TDuration>) -> Result<Self> {
        let inner = self.inner.add(&duration.borrow().inner).or_throw(&ctx)?;
        Ok(TTime { inner })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn difference(
        &self,
        ctx: Ctx<'_>,
        other: Class<'_, TTime>,
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

    pub fn text(
        &self,
        ctx: Ctx<'_>,
        digits: Option<f64>,
        smallest: Option<String>,
        mode: Option<String>,
    ) -> Result<String> {
        let options = options::to_string(&ctx, digits, smallest, mode)?;
        self.inner.to_ixdtf_string(options).or_throw(&ctx)
    }
}
