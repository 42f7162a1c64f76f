//! `Temporal.Instant`'s native value: nanoseconds since the epoch, and the clock
//! (`Temporal.Now`).

use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Result};
use temporal_rs::{Instant, TimeZone};

use super::duration::TDuration;
use super::{options, OrThrow};

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "Instant")]
pub struct TInstant {
    #[qjs(skip_trace)]
    pub(crate) inner: Instant,
}

fn nanoseconds(ctx: &Ctx<'_>, text: &str) -> Result<i128> {
    text.parse::<i128>()
        .map_err(|_| Exception::throw_range(ctx, "Temporal: epoch nanoseconds out of range"))
}

/// The system clock, as epoch nanoseconds in decimal (for a BigInt).
pub fn now_ns() -> String {
    let now = std::time::SystemTime::now();
    let ns = match now.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    };
    ns.to_string()
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TInstant {
    /// From epoch nanoseconds in decimal (checked against the ±10^8 days limit).
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'_>, epoch_ns: String) -> Result<Self> {
        let inner = Instant::try_new(nanoseconds(&ctx, &epoch_ns)?).or_throw(&ctx)?;
        Ok(TInstant { inner })
    }

    #[qjs(static)]
    pub fn parse(ctx: Ctx<'_>, text: String) -> Result<Self> {
        Ok(TInstant {
            inner: Instant::from_utf8(text.as_bytes()).or_throw(&ctx)?,
        })
    }

    /// Epoch nanoseconds in decimal.
    pub fn ns(&self) -> String {
        self.inner.epoch_nanoseconds().as_i128().to_string()
    }

    pub fn add(&self, ctx: Ctx<'_>, duration: Class<'_, TDuration>) -> Result<Self> {
        let inner = self.inner.add(&duration.borrow().inner).or_throw(&ctx)?;
        Ok(TInstant { inner })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn difference(
        &self,
        ctx: Ctx<'_>,
        other: Class<'_, TInstant>,
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

    /// The ISO text in UTC (`Z`), or in `time_zone`'s local time with its offset.
    pub fn text(
        &self,
        ctx: Ctx<'_>,
        time_zone: Option<String>,
        digits: Option<f64>,
        smallest: Option<String>,
        mode: Option<String>,
    ) -> Result<String> {
        let options = options::to_string(&ctx, digits, smallest, mode)?;
        let zone = time_zone
            .map(|z| TimeZone::try_from_str(&z).or_throw(&ctx))
            .transpose()?;
        self.inner.to_ixdtf_string(zone, options).or_throw(&ctx)
    }
}
