//! The nested-logit path of the choice kernel.

use super::tests::{Agents, MARKET, book, run};
use super::*;
use crate::demand::nest::{NestWork, Nesting};

/// MARKET with the first two vendors nested (λ) and the rest alone.
fn nested(mode: ChoiceMode, switching: f64, review: f64, lambda: f64) -> OfferBook {
    let mut b = book(&MARKET, mode, true, switching, review);
    b.nesting = Some(Arc::new(Nesting::new(4, &[(lambda, vec![0, 1])])));
    b
}

/// Heterogeneous agents (α and θ vary), with some held on each option at the start.
fn agents(n: usize) -> Agents {
    let mut a = Agents::uniform(n, 1.0, 1.0);
    for i in 0..n {
        a.alpha[i] = 0.6 + 0.9 * ((i * 7919) % 101) as f64 / 101.0;
        a.theta[i] = 0.8 + 0.5 * ((i * 104_729) % 97) as f64 / 97.0;
    }
    a
}

/// Forced through the nested path with λ = 1, the kernel gives plain logit's numbers (to
/// rounding): the same process in both modes, with switching costs and inertia.
#[test]
fn the_nested_path_at_unit_lambda_is_the_plain_process() {
    for mode in [ChoiceMode::Expected, ChoiceMode::Sample] {
        let n = 5_000;
        let plain = book(&MARKET, mode, true, 0.7, 0.4);
        let nest = nested(mode, 0.7, 0.4, 1.0);
        let (mut a, mut b) = (agents(n), agents(n));
        let stride = 4;
        let len = if mode == ChoiceMode::Expected {
            n * stride
        } else {
            0
        };
        let (mut xa, mut xb) = (vec![0.0; len], vec![0.0; len]);
        for round in 0..4 {
            let ta = run(&mut a, &mut xa, &plain, round);
            let tb = run(&mut b, &mut xb, &nest, round);
            for (k, (p, q)) in ta.iter().zip(&tb).enumerate() {
                assert!(
                    (p - q).abs() < 1e-9 * p.abs().max(1.0),
                    "{mode:?} {round} {k}: {p} vs {q}"
                );
            }
            for (p, q) in xa.iter().zip(&xb) {
                assert!((p - q).abs() < 1e-12);
            }
            assert_eq!(a.choice, b.choice, "{mode:?} round {round}");
        }
    }
}

/// With λ < 1 and frictions, the expected-mode split is the explicit mixture
/// Σ_c x_c·((1 − r)·[k = c] + r·P_k(c)), P(c) the nested logit of utilities shifted by −s on
/// every option but c.
#[test]
fn expected_mode_with_frictions_matches_the_explicit_nested_mixture() {
    let (s, r, lambda) = (0.8f64, 0.3, 0.45);
    let b = nested(ChoiceMode::Expected, s, r, lambda);
    let mut a = Agents::uniform(1, 2.0, 1.2);
    let x0 = [0.5, 0.2, 0.0, 0.3];
    let mut alloc = x0.to_vec();
    run(&mut a, &mut alloc, &b, 1);
    let u: Vec<f64> = MARKET
        .iter()
        .map(|&(q, p)| 1.2 * q - 2.0 * p)
        .chain([0.0])
        .collect();
    let n = Nesting::new(4, &[(lambda, vec![0, 1])]);
    let mut expect = [0.0; 4];
    for (c, &xc) in x0.iter().enumerate() {
        let shifted: Vec<f64> = (0..4)
            .map(|k| if k == c { u[k] } else { u[k] - s })
            .collect();
        let (mut p, mut w) = (vec![0.0; 4], vec![0.0; 4]);
        n.choose(&shifted, &mut p, &mut w, &mut NestWork::default());
        for k in 0..4 {
            expect[k] += xc * ((1.0 - r) * (k == c) as u8 as f64 + r * p[k]);
        }
    }
    for k in 0..4 {
        assert!(
            (alloc[k] - expect[k]).abs() < 1e-12,
            "{k}: {} vs {}",
            alloc[k],
            expect[k]
        );
    }
    assert!((alloc.iter().sum::<f64>() - 1.0).abs() < 1e-14);
}

/// Sampled nested choices converge to the nested-logit shares.
#[test]
fn sample_mode_draws_the_nested_shares() {
    let n = 200_000;
    let b = nested(ChoiceMode::Sample, 0.0, 1.0, 0.35);
    let mut a = Agents::uniform(n, 2.0, 1.2);
    let t = run(&mut a, &mut [], &b, 3);
    let u: Vec<f64> = MARKET
        .iter()
        .map(|&(q, p)| 1.2 * q - 2.0 * p)
        .chain([0.0])
        .collect();
    let (mut p, mut w) = (vec![0.0; 4], vec![0.0; 4]);
    Nesting::new(4, &[(0.35, vec![0, 1])]).choose(&u, &mut p, &mut w, &mut NestWork::default());
    let at = b.layout();
    for (j, pj) in p.iter().enumerate() {
        let got = t[at.mass(j)] / n as f64;
        assert!((got - pj).abs() < 4e-3, "{j}: {got} vs {pj}");
    }
}

/// Every build of the kernel gives the portable build's bits on the nested path too.
#[test]
fn every_kernel_gives_the_portable_bits_under_nesting() {
    for mode in [ChoiceMode::Expected, ChoiceMode::Sample] {
        let b = nested(mode, 0.5, 0.6, 0.4);
        let n = 3_000;
        let mut out = Vec::new();
        for kernel in Kernel::available() {
            let a = agents(n);
            let mut choice = vec![NONE; n];
            let mut alloc = vec![
                0.0;
                if mode == ChoiceMode::Expected {
                    n * 4
                } else {
                    0
                }
            ];
            let mut tally = vec![0.0; b.tally_len()];
            let mut partials = Vec::new();
            for round in 0..3 {
                let rows = BuyerRows {
                    id: &a.id,
                    segment: &a.seg,
                    alpha: &a.alpha,
                    theta: &a.theta,
                    reservation: &a.res,
                    base: &a.base,
                };
                choose_all_on(
                    kernel,
                    rows,
                    &mut choice,
                    &mut alloc,
                    &b,
                    round,
                    &mut partials,
                    &mut tally,
                    true,
                );
            }
            let bits: Vec<u64> = tally.iter().chain(&alloc).map(|x| x.to_bits()).collect();
            out.push((kernel, bits, choice));
        }
        for (k, bits, choice) in &out[1..] {
            assert_eq!(bits, &out[0].1, "{k:?} vs {:?} ({mode:?})", out[0].0);
            assert_eq!(choice, &out[0].2);
        }
    }
}
