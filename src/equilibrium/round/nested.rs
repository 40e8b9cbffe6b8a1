//! The round's demand under nested logit: each agent's masses and a product's own-price curve
//! from the nested-logit probabilities of its options, a switching cost shifting every option
//! but the current one by ln(penalty).

use super::{RoundDemand, Sampled};
use crate::demand::{NestWork, Nesting};
use crate::equilibrium::nested::{NestedCurve, Pseudo};
use std::sync::Arc;

impl RoundDemand {
    /// The same buyers choosing by nested logit (None, or λ = 1 everywhere: plain logit). A
    /// switching cost shifts every option's utility but the current one's by ln(penalty).
    pub fn with_nesting(mut self, nesting: Option<Arc<Nesting>>) -> Self {
        self.nesting = nesting.filter(|n| !n.is_plain());
        self
    }

    /// Expected mass of an agent on each option under nested logit, from its utilities `u`.
    pub(super) fn nested_masses(
        &self,
        nest: &Nesting,
        agent: &Sampled,
        u: &[f64],
        out: &mut [f64],
    ) {
        let (a, _, options) = agent;
        let r = self.frictions[a.segment].review;
        let ln_pen = self.ln_penalty(a.segment);
        let o = u.len();
        let (mut prob, mut within, mut work) = (vec![0.0; o], vec![0.0; o], NestWork::default());
        out.fill(0.0);
        if nest.choose(u, &mut prob, &mut within, &mut work) == f64::NEG_INFINITY {
            return;
        }
        let free = prob.clone();
        let mut placed = 0.0;
        let mut shifted = vec![0.0; o];
        for &(c, x) in options {
            placed += x;
            if u[c] > f64::NEG_INFINITY {
                out[c] += (1.0 - r) * x;
                for (k, d) in shifted.iter_mut().enumerate() {
                    *d = if k == c { u[k] } else { u[k] + ln_pen };
                }
                nest.choose(&shifted, &mut prob, &mut within, &mut work);
                for (m, p) in out.iter_mut().zip(&prob) {
                    *m += r * x * p;
                }
            } else {
                for (m, p) in out.iter_mut().zip(&free) {
                    *m += x * p;
                }
            }
        }
        let rest = (1.0 - placed).max(0.0);
        for (m, p) in out.iter_mut().zip(&free) {
            *m += rest * p;
        }
    }

    /// Vendor `i`'s own-price curve under nested logit: per agent, its mass on each option it
    /// holds (reviewing over utilities shifted by its switching cost, or keeping i), and the
    /// mass not yet placed.
    pub(super) fn nested_curve<'a>(
        &'a self,
        nest: &'a Nesting,
        i: usize,
        prices: &[f64],
        costs: &[f64],
        offered: &[bool],
    ) -> NestedCurve<'a> {
        let o = prices.len() + 1;
        let segments = self.segments.iter().map(|s| (s.volume, s.scale)).collect();
        let mut curve = NestedCurve::new(nest, i, segments, prices, costs, &self.price_scale);
        let (mut u, mut shifted) = (vec![0.0; o], vec![0.0; o]);
        let charges = self.charges(prices);
        for (a, weight, options) in &self.agents {
            self.utilities(a, prices, offered, &charges, &mut u);
            let r = self.frictions[a.segment].review;
            let ln_pen = self.ln_penalty(a.segment);
            let own = a.theta * self.quality[i];
            let pseudo = |coef: f64, stay: f64, own: f64| Pseudo {
                segment: a.segment,
                alpha: a.alpha,
                reservation: a.reservation,
                weight: *weight,
                coef,
                stay,
                own,
            };
            let mut placed = 0.0;
            for &(c, x) in options {
                placed += x;
                if c == i || u[c] > f64::NEG_INFINITY {
                    for (k, d) in shifted.iter_mut().enumerate() {
                        *d = if k == c { u[k] } else { u[k] + ln_pen };
                    }
                    if c == i {
                        curve.push(pseudo(0.0, (1.0 - r) * x, own), &shifted);
                        curve.push(pseudo(r * x, 0.0, own), &shifted);
                    } else {
                        curve.push(pseudo(r * x, 0.0, own + ln_pen), &shifted);
                    }
                } else {
                    curve.push(pseudo(x, 0.0, own), &u);
                }
            }
            let rest = (1.0 - placed).max(0.0);
            if rest > 0.0 {
                curve.push(pseudo(rest, 0.0, own), &u);
            }
        }
        curve
    }
}
