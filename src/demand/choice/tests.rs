use super::*;

/// A market of vendors (quality, price) and one segment.
pub(super) fn book(
    vendors: &[(f64, f64)],
    mode: ChoiceMode,
    outside: bool,
    switching: f64,
    review: f64,
) -> OfferBook {
    let n = vendors.len();
    let mut b = OfferBook {
        n_vendors: n,
        vendor: (0..n as u32).collect(),
        quality: vendors.iter().map(|v| v.0).collect(),
        price: vendors.iter().map(|v| v.1).collect(),
        segments: vec![SegmentOffer {
            mode,
            outside,
            review,
            penalty: (-switching).exp(),
            reservation: false,
            volume: vec![1.0; n],
            charge: vendors.iter().map(|v| v.1).collect(),
            price: vendors.iter().map(|v| v.1).collect(),
            self_host_charge: vec![],
            scale: 1.0,
            surplus_at_zero: 0.0,
        }],
        ..OfferBook::default()
    };
    b.index_positions();
    b
}

pub(super) struct Agents {
    pub(super) id: Vec<u32>,
    pub(super) seg: Vec<u32>,
    pub(super) alpha: Vec<f64>,
    pub(super) theta: Vec<f64>,
    pub(super) res: Vec<f64>,
    pub(super) base: Vec<f64>,
    pub(super) choice: Vec<u32>,
}

impl Agents {
    pub(super) fn uniform(n: usize, alpha: f64, theta: f64) -> Self {
        Agents {
            id: (0..n as u32).collect(),
            seg: vec![0; n],
            alpha: vec![alpha; n],
            theta: vec![theta; n],
            res: vec![f64::INFINITY; n],
            base: vec![1.0; n],
            choice: vec![NONE; n],
        }
    }
}

pub(super) fn run(a: &mut Agents, alloc: &mut [f64], b: &OfferBook, key: u64) -> Vec<f64> {
    let mut tally = vec![0.0; b.tally_len() * b.segments.len()];
    let mut partials = Vec::new();
    let choice = &mut a.choice.clone();
    let alloc_before = alloc.to_vec();
    let rows = BuyerRows {
        id: &a.id,
        segment: &a.seg,
        alpha: &a.alpha,
        theta: &a.theta,
        reservation: &a.res,
        base: &a.base,
    };
    choose_all(rows, choice, alloc, b, key, &mut partials, &mut tally, true);
    // The sequential path gives the same bits.
    let mut tally2 = vec![0.0; tally.len()];
    let mut choice2 = a.choice.clone();
    let mut alloc2 = alloc_before;
    choose_all(
        rows,
        &mut choice2,
        &mut alloc2,
        b,
        key,
        &mut partials,
        &mut tally2,
        false,
    );
    assert_eq!(
        tally.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        tally2.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(*choice, choice2);
    assert_eq!(
        alloc.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        alloc2.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
    a.choice = choice.clone();
    tally
}

/// Analytic logit probabilities (vendors..., outside) with libm exp.
fn logit(vendors: &[(f64, f64)], alpha: f64, theta: f64, outside: bool) -> Vec<f64> {
    let mut e: Vec<f64> = vendors
        .iter()
        .map(|&(q, p)| (theta * q - alpha * p).exp())
        .collect();
    e.push(if outside { 1.0 } else { 0.0 });
    let s: f64 = e.iter().sum();
    e.iter().map(|x| x / s).collect()
}

pub(super) const MARKET: [(f64, f64); 3] = [(2.0, 1.0), (1.5, 0.6), (1.0, 0.3)];

#[test]
fn expected_mode_gives_the_analytic_logit_shares_and_they_sum_to_one() {
    let b = book(&MARKET, ChoiceMode::Expected, true, 0.0, 1.0);
    let mut a = Agents::uniform(10, 2.0, 1.2);
    let mut alloc = vec![0.0; 10 * 4];
    let t = run(&mut a, &mut alloc, &b, 1);
    let p = logit(&MARKET, 2.0, 1.2, true);
    let stride = 4;
    let mut sum = 0.0;
    for j in 0..4 {
        let mass = t[stride + j] / 10.0;
        assert!(
            (mass - p[j]).abs() < 1e-14,
            "option {j}: {mass} vs {}",
            p[j]
        );
        sum += mass;
    }
    assert!((sum - 1.0).abs() < 1e-14);
    // Quantity = mass × volume (volume factor 1, base 1).
    assert!((t[0] / 10.0 - p[0]).abs() < 1e-14);
    // Consumer surplus: (1/α) ln Σ exp(u) including the outside option's exp(0).
    let lsum: f64 = MARKET
        .iter()
        .map(|&(q, pr)| (1.2 * q - 2.0 * pr).exp())
        .sum::<f64>()
        + 1.0;
    let cs = t[b.layout().consumer_surplus()] / 10.0;
    assert!((cs - lsum.ln() / 2.0).abs() < 1e-14, "cs {cs}");
}

#[test]
fn sample_mode_converges_to_the_logit_shares() {
    let n = 200_000;
    let b = book(&MARKET, ChoiceMode::Sample, true, 0.0, 1.0);
    let mut a = Agents::uniform(n, 2.0, 1.2);
    let t = run(&mut a, &mut Vec::new(), &b, 77);
    let p = logit(&MARKET, 2.0, 1.2, true);
    for j in 0..4 {
        let share = t[4 + j] / n as f64;
        let sd = (p[j] * (1.0 - p[j]) / n as f64).sqrt();
        assert!(
            ((share - p[j]) / sd).abs() < 5.0,
            "option {j}: {share} vs {} (sd {sd})",
            p[j]
        );
    }
    let total: f64 = (0..4).map(|j| t[4 + j]).sum();
    assert_eq!(total, n as f64);
}

#[test]
fn sample_mode_error_shrinks_as_agents_grow() {
    let b = book(&MARKET, ChoiceMode::Sample, true, 0.0, 1.0);
    let p = logit(&MARKET, 2.0, 1.2, true);
    let err = |n: usize| {
        let mut a = Agents::uniform(n, 2.0, 1.2);
        let t = run(&mut a, &mut Vec::new(), &b, 5);
        (0..4)
            .map(|j| (t[4 + j] / n as f64 - p[j]).abs())
            .fold(0.0, f64::max)
    };
    // Averaged over seeds would be smoother; a 400x larger population is far clearer than noise.
    assert!(err(1_000_000) < err(2_500).max(1e-3) / 5.0);
}

#[test]
fn results_are_identical_on_one_and_many_threads() {
    let n = 50_000;
    let b = book(&MARKET, ChoiceMode::Sample, true, 0.5, 0.7);
    let go = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut a = Agents::uniform(n, 2.0, 1.2);
            let mut out = Vec::new();
            for round in 0..3 {
                out.extend(run(&mut a, &mut Vec::new(), &b, 100 + round));
            }
            (out, a.choice)
        })
    };
    let (t1, c1) = go(1);
    let (t3, c3) = go(3);
    assert_eq!(
        t1.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        t3.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(c1, c3);
}

#[test]
fn agents_priced_out_take_the_outside_option_without_nan() {
    let mut b = book(&MARKET, ChoiceMode::Sample, true, 0.0, 1.0);
    b.segments[0].reservation = true;
    let mut a = Agents::uniform(1000, 2.0, 1.2);
    a.res = vec![0.1; 1000];
    let t = run(&mut a, &mut Vec::new(), &b, 3);
    assert_eq!(t[4 + 3], 1000.0, "all on the outside option");
    assert!(t.iter().all(|x| x.is_finite()));
    // Reservation between prices: only the cheapest vendor (0.3) or outside.
    a.res = vec![0.5; 1000];
    let t = run(&mut a, &mut Vec::new(), &b, 4);
    assert_eq!(t[4] + t[5], 0.0);
    assert!(t[6] > 0.0);
}

#[test]
fn without_outside_option_and_nothing_affordable_agents_buy_nothing() {
    for mode in [ChoiceMode::Sample, ChoiceMode::Expected] {
        let mut b = book(&MARKET, mode, false, 0.0, 1.0);
        b.segments[0].reservation = true;
        let mut a = Agents::uniform(100, 2.0, 1.2);
        a.res = vec![0.01; 100];
        let mut alloc = if mode == ChoiceMode::Expected {
            vec![0.0; 400]
        } else {
            vec![]
        };
        let t = run(&mut a, &mut alloc, &b, 3);
        assert!(t.iter().all(|x| x.is_finite()), "{mode:?}: {t:?}");
        assert_eq!(t[0] + t[1] + t[2], 0.0);
        assert!(a.choice.iter().all(|&c| c == NONE));
    }
}

#[test]
fn one_vendor_without_outside_option_gets_everyone() {
    let b = book(&[(0.0, 105.0)], ChoiceMode::Expected, false, 0.0, 1.0);
    let mut a = Agents::uniform(1, 0.01, 0.0);
    let mut alloc = vec![0.0; 2];
    let t = run(&mut a, &mut alloc, &b, 1);
    assert_eq!(t[0], 1.0);
    assert_eq!(t[2], 1.0);
}

/// The expected-mode update with inertia and switching costs equals the explicit expectation
/// Σ_k x_k [(1 − r_k) δ_jk + r_k P(j | current k)], P(j | k) ∝ w_j·K^[j = k].
#[test]
fn expected_mode_with_inertia_matches_explicit_mixture() {
    let (s, r) = (0.8f64, 0.3);
    let b = book(&MARKET, ChoiceMode::Expected, true, s, r);
    let mut a = Agents::uniform(1, 2.0, 1.2);
    let x0 = [0.5, 0.2, 0.0, 0.3];
    let mut alloc = x0.to_vec();
    run(&mut a, &mut alloc, &b, 1);
    let w: Vec<f64> = MARKET
        .iter()
        .map(|&(q, p)| (1.2 * q - 2.0 * p).exp())
        .chain([1.0])
        .collect();
    let big_k = s.exp();
    let mut expect = [0.0; 4];
    #[allow(clippy::needless_range_loop)] // the closed form indexes options j and k alike
    for k in 0..4 {
        let d: f64 = (0..4)
            .map(|j| w[j] * if j == k { big_k } else { 1.0 })
            .sum();
        for j in 0..4 {
            let pjk = w[j] * if j == k { big_k } else { 1.0 } / d;
            expect[j] += x0[k] * ((1.0 - r) * (j == k) as u8 as f64 + r * pjk);
        }
    }
    for j in 0..4 {
        assert!(
            (alloc[j] - expect[j]).abs() < 1e-14,
            "option {j}: {} vs {}",
            alloc[j],
            expect[j]
        );
    }
}

#[test]
fn sample_mode_inertia_keeps_agents_that_do_not_review() {
    let n = 100_000;
    let b = book(&MARKET, ChoiceMode::Sample, true, 0.0, 0.25);
    let mut a = Agents::uniform(n, 2.0, 1.2);
    a.choice = vec![0; n];
    let t = run(&mut a, &mut Vec::new(), &b, 9);
    let p = logit(&MARKET, 2.0, 1.2, true);
    // Stay: 0.75 + 0.25·p0 on vendor 0.
    let expect = 0.75 + 0.25 * p[0];
    let share = t[4] / n as f64;
    assert!(
        (share - expect).abs() < 5.0 * (expect * (1.0 - expect) / n as f64).sqrt(),
        "{share} vs {expect}"
    );
    let switches = t[b.layout().switches()] / n as f64;
    assert!((switches - 0.25 * (1.0 - p[0])).abs() < 0.01);
}

mod integrable {
    //! Roy's identity and monotone surplus at the level of one round's choice, with the state
    //! (each agent's split over options, or its current option) held fixed.

    use super::super::*;
    use crate::demand::volume::{
        VolumeDemand, fixed::FixedVolume, isoelastic::IsoelasticVolume, linear::LinearVolume,
    };
    use proptest::prelude::*;

    fn volume(kind: u8) -> VolumeDemand {
        match kind % 4 {
            0 => VolumeDemand::Fixed(FixedVolume),
            1 => VolumeDemand::Linear(LinearVolume { choke: 3.5 }),
            2 => VolumeDemand::Isoelastic(IsoelasticVolume {
                elasticity: 1.4,
                reference: 1.0,
                saturation: 0.05,
            }),
            _ => VolumeDemand::Isoelastic(IsoelasticVolume {
                elasticity: 1.0,
                reference: 1.0,
                saturation: 0.05,
            }),
        }
    }

    #[derive(Debug)]
    struct Market {
        quality: Vec<f64>,
        prices: Vec<f64>,
        mode: ChoiceMode,
        outside: bool,
        penalty: f64,
        review: f64,
        volume: VolumeDemand,
        scale: f64,
        self_host: Vec<(f64, f64)>,
        alpha: Vec<f64>,
        theta: Vec<f64>,
        base: Vec<f64>,
        choice: Vec<u32>,
        alloc: Vec<f64>,
    }

    impl Market {
        /// The round's tally at `prices`, from the market's state.
        fn tally(&self, prices: &[f64]) -> Vec<f64> {
            let n = prices.len();
            let mut b = OfferBook {
                n_vendors: n,
                vendor: (0..n as u32).collect(),
                quality: self.quality.clone(),
                price: prices.to_vec(),
                self_host: self.self_host.clone(),
                segments: vec![SegmentOffer {
                    mode: self.mode,
                    outside: self.outside,
                    review: self.review,
                    penalty: self.penalty,
                    ..SegmentOffer::default()
                }],
                ..OfferBook::default()
            };
            b.index_positions();
            let (seg, paid) = (&mut b.segments[0], prices.iter().copied());
            seg.price_terms(&self.volume, self.scale, paid, &self.self_host);
            let m = self.alpha.len();
            let id: Vec<u32> = (0..m as u32).collect();
            let seg = vec![0u32; m];
            let res = vec![f64::INFINITY; m];
            let rows = BuyerRows {
                id: &id,
                segment: &seg,
                alpha: &self.alpha,
                theta: &self.theta,
                reservation: &res,
                base: &self.base,
            };
            let mut tally = vec![0.0; b.tally_len()];
            let (mut choice, mut alloc) = (self.choice.clone(), self.alloc.clone());
            choose_all(
                rows,
                &mut choice,
                &mut alloc,
                &b,
                77,
                &mut Vec::new(),
                &mut tally,
                false,
            );
            tally
        }
    }

    prop_compose! {
        fn markets(mode: ChoiceMode)(
            n in 2usize..5,
            agents in 1usize..40,
            outside in any::<bool>(),
            switching in 0.0f64..2.0,
            review in 0.2f64..1.0,
            kind in any::<u8>(),
            scale in 0.5f64..3.0,
            seed in any::<u64>(),
        ) -> Market {
            let u = |k: u64| crate::rng::uniform_at(seed, k);
            let stride = n + 1;
            let mut alloc = vec![0.0; if mode == ChoiceMode::Expected { agents * stride } else { 0 }];
            let mut choice = vec![NONE; agents];
            for i in 0..agents {
                if mode == ChoiceMode::Expected {
                    // A split over the options summing to at most 1 (new mass unassigned).
                    let raw: Vec<f64> = (0..stride).map(|j| u(1000 + (i * stride + j) as u64)).collect();
                    let total: f64 = raw.iter().sum::<f64>() / (0.5 + 0.5 * u(2000 + i as u64));
                    for j in 0..stride {
                        alloc[i * stride + j] = raw[j] / total.max(1.0);
                    }
                } else {
                    let c = (u(3000 + i as u64) * (stride + 1) as f64) as usize;
                    choice[i] = match c {
                        c if c < n => c as u32,
                        c if c == n => OUTSIDE,
                        _ => NONE,
                    };
                }
            }
            Market {
                quality: (0..n).map(|j| 1.0 + u(j as u64)).collect(),
                prices: (0..n).map(|j| 0.4 + 2.0 * u(100 + j as u64)).collect(),
                mode,
                outside,
                penalty: (-switching).exp(),
                review,
                volume: volume(kind),
                scale,
                self_host: if outside { vec![(0.8, 1.2 + u(400))] } else { vec![] },
                alpha: (0..agents).map(|i| 0.5 + 1.5 * u(500 + i as u64)).collect(),
                theta: (0..agents).map(|i| 0.5 + u(600 + i as u64)).collect(),
                base: (0..agents).map(|i| 0.5 + 2.0 * u(700 + i as u64)).collect(),
                choice,
                alloc,
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// ∂CS/∂p_j = −Q_j for every vendor, with heterogeneous traits, volume forms, switching
        /// costs, inertia, growth and splits carried over from earlier rounds.
        #[test]
        fn surplus_falls_at_the_rate_of_the_quantity_bought(m in markets(ChoiceMode::Expected)) {
            let at = TallyLayout::new(m.prices.len());
            for j in 0..m.prices.len() {
                let h = 1e-6 * m.prices[j];
                let (mut up, mut down) = (m.prices.clone(), m.prices.clone());
                up[j] += h;
                down[j] -= h;
                let slope = (m.tally(&up)[at.consumer_surplus()]
                    - m.tally(&down)[at.consumer_surplus()]) / (2.0 * h);
                let q = m.tally(&m.prices)[at.quantity(j)];
                let scale = m.tally(&m.prices)[at.consumer_surplus()].abs().max(q).max(1e-9);
                prop_assert!((slope + q).abs() <= 1e-6 * scale,
                    "vendor {j}: dCS/dp = {slope}, Q = {q}");
            }
        }

        /// A price cut never lowers the surplus, in either mode, whatever the state.
        #[test]
        fn a_price_cut_never_lowers_the_surplus(
            m in prop_oneof![markets(ChoiceMode::Expected), markets(ChoiceMode::Sample)],
            j in 0usize..4,
        ) {
            let j = j % m.prices.len();
            let at = TallyLayout::new(m.prices.len());
            let before = m.tally(&m.prices)[at.consumer_surplus()];
            let mut lower = m.prices.clone();
            lower[j] *= 0.8;
            let after = m.tally(&lower)[at.consumer_surplus()];
            prop_assert!(after >= before - 1e-12 * before.abs(), "{before} -> {after}");
        }
    }
}

/// Every build of the kernel this CPU can run gives the portable build's bits: choices, tallies
/// (volumes, agents, surplus) and expected allocations, in both modes, with and without the
/// outside option, switching costs, partial review and reservation prices, over heterogeneous
/// agents in several chunks.
#[test]
fn every_kernel_gives_the_portable_kernels_bits() {
    let kernels = Kernel::available();
    assert_eq!(kernels.last(), Some(&Kernel::Portable));
    let vendors = [(2.0, 1.0), (1.9, 1.25), (1.8, 1.5), (1.2, 0.4), (1.7, 1.75)];
    let n = 3 * CHUNK + 77;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut a = Agents::uniform(n, 1.0, 1.0);
    for i in 0..n {
        a.alpha[i] = 0.3 + 2.0 * next();
        a.theta[i] = 0.5 + next();
        a.base[i] = 0.1 + 5.0 * next();
        a.res[i] = if next() < 0.2 {
            1.0 + next()
        } else {
            f64::INFINITY
        };
        a.choice[i] = match i % 7 {
            0 => NONE,
            1 => OUTSIDE,
            k => (k % vendors.len()) as u32,
        };
    }
    for mode in [ChoiceMode::Sample, ChoiceMode::Expected] {
        for (outside, switching, review, reservation) in [
            (true, 0.0, 1.0, false),
            (true, 0.7, 0.4, false),
            (false, 0.3, 1.0, true),
            (true, 0.5, 0.6, true),
        ] {
            let mut b = book(&vendors, mode, outside, switching, review);
            b.segments[0].reservation = reservation;
            let stride = vendors.len() + 1;
            let start_alloc: Vec<f64> = (0..n * stride)
                .map(|x| {
                    if x % stride == x / stride % stride {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect();
            let rows = BuyerRows {
                id: &a.id,
                segment: &a.seg,
                alpha: &a.alpha,
                theta: &a.theta,
                reservation: &a.res,
                base: &a.base,
            };
            let on = |kernel: Kernel| {
                let mut tally = vec![0.0; b.tally_len() * b.segments.len()];
                let mut choice = a.choice.clone();
                let mut alloc = start_alloc.clone();
                let mut partials = Vec::new();
                choose_all_on(
                    kernel,
                    rows,
                    &mut choice,
                    &mut alloc,
                    &b,
                    17,
                    &mut partials,
                    &mut tally,
                    true,
                );
                let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                (choice, bits(&tally), bits(&alloc))
            };
            let portable = on(Kernel::Portable);
            for &k in &kernels {
                assert!(
                    on(k) == portable,
                    "{k:?} differs from the portable build: {mode:?} outside {outside} \
                     switching {switching} review {review} reservation {reservation}"
                );
            }
        }
    }
}
