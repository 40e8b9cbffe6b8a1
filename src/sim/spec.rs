//! The engine's run specification: what a run plays, every default settled, every name resolved
//! to an index. The scenario layer compiles a checked scenario into it; the engine reads
//! nothing else.

use crate::cost::CostCurve;
use crate::events::Event;
use crate::model::{CapacityRule, SegmentRules};
use crate::strategy::Strategy;

/// A run to play.
#[derive(Clone, Debug)]
pub struct RunSpec {
    /// Name of the market.
    pub name: String,
    /// Master seed of every random draw.
    pub seed: u64,
    /// Rounds to play.
    pub rounds: u32,
    /// Rounds per year (converts annual trends and rates).
    pub rounds_per_year: f64,
    /// Compute the benchmarks of the first and last rounds.
    pub benchmarks: bool,
    /// The outside option's self-hosting alternatives at the start: (quality, USD per Mtok).
    pub self_host: Vec<(f64, f64)>,
    /// Vendors, by vendor index.
    pub vendors: Vec<VendorPlan>,
    /// Firms, by firm index: those declared, then the owners the vendors name, then those
    /// mergers create (every vendor without an owner is its own firm, of its name).
    pub firms: Vec<FirmPlan>,
    /// Buyer segments, by segment index.
    pub segments: Vec<SegmentPlan>,
    /// Events and policies, in round order (file order within a round).
    pub events: Vec<Event>,
    /// Nests of the buyers' choice: (λ, member options: vendor indices, the vendor count for
    /// the outside option); empty: plain logit.
    pub nests: Vec<(f64, Vec<usize>)>,
}

/// A firm as the run starts it.
#[derive(Clone, Debug, PartialEq)]
pub struct FirmPlan {
    /// Unique name.
    pub name: String,
    /// Cash held for all its products, USD (infinite: none; its products keep their own).
    pub cash_usd: f64,
    /// Operating cost of the firm itself, USD per round.
    pub operating_cost_usd: f64,
}

/// A vendor as the run starts it.
#[derive(Clone, Debug)]
pub struct VendorPlan {
    /// Unique name.
    pub name: String,
    /// The firm that owns it (index into `RunSpec::firms`).
    pub owner: usize,
    /// Quality index of its model.
    pub quality: f64,
    /// Cost curve of its model.
    pub curve: CostCurve,
    /// Price posted before round 0, USD per Mtok (the price level where it posts two).
    pub initial_price: f64,
    /// Input and output prices per unit of its price level ((1, 1): one price; see
    /// `demand::mix`).
    pub price_weights: (f64, f64),
    /// Later list-price changes: (round, weights) from which the product posts new weights
    /// (a `scripted` path giving both prices), in round order.
    pub list_prices: Vec<(u32, (f64, f64))>,
    /// Pricing strategy in its starting state.
    pub strategy: Strategy,
    /// Starting cash, USD (infinite: unlimited).
    pub cash_usd: f64,
    /// Operating cost, USD per round.
    pub operating_cost_usd: f64,
    /// Exit after this many consecutive rounds whose revenue does not cover the variable cost.
    pub exit_after_losses: Option<u32>,
    /// Charge the model's training cost when the vendor enters.
    pub charge_initial_training: bool,
    /// An open-weight host: buyers may self-host its model at this multiple of its marginal
    /// cost.
    pub self_host_multiple: Option<f64>,
    /// Round it enters.
    pub enters_at: u32,
    /// Serving capacity.
    pub capacity: CapacityRule,
    /// An owned GPU fleet: the share of the rented per-token cost that serving still costs (its
    /// hours are a fixed cost). None: rented.
    pub owned_share: Option<f64>,
}

/// A buyer segment as the run starts it.
#[derive(Clone, Debug)]
pub struct SegmentPlan {
    /// Agents spawned before round 0.
    pub agents: u32,
    /// Its rules (how its agents choose and buy, and how it grows).
    pub rules: SegmentRules,
}

impl RunSpec {
    /// Buyer agents at the start.
    pub fn agents(&self) -> u64 {
        self.segments.iter().map(|s| s.agents as u64).sum()
    }
}

impl AsRef<RunSpec> for RunSpec {
    fn as_ref(&self) -> &RunSpec {
        self
    }
}
