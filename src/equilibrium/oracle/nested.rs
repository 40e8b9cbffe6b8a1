//! The demand oracle under nested logit: quantities, surplus and own-price curves from each
//! agent's nested-logit probabilities and log-sum (see [`crate::demand::nest`]).

use super::{Agent, DemandOracle};
use crate::demand::{NestWork, Nesting};
use crate::equilibrium::nested::{NestedCurve, Pseudo};
use std::sync::Arc;

impl DemandOracle {
    /// The same buyers choosing by nested logit (`None`, or a nesting with λ = 1 everywhere:
    /// plain logit, on its own code path).
    pub fn with_nesting(mut self, nesting: Option<Arc<Nesting>>) -> Self {
        self.nesting = nesting.filter(|n| !n.is_plain());
        self
    }

    /// Every option's utility for agent `a` into `u` (vendors, then the outside option; −inf
    /// where not available), with F(p) from `charges` (segments × vendors).
    fn all_utilities(
        &self,
        a: &Agent,
        prices: &[f64],
        charges: &[f64],
        offered: &[bool],
        u: &mut [f64],
    ) {
        let v = self.quality.len();
        let c = &charges[a.segment * v..(a.segment + 1) * v];
        for j in 0..v {
            u[j] = self.utility(a, j, prices[j], c[j], offered);
        }
        u[v] = if self.outside[a.segment] {
            self.outside_utility(a)
        } else {
            f64::NEG_INFINITY
        };
    }

    /// Nested logit: each agent's choice probabilities (vendors, then the outside option) and
    /// log-sum at `prices`, passed to `each`.
    fn each_nested(
        &self,
        nest: &Nesting,
        prices: &[f64],
        offered: &[bool],
        mut each: impl FnMut(&Agent, &[f64], f64),
    ) {
        let charges = self.charges(prices);
        let o = self.quality.len() + 1;
        let (mut prob, mut within, mut work) = (vec![0.0; o], vec![0.0; o], NestWork::default());
        let mut u = vec![0.0; o];
        for a in &self.agents {
            self.all_utilities(a, prices, &charges, offered, &mut u);
            let ls = nest.choose(&u, &mut prob, &mut within, &mut work);
            if ls > f64::NEG_INFINITY {
                each(a, &prob, ls);
            }
        }
    }

    /// Quantities under nested logit (`factors`: volume per unit of weight, segments ×
    /// vendors).
    pub(super) fn nested_quantities(
        &self,
        nest: &Nesting,
        prices: &[f64],
        offered: &[bool],
        factors: &[f64],
    ) -> Vec<f64> {
        let v = self.quality.len();
        let mut q = vec![0.0; v];
        self.each_nested(nest, prices, offered, |a, prob, _| {
            let f = &factors[a.segment * v..(a.segment + 1) * v];
            for j in 0..v {
                q[j] += prob[j] * a.weight * f[j];
            }
        });
        q
    }

    /// Consumer surplus under nested logit: each agent's log-sum of its nests' values over its
    /// price sensitivity (Roy's identity holds as for plain logit: its slope in p_j is −q_j).
    pub(super) fn nested_surplus(&self, nest: &Nesting, prices: &[f64], offered: &[bool]) -> f64 {
        let mut total = 0.0;
        self.each_nested(nest, prices, offered, |a, _, ls| {
            if a.alpha > 0.0 {
                let scale = self.scale[a.segment];
                total += a.weight * (ls / a.alpha * scale + self.at_zero(a.segment));
            }
        });
        total
    }

    /// Vendor `i`'s own-price curve under nested logit.
    pub(super) fn nested_curve<'a>(
        &'a self,
        nest: &'a Nesting,
        i: usize,
        prices: &[f64],
        costs: &[f64],
        offered: &[bool],
    ) -> NestedCurve<'a> {
        let segments = self.volume.iter().copied().zip(self.scale.iter().copied());
        let mut curve = NestedCurve::new(
            nest,
            i,
            segments.collect(),
            prices,
            costs,
            &self.price_scale,
        );
        let charges = self.charges(prices);
        let mut u = vec![0.0; prices.len() + 1];
        for a in &self.agents {
            self.all_utilities(a, prices, &charges, offered, &mut u);
            let p = Pseudo {
                segment: a.segment,
                alpha: a.alpha,
                reservation: a.reservation,
                weight: a.weight,
                coef: 1.0,
                stay: 0.0,
                own: a.theta * self.quality[i],
            };
            curve.push(p, &u);
        }
        curve
    }
}

#[cfg(test)]
mod tests {
    use crate::demand::Nesting;
    use crate::demand::volume::{VolumeDemand, linear::LinearVolume};
    use crate::equilibrium::{
        AgentState, AgentTraits, DemandModel, DemandOracle, OwnPriceCurve, RoundDemand,
        SegmentDemand, SegmentFrictions,
    };
    use std::sync::Arc;

    const PRICES: [f64; 3] = [1.3, 1.0, 0.6];
    const COSTS: [f64; 3] = [0.5, 0.4, 0.2];

    fn nesting() -> Option<Arc<Nesting>> {
        Some(Arc::new(Nesting::new(
            4,
            &[(0.4, vec![0, 1]), (0.7, vec![2, 3])],
        )))
    }

    fn traits(k: usize) -> AgentTraits {
        AgentTraits {
            segment: 0,
            alpha: 0.7 + 0.15 * k as f64,
            theta: 1.0 + 0.1 * k as f64,
            reservation: f64::INFINITY,
            base: 1.0 + 0.5 * k as f64,
        }
    }

    fn segments() -> [SegmentDemand; 1] {
        [SegmentDemand {
            represents: 2.0,
            outside: true,
            volume: VolumeDemand::Linear(LinearVolume { choke: 6.0 }),
            scale: 1.2,
        }]
    }

    fn oracle() -> DemandOracle {
        let agents: Vec<AgentTraits> = (0..6).map(traits).collect();
        DemandOracle::new(
            &agents,
            &segments(),
            100,
            &[2.0, 1.7, 1.1],
            vec![(0.9, 0.8)],
        )
        .with_nesting(nesting())
    }

    fn bumped(j: usize, h: f64) -> Vec<f64> {
        let mut p = PRICES.to_vec();
        p[j] += h;
        p
    }

    /// Each product's own-price curve agrees with the quantities and their numerical slopes:
    /// own slope, and the rivals' margins times their quantities' slopes.
    fn curves_agree<D: DemandModel>(d: &D) {
        let on = [true; 3];
        let h = 1e-6;
        let q = d.quantities(&PRICES, &on);
        for i in 0..3 {
            let point = d.curve(i, &PRICES, &COSTS, &on).at(PRICES[i]);
            let (up, dn) = (
                d.quantities(&bumped(i, h), &on),
                d.quantities(&bumped(i, -h), &on),
            );
            let slope = |k: usize| (up[k] - dn[k]) / (2.0 * h);
            assert!(
                (point.q - q[i]).abs() < 1e-12 * q[i].max(1.0),
                "{i}: {} vs {}",
                point.q,
                q[i]
            );
            assert!(
                (point.dq - slope(i)).abs() < 1e-6,
                "{i}: {} vs {}",
                point.dq,
                slope(i)
            );
            let rivals: f64 = (0..3)
                .filter(|&k| k != i)
                .map(|k| (PRICES[k] - COSTS[k]) * slope(k))
                .sum();
            assert!(
                (point.rivals_margin_slope - rivals).abs() < 1e-6,
                "{i}: {} vs {rivals}",
                point.rivals_margin_slope
            );
        }
    }

    #[test]
    fn the_oracles_nested_curves_match_its_quantities() {
        curves_agree(&oracle());
    }

    /// Roy's identity under nested logit: ∂CS/∂p_j = −q_j.
    #[test]
    fn nested_surplus_obeys_roys_identity() {
        let o = oracle();
        let on = [true; 3];
        let q = o.quantities(&PRICES, &on);
        let h = 1e-5;
        for (j, &qj) in q.iter().enumerate() {
            let d = (o.consumer_surplus(&bumped(j, h), &on)
                - o.consumer_surplus(&bumped(j, -h), &on))
                / (2.0 * h);
            assert!((d + qj).abs() < 1e-6 * qj.max(1.0), "{j}: {d} vs {}", -qj);
        }
    }

    /// The round demand's nested curves, for agents held on each kind of option by switching
    /// costs and inertia, and agents not yet placed.
    #[test]
    fn the_round_demands_nested_curves_match_its_quantities() {
        let options = [
            vec![(0, 1.0)],
            vec![(1, 0.6), (3, 0.4)],
            vec![(2, 0.5)],
            vec![],
            vec![(3, 1.0)],
            vec![(0, 0.2), (2, 0.8)],
        ];
        let agents: Vec<AgentState> = options
            .iter()
            .enumerate()
            .map(|(k, o)| AgentState {
                traits: traits(k),
                options: o.clone(),
            })
            .collect();
        let frictions = [SegmentFrictions {
            review: 0.35,
            penalty: (-0.6f64).exp(),
        }];
        let d = RoundDemand::new(
            &agents,
            &segments(),
            &frictions,
            100,
            &[2.0, 1.7, 1.1],
            vec![(0.9, 0.8)],
        )
        .with_nesting(nesting());
        curves_agree(&d);
        // Without frictions the round demand is the oracle's, whoever holds what.
        let free = [SegmentFrictions {
            review: 1.0,
            penalty: 1.0,
        }];
        let d = RoundDemand::new(
            &agents,
            &segments(),
            &free,
            100,
            &[2.0, 1.7, 1.1],
            vec![(0.9, 0.8)],
        )
        .with_nesting(nesting());
        let (a, b) = (
            d.quantities(&PRICES, &[true; 3]),
            oracle().quantities(&PRICES, &[true; 3]),
        );
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-12 * y, "{x} vs {y}");
        }
    }
}
