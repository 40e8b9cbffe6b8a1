//! What events are checked and compiled against: the scenario's vendors and segments by name.

use crate::check::Checker;
use crate::cost::CostSpec;
use crate::model::VendorEntities;
use bevy_ecs::component::Mutable;
use bevy_ecs::prelude::*;
use std::collections::HashSet;

/// What an event's checks need to know of a vendor.
#[derive(Clone, Copy, Debug)]
pub struct VendorFacts<'a> {
    /// Name.
    pub name: &'a str,
    /// The firm that owns it at the start.
    pub owner: &'a str,
    /// Its `enters_at`.
    pub enters_at: u32,
    /// Its cost curve as written.
    pub cost: &'a CostSpec,
}

/// The scenario's vendors and segments, for checking events.
#[derive(Clone, Debug)]
pub struct CheckContext<'a> {
    /// Vendors, in scenario order.
    pub vendors: Vec<VendorFacts<'a>>,
    /// Segment names, in scenario order.
    pub segments: Vec<&'a str>,
    /// Rounds in the run.
    pub rounds: u32,
    /// Vendors whose entry an event has given so far.
    pub entries: HashSet<usize>,
}

impl CheckContext<'_> {
    /// The index of the vendor `name` given at `{at}.{key}`; a problem when there is none.
    pub fn vendor(&self, at: &str, key: &str, name: &str, c: &mut Checker) -> Option<usize> {
        let found = self.vendors.iter().position(|v| v.name == name);
        if found.is_none() {
            let names: Vec<&str> = self.vendors.iter().map(|v| v.name).collect();
            c.fail(
                &format!("{at}.{key}"),
                format!("no vendor is named `{name}`; vendors: {}", names.join(", ")),
            );
        }
        found
    }

    /// Checks that every name in the list at `{at}.{key}` is a vendor.
    pub fn vendor_list(&self, at: &str, key: &str, names: &[String], c: &mut Checker) {
        let all: Vec<&str> = self.vendors.iter().map(|v| v.name).collect();
        check_list(at, key, names, &all, "vendor", c);
    }

    /// Checks that every name in the list at `{at}.{key}` is a segment.
    pub fn segment_list(&self, at: &str, key: &str, names: &[String], c: &mut Checker) {
        check_list(at, key, names, &self.segments, "segment", c);
    }
}

fn check_list(at: &str, key: &str, names: &[String], all: &[&str], what: &str, c: &mut Checker) {
    for (k, n) in names.iter().enumerate() {
        if !all.contains(&n.as_str()) {
            c.fail(
                &format!("{at}.{key}[{k}]"),
                format!("no {what} is named `{n}`; {what}s: {}", all.join(", ")),
            );
        }
    }
}

/// A policy's `until` must come after its start round.
pub fn check_until(at: &str, round: u32, until: Option<u32>, c: &mut Checker) {
    if let Some(u) = until
        && u <= round
    {
        c.fail(
            &format!("{at}.until"),
            format!("must be after the start round {round}, got {u}"),
        );
    }
}

/// The scenario's vendors and segments, for compiling checked events; releases and entries
/// update what they change.
#[derive(Clone, Debug)]
pub struct CompileContext {
    /// Vendor names, in scenario order.
    pub vendors: Vec<String>,
    /// Segment names, in scenario order.
    pub segments: Vec<String>,
    /// Each vendor's cost curve as last written (its own, or that of its last model release so
    /// far in round order), with the round its figures are of (the vendor's entry, or that
    /// release's round).
    pub costs: Vec<(CostSpec, u32)>,
    /// Each vendor's entry round.
    pub enters_at: Vec<u32>,
    /// Rounds per year (converts trends).
    pub rounds_per_year: f64,
    /// Firm names, by firm index: those declared and the vendors' owners; a merger that names a
    /// new owner adds it.
    pub firms: Vec<String>,
}

impl CompileContext {
    /// The index of firm `name`, added to the firms if it is new.
    pub fn firm(&mut self, name: &str) -> usize {
        match self.firms.iter().position(|f| f == name) {
            Some(f) => f,
            None => {
                self.firms.push(name.to_string());
                self.firms.len() - 1
            }
        }
    }

    /// The index of a checked vendor name.
    pub fn vendor(&self, name: &str) -> usize {
        self.vendors
            .iter()
            .position(|v| v == name)
            .expect("checked: events name existing vendors")
    }

    /// The indices of a checked list of vendor names, in list order (empty: every vendor).
    pub fn vendor_targets(&self, names: &[String]) -> Vec<usize> {
        targets(&self.vendors, names)
    }

    /// The indices of a checked list of segment names, in list order (empty: every segment).
    pub fn segment_targets(&self, names: &[String]) -> Vec<usize> {
        targets(&self.segments, names)
    }
}

fn targets(all: &[String], names: &[String]) -> Vec<usize> {
    if names.is_empty() {
        (0..all.len()).collect()
    } else {
        names
            .iter()
            .filter_map(|n| all.iter().position(|a| a == n))
            .collect()
    }
}

/// Component `T` of vendor `j`, mutably.
pub fn vendor_mut<T: Component<Mutability = Mutable>>(world: &mut World, j: usize) -> Mut<'_, T> {
    let entity = world.resource::<VendorEntities>().0[j];
    world
        .get_mut::<T>(entity)
        .expect("every vendor entity has every vendor component")
}
