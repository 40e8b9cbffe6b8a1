//! The expected demand of the simulated buyer population.

mod curve;
mod foc;
mod nested;

pub use curve::AgentCurve;
use curve::Terms;

use super::{DemandModel, Foc, Owners};
use crate::demand::{Nesting, VolumeDemand};
use crate::numerics::{exp_fast, ln_fast};
use std::sync::Arc;

/// One buyer agent as the oracle sees it; `weight` folds in its base volume, the customers it
/// represents and the agents it stands for in a sample.
#[derive(Clone, Copy, Debug)]
struct Agent {
    segment: usize,
    alpha: f64,
    theta: f64,
    reservation: f64,
    weight: f64,
}

/// The agents a demand model keeps of a population of `n`: every one up to `max_agents`, beyond
/// that an evenly spaced sample; and how many agents each kept one stands for.
pub fn sample(n: usize, max_agents: usize) -> (Vec<usize>, f64) {
    let keep = max_agents.max(1);
    if n > keep {
        let step = n as f64 / keep as f64;
        (
            (0..keep).map(|k| (k as f64 * step) as usize).collect(),
            step,
        )
    } else {
        ((0..n).collect(), 1.0)
    }
}

/// A buyer agent's traits, as the oracle is given them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AgentTraits {
    /// Segment index.
    pub segment: usize,
    /// α.
    pub alpha: f64,
    /// θ.
    pub theta: f64,
    /// Reservation price, USD per Mtok (infinite: none).
    pub reservation: f64,
    /// Base volume, Mtok per round per customer.
    pub base: f64,
}

/// What the oracle needs to know of a segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SegmentDemand {
    /// Customers per agent.
    pub represents: f64,
    /// Whether its buyers have the outside option.
    pub outside: bool,
    /// Volume demand.
    pub volume: VolumeDemand,
    /// Volume multiplier from growth and shocks so far.
    pub scale: f64,
}

/// Expected (noise-free) demand of the market's buyers at any prices: every agent's logit choice
/// without inertia or switching costs, times its volume demand.
///
/// Built from the world's agents; a population larger than `max_agents` is represented by an
/// evenly spaced sample of agents whose weights are scaled up to the population's (so benchmarks
/// of very large runs are estimates, exact for populations within the limit).
#[derive(Clone, Debug)]
pub struct DemandOracle {
    /// Sorted by segment (stable: in buyer order within a segment).
    agents: Vec<Agent>,
    /// Each segment's agents: `agents[segments[k].1]` are those of segment `segments[k].0`.
    segments: Vec<(usize, std::ops::Range<usize>)>,
    /// The agents' price sensitivities, quality weights, weights and reservation prices as
    /// columns (the loops over agents in [`DemandModel::curve`] and [`AgentCurve::at`] read
    /// them in step, several agents at once).
    alpha: Vec<f64>,
    theta: Vec<f64>,
    weight: Vec<f64>,
    reservation: Vec<f64>,
    outside: Vec<bool>,
    volume: Vec<VolumeDemand>,
    scale: Vec<f64>,
    /// Quality of each vendor.
    pub quality: Vec<f64>,
    /// Self-hosting alternatives in the outside option (quality, USD per Mtok); set by the
    /// constructors and `refresh`, which keep `host_charge` with it.
    self_host: Vec<(f64, f64)>,
    /// (quality, F(price)) of every self-hosting alternative for every segment's volume
    /// curve (segments × alternatives): the outside option's utility costs no `pow` per agent.
    host_charge: Vec<(f64, f64)>,
    /// The agents' distinct finite reservation prices, ascending, when there are few of them
    /// (demand then drops by masses at these prices); empty otherwise.
    kinks: Vec<f64>,
    /// Nested logit over the options (vendors, then the outside option); None: plain logit.
    nesting: Option<Arc<Nesting>>,
    /// What each segment pays per Mtok per unit of each vendor's price (segments × vendors;
    /// empty: 1 everywhere): products posting input and output prices (`demand::mix`).
    /// Prices here are levels; quantities are in units of the level (Σ_s k_s·q_s), so that
    /// revenue is the price times the quantity.
    price_scale: Vec<f64>,
}

/// Most distinct reservation prices treated as kinks of demand; with more, demand is close to
/// smooth and the first-order conditions find the optimum.
const MAX_KINKS: usize = 64;

impl DemandOracle {
    /// Agents an oracle keeps by default.
    pub const DEFAULT_MAX_AGENTS: usize = 20_000;

    /// The oracle of a population of buyers (`agents`, in id order) in `segments`, facing
    /// vendors of `quality` and the self-hosting alternatives `self_host`; a population larger
    /// than `max_agents` is represented by an evenly spaced sample.
    pub fn new(
        agents: &[AgentTraits],
        segments: &[SegmentDemand],
        max_agents: usize,
        quality: &[f64],
        self_host: Vec<(f64, f64)>,
    ) -> Self {
        let (picks, step) = sample(agents.len(), max_agents);
        let sampled: Vec<AgentTraits> = picks.into_iter().map(|ix| agents[ix]).collect();
        Self::of_sample(&sampled, step, segments, quality, self_host)
    }

    /// The oracle of a sample of agents (see [`sample`]) each standing for `step` agents.
    pub fn of_sample(
        sampled: &[AgentTraits],
        step: f64,
        segments: &[SegmentDemand],
        quality: &[f64],
        self_host: Vec<(f64, f64)>,
    ) -> Self {
        let agents: Vec<Agent> = sampled
            .iter()
            .map(|&a| {
                let seg = &segments[a.segment];
                Agent {
                    segment: a.segment,
                    alpha: a.alpha,
                    theta: a.theta,
                    reservation: a.reservation,
                    weight: a.base * seg.represents * step,
                }
            })
            .collect();
        let mut agents = agents;
        agents.sort_by_key(|a| a.segment);
        let mut ranges: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        for (k, a) in agents.iter().enumerate() {
            match ranges.last_mut() {
                Some((s, r)) if *s == a.segment => r.end = k + 1,
                _ => ranges.push((a.segment, k..k + 1)),
            }
        }
        let mut kinks: Vec<f64> = agents
            .iter()
            .map(|a: &Agent| a.reservation)
            .filter(|r| r.is_finite())
            .collect();
        kinks.sort_by(f64::total_cmp);
        kinks.dedup();
        if kinks.len() > MAX_KINKS {
            kinks.clear();
        }
        Self {
            kinks,
            segments: ranges,
            alpha: agents.iter().map(|a| a.alpha).collect(),
            theta: agents.iter().map(|a| a.theta).collect(),
            weight: agents.iter().map(|a| a.weight).collect(),
            reservation: agents.iter().map(|a| a.reservation).collect(),
            agents,
            outside: segments.iter().map(|s| s.outside).collect(),
            volume: segments.iter().map(|s| s.volume).collect(),
            scale: segments.iter().map(|s| s.scale).collect(),
            quality: quality.to_vec(),
            host_charge: Vec::new(),
            self_host,
            nesting: None,
            price_scale: Vec::new(),
        }
        .with_host_charges()
    }

    /// Recomputes `host_charge` from `self_host` and the segments' volume curves.
    fn with_host_charges(mut self) -> Self {
        self.update_host_charges();
        self
    }

    fn update_host_charges(&mut self) {
        self.host_charge = self
            .volume
            .iter()
            .flat_map(|vd| {
                self.self_host
                    .iter()
                    .map(|&(q, p)| (q, vd.price_integral(p)))
            })
            .collect();
    }

    /// Self-hosting alternatives in the outside option (quality, USD per Mtok).
    pub fn self_host(&self) -> &[(f64, f64)] {
        &self.self_host
    }

    /// The same buyers paying `scale[s·V + j]` per Mtok per unit of vendor j's price in
    /// segment s (empty, or 1 everywhere: the prices themselves, on the unscaled path).
    pub fn with_price_scale(mut self, scale: &[f64]) -> Self {
        self.set_price_scale(scale);
        self
    }

    /// The same, in place (when products post new list prices).
    pub fn set_price_scale(&mut self, scale: &[f64]) {
        if scale.iter().all(|&k| k == 1.0) {
            self.price_scale.clear();
        } else if self.price_scale != scale {
            self.price_scale = scale.to_vec();
        }
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

    /// Vendor i's kinks in its price level: each segment's reservation prices over its price
    /// scale (the oracle's kinks where unscaled).
    fn kinks_of(&self, i: usize) -> Option<Vec<f64>> {
        if self.price_scale.is_empty() || self.kinks.is_empty() {
            return None;
        }
        let mut kinks: Vec<f64> = self
            .segments
            .iter()
            .flat_map(|(s, r)| {
                let k = self.k(*s, i);
                self.reservation[r.clone()]
                    .iter()
                    .filter(|x| x.is_finite())
                    .map(move |x| x / k)
            })
            .collect();
        kinks.sort_by(f64::total_cmp);
        kinks.dedup();
        if kinks.len() > MAX_KINKS {
            kinks.clear();
        }
        Some(kinks)
    }

    /// The area under a segment's volume curve at price 0 (times its scale) where its buyers
    /// have no outside option, 0 where they have one.
    fn at_zero(&self, segment: usize) -> f64 {
        if self.outside[segment] {
            0.0
        } else {
            self.volume[segment].surplus(0.0) * self.scale[segment]
        }
    }

    /// Brings qualities, self-hosting alternatives and segment volume growth up to date (the
    /// agents themselves are kept).
    pub fn refresh(&mut self, quality: &[f64], self_host: Vec<(f64, f64)>, scale: Vec<f64>) {
        self.quality = quality.to_vec();
        self.scale = scale;
        self.self_host = self_host;
        self.update_host_charges();
    }

    /// Agents in the oracle.
    pub fn agents(&self) -> usize {
        self.agents.len()
    }

    /// Profit of each vendor at `prices`: (p_j − c_j)·q_j, USD per round.
    pub fn profits(&self, prices: &[f64], costs: &[f64], offered: &[bool]) -> Vec<f64> {
        self.quantities(prices, offered)
            .iter()
            .enumerate()
            .map(|(j, q)| (prices[j] - costs[j]) * q)
            .collect()
    }

    /// Buyers' expected consumer surplus at `prices` (vendors with `offered` set), USD per
    /// round: each agent's logit log-sum over its options divided by its price sensitivity,
    /// times its volume weight and its segment's volume scale, plus the area under the volume
    /// curve at price 0 for segments without the outside option (as the simulated buyers'
    /// surplus is reckoned). Its derivative in p_j is −q_j (Roy's identity). Agents with no
    /// price sensitivity contribute nothing (their surplus has no money measure).
    pub fn consumer_surplus(&self, prices: &[f64], offered: &[bool]) -> f64 {
        if let Some(nest) = &self.nesting {
            return self.nested_surplus(nest, prices, offered);
        }
        let v = self.quality.len();
        let charges = self.charges(prices);
        let mut total = 0.0;
        for a in &self.agents {
            if a.alpha <= 0.0 {
                continue;
            }
            let outside = self.outside[a.segment];
            let u0 = if outside {
                self.outside_utility(a)
            } else {
                f64::NEG_INFINITY
            };
            let c = &charges[a.segment * v..(a.segment + 1) * v];
            let u: Vec<f64> = (0..v)
                .map(|j| self.utility(a, j, prices[j], c[j], offered))
                .collect();
            let mx = u.iter().copied().fold(u0, f64::max);
            if mx == f64::NEG_INFINITY {
                continue;
            }
            let sum: f64 = std::iter::once(u0)
                .chain(u.iter().copied())
                .map(|x| exp_or_zero(x - mx))
                .sum();
            let scale = self.scale[a.segment];
            total += a.weight * ((mx + ln_fast(sum)) / a.alpha * scale + self.at_zero(a.segment));
        }
        total
    }

    /// The outside option's utility: the better of not buying and self-hosting, each
    /// alternative charged α·F(cost) as the vendors' offers are.
    fn outside_utility(&self, a: &Agent) -> f64 {
        let h = self.self_host.len();
        self.host_charge[a.segment * h..(a.segment + 1) * h]
            .iter()
            .fold(0.0f64, |u, &(q, c)| u.max(a.theta * q - a.alpha * c))
    }

    /// u = θ·quality − α·F(k·p) (F from the agent's segment), −inf when not offered or above
    /// the agent's reservation price; `charge` is F(k·p).
    fn utility(&self, a: &Agent, j: usize, p: f64, charge: f64, offered: &[bool]) -> f64 {
        if offered[j] && p * self.k(a.segment, j) <= a.reservation {
            a.theta * self.quality[j] - a.alpha * charge
        } else {
            f64::NEG_INFINITY
        }
    }

    /// F(k·p) of every price, by segment and vendor (segments × vendors).
    fn charges(&self, prices: &[f64]) -> Vec<f64> {
        self.volume
            .iter()
            .enumerate()
            .flat_map(|(g, vd)| {
                prices
                    .iter()
                    .enumerate()
                    .map(move |(j, &p)| vd.price_integral(self.k(g, j) * p))
            })
            .collect()
    }
}

impl DemandModel for DemandOracle {
    type Curve<'a> = AgentCurve<'a>;

    fn vendors(&self) -> usize {
        self.quality.len()
    }

    fn quantities(&self, prices: &[f64], offered: &[bool]) -> Vec<f64> {
        let v = self.quality.len();
        let mut q = vec![0.0; v];
        let mut u = vec![0.0; v];
        // Volume per unit of weight, by segment and vendor: pow once, not once per agent.
        // In units of the price level: k·(scale·factor(k·p)) (k = 1 unscaled).
        let factors: Vec<f64> = self
            .volume
            .iter()
            .zip(&self.scale)
            .enumerate()
            .flat_map(|(g, (vd, s))| {
                prices.iter().enumerate().map(move |(j, &p)| {
                    let k = self.k(g, j);
                    k * (s * vd.factor(k * p))
                })
            })
            .collect();
        if let Some(nest) = &self.nesting {
            return self.nested_quantities(nest, prices, offered, &factors);
        }
        let charges = self.charges(prices);
        for a in &self.agents {
            let outside = self.outside[a.segment];
            let u0 = if outside {
                self.outside_utility(a)
            } else {
                f64::NEG_INFINITY
            };
            let mut mx = u0;
            let c = &charges[a.segment * v..(a.segment + 1) * v];
            for j in 0..v {
                u[j] = self.utility(a, j, prices[j], c[j], offered);
                mx = mx.max(u[j]);
            }
            if mx == f64::NEG_INFINITY {
                continue;
            }
            let mut total = if outside { exp_or_zero(u0 - mx) } else { 0.0 };
            for x in u.iter_mut() {
                *x = exp_or_zero(*x - mx);
                total += *x;
            }
            let f = &factors[a.segment * v..(a.segment + 1) * v];
            for j in 0..v {
                if u[j] > 0.0 {
                    q[j] += u[j] / total * a.weight * f[j];
                }
            }
        }
        q
    }

    /// The logit first-order conditions with their analytic Jacobian (see `foc.rs`); None
    /// where buyers' reservation prices put mass points in demand.
    /// Under nested logit or price scales: None (the safeguarded search).
    fn foc(&self, prices: &[f64], costs: &[f64], offered: &[bool], owners: &Owners) -> Option<Foc> {
        if self.nesting.is_some() || !self.price_scale.is_empty() {
            return None;
        }
        self.first_order_conditions(prices, costs, offered, owners)
    }

    /// Every monopoly's conditions from one pass (see `foc.rs`).
    fn monopoly_foc(&self, prices: &[f64], costs: &[f64], which: &[bool]) -> Option<Foc> {
        if self.nesting.is_some() || !self.price_scale.is_empty() {
            return None;
        }
        self.monopoly_conditions(prices, costs, which)
    }

    // Agent columns are indexed in step (k addresses m, rest, own and the trait columns).
    #[allow(clippy::needless_range_loop)]
    fn curve<'a>(
        &'a self,
        i: usize,
        prices: &[f64],
        costs: &[f64],
        offered: &[bool],
    ) -> AgentCurve<'a> {
        let v = self.quality.len();
        if let Some(nest) = &self.nesting {
            return AgentCurve {
                oracle: self,
                terms: Terms::default(),
                offered: offered[i],
                nested: Some(self.nested_curve(nest, i, prices, costs, offered)),
                kinks: self.kinks_of(i),
                own: i,
            };
        }
        // Rivals' margin per unit of weight, by segment and vendor: pow once, not once per agent.
        let margin: Vec<f64> = self
            .volume
            .iter()
            .zip(&self.scale)
            .enumerate()
            .flat_map(|(g, (vd, s))| {
                (0..v).map(move |j| {
                    let k = self.k(g, j);
                    (prices[j] - costs[j]) * s * vd.factor(k * prices[j]) * k
                })
            })
            .collect();
        let charges = self.charges(prices);
        // Column by column over each segment's agents (the loops over agents run several at
        // once): m = the best utility among the other options, rest = Σ exp(u − m) over them,
        // margins = Σ margin·w·exp(u − m) over the rivals.
        let n = self.agents.len();
        let rivals: Vec<usize> = (0..v).filter(|&j| j != i && offered[j]).collect();
        let mut u0 = vec![f64::NEG_INFINITY; n];
        let mut m = vec![f64::NEG_INFINITY; n];
        let mut rest = vec![0.0; n];
        let mut margins = vec![0.0; n];
        let mut own = vec![0.0; n];
        for (segment, range) in &self.segments {
            let r = range.clone();
            let (theta, alpha) = (&self.theta[r.clone()], &self.alpha[r.clone()]);
            let reservation = &self.reservation[r.clone()];
            let weight = &self.weight[r.clone()];
            let (u0, m) = (&mut u0[r.clone()], &mut m[r.clone()]);
            let (rest, margins, own) = (&mut rest[r.clone()], &mut margins[r.clone()], &mut own[r]);
            let outside = self.outside[*segment];
            let vd = &self.volume[*segment];
            if outside {
                // Doing without (utility 0) or self-hosting the best open-weight model.
                u0.fill(0.0);
                for &(q, c) in &self.self_host {
                    let c = vd.price_integral(c);
                    for k in 0..u0.len() {
                        u0[k] = u0[k].max(theta[k] * q - alpha[k] * c);
                    }
                }
                m.copy_from_slice(u0);
            }
            let charge = &charges[segment * v..(segment + 1) * v];
            let utility = |j: usize, k: usize| {
                if prices[j] * self.k(*segment, j) <= reservation[k] {
                    theta[k] * self.quality[j] - alpha[k] * charge[j]
                } else {
                    f64::NEG_INFINITY
                }
            };
            for &j in &rivals {
                for k in 0..m.len() {
                    m[k] = m[k].max(utility(j, k));
                }
            }
            for k in 0..m.len() {
                // With nothing else available, normalise by the own option's utility at price 0.
                if m[k] == f64::NEG_INFINITY {
                    m[k] = theta[k] * self.quality[i];
                }
                own[k] = theta[k] * self.quality[i] - m[k];
                if outside {
                    rest[k] = exp_or_zero(u0[k] - m[k]);
                }
            }
            let seg_margin = &margin[segment * v..(segment + 1) * v];
            for &j in &rivals {
                for k in 0..m.len() {
                    let e = exp_or_zero(utility(j, k) - m[k]);
                    rest[k] += e;
                    margins[k] += seg_margin[j] * weight[k] * e;
                }
            }
        }
        for (mg, r) in margins.iter_mut().zip(&rest) {
            *mg = if *r > 0.0 { *mg / r } else { 0.0 };
        }
        AgentCurve {
            oracle: self,
            terms: Terms {
                own,
                rest,
                margin_ratio: margins,
            },
            offered: offered[i],
            nested: None,
            kinks: self.kinks_of(i),
            own: i,
        }
    }
}

/// exp(u), exactly 0 where exp underflows (below −708) and for an option that is not available
/// (u = −inf): `exp_fast` clamps its argument, which would leave a tiny weight.
#[inline]
fn exp_or_zero(u: f64) -> f64 {
    if u < -708.0 { 0.0 } else { exp_fast(u) }
}
