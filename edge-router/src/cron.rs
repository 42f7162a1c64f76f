//! Cron triggers: five-field expressions (minute, hour, day of month, month, day of week; UTC),
//! each field `*`, a number, a range `a-b`, a list `a,b`, a step `*/n` or `a-b/n`, with the
//! names `JAN`-`DEC` and `SUN`-`SAT` (7 is Sunday too). As in cron, when both day fields are
//! restricted a day matching either runs. The node checks every app's triggers each minute.

/// A parsed expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    any_day: bool,
    any_weekday: bool,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn value(text: &str, names: &[&str], first: u32) -> Option<u32> {
    if let Ok(n) = text.parse() {
        return Some(n);
    }
    let upper = text.to_ascii_uppercase();
    names
        .iter()
        .position(|n| *n == upper)
        .map(|i| i as u32 + first)
}

/// The set of a field, as bits; `min..=max` is the field's range.
fn field(text: &str, min: u32, max: u32, names: &[&str]) -> Result<u64, String> {
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("'{part}': the step must be a positive number"))?,
            ),
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let a = value(a, names, min).ok_or_else(|| format!("'{a}' is not a value"))?;
            let b = value(b, names, min).ok_or_else(|| format!("'{b}' is not a value"))?;
            (a, b)
        } else {
            let v = value(range, names, min).ok_or_else(|| format!("'{range}' is not a value"))?;
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(format!("'{part}' is out of range ({min}-{max})"));
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(bits)
}

impl Cron {
    pub fn parse(text: &str) -> Result<Cron, String> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [minute, hour, day, month, weekday] = fields[..] else {
            return Err(format!(
                "'{text}' is not a cron expression: use five fields (minute hour day month weekday)"
            ));
        };
        let mut weekdays = field(weekday, 0, 7, &WEEKDAYS)?;
        if weekdays & (1 << 7) != 0 {
            weekdays |= 1;
        }
        Ok(Cron {
            minutes: field(minute, 0, 59, &[])?,
            hours: field(hour, 0, 23, &[])?,
            days: field(day, 1, 31, &[])?,
            months: field(month, 1, 12, &MONTHS)?,
            weekdays,
            any_day: day == "*",
            any_weekday: weekday == "*",
        })
    }

    /// Whether it fires at the minute starting `unix_seconds` (UTC).
    pub fn matches(&self, unix_seconds: i64) -> bool {
        let days = unix_seconds.div_euclid(86_400);
        let secs = unix_seconds.rem_euclid(86_400);
        let (minute, hour) = ((secs / 60) % 60, secs / 3600);
        let (_, month, day) = civil(days);
        let weekday = (days + 4).rem_euclid(7); // 1970-01-01 was a Thursday
        let bit = |set: u64, v: i64| set & (1 << v) != 0;
        let day_ok = match (self.any_day, self.any_weekday) {
            (true, true) => true,
            (false, true) => bit(self.days, day),
            (true, false) => bit(self.weekdays, weekday),
            (false, false) => bit(self.days, day) || bit(self.weekdays, weekday),
        };
        bit(self.minutes, minute) && bit(self.hours, hour) && bit(self.months, month) && day_ok
    }
}

/// Year, month (1-12) and day (1-31) of a day count since 1970-01-01.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-27 08:30 UTC, a Friday.
    const FRI_0830: i64 = 1_795_768_200;

    #[test]
    fn reads_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(FRI_0830.div_euclid(86_400)), (2026, 11, 27));
        assert_eq!(civil(11_016), (2000, 2, 29));
    }

    #[test]
    fn matches_fields_steps_ranges_and_names() {
        let at = |e: &str| Cron::parse(e).unwrap().matches(FRI_0830);
        assert!(at("* * * * *"));
        assert!(at("30 8 * * *"));
        assert!(!at("31 8 * * *"));
        assert!(at("*/15 * * * *"));
        assert!(!at("*/7 * * * *"));
        assert!(at("0-45/10 8-9 27 NOV *"));
        assert!(at("30 8 * * FRI"));
        assert!(at("30 8 * * 1-5"));
        assert!(!at("30 8 * * SAT,SUN"));
        // Both day fields restricted: either is enough.
        assert!(at("30 8 1 * FRI"));
        assert!(!at("30 8 1 * MON"));
        assert!(Cron::parse("0 0 * * 7")
            .unwrap()
            .matches(FRI_0830 + 2 * 86_400 - 30 * 60 - 8 * 3600));
    }

    #[test]
    fn refuses_what_is_not_cron() {
        for bad in [
            "* * * *",
            "60 * * * *",
            "* 24 * * *",
            "*/0 * * * *",
            "a * * * *",
            "5-1 * * * *",
        ] {
            assert!(Cron::parse(bad).is_err(), "{bad}");
        }
    }
}
