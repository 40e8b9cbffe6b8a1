//! The demand of one round as the buyers actually face it: from where they are now, with their
//! switching costs and inertia. An agent on option c keeps it with probability 1 − r (review
//! probability r) and, reviewing, chooses by logit with every other option penalised by its
//! switching cost: P(j | c) = w_j·K^[j = c] / (W + (K − 1)·w_c), K = exp(switching cost); an agent
//! whose option is gone chooses among the rest, penalised alike; mass not yet placed chooses
//! without penalty. This is exactly the expected-mode update of the choice stage, so its static
//! Bertrand-Nash prices are those of the demand vendors face this round (locked-in buyers make
//! it less elastic than the frictionless demand of [`super::DemandOracle`]).

mod charges;
mod nested;

use charges::Charges;

use super::nested::NestedCurve;
use super::oracle::{AgentTraits, SegmentDemand};
use super::{DemandModel, Foc, OwnPoint, OwnPriceCurve, Owners};
use crate::demand::Nesting;
use crate::numerics::{exp_fast, ln_fast};
use std::sync::Arc;

/// What the round demand needs of a segment beyond its volume.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SegmentFrictions {
    /// Probability an agent reviews its option in a round.
    pub review: f64,
    /// exp(−switching cost): the weight of an option other than the current one.
    pub penalty: f64,
}

/// One buyer agent: its traits and where its mass is now: (option, mass) with option a vendor
/// index or V for the outside option; the rest of its mass is not yet placed.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentState {
    /// Traits.
    pub traits: AgentTraits,
    /// Mass on each option it holds.
    pub options: Vec<(usize, f64)>,
}

/// A sampled agent: traits, weight (base volume × customers × agents it stands for), options.
type Sampled = (AgentTraits, f64, Vec<(usize, f64)>);

/// The round's demand of a population of agents.
#[derive(Clone, Debug)]
pub struct RoundDemand {
    agents: Vec<Sampled>,
    segments: Vec<SegmentDemand>,
    frictions: Vec<SegmentFrictions>,
    quality: Vec<f64>,
    self_host: Vec<(f64, f64)>,
    kinks: Vec<f64>,
    /// Nested logit over the options (vendors, then the outside option); None: plain logit.
    nesting: Option<Arc<Nesting>>,
    /// What each segment pays per Mtok per unit of each vendor's price (segments × vendors;
    /// empty: 1 everywhere); quantities are then in units of the price, as in
    /// [`super::DemandOracle::with_price_scale`].
    price_scale: Vec<f64>,
}

impl RoundDemand {
    /// The demand of `agents` (in id order; a population above `max_agents` is represented by
    /// an evenly spaced sample) in `segments`, facing vendors of `quality` and the self-hosting
    /// alternatives `self_host`.
    pub fn new(
        agents: &[AgentState],
        segments: &[SegmentDemand],
        frictions: &[SegmentFrictions],
        max_agents: usize,
        quality: &[f64],
        self_host: Vec<(f64, f64)>,
    ) -> Self {
        let (picks, step) = super::sample(agents.len(), max_agents);
        let sampled: Vec<AgentState> = picks.into_iter().map(|ix| agents[ix].clone()).collect();
        Self::of_sample(&sampled, step, segments, frictions, quality, self_host)
    }

    /// The demand of a sample of agents (see [`super::sample`]) each standing for `step`.
    pub fn of_sample(
        sampled: &[AgentState],
        step: f64,
        segments: &[SegmentDemand],
        frictions: &[SegmentFrictions],
        quality: &[f64],
        self_host: Vec<(f64, f64)>,
    ) -> Self {
        let agents: Vec<Sampled> = sampled
            .iter()
            .map(|a| {
                let weight = a.traits.base * segments[a.traits.segment].represents * step;
                (a.traits, weight, a.options.clone())
            })
            .collect();
        let mut kinks: Vec<f64> = agents
            .iter()
            .map(|a| a.0.reservation)
            .filter(|r| r.is_finite())
            .collect();
        kinks.sort_by(f64::total_cmp);
        kinks.dedup();
        if kinks.len() > 64 {
            kinks.clear();
        }
        Self {
            agents,
            segments: segments.to_vec(),
            frictions: frictions.to_vec(),
            quality: quality.to_vec(),
            self_host,
            kinks,
            nesting: None,
            price_scale: Vec::new(),
        }
    }

    /// The same buyers paying `scale[s·V + j]` per Mtok per unit of vendor j's price in
    /// segment s (empty, or 1 everywhere: unscaled).
    pub fn with_price_scale(mut self, scale: &[f64]) -> Self {
        self.price_scale = if scale.iter().all(|&k| k == 1.0) {
            Vec::new()
        } else {
            scale.to_vec()
        };
        self
    }

    /// k of segment `s` and vendor `j` (1 when unscaled).
    #[inline]
    fn k(&self, s: usize, j: usize) -> f64 {
        if self.price_scale.is_empty() {
            1.0
        } else {
            self.price_scale[s * self.quality.len() + j]
        }
    }

    /// Vendor i's kinks in its price: reservation prices over its price scale in each agent's
    /// segment (None where unscaled: the model's).
    fn kinks_of(&self, i: usize) -> Option<Vec<f64>> {
        if self.price_scale.is_empty() || self.kinks.is_empty() {
            return None;
        }
        let mut kinks: Vec<f64> = self
            .agents
            .iter()
            .filter(|a| a.0.reservation.is_finite())
            .map(|a| a.0.reservation / self.k(a.0.segment, i))
            .collect();
        kinks.sort_by(f64::total_cmp);
        kinks.dedup();
        if kinks.len() > 64 {
            kinks.clear();
        }
        Some(kinks)
    }

    /// Every option's utility for agent `a` (vendors, then the outside option; −inf where it
    /// cannot take it).
    fn utilities(
        &self,
        a: &AgentTraits,
        prices: &[f64],
        offered: &[bool],
        c: &Charges,
        u: &mut [f64],
    ) {
        let v = prices.len();
        let seg = &self.segments[a.segment];
        let charge = c.of(a.segment);
        for j in 0..v {
            let p = prices[j] * self.k(a.segment, j);
            u[j] = if offered[j] && p <= a.reservation {
                a.theta * self.quality[j] - a.alpha * charge[j]
            } else {
                f64::NEG_INFINITY
            };
        }
        u[v] = if seg.outside {
            c.hosts(a.segment)
                .iter()
                .fold(0.0f64, |x, &(q, h)| x.max(a.theta * q - a.alpha * h))
        } else {
            f64::NEG_INFINITY
        };
    }

    /// ln(penalty) of a segment (0 without switching costs).
    fn ln_penalty(&self, segment: usize) -> f64 {
        let p = self.frictions[segment].penalty;
        if p < 1.0 { ln_fast(p) } else { 0.0 }
    }

    /// Agents in the model.
    pub fn agents(&self) -> usize {
        self.agents.len()
    }

    /// Logit weights of agent `a` (vendors by index, the outside option last), normalised by
    /// their largest, 0 for options it cannot take; and that largest utility.
    fn weights(
        &self,
        a: &AgentTraits,
        prices: &[f64],
        offered: &[bool],
        c: &Charges,
        w: &mut [f64],
    ) -> f64 {
        let v = prices.len();
        let seg = &self.segments[a.segment];
        let charge = c.of(a.segment);
        let mut mx = f64::NEG_INFINITY;
        for j in 0..v {
            let p = prices[j] * self.k(a.segment, j);
            w[j] = if offered[j] && p <= a.reservation {
                a.theta * self.quality[j] - a.alpha * charge[j]
            } else {
                f64::NEG_INFINITY
            };
            mx = mx.max(w[j]);
        }
        w[v] = if seg.outside {
            c.hosts(a.segment)
                .iter()
                .fold(0.0f64, |u, &(q, h)| u.max(a.theta * q - a.alpha * h))
        } else {
            f64::NEG_INFINITY
        };
        mx = mx.max(w[v]);
        for x in w.iter_mut() {
            *x = if *x == f64::NEG_INFINITY || mx == f64::NEG_INFINITY {
                0.0
            } else {
                exp_fast(*x - mx)
            };
        }
        mx
    }

    /// Expected mass of agent `a` on each option given weights `w` (sum `total`).
    fn masses(&self, agent: &Sampled, w: &[f64], out: &mut [f64]) {
        let (a, _, options) = agent;
        let f = self.frictions[a.segment];
        let k = 1.0 / f.penalty;
        let total: f64 = w.iter().sum();
        out.fill(0.0);
        if total <= 0.0 {
            return;
        }
        let mut placed = 0.0;
        for &(c, x) in options {
            placed += x;
            let (r, d) = if w[c] > 0.0 {
                out[c] += (1.0 - f.review) * x;
                (f.review, total + (k - 1.0) * w[c])
            } else {
                (1.0, total)
            };
            for (j, o) in out.iter_mut().enumerate() {
                let wj = if j == c { k * w[j] } else { w[j] };
                *o += x * r * wj / d;
            }
        }
        let free = (1.0 - placed).max(0.0);
        for (o, &wj) in out.iter_mut().zip(w) {
            *o += free * wj / total;
        }
    }
}

impl DemandModel for RoundDemand {
    type Curve<'a> = RoundCurve<'a>;

    fn vendors(&self) -> usize {
        self.quality.len()
    }

    fn quantities(&self, prices: &[f64], offered: &[bool]) -> Vec<f64> {
        let v = prices.len();
        let mut q = vec![0.0; v];
        let (mut w, mut m) = (vec![0.0; v + 1], vec![0.0; v + 1]);
        let c = self.charges(prices);
        for agent in &self.agents {
            if let Some(nest) = &self.nesting {
                self.utilities(&agent.0, prices, offered, &c, &mut w);
                self.nested_masses(nest, agent, &w, &mut m);
            } else {
                self.weights(&agent.0, prices, offered, &c, &mut w);
                self.masses(agent, &w, &mut m);
            }
            let seg = &self.segments[agent.0.segment];
            let factor = c.factors(agent.0.segment);
            for j in 0..v {
                if m[j] > 0.0 {
                    let k = self.k(agent.0.segment, j);
                    q[j] += agent.1 * m[j] * seg.scale * factor[j] * k;
                }
            }
        }
        q
    }

    /// Not in closed form here (reviewers and locked-in buyers mix): the safeguarded search.
    fn foc(&self, _: &[f64], _: &[f64], _: &[bool], _: &Owners) -> Option<Foc> {
        None
    }

    /// As [`RoundDemand::foc`]: the safeguarded search.
    fn monopoly_foc(&self, _: &[f64], _: &[f64], _: &[bool]) -> Option<Foc> {
        None
    }

    fn curve<'a>(
        &'a self,
        i: usize,
        prices: &[f64],
        costs: &[f64],
        offered: &[bool],
    ) -> RoundCurve<'a> {
        if let Some(nest) = &self.nesting {
            return RoundCurve {
                model: self,
                terms: Vec::new(),
                offered: offered[i],
                nested: Some(self.nested_curve(nest, i, prices, costs, offered)),
                kinks: self.kinks_of(i),
                own: i,
            };
        }
        let v = prices.len();
        let mut terms = Vec::new();
        let mut w = vec![0.0; v + 1];
        let c = self.charges(prices);
        for (a, weight, options) in &self.agents {
            let seg = &self.segments[a.segment];
            let fr = self.frictions[a.segment];
            let k = 1.0 / fr.penalty;
            // Everything but vendor i, normalised by the largest of those utilities; vendor i's
            // utility at price 0 relative to it.
            let mut others = offered.to_vec();
            others[i] = false;
            let mut m = self.weights(a, prices, &others, &c, &mut w);
            if m == f64::NEG_INFINITY {
                m = a.theta * self.quality[i];
            }
            let own = a.theta * self.quality[i] - m;
            let rest: f64 = w.iter().sum();
            // Rivals' margin per unit of each rival's weight.
            let factor = c.factors(a.segment);
            let margin = |j: usize| {
                let k = self.k(a.segment, j);
                (prices[j] - costs[j]) * weight * seg.scale * factor[j] * k
            };
            let plain: f64 = (0..v).filter(|&j| j != i).map(|j| margin(j) * w[j]).sum();
            let mut push = |coef: f64, rest: f64, ratio_sum: f64| {
                if coef > 0.0 {
                    terms.push(Term {
                        segment: a.segment,
                        alpha: a.alpha,
                        reservation: a.reservation,
                        weight: *weight,
                        own,
                        coef,
                        rest,
                        ratio: if rest > 0.0 { ratio_sum / rest } else { 0.0 },
                        stay: 0.0,
                    });
                }
            };
            let mut placed = 0.0;
            let mut stay = 0.0;
            for &(c, x) in options {
                placed += x;
                if c == i {
                    // Keeps i with probability 1 − r (while i is within its reservation price);
                    // reviewing, i's own weight counts K times.
                    stay += (1.0 - fr.review) * x;
                    push(fr.review * x, rest / k, plain / k);
                } else if w[c] > 0.0 {
                    let bonus = if c < v {
                        margin(c) * w[c] * (k - 1.0)
                    } else {
                        0.0
                    };
                    push(fr.review * x, rest + (k - 1.0) * w[c], plain + bonus);
                } else {
                    push(x, rest, plain);
                }
            }
            push((1.0 - placed).max(0.0), rest, plain);
            if stay > 0.0 {
                terms.push(Term {
                    segment: a.segment,
                    alpha: a.alpha,
                    reservation: a.reservation,
                    weight: *weight,
                    own,
                    coef: 0.0,
                    rest: 0.0,
                    ratio: 0.0,
                    stay,
                });
            }
        }
        RoundCurve {
            model: self,
            terms,
            offered: offered[i],
            nested: None,
            kinks: self.kinks_of(i),
            own: i,
        }
    }
}

/// One agent's part of a vendor's own-price curve: a logit share coef/(1 + rest·e^{αF(p) − own})
/// of a pseudo-agent (the agent's mass on one option, reviewing), or mass that stays put.
#[derive(Clone, Debug)]
struct Term {
    segment: usize,
    alpha: f64,
    reservation: f64,
    weight: f64,
    own: f64,
    coef: f64,
    rest: f64,
    ratio: f64,
    stay: f64,
}

/// A vendor's own-price curve against the round demand.
pub struct RoundCurve<'a> {
    model: &'a RoundDemand,
    terms: Vec<Term>,
    offered: bool,
    nested: Option<NestedCurve<'a>>,
    /// The vendor's own kinks where prices are scaled (None: the model's).
    kinks: Option<Vec<f64>>,
    /// The vendor.
    own: usize,
}

impl OwnPriceCurve for RoundCurve<'_> {
    fn kinks(&self) -> &[f64] {
        self.kinks.as_deref().unwrap_or(&self.model.kinks)
    }

    fn at(&self, p: f64) -> OwnPoint {
        let mut out = OwnPoint::default();
        if !self.offered {
            return out;
        }
        if let Some(n) = &self.nested {
            return n.at(p);
        }
        // Volume terms depend on the segment and the price only: once per segment. The segment
        // pays k·p; quantities are in units of the price (k·q), slopes carry k².
        let at: Vec<[f64; 5]> = self
            .model
            .segments
            .iter()
            .enumerate()
            .map(|(g, s)| {
                let k = self.model.k(g, self.own);
                let pe = k * p;
                let (vd, f) = (s.volume, s.volume.factor(pe));
                [
                    k * (s.scale * f),
                    k * (k * (s.scale * vd.factor_slope(pe))),
                    vd.price_integral(pe),
                    k * f,
                    pe,
                ]
            })
            .collect();
        for t in &self.terms {
            let [factor, slope, charge, f, pe] = at[t.segment];
            if pe > t.reservation {
                continue;
            }
            let vol = t.weight * factor;
            if t.stay > 0.0 {
                out.q += vol * t.stay;
                out.dq += t.weight * slope * t.stay;
                continue;
            }
            let share = 1.0 / (1.0 + t.rest * exp_fast(t.alpha * charge - t.own));
            let spread = t.alpha * share * (1.0 - share) * f;
            out.q += t.coef * vol * share;
            out.dq += t.coef * (t.weight * slope * share - vol * spread);
            out.rivals_margin_slope += t.coef * spread * t.ratio;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand::volume::{VolumeDemand, linear::LinearVolume};

    fn demand(review: f64, penalty: f64, options: Vec<(usize, f64)>) -> RoundDemand {
        let segments = [SegmentDemand {
            represents: 1.0,
            outside: true,
            volume: VolumeDemand::Linear(LinearVolume { choke: 5.0 }),
            scale: 1.3,
        }];
        let agents: Vec<AgentState> = (0..5)
            .map(|k| AgentState {
                traits: AgentTraits {
                    segment: 0,
                    alpha: 0.8 + 0.1 * k as f64,
                    theta: 1.0,
                    reservation: f64::INFINITY,
                    base: 1.0 + k as f64,
                },
                options: options.clone(),
            })
            .collect();
        RoundDemand::new(
            &agents,
            &segments,
            &[SegmentFrictions { review, penalty }],
            100,
            &[2.0, 1.6, 1.2],
            vec![(0.5, 1.0)],
        )
    }

    /// The own-price curve agrees with the quantities and their numerical slopes, for agents on
    /// every kind of option, reviewing or not, with and without switching costs.
    #[test]
    fn the_curve_agrees_with_the_quantities_and_their_slopes() {
        let prices = [1.5, 1.1, 0.8];
        let costs = [0.5, 0.4, 0.3];
        let offered = [true; 3];
        for (review, penalty, options) in [
            (1.0, 1.0, vec![]),
            (0.4, 0.5, vec![(0, 0.5), (1, 0.2), (3, 0.2)]),
            (0.7, 0.3, vec![(2, 1.0)]),
        ] {
            let d = demand(review, penalty, options);
            for i in 0..3 {
                let curve = d.curve(i, &prices, &costs, &offered);
                let at = |p: f64| {
                    let mut x = prices;
                    x[i] = p;
                    d.quantities(&x, &offered)
                };
                let point = curve.at(prices[i]);
                let q = at(prices[i]);
                assert!((point.q - q[i]).abs() < 1e-12 * q[i].max(1.0), "q of {i}");
                let h = 1e-6;
                let (up, down) = (at(prices[i] + h), at(prices[i] - h));
                let dq = (up[i] - down[i]) / (2.0 * h);
                assert!(
                    (point.dq - dq).abs() < 1e-6 * dq.abs().max(1.0),
                    "dq of {i}"
                );
                let rivals: f64 = (0..3)
                    .filter(|&j| j != i)
                    .map(|j| (prices[j] - costs[j]) * (up[j] - down[j]) / (2.0 * h))
                    .sum();
                assert!(
                    (point.rivals_margin_slope - rivals).abs() < 1e-6 * rivals.abs().max(1.0),
                    "rivals of {i}: {} vs {rivals}",
                    point.rivals_margin_slope
                );
            }
        }
    }

    /// Buyers locked in by switching costs and inertia are less price-elastic: the round
    /// demand's own-price slope is smaller in size than the frictionless one.
    #[test]
    fn lock_in_makes_demand_less_elastic() {
        let prices = [1.5, 1.1, 0.8];
        let costs = [0.0; 3];
        let free = demand(1.0, 1.0, vec![(0, 1.0)]);
        let locked = demand(0.3, 0.2, vec![(0, 1.0)]);
        let slope = |d: &RoundDemand| {
            let p = d.curve(0, &prices, &costs, &[true; 3]).at(prices[0]);
            p.dq / p.q
        };
        assert!(slope(&locked).abs() < slope(&free).abs());
    }
}
