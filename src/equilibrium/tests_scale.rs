//! Demand models whose segments pay their own multiple of each price (products posting input
//! and output prices, `demand::mix`): prices are levels, quantities are in units of the level,
//! and every curve, surplus and kink follows.

use super::*;
use crate::demand::Nesting;
use crate::demand::volume::{VolumeDemand, isoelastic::IsoelasticVolume, linear::LinearVolume};
use std::sync::Arc;

const PRICES: [f64; 3] = [1.3, 1.0, 0.6];
const COSTS: [f64; 3] = [0.5, 0.4, 0.2];
/// Two segments × three vendors: a chat-like and a retrieval-like mix.
const SCALES: [f64; 6] = [1.4, 0.8, 1.0, 0.6, 1.25, 1.0];

fn traits(k: usize) -> AgentTraits {
    AgentTraits {
        segment: k % 2,
        alpha: 0.7 + 0.15 * k as f64,
        theta: 1.0 + 0.1 * k as f64,
        reservation: if k == 3 { 1.1 } else { f64::INFINITY },
        base: 1.0 + 0.5 * k as f64,
    }
}

fn segments() -> [SegmentDemand; 2] {
    [
        SegmentDemand {
            represents: 2.0,
            outside: true,
            volume: VolumeDemand::Linear(LinearVolume { choke: 6.0 }),
            scale: 1.2,
        },
        SegmentDemand {
            represents: 1.0,
            outside: true,
            volume: VolumeDemand::Isoelastic(IsoelasticVolume {
                elasticity: 1.3,
                reference: 1.0,
                saturation: 0.05,
            }),
            scale: 0.9,
        },
    ]
}

fn nesting(nested: bool) -> Option<Arc<Nesting>> {
    nested.then(|| Arc::new(Nesting::new(4, &[(0.5, vec![0, 1])])))
}

fn oracle(nested: bool) -> DemandOracle {
    let agents: Vec<AgentTraits> = (0..8).map(traits).collect();
    DemandOracle::new(
        &agents,
        &segments(),
        100,
        &[2.0, 1.7, 1.1],
        vec![(0.9, 0.8)],
    )
    .with_nesting(nesting(nested))
    .with_price_scale(&SCALES)
}

fn round(nested: bool) -> RoundDemand {
    let options = [
        vec![(0, 1.0)],
        vec![(1, 0.6), (3, 0.4)],
        vec![(2, 0.5)],
        vec![],
    ];
    let agents: Vec<AgentState> = (0..8)
        .map(|k| AgentState {
            traits: traits(k),
            options: options[k % 4].clone(),
        })
        .collect();
    let frictions = [SegmentFrictions {
        review: 0.35,
        penalty: (-0.6f64).exp(),
    }; 2];
    let (q, hosts) = (&[2.0, 1.7, 1.1], vec![(0.9, 0.8)]);
    RoundDemand::new(&agents, &segments(), &frictions, 100, q, hosts)
        .with_nesting(nesting(nested))
        .with_price_scale(&SCALES)
}

fn bumped(j: usize, h: f64) -> Vec<f64> {
    let mut p = PRICES.to_vec();
    p[j] += h;
    p
}

/// Own quantity, own slope and the rivals' margin slope of every curve agree with the
/// quantities and their numerical slopes, in units of the level.
fn curves_agree<D: DemandModel>(d: &D, what: &str) {
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
        assert!((point.q - q[i]).abs() < 1e-12 * q[i].max(1.0), "{what} {i}");
        assert!(
            (point.dq - slope(i)).abs() < 1e-6,
            "{what} {i}: {} vs {}",
            point.dq,
            slope(i)
        );
        let rivals: f64 = (0..3)
            .filter(|&k| k != i)
            .map(|k| (PRICES[k] - COSTS[k]) * slope(k))
            .sum();
        assert!(
            (point.rivals_margin_slope - rivals).abs() < 1e-6,
            "{what} {i}: {} vs {rivals}",
            point.rivals_margin_slope
        );
    }
}

#[test]
fn scaled_curves_match_scaled_quantities_in_every_model() {
    for nested in [false, true] {
        curves_agree(&oracle(nested), &format!("oracle nested={nested}"));
        curves_agree(&round(nested), &format!("round nested={nested}"));
    }
}

/// Roy's identity in levels: ∂CS/∂p_j = −Σ_s k_sj·q_sj, the quantity the model reports.
#[test]
fn scaled_surplus_obeys_roys_identity_in_levels() {
    for nested in [false, true] {
        let o = oracle(nested);
        let on = [true; 3];
        let q = o.quantities(&PRICES, &on);
        let h = 1e-5;
        for (j, &qj) in q.iter().enumerate() {
            let d = (o.consumer_surplus(&bumped(j, h), &on)
                - o.consumer_surplus(&bumped(j, -h), &on))
                / (2.0 * h);
            assert!(
                (d + qj).abs() < 1e-6 * qj.max(1.0),
                "{nested} {j}: {d} vs {qj}"
            );
        }
    }
}

/// One segment paying k_j·p_j buys k_j times what unscaled buyers buy at prices k_j·p_j, and
/// its reservation price r drops vendor j's demand at the level r/k_j.
#[test]
fn one_scaled_segment_is_the_unscaled_market_at_the_prices_it_pays() {
    let scales = [1.4, 0.8, 1.0];
    let agents: Vec<AgentTraits> = (0..8)
        .map(|k| AgentTraits {
            segment: 0,
            ..traits(k)
        })
        .collect();
    let build = || {
        let s = [segments()[0]];
        DemandOracle::new(&agents, &s, 100, &[2.0, 1.7, 1.1], vec![(0.9, 0.8)])
    };
    let paid: Vec<f64> = PRICES.iter().zip(&scales).map(|(p, k)| p * k).collect();
    let on = [true; 3];
    let scaled = build().with_price_scale(&scales);
    let (a, b) = (
        scaled.quantities(&PRICES, &on),
        build().quantities(&paid, &on),
    );
    for j in 0..3 {
        assert!((a[j] - scales[j] * b[j]).abs() < 1e-12 * a[j], "{j}");
    }
    let (cs_a, cs_b) = (
        scaled.consumer_surplus(&PRICES, &on),
        build().consumer_surplus(&paid, &on),
    );
    assert!((cs_a - cs_b).abs() < 1e-12 * cs_b.abs());
    let curve = scaled.curve(0, &PRICES, &COSTS, &on);
    assert_eq!(curve.kinks(), &[1.1 / 1.4]);
    // Scales of 1 are the unscaled model, to the bit, and keep its Newton path (smooth demand:
    // no reservation prices); other scales take the safeguarded search.
    let ones = build().with_price_scale(&[1.0; 3]);
    assert_eq!(
        ones.quantities(&PRICES, &on),
        build().quantities(&PRICES, &on)
    );
    let smooth: Vec<AgentTraits> = agents
        .iter()
        .map(|a| AgentTraits {
            reservation: f64::INFINITY,
            ..*a
        })
        .collect();
    let s = [segments()[0]];
    let smooth = DemandOracle::new(&smooth, &s, 100, &[2.0, 1.7, 1.1], vec![(0.9, 0.8)]);
    let owners = Owners::separate(3);
    let ones = smooth.clone().with_price_scale(&[1.0; 3]);
    assert!(ones.foc(&PRICES, &COSTS, &on, &owners).is_some());
    let scaled = smooth.with_price_scale(&scales);
    assert!(scaled.foc(&PRICES, &COSTS, &on, &owners).is_none());
}
