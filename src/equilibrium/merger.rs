//! Merger simulation and merger screens: the Bertrand-Nash market before and after the owners of
//! some products merge (the static prediction of a merger's price effects), and the screens
//! antitrust agencies compute from demand alone, diversion ratios and upward pricing pressure
//! (GUPPI).

use super::benchmarks::{Benchmark, evaluate};
use super::{DemandModel, OwnPriceCurve, Owners, nash_prices_above};
use serde::Serialize;

/// Diversion ratio D_jk = −(∂q_k/∂p_j)/(∂q_j/∂p_j) of every vendor k from vendor `j` at
/// `prices`: the share of the volume j loses to a small rise in its price that goes to k (0 for
/// j itself and for vendors not offered; the rest of the loss goes to the outside option or
/// leaves the market). Analytic: the cross slopes come from the model's own-price curve of j,
/// weighing one rival's margin at a time.
pub fn diversion_ratios<M: DemandModel>(
    model: &M,
    j: usize,
    prices: &[f64],
    offered: &[bool],
) -> Vec<f64> {
    let v = prices.len();
    let own = model.curve(j, prices, prices, offered).at(prices[j]).dq;
    (0..v)
        .map(|k| {
            if k == j
                || !offered[k]
                || !offered[j]
                || own.partial_cmp(&0.0) != Some(std::cmp::Ordering::Less)
            {
                return 0.0;
            }
            // Margins p_l − c_l of 1 for k and 0 for every other rival: the curve's rivals'
            // margin slope is then ∂q_k/∂p_j.
            let unit: Vec<f64> = (0..v)
                .map(|l| if l == k { prices[l] - 1.0 } else { prices[l] })
                .collect();
            let cross = model.curve(j, prices, &unit, offered).at(prices[j]);
            -cross.rivals_margin_slope / own
        })
        .collect()
}

/// Gross upward pricing pressure of vendor j after merging with the vendors `partners`:
/// GUPPI_j = Σ_k D_jk·(p_k − c_k)/p_j, the value of the sales j's price rise would divert to its
/// new siblings, per unit of its own revenue.
pub fn guppi(
    diversion_from_j: &[f64],
    j: usize,
    prices: &[f64],
    costs: &[f64],
    partners: &[usize],
) -> f64 {
    partners
        .iter()
        .map(|&k| diversion_from_j[k] * (prices[k] - costs[k]))
        .sum::<f64>()
        / prices[j]
}

/// One diversion ratio between merging products.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diversion {
    /// The product whose price rises.
    pub from: String,
    /// The product the lost volume goes to.
    pub to: String,
    /// D_from,to.
    pub ratio: f64,
}

/// One merging product's upward pricing pressure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Guppi {
    /// Product.
    pub vendor: String,
    /// GUPPI, a fraction of its price.
    pub guppi: f64,
}

/// The static merger simulation of one market: Bertrand-Nash before and after the merger, with
/// the screens at the pre-merger prices.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MergerSimulation {
    /// Round of the merger (its market: that round's costs, qualities and buyers).
    pub round: u32,
    /// The merged firm.
    pub owner: String,
    /// Every product the merged firm owns after the merger.
    pub merging: Vec<String>,
    /// Vendor names, in the order of every per-vendor list.
    pub vendors: Vec<String>,
    /// Each vendor's owner before the merger.
    pub owners_before: Vec<String>,
    /// Each vendor's owner after it.
    pub owners_after: Vec<String>,
    /// Marginal costs used, as vendors see them, USD per Mtok.
    pub marginal_costs: Vec<f64>,
    /// Bertrand-Nash under the owners before the merger (null when it does not exist).
    pub before: Option<Benchmark>,
    /// Bertrand-Nash under the owners after it.
    pub after: Option<Benchmark>,
    /// Each vendor's predicted price change, after/before − 1 (null when either is missing).
    pub price_change: Vec<Option<f64>>,
    /// Buyers' expected consumer surplus at the prices before, USD per round.
    pub consumer_surplus_before: Option<f64>,
    /// The same after.
    pub consumer_surplus_after: Option<f64>,
    /// Diversion ratios between merging products of different owners before the merger, at the
    /// pre-merger Nash prices.
    pub diversion: Vec<Diversion>,
    /// Each merging product's GUPPI at the pre-merger Nash prices.
    pub guppi: Vec<Guppi>,
}

/// The market a merger simulation solves: the same facts as the benchmarks'.
#[derive(Clone, Copy, Debug)]
pub struct MergerMarket<'a> {
    /// Round.
    pub round: u32,
    /// Vendor names.
    pub vendors: &'a [String],
    /// Marginal costs as vendors see them, USD per Mtok.
    pub costs: &'a [f64],
    /// In the market.
    pub offered: &'a [bool],
    /// Held at marginal cost (open-weight hosts).
    pub at_cost: &'a [bool],
    /// Capacities, Mtok per round.
    pub capacities: &'a [Option<f64>],
    /// Price floors, USD per Mtok (empty: none).
    pub floors: &'a [f64],
    /// Start of the solvers (an earlier solution, or costs).
    pub start: &'a [f64],
}

/// Simulates a merger from `before` to `after` owners (owner names `names_before`,
/// `names_after`, by vendor): the Bertrand-Nash prices, quantities, profits and consumer surplus
/// (`surplus` of a price vector) under each, the predicted price changes, and the diversion
/// ratios and GUPPIs of the merging products (those whose owner label changes, and every product
/// of the merged firm) at the pre-merger prices.
pub fn simulate_merger<M: DemandModel>(
    model: &M,
    market: MergerMarket,
    owners: [(&Owners, &[String]); 2],
    owner: &str,
    surplus: impl Fn(&[f64]) -> f64,
) -> MergerSimulation {
    let [(before, names_before), (after, names_after)] = owners;
    let m = market;
    let v = m.costs.len();
    let optimise: Vec<bool> = m.at_cost.iter().map(|a| !a).collect();
    let solve = |owners: &Owners, start: &[f64]| {
        nash_prices_above(
            model,
            m.costs,
            m.offered,
            &optimise,
            m.capacities,
            m.floors,
            owners,
            start,
        )
    };
    let pre = solve(before, m.start);
    // The merged firm prices above its pre-merger prices: start there.
    let post = solve(after, pre.as_ref().map_or(m.start, |s| &s.prices));
    let bench = |s: &super::Solution| {
        evaluate(
            model,
            &s.prices,
            m.costs,
            m.offered,
            m.capacities,
            s.converged,
        )
    };
    let merged: Vec<usize> = (0..v).filter(|&j| names_after[j] == owner).collect();
    let mut diversion = Vec::new();
    let mut guppis = Vec::new();
    if let Some(pre) = &pre {
        for &j in merged.iter().filter(|&&j| m.offered[j]) {
            let d = diversion_ratios(model, j, &pre.prices, m.offered);
            let partners: Vec<usize> = merged
                .iter()
                .copied()
                .filter(|&k| m.offered[k] && !before.same(j, k))
                .collect();
            for &k in &partners {
                diversion.push(Diversion {
                    from: m.vendors[j].clone(),
                    to: m.vendors[k].clone(),
                    ratio: d[k],
                });
            }
            guppis.push(Guppi {
                vendor: m.vendors[j].clone(),
                guppi: guppi(&d, j, &pre.prices, m.costs, &partners),
            });
        }
    }
    let price_change = (0..v)
        .map(|j| match (&pre, &post) {
            (Some(a), Some(b)) if m.offered[j] && a.prices[j] > 0.0 => {
                Some(b.prices[j] / a.prices[j] - 1.0)
            }
            _ => None,
        })
        .collect();
    let cs = |s: &Option<super::Solution>| s.as_ref().map(|s| surplus(&s.prices));
    MergerSimulation {
        round: m.round,
        owner: owner.to_string(),
        merging: merged.iter().map(|&j| m.vendors[j].clone()).collect(),
        vendors: m.vendors.to_vec(),
        owners_before: names_before.to_vec(),
        owners_after: names_after.to_vec(),
        marginal_costs: m.costs.to_vec(),
        consumer_surplus_before: cs(&pre),
        consumer_surplus_after: cs(&post),
        before: pre.as_ref().map(bench),
        after: post.as_ref().map(bench),
        price_change,
        diversion,
        guppi: guppis,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand::VolumeDemand;
    use crate::demand::volume::fixed::FixedVolume;
    use crate::equilibrium::{AgentTraits, DemandOracle, SegmentDemand, newton};

    /// `n` identical buyers of homogeneous price sensitivity `alpha`, fixed volume 1 each, with
    /// the outside option.
    fn logit(alpha: f64, n: usize, quality: &[f64]) -> DemandOracle {
        let segments = [SegmentDemand {
            represents: 1.0,
            outside: true,
            volume: VolumeDemand::Fixed(FixedVolume),
            scale: 1.0,
        }];
        let agents = vec![
            AgentTraits {
                segment: 0,
                alpha,
                theta: 1.0,
                reservation: f64::INFINITY,
                base: 1.0,
            };
            n
        ];
        DemandOracle::new(&agents, &segments, n, quality, Vec::new())
    }

    /// Multi-product logit Nash with homogeneous α: p_j − c_j = 1/(α(1 − Σ_{k∈F} s_k)) for every
    /// product j of firm F (shares of all buyers, the outside option included), by Newton and
    /// by the best-response search alike.
    #[test]
    fn multi_product_logit_nash_meets_the_closed_form() {
        let alpha = 0.6;
        let oracle = logit(alpha, 10, &[2.0, 1.4, 1.8, 0.9, 1.2]);
        let costs = [1.0, 0.4, 0.9, 0.2, 0.5];
        let all = [true; 5];
        // Firm 0 sells products 0 and 1, firm 1 products 2, 3 and 4.
        let owners = Owners::new(vec![0, 0, 1, 1, 1]);
        let start: Vec<f64> = costs.iter().map(|c| c * 2.0).collect();
        let by_newton = newton(&oracle, &costs, &all, &all, &owners, &start).unwrap();
        let caps = [None; 5];
        let by_search = crate::equilibrium::nash_prices_by_search(
            &oracle,
            &costs,
            &all,
            &all,
            &caps,
            &[],
            &owners,
            &start,
        )
        .unwrap();
        for s in [&by_newton, &by_search] {
            let q = oracle.quantities(&s.prices, &all);
            for (j, &c) in costs.iter().enumerate() {
                let firm: f64 = (0..5)
                    .filter(|&k| owners.same(j, k))
                    .map(|k| q[k] / 10.0)
                    .sum();
                let markup = 1.0 / (alpha * (1.0 - firm));
                let got = s.prices[j] - c;
                assert!(
                    (got - markup).abs() <= 1e-9 * markup,
                    "{j}: {got} vs {markup}"
                );
            }
        }
    }

    /// Symmetric logit (homogeneous α): D_jk = s_k/(1 − s_j).
    #[test]
    fn logit_diversion_ratios_meet_the_closed_form() {
        let oracle = logit(0.8, 4, &[1.0, 1.0, 1.0]);
        let prices = [1.5, 1.5, 1.5];
        let all = [true; 3];
        let q = oracle.quantities(&prices, &all);
        let s: Vec<f64> = q.iter().map(|q| q / 4.0).collect();
        let d = diversion_ratios(&oracle, 0, &prices, &all);
        assert_eq!(d[0], 0.0);
        for k in 1..3 {
            let want = s[k] / (1.0 - s[0]);
            assert!((d[k] - want).abs() <= 1e-12, "{k}: {} vs {want}", d[k]);
        }
        // Asymmetric prices: still s_k/(1 − s_j) under plain logit.
        let prices = [1.0, 2.0, 3.0];
        let q = oracle.quantities(&prices, &all);
        let d = diversion_ratios(&oracle, 2, &prices, &all);
        for k in 0..2 {
            let want = (q[k] / 4.0) / (1.0 - q[2] / 4.0);
            assert!((d[k] - want).abs() <= 1e-12, "{k}");
        }
        // GUPPI of product 0 merging with 1 at margin m_1: D_01·m_1/p_0.
        let costs = [0.5, 1.0, 1.0];
        let d0 = diversion_ratios(&oracle, 0, &prices, &all);
        let g = guppi(&d0, 0, &prices, &costs, &[1]);
        assert!((g - d0[1] * 1.0 / 1.0).abs() < 1e-15);
    }

    /// A merger of two of three symmetric firms raises the merging firms' prices, the rival's
    /// by less, and lowers consumer surplus.
    #[test]
    fn a_merger_raises_the_merging_prices_more_than_the_rivals_and_lowers_surplus() {
        let alpha = 0.7;
        let oracle = logit(alpha, 20, &[1.5, 1.5, 1.5]);
        let names: Vec<String> = ["A", "B", "C"].map(String::from).to_vec();
        let costs = [0.5; 3];
        let all = [true; 3];
        let market = MergerMarket {
            round: 3,
            vendors: &names,
            costs: &costs,
            offered: &all,
            at_cost: &[false; 3],
            capacities: &[None; 3],
            floors: &[],
            start: &[1.0; 3],
        };
        let before = Owners::separate(3);
        let after = Owners::new(vec![0, 0, 2]);
        let after_names: Vec<String> = ["AB", "AB", "C"].map(String::from).to_vec();
        let surplus = |p: &[f64]| {
            let u: f64 = (0..3).map(|j| (1.5 - alpha * p[j]).exp()).sum();
            20.0 * (1.0 + u).ln() / alpha
        };
        let sim = simulate_merger(
            &oracle,
            market,
            [(&before, &names), (&after, &after_names)],
            "AB",
            surplus,
        );
        let (pre, post) = (sim.before.clone().unwrap(), sim.after.clone().unwrap());
        let change = |j: usize| sim.price_change[j].unwrap();
        assert!(change(0) > 0.0 && change(1) > 0.0);
        assert!((change(0) - change(1)).abs() < 1e-9);
        assert!(
            change(2) > 0.0 && change(2) < change(0),
            "{:?}",
            sim.price_change
        );
        assert!(sim.consumer_surplus_after.unwrap() < sim.consumer_surplus_before.unwrap());
        assert!(post.profits[0] + post.profits[1] > pre.profits[0] + pre.profits[1]);
        assert_eq!(sim.merging, vec!["A".to_string(), "B".to_string()]);
        // Screens at the pre-merger prices: D_AB = s_B/(1 − s_A), GUPPI_A = D_AB·m_B/p_A.
        let p = pre.prices.iter().map(|p| p.unwrap()).collect::<Vec<_>>();
        let s = pre.quantities.iter().map(|q| q / 20.0).collect::<Vec<_>>();
        let d = s[1] / (1.0 - s[0]);
        assert_eq!(sim.diversion.len(), 2);
        assert!((sim.diversion[0].ratio - d).abs() < 1e-12);
        assert!((sim.guppi[0].guppi - d * (p[1] - 0.5) / p[0]).abs() < 1e-12);
    }
}
