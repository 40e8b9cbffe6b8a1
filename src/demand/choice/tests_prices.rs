//! Offers that change: a vendor leaving, and segments paying their own prices (a product
//! posting input and output prices costs each segment its mix of them).

use super::tests::{Agents, MARKET, book, run};
use super::*;

#[test]
fn exited_vendor_forces_its_buyers_to_choose_again() {
    let n = 10_000;
    let mut b = book(&MARKET, ChoiceMode::Sample, true, 0.0, 0.0);
    // Vendor 1 leaves: only 0 and 2 are offered.
    b.vendor = vec![0, 2];
    b.quality = vec![MARKET[0].0, MARKET[2].0];
    b.price = vec![MARKET[0].1, MARKET[2].1];
    let s = &mut b.segments[0];
    (s.volume, s.charge, s.price) = (vec![1.0; 2], b.price.clone(), b.price.clone());
    b.index_positions();
    let mut a = Agents::uniform(n, 2.0, 1.2);
    a.choice = vec![1; n];
    let t = run(&mut a, &mut Vec::new(), &b, 9);
    assert_eq!(t[4 + 1], 0.0);
    assert_eq!(t[4] + t[6] + t[7], n as f64);
    assert_eq!(t[b.layout().switches()], n as f64);
}

/// The kernel reads what a segment pays from the segment's own prices, never the posted level:
/// a segment paying twice the posted prices chooses as buyers facing twice those prices, to the
/// bit, in both modes, with reservation prices and inertia.
#[test]
fn a_segment_pays_its_own_prices_not_the_posted_level() {
    let doubled: Vec<(f64, f64)> = MARKET.iter().map(|&(q, p)| (q, 2.0 * p)).collect();
    for mode in [ChoiceMode::Sample, ChoiceMode::Expected] {
        let mut scaled = book(&MARKET, mode, true, 0.5, 0.7);
        let mut plain = book(&doubled, mode, true, 0.5, 0.7);
        for b in [&mut scaled, &mut plain] {
            let s = &mut b.segments[0];
            s.reservation = true;
            s.price = doubled.iter().map(|v| v.1).collect();
            s.charge = s.price.clone();
        }
        let n = 3_000;
        let agents = || {
            let mut a = Agents::uniform(n, 2.0, 1.2);
            // Between the posted and the paid price of vendor 2 (0.3 and 0.6) for a third.
            a.res = (0..n).map(|i| [0.45, 1.5, f64::INFINITY][i % 3]).collect();
            a.choice = (0..n as u32).map(|i| i % 3).collect();
            a
        };
        let alloc = || {
            if mode == ChoiceMode::Expected {
                (0..n * 4).map(|k| [0.4, 0.3, 0.2, 0.1][k % 4]).collect()
            } else {
                Vec::new()
            }
        };
        let (mut a1, mut x1) = (agents(), alloc());
        let (mut a2, mut x2) = (agents(), alloc());
        let t1 = run(&mut a1, &mut x1, &scaled, 11);
        let t2 = run(&mut a2, &mut x2, &plain, 11);
        assert_eq!(t1, t2, "{mode:?}");
        assert_eq!(x1, x2, "{mode:?}");
        // Agents whose reservation (0.45) lies below every paid price buy from no vendor.
        let all_priced_out = {
            let mut a = Agents::uniform(n, 2.0, 1.2);
            a.res = vec![0.45; n];
            let mut x = alloc();
            let t = run(&mut a, &mut x, &scaled, 12);
            t[4] + t[5] + t[6]
        };
        assert_eq!(all_priced_out, 0.0, "{mode:?}");
    }
}
