//! `model_release`: a vendor releases a new model; its quality and costs change and its
//! training compute is charged; it may post new input and output list prices, whose ratio the
//! vendor's strategy keeps from then on.

use super::{CheckContext, CompileContext, EventKind, vendor_mut};
use crate::check::Checker;
use crate::cost::{CostCurve, CostSpec, ModelSpec};
use crate::demand::mix::ListPrices;
use crate::model::{Costs, Mix, ModelCard, Policy, RoundClock};
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `model_release` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelReleaseSpec {
    /// Round.
    pub round: u32,
    /// Vendor name.
    pub vendor: String,
    /// The new model.
    pub model: ModelSpec,
    /// A new cost curve (default: the vendor's curve with the new model's parameters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostSpec>,
    /// Charge the training cost (compute costs only). Default true.
    #[serde(default = "yes")]
    pub charge_training: bool,
    /// The new model's input and output list prices (USD per Mtok of each): from this round
    /// the vendor's strategy prices their level and keeps their ratio. Default: the ratio the
    /// vendor had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices: Option<ListPrices>,
}

fn yes() -> bool {
    true
}

/// A model release, with the cost curve of the new model.
#[derive(Clone, Debug)]
pub struct ModelRelease {
    round: u32,
    vendor: usize,
    quality: f64,
    curve: CostCurve,
    charge_training: bool,
    /// New price weights (None: unchanged).
    weights: Option<(f64, f64)>,
}

impl EventKind for ModelRelease {
    type Spec = ModelReleaseSpec;

    fn round_of(spec: &ModelReleaseSpec) -> u32 {
        spec.round
    }

    fn check(spec: &ModelReleaseSpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        if let Some(j) = market.vendor(at, "vendor", &spec.vendor, c) {
            let model_at = format!("{at}.model");
            spec.model.check(&model_at, c);
            let cost = spec.cost.as_ref().unwrap_or(market.vendors[j].cost);
            cost.check(&spec.model, &format!("{at}.cost"), &model_at, c);
        }
        if let Some(l) = spec.prices {
            c.non_negative(&format!("{at}.prices.input"), l.input);
            c.non_negative(&format!("{at}.prices.output"), l.output);
            if l.input == 0.0 && l.output == 0.0 {
                c.fail(
                    &format!("{at}.prices"),
                    "input and output prices both 0: give at least one positive price",
                );
            }
        }
    }

    /// The new curve is the release's `cost`, its figures of the release round, or the
    /// vendor's curve as last written (its own or an earlier release's) with that curve's date,
    /// for the new model: figures are dated where they are given.
    fn compile(spec: &ModelReleaseSpec, market: &mut CompileContext) -> Self {
        let j = market.vendor(&spec.vendor);
        if let Some(c) = &spec.cost {
            market.costs[j] = (c.clone(), spec.round);
        }
        let (cost, dated) = &market.costs[j];
        ModelRelease {
            round: spec.round,
            vendor: j,
            quality: spec.model.quality,
            curve: cost.build(&spec.model, market.rounds_per_year, *dated),
            charge_training: spec.charge_training,
            weights: spec.prices.and_then(|l| l.weights()).map(|(w, _)| w),
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    fn apply(&self, world: &mut World) {
        let round = world.resource::<RoundClock>().round;
        {
            let mut costs = vendor_mut::<Costs>(world, self.vendor);
            costs.curve = self.curve.clone();
            if self.charge_training {
                costs.charge_training(round);
            } else {
                let costs = &mut *costs;
                costs.curve.update_drivers(&mut costs.drivers, round);
            }
        }
        vendor_mut::<ModelCard>(world, self.vendor).quality = self.quality;
        if let Some(w) = self.weights {
            world.resource_mut::<Mix>().0.set_weights(self.vendor, w);
        }
    }

    fn in_force(&self, _round: u32, _policy: &mut Policy) {}
}
