//! The scenario file format: typed structs read from YAML. Unknown keys are errors everywhere.
//!
//! These are the raw values as written (with defaults filled in); [`super::validate`] checks them
//! and produces the [`super::Scenario`] the engine trusts. Serialising a spec writes the resolved
//! scenario (every default explicit) next to a run's output.

use super::dist::Dist;
use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Name of the market; names the output directory.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Master seed of all randomness in a run.
    #[serde(default)]
    pub seed: u64,
    /// Number of rounds to run.
    pub rounds: u32,
    /// Rounds per year: converts annual trends and rates to rounds (12 = monthly rounds).
    #[serde(default = "default_rounds_per_year")]
    pub rounds_per_year: f64,
    /// The outside option every segment with `outside_option: true` can take.
    #[serde(default)]
    pub outside_option: OutsideSpec,
    /// Vendors, in output order.
    pub vendors: Vec<VendorSpec>,
    /// Buyer segments.
    pub segments: Vec<SegmentSpec>,
    /// Events and policies at given rounds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventSpec>,
    /// Compute the monopoly, Bertrand-Nash and joint-profit benchmarks of the market at the
    /// first and last rounds (written to the manifest). Default true.
    #[serde(default = "yes")]
    pub benchmarks: bool,
    /// A Monte Carlo sweep over this scenario (read by `pricewar sweep`; `run` ignores it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSpec>,
}

fn default_rounds_per_year() -> f64 {
    12.0
}

/// The outside option: not buying (utility 0) and, optionally, self-hosting a model.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutsideSpec {
    /// Self-hosting an open-weight model: a buyer takes the better of this and not buying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_host: Option<SelfHostSpec>,
}

/// Self-hosting as an alternative to buying from a vendor.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfHostSpec {
    /// Quality of the self-hosted model (same index as vendors' quality).
    pub quality: f64,
    /// All-in cost of self-hosting, USD per Mtok.
    pub price: f64,
}

/// A vendor: its model, cost curve, starting price, pricing strategy and finances.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorSpec {
    /// Unique name.
    pub name: String,
    /// The model it sells.
    pub model: ModelSpec,
    /// How its costs arise.
    pub cost: CostSpec,
    /// Price posted in the round before the first (USD per Mtok); strategies see it in round 0.
    /// Default: twice the round-0 marginal cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_price: Option<f64>,
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
}

fn is_zero(x: &u32) -> bool {
    *x == 0
}

/// A model: parameters for compute costs and the quality buyers value.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Quality index buyers value (e.g. a benchmark score).
    pub quality: f64,
    /// Total parameters (all experts of a mixture-of-experts model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_params: Option<f64>,
    /// Parameters active per token (= total for a dense model). Required by `compute` costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_params: Option<f64>,
    /// Training tokens. Required by `compute` costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_tokens: Option<f64>,
}

/// A cost curve.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CostSpec {
    /// Costs derived from the compute the model needs to train and to serve.
    Compute(ComputeCostSpec),
    /// C(q) = fixed + marginal·q per round (q in Mtok, costs in USD).
    Linear {
        /// USD per Mtok.
        marginal: f64,
        /// USD per round.
        #[serde(default)]
        fixed: f64,
    },
    /// C(q) = a·q² + b·q + c per round (q in Mtok, costs in USD).
    Quadratic {
        /// USD per Mtok².
        a: f64,
        /// USD per Mtok.
        b: f64,
        /// USD per round.
        #[serde(default)]
        c: f64,
    },
}

/// Parameters of a compute-derived cost curve.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputeCostSpec {
    /// Rental price of one GPU, USD per GPU-hour.
    pub gpu_hour_usd: f64,
    /// Peak dense throughput of one GPU, FLOP/s (H100 SXM BF16: 989e12).
    pub peak_flops: f64,
    /// Model FLOP utilisation when training, in (0, 1].
    #[serde(default = "default_training_mfu")]
    pub training_mfu: f64,
    /// Fraction of peak FLOP/s achieved when serving, in (0, 1].
    pub serving_utilisation: f64,
    /// Extra serving cost as a fraction of GPU cost (idle capacity, networking, staff), >= 0.
    #[serde(default)]
    pub overhead: f64,
    /// Years for GPU price-performance to double (the USD cost of a FLOP halves). None: no trend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_halving_years: Option<f64>,
    /// Years for serving efficiency (batching, quantisation, distillation) to halve the FLOPs
    /// per token. None: no trend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficiency_halving_years: Option<f64>,
    /// Wright's-law learning on cumulative tokens served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learning: Option<LearningSpec>,
    /// Fixed serving cost, USD per round.
    #[serde(default)]
    pub fixed_per_round: f64,
}

fn default_training_mfu() -> f64 {
    0.4
}

/// Wright's law: cost × (cumulative / reference)^−b with b = −log2(progress_ratio).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningSpec {
    /// Cost multiplier per doubling of cumulative volume, in (0, 1] (0.8: 20% cheaper).
    pub progress_ratio: f64,
    /// Cumulative Mtok at which learning starts (the curve is flat below it), > 0.
    pub reference_mtok: f64,
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
}

impl Default for FinancesSpec {
    fn default() -> Self {
        Self {
            cash: None,
            operating_cost: 0.0,
            charge_initial_training: false,
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

/// A pricing strategy. Every strategy sees only last round's public prices and its own outcomes.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StrategySpec {
    /// A constant price, USD per Mtok.
    Fixed {
        /// USD per Mtok.
        price: f64,
    },
    /// Replays a price path: each step holds from its round until the next step.
    Scripted {
        /// Steps in increasing round order; the first must be at round 0.
        steps: Vec<PriceStep>,
    },
    /// Marginal cost × (1 + markup).
    CostPlus {
        /// Markup over marginal cost (0.3 = 30%), > -1.
        markup: f64,
    },
    /// The marginal cost: no profit motive (open-weight hosts).
    AtCost,
    /// Maximises profit against the vendor's estimate of its own demand.
    ValueBased(ValueBasedSpec),
    /// Cuts below the cheapest rival's last price by `step`, never below the floor.
    Undercut {
        /// Cut as a fraction of the cheapest rival's price, in (0, 1).
        step: f64,
        /// Floor.
        #[serde(default)]
        floor: FloorSpec,
    },
    /// Matches the cheapest rival's last price, never below the floor.
    MatchLowest {
        /// Floor.
        #[serde(default)]
        floor: FloorSpec,
    },
    /// The Bertrand best response to rivals' last prices under the scenario's demand (and the
    /// vendor's capacity).
    BestResponse {
        /// Weight on the best response against the last price, in (0, 1] (1: jump to it).
        #[serde(default = "one")]
        smoothing: f64,
    },
    /// Edgeworth cycles: undercut the cheapest rival by `step` down to the floor; when rivals
    /// sit at the floor, relent (with `relent_probability` each round) to marginal cost ×
    /// (1 + `relent_markup`). Vendors move in alternate rounds, as in Maskin and Tirole (1988).
    Edgeworth {
        /// Cut as a fraction of the cheapest rival's price, in (0, 1).
        step: f64,
        /// Floor.
        #[serde(default)]
        floor: FloorSpec,
        /// Markup over marginal cost of the price it relents to, > 0.
        relent_markup: f64,
        /// Probability of relenting in a round when rivals are at the floor, in (0, 1].
        #[serde(default = "half")]
        relent_probability: f64,
    },
    /// Tit for tat: copy the cheapest rival's last price, up or down, never below the floor.
    TitForTat {
        /// Floor.
        #[serde(default)]
        floor: FloorSpec,
    },
    /// Penetration pricing: marginal cost × (1 + markup) (a negative markup prices below cost)
    /// for the first `rounds` rounds in the market, then the strategy `then`.
    Penetration {
        /// Rounds of penetration pricing.
        rounds: u32,
        /// Markup over marginal cost while penetrating, > -1 (−0.3: 30% below cost).
        markup: f64,
        /// The strategy afterwards.
        then: Box<StrategySpec>,
    },
    /// Tabular Q-learning (Calvano, Calzolari, Denicolò and Pastorello, AER 2020).
    QLearning(QLearningSpec),
}

fn half() -> f64 {
    0.5
}

/// Q-learning parameters; defaults are the paper's baseline.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QLearningSpec {
    /// Prices in the grid (m).
    #[serde(default = "default_grid_points")]
    pub grid_points: u32,
    /// Extension of the grid beyond the Nash and joint-profit prices, as a fraction of their
    /// distance (ξ).
    #[serde(default = "default_xi")]
    pub xi: f64,
    /// Learning rate α, in (0, 1].
    #[serde(default = "default_q_alpha")]
    pub alpha: f64,
    /// Exploration decay β: ε_t = exp(−β·t), > 0.
    #[serde(default = "default_q_beta")]
    pub beta: f64,
    /// Discount factor δ, in [0, 1).
    #[serde(default = "default_q_delta")]
    pub delta: f64,
    /// Periods without a change of any greedy action that count as convergence.
    #[serde(default = "default_window")]
    pub convergence_window: u64,
    /// Periods after which learning stops even without convergence.
    #[serde(default = "default_max_periods")]
    pub max_periods: u64,
}

fn default_grid_points() -> u32 {
    15
}
fn default_xi() -> f64 {
    0.1
}
fn default_q_alpha() -> f64 {
    0.15
}
fn default_q_beta() -> f64 {
    4e-6
}
fn default_q_delta() -> f64 {
    0.95
}
fn default_window() -> u64 {
    100_000
}
fn default_max_periods() -> u64 {
    1_000_000_000
}

/// An event or policy at a round. Vendor and segment lists name their targets (empty: all).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventSpec {
    /// A vendor enters the market.
    Entry {
        /// Round.
        round: u32,
        /// Vendor name.
        vendor: String,
    },
    /// A vendor leaves the market for good; its buyers choose again.
    Exit {
        /// Round.
        round: u32,
        /// Vendor name.
        vendor: String,
    },
    /// A vendor releases a new model: new quality and costs; its training cost is charged.
    ModelRelease {
        /// Round.
        round: u32,
        /// Vendor name.
        vendor: String,
        /// The new model.
        model: ModelSpec,
        /// A new cost curve (default: the vendor's curve with the new model's parameters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cost: Option<CostSpec>,
        /// Charge the training cost (compute costs only). Default true.
        #[serde(default = "yes")]
        charge_training: bool,
    },
    /// GPU prices change by a factor from this round on (compute costs).
    GpuPriceShock {
        /// Round.
        round: u32,
        /// Factor on GPU-hour prices, > 0 (1.5: +50%).
        multiplier: f64,
        /// Vendors affected (default all).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        vendors: Vec<String>,
    },
    /// An open-weight model is released: buyers may self-host it (the outside option improves).
    OpenWeightRelease {
        /// Round.
        round: u32,
        /// Quality of the released model.
        quality: f64,
        /// All-in self-hosting cost, USD per Mtok.
        price: f64,
    },
    /// A vendor raises cash.
    Funding {
        /// Round.
        round: u32,
        /// Vendor name.
        vendor: String,
        /// USD.
        amount_usd: f64,
    },
    /// A per-token subsidy paid to vendors on what they sell.
    Subsidy {
        /// Round it starts.
        round: u32,
        /// USD per Mtok sold.
        per_mtok_usd: f64,
        /// Round it ends (exclusive; default: never).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<u32>,
        /// Vendors paid (default all).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        vendors: Vec<String>,
    },
    /// A price floor (anti-dumping): posted prices may not fall below it.
    PriceFloor {
        /// Round it starts.
        round: u32,
        /// USD per Mtok.
        price: f64,
        /// Round it ends (exclusive; default: never).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<u32>,
        /// Vendors bound (default all).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        vendors: Vec<String>,
    },
    /// A compute subsidy: a fraction of GPU costs is paid by the state (compute costs).
    ComputeSubsidy {
        /// Round it starts.
        round: u32,
        /// Fraction of GPU cost paid, in [0, 1).
        fraction: f64,
        /// Round it ends (exclusive; default: never).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<u32>,
        /// Vendors subsidised (default all).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        vendors: Vec<String>,
    },
    /// Demand changes by a factor from this round on.
    DemandShock {
        /// Round.
        round: u32,
        /// Factor on every customer's volume, > 0.
        multiplier: f64,
        /// Segments affected (default all).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        segments: Vec<String>,
    },
    /// A vendor's capacity changes.
    Capacity {
        /// Round.
        round: u32,
        /// Vendor name.
        vendor: String,
        /// GPUs serving the model (compute costs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gpus: Option<f64>,
        /// Mtok per round. Both keys absent: unlimited.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mtok_per_round: Option<f64>,
    },
}

impl EventSpec {
    /// The round the event happens in.
    pub fn round(&self) -> u32 {
        match self {
            EventSpec::Entry { round, .. }
            | EventSpec::Exit { round, .. }
            | EventSpec::ModelRelease { round, .. }
            | EventSpec::GpuPriceShock { round, .. }
            | EventSpec::OpenWeightRelease { round, .. }
            | EventSpec::Funding { round, .. }
            | EventSpec::Subsidy { round, .. }
            | EventSpec::PriceFloor { round, .. }
            | EventSpec::ComputeSubsidy { round, .. }
            | EventSpec::DemandShock { round, .. }
            | EventSpec::Capacity { round, .. } => *round,
        }
    }

    /// The kind, as written in scenarios.
    pub fn kind(&self) -> &'static str {
        match self {
            EventSpec::Entry { .. } => "entry",
            EventSpec::Exit { .. } => "exit",
            EventSpec::ModelRelease { .. } => "model_release",
            EventSpec::GpuPriceShock { .. } => "gpu_price_shock",
            EventSpec::OpenWeightRelease { .. } => "open_weight_release",
            EventSpec::Funding { .. } => "funding",
            EventSpec::Subsidy { .. } => "subsidy",
            EventSpec::PriceFloor { .. } => "price_floor",
            EventSpec::ComputeSubsidy { .. } => "compute_subsidy",
            EventSpec::DemandShock { .. } => "demand_shock",
            EventSpec::Capacity { .. } => "capacity",
        }
    }
}

/// One step of a scripted price path.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceStep {
    /// First round of the step.
    pub round: u32,
    /// USD per Mtok.
    pub price: f64,
}

/// A price floor: the higher of marginal cost × (1 + markup) and an absolute price.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloorSpec {
    /// Floor as a markup over marginal cost (0 = at cost; -0.5 = half of cost), > -1.
    #[serde(default)]
    pub markup: f64,
    /// Absolute floor, USD per Mtok.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
}

impl Default for FloorSpec {
    fn default() -> Self {
        Self {
            markup: 0.0,
            price: None,
        }
    }
}

/// Demand-oriented pricing: the vendor fits a linear demand q = a − b·p to its own past prices
/// and quantities (weighted least squares with forgetting) and posts the price that maximises
/// (p − marginal cost)·(a − b·p).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueBasedSpec {
    /// Weight kept by each older observation per round, in (0, 1].
    #[serde(default = "default_forgetting")]
    pub forgetting: f64,
    /// Relative size of a price experiment when past prices do not identify the slope, in (0, 0.5].
    #[serde(default = "default_probe")]
    pub probe: f64,
    /// Largest relative price change per round, > 0.
    #[serde(default = "default_max_change")]
    pub max_change: f64,
    /// A demand the vendor believes instead of fitting one (the textbook form D = a − b·p).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub believed_demand: Option<LinearDemandSpec>,
}

fn default_forgetting() -> f64 {
    0.9
}
fn default_probe() -> f64 {
    0.05
}
fn default_max_change() -> f64 {
    0.5
}

/// A linear demand D = intercept − slope·p (Mtok per round, p in USD per Mtok).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearDemandSpec {
    /// Mtok per round at price 0.
    pub intercept: f64,
    /// Mtok per round lost per USD/Mtok of price.
    pub slope: f64,
}

/// A buyer segment: agents drawn from trait distributions, their volume demand and how they
/// choose.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentSpec {
    /// Unique name.
    pub name: String,
    /// Buyer agents to spawn.
    pub agents: u32,
    /// Real customers each agent stands for.
    #[serde(default = "one")]
    pub represents: f64,
    /// α: utility lost per USD/Mtok of price, > 0.
    pub price_sensitivity: Dist,
    /// θ: utility per point of quality, >= 0.
    #[serde(default = "zero_dist")]
    pub quality_weight: Dist,
    /// Highest price a buyer pays, USD per Mtok (None: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation_price: Option<Dist>,
    /// Mtok per round each customer buys at the reference of the volume demand.
    #[serde(default = "one_dist")]
    pub base_volume_mtok: Dist,
    /// How volume responds to the price paid.
    #[serde(default)]
    pub volume: VolumeSpec,
    /// How agents choose among vendors.
    #[serde(default)]
    pub choice: ChoiceSpec,
    /// Whether the outside option (not buying, self-hosting) is available.
    #[serde(default = "yes")]
    pub outside_option: bool,
    /// Growth of the segment.
    #[serde(default)]
    pub growth: GrowthSpec,
}

fn one() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}
fn zero_dist() -> Dist {
    Dist::fixed(0.0)
}
fn one_dist() -> Dist {
    Dist::fixed(1.0)
}

/// Volume demand at the price paid, per unit of base volume.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum VolumeSpec {
    /// The base volume whatever the price.
    #[default]
    Fixed,
    /// q = base·max(0, 1 − p/choke_price): the form k1 − k2·p with k1 = base,
    /// k2 = base/choke_price.
    Linear {
        /// Price at which volume falls to zero, USD per Mtok, > 0.
        choke_price: f64,
    },
    /// q = base·(max(p, saturation_price)/reference_price)^−elasticity: constant elasticity,
    /// saturating below `saturation_price` so that a free product has a finite volume.
    Isoelastic {
        /// Price elasticity ε > 0 (empirical short-run value for LLM APIs: about 1.1).
        elasticity: f64,
        /// Price at which volume equals the base volume, USD per Mtok, > 0.
        reference_price: f64,
        /// Price below which volume stops growing, USD per Mtok, > 0.
        saturation_price: f64,
    },
}

/// How agents choose.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceSpec {
    /// `sample`: each agent draws one option; `expected`: each agent splits its volume by the
    /// logit probabilities (noise-free).
    #[serde(default)]
    pub mode: ChoiceMode,
    /// Utility lost by leaving the current option, >= 0.
    #[serde(default)]
    pub switching_cost: f64,
    /// Probability that an agent reconsiders its choice in a round, in [0, 1].
    #[serde(default = "one")]
    pub review_probability: f64,
}

impl Default for ChoiceSpec {
    fn default() -> Self {
        Self {
            mode: ChoiceMode::Sample,
            switching_cost: 0.0,
            review_probability: 1.0,
        }
    }
}

/// Choice mode of a segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceMode {
    /// Each agent draws one choice.
    #[default]
    Sample,
    /// Each agent splits its volume by the logit probabilities.
    Expected,
}

/// Growth of a segment.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrowthSpec {
    /// New agents per round (fractions accumulate).
    #[serde(default)]
    pub agents_per_round: f64,
    /// Annual growth of every customer's volume (0.5 = +50% a year), > -1.
    #[serde(default)]
    pub volume_per_year: f64,
}

/// A Monte Carlo sweep: every design point (grid cell × sample point) is run `replicates`
/// times, each run with its own seed derived from the master seed and its run id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// Runs per design point, >= 1.
    #[serde(default = "one_u32")]
    pub replicates: u32,
    /// Master seed of the sweep (default: the scenario's `seed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Full factorial grid: scenario path → the values it takes, in column order.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub grid: OrderedMap<Vec<serde_yaml::Value>>,
    /// Random or Latin-hypercube samples from ranges, crossed with the grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<SampleSpec>,
}

fn one_u32() -> u32 {
    1
}

/// A scenario without a `sweep:` block sweeps nothing: one run of its single design point.
impl Default for SweepSpec {
    fn default() -> Self {
        Self {
            replicates: one_u32(),
            seed: None,
            grid: OrderedMap::default(),
            sample: None,
        }
    }
}

/// Points drawn from ranges of scenario values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleSpec {
    /// How the points are drawn.
    #[serde(default)]
    pub method: SampleMethod,
    /// Number of points, >= 1.
    pub points: u32,
    /// Scenario path → the range its values are drawn from, in column order.
    pub ranges: OrderedMap<RangeSpec>,
}

/// How sample points are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleMethod {
    /// Each value drawn independently and uniformly.
    Random,
    /// Latin hypercube: each range is cut into `points` equal strata and every stratum of every
    /// range holds exactly one point.
    #[default]
    LatinHypercube,
}

/// A range of a swept value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    /// Lowest value (in the unit of the scenario value).
    pub low: f64,
    /// Highest value, >= low.
    pub high: f64,
    /// Draw uniformly in log space (for values spanning orders of magnitude; needs low > 0).
    #[serde(default, skip_serializing_if = "is_false")]
    pub log: bool,
    /// Round every draw to the nearest integer (for counts and rounds).
    #[serde(default, skip_serializing_if = "is_false")]
    pub integer: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl RangeSpec {
    /// What is wrong with the range, if anything.
    pub fn problem(&self) -> Option<String> {
        if !(self.low.is_finite() && self.high.is_finite()) {
            return Some(format!(
                "`low` and `high` must be finite numbers, got {} and {}",
                self.low, self.high
            ));
        }
        if self.low > self.high {
            return Some(format!(
                "low {} is above high {}: give the smaller value as `low`",
                self.low, self.high
            ));
        }
        if self.log && self.low <= 0.0 {
            return Some(format!(
                "a `log` range needs low > 0, got {}: drop `log` or raise `low`",
                self.low
            ));
        }
        if self.integer && self.low.ceil() > self.high.floor() {
            return Some(format!(
                "no integer lies in [{}, {}]: widen the range or drop `integer`",
                self.low, self.high
            ));
        }
        None
    }
}

/// A map that keeps its keys in file order (swept paths become columns in this order).
/// Duplicate keys are rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    /// True without entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sets `key` to `value`, in place if it exists, else at the end.
    pub fn insert(&mut self, key: String, value: V) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map from scenario paths to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, V)> = Vec::new();
                while let Some(k) = a.next_key::<String>()? {
                    if out.iter().any(|(x, _)| *x == k) {
                        return Err(serde::de::Error::custom(format!(
                            "the path `{k}` is given twice"
                        )));
                    }
                    let v = a.next_value()?;
                    out.push((k, v));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}
