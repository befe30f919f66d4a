//! The transcendental functions the models use, in one portable place.
//!
//! Derived state folded from the same events must be the same bits on every
//! device, so nothing here calls the platform's C library (whose `exp`/`log`
//! differ in the last bit between glibc, Apple, Windows and wasm). `exp` and
//! `ln` are table-driven reductions evaluated with plain IEEE-754 double
//! arithmetic (no FMA, no platform intrinsics), which every target computes
//! identically; their small tables are filled once from the `libm` crate
//! (itself pure Rust), and inputs outside the fast range (non-finite, huge,
//! subnormal, non-positive) go to `libm` directly.
//!
//! Why not `libm` for everything: its `exp`/`log`/`pow` (FreeBSD msun ports)
//! take 33-95 ns each when their results feed each other, and a review chains
//! three of them; these take a few nanoseconds. Accuracy, checked against
//! `libm` in the tests below: `exp` and `ln` within 2 ulp, `ln_1p`, `expm1`
//! and `pow` within 4e-14 relative (py-fsrs, the reference, is matched to 1e-4).
//!
//! Method: exp(x) = 2^(k/128) * e^r with |r| <= ln2/256 (a degree-5 Taylor
//! tail); ln(x) = k ln2 + ln(c_i) + ln(1 + (z - c_i)/c_i) with z = x / 2^k in
//! [0.6875, 1.375), c_i the centre of one of 128 subintervals and a degree-8
//! series. This is the
//! standard table-driven scheme (Tang, "Table-driven implementation of the
//! exponential function in IEEE floating-point arithmetic", ACM TOMS 1989;
//! and "... of the logarithm function", ACM TOMS 1990).

/// Table size of both reductions: 2^7 entries.
const TABLE_BITS: u32 = 7;
const N: usize = 1 << TABLE_BITS;

/// The logarithm reduces x to z = x / 2^k in [LN_OFF, 2 LN_OFF); subinterval
/// i of z (by the top 7 mantissa bits of x - LN_OFF) has centre c_i.
const LN_OFF: u64 = 0x3fe6_0000_0000_0000; // 0.6875
const fn ln_centre(i: usize) -> f64 {
    f64::from_bits(LN_OFF + ((i as u64) << (52 - TABLE_BITS)) + (1 << (51 - TABLE_BITS)))
}
/// 1 / c_i (IEEE division, the same on every target).
static LN_INV: [f64; N] = {
    let mut t = [0.0; N];
    let mut i = 0;
    while i < N {
        t[i] = 1.0 / ln_centre(i);
        i += 1;
    }
    t
};

// `EXP_TABLE` (bits of 2^(j/128), less j << 45 so that adding k << 45 for
// k = 128 e + j yields the bits of 2^(k/128) directly) and `LN_TABLE`
// (ln c_i), both from `libm`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/math_tables.rs"));

// ln 2 split so that k * LN2_HI is exact for |k| < 2^20 (FreeBSD msun's split).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const INV_LN2_N: f64 = N as f64 / std::f64::consts::LN_2;
/// Adding 1.5 * 2^52 rounds to an integer held in the low mantissa bits.
const ROUND_SHIFT: f64 = 6_755_399_441_055_744.0;

/// SplitMix64 (G. L. Steele, D. Lea & C. H. Flood, "Fast splittable
/// pseudorandom number generators", OOPSLA 2014): a tiny generator whose
/// sequence is fixed by its seed on every platform, for draws that must
/// replay identically (the adaptive engine's Thompson sampling).
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) from the top 53 bits.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// e^x.
#[inline]
pub(crate) fn exp(x: f64) -> f64 {
    // Inside +-708 the result is a normal number; the rest (and NaN) goes to libm.
    if x.abs() >= 708.0 || x.is_nan() {
        return libm::exp(x);
    }
    let shifted = x * INV_LN2_N + ROUND_SHIFT;
    let ki = shifted.to_bits();
    let kd = shifted - ROUND_SHIFT;
    let r = (x - kd * (LN2_HI / N as f64)) - kd * (LN2_LO / N as f64);
    // e^r - 1 for |r| <= ln2/256 to degree 5 (next term below 2^-60), Estrin's scheme.
    let r2 = r * r;
    let tail = r + r2 * (0.5 + r * (1.0 / 6.0)) + (r2 * r2) * (1.0 / 24.0 + r * (1.0 / 120.0));
    let scale =
        f64::from_bits(EXP_TABLE[(ki as usize) & (N - 1)].wrapping_add(ki << (52 - TABLE_BITS)));
    scale + scale * tail
}

/// ln(1 + r) for |r| < 1/64, as a series to r^8 (error below 2^-51 relative,
/// below 2^-60 for |r| < 1/128).
#[inline]
fn ln_1p_series(r: f64) -> f64 {
    let r2 = r * r;
    let r4 = r2 * r2;
    r + r2 * (-0.5 + r * (1.0 / 3.0))
        + r4 * ((-0.25 + r * 0.2) + r2 * (-1.0 / 6.0 + r * (1.0 / 7.0)))
        + r4 * r4 * -0.125
}

/// Natural logarithm.
#[inline]
pub(crate) fn ln(x: f64) -> f64 {
    if !(f64::MIN_POSITIVE..f64::INFINITY).contains(&x) {
        return libm::log(x);
    }
    // Near 1 the table terms would cancel; the series alone is exact enough.
    if x > 1.0 - 1.0 / 256.0 && x < 1.0 + 1.0 / 128.0 {
        return ln_1p_series(x - 1.0);
    }
    let ix = x.to_bits();
    let tmp = ix.wrapping_sub(LN_OFF);
    let i = ((tmp >> (52 - TABLE_BITS)) as usize) & (N - 1);
    let k = (tmp as i64) >> 52;
    let z = f64::from_bits(ix.wrapping_sub(tmp & (0xfff << 52)));
    // z and c_i are within a factor of 2, so z - c_i is exact (Sterbenz).
    let r = (z - ln_centre(i)) * LN_INV[i];
    let kd = k as f64;
    kd * LN2_HI + (kd * LN2_LO + LN_TABLE[i] + ln_1p_series(r))
}

/// ln(1 + x), accurate near 0.
#[inline]
pub(crate) fn ln_1p(x: f64) -> f64 {
    if x.abs() < 1.0 / 64.0 {
        ln_1p_series(x)
    } else {
        ln(1.0 + x)
    }
}

/// e^x - 1, accurate near 0.
#[inline]
pub(crate) fn expm1(x: f64) -> f64 {
    if x.abs() < 1.0 / 64.0 {
        // Taylor series to x^8 (the next term is below 2^-60 relative), Estrin's scheme.
        let x2 = x * x;
        let x4 = x2 * x2;
        x + x2 * (0.5 + x * (1.0 / 6.0))
            + x4 * ((1.0 / 24.0 + x * (1.0 / 120.0)) + x2 * (1.0 / 720.0 + x * (1.0 / 5040.0)))
            + x4 * x4 * (1.0 / 40320.0)
    } else {
        exp(x) - 1.0
    }
}

/// x^y for x > 0.
#[inline]
pub(crate) fn pow(x: f64, y: f64) -> f64 {
    exp(y * ln(x))
}

/// Round half to even (Python's `round`, which py-fsrs applies to intervals).
///
/// Adding 2^52 to a magnitude below 2^52 leaves no bits below the unit, so
/// the addition itself rounds to the nearest integer, ties to even (IEEE-754
/// round-to-nearest, the mode every target runs in); subtracting 2^52 again
/// is exact. Larger magnitudes are integers already. The same result as
/// `libm::rint` (checked in the tests below), without its call.
#[inline]
pub(crate) fn round_half_even(x: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let magnitude = x.abs();
    if magnitude < TWO_52 {
        ((magnitude + TWO_52) - TWO_52).copysign(x)
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic spread of inputs (SplitMix64).
    fn samples(n: usize, lo: f64, hi: f64, seed: u64) -> impl Iterator<Item = f64> {
        let mut s = seed;
        (0..n).map(move |_| {
            s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            lo + (hi - lo) * ((z >> 11) as f64 / (1u64 << 53) as f64)
        })
    }

    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exp_within_two_ulp_of_libm() {
        for x in samples(400_000, -707.0, 707.0, 1).chain(samples(400_000, -2.0, 2.0, 2)) {
            assert!(
                ulps(exp(x), libm::exp(x)) <= 2,
                "exp({x}) = {} vs {}",
                exp(x),
                libm::exp(x)
            );
        }
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(-1000.0), 0.0);
        assert_eq!(exp(1000.0), f64::INFINITY);
    }

    #[test]
    fn ln_within_two_ulp_of_libm() {
        let wide = samples(400_000, -700.0, 700.0, 3).map(libm::exp);
        for x in wide
            .chain(samples(400_000, 0.5, 2.0, 4))
            .chain(samples(100_000, 0.99, 1.01, 5))
        {
            assert!(
                ulps(ln(x), libm::log(x)) <= 2,
                "ln({x}) = {} vs {}",
                ln(x),
                libm::log(x)
            );
        }
        assert_eq!(ln(1.0), 0.0);
        assert!(ln(-1.0).is_nan());
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        assert_eq!(ln(5e-324), libm::log(5e-324));
    }

    fn rel(a: f64, b: f64) -> f64 {
        if a == b { 0.0 } else { (a - b).abs() / b.abs() }
    }

    #[test]
    fn derived_functions_are_accurate() {
        for x in samples(200_000, -0.9, 5.0, 6).chain(samples(100_000, -0.02, 0.02, 7)) {
            assert!(rel(ln_1p(x), libm::log1p(x)) < 4e-14, "ln_1p({x})");
        }
        for x in samples(200_000, -30.0, 30.0, 8).chain(samples(100_000, -0.02, 0.02, 9)) {
            assert!(rel(expm1(x), libm::expm1(x)) < 4e-14, "expm1({x})");
        }
        for (x, y) in samples(200_000, 0.001, 1e5, 10).zip(samples(200_000, -10.0, 10.0, 11)) {
            assert!(rel(pow(x, y), libm::pow(x, y)) < 4e-14, "pow({x}, {y})");
        }
    }

    #[test]
    fn round_half_even_is_rint() {
        let halves = (0..2_000).map(|i| f64::from(i) / 2.0);
        let edges = [
            0.0,
            -0.0,
            0.49999999999999994,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9_007_199_254_740_993.0,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
        ];
        let all = halves
            .chain(edges)
            .chain(samples(200_000, -1e6, 1e6, 11))
            .chain(samples(10_000, -1e17, 1e17, 12));
        for x in all.flat_map(|x| [x, -x]) {
            assert_eq!(round_half_even(x).to_bits(), libm::rint(x).to_bits(), "{x}");
        }
        assert!(round_half_even(f64::NAN).is_nan());
        assert_eq!(round_half_even(2.5), 2.0);
        assert_eq!(round_half_even(3.5), 4.0);
    }

    #[test]
    fn tables_are_libm_values() {
        for j in 0..N {
            let want = libm::exp2(j as f64 / N as f64).to_bits();
            assert_eq!(
                EXP_TABLE[j].wrapping_add((j as u64) << (52 - TABLE_BITS)),
                want
            );
            assert_eq!(LN_TABLE[j].to_bits(), libm::log(ln_centre(j)).to_bits());
        }
    }

    #[test]
    fn results_are_pinned() {
        // A change to the method or the tables moves these bits: then every
        // stored derived state would change too, so it must be deliberate.
        assert_eq!(exp(1.0).to_bits(), std::f64::consts::E.to_bits());
        assert_eq!(ln(2.0).to_bits(), std::f64::consts::LN_2.to_bits());
        assert_eq!(ln(10.0).to_bits(), std::f64::consts::LN_10.to_bits());
        assert_eq!(pow(0.9, 1.0 / -0.1542).to_bits(), 0x3fff_af7f_ce44_10f7);
    }
}
