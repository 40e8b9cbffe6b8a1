//! One product's own-price curve under nested logit, shared by the demand oracle and the round
//! demand. Only the product's own utility moves with its price, so each pseudo-agent (an
//! agent's mass choosing by the nested logit of some utilities, or mass that keeps the product)
//! is reduced once to a few constants: the other members of the product's nest (their weight
//! and margin-weighted weight), the other nests (their total weight and mean margin). A price
//! then costs O(1) per pseudo-agent, as for plain logit, with the analytic slopes of
//! [`crate::demand::Nesting::slope`] summed in closed form.

use super::OwnPoint;
use crate::demand::{Nesting, VolumeDemand};
use crate::numerics::{exp_fast, ln_fast};

/// exp(x), exactly 0 where it underflows (and for −inf).
#[inline(always)]
fn exp0(x: f64) -> f64 {
    if x < -708.0 { 0.0 } else { exp_fast(x) }
}

/// Mass of one agent on the curve: `coef` of its volume `weight` choosing over the utilities
/// given to [`NestedCurve::push`] (the product's own entry `own − α·F(p)`), or `stay` that
/// keeps the product whatever its price (below the reservation price).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pseudo {
    pub segment: usize,
    pub alpha: f64,
    pub reservation: f64,
    pub weight: f64,
    pub coef: f64,
    pub stay: f64,
    pub own: f64,
}

/// A pseudo-agent reduced to what the product's price changes, all relative to the best
/// utility among the other options (m0).
#[derive(Clone, Copy, Debug)]
struct Reduced {
    p: Pseudo,
    /// own − m0.
    own0: f64,
    /// ln Σ exp((u_k − m0)/λ) over the other members of the product's nest (−inf: none).
    ln_rest: f64,
    /// Σ m_k·exp((u_k − m0)/λ) / Σ exp((u_k − m0)/λ) over them: their mean margin.
    nest_margin: f64,
    /// Σ exp(V_h − m0) over the other nests.
    others: f64,
    /// Their choice-weighted mean margin.
    others_margin: f64,
}

/// Product `i`'s own-price curve under nested logit.
#[derive(Debug)]
pub(crate) struct NestedCurve<'a> {
    nesting: &'a Nesting,
    i: usize,
    lambda: f64,
    reduced: Vec<Reduced>,
    /// Per segment and vendor: the rivals' margins per unit of volume weight and share.
    margin: Vec<f64>,
    segments: Vec<(VolumeDemand, f64)>,
    /// Per segment: the product's price scale (what the segment pays per unit of its price).
    own_scale: Vec<f64>,
    sums: Vec<f64>,
    margins: Vec<f64>,
}

impl<'a> NestedCurve<'a> {
    /// An empty curve of product `i` among the options of `nesting`, for segments of
    /// (volume demand, volume scale), with rivals' margins `(p_k − c_k)` at `prices`; segment
    /// s pays `scales[s·V + k]` per unit of product k's price (empty: 1 everywhere), and
    /// quantities are in units of the price.
    pub fn new(
        nesting: &'a Nesting,
        i: usize,
        segments: Vec<(VolumeDemand, f64)>,
        prices: &[f64],
        costs: &[f64],
        scales: &[f64],
    ) -> Self {
        let v = prices.len();
        let scale = |g: usize, k: usize| scales.get(g * v + k).copied().unwrap_or(1.0);
        let margin = segments
            .iter()
            .enumerate()
            .flat_map(|(g, (vd, s))| {
                (0..v).map(move |k| {
                    if k == i {
                        0.0
                    } else {
                        let x = scale(g, k);
                        (prices[k] - costs[k]) * s * vd.factor(x * prices[k]) * x
                    }
                })
            })
            .collect();
        let own_scale = (0..segments.len()).map(|g| scale(g, i)).collect();
        Self {
            nesting,
            i,
            lambda: nesting.lambda(nesting.nest_of(i)),
            reduced: Vec::new(),
            margin,
            segments,
            own_scale,
            sums: vec![0.0; nesting.nests()],
            margins: vec![0.0; nesting.nests()],
        }
    }

    /// Adds a pseudo-agent choosing over `utilities` (every option; the product's own entry is
    /// ignored: it is `p.own − α·F(price)` at each price).
    pub fn push(&mut self, p: Pseudo, utilities: &[f64]) {
        let (n, i) = (self.nesting, self.i);
        let v = utilities.len() - 1;
        let mut m0 = f64::NEG_INFINITY;
        for (k, &u) in utilities.iter().enumerate() {
            if k != i {
                m0 = m0.max(u);
            }
        }
        if m0 == f64::NEG_INFINITY {
            m0 = p.own;
        }
        self.sums.fill(0.0);
        self.margins.fill(0.0);
        let margin = &self.margin[p.segment * v..(p.segment + 1) * v];
        for (k, &u) in utilities.iter().enumerate() {
            if k == i || u == f64::NEG_INFINITY {
                continue;
            }
            let h = n.nest_of(k);
            let e = exp0((u - m0) / n.lambda(h));
            self.sums[h] += e;
            if k < v {
                self.margins[h] += margin[k] * e;
            }
        }
        let g = n.nest_of(i);
        let (mut others, mut weighted) = (0.0, 0.0);
        for h in 0..n.nests() {
            if h != g && self.sums[h] > 0.0 {
                let value = exp0(n.lambda(h) * ln_fast(self.sums[h]));
                others += value;
                weighted += value * self.margins[h] / self.sums[h];
            }
        }
        let rest = self.sums[g];
        self.reduced.push(Reduced {
            p,
            own0: p.own - m0,
            ln_rest: if rest > 0.0 {
                ln_fast(rest)
            } else {
                f64::NEG_INFINITY
            },
            nest_margin: if rest > 0.0 {
                self.margins[g] / rest
            } else {
                0.0
            },
            others,
            others_margin: if others > 0.0 { weighted / others } else { 0.0 },
        });
    }

    /// Quantity, its slope and the rivals' margin slope at own price `price`.
    pub fn at(&self, price: f64) -> OwnPoint {
        let l = self.lambda;
        let mut out = OwnPoint::default();
        // Volume terms depend on the segment and the price only: once per segment. The segment
        // pays k·price; quantities are in units of the price (k·q), slopes carry k².
        let terms: Vec<[f64; 5]> = self
            .segments
            .iter()
            .zip(&self.own_scale)
            .map(|((vd, s), &k)| {
                let pe = k * price;
                let f = vd.factor(pe);
                [
                    k * (s * f),
                    k * (k * (s * vd.factor_slope(pe))),
                    vd.price_integral(pe),
                    k * f,
                    pe,
                ]
            })
            .collect();
        for t in &self.reduced {
            let a = &t.p;
            let [factor, slope, charge, f, pe] = terms[a.segment];
            if pe > a.reservation {
                continue;
            }
            if a.stay > 0.0 {
                out.q += a.weight * factor * a.stay;
                out.dq += a.weight * slope * a.stay;
                continue;
            }
            // The nest's log-sum ln S = ln(e^x + rest), x the product's scaled utility.
            let x = (t.own0 - a.alpha * charge) / l;
            let ln_s = if t.ln_rest == f64::NEG_INFINITY {
                x
            } else {
                let hi = x.max(t.ln_rest);
                hi + ln_fast(1.0 + exp0(-(x - t.ln_rest).abs()))
            };
            let within = exp0(x - ln_s);
            // The nest's probability 1/(1 + others·e^{−λ·ln S}), free of overflow.
            let nest = if t.others > 0.0 {
                1.0 / (1.0 + t.others * exp_fast((-l * ln_s).min(700.0)))
            } else {
                1.0
            };
            let si = nest * within;
            // Σ m_k·s_k over the nest's other members, and over the other nests.
            let in_nest = if t.ln_rest == f64::NEG_INFINITY {
                0.0
            } else {
                nest * t.nest_margin * exp0(t.ln_rest - ln_s)
            };
            let outside = (1.0 - nest) * t.others_margin;
            let du = -a.alpha * f;
            let nested = (1.0 - l) / l * within;
            let own_slope = si * (1.0 / l - nested - si);
            let rivals = -nested * in_nest - si * (in_nest + outside);
            out.q += a.coef * a.weight * factor * si;
            out.dq += a.coef * a.weight * (slope * si + factor * own_slope * du);
            out.rivals_margin_slope += a.coef * a.weight * rivals * du;
        }
        out
    }
}
