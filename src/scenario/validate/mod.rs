//! Range checks of a typed [`ScenarioSpec`]: every problem with its key path and line, and what
//! is allowed. Each choice (strategy, cost curve, volume form, event kind, distribution) checks
//! its own block; this module checks how they fit together.

mod firms;
mod learners;
mod nests;
mod segment;
mod sweep;
mod vendor;

pub use sweep::{MAX_SWEEP_RUNS, unsweepable};

use super::error::{Problem, ScenarioError, note_override};
use super::locate::LineIndex;
use super::spec::*;
use crate::check::Checker;
use crate::events::{CheckContext, VendorFacts};
use std::collections::HashSet;
use std::path::Path;

/// Checks every range in the spec; returns the warnings (things allowed but probably not
/// meant), each with its line, or every problem found with its line.
pub fn validate(
    spec: &ScenarioSpec,
    file: &Path,
    index: &LineIndex,
    overridden: &[String],
) -> Result<Vec<String>, ScenarioError> {
    let mut c = Checker::new();
    check_spec(spec, &mut c);
    let (found, warnings) = c.finish();
    let mut problems: Vec<Problem> = found
        .into_iter()
        .map(|f| Problem {
            line: index.line_of(&f.path),
            message: note_override(f.message, &f.path, overridden),
            path: f.path,
        })
        .collect();
    problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
    if !problems.is_empty() {
        return Err(ScenarioError::Invalid {
            file: file.to_path_buf(),
            problems,
        });
    }
    Ok(warnings
        .into_iter()
        .map(|w| {
            let line = index
                .line_of(&w.path)
                .map(|l| format!("line {l}, "))
                .unwrap_or_default();
            format!("{line}{}: {}", w.path, w.message)
        })
        .collect())
}

/// Checks every value of the scenario.
fn check_spec(s: &ScenarioSpec, c: &mut Checker) {
    if s.name.is_empty()
        || !s
            .name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
        || s.name.starts_with('.')
    {
        c.fail(
            "name",
            format!(
                "`{}` cannot name an output directory: use letters, digits, '-', '_' and '.'",
                s.name
            ),
        );
    }
    if s.rounds == 0 {
        c.fail("rounds", "must be at least 1");
    }
    c.positive("rounds_per_year", s.rounds_per_year);
    if let Some(sh) = &s.outside_option.self_host {
        c.finite("outside_option.self_host.quality", sh.quality);
        c.non_negative("outside_option.self_host.price", sh.price);
    }
    if s.vendors.is_empty() {
        c.fail("vendors", "a scenario needs at least one vendor");
    }
    let mut names = HashSet::new();
    for (i, v) in s.vendors.iter().enumerate() {
        let p = format!("vendors[{i}]");
        if v.name.trim().is_empty() {
            c.fail(&format!("{p}.name"), "must not be empty");
        } else if !names.insert(v.name.as_str()) {
            c.fail(
                &format!("{p}.name"),
                format!(
                    "`{}` names two vendors; vendor names must be unique",
                    v.name
                ),
            );
        }
        vendor::check_vendor(v, &p, c);
        if v.enters_at >= s.rounds && s.rounds > 0 {
            c.warn(
                &format!("{p}.enters_at"),
                format!(
                    "round {} is after the last round ({}): the vendor never enters",
                    v.enters_at,
                    s.rounds - 1
                ),
            );
        }
    }
    if !s.vendors.is_empty() && s.vendors.iter().all(|v| v.enters_at > 0) {
        c.warn("vendors", "no vendor is in the market in round 0");
    }
    if s.segments.is_empty() {
        c.fail("segments", "a scenario needs at least one buyer segment");
    }
    let mut names = HashSet::new();
    for (i, g) in s.segments.iter().enumerate() {
        let p = format!("segments[{i}]");
        if g.name.trim().is_empty() {
            c.fail(&format!("{p}.name"), "must not be empty");
        } else if !names.insert(g.name.as_str()) {
            c.fail(
                &format!("{p}.name"),
                format!(
                    "`{}` names two segments; segment names must be unique",
                    g.name
                ),
            );
        }
        segment::check_segment(g, &p, c);
    }
    firms::check_firms(s, c);
    nests::check_nests(s, c);
    check_events(s, c);
    learners::check_q_learning(s, c);
    if let Some(sw) = &s.sweep {
        sweep::check_sweep(sw, c);
    }
    let total: u64 = s.segments.iter().map(|g| g.agents as u64).sum();
    if total > MAX_AGENTS {
        c.fail("segments", format!("{total} agents in all: at most 200,000,000 fit in memory; raise `represents` instead"));
    } else {
        // Growth adds agents every round: the last round's population must fit too.
        let grown: f64 = s
            .segments
            .iter()
            .map(|g| g.agents as f64 + g.growth.agents_per_round * s.rounds as f64)
            .sum();
        if grown > MAX_AGENTS as f64 {
            let (i, _) = s
                .segments
                .iter()
                .enumerate()
                .max_by(|a, b| {
                    a.1.growth
                        .agents_per_round
                        .total_cmp(&b.1.growth.agents_per_round)
                })
                .expect("segments exist");
            c.fail(
                &format!("segments[{i}].growth.agents_per_round"),
                format!(
                    "the segments grow to {grown:.3e} agents by the last round: at most \
                     200,000,000 fit in memory; grow by fewer agents, each representing more \
                     customers (`represents`)"
                ),
            );
        }
    }
}

/// Most buyer agents a run may hold (about 40 bytes each in the world and the choice slices).
const MAX_AGENTS: u64 = 200_000_000;

/// Each event checks its own block against the scenario's vendors and segments.
fn check_events(s: &ScenarioSpec, c: &mut Checker) {
    let mut market = CheckContext {
        vendors: s
            .vendors
            .iter()
            .map(|v| VendorFacts {
                name: &v.name,
                owner: v.owner_name(),
                enters_at: v.enters_at,
                cost: &v.cost,
            })
            .collect(),
        segments: s.segments.iter().map(|g| g.name.as_str()).collect(),
        rounds: s.rounds,
        entries: HashSet::new(),
    };
    for (i, e) in s.events.iter().enumerate() {
        let p = format!("events[{i}]");
        let round = e.round();
        if round >= s.rounds {
            c.warn(
                &format!("{p}.round"),
                format!(
                    "round {round} is after the last round ({}): the event never happens",
                    s.rounds.saturating_sub(1)
                ),
            );
        }
        e.check(&p, &mut market, c);
    }
}
