//! Vendors as written: model, cost curve, starting price, strategy, finances, capacity.

use crate::cost::{CostSpec, ModelSpec};
use crate::strategy::StrategySpec;
use serde::{Deserialize, Serialize};

/// A vendor: its model, cost curve, starting price, pricing strategy and finances.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorSpec {
    /// Unique name.
    pub name: String,
    /// The firm that owns this product (default: the vendor's own name, a firm of one product).
    /// Products of one owner are priced for the owner's profit over all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The model it sells.
    pub model: ModelSpec,
    /// How its costs arise.
    pub cost: CostSpec,
    /// Price posted in the round before the first (USD per Mtok); strategies see it in round 0.
    /// Default: twice the round-0 marginal cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_price: Option<f64>,
    /// List prices of input and output tokens (USD per Mtok of each) before round 0, instead
    /// of `initial_price`: the product then posts two prices, and strategies move their level
    /// (the blend at 3 input tokens to 1 output token) keeping their ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices: Option<TokenPricesSpec>,
    /// How it sets prices. Default: `cost_plus` with markup 1 for vendors, `at_cost` for
    /// open-weight hosts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<StrategySpec>,
    /// Cash and running costs.
    #[serde(default)]
    pub finances: FinancesSpec,
    /// An open-weight model: priced at hosting cost, and buyers may self-host it instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_weight: Option<OpenWeightSpec>,
    /// Round in which the vendor enters the market (default 0: present from the start).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enters_at: u32,
    /// Serving capacity (default unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<CapacitySpec>,
}

/// Input and output list prices, USD per Mtok (the block shared with `scripted` steps).
pub use crate::demand::mix::ListPrices as TokenPricesSpec;

/// Serving capacity: a number of GPUs (compute costs; throughput follows the efficiency trend)
/// or Mtok per round.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacitySpec {
    /// GPUs serving the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpus: Option<f64>,
    /// Mtok per round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtok_per_round: Option<f64>,
    /// The GPUs are the vendor's own (bought or on long contracts): their hours are a fixed
    /// cost every round, used or idle, and serving a token costs only what it adds. Needs
    /// `gpus`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub owned: bool,
    /// With `owned`: the share of the rented per-token cost that serving on the fleet still
    /// costs (energy, operations), in [0, 1]. Default 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving_cost_share: Option<f64>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Default share of the rented per-token cost that serving on an owned fleet still costs: an
/// H100 draws about 0.7 kW, about 1 kW with cooling, some $0.10 an hour at US industrial power
/// prices, plus operations, against a $2–3 rental (an assumption, not a published figure).
pub const DEFAULT_SERVING_COST_SHARE: f64 = 0.1;

fn is_zero(x: &u32) -> bool {
    *x == 0
}

impl VendorSpec {
    /// The firm that owns the product: its `owner`, or its own name.
    pub fn owner_name(&self) -> &str {
        self.owner.as_deref().unwrap_or(&self.name)
    }
}

/// Cash, running costs and what is charged for training.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinancesSpec {
    /// Starting cash, USD. None: unlimited (the vendor never runs out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash: Option<f64>,
    /// Operating cost, USD per round (staff, research), charged whatever the volume.
    #[serde(default)]
    pub operating_cost: f64,
    /// Charge the training cost of the starting model when the vendor enters (round 0 for
    /// vendors present from the start; default: it was sunk before the run).
    #[serde(default)]
    pub charge_initial_training: bool,
    /// Exit after this many consecutive rounds whose revenue (with per-token subsidies) does not
    /// cover the variable cost, whatever the cash (None: never for that reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_after_losses: Option<u32>,
}

impl Default for FinancesSpec {
    fn default() -> Self {
        Self {
            cash: None,
            operating_cost: 0.0,
            charge_initial_training: false,
            exit_after_losses: None,
        }
    }
}

/// An open-weight model host.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenWeightSpec {
    /// Self-hosting costs this multiple of the host's marginal cost (>= 1: lower utilisation).
    #[serde(default = "default_self_host_multiplier")]
    pub self_host_cost_multiple: f64,
}

fn default_self_host_multiplier() -> f64 {
    1.5
}
