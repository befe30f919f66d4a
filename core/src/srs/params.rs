use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// The 21 default FSRS-6 parameters (w0..w20), as published with FSRS-6
/// (fsrs-rs 6.x `DEFAULT_PARAMETERS`, py-fsrs 6.x `DEFAULT_PARAMETERS`).
pub const DEFAULT_PARAMETERS: [f64; 21] = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];

/// The forgetting-curve decay FSRS-4.5 and FSRS-5 used (fixed at 0.5); filled in as
/// w20 when a 17- or 19-value vector is upgraded, as fsrs-rs does.
pub const FSRS5_DEFAULT_DECAY: f64 = 0.5;

/// The smallest stability any formula may return (py-fsrs `STABILITY_MIN`).
pub const STABILITY_MIN: f64 = 0.001;
/// The easiest difficulty.
pub const MIN_DIFFICULTY: f64 = 1.0;
/// The hardest difficulty.
pub const MAX_DIFFICULTY: f64 = 10.0;
/// The default desired retention.
pub const DEFAULT_DESIRED_RETENTION: f64 = 0.9;
/// The default maximum interval, in days (100 years).
pub const DEFAULT_MAXIMUM_INTERVAL: u32 = 36500;

const INITIAL_STABILITY_MAX: f64 = 100.0;

/// Allowed `[min, max]` of each parameter, as enforced by py-fsrs 6.3
/// (`LOWER_BOUNDS_PARAMETERS` / `UPPER_BOUNDS_PARAMETERS`).
pub const PARAMETER_BOUNDS: [(f64, f64); 21] = [
    (STABILITY_MIN, INITIAL_STABILITY_MAX),
    (STABILITY_MIN, INITIAL_STABILITY_MAX),
    (STABILITY_MIN, INITIAL_STABILITY_MAX),
    (STABILITY_MIN, INITIAL_STABILITY_MAX),
    (1.0, 10.0),
    (0.001, 4.0),
    (0.001, 4.0),
    (0.001, 0.75),
    (0.0, 4.5),
    (0.0, 0.8),
    (0.001, 3.5),
    (0.001, 5.0),
    (0.001, 0.25),
    (0.001, 0.9),
    (0.0, 4.0),
    (0.0, 1.0),
    (1.0, 6.0),
    (0.0, 2.0),
    (0.0, 2.0),
    (0.0, 0.8),
    (0.1, 0.8),
];

/// A validated set of 21 FSRS-6 parameters.
///
/// Build it from any FSRS generation with [`Parameters::new`]: 17 values
/// (FSRS-4.5) and 19 values (FSRS-5) are upgraded the way fsrs-rs
/// (`check_and_fill_parameters`) does, then every value is checked against
/// [`PARAMETER_BOUNDS`].
///
/// ```
/// use learnloop::srs::Parameters;
/// let p = Parameters::new(&learnloop::srs::DEFAULT_PARAMETERS)?;
/// assert_eq!(p.as_slice()[20], 0.1542);
///
/// let err = Parameters::new(&[1.0; 5]).unwrap_err();
/// assert_eq!(err.field(), "parameters");
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<f64>", into = "Vec<f64>")]
pub struct Parameters([f64; 21]);

impl Default for Parameters {
    fn default() -> Self {
        Parameters(DEFAULT_PARAMETERS)
    }
}

impl Parameters {
    /// Upgrade (if 17 or 19 values) and validate a parameter vector.
    pub fn new(values: &[f64]) -> Result<Self> {
        let w = upgrade(values)?;
        for (index, (&value, &(min, max))) in w.iter().zip(PARAMETER_BOUNDS.iter()).enumerate() {
            // `contains` is false for NaN, so NaN is rejected here too.
            if !(min..=max).contains(&value) {
                return Err(Error::ParameterOutOfRange {
                    index,
                    value,
                    min,
                    max,
                });
            }
        }
        Ok(Parameters(w))
    }

    /// The 21 values.
    pub fn as_slice(&self) -> &[f64; 21] {
        &self.0
    }

    /// The forgetting-curve decay (w20).
    pub fn decay(&self) -> f64 {
        self.0[20]
    }
}

impl TryFrom<Vec<f64>> for Parameters {
    type Error = Error;
    fn try_from(values: Vec<f64>) -> Result<Self> {
        Parameters::new(&values)
    }
}

impl From<Parameters> for Vec<f64> {
    fn from(p: Parameters) -> Vec<f64> {
        p.0.to_vec()
    }
}

/// Upgrade older parameter generations to the 21 values of FSRS-6.
///
/// FSRS-4.5 (17 values) used `D0(G) = w4 - (G - 3) * w5`; FSRS-5 switched to
/// `D0(G) = w4 - e^(w5 (G - 1)) + 1`, so w4, w5 and w6 are re-expressed (the
/// mapping fsrs-rs applies in `check_and_fill_parameters`): D0(Again) stays
/// exactly the same, the other initial difficulties approximately. FSRS-5 (19 values) lacks w19 (short-term
/// stability's dependence on S, 0 = none) and w20 (decay, fixed at 0.5 then).
fn upgrade(values: &[f64]) -> Result<[f64; 21]> {
    let mut w = [0.0; 21];
    match values.len() {
        21 => w.copy_from_slice(values),
        19 => {
            w[..19].copy_from_slice(values);
            w[19] = 0.0;
            w[20] = FSRS5_DEFAULT_DECAY;
        }
        17 => {
            w[..17].copy_from_slice(values);
            w[4] = values[5].mul_add(2.0, values[4]);
            w[5] = crate::math::ln(values[5].mul_add(3.0, 1.0)) / 3.0;
            w[6] = values[6] + 0.5;
            w[20] = FSRS5_DEFAULT_DECAY;
        }
        count => return Err(Error::ParameterCount { count }),
    }
    Ok(w)
}
