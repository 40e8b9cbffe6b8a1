//! `open_weight_release`: an open-weight model is released; buyers may self-host it, so the
//! outside option improves.

use super::{CheckContext, CompileContext, EventKind};
use crate::check::Checker;
use crate::model::{OutsideOption, Policy};
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `open_weight_release` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenWeightReleaseSpec {
    /// Round.
    pub round: u32,
    /// Quality of the released model.
    pub quality: f64,
    /// All-in self-hosting cost, USD per Mtok.
    pub price: f64,
}

/// An open-weight release.
#[derive(Clone, Debug)]
pub struct OpenWeightRelease {
    round: u32,
    quality: f64,
    price: f64,
}

impl EventKind for OpenWeightRelease {
    type Spec = OpenWeightReleaseSpec;

    fn round_of(spec: &OpenWeightReleaseSpec) -> u32 {
        spec.round
    }

    fn check(spec: &OpenWeightReleaseSpec, at: &str, _market: &mut CheckContext, c: &mut Checker) {
        c.finite(&format!("{at}.quality"), spec.quality);
        c.non_negative(&format!("{at}.price"), spec.price);
    }

    fn compile(spec: &OpenWeightReleaseSpec, _market: &mut CompileContext) -> Self {
        OpenWeightRelease {
            round: spec.round,
            quality: spec.quality,
            price: spec.price,
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    /// Adds the model to the self-hosting alternatives of the outside option.
    fn apply(&self, world: &mut World) {
        world
            .resource_mut::<OutsideOption>()
            .self_host
            .push((self.quality, self.price));
    }

    fn in_force(&self, _round: u32, _policy: &mut Policy) {}
}
