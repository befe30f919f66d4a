use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The learner's answer to a review.
///
/// Serialized as its number (1-4), as in Anki, fsrs-rs and py-fsrs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
#[repr(u8)]
pub enum Rating {
    /// Forgot: the answer was wrong or not recalled.
    Again = 1,
    /// Recalled with serious difficulty.
    Hard = 2,
    /// Recalled after some thought.
    Good = 3,
    /// Recalled effortlessly.
    Easy = 4,
}

impl Rating {
    /// All four ratings, from Again to Easy.
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// The rating's number, 1 (Again) to 4 (Easy).
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// Whether the answer counts as recalled (anything but Again).
    pub const fn is_pass(self) -> bool {
        !matches!(self, Rating::Again)
    }

    /// Ratings packed one per byte (1-4), as batch APIs take them from
    /// other languages; an invalid byte is an error naming `ratings[i]`.
    ///
    /// ```
    /// use learnloop::srs::Rating;
    /// assert_eq!(Rating::from_bytes(&[1, 4])?, vec![Rating::Again, Rating::Easy]);
    /// assert_eq!(Rating::from_bytes(&[3, 0]).unwrap_err().field(), "ratings[1]");
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Vec<Rating>> {
        bytes
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                Rating::try_from(b).map_err(|_| {
                    Error::invalid(
                        format!("ratings[{i}]"),
                        format!("{b} is not a rating from 1 to 4"),
                    )
                })
            })
            .collect()
    }
}

impl From<Rating> for u8 {
    fn from(r: Rating) -> u8 {
        r as u8
    }
}

impl TryFrom<i64> for Rating {
    type Error = Error;
    /// ```
    /// use learnloop::srs::Rating;
    /// assert_eq!(Rating::try_from(3i64)?, Rating::Good);
    /// assert!(Rating::try_from(0i64).is_err());
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    fn try_from(value: i64) -> Result<Self> {
        match value {
            1 => Ok(Rating::Again),
            2 => Ok(Rating::Hard),
            3 => Ok(Rating::Good),
            4 => Ok(Rating::Easy),
            _ => Err(Error::InvalidRating { value }),
        }
    }
}

impl TryFrom<u8> for Rating {
    type Error = Error;
    fn try_from(value: u8) -> Result<Self> {
        Rating::try_from(i64::from(value))
    }
}

impl TryFrom<u32> for Rating {
    type Error = Error;
    fn try_from(value: u32) -> Result<Self> {
        Rating::try_from(i64::from(value))
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        })
    }
}

crate::names::named_enum! {
    /// Where a card is in its life.
    ///
    /// Serialized by name (`"new"`, `"learning"`, `"review"`, `"relearning"`).
    #[derive(Default)]
    pub enum State in "state" {
        /// Never reviewed.
        #[default]
        New = "new",
        /// Being learned in short steps (minutes) before its first day-long interval.
        Learning = "learning",
        /// Scheduled in whole days.
        Review = "review",
        /// Forgotten during review and being relearned in short steps.
        Relearning = "relearning",
    }
}
