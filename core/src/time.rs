//! [`Timestamp`]: the core's instant, whole microseconds since the Unix epoch.
//!
//! Reviews compare, subtract and add times on every card, so the core keeps
//! them as one integer: the elapsed whole days of a review are a division,
//! a due date an addition. `DateTime<Utc>` stays the public edge (every
//! `now` argument), and a `Timestamp` converts to and from it losslessly at
//! microsecond precision, the precision the store, Python and the browser
//! keep. Serialized as RFC 3339 text, exactly as chrono writes the same
//! instant.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// Microseconds in a day.
pub(crate) const MICROS_PER_DAY: i64 = 86_400_000_000;

/// An instant in UTC, in whole microseconds since 1970-01-01T00:00:00Z.
///
/// Every `Timestamp` is a time chrono can represent (years -262143 to
/// 262142), so it always converts to a `DateTime<Utc>`. It compares with
/// and subtracts from `DateTime<Utc>` directly.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use learnloop::Timestamp;
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let t = Timestamp::from(now) + TimeDelta::minutes(10);
/// assert!(t > now);
/// assert_eq!(t - now, TimeDelta::minutes(10));
/// assert_eq!(t.to_string(), "2026-01-05T09:10:00Z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The earliest instant chrono represents.
    pub const MIN: Timestamp = Timestamp(DateTime::<Utc>::MIN_UTC.timestamp_micros());
    /// The latest instant chrono represents.
    pub const MAX: Timestamp = Timestamp(DateTime::<Utc>::MAX_UTC.timestamp_micros());
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp(0);

    /// The instant `micros` microseconds after the Unix epoch, if it lies
    /// within [`Timestamp::MIN`] ..= [`Timestamp::MAX`].
    pub const fn from_micros(micros: i64) -> Option<Timestamp> {
        if micros >= Self::MIN.0 && micros <= Self::MAX.0 {
            Some(Timestamp(micros))
        } else {
            None
        }
    }

    /// Microseconds since the Unix epoch.
    pub const fn as_micros(self) -> i64 {
        self.0
    }

    /// The same instant as a `DateTime<Utc>`.
    pub fn to_datetime(self) -> DateTime<Utc> {
        // In range by construction.
        DateTime::from_timestamp_micros(self.0).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// Whole days from `earlier` to `self`, rounded toward zero (negative
    /// when `earlier` is later).
    #[inline]
    pub const fn whole_days_since(self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0) / MICROS_PER_DAY
    }

    /// `self` plus `delay`, if the result is representable.
    #[inline]
    pub fn checked_add(self, delay: TimeDelta) -> Option<Timestamp> {
        let micros = delay.num_microseconds()?;
        self.0.checked_add(micros).and_then(Timestamp::from_micros)
    }

    /// `self` plus whole days, if the result is representable.
    #[inline]
    pub fn checked_add_days(self, days: u32) -> Option<Timestamp> {
        Timestamp::from_micros(self.0 + i64::from(days) * MICROS_PER_DAY)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    /// Truncates to the microsecond (chrono keeps nanoseconds).
    fn from(t: DateTime<Utc>) -> Self {
        Timestamp(t.timestamp_micros())
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(t: Timestamp) -> Self {
        t.to_datetime()
    }
}

impl PartialEq<DateTime<Utc>> for Timestamp {
    fn eq(&self, other: &DateTime<Utc>) -> bool {
        *self == Timestamp::from(*other)
    }
}

impl PartialEq<Timestamp> for DateTime<Utc> {
    fn eq(&self, other: &Timestamp) -> bool {
        Timestamp::from(*self) == *other
    }
}

impl PartialOrd<DateTime<Utc>> for Timestamp {
    fn partial_cmp(&self, other: &DateTime<Utc>) -> Option<Ordering> {
        Some(self.cmp(&Timestamp::from(*other)))
    }
}

impl PartialOrd<Timestamp> for DateTime<Utc> {
    fn partial_cmp(&self, other: &Timestamp) -> Option<Ordering> {
        Some(Timestamp::from(*self).cmp(other))
    }
}

impl std::ops::Add<TimeDelta> for Timestamp {
    type Output = Timestamp;
    /// Panics past the representable range, as chrono's `+` does.
    fn add(self, delay: TimeDelta) -> Timestamp {
        self.checked_add(delay)
            .expect("`Timestamp + TimeDelta` overflowed")
    }
}

impl std::ops::Sub<TimeDelta> for Timestamp {
    type Output = Timestamp;
    /// Panics past the representable range, as chrono's `-` does.
    fn sub(self, delay: TimeDelta) -> Timestamp {
        self.checked_add(-delay)
            .expect("`Timestamp - TimeDelta` overflowed")
    }
}

impl std::ops::Sub for Timestamp {
    type Output = TimeDelta;
    fn sub(self, earlier: Timestamp) -> TimeDelta {
        TimeDelta::microseconds(self.0 - earlier.0)
    }
}

impl std::ops::Sub<DateTime<Utc>> for Timestamp {
    type Output = TimeDelta;
    fn sub(self, earlier: DateTime<Utc>) -> TimeDelta {
        self - Timestamp::from(earlier)
    }
}

impl std::ops::Sub<Timestamp> for DateTime<Utc> {
    type Output = TimeDelta;
    fn sub(self, earlier: Timestamp) -> TimeDelta {
        Timestamp::from(self) - earlier
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC, as chrono writes it (`2026-01-05T09:00:00Z`, with a
    /// fraction only when there is one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match crate::json::utc::fast_format(&self.to_datetime()) {
            // ASCII digits and separators.
            Some(b) => f.write_str(std::str::from_utf8(&b).unwrap_or_default()),
            None => f.write_str(
                &self
                    .to_datetime()
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            ),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::json::utc::serialize(&self.to_datetime(), s)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::json::utc::deserialize(d).map(Timestamp::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    proptest! {
        /// Whole days, additions and conversions agree with chrono on any
        /// microsecond across most of chrono's range.
        #[test]
        fn arithmetic_matches_chrono(
            a in -8_000_000_000_000_000i64..8_000_000_000_000_000,
            b in -8_000_000_000_000_000i64..8_000_000_000_000_000,
            days in 0u32..4_000_000,
            delay in -1_000_000_000_000_000i64..1_000_000_000_000_000,
        ) {
            let (x, y) = (Timestamp(a), Timestamp(b));
            let (dx, dy) = (x.to_datetime(), y.to_datetime());
            prop_assert_eq!(Timestamp::from(dx), x);
            prop_assert_eq!(y.whole_days_since(x), (dy - dx).num_days());
            prop_assert_eq!(
                x.checked_add_days(days).map(Timestamp::to_datetime),
                dx.checked_add_signed(TimeDelta::days(i64::from(days)))
            );
            let delay = TimeDelta::microseconds(delay);
            prop_assert_eq!(x.checked_add(delay).map(Timestamp::to_datetime), dx.checked_add_signed(delay));
            prop_assert_eq!(x.to_string(), dx.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        }
    }

    #[test]
    fn the_range_is_chronos() {
        assert_eq!(
            Timestamp::MAX.to_datetime(),
            DateTime::<Utc>::MAX_UTC - TimeDelta::nanoseconds(999)
        );
        assert_eq!(Timestamp::MIN.to_datetime(), DateTime::<Utc>::MIN_UTC);
        assert_eq!(Timestamp::from_micros(Timestamp::MAX.0 + 1), None);
        assert_eq!(Timestamp::MAX.checked_add_days(1), None);
        assert_eq!(
            Timestamp::MIN.checked_add(TimeDelta::microseconds(-1)),
            None
        );
        let t = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        assert_eq!(
            crate::json::to_json(&Timestamp::from(t)),
            "\"2026-01-05T09:00:00Z\""
        );
        let back: Timestamp = crate::json::from_json("\"2026-01-05T10:00:00+01:00\"").unwrap();
        assert_eq!(back, t);
    }
}
