//! Fast, vectorisable `exp` and `ln` for the buyers' choice loop.
//!
//! The standard library's `exp` is a call into libm that the compiler cannot vectorise; the logit
//! choice evaluates one exponential per buyer and vendor, so that call would dominate a round.
//! These versions use only additions, multiplications and bit operations (never a fused
//! multiply-add), so they vectorise and give the same bits on every x86-64 or ARM machine and at
//! every vector width: results do not depend on the machine a run is on.

/// Coefficients of a degree-11 Chebyshev fit of `exp` on [-ln2/2, ln2/2] (max error 3.2e-18),
/// ascending powers.
const EXP_C: [f64; 12] = [
    1.0,
    1.0,
    0.500_000_000_000_001_9,
    0.166_666_666_666_666_8,
    0.041_666_666_666_488_1,
    0.008_333_333_333_319_601,
    0.001_388_888_895_231_477_5,
    0.000_198_412_698_900_471_13,
    2.480_148_548_232_849_4e-5,
    2.755_724_091_857_897e-6,
    2.763_263_963_904_103e-7,
    2.511_003_760_596_377_7e-8,
];

/// `exp(x)` to about one ulp for x in [-700, 700]; inputs outside are clamped (so `exp(-inf)` is
/// about 1e-304, not 0: callers that need an exact zero mask it).
#[inline(always)]
pub fn exp_fast(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // 1.5 * 2^52: adding it rounds to an integer held in the low mantissa bits.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let x = if x < -700.0 { -700.0 } else { x };
    let x = if x > 700.0 { 700.0 } else { x };
    let kf = x * LOG2E + SHIFT;
    let k = kf - SHIFT;
    let ki = kf.to_bits().wrapping_sub(SHIFT.to_bits());
    let r = x - k * LN2_HI;
    let r = r - k * LN2_LO;
    // Even and odd parts in r^2: two short dependency chains instead of one long one.
    let r2 = r * r;
    let mut e = EXP_C[10];
    e = e * r2 + EXP_C[8];
    e = e * r2 + EXP_C[6];
    e = e * r2 + EXP_C[4];
    e = e * r2 + EXP_C[2];
    e = e * r2 + EXP_C[0];
    let mut o = EXP_C[11];
    o = o * r2 + EXP_C[9];
    o = o * r2 + EXP_C[7];
    o = o * r2 + EXP_C[5];
    o = o * r2 + EXP_C[3];
    o = o * r2 + EXP_C[1];
    let y = o * r + e;
    f64::from_bits(y.to_bits().wrapping_add(ki << 52))
}

/// `exp(x)` as [`exp_fast`] but with fused multiply-adds (`f64::mul_add`, exact on every
/// machine: one instruction where the CPU has FMA, a correctly rounded library call where it
/// does not), for the buyers' choice kernel: its vector builds for AVX-512, AVX2 + FMA and NEON
/// and its scalar build give the same bits.
#[inline(always)]
pub fn exp_fma(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let x = if x < -700.0 { -700.0 } else { x };
    let x = if x > 700.0 { 700.0 } else { x };
    let kf = x.mul_add(LOG2E, SHIFT);
    let k = kf - SHIFT;
    let ki = kf.to_bits().wrapping_sub(SHIFT.to_bits());
    let r = k.mul_add(-LN2_HI, x);
    let r = k.mul_add(-LN2_LO, r);
    let r2 = r * r;
    let mut e = EXP_C[10];
    e = e.mul_add(r2, EXP_C[8]);
    e = e.mul_add(r2, EXP_C[6]);
    e = e.mul_add(r2, EXP_C[4]);
    e = e.mul_add(r2, EXP_C[2]);
    e = e.mul_add(r2, EXP_C[0]);
    let mut o = EXP_C[11];
    o = o.mul_add(r2, EXP_C[9]);
    o = o.mul_add(r2, EXP_C[7]);
    o = o.mul_add(r2, EXP_C[5]);
    o = o.mul_add(r2, EXP_C[3]);
    o = o.mul_add(r2, EXP_C[1]);
    let y = o.mul_add(r, e);
    f64::from_bits(y.to_bits().wrapping_add(ki << 52))
}

/// Coefficients of h(z), z = s^2, with ln((1+s)/(1-s)) = 2s + s·z·h(z), fitted on
/// [0, (3 - 2·sqrt 2)^2] (max error 1.4e-20), ascending powers.
const LN_C: [f64; 9] = [
    0.666_666_666_666_666_6,
    0.399_999_999_999_999_9,
    0.285_714_285_714_353_6,
    0.222_222_222_198_587_34,
    0.181_818_185_936_567_62,
    0.153_845_751_323_300_97,
    0.133_356_386_698_398_22,
    0.116_881_236_428_631_1,
    0.118_819_972_029_614_58,
];

/// `ln(x)` to about two ulp for finite x > 0 in the normal range (x >= 2.3e-308). Not defined
/// for zero, negative or subnormal inputs: callers guarantee a positive sum of weights.
#[inline(always)]
pub fn ln_fast(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const SQRT_HALF_BITS: u64 = 0x3FE6_A09E_667F_3BCD;
    // Split x = m · 2^k with m in [sqrt(1/2), sqrt(2)).
    let bits = x.to_bits();
    let shifted = bits.wrapping_sub(SQRT_HALF_BITS);
    let k = ((shifted as i64) >> 52) as f64;
    let m = f64::from_bits(bits.wrapping_sub(shifted & 0xFFF0_0000_0000_0000));
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    let mut h = LN_C[8];
    h = h * z + LN_C[7];
    h = h * z + LN_C[6];
    h = h * z + LN_C[5];
    h = h * z + LN_C[4];
    h = h * z + LN_C[3];
    h = h * z + LN_C[2];
    h = h * z + LN_C[1];
    h = h * z + LN_C[0];
    let lnm = 2.0 * s + s * z * h;
    k * LN2_HI + (lnm + k * LN2_LO)
}

/// `x^y` for x >= 0 as exp(y·ln x) with the portable `exp` and `ln` above (relative error about
/// |y·ln x| ulp), so trends and volume demand give the same bits on every machine.
#[inline]
pub fn pow_fast(x: f64, y: f64) -> f64 {
    if x > 0.0 {
        exp_fast(y * ln_fast(x))
    } else if y > 0.0 {
        0.0
    } else if y == 0.0 {
        1.0
    } else {
        f64::INFINITY
    }
}

/// (e^x − 1)/x, 1 at x = 0, accurate near 0 where the quotient would cancel: a power series for
/// |x| < 0.5, the portable `exp` above beyond. For integrals such as ∫ t^−ε dt near ε = 1.
#[inline]
pub fn exprel(x: f64) -> f64 {
    if x.abs() < 0.5 {
        // Σ x^n/(n+1)!, n = 0..16: the first omitted term is below 2e-20 of the sum.
        let mut term = 1.0;
        let mut sum = 1.0;
        for n in 1..17 {
            term *= x / (n + 1) as f64;
            sum += term;
        }
        sum
    } else {
        (exp_fast(x) - 1.0) / x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, uniform_at};

    fn ulps(a: f64, b: f64) -> f64 {
        ((a - b) / (b.abs() * f64::EPSILON)).abs()
    }

    #[test]
    fn exp_fast_is_within_two_ulp_of_libm() {
        let key = crate::rng::round_key(1, Purpose::Strategy, 0);
        let mut worst: f64 = 0.0;
        for i in 0..1_000_000 {
            let x = -700.0 + 1400.0 * uniform_at(key, i);
            worst = worst.max(ulps(exp_fast(x), x.exp()));
        }
        for i in 0..100_000 {
            let x = -40.0 + 80.0 * i as f64 / 100_000.0;
            worst = worst.max(ulps(exp_fast(x), x.exp()));
        }
        assert!(worst <= 2.0, "worst error {worst} ulp");
        assert_eq!(exp_fast(0.0), 1.0);
    }

    #[test]
    fn pow_fast_matches_powf() {
        let key = crate::rng::round_key(3, Purpose::Strategy, 0);
        for i in 0..200_000 {
            let x = 1e-4 + 1e4 * uniform_at(key, 2 * i);
            let y = -5.0 + 10.0 * uniform_at(key, 2 * i + 1);
            let (a, b) = (pow_fast(x, y), x.powf(y));
            assert!(((a - b) / b).abs() < 1e-13, "{x}^{y}: {a} vs {b}");
        }
        assert_eq!(pow_fast(0.0, 2.0), 0.0);
        assert_eq!(pow_fast(0.0, 0.0), 1.0);
        assert_eq!(pow_fast(4.0, 0.5), 2.0);
    }

    #[test]
    fn exprel_is_accurate_near_zero_and_beyond() {
        for x in [
            -3.0f64, -0.7, -0.5, -0.3, -1e-3, -1e-9, 0.0, 1e-12, 1e-4, 0.2, 0.49, 0.5, 2.0, 30.0,
        ] {
            let exact = if x == 0.0 { 1.0 } else { x.exp_m1() / x };
            assert!(
                ((exprel(x) - exact) / exact).abs() < 1e-15,
                "exprel({x}) = {}",
                exprel(x)
            );
        }
    }

    #[test]
    fn exp_fma_is_within_two_ulp_of_libm() {
        let key = crate::rng::round_key(4, Purpose::Strategy, 0);
        let mut worst: f64 = 0.0;
        for i in 0..1_000_000 {
            let x = -700.0 + 1400.0 * uniform_at(key, i);
            worst = worst.max(ulps(exp_fma(x), x.exp()));
        }
        assert!(worst <= 2.0, "worst error {worst} ulp");
        assert_eq!(exp_fma(0.0), 1.0);
    }

    #[test]
    fn exp_fast_clamps_instead_of_overflowing() {
        assert!(exp_fast(1e6).is_finite());
        assert!(exp_fast(f64::NEG_INFINITY) >= 0.0);
        assert!(exp_fast(f64::NEG_INFINITY) < 1e-300);
    }

    #[test]
    fn ln_fast_is_within_two_ulp_of_libm() {
        let key = crate::rng::round_key(2, Purpose::Strategy, 0);
        let mut worst: f64 = 0.0;
        for i in 0..1_000_000 {
            // Log-uniform over [1e-300, 1e300].
            let x = (690.0 * (2.0 * uniform_at(key, i) - 1.0)).exp();
            let (a, b) = (ln_fast(x), x.ln());
            let err = if b.abs() < 1e-3 {
                (a - b).abs() / f64::EPSILON
            } else {
                ulps(a, b)
            };
            worst = worst.max(err);
        }
        for x in [
            1.0,
            2.0,
            0.5,
            std::f64::consts::E,
            10.0,
            1.0 + 1e-12,
            1.0 - 1e-12,
            1e-307,
        ] {
            let err = (ln_fast(x) - x.ln()).abs() / (f64::EPSILON * x.ln().abs().max(1.0));
            worst = worst.max(err);
        }
        assert!(worst <= 2.0, "worst error {worst} ulp");
        assert_eq!(ln_fast(1.0), 0.0);
    }
}
