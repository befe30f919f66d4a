//! Interval shaping after the scheduler has computed an interval: fuzz, load
//! balancing and easy days. All of it is deterministic: the "random" fuzz is
//! derived from the card id and its review count, so every platform that
//! reviews the same card the same way gets the same due date.

use super::ReviewContext;
use crate::time::MICROS_PER_DAY;
use serde::{Deserialize, Serialize};

/// Anki's fuzz ranges (also used by py-fsrs `FUZZ_RANGES`): the interval
/// `ivl` may move by `1 + sum(factor * max(min(ivl, end) - start, 0))` days.
const FUZZ_RANGES: [(f64, f64, f64); 3] = [
    (2.5, 7.0, 0.15),
    (7.0, 20.0, 0.1),
    (20.0, f64::INFINITY, 0.05),
];

/// The inclusive range `[min, max]` of days a fuzzed `interval` may land on,
/// never above `maximum_interval`. Intervals shorter than 2.5 days are not
/// fuzzed (`(interval, interval)`).
///
/// ```
/// use learnloop::srs::fuzz_range;
/// assert_eq!(fuzz_range(2, 36500), (2, 2));
/// assert_eq!(fuzz_range(10, 36500), (8, 12));
/// assert_eq!(fuzz_range(100, 36500), (93, 107));
/// ```
pub fn fuzz_range(interval: u32, maximum_interval: u32) -> (u32, u32) {
    let ivl = f64::from(interval);
    if ivl < 2.5 {
        return (interval, interval);
    }
    let delta = FUZZ_RANGES.iter().fold(1.0, |acc, &(start, end, factor)| {
        acc + factor * (ivl.min(end) - start).max(0.0)
    });
    // Python's round() (half to even), as py-fsrs computes the bounds.
    let min = (crate::math::round_half_even(ivl - delta) as u32).max(2);
    let max = (crate::math::round_half_even(ivl + delta) as u32).min(maximum_interval);
    (min.min(max), max)
}

/// A number in `[0, 1)` determined by the card id and its review count.
///
/// The card id is hashed with 64-bit FNV-1a, the review count mixed in, and the
/// result finished with SplitMix64; the top 53 bits give the fraction. The
/// recipe is fixed: changing it would move every fuzzed due date.
pub fn fuzz_factor(card_id: &str, reps: u32) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in card_id.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    crate::math::SplitMix64::new(h ^ u64::from(reps).wrapping_mul(0x9e37_79b9_7f4a_7c15)).next_f64()
}

/// Relative capacity of each weekday, Monday first, each in `[0, 1]`.
///
/// `1.0` is a normal day; `0.5` takes about half the load; `0.0` is avoided
/// whenever the fuzz range holds another day. Weekdays are UTC weekdays.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EasyDays(pub [f64; 7]);

impl Default for EasyDays {
    fn default() -> Self {
        EasyDays([1.0; 7])
    }
}

/// How many cards are already due on each coming day: `counts[k]` is the
/// number due in `[now + k days, now + k + 1 days)` (see [`super::forecast`]).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DueLoad {
    /// Due counts per day, starting with the day of the review.
    pub counts: Vec<u32>,
}

impl DueLoad {
    fn count(&self, day: u32) -> u32 {
        self.counts.get(day as usize).copied().unwrap_or(0)
    }
}

/// What every scheduler does to an interval it computed: cap it at the
/// maximum interval, then fuzz, load balancing and easy days (each off by
/// default; the options `enable_fuzzing`, `load_balancing`, `easy_days`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct IntervalShaping {
    /// The longest interval in days, at least 1.
    pub(crate) maximum_interval: u32,
    /// Spread due dates over the fuzz range (deterministic per card and review count).
    fuzz: bool,
    /// Choose the least-loaded day in the fuzz range when a [`DueLoad`] is given.
    load_balance: bool,
    /// Prefer lighter weekdays inside the fuzz range.
    easy_days: Option<EasyDays>,
}

impl IntervalShaping {
    /// The shaping a scheduler's options ask for, after checking them (the
    /// error names the option).
    pub(crate) fn new(
        maximum_interval: u32,
        enable_fuzzing: bool,
        load_balancing: bool,
        easy_days: Option<EasyDays>,
    ) -> crate::Result<Self> {
        if maximum_interval == 0 {
            return Err(crate::Error::invalid(
                "maximum_interval",
                "must be at least 1 day",
            ));
        }
        if let Some(EasyDays(w)) = &easy_days {
            for (i, v) in w.iter().enumerate() {
                if !(0.0..=1.0).contains(v) {
                    return Err(crate::Error::invalid(
                        format!("easy_days[{i}]"),
                        format!("{v} is outside [0, 1]"),
                    ));
                }
            }
        }
        Ok(IntervalShaping {
            maximum_interval,
            fuzz: enable_fuzzing,
            load_balance: load_balancing,
            easy_days,
        })
    }

    /// Shape a review interval of `interval` whole days for the card `card_id`
    /// after its `reps`-th review, in `context` (its time and due load).
    #[inline]
    pub(crate) fn apply(
        &self,
        interval: u32,
        card_id: &str,
        reps: u32,
        context: &ReviewContext<'_>,
    ) -> u32 {
        // `load` counts only when load balancing is on.
        let load = context.load.filter(|_| self.load_balance);
        if !(self.fuzz || load.is_some() || self.easy_days.is_some()) {
            return interval;
        }
        let balance = load.is_some();
        let (min, max) = fuzz_range(interval, self.maximum_interval);
        if min == max {
            return min;
        }
        if balance || self.easy_days.is_some() {
            let empty = DueLoad::default();
            let load = if balance {
                load.unwrap_or(&empty)
            } else {
                &empty
            };
            let weights = self.easy_days.unwrap_or_default().0;
            // Lowest (due count + 1) / weekday weight wins; ties go to the day
            // nearest the computed interval, then to the earlier day.
            // Days since 1970-01-01, a Thursday (weekday 3 counting from Monday).
            let today = context.now.as_micros().div_euclid(MICROS_PER_DAY);
            let score = |day: u32| -> f64 {
                let weekday = (today + i64::from(day) + 3).rem_euclid(7) as usize;
                let w = weights[weekday];
                if w <= 0.0 {
                    f64::INFINITY
                } else {
                    f64::from(load.count(day) + 1) / w
                }
            };
            return (min..=max)
                .min_by(|&a, &b| {
                    score(a)
                        .total_cmp(&score(b))
                        .then(a.abs_diff(interval).cmp(&b.abs_diff(interval)))
                        .then(a.cmp(&b))
                })
                .unwrap_or(interval);
        }
        // Anki: lower + floor(fuzz * (upper - lower + 1)), uniform over the range.
        let span = f64::from(max - min + 1);
        (min + (fuzz_factor(card_id, reps) * span) as u32).min(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono::Utc;

    fn at(now: chrono::DateTime<Utc>, load: Option<&DueLoad>) -> ReviewContext<'_> {
        ReviewContext {
            now: now.into(),
            load,
        }
    }

    #[test]
    fn fuzz_factor_is_stable_and_in_range() {
        // Pinned: a change here moves every fuzzed due date on every platform.
        // (Values of the recipe computed independently: FNV-1a, SplitMix64.)
        assert_eq!(fuzz_factor("card-1", 1), 0.2233646614856859);
        assert_eq!(fuzz_factor("x", 7), 0.5503305533426608);
        assert_eq!(fuzz_factor("card-1", 1), fuzz_factor("card-1", 1));
        assert_ne!(fuzz_factor("card-1", 1), fuzz_factor("card-1", 2));
        for reps in 0..1000 {
            let f = fuzz_factor("x", reps);
            assert!((0.0..1.0).contains(&f));
        }
    }

    #[test]
    fn fuzz_spreads_over_the_whole_range() {
        let shaping = IntervalShaping::new(36500, true, false, None).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..500 {
            seen.insert(shaping.apply(10, &format!("c{i}"), 3, &at(now, None)));
        }
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![8, 9, 10, 11, 12]);
    }

    #[test]
    fn load_balancing_picks_the_emptiest_day() {
        let shaping = IntervalShaping::new(36500, false, true, None).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
        let mut counts = vec![50; 20];
        counts[11] = 3;
        let load = DueLoad { counts };
        assert_eq!(shaping.apply(10, "c", 1, &at(now, Some(&load))), 11);
        // Without a histogram, load balancing alone leaves the interval exact.
        assert_eq!(shaping.apply(10, "c", 1, &at(now, None)), 10);
    }

    #[test]
    fn easy_days_avoid_zero_weight_days() {
        // 2026-01-05 is a Monday; +10 days is Thursday 2026-01-15.
        let now = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
        let mut w = [1.0; 7];
        w[3] = 0.0; // Thursday
        let shaping = IntervalShaping::new(36500, false, false, Some(EasyDays(w))).unwrap();
        let chosen = shaping.apply(10, "c", 1, &at(now, None));
        assert_ne!(chosen, 10);
        assert!((8..=12).contains(&chosen));
    }
}
