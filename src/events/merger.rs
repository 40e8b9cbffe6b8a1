//! `merger`: the owners of the listed products merge into one firm from this round on. Every
//! product of every merging owner passes to the new owner, and is priced for its profit; the
//! merging firms' cash is pooled. The run then simulates the merger's static price effects on
//! the round's market (see `sim`).

use super::{CheckContext, CompileContext, EventKind};
use crate::check::Checker;
use crate::model::{Firms, MarketBoard, Mergers, OwnershipChange, Policy, RoundClock};
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The `merger` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergerSpec {
    /// Round.
    pub round: u32,
    /// Products (vendor names) whose owners merge: at least two, of different owners.
    pub vendors: Vec<String>,
    /// The merged firm: a new name, or one of the merging owners (an acquisition).
    pub owner: String,
}

/// A merger.
#[derive(Clone, Debug)]
pub struct Merger {
    round: u32,
    vendors: Vec<usize>,
    owner: usize,
}

impl EventKind for Merger {
    type Spec = MergerSpec;

    fn round_of(spec: &MergerSpec) -> u32 {
        spec.round
    }

    fn check(spec: &MergerSpec, at: &str, market: &mut CheckContext, c: &mut Checker) {
        market.vendor_list(at, "vendors", &spec.vendors, c);
        let mut listed: Vec<&str> = spec.vendors.iter().map(String::as_str).collect();
        listed.sort_unstable();
        listed.dedup();
        if listed.len() < 2 {
            c.fail(
                &format!("{at}.vendors"),
                "a merger needs at least two products (vendor names) of different owners",
            );
        } else {
            // Mergers only join owners: products of one owner at the start stay together.
            let owners: Vec<&str> = market
                .vendors
                .iter()
                .filter(|v| listed.contains(&v.name))
                .map(|v| v.owner)
                .collect();
            if owners.len() == listed.len() && owners.iter().all(|o| *o == owners[0]) {
                c.fail(
                    &format!("{at}.vendors"),
                    format!(
                        "every listed product is owned by `{}` already: a merger needs products \
                         of at least two owners",
                        owners[0]
                    ),
                );
            }
        }
        if spec.owner.trim().is_empty() {
            c.fail(&format!("{at}.owner"), "must name the merged firm");
        }
    }

    fn compile(spec: &MergerSpec, market: &mut CompileContext) -> Self {
        Merger {
            round: spec.round,
            vendors: spec.vendors.iter().map(|v| market.vendor(v)).collect(),
            owner: market.firm(&spec.owner),
        }
    }

    fn round(&self) -> u32 {
        self.round
    }

    /// Every product of the listed products' owners passes to the merged firm, which holds
    /// their pooled cash (unlimited when none of them holds any).
    fn apply(&self, world: &mut World) {
        let round = world.resource::<RoundClock>().round;
        let mut board = world.resource_mut::<MarketBoard>();
        let before = board.owner.clone();
        let merging: Vec<usize> = self.vendors.iter().map(|&v| before[v]).collect();
        for o in board.owner.iter_mut() {
            if merging.contains(o) {
                *o = self.owner;
            }
        }
        let after = board.owner.clone();
        let mut firms = world.resource_mut::<Firms>();
        let mut pooled: Option<f64> = None;
        for f in 0..firms.names.len() {
            if (merging.contains(&f) || f == self.owner) && firms.holds_cash(f) {
                pooled = Some(pooled.unwrap_or(0.0) + firms.cash_usd[f]);
                firms.cash_usd[f] = 0.0;
            }
        }
        firms.cash_usd[self.owner] = pooled.unwrap_or(f64::INFINITY);
        firms.exited_round[self.owner] = None;
        world
            .resource_mut::<Mergers>()
            .pending
            .push(OwnershipChange {
                round,
                owner: self.owner,
                before,
                after,
            });
    }

    fn in_force(&self, _round: u32, _policy: &mut Policy) {}
}
