//! Market-wide resources.

use super::buyer::TraitDists;
use crate::demand::{ChoiceMode, OfferBook, VolumeDemand};
use crate::equilibrium::{DemandOracle, RoundDemand};
use bevy_ecs::prelude::*;

/// Fixed facts about the run.
#[derive(Resource, Clone, Debug)]
pub struct RunInfo {
    /// Run id (0 for a single run; the position in a sweep's run list).
    pub run_id: u64,
    /// Seed of all randomness in the run.
    pub seed: u64,
    /// Rounds to run.
    pub rounds: u32,
    /// Rounds per year.
    pub rounds_per_year: f64,
}

/// The round being played (0-based).
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct RoundClock {
    /// Current round.
    pub round: u32,
}

/// Public and per-vendor market state, indexed by vendor index.
#[derive(Resource, Clone, Debug, Default)]
pub struct MarketBoard {
    /// Vendor names.
    pub names: Vec<String>,
    /// Prices posted this round, USD per Mtok.
    pub posted: Vec<f64>,
    /// Prices posted last round (what strategies see), USD per Mtok.
    pub last_posted: Vec<f64>,
    /// In the market this round.
    pub active: Vec<bool>,
    /// In the market last round.
    pub last_active: Vec<bool>,
    /// Quality of each vendor's model.
    pub quality: Vec<f64>,
    /// Marginal cost this round, USD per Mtok.
    pub marginal_cost: Vec<f64>,
    /// Self-hosting cost multiple of open-weight hosts.
    pub self_host_multiple: Vec<Option<f64>>,
    /// The firm that owns each vendor's product (an index into [`Firms`]).
    pub owner: Vec<usize>,
}

/// A segment's rules for the run.
#[derive(Clone, Debug)]
pub struct SegmentRules {
    /// Name.
    pub name: String,
    /// Where its agents' traits come from (agents spawned by growth draw from them too).
    pub traits: TraitDists,
    /// Choice mode.
    pub mode: ChoiceMode,
    /// Outside option available.
    pub outside: bool,
    /// Review probability.
    pub review: f64,
    /// exp(−switching cost).
    pub penalty: f64,
    /// Any finite reservation prices.
    pub reservation: bool,
    /// Volume demand.
    pub volume: VolumeDemand,
    /// Share of its tokens that are input tokens (None: not given; it pays price levels).
    pub input_share: Option<f64>,
    /// Customers per agent.
    pub represents: f64,
    /// Volume multiplier per round from growth.
    pub volume_growth_per_round: f64,
    /// Agents added per round.
    pub agents_per_round: f64,
    /// Volume multiplier reached so far.
    pub volume_scale: f64,
    /// Agents owed by growth but not yet spawned (fraction).
    pub pending_agents: f64,
}

/// All segments, by segment index.
#[derive(Resource, Clone, Debug, Default)]
pub struct SegmentBook {
    /// Segments.
    pub segments: Vec<SegmentRules>,
}

/// The outside option's self-hosting alternatives (from the scenario and open-weight release
/// events); open-weight hosts in the market add theirs each round.
#[derive(Resource, Clone, Debug, Default)]
pub struct OutsideOption {
    /// (quality, USD per Mtok).
    pub self_host: Vec<(f64, f64)>,
}

impl OutsideOption {
    /// Every self-hosting alternative this round: the outside option's own, then each
    /// open-weight host in the market's model at its self-hosting cost.
    pub fn with_hosts(&self, board: &MarketBoard) -> Vec<(f64, f64)> {
        let mut all = self.self_host.clone();
        for j in 0..board.names.len() {
            if let (true, Some(multiple)) = (board.active[j], board.self_host_multiple[j]) {
                all.push((board.quality[j], board.marginal_cost[j] * multiple));
            }
        }
        all
    }
}

/// What buyers can choose from this round.
#[derive(Resource, Clone, Debug, Default)]
pub struct Offers(pub OfferBook);

/// Input and output tokens: each segment's price scale for every product (see `demand::mix`).
#[derive(Resource, Clone, Debug, Default)]
pub struct Mix(pub crate::demand::TokenMix);

/// List-price changes still to come: (round, product, price weights), in round order (a
/// `scripted` path that gives both prices; see `demand::mix`).
#[derive(Resource, Clone, Debug, Default)]
pub struct ListPrices(pub Vec<(u32, usize, (f64, f64))>);

/// The result of the choice stage: per segment, quantity and mass per option, surplus, switches.
#[derive(Resource, Clone, Debug, Default)]
pub struct ChoiceTally {
    /// segments × tally_len values (see `demand::choice::field`).
    pub values: Vec<f64>,
    /// Reused scratch for per-chunk tallies.
    pub partials: Vec<f64>,
}

/// Per-row volume split of expected-mode agents (V + 1 values per buyer row; empty if no
/// segment is in expected mode).
#[derive(Resource, Clone, Debug, Default)]
pub struct ExpectedShares(pub Vec<f64>);

/// How a run uses threads.
#[derive(Resource, Clone, Copy, Debug)]
pub struct Execution {
    /// Buyers choose in parallel chunks (true for single runs; sweeps parallelise across runs
    /// instead and set it false). Results are identical either way.
    pub parallel_buyers: bool,
}

impl Default for Execution {
    fn default() -> Self {
        Self {
            parallel_buyers: true,
        }
    }
}

/// Policies in force this round, by vendor index (recomputed from the events every round).
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct Policy {
    /// Price floor, USD per Mtok.
    pub price_floor: Vec<Option<f64>>,
    /// Per-token subsidy, USD per Mtok sold.
    pub subsidy_per_mtok: Vec<f64>,
    /// Fraction of GPU cost paid by the state.
    pub compute_subsidy: Vec<f64>,
}

impl Policy {
    /// A marginal cost as the vendor sees it: net of the per-token subsidy it receives, USD per
    /// Mtok (negative when the subsidy exceeds the cost).
    pub fn net_marginal_cost(&self, vendor: usize, marginal_cost: f64) -> f64 {
        marginal_cost - self.subsidy_per_mtok.get(vendor).copied().unwrap_or(0.0)
    }

    /// The price floor binding `vendor`, USD per Mtok (0 without one).
    pub fn floor(&self, vendor: usize) -> f64 {
        self.price_floor
            .get(vendor)
            .copied()
            .flatten()
            .unwrap_or(0.0)
    }
}

/// The scenario's demand as strategies see it (present only when a strategy needs it).
#[derive(Resource, Clone, Debug, Default)]
pub struct DemandView {
    /// The oracle (a sample of the buyers for large populations).
    pub oracle: Option<DemandOracle>,
    /// Buyer count the oracle's agents were drawn from.
    pub agents_seen: u32,
    /// Whether a strategy prices against the round's demand (refreshed every round).
    pub round_needed: bool,
    /// The round's demand: buyers where they are, with switching costs and inertia.
    pub round: Option<RoundDemand>,
}

/// What capacity did to demand this round.
#[derive(Resource, Clone, Debug, Default)]
pub struct Rationing {
    /// Mtok each vendor's buyers wanted before rationing.
    pub demand: Vec<f64>,
    /// Capacity of each vendor this round (None: unlimited).
    pub capacity: Vec<Option<f64>>,
}

/// The firms that own the vendors' products, by firm index (a vendor's owner is
/// `MarketBoard::owner`). A firm declared with cash holds it for all its products: their
/// profits flow into it, its operating cost is charged from it, and its products exit together
/// when it runs out.
#[derive(Resource, Clone, Debug, Default)]
pub struct Firms {
    /// Firm names.
    pub names: Vec<String>,
    /// Cash, USD (infinite: the firm holds none of its own; its products keep their own).
    pub cash_usd: Vec<f64>,
    /// Operating cost of the firm itself, USD per round (beyond its products').
    pub operating_cost_usd: Vec<f64>,
    /// Round the firm ran out of cash, if it did.
    pub exited_round: Vec<Option<u32>>,
}

impl Firms {
    /// Whether firm `f` holds the cash of its products.
    pub fn holds_cash(&self, f: usize) -> bool {
        self.cash_usd[f].is_finite()
    }
}

/// A change of ownership this round, waiting for the run to simulate its market (the static
/// merger simulation needs the round's costs, which are set after the events).
#[derive(Clone, Debug, PartialEq)]
pub struct OwnershipChange {
    /// Round of the change.
    pub round: u32,
    /// The firm that owns the merged products afterwards.
    pub owner: usize,
    /// Each vendor's owner before.
    pub before: Vec<usize>,
    /// Each vendor's owner after.
    pub after: Vec<usize>,
}

/// Mergers applied and not yet simulated.
#[derive(Resource, Clone, Debug, Default)]
pub struct Mergers {
    /// In the order applied.
    pub pending: Vec<OwnershipChange>,
}
