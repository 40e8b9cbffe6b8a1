//! The monopoly price: what a single vendor facing the market alone would charge.

use super::DemandOracle;

/// Maximises a function that rises then falls on [lo, ∞): brackets the peak by doubling the step,
/// then narrows it by golden-section search to a relative width of `tol`. Returns the argmax.
pub fn maximise_unimodal(f: impl Fn(f64) -> f64, lo: f64, first_step: f64, tol: f64) -> f64 {
    let step0 = first_step.max(1e-12);
    // Bracket: f(a) <= f(b) >= f(c).
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
        // The peak lies in [lo, b].
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

/// The price that maximises vendor `j`'s profit (p − c)·q_j(p) when it is the only vendor in the
/// market (the outside option remains), USD per Mtok.
pub fn monopoly_price(oracle: &DemandOracle, j: usize, marginal_cost: f64) -> f64 {
    let v = oracle.vendors();
    let offered: Vec<bool> = (0..v).map(|k| k == j).collect();
    let profit = |p: f64| {
        let mut prices = vec![0.0; v];
        prices[j] = p;
        (p - marginal_cost) * oracle.quantities(&prices, &offered)[j]
    };
    let step = marginal_cost.abs().max(1e-3) * 0.25;
    maximise_unimodal(profit, marginal_cost, step, 1e-12)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_section_finds_a_parabola_peak() {
        let x = maximise_unimodal(|p| -(p - 105.0) * (p - 105.0), 10.0, 2.5, 1e-14);
        assert!((x - 105.0).abs() < 1e-9, "{x}");
        let x = maximise_unimodal(|p| -(p - 10.5) * (p - 10.5), 10.0, 2.5, 1e-14);
        assert!((x - 10.5).abs() < 1e-9, "{x}");
    }
}
