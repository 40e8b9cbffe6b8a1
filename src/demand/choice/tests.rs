use super::*;

/// A market of vendors (quality, price) and one segment.
fn book(
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
        position: vec![],
        self_host: vec![],
        segments: vec![SegmentOffer {
            mode,
            outside,
            review,
            penalty: (-switching).exp(),
            reservation: false,
            volume: vec![1.0; n],
            surplus: vec![0.0; n],
        }],
    };
    b.index_positions();
    b
}

struct Agents {
    id: Vec<u32>,
    seg: Vec<u32>,
    alpha: Vec<f64>,
    theta: Vec<f64>,
    res: Vec<f64>,
    base: Vec<f64>,
    choice: Vec<u32>,
}

impl Agents {
    fn uniform(n: usize, alpha: f64, theta: f64) -> Self {
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

fn run(a: &mut Agents, alloc: &mut [f64], b: &OfferBook, key: u64) -> Vec<f64> {
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

const MARKET: [(f64, f64); 3] = [(2.0, 1.0), (1.5, 0.6), (1.0, 0.3)];

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

#[test]
fn exited_vendor_forces_its_buyers_to_choose_again() {
    let n = 10_000;
    let mut b = book(&MARKET, ChoiceMode::Sample, true, 0.0, 0.0);
    // Vendor 1 leaves: only 0 and 2 are offered.
    b.vendor = vec![0, 2];
    b.quality = vec![MARKET[0].0, MARKET[2].0];
    b.price = vec![MARKET[0].1, MARKET[2].1];
    b.segments[0].volume = vec![1.0; 2];
    b.segments[0].surplus = vec![0.0; 2];
    b.index_positions();
    let mut a = Agents::uniform(n, 2.0, 1.2);
    a.choice = vec![1; n];
    let t = run(&mut a, &mut Vec::new(), &b, 9);
    assert_eq!(t[4 + 1], 0.0);
    assert_eq!(t[4] + t[6] + t[7], n as f64);
    assert_eq!(t[b.layout().switches()], n as f64);
}
