//! The scenario file format: typed structs read from YAML. Unknown keys are errors everywhere.
//!
//! These are the raw values as written (with defaults filled in); [`super::validate`] checks them
//! and [`super::compile`] turns them into the run specification the engine plays. Serialising a spec writes the resolved
//! scenario (every default explicit) next to a run's output.

mod firm;
mod nest;
mod segment;
mod sweep;
mod vendor;

pub use firm::{FirmFinancesSpec, FirmSpec};
pub use nest::{NestSpec, OUTSIDE_MEMBER};
pub use segment::{ChoiceSpec, GrowthSpec, SegmentSpec};
pub use sweep::{OrderedMap, RangeSpec, SampleMethod, SampleSpec, SweepSpec};
pub use vendor::{
    CapacitySpec, DEFAULT_SERVING_COST_SHARE, FinancesSpec, OpenWeightSpec, TokenPricesSpec,
    VendorSpec,
};

pub use crate::cost::compute::{ComputeCostSpec, LearningSpec};
pub use crate::cost::{CostSpec, ModelSpec};
pub use crate::demand::{ChoiceMode, VolumeSpec};
pub use crate::dist::{Dist, TaggedDist};
pub use crate::events::EventSpec;
pub use crate::strategy::{
    FloorSpec, LinearDemandSpec, PriceStep, QLearningSpec, StrategySpec, ValueBasedSpec,
};

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
    /// Firms that own vendors' products (optional: a vendor without `owner` is its own firm;
    /// declare firms to give them cash, or to check every `owner` against a list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub firms: Vec<FirmSpec>,
    /// Vendors, in output order.
    pub vendors: Vec<VendorSpec>,
    /// Buyer segments.
    pub segments: Vec<SegmentSpec>,
    /// Nests of the buyers' choice (nested logit); options in no nest are nests of their own.
    /// Default: none (plain logit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nests: Vec<NestSpec>,
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

fn yes() -> bool {
    true
}
