//! Market metrics as plain functions, shared by run summaries, sweeps and analysis.

/// Herfindahl-Hirschman index of shares given as fractions (they need not sum to one: each
/// is used as given), on the 0–10,000 scale.
pub fn hhi(shares: &[f64]) -> f64 {
    shares.iter().map(|s| (100.0 * s).powi(2)).sum()
}

/// Concentration class under the 2023 US Merger Guidelines: above 1,800 is highly concentrated.
pub fn concentration_2023(hhi: f64) -> &'static str {
    if hhi > 1800.0 {
        "highly concentrated"
    } else {
        "not highly concentrated"
    }
}

/// Concentration class under the 2010 US Horizontal Merger Guidelines: below 1,500
/// unconcentrated, 1,500–2,500 moderately concentrated, above 2,500 highly concentrated.
pub fn concentration_2010(hhi: f64) -> &'static str {
    if hhi < 1500.0 {
        "unconcentrated"
    } else if hhi <= 2500.0 {
        "moderately concentrated"
    } else {
        "highly concentrated"
    }
}

/// The factor by which a price falls per year, from `first` to `last` over `rounds_elapsed`
/// rounds: (first/last)^(rounds_per_year/rounds_elapsed). 4 means prices fall to a quarter each
/// year. None when undefined (no time elapsed, or a price that is not positive).
pub fn annualised_decline(
    first: f64,
    last: f64,
    rounds_elapsed: f64,
    rounds_per_year: f64,
) -> Option<f64> {
    if !(first > 0.0 && last > 0.0 && rounds_elapsed > 0.0 && rounds_per_year > 0.0) {
        return None;
    }
    let f = (first / last).powf(rounds_per_year / rounds_elapsed);
    f.is_finite().then_some(f)
}

/// Lerner index (p − mc)/p; None for a non-positive price.
pub fn lerner(price: f64, marginal_cost: f64) -> Option<f64> {
    (price > 0.0).then(|| (price - marginal_cost) / price)
}

/// Logit consumer surplus per unit of demand, μ·ln(exp(a_0/μ) + Σ_j exp((a_j − p_j)/μ)), with
/// the outside option's utility a_0 (0 for not buying); μ = 1/α is the logit scale in USD.
pub fn logit_consumer_surplus(mu: f64, outside: f64, offers: &[(f64, f64)]) -> f64 {
    let terms: Vec<f64> = std::iter::once(outside / mu)
        .chain(offers.iter().map(|&(a, p)| (a - p) / mu))
        .collect();
    let m = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    mu * (m + terms.iter().map(|t| (t - m).exp()).sum::<f64>().ln())
}

/// Share of the final rounds over which the collusion index compares industry profit with the
/// benchmarks: the last ceil(10%) of rounds, at least one.
pub const COLLUSION_WINDOW: f64 = 0.1;

/// Rounds in the collusion window of a run of `rounds` rounds: ceil(10%), at least one.
pub fn collusion_window_rounds(rounds: u32) -> u32 {
    rounds.div_ceil(10).max(1)
}

/// The collusion index Δ = (π − π_Nash)/(π_joint − π_Nash): 0 at Bertrand-Nash profits, 1 at
/// joint-profit maximisation. None when the benchmarks (nearly) coincide, with a gap below 0.1%
/// of the larger: the index would then magnify noise (a market where buyers barely buy, or
/// vendors with no market power, leaves nothing to collude on).
pub fn collusion_index(profit: f64, nash: f64, joint: f64) -> Option<f64> {
    let span = joint - nash;
    let scale = joint.abs().max(nash.abs());
    (span.abs() > 1e-3 * scale && scale > 0.0).then(|| (profit - nash) / span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hhi_of_40_30_20_10_is_3000() {
        assert!((hhi(&[0.4, 0.3, 0.2, 0.1]) - 3000.0).abs() < 1e-9);
        assert_eq!(hhi(&[1.0]), 10_000.0);
        assert_eq!(concentration_2010(3000.0), "highly concentrated");
        assert_eq!(concentration_2010(2000.0), "moderately concentrated");
        assert_eq!(concentration_2010(1000.0), "unconcentrated");
        assert_eq!(concentration_2023(2000.0), "highly concentrated");
        assert_eq!(concentration_2023(1700.0), "not highly concentrated");
    }

    #[test]
    fn the_collusion_window_is_the_last_tenth_of_rounds_rounded_up() {
        let w: Vec<u32> = [1, 9, 10, 11, 20, 30, 35]
            .map(collusion_window_rounds)
            .to_vec();
        assert_eq!(w, [1, 1, 1, 2, 2, 3, 4]);
    }

    #[test]
    fn halving_every_six_monthly_rounds_is_4x_a_year() {
        let f = annualised_decline(8.0, 8.0 / 4.0, 12.0, 12.0).unwrap();
        assert!((f - 4.0).abs() < 1e-12);
        let f = annualised_decline(1.0, 0.5, 6.0, 12.0).unwrap();
        assert!((f - 4.0).abs() < 1e-12);
        assert_eq!(annualised_decline(1.0, 0.0, 6.0, 12.0), None);
        assert_eq!(annualised_decline(1.0, 0.5, 0.0, 12.0), None);
    }

    #[test]
    fn logit_surplus_and_collusion_index_by_hand() {
        // μ ln(1 + e^((2−1)/0.5) + e^((1.5−0.6)/0.5))
        let cs = logit_consumer_surplus(0.5, 0.0, &[(2.0, 1.0), (1.5, 0.6)]);
        let by_hand = 0.5 * (1.0 + 2f64.exp() + 1.8f64.exp()).ln();
        assert!((cs - by_hand).abs() < 1e-12);
        assert_eq!(collusion_index(10.0, 10.0, 20.0), Some(0.0));
        assert_eq!(collusion_index(20.0, 10.0, 20.0), Some(1.0));
        assert_eq!(collusion_index(5.0, 10.0, 10.0), None);
        // Benchmarks 0.05% apart: no index (it would be noise magnified 2,000 times).
        assert_eq!(collusion_index(12.0, 10.0, 10.005), None);
        assert_eq!(collusion_index(0.5, 0.0, 1.0), Some(0.5));
        assert!((lerner(2.0, 0.5).unwrap() - 0.75).abs() < 1e-15);
    }
}
