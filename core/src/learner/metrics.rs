//! Measures of how well predicted probabilities match observed answers.

use super::clamp_probability;
use crate::error::{Error, Result};
use crate::math;

fn check_lengths(predicted: &[f64], observed: &[bool]) -> Result<()> {
    if predicted.len() != observed.len() {
        return Err(Error::invalid(
            "observed",
            format!(
                "{} outcomes for {} predictions; they must pair up",
                observed.len(),
                predicted.len()
            ),
        ));
    }
    if predicted.is_empty() {
        return Err(Error::invalid("predicted", "no predictions"));
    }
    if let Some(i) = predicted.iter().position(|p| !(0.0..=1.0).contains(p)) {
        return Err(Error::invalid(
            format!("predicted[{i}]"),
            format!("{} is not a probability", predicted[i]),
        ));
    }
    Ok(())
}

/// Area under the ROC curve: the probability that a randomly chosen correct
/// answer was predicted more likely than a randomly chosen wrong one (ties
/// count one half). 0.5 is chance, 1.0 a perfect ranking.
///
/// Computed from the rank-sum (Mann-Whitney U) statistic with average ranks
/// for ties (Hanley & McNeil, "The meaning and use of the area under a
/// receiver operating characteristic (ROC) curve", Radiology 1982).
///
/// ```
/// use learnloop::learner::metrics::auc;
/// let a = auc(&[0.9, 0.8, 0.3, 0.2], &[true, true, false, false])?;
/// assert_eq!(a, 1.0);
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn auc(predicted: &[f64], observed: &[bool]) -> Result<f64> {
    check_lengths(predicted, observed)?;
    let positives = observed.iter().filter(|&&o| o).count();
    let negatives = observed.len() - positives;
    if positives == 0 || negatives == 0 {
        return Err(Error::not_estimable(
            "observed",
            "the AUC needs at least one correct and one wrong answer",
        ));
    }
    let mut order: Vec<usize> = (0..predicted.len()).collect();
    order.sort_by(|&a, &b| predicted[a].total_cmp(&predicted[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && predicted[order[j + 1]] == predicted[order[i]] {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their average.
        let average = (i + j + 2) as f64 / 2.0;
        for &k in &order[i..=j] {
            if observed[k] {
                rank_sum += average;
            }
        }
        i = j + 1;
    }
    let p = positives as f64;
    Ok((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

/// Mean negative log-likelihood of the outcomes (natural log); lower is better.
pub fn log_loss(predicted: &[f64], observed: &[bool]) -> Result<f64> {
    check_lengths(predicted, observed)?;
    let total: f64 = predicted
        .iter()
        .zip(observed)
        .map(|(&p, &o)| {
            let p = clamp_probability(p);
            -math::ln(if o { p } else { 1.0 - p })
        })
        .sum();
    Ok(total / predicted.len() as f64)
}

/// Root mean squared error between the probabilities and the 0/1 outcomes.
pub fn rmse(predicted: &[f64], observed: &[bool]) -> Result<f64> {
    check_lengths(predicted, observed)?;
    let total: f64 = predicted
        .iter()
        .zip(observed)
        .map(|(&p, &o)| (p - f64::from(u8::from(o))).powi(2))
        .sum();
    Ok((total / predicted.len() as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half() {
        assert_eq!(auc(&[0.5, 0.5], &[true, false]).unwrap(), 0.5);
        assert_eq!(auc(&[0.1, 0.9], &[true, false]).unwrap(), 0.0);
        let a = auc(&[0.2, 0.6, 0.6, 0.9], &[false, true, false, true]).unwrap();
        assert!((a - 0.875).abs() < 1e-12);
    }

    #[test]
    fn bad_input_names_the_field() {
        assert_eq!(auc(&[0.5], &[true, false]).unwrap_err().field(), "observed");
        assert_eq!(auc(&[1.5], &[true]).unwrap_err().field(), "predicted[0]");
        assert_eq!(
            auc(&[0.5, 0.4], &[true, true]).unwrap_err().code(),
            "not_estimable"
        );
        assert!(log_loss(&[0.5], &[true]).unwrap() > 0.69);
        assert!((rmse(&[1.0, 0.0], &[true, false]).unwrap()).abs() < 1e-12);
    }
}
