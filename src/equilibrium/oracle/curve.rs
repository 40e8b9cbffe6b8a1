//! A vendor's own-price curve against the oracle's agents: per-agent constants computed once,
//! then each price costs one pass over the agents, several at a time.

use super::DemandOracle;
use crate::equilibrium::nested::NestedCurve;
use crate::equilibrium::{OwnPoint, OwnPriceCurve};
use crate::numerics::exp_fast;

/// Per-agent constants of vendor i's curve, as columns in the oracle's agent order: utility of i
/// at price 0 (normalised), the summed weights of every other option, and the rivals' weighted
/// margins per unit of those weights.
#[derive(Clone, Debug, Default)]
pub(super) struct Terms {
    pub own: Vec<f64>,
    pub rest: Vec<f64>,
    pub margin_ratio: Vec<f64>,
}

/// Vendor i's own-price curve against the simulated buyers.
pub struct AgentCurve<'a> {
    pub(super) oracle: &'a DemandOracle,
    pub(super) terms: Terms,
    pub(super) offered: bool,
    pub(super) nested: Option<NestedCurve<'a>>,
    /// The vendor's own kinks where prices are scaled (None: the oracle's).
    pub(super) kinks: Option<Vec<f64>>,
    /// The vendor.
    pub(super) own: usize,
}

/// Independent partial sums in [`AgentCurve::at`]: agents k, k + LANES, ... add into lane k, so
/// the loop runs several agents at once (the sum's order is fixed, so results are reproducible).
const LANES: usize = 4;

impl OwnPriceCurve for AgentCurve<'_> {
    fn kinks(&self) -> &[f64] {
        self.kinks.as_deref().unwrap_or(&self.oracle.kinks)
    }

    fn at(&self, p: f64) -> OwnPoint {
        if !self.offered {
            return OwnPoint::default();
        }
        if let Some(n) = &self.nested {
            return n.at(p);
        }
        let o = self.oracle;
        let t = &self.terms;
        let mut q = [0.0f64; LANES];
        let mut dq = [0.0f64; LANES];
        let mut rivals = [0.0f64; LANES];
        for (segment, range) in &o.segments {
            // Volume demand depends on the segment and the price only: once per segment. The
            // segment pays k·p; quantities are in units of the level (k·q), so slopes carry k².
            let (vd, s) = (o.volume[*segment], o.scale[*segment]);
            let k = o.k(*segment, self.own);
            let pe = k * p;
            let (factor, slope) = (k * (s * vd.factor(pe)), k * (k * (s * vd.factor_slope(pe))));
            // The utility charges α·F(k·p); its slope in p is α·k·f(k·p) (f = 1 for fixed
            // volume).
            let (charge, charge_slope) = (vd.price_integral(pe), k * vd.factor(pe));
            let cols = [
                &t.own[range.clone()],
                &t.rest[range.clone()],
                &t.margin_ratio[range.clone()],
                &o.alpha[range.clone()],
                &o.weight[range.clone()],
                &o.reservation[range.clone()],
            ];
            let n = range.len();
            let mut k = 0;
            while k < n {
                // A block of LANES agents; the last block padded with agents that buy nothing
                // (reservation price −inf, weight 0).
                let mut x = [[0.0f64; LANES]; 6];
                x[5] = [f64::NEG_INFINITY; LANES];
                if k + LANES <= n {
                    for (c, col) in cols.iter().enumerate() {
                        x[c] = col[k..k + LANES].try_into().expect("a block of LANES");
                    }
                } else {
                    for (c, col) in cols.iter().enumerate() {
                        for (l, v) in col[k..n].iter().enumerate() {
                            x[c][l] = *v;
                        }
                    }
                }
                let [own, rest, ratio, alpha, weight, reservation] = x;
                for l in 0..LANES {
                    // P = 1/(1 + rest·exp(−x)) is exact (1) when the vendor is the only option
                    // (rest = 0) and free of overflow at any price; above the agent's reservation
                    // price the agent buys nothing. Σ_j m_j·∂q_j/∂p_i = α·P·(1 − P)·ratio, where
                    // ratio = Σ_j m_j·w·vol_j·e_j / rest (P_j = (e_j/rest)·(1 − P)).
                    let share = 1.0 / (1.0 + rest[l] * exp_fast(alpha[l] * charge - own[l]));
                    let share = if pe > reservation[l] { 0.0 } else { share };
                    let vol = weight[l] * factor;
                    let spread = alpha[l] * share * (1.0 - share) * charge_slope;
                    q[l] += vol * share;
                    dq[l] += weight[l] * slope * share - vol * spread;
                    rivals[l] += spread * ratio[l];
                }
                k += LANES;
            }
        }
        let total = |x: [f64; LANES]| (x[0] + x[1]) + (x[2] + x[3]);
        OwnPoint {
            q: total(q),
            dq: total(dq),
            rivals_margin_slope: total(rivals),
        }
    }
}
