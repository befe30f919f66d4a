//! Hybrid logical clocks (Kulkarni, Demirbas et al., "Logical Physical
//! Clocks and Consistent Snapshots in Globally Distributed Databases", 2014):
//! a stamp is the physical time in milliseconds (48 bits) and a counter (16
//! bits) that orders events within one millisecond. Stamps only move
//! forward on a device, and a device that has seen a stamp issues later
//! ones after it, so the order of stamps respects what each device knew.
//!
//! Wall clocks are wrong in both directions. A stamp from the future (a
//! device whose clock says 2099) is adopted only up to the receiver's own
//! time plus [`MAX_CLOCK_SKEW`], so one bad clock cannot drag every other
//! device's stamps with it; how registers keep such a device from winning
//! every comparison is in [`super::register`].

use crate::{Error, Result, Timestamp};
use serde::{Deserialize, Serialize};

/// How far ahead of a device's own clock a stamp it receives may move its
/// clock: 24 hours. Clocks within a day of each other (time zones set
/// wrongly, a phone without network time) order as their stamps say; a
/// stamp further ahead moves the receiver by at most this much.
pub const MAX_CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::hours(24);

const COUNTER_BITS: u32 = 16;
const MAX_MILLIS: u64 = (1 << 48) - 1;

/// A hybrid-logical-clock stamp: milliseconds since 1970 (48 bits, about
/// 8,900 years) and a counter (16 bits), ordered as one `u64`.
///
/// ```
/// use learnloop::sync::Hlc;
/// let a = Hlc::new(1_767_600_000_000, 0)?;
/// let b = Hlc::new(1_767_600_000_000, 1)?;
/// assert!(a < b);
/// assert_eq!(Hlc::from_u64(b.as_u64()), b);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Hlc(u64);

impl Hlc {
    /// The earliest stamp.
    pub const ZERO: Hlc = Hlc(0);

    /// A stamp of `millis` since 1970 (at most 2^48 - 1) and `counter`.
    pub fn new(millis: u64, counter: u16) -> Result<Self> {
        if millis > MAX_MILLIS {
            return Err(Error::invalid(
                "hlc.millis",
                format!("{millis} is past the last representable millisecond, {MAX_MILLIS}"),
            ));
        }
        Ok(Hlc(millis << COUNTER_BITS | u64::from(counter)))
    }

    /// The stamp a `u64` holds (any `u64` is a stamp).
    pub const fn from_u64(bits: u64) -> Self {
        Hlc(bits)
    }

    /// The stamp as one `u64`, ordered as the stamps are.
    pub const fn as_u64(self) -> u64 {
        self.0
    }

    /// Milliseconds since 1970.
    pub const fn millis(self) -> u64 {
        self.0 >> COUNTER_BITS
    }

    /// The counter within the millisecond.
    pub const fn counter(self) -> u16 {
        (self.0 & ((1 << COUNTER_BITS) - 1)) as u16
    }

    /// The next stamp after this one in the same millisecond, or the first of
    /// the next millisecond when the counter is full (the last stamp, in the
    /// year 10,889, has no successor and stays).
    const fn successor(self) -> Hlc {
        Hlc(self.0.saturating_add(1))
    }
}

impl std::fmt::Display for Hlc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.millis(), self.counter())
    }
}

/// Milliseconds since 1970 of a time, within the stamps' range.
fn millis_of(t: Timestamp) -> u64 {
    (t.as_micros().div_euclid(1_000)).clamp(0, MAX_MILLIS as i64) as u64
}

/// A device's clock: issues stamps for its events and takes in the stamps
/// of events it receives.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use learnloop::sync::{Clock, Hlc};
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let mut clock = Clock::default();
/// let a = clock.tick(now);
/// let b = clock.tick(now);                  // the same millisecond: the counter orders them
/// assert!(b > a && b.millis() == a.millis());
/// // A stamp from a clock set to 2099 moves this clock by a day at most.
/// let future = Hlc::new(4_070_908_800_000, 0)?;
/// clock.observe(future, now);
/// let c = clock.tick(now);
/// assert!(c > b && c.millis() <= a.millis() + 86_400_000);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Clock {
    /// The latest stamp issued or adopted.
    last: Hlc,
}

impl Clock {
    /// A clock that has issued or adopted `last` (restored from storage).
    pub const fn resume(last: Hlc) -> Self {
        Clock { last }
    }

    /// The latest stamp issued or adopted.
    pub const fn last(&self) -> Hlc {
        self.last
    }

    /// The stamp of a new local event at `now` (the device's clock): later
    /// than every stamp this clock issued or adopted, and at `now` when
    /// that is later still.
    pub fn tick(&mut self, now: impl Into<Timestamp>) -> Hlc {
        let physical = Hlc(millis_of(now.into()) << COUNTER_BITS);
        self.last = physical.max(self.last.successor());
        self.last
    }

    /// Take in the stamp of a received event, at `now` on this device: the
    /// next local stamp comes after it, unless it is more than
    /// [`MAX_CLOCK_SKEW`] ahead of `now`, in which case the clock moves to
    /// `now` + the skew limit and no further.
    pub fn observe(&mut self, remote: Hlc, now: impl Into<Timestamp>) {
        let limit = now
            .into()
            .checked_add(MAX_CLOCK_SKEW)
            .unwrap_or(Timestamp::MAX);
        let limit = Hlc(millis_of(limit) << COUNTER_BITS);
        self.last = self.last.max(remote.min(limit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(millis: i64) -> Timestamp {
        Timestamp::from_micros(millis * 1_000).unwrap()
    }

    proptest! {
        #[test]
        fn stamps_only_move_forward(steps in prop::collection::vec((any::<bool>(), 0i64..4_000_000_000_000, any::<u64>()), 1..60)) {
            let mut clock = Clock::default();
            let mut previous = Hlc::ZERO;
            for (local, now, remote) in steps {
                if local {
                    let stamp = clock.tick(at(now));
                    prop_assert!(stamp > previous);
                    prop_assert!(stamp.millis() >= (now as u64).min(MAX_MILLIS));
                    previous = stamp;
                } else {
                    clock.observe(Hlc::from_u64(remote), at(now));
                    prop_assert!(clock.last() >= previous);
                    // The next local stamp follows what was observed, up to the skew limit.
                    let next = clock.tick(at(now));
                    let limit = (now as u64) + MAX_CLOCK_SKEW.num_milliseconds() as u64;
                    let adopted = Hlc::from_u64(remote).min(Hlc(limit << COUNTER_BITS));
                    prop_assert!(next > adopted);
                    previous = next;
                }
            }
        }
    }

    #[test]
    fn the_counter_overflows_into_the_next_millisecond() {
        let mut clock = Clock::resume(Hlc::new(1_000, u16::MAX).unwrap());
        let next = clock.tick(at(1_000));
        assert_eq!((next.millis(), next.counter()), (1_001, 0));
    }

    #[test]
    fn a_future_stamp_moves_a_clock_by_the_skew_limit_at_most() {
        let now = at(1_767_600_000_000);
        let mut clock = Clock::default();
        clock.observe(Hlc::new(4_070_908_800_000, 7).unwrap(), now);
        let stamp = clock.tick(now);
        assert_eq!(
            (stamp.millis(), stamp.counter()),
            (1_767_600_000_000 + 86_400_000, 1)
        );
    }

    #[test]
    fn stamps_out_of_range_are_refused() {
        assert_eq!(Hlc::new(1 << 48, 0).unwrap_err().field(), "hlc.millis");
    }
}
