//! A drop-in mirror of the fsrs-rs scheduling API.
//!
//! Code written against the `fsrs` crate (fsrs-rs) switches by changing its
//! import from `use fsrs::{...}` to `use learnloop::srs::compat::{...}`: the
//! same names, the same `f32` fields and the same meaning. Internally every
//! computation runs in `f64` through [`super::Fsrs`], whose results agree
//! with the reference implementation to 1e-4.
//!
//! Differences, on purpose: parameters outside the reference bounds are
//! rejected with an error naming the index (fsrs-rs clamps them silently);
//! ratings outside 1-4 and an empty history are errors (fsrs-rs gives rating 0
//! a "manual entry" meaning and returns a zero state for no history).
//!
//! ```
//! use learnloop::srs::compat::{FSRS, FSRSItem, FSRSReview, MemoryState};
//!
//! let fsrs = FSRS::new(&[])?; // the default parameters
//! let next = fsrs.next_states(None, 0.9, 0)?;
//! assert_eq!(next.good.memory.stability, 2.3065);
//!
//! let item = FSRSItem {
//!     reviews: vec![
//!         FSRSReview { rating: 1, delta_t: 0 },
//!         FSRSReview { rating: 3, delta_t: 1 },
//!     ],
//! };
//! let state: MemoryState = fsrs.memory_state(item, None)?;
//! assert!(state.stability > 0.212);
//! # Ok::<(), learnloop::Error>(())
//! ```

use super::model::ReviewDelta;
use super::params::{DEFAULT_DESIRED_RETENTION, Parameters};
use super::{Fsrs, Rating};
use crate::Error;

/// `Result` with learnloop's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The default FSRS-6 parameters, as `f32`.
pub static DEFAULT_PARAMETERS: [f32; 21] = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];
/// The decay of FSRS-4.5 and FSRS-5.
pub const FSRS5_DEFAULT_DECAY: f32 = 0.5;
/// The default decay of FSRS-6.
pub const FSRS6_DEFAULT_DECAY: f32 = 0.1542;

/// Stability and difficulty, in `f32`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MemoryState {
    /// Days until recall probability falls to 90 %.
    pub stability: f32,
    /// Difficulty, 1 to 10.
    pub difficulty: f32,
}

impl From<MemoryState> for super::MemoryState {
    fn from(m: MemoryState) -> Self {
        super::MemoryState {
            stability: widen(m.stability),
            difficulty: widen(m.difficulty),
        }
    }
}

impl From<super::MemoryState> for MemoryState {
    fn from(m: super::MemoryState) -> Self {
        MemoryState {
            stability: m.stability as f32,
            difficulty: m.difficulty as f32,
        }
    }
}

/// One review: its rating (1-4) and whole days since the previous review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FSRSReview {
    /// 1 (Again) to 4 (Easy).
    pub rating: u32,
    /// Days since the previous review (0: the same day; ignored for the first).
    pub delta_t: u32,
}

/// A card's review history, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FSRSItem {
    /// The reviews.
    pub reviews: Vec<FSRSReview>,
}

/// The memory state and unrounded interval after one rating.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ItemState {
    /// The memory state.
    pub memory: MemoryState,
    /// Interval in days, not rounded.
    pub interval: f32,
}

/// The outcome of each rating.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NextStates {
    /// After Again.
    pub again: ItemState,
    /// After Hard.
    pub hard: ItemState,
    /// After Good.
    pub good: ItemState,
    /// After Easy.
    pub easy: ItemState,
}

/// The FSRS model with fsrs-rs's method signatures.
#[derive(Debug, Clone, Default)]
pub struct FSRS {
    inner: Fsrs,
}

/// `f32` to the `f64` with the same shortest decimal form, so that `0.9f32`
/// means 0.9 and not 0.899999976158...
fn widen(x: f32) -> f64 {
    if !x.is_finite() {
        return f64::from(x);
    }
    x.to_string().parse().unwrap_or(f64::from(x))
}

fn widen_retention(x: f32) -> f64 {
    if x == DEFAULT_DESIRED_RETENTION as f32 {
        DEFAULT_DESIRED_RETENTION
    } else {
        widen(x)
    }
}

impl FSRS {
    /// A model from 0 (defaults), 17, 19 or 21 parameters.
    pub fn new(parameters: &[f32]) -> Result<Self> {
        if parameters.is_empty() {
            return Ok(FSRS::default());
        }
        let wide: Vec<f64> = parameters.iter().copied().map(widen).collect();
        Ok(FSRS {
            inner: Fsrs::from_parameters(Parameters::new(&wide)?),
        })
    }

    /// The next memory state and interval for each rating (see [`Fsrs::next_states`]).
    pub fn next_states(
        &self,
        current_memory_state: Option<MemoryState>,
        desired_retention: f32,
        days_elapsed: u32,
    ) -> Result<NextStates> {
        let n = self.inner.next_states(
            current_memory_state.map(Into::into),
            widen_retention(desired_retention),
            days_elapsed,
        )?;
        let item = |s: super::ItemState| ItemState {
            memory: s.memory.into(),
            interval: s.interval as f32,
        };
        Ok(NextStates {
            again: item(n.again),
            hard: item(n.hard),
            good: item(n.good),
            easy: item(n.easy),
        })
    }

    /// The memory state after `item`'s reviews, optionally continuing from
    /// `starting_state` (see [`Fsrs::memory_state`]).
    pub fn memory_state(
        &self,
        item: FSRSItem,
        starting_state: Option<MemoryState>,
    ) -> Result<MemoryState> {
        let history = item
            .reviews
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Rating::try_from(r.rating)
                    .map(|rating| ReviewDelta {
                        rating,
                        days_elapsed: r.delta_t,
                    })
                    .map_err(|_| {
                        Error::invalid(
                            format!("reviews[{i}].rating"),
                            format!("{} is not a rating 1-4", r.rating),
                        )
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        let state = match starting_state {
            Some(start) => self.inner.memory_state_from(start.into(), history)?,
            None => self.inner.memory_state(history)?,
        };
        Ok(state.into())
    }

    /// The unrounded interval for a stability (or a new card's rating).
    /// Unlike fsrs-rs, a stability or retention out of range is an error,
    /// not a non-finite interval.
    pub fn next_interval(
        &self,
        stability: Option<f32>,
        desired_retention: f32,
        rating: u32,
    ) -> Result<f32> {
        let rating = Rating::try_from(rating.clamp(1, 4)).unwrap_or(Rating::Good);
        let days = self.inner.next_interval(
            stability.map(f64::from),
            widen_retention(desired_retention),
            rating,
        )?;
        Ok(days as f32)
    }

    /// A memory state approximated from SM-2's ease and interval.
    pub fn memory_state_from_sm2(
        &self,
        ease_factor: f32,
        interval: f32,
        sm2_retention: f32,
    ) -> Result<MemoryState> {
        self.inner
            .memory_state_from_sm2(widen(ease_factor), widen(interval), widen(sm2_retention))
            .map(Into::into)
    }
}

/// Probability of recall of `state` after `days_elapsed` days with decay `decay` (w20).
pub fn current_retrievability(state: MemoryState, days_elapsed: f32, decay: f32) -> f32 {
    let decay = -widen(decay);
    let factor = crate::math::pow(0.9, 1.0 / decay) - 1.0;
    crate::math::pow(
        1.0 + f64::from(days_elapsed) / f64::from(state.stability) * factor,
        decay,
    ) as f32
}
