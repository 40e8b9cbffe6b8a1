//! Events and policies at given rounds: entry and exit, model releases, shocks, funding,
//! subsidies, price floors, demand shocks, capacity changes, mergers.
//!
//! Each file holds one kind's scenario block (with vendor and segment names), its checks, its
//! compiled form (with vendor and segment indices) and its behaviour: what it does to the world
//! in its round ([`EventKind::apply`]) and what it adds to the policy in force in any round
//! ([`EventKind::in_force`]). [`EventSpec`] and [`Event`] are generated from the list at the
//! bottom of this file: a new kind is its file and one line there.

mod capacity;
mod compute_subsidy;
mod context;
mod demand_shock;
mod entry;
mod exit;
mod funding;
mod gpu_price_shock;
mod merger;
mod model_release;
mod open_weight_release;
mod price_floor;
mod subsidy;

pub use context::{CheckContext, CompileContext, VendorFacts, vendor_mut};

use crate::check::Checker;
use crate::model::Policy;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// What every event kind implements (no method has a default).
pub trait EventKind: Sized {
    /// The scenario block (`{kind: ..., round: ..., ...}`).
    type Spec;
    /// The round the event happens in (a policy: the round it starts).
    fn round_of(spec: &Self::Spec) -> u32;
    /// Checks the block at key path `at` against the scenario's vendors and segments.
    fn check(spec: &Self::Spec, at: &str, market: &mut CheckContext, c: &mut Checker);
    /// The compiled event, with names resolved to indices (the block has been checked).
    fn compile(spec: &Self::Spec, market: &mut CompileContext) -> Self;
    /// The round the compiled event happens in.
    fn round(&self) -> u32;
    /// What the event does to the world at the start of its round.
    fn apply(&self, world: &mut World);
    /// What the event adds to the policy in force in `round`.
    fn in_force(&self, round: u32, policy: &mut Policy);
}

macro_rules! event_kinds {
    ($($(#[$doc:meta])* $kind:literal => $variant:ident($event:ty)),* $(,)?) => {
        /// An event or policy as written in a scenario. Vendor and segment lists name their
        /// targets (empty: all).
        #[derive(Clone, Debug, Serialize, Deserialize)]
        #[serde(tag = "kind")]
        pub enum EventSpec {
            $($(#[$doc])* #[serde(rename = $kind)] $variant(<$event as EventKind>::Spec),)*
        }

        /// An event of a run, its targets as indices.
        #[derive(Clone, Debug)]
        pub enum Event {
            $($(#[$doc])* $variant($event),)*
        }

        impl EventSpec {
            /// The round the event happens in.
            pub fn round(&self) -> u32 {
                match self {
                    $(EventSpec::$variant(s) => <$event>::round_of(s),)*
                }
            }

            /// The kind, as written in scenarios.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(EventSpec::$variant(_) => $kind,)*
                }
            }

            /// Checks the block at key path `at`.
            pub fn check(&self, at: &str, market: &mut CheckContext, c: &mut Checker) {
                match self {
                    $(EventSpec::$variant(s) => <$event>::check(s, at, market, c),)*
                }
            }

            /// The compiled event.
            pub fn compile(&self, market: &mut CompileContext) -> Event {
                match self {
                    $(EventSpec::$variant(s) => Event::$variant(<$event>::compile(s, market)),)*
                }
            }
        }

        impl Event {
            /// The round the event happens in.
            pub fn round(&self) -> u32 {
                match self {
                    $(Event::$variant(e) => e.round(),)*
                }
            }

            /// The kind, as written in scenarios.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Event::$variant(_) => $kind,)*
                }
            }

            /// Applies the event at the start of its round.
            pub fn apply(&self, world: &mut World) {
                match self {
                    $(Event::$variant(e) => e.apply(world),)*
                }
            }

            /// Adds what the event contributes to the policy in force in `round`.
            pub fn in_force(&self, round: u32, policy: &mut Policy) {
                match self {
                    $(Event::$variant(e) => e.in_force(round, policy),)*
                }
            }
        }
    };
}

event_kinds! {
    /// A vendor enters the market.
    "entry" => Entry(entry::Entry),
    /// A vendor leaves the market for good; its buyers choose again.
    "exit" => Exit(exit::Exit),
    /// A vendor releases a new model: new quality and costs; its training cost is charged.
    "model_release" => ModelRelease(model_release::ModelRelease),
    /// GPU prices change by a factor from this round on (compute costs).
    "gpu_price_shock" => GpuPriceShock(gpu_price_shock::GpuPriceShock),
    /// An open-weight model is released: buyers may self-host it (the outside option improves).
    "open_weight_release" => OpenWeightRelease(open_weight_release::OpenWeightRelease),
    /// A vendor raises cash.
    "funding" => Funding(funding::Funding),
    /// A per-token subsidy paid to vendors on what they sell.
    "subsidy" => Subsidy(subsidy::Subsidy),
    /// A price floor (anti-dumping): posted prices may not fall below it.
    "price_floor" => PriceFloor(price_floor::PriceFloor),
    /// A compute subsidy: a fraction of GPU costs is paid by the state (compute costs).
    "compute_subsidy" => ComputeSubsidy(compute_subsidy::ComputeSubsidy),
    /// Demand changes by a factor from this round on.
    "demand_shock" => DemandShock(demand_shock::DemandShock),
    /// A vendor's capacity changes.
    "capacity" => Capacity(capacity::CapacityChange),
    /// The owners of some products merge into one firm.
    "merger" => Merger(merger::Merger),
}

/// The run's events in round order (stable: file order within a round).
#[derive(Resource, Clone, Debug, Default)]
pub struct EventBook {
    /// Events.
    pub events: Vec<Event>,
}

/// Whether a policy that starts at `start` and ends before `until` is in force in `round`.
pub fn live(start: u32, until: Option<u32>, round: u32) -> bool {
    start <= round && until.is_none_or(|u| round < u)
}
