//! Choosing the next item of an adaptive test or practice session from the
//! items' IRT parameters: maximum information or a success band, with
//! randomesque exposure control and an exposure cap.

use super::{ItemParameters, check_range};
use crate::error::{Error, Result};
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

crate::names::named_enum! {
    /// How [`ItemSelector`] ranks the items.
    #[derive(Default)]
    pub enum SelectionRule in "rule" {
        /// The item with the most Fisher information at the ability estimate:
        /// the fastest way to a precise ability.
        #[default]
        MaximumInformation = "maximum_information",
        /// An item whose success probability lies in the selector's band
        /// [`low`, `high`] (the most informative of those); if none does, the
        /// one closest to the band. Keeps practice neither boring nor
        /// discouraging.
        SuccessBand = "success_band",
    }
}

/// Chooses the next item of an adaptive test or practice session; its
/// fields are its settings, each with its documented default (in serialized
/// form every field may be omitted).
///
/// ```
/// use learnloop::learner::irt::{ItemParameters, ItemSelector, SelectionRule};
/// let items: Vec<ItemParameters> = [-2.0, 0.0, 2.0]
///     .iter()
///     .map(|&b| ItemParameters::new(1.0, b, 0.0))
///     .collect::<Result<_, _>>()?;
/// let selector = ItemSelector::new(SelectionRule::MaximumInformation);
/// // At θ = 0 the item of difficulty 0 informs most; item 1 is excluded once given.
/// assert_eq!(selector.select(&items, 0.0, &[], &[], 0, 7)?, Some(1));
/// assert_ne!(selector.select(&items, 0.0, &[1], &[], 0, 7)?, Some(1));
/// # Ok::<(), learnloop::Error>(())
/// ```
#[cfg_attr(
    feature = "tsify",
    derive(tsify::Tsify),
    tsify(missing_as_null, rename = "ItemSelectorOptions")
)]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
// Derived as inherent functions, wrapped by `checked_on_entry!` below.
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct ItemSelector {
    /// The ranking (maximum information).
    pub rule: SelectionRule,
    /// Lowest success probability of the success band ([`crate::learner::SUCCESS_BAND`]).
    pub low: f64,
    /// Highest success probability of the success band ([`crate::learner::SUCCESS_BAND`]).
    pub high: f64,
    /// Randomesque exposure control: draw uniformly among this many of the
    /// best-ranked items (1: always the best).
    pub randomesque: u32,
    /// Skip items already given in more than this share of sessions
    /// (when some item is under the cap), a share in (0, 1]; none by default.
    pub max_exposure_rate: Option<f64>,
}

crate::json::checked_on_entry!(ItemSelector, ItemSelector::check);

impl Default for ItemSelector {
    fn default() -> Self {
        ItemSelector {
            rule: SelectionRule::MaximumInformation,
            low: crate::learner::SUCCESS_BAND.0,
            high: crate::learner::SUCCESS_BAND.1,
            randomesque: 1,
            max_exposure_rate: None,
        }
    }
}

impl ItemSelector {
    /// The settings' own rules: at least one item drawn from, a success
    /// band within [0, 1], an exposure cap in (0, 1].
    fn check(&self) -> Result<()> {
        if self.randomesque == 0 {
            return Err(Error::invalid("randomesque", "must be at least 1"));
        }
        check_range("low", self.low, 0.0, 1.0)?;
        check_range("high", self.high, self.low, 1.0)?;
        if let Some(rate) = self.max_exposure_rate
            && !(rate > 0.0 && rate <= 1.0)
        {
            return Err(Error::invalid(
                "max_exposure_rate",
                format!("{rate} is not a share in (0, 1]"),
            ));
        }
        Ok(())
    }

    /// A selector with the given rule and every other setting at its default.
    pub fn new(rule: SelectionRule) -> Self {
        ItemSelector {
            rule,
            ..ItemSelector::default()
        }
    }

    /// The index of the next item, or `None` when every item was administered.
    ///
    /// - `administered`: items already given in this session (never chosen again);
    /// - `exposure`, `sessions`: how many past sessions gave each item and how
    ///   many sessions there were (empty and 0 to ignore exposure);
    /// - `seed`: the randomesque draw is a pure function of it.
    pub fn select(
        &self,
        items: &[ItemParameters],
        theta: f64,
        administered: &[usize],
        exposure: &[u64],
        sessions: u64,
        seed: u64,
    ) -> Result<Option<usize>> {
        check_range("theta", theta, -50.0, 50.0)?;
        self.check()?;
        if !exposure.is_empty() && exposure.len() != items.len() {
            return Err(Error::invalid(
                "exposure",
                format!("{} counts for {} items", exposure.len(), items.len()),
            ));
        }
        if let Some(&bad) = administered.iter().find(|&&i| i >= items.len()) {
            return Err(Error::invalid(
                "administered",
                format!("item {bad} does not exist ({} items)", items.len()),
            ));
        }
        let mut open: Vec<usize> = (0..items.len())
            .filter(|i| !administered.contains(i))
            .collect();
        if let (Some(rate), false, true) =
            (self.max_exposure_rate, exposure.is_empty(), sessions > 0)
        {
            let under: Vec<usize> = open
                .iter()
                .copied()
                .filter(|&i| (exposure[i] as f64) / (sessions as f64) < rate)
                .collect();
            if !under.is_empty() {
                open = under;
            }
        }
        if open.is_empty() {
            return Ok(None);
        }
        // Lower key = better; ties broken by index for determinism.
        let key = |i: usize| -> (f64, f64) {
            let info = items[i].info(theta);
            match self.rule {
                SelectionRule::MaximumInformation => (0.0, -info),
                SelectionRule::SuccessBand => {
                    let (low, high) = (self.low, self.high);
                    let p = items[i].p(theta);
                    let outside = if p < low {
                        low - p
                    } else if p > high {
                        p - high
                    } else {
                        0.0
                    };
                    (outside, -info)
                }
            }
        };
        let mut ranked: Vec<((f64, f64), usize)> = open.iter().map(|&i| (key(i), i)).collect();
        ranked.sort_by(|x, y| {
            x.0.0
                .total_cmp(&y.0.0)
                .then(x.0.1.total_cmp(&y.0.1))
                .then(x.1.cmp(&y.1))
        });
        let take = (self.randomesque as usize).min(ranked.len());
        let pick = if take == 1 {
            0
        } else {
            rand_chacha::ChaCha8Rng::seed_from_u64(seed).random_range(0..take)
        };
        Ok(Some(ranked[pick].1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_selection_prefers_items_inside_the_band() {
        let items: Vec<ItemParameters> = (0..9)
            .map(|i| ItemParameters::new(1.0, -2.0 + 0.5 * i as f64, 0.0).unwrap())
            .collect();
        let selector = ItemSelector::new(SelectionRule::SuccessBand);
        let chosen = selector
            .select(&items, 0.0, &[], &[], 0, 1)
            .unwrap()
            .unwrap();
        let p = items[chosen].probability(0.0).unwrap();
        assert!((0.7..=0.85).contains(&p), "p = {p}");
        // Exposure cap: the best item is over its cap, so another one is given.
        let capped = ItemSelector {
            max_exposure_rate: Some(0.2),
            ..ItemSelector::new(SelectionRule::MaximumInformation)
        };
        let mut exposure = vec![0; 9];
        exposure[4] = 50;
        assert_ne!(
            capped.select(&items, 0.0, &[], &exposure, 100, 1).unwrap(),
            Some(4)
        );
        assert_eq!(
            capped
                .select(&items, 0.0, &(0..9).collect::<Vec<_>>(), &[], 0, 1)
                .unwrap(),
            None
        );
        // Randomesque: different seeds spread over the top three.
        let spread = ItemSelector {
            randomesque: 3,
            ..ItemSelector::new(SelectionRule::MaximumInformation)
        };
        let picks: std::collections::BTreeSet<usize> = (0..50)
            .map(|s| spread.select(&items, 0.0, &[], &[], 0, s).unwrap().unwrap())
            .collect();
        assert_eq!(picks.into_iter().collect::<Vec<_>>(), vec![3, 4, 5]);
    }
}
