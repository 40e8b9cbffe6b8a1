//! `entry`: a vendor enters the market (the same as its `enters_at`).

use super::{CheckContext, CompileContext, EventKind};
use crate::check::Checker;
use crate::model::Policy;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `entry` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntrySpec {
    /// Round.
    pub round: u32,
    /// Vendor name.
    pub vendor: String,
}

/// An entry: compiled into the vendor's entry round, where the round's entrants are admitted.
#[derive(Clone, Debug)]
pub struct Entry {
    round: u32,
}

impl EventKind for Entry {
    type Spec = EntrySpec;

    fn round_of(spec: &EntrySpec) -> u32 {
        spec.round
    }

    fn check(spec: &EntrySpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        let name = &spec.vendor;
        if let Some(j) = market.vendor(at, "vendor", name, c) {
            if market.vendors[j].enters_at != 0 {
                c.fail(
                    &format!("{at}.vendor"),
                    format!("`{name}` already has `enters_at`; give its entry once"),
                );
            }
            if !market.entries.insert(j) {
                c.fail(&format!("{at}.vendor"), format!("`{name}` enters twice"));
            }
            if spec.round == 0 {
                c.fail(
                    &format!("{at}.round"),
                    "an entry in round 0 is no entry: leave the event out",
                );
            }
        }
    }

    fn compile(spec: &EntrySpec, market: &mut CompileContext) -> Self {
        let j = market.vendor(&spec.vendor);
        market.enters_at[j] = spec.round;
        // The vendor's own cost figures are of its entry.
        market.costs[j].1 = spec.round;
        Entry { round: spec.round }
    }

    fn round(&self) -> u32 {
        self.round
    }

    /// Nothing more: entrants are admitted with every vendor whose entry round it is.
    fn apply(&self, _world: &mut World) {}

    fn in_force(&self, _round: u32, _policy: &mut Policy) {}
}
