//! Buyer segments as written: trait distributions, volume demand, choice, growth.

use crate::demand::{ChoiceMode, VolumeSpec};
use crate::dist::Dist;
use serde::{Deserialize, Serialize};

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
    /// Share of its tokens that are input (prompt) tokens, in [0, 1]: chat about 0.5,
    /// retrieval-augmented work about 0.9. A product posting input and output prices costs it
    /// the mix of the two. Default: none (it pays every product's price level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_share: Option<f64>,
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
