//! The metrics a report holds: a stable key (used in CSV and JSON), a label and a unit.

/// The unit of a metric, which also decides how it is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// USD per Mtok.
    UsdPerMtok,
    /// USD.
    Usd,
    /// A fraction in [0, 1], printed as a percentage.
    Fraction,
    /// A dimensionless number (Lerner index, Δ, skewness).
    Number,
    /// A factor per year (4 = prices fall to a quarter each year).
    FactorPerYear,
    /// Herfindahl-Hirschman index, 0–10,000.
    Hhi,
    /// A count.
    Count,
    /// Yes (1) or no (0); across runs, the fraction of runs with yes.
    YesNo,
}

impl Unit {
    /// How the unit is written in headers and CSV.
    pub fn name(self) -> &'static str {
        match self {
            Unit::UsdPerMtok => "USD/Mtok",
            Unit::Usd => "USD",
            Unit::Fraction => "fraction",
            Unit::Number => "",
            Unit::FactorPerYear => "x per year",
            Unit::Hhi => "0-10,000",
            Unit::Count => "count",
            Unit::YesNo => "yes/no",
        }
    }
}

/// One metric of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metric {
    /// Stable machine-readable key (CSV `metric`, JSON field).
    pub key: &'static str,
    /// Human-readable label (tables).
    pub label: &'static str,
    /// Unit.
    pub unit: Unit,
}

const fn m(key: &'static str, label: &'static str, unit: Unit) -> Metric {
    Metric { key, label, unit }
}

/// Market metrics of a run, in report order. The collusion-index metrics appear only when the
/// output has benchmarks.
pub mod market {
    use super::{Metric, Unit::*, m};

    /// Volume-weighted price index in the first round with sales.
    pub const PRICE_INDEX_START: Metric =
        m("price_index_start", "price index at start", UsdPerMtok);
    /// Volume-weighted price index in the last round with sales.
    pub const PRICE_INDEX_END: Metric = m("price_index_end", "price index at end", UsdPerMtok);
    /// (start / end)^(rounds per year / rounds between them).
    pub const DECLINE: Metric = m(
        "annualised_price_decline",
        "annualised price decline",
        FactorPerYear,
    );
    /// HHI of volume shares in the first round with sales.
    pub const HHI_START: Metric = m("hhi_start", "HHI at start", Hhi);
    /// HHI of volume shares in the last round with sales.
    pub const HHI_END: Metric = m("hhi_end", "HHI at end", Hhi);
    /// Volume-weighted Lerner index in the final round.
    pub const LERNER_FINAL: Metric = m("lerner_final", "Lerner index, final round", Number);
    /// Volume-weighted Lerner index averaged over rounds with sales.
    pub const LERNER_MEAN: Metric = m("lerner_mean", "Lerner index, mean over rounds", Number);
    /// Consumer surplus summed over rounds.
    pub const CONSUMER_SURPLUS: Metric = m("consumer_surplus", "consumer surplus, all rounds", Usd);
    /// Producer surplus summed over rounds.
    pub const PRODUCER_SURPLUS: Metric = m("producer_surplus", "producer surplus, all rounds", Usd);
    /// Welfare summed over rounds.
    pub const WELFARE: Metric = m("welfare", "welfare, all rounds", Usd);
    /// Vendors in the market in the final round.
    pub const SURVIVORS: Metric = m("survivors", "vendors in the market at end", Count);
    /// Industry variable profit per round over the window of the collusion index.
    pub const WINDOW_PROFIT: Metric = m(
        "industry_profit",
        "industry profit per round, last 10% of rounds",
        Usd,
    );
    /// Industry profit per round at the Bertrand-Nash benchmark.
    pub const NASH_PROFIT: Metric = m("nash_profit", "Bertrand-Nash profit per round", Usd);
    /// Industry profit per round at the joint-profit benchmark.
    pub const JOINT_PROFIT: Metric = m("joint_profit", "joint-profit optimum per round", Usd);
    /// The collusion index Δ.
    pub const COLLUSION_INDEX: Metric = m("collusion_index", "collusion index Δ", Number);

    /// Metrics every run has.
    pub const ALWAYS: &[Metric] = &[
        PRICE_INDEX_START,
        PRICE_INDEX_END,
        DECLINE,
        HHI_START,
        HHI_END,
        LERNER_FINAL,
        LERNER_MEAN,
        CONSUMER_SURPLUS,
        PRODUCER_SURPLUS,
        WELFARE,
        SURVIVORS,
    ];
    /// Metrics of runs with benchmarks.
    pub const COLLUSION: &[Metric] = &[WINDOW_PROFIT, NASH_PROFIT, JOINT_PROFIT, COLLUSION_INDEX];
    /// The HHI metrics, whose means every format follows with their concentration classes
    /// ([`Group::concentration`](crate::analysis::report::Group::concentration)).
    pub const CLASSED: &[Metric] = &[HHI_START, HHI_END];
}

/// Vendor metrics of a run, in report order.
pub mod vendor {
    use super::{Metric, Unit::*, m};

    /// Mean posted price over the rounds the vendor was in the market.
    pub const MEAN_PRICE: Metric = m("mean_price", "mean price", UsdPerMtok);
    /// Price in the final round (none when out of the market).
    pub const FINAL_PRICE: Metric = m("final_price", "final price", UsdPerMtok);
    /// Volume share in the final round.
    pub const FINAL_SHARE: Metric = m("final_share", "final share", Fraction);
    /// Profit summed over rounds.
    pub const CUMULATIVE_PROFIT: Metric = m("cumulative_profit", "cumulative profit", Usd);
    /// Cash after the final round (none when unlimited).
    pub const FINAL_CASH: Metric = m("final_cash", "final cash", Usd);
    /// In the market in the final round.
    pub const SURVIVED: Metric = m("survived", "survived", YesNo);

    /// All vendor metrics.
    pub const ALL: &[Metric] = &[
        MEAN_PRICE,
        FINAL_PRICE,
        FINAL_SHARE,
        CUMULATIVE_PROFIT,
        FINAL_CASH,
        SURVIVED,
    ];
}

/// Metrics of a firm (a product's owner): its products summed.
pub mod firm {
    use super::{Metric, Unit::*, m};

    /// Its products' share of all vendors' volume in the final round.
    pub const FINAL_SHARE: Metric = m("final_share", "final share", Fraction);
    /// Profit summed over rounds: its products' profits less its own operating cost.
    pub const CUMULATIVE_PROFIT: Metric = m("cumulative_profit", "cumulative profit", Usd);
    /// Cash after the final round: the firm's where it holds it, else its products' summed
    /// (none when unlimited).
    pub const FINAL_CASH: Metric = m("final_cash", "final cash", Usd);
    /// Its products in the market in the final round.
    pub const PRODUCTS: Metric = m("products", "products at end", Count);

    /// All firm metrics.
    pub const ALL: &[Metric] = &[FINAL_SHARE, CUMULATIVE_PROFIT, FINAL_CASH, PRODUCTS];
}

/// Price-change (Edgeworth-cycle) metrics of a vendor, or of all vendors pooled.
pub mod changes {
    use super::{Metric, Unit::*, m};

    /// Price changes between consecutive rounds in the market.
    pub const CHANGES: Metric = m("price_changes", "price changes", Count);
    /// Share of those changes that are cuts.
    pub const CUT_SHARE: Metric = m("cut_share", "share of cuts", Fraction);
    /// Mean relative size of rises.
    pub const MEAN_RISE: Metric = m("mean_rise", "mean rise", Fraction);
    /// Mean relative size of cuts (positive).
    pub const MEAN_CUT: Metric = m("mean_cut", "mean cut", Fraction);
    /// Skewness of the relative price changes.
    pub const SKEWNESS: Metric = m("skewness", "skewness", Number);

    /// All price-change metrics.
    pub const ALL: &[Metric] = &[CHANGES, CUT_SHARE, MEAN_RISE, MEAN_CUT, SKEWNESS];
}
