//! `value_based` (demand-oriented pricing, 需求导向定价): post the price that maximises own profit
//! against the vendor's estimate of its demand.
//!
//! The estimate is a linear demand q = a − b·p fitted to the vendor's own past (price, quantity)
//! pairs by least squares with exponential forgetting, or a demand the vendor is told to believe.
//! Against q = a − b·p with marginal cost c, profit (p − c)(a − b·p) peaks at p* = (a/b + c)/2.
//! Fitted to a nonlinear demand, the fixed point of this rule satisfies the true first-order
//! condition p − c = −q/q'(p), because the local fit is tangent to the demand curve.
//! When past prices are too alike to identify a slope, the vendor runs a small price experiment.
//! A product of a firm that sells others (its siblings) prices for the firm: each sibling's
//! volume is regressed on this product's price alike, and the optimum gains Σ m_k·d_k/(2b)
//! (m_k the sibling's margin, d_k its fitted volume slope).
//! Rounds without sales are censored observations (demand is zero at that price or anywhere
//! above it) and stay out of the fit; after one the vendor cuts its price toward cost by
//! `max_change` until it sells again.

use super::{Observation, PricingContext, PricingRule};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `value_based` block: the vendor fits a linear demand q = a − b·p to its own past prices
/// and quantities (weighted least squares with forgetting) and posts the price that maximises
/// (p − marginal cost)·(a − b·p).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueBasedSpec {
    /// Weight kept by each older observation per round, in (0, 1].
    #[serde(default = "default_forgetting")]
    pub forgetting: f64,
    /// Relative size of a price experiment when past prices do not identify the slope, in (0, 0.5].
    #[serde(default = "default_probe")]
    pub probe: f64,
    /// Largest relative price change per round, > 0.
    #[serde(default = "default_max_change")]
    pub max_change: f64,
    /// A demand the vendor believes instead of fitting one (the textbook form D = a − b·p).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub believed_demand: Option<LinearDemandSpec>,
}

fn default_forgetting() -> f64 {
    0.9
}
fn default_probe() -> f64 {
    0.05
}
fn default_max_change() -> f64 {
    0.5
}

/// A linear demand D = intercept − slope·p (Mtok per round, p in USD per Mtok).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearDemandSpec {
    /// Mtok per round at price 0.
    pub intercept: f64,
    /// Mtok per round lost per USD/Mtok of price.
    pub slope: f64,
}

/// Demand-oriented pricing with a learned or believed linear demand.
#[derive(Clone, Debug)]
pub struct ValueBased {
    forgetting: f64,
    probe: f64,
    max_change: f64,
    believed: Option<(f64, f64)>,
    // Weighted sums of 1, p, q, p², p·q over past observations.
    sw: f64,
    sp: f64,
    sq: f64,
    spp: f64,
    spq: f64,
    probes: u32,
    unsold: bool,
    // Weighted sums of q_k and p·q_k of every vendor k (p this vendor's price): the slopes of
    // its siblings' volumes in its price.
    sqk: Vec<f64>,
    spqk: Vec<f64>,
}

impl ValueBased {
    /// From a scenario spec.
    pub fn from_spec(s: &ValueBasedSpec) -> Self {
        Self {
            forgetting: s.forgetting,
            probe: s.probe,
            max_change: s.max_change,
            believed: s.believed_demand.as_ref().map(|d| (d.intercept, d.slope)),
            sw: 0.0,
            sp: 0.0,
            sq: 0.0,
            spp: 0.0,
            spq: 0.0,
            probes: 0,
            unsold: false,
            sqk: Vec::new(),
            spqk: Vec::new(),
        }
    }

    /// The current demand estimate (intercept a, slope b) of q = a − b·p, if identified.
    pub fn estimate(&self) -> Option<(f64, f64)> {
        if let Some(d) = self.believed {
            return Some(d);
        }
        if self.sw <= 0.0 {
            return None;
        }
        let mp = self.sp / self.sw;
        let mq = self.sq / self.sw;
        let var = self.spp / self.sw - mp * mp;
        // Relative price spread below a tenth of the probe size does not identify a slope.
        let min_sd = 0.1 * self.probe * mp.abs().max(f64::MIN_POSITIVE);
        // (NaN fails the test too.)
        if var.partial_cmp(&(min_sd * min_sd)) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let cov = self.spq / self.sw - mp * mq;
        let b = -cov / var;
        if !(b > 0.0 && b.is_finite()) {
            return None;
        }
        Some((mq + b * mp, b))
    }

    /// The slope ∂q_k/∂p of vendor k's volume in this vendor's price, fitted from the same
    /// observations (the regression of k's volume on this price; 0 before any, and never
    /// negative: the firm's products are substitutes).
    pub fn cross_slope(&self, k: usize) -> f64 {
        if self.sw <= 0.0 || k >= self.sqk.len() {
            return 0.0;
        }
        let mp = self.sp / self.sw;
        let var = self.spp / self.sw - mp * mp;
        if var.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return 0.0;
        }
        let cov = self.spqk[k] / self.sw - mp * self.sqk[k] / self.sw;
        let d = cov / var;
        if d.is_finite() { d.max(0.0) } else { 0.0 }
    }

    /// The profit-maximising price against q = a − b·p at marginal cost c, not below cost.
    pub fn optimal_price(a: f64, b: f64, c: f64) -> f64 {
        (0.5 * (a / b + c)).max(c)
    }
}

impl PricingRule for ValueBased {
    type Spec = ValueBasedSpec;

    fn check(spec: &ValueBasedSpec, at: &str, c: &mut Checker) {
        c.range(
            &format!("{at}.forgetting"),
            spec.forgetting,
            0.0,
            1.0,
            true,
            false,
        );
        c.range(&format!("{at}.probe"), spec.probe, 0.0, 0.5, true, false);
        c.positive(&format!("{at}.max_change"), spec.max_change);
        if let Some(d) = &spec.believed_demand {
            c.positive(&format!("{at}.believed_demand.intercept"), d.intercept);
            c.positive(&format!("{at}.believed_demand.slope"), d.slope);
        }
    }

    fn build(spec: &ValueBasedSpec) -> Self {
        Self::from_spec(spec)
    }

    /// This round's price.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        let last = ctx.own_last_price();
        if self.unsold && self.believed.is_none() && last > ctx.marginal_cost {
            // Nothing sold at the last price: come down toward cost.
            return (last * (1.0 - self.max_change.max(self.probe))).max(ctx.marginal_cost);
        }
        match self.estimate() {
            Some((a, b)) => {
                // For its owner: the firm's other products gain volume d_k per unit of this
                // price at margin m_k, which adds Σ m_k·d_k/(2b) to the optimum
                // ((p − c)(a − b·p) + Σ m_k·(q_k + d_k·p) peaks there).
                let siblings: f64 = (0..ctx.last_prices.len())
                    .filter(|&k| k != ctx.me && ctx.last_active[k] && !ctx.is_rival(k))
                    .map(|k| (ctx.last_prices[k] - ctx.costs[k]).max(0.0) * self.cross_slope(k))
                    .sum();
                let target = Self::optimal_price(a, b, ctx.marginal_cost) + siblings / (2.0 * b);
                if self.believed.is_some() || last <= 0.0 {
                    return target;
                }
                target.clamp(
                    last * (1.0 - self.max_change).max(0.0),
                    last * (1.0 + self.max_change),
                )
            }
            None if self.sw == 0.0 => last,
            None => {
                // Experiment: alternate above and below the last price.
                self.probes += 1;
                let dir = if self.probes % 2 == 1 { 1.0 } else { -1.0 };
                let base = if last > 0.0 {
                    last
                } else {
                    ctx.marginal_cost.max(f64::MIN_POSITIVE)
                };
                base * (1.0 + dir * self.probe)
            }
        }
    }

    /// Adds a settled round to the fit.
    fn observe(&mut self, obs: &Observation) {
        let (p, q) = (obs.price, obs.quantity_mtok);
        if !(p.is_finite() && q.is_finite()) {
            return;
        }
        self.unsold = q <= 0.0;
        if self.unsold {
            return;
        }
        let l = self.forgetting;
        self.sw = l * self.sw + 1.0;
        self.sp = l * self.sp + p;
        self.sq = l * self.sq + q;
        self.spp = l * self.spp + p * p;
        self.spq = l * self.spq + p * q;
        let n = obs.quantities.len();
        self.sqk.resize(n, 0.0);
        self.spqk.resize(n, 0.0);
        for (k, &qk) in obs.quantities.iter().enumerate() {
            let qk = if qk.is_finite() { qk } else { 0.0 };
            self.sqk[k] = l * self.sqk[k] + qk;
            self.spqk[k] = l * self.spqk[k] + p * qk;
        }
    }

    fn needs_demand(&self) -> bool {
        false
    }

    fn needs_round_demand(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testing::ctx;

    fn spec(believed: Option<(f64, f64)>) -> ValueBasedSpec {
        ValueBasedSpec {
            forgetting: 0.9,
            probe: 0.05,
            max_change: 0.5,
            believed_demand: believed.map(|(a, b)| LinearDemandSpec {
                intercept: a,
                slope: b,
            }),
        }
    }

    /// D = 1000 − 5p, c = 10: monopoly price (a + b·c)/(2b) = 1050/10 = 105.
    #[test]
    fn believed_textbook_demand_gives_the_monopoly_price() {
        let mut s = ValueBased::from_spec(&spec(Some((1000.0, 5.0))));
        let p = s.price(&ctx(0, 10.0, &[50.0], &[true]));
        assert!((p - 105.0).abs() < 1e-12);
    }

    /// Plays `rounds` rounds against D = 1000 − 5p at c = 10 from `start`; returns the
    /// strategy and its last price. No price may fall below cost.
    fn play_textbook(start: f64, rounds: u32) -> (ValueBased, f64) {
        let mut s = ValueBased::from_spec(&spec(None));
        let mut last = start;
        for round in 0..rounds {
            let p = s.price(&ctx(round, 10.0, &[last], &[true]));
            assert!(p >= 10.0, "below cost: {p}");
            let q = (1000.0 - 5.0 * p).max(0.0);
            s.observe(&Observation {
                round,
                price: p,
                quantity_mtok: q,
                marginal_cost: 10.0,
                profit_usd: (p - 10.0) * q,
                prices: &[p],
                quantities: &[q],
            });
            last = p;
        }
        (s, last)
    }

    #[test]
    fn learned_fit_finds_the_monopoly_price_of_a_linear_demand() {
        let (s, last) = play_textbook(50.0, 30);
        assert!((last - 105.0).abs() < 1e-9, "price {last}");
        let (a, b) = s.estimate().unwrap();
        assert!((a - 1000.0).abs() < 1e-6 && (b - 5.0).abs() < 1e-9);
    }

    /// D = 1000 − 5p is zero above the choke price 200: a vendor starting at 300 sells nothing,
    /// comes down, and then finds the monopoly price 105 as from any other start.
    #[test]
    fn from_above_the_choke_price_it_comes_down_to_the_monopoly_price() {
        for start in [300.0, 1000.0] {
            let (_, last) = play_textbook(start, 60);
            assert!((last - 105.0).abs() < 1e-6, "from {start}: price {last}");
        }
    }

    /// Product 0 of a firm that also sells product 1 (held at price 50, cost 10): q_0 =
    /// 1000 − 5·p_0 and q_1 = 200 + 2·p_0. The firm's profit (p_0 − 10)·q_0 + 40·q_1 peaks at
    /// p_0 = (1000/5 + 10)/2 + 40·2/(2·5) = 113, above the single-product 105.
    #[test]
    fn a_firms_product_prices_for_its_siblings_margins_too() {
        let mut s = ValueBased::from_spec(&spec(None));
        let mut last = 50.0;
        let owners = [0, 0];
        let costs = [10.0, 10.0];
        for round in 0..60 {
            let prices = [last, 50.0];
            let mut c = ctx(round, 10.0, &prices, &[true, true]);
            c.owners = &owners;
            c.costs = &costs;
            let p = s.price(&c);
            let q0 = (1000.0 - 5.0 * p).max(0.0);
            let q1 = 200.0 + 2.0 * p;
            s.observe(&Observation {
                round,
                price: p,
                quantity_mtok: q0,
                marginal_cost: 10.0,
                profit_usd: (p - 10.0) * q0,
                prices: &[p, 50.0],
                quantities: &[q0, q1],
            });
            last = p;
        }
        assert!((last - 113.0).abs() < 1e-6, "price {last}");
        assert!((s.cross_slope(1) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn without_identifying_variation_it_experiments() {
        let mut s = ValueBased::from_spec(&spec(None));
        s.observe(&Observation {
            round: 0,
            price: 10.0,
            quantity_mtok: 5.0,
            marginal_cost: 1.0,
            profit_usd: 45.0,
            prices: &[10.0],
            quantities: &[5.0],
        });
        let p = s.price(&ctx(1, 1.0, &[10.0], &[true]));
        assert!((p - 10.5).abs() < 1e-12);
    }
}
