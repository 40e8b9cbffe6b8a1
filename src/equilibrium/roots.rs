//! Roots and maxima of functions of one price: bracketing from a start or near a guess, Brent's
//! method to machine precision, golden-section search.

/// Where a root is expected: near `at`, within about `within` of it (the last price of an
/// iteration and how far that price moved in its last step).
#[derive(Clone, Copy, Debug)]
pub(super) struct Near {
    pub(super) at: f64,
    pub(super) within: f64,
}

/// The root of `f` on [lo, ∞) where f turns from positive to negative (the first such root on a
/// doubling grid lo + scale·2^k), or `lo` when f(lo) <= 0. None when f stays positive (profit
/// rises without bound: demand inelastic everywhere).
///
/// With `near`, the sign change is first looked for at `near.at ± near.within`: an iteration
/// whose steps shrink then costs a few evaluations per root instead of a search from `lo` (the
/// root found is then the one the iteration has been following).
pub(super) fn falling_root(
    f: impl Fn(f64) -> f64,
    lo: f64,
    scale: f64,
    near: Option<Near>,
) -> Option<f64> {
    if let Some(Near { at: g, within: d }) = near
        && g - d > lo
        && d > 0.0
    {
        let fg = f(g);
        let x = if fg > 0.0 { g + d } else { g - d };
        let fx = f(x);
        if fg > 0.0 && fx <= 0.0 {
            return Some(brent(&f, g, fg, x, fx));
        }
        if fg <= 0.0 && fx > 0.0 {
            return Some(brent(&f, x, fx, g, fg));
        }
    }
    let f_lo = f(lo);
    if f_lo.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Some(lo);
    }
    let mut step = scale.max(1e-9);
    let (mut a, mut fa) = (lo, f_lo);
    let mut b = lo + step;
    let mut fb = f(b);
    let mut doublings = 0;
    while fb > 0.0 {
        (a, fa) = (b, fb);
        step *= 2.0;
        b = lo + step;
        doublings += 1;
        if doublings > 90 || !b.is_finite() {
            return None;
        }
        fb = f(b);
    }
    Some(brent(&f, a, fa, b, fb))
}

/// Brent's method on a bracket with f(a) = fa > 0 >= f(b) = fb: inverse quadratic interpolation
/// and secant steps, falling back to bisection; converges to machine precision in a few tens of
/// calls, fewer the narrower the bracket.
fn brent(f: &impl Fn(f64) -> f64, a0: f64, fa0: f64, b0: f64, fb0: f64) -> f64 {
    let (mut a, mut b) = (a0, b0);
    let (mut fa, mut fb) = (fa0, fb0);
    if fb == 0.0 {
        // f may be flat at zero beyond the root (no sales): shrink towards the last positive.
        for _ in 0..200 {
            let mid = 0.5 * (a + b);
            if mid <= a || mid >= b {
                break;
            }
            let fm = f(mid);
            if fm > 0.0 {
                a = mid;
                fa = fm;
            } else if fm < 0.0 {
                b = mid;
                fb = fm;
                break;
            } else {
                b = mid;
            }
        }
        if fb == 0.0 {
            return b;
        }
    }
    let (mut c, mut fc) = (a, fa);
    let (mut d, mut e) = (b - a, b - a);
    for _ in 0..200 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 1e-300;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return b;
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol * m.signum() };
        fb = f(b);
    }
    b
}

/// The expected location of a root, where the iteration has one.
pub(super) fn near(guess: Option<f64>, within: Option<f64>) -> Option<Near> {
    match (guess, within) {
        (Some(at), Some(w)) if at.is_finite() && w.is_finite() => Some(Near {
            at,
            // The next step of a contraction is shorter than the last; the floor keeps a
            // bracket around a price that has stopped moving.
            within: (2.0 * w).max(8.0 * f64::EPSILON * at.abs()),
        }),
        _ => None,
    }
}

/// The first bracketing step of a root search from `lo`: the distance to a guess of the root, or
/// the scale of `lo` itself.
pub(super) fn near_scale(lo: f64, guess: Option<f64>) -> f64 {
    match guess {
        Some(g) if g > lo => g - lo,
        _ => lo.abs().max(1e-3),
    }
}

/// Maximises a function that rises then falls on [lo, ∞) by golden-section search (for
/// objectives without derivatives). Returns the argmax.
pub fn maximise_unimodal(f: impl Fn(f64) -> f64, lo: f64, first_step: f64, tol: f64) -> f64 {
    let step0 = first_step.max(1e-12);
    let (mut a, mut b, mut c) = (lo, lo + step0, lo + 2.0 * step0);
    let (mut fb, mut fc) = (f(b), f(c));
    let mut step = step0;
    let mut guard = 0;
    while fc > fb && guard < 200 {
        a = b;
        b = c;
        fb = fc;
        step *= 2.0;
        c = b + step;
        fc = f(c);
        guard += 1;
    }
    if f(lo) >= fb {
        c = b;
        a = lo;
    }
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut x1, mut x2) = (c - g * (c - a), a + g * (c - a));
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..400 {
        if (c - a) <= tol * (a.abs() + c.abs()).max(1e-12) {
            break;
        }
        if f1 < f2 {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (c - a);
            f2 = f(x2);
        } else {
            c = x2;
            x2 = x1;
            f2 = f1;
            x1 = c - g * (c - a);
            f1 = f(x1);
        }
    }
    0.5 * (a + c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f(p) = 3 − p·p/4 falls through zero at p = 2·√3.
    #[test]
    fn a_root_found_near_a_guess_is_the_root_found_from_cost_in_fewer_evaluations() {
        let calls = std::cell::Cell::new(0);
        let f = |p: f64| {
            calls.set(calls.get() + 1);
            3.0 - p * p / 4.0
        };
        let root = 2.0 * 3f64.sqrt();
        let far = falling_root(f, 0.5, 1.0, None).unwrap();
        let from_cost = calls.replace(0);
        assert!((far - root).abs() <= 4.0 * f64::EPSILON * root, "{far}");
        let guess = Near {
            at: root + 1e-4,
            within: 2e-4,
        };
        let close = falling_root(f, 0.5, 1.0, Some(guess)).unwrap();
        let from_guess = calls.replace(0);
        assert!((close - root).abs() <= 4.0 * f64::EPSILON * root, "{close}");
        assert!(from_guess < from_cost, "{from_guess} vs {from_cost}");
        // A guess on the wrong side, or too tight to hold the root, falls back to the search from
        // cost and finds the same root.
        for wrong in [
            Near {
                at: root + 1.0,
                within: 0.1,
            },
            Near {
                at: root - 0.5,
                within: 1e-6,
            },
        ] {
            let x = falling_root(f, 0.5, 1.0, Some(wrong)).unwrap();
            assert!((x - root).abs() <= 4.0 * f64::EPSILON * root, "{x}");
        }
        // Below cost: the answer is cost itself, near guess or not.
        let g = |p: f64| -p;
        assert_eq!(falling_root(g, 1.0, 1.0, None), Some(1.0));
        assert_eq!(
            falling_root(
                g,
                1.0,
                1.0,
                Some(Near {
                    at: 2.0,
                    within: 0.5
                })
            ),
            Some(1.0)
        );
        // Rising without bound: none.
        assert_eq!(falling_root(|p: f64| p, 1.0, 1.0, None), None);
    }

    #[test]
    fn golden_section_finds_a_parabola_peak() {
        let x = maximise_unimodal(|p| -(p - 105.0) * (p - 105.0), 10.0, 2.5, 1e-14);
        assert!((x - 105.0).abs() < 1e-6, "{x}");
    }
}
