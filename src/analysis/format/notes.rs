//! What every format says besides the numbers: warnings a reader must see before the tables,
//! and how each metric is defined.

use crate::analysis::load::Kind;
use crate::analysis::metric::market;
use crate::analysis::report::{Report, short_number};
use crate::analysis::summary::COLLUSION_WINDOW;

/// What a reader must know before the tables: an incomplete sweep, pooled sampled parameters.
pub fn warnings(report: &Report) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(c) = report.completeness.as_ref().filter(|c| !c.is_complete()) {
        w.push(format!("Incomplete sweep: {}", c.message(&report.dir)));
    }
    if !report.sampled.is_empty() {
        let ranges: Vec<String> = report
            .sampled
            .iter()
            .map(|p| match p.range {
                Some((lo, hi)) => {
                    format!("{} ({} to {})", p.path, short_number(lo), short_number(hi))
                }
                None => p.path.clone(),
            })
            .collect();
        let by = if report.parameters.is_empty() {
            "all runs form one group, whose mean, sd and interval are across all design points and replicates"
        } else {
            "groups are formed by the grid parameters only, and each group's mean, sd and interval are across all its design points and replicates"
        };
        let verb = if report.sampled.len() == 1 {
            "varies"
        } else {
            "vary"
        };
        w.push(format!(
            "Sampled parameters are pooled: {} {verb} continuously, one value per design point, so {by}. For how a metric depends on a sampled parameter, fit it to the per-run table {}/runs/ (one row per run: run_id, replicate, seed, the swept parameters and the run's summary metrics), e.g. pl.scan_parquet(\"{}/runs/**/*.parquet\").",
            ranges.join(", "),
            report.dir.display(),
            report.dir.display()
        ));
    }
    w
}

/// Whether some run has both benchmarks but no collusion index (they nearly coincide).
fn benchmarks_coincide(report: &Report) -> bool {
    report.groups.iter().any(|g| {
        let n = |m| g.market(m).map_or(0, |s| s.n);
        n(market::WINDOW_PROFIT)
            .min(n(market::NASH_PROFIT))
            .min(n(market::JOINT_PROFIT))
            > n(market::COLLUSION_INDEX)
    })
}

/// How each metric is defined, printed under the tables.
pub fn notes(report: &Report) -> Vec<String> {
    let mut n = vec![
        "Price index: volume-weighted price over vendors (USD/Mtok); start and end are the first and last rounds with sales; annualised decline = (start / end)^(rounds per year / rounds between them), so 4× means prices fall to a quarter each year.".to_string(),
        "HHI: Herfindahl-Hirschman index of firms' volume shares, each firm's products summed (0-10,000). 2023 US merger guidelines: above 1,800 highly concentrated. 2010 guidelines: below 1,500 unconcentrated, 1,500-2,500 moderately, above 2,500 highly concentrated.".to_string(),
        "Lerner index: volume-weighted (price - marginal cost) / price over vendors with a positive price and sales; \"final round\" is the last round, \"mean over rounds\" the average of each round's index over rounds with sales.".to_string(),
        "Surplus and welfare: summed over all rounds, USD; consumer surplus is the expected money-metric surplus of the logit (it obeys Roy's identity), producer surplus revenue plus per-token subsidies minus variable cost, welfare consumer plus producer surplus minus public spending.".to_string(),
    ];
    let pct = (COLLUSION_WINDOW * 100.0).round();
    if report.has_benchmarks {
        let window = report
            .window
            .map(|(a, b)| format!(" (here rounds {a}-{b})"))
            .unwrap_or_default();
        n.push(format!(
            "Collusion index Δ = (Π - Π_Nash) / (Π_joint - Π_Nash): Π is industry variable profit per round (revenue + per-token subsidies - variable cost) averaged over the last {pct}% of rounds, at least one{window}; Π_Nash and Π_joint are each of those rounds' own benchmarks, averaged alike: the frictionless Bertrand-Nash and joint-profit prices of buyers' expected demand as if every buyer chose afresh (without switching costs or inertia; manifest.json also holds round_nash, the Nash prices of the round's actual demand, where those apply); 0 at Bertrand-Nash profits, 1 at joint-profit maximisation.{}",
            if benchmarks_coincide(report) {
                " It is left out (-) where the two benchmarks are within 0.1% of each other: with nothing between them to collude on, the index would only magnify noise."
            } else {
                ""
            }
        ));
    } else {
        n.push("Collusion index Δ: not computed, the output has no Bertrand-Nash and joint-profit benchmarks.".to_string());
    }
    n.push("Price changes (Edgeworth-cycle statistics): relative changes (p_t - p_t-1) / p_t-1 between consecutive rounds a vendor is in the market; share of cuts among non-zero changes; mean rise and mean cut as relative sizes; skewness g1 of the non-zero changes (positive: frequent small cuts and rare large rises, the Edgeworth-cycle pattern); all undefined (-) when a change is beyond the range of f64.".to_string());
    n.push("Vendors: mean price over the rounds in the market; final values at the last round; final cash \"unlimited\" when the vendor has no cash limit or its firm holds its cash.".to_string());
    if report.groups.iter().any(|g| g.has_families()) {
        n.push("Firms: each firm's products summed (firms.parquet): share of all vendors' volume and products in the market at the last round, profit summed over rounds (less the firm's own operating cost), final cash held by the firm or summed over its products.".to_string());
    }
    if report.kind == Kind::Sweep {
        n.push("Across runs: n runs with the metric defined, mean, sample standard deviation sd and the 95% interval of the mean, mean ± t(0.975, n-1)·sd/√n, over the replicates of each parameter combination; \"survived\" is the share of runs in which the vendor survived.".to_string());
    }
    n
}
