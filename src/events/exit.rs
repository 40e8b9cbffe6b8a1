//! `exit`: a vendor leaves the market for good; its buyers choose again.

use super::{CheckContext, CompileContext, EventKind, vendor_mut};
use crate::check::Checker;
use crate::model::{Policy, Presence};
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `exit` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitSpec {
    /// Round.
    pub round: u32,
    /// Vendor name.
    pub vendor: String,
}

/// An exit.
#[derive(Clone, Debug)]
pub struct Exit {
    round: u32,
    vendor: usize,
}

impl EventKind for Exit {
    type Spec = ExitSpec;

    fn round_of(spec: &ExitSpec) -> u32 {
        spec.round
    }

    fn check(spec: &ExitSpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        market.vendor(at, "vendor", &spec.vendor, c);
    }

    fn compile(spec: &ExitSpec, market: &mut CompileContext) -> Self {
        Exit {
            round: spec.round,
            vendor: market.vendor(&spec.vendor),
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    /// A vendor in the market leaves (one that has not entered or has left already stays out).
    fn apply(&self, world: &mut World) {
        let mut presence = vendor_mut::<Presence>(world, self.vendor);
        if presence.active {
            presence.active = false;
            presence.exited_round = Some(self.round);
        }
    }

    fn in_force(&self, _round: u32, _policy: &mut Policy) {}
}
