//! One product's own-price curve under nested logit, shared by the demand oracle and the round
//! demand: a list of pseudo-agents (an agent's mass choosing by the nested logit of some
//! utilities, or mass that keeps the product), each evaluated at the product's price with the
//! analytic nested-logit slopes (see [`Nesting::slope`]).

use super::OwnPoint;
use crate::demand::{NestWork, Nesting, VolumeDemand};
use std::cell::RefCell;

/// Mass of one agent on the curve: `coef` of its volume `weight` choosing over `utilities`
/// (its row in [`NestedCurve`], the product's own entry `own − α·F(p)`), or `stay` that keeps
/// the product whatever its price (below the reservation price).
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

/// Product `i`'s own-price curve under nested logit.
#[derive(Debug)]
pub(crate) struct NestedCurve<'a> {
    nesting: &'a Nesting,
    i: usize,
    pseudo: Vec<Pseudo>,
    utilities: Vec<f64>,
    /// Per segment and vendor: the rivals' margins per unit of volume weight and share.
    margin: Vec<f64>,
    segments: Vec<(VolumeDemand, f64)>,
    scratch: RefCell<[Vec<f64>; 3]>,
    work: RefCell<NestWork>,
}

impl<'a> NestedCurve<'a> {
    /// An empty curve of product `i` among the options of `nesting`, for segments of
    /// (volume demand, volume scale), with rivals' margins `(p_k − c_k)` at `prices`.
    pub fn new(
        nesting: &'a Nesting,
        i: usize,
        segments: Vec<(VolumeDemand, f64)>,
        prices: &[f64],
        costs: &[f64],
    ) -> Self {
        let v = prices.len();
        let margin = segments
            .iter()
            .flat_map(|(vd, s)| {
                (0..v).map(move |k| {
                    if k == i {
                        0.0
                    } else {
                        (prices[k] - costs[k]) * s * vd.factor(prices[k])
                    }
                })
            })
            .collect();
        let o = nesting.options();
        Self {
            nesting,
            i,
            pseudo: Vec::new(),
            utilities: Vec::new(),
            margin,
            segments,
            scratch: RefCell::new([vec![0.0; o], vec![0.0; o], vec![0.0; o]]),
            work: RefCell::new(NestWork::default()),
        }
    }

    /// Adds a pseudo-agent choosing over `utilities` (every option; the product's own entry is
    /// replaced by `p.own − α·F(price)` at each price).
    pub fn push(&mut self, p: Pseudo, utilities: &[f64]) {
        self.pseudo.push(p);
        self.utilities.extend_from_slice(utilities);
    }

    /// Quantity, its slope and the rivals' margin slope at own price `price`.
    pub fn at(&self, price: f64) -> OwnPoint {
        let o = self.nesting.options();
        let v = o - 1;
        let i = self.i;
        let mut out = OwnPoint::default();
        let mut scratch = self.scratch.borrow_mut();
        let [row, prob, within] = &mut *scratch;
        let mut work = self.work.borrow_mut();
        for (k, t) in self.pseudo.iter().enumerate() {
            if price > t.reservation {
                continue;
            }
            let (vd, s) = self.segments[t.segment];
            let (factor, slope) = (s * vd.factor(price), s * vd.factor_slope(price));
            if t.stay > 0.0 {
                out.q += t.weight * factor * t.stay;
                out.dq += t.weight * slope * t.stay;
                continue;
            }
            row.copy_from_slice(&self.utilities[k * o..(k + 1) * o]);
            row[i] = t.own - t.alpha * vd.price_integral(price);
            if self.nesting.choose(row, prob, within, &mut work) == f64::NEG_INFINITY {
                continue;
            }
            // du_i/dp = −α·f(p).
            let du = -t.alpha * vd.factor(price);
            let si = prob[i];
            let own_slope = self.nesting.slope(i, i, prob, within);
            out.q += t.coef * t.weight * factor * si;
            out.dq += t.coef * t.weight * (slope * si + factor * own_slope * du);
            let margins = &self.margin[t.segment * v..(t.segment + 1) * v];
            let mut rivals = 0.0;
            for (j, m) in margins.iter().enumerate() {
                if j != i && prob[j] > 0.0 {
                    rivals += m * self.nesting.slope(j, i, prob, within);
                }
            }
            out.rivals_margin_slope += t.coef * t.weight * rivals * du;
        }
        out
    }
}
