//! `pricewar validate`: check a scenario without running it.

use crate::scenario::{self, ScenarioSource};
use crate::sweep::{Plan, SweepOverrides};
use std::path::Path;

/// Loads and checks `path` with `--set` overrides; prints a one-line summary and any warnings.
/// A `sweep:` block is planned too, so that its paths and every design point are checked.
pub fn validate(path: &Path, set: &[String]) -> anyhow::Result<()> {
    let s = scenario::load(path, set)?;
    let sweep = match s.spec().sweep {
        Some(_) => Some(Plan::new(
            ScenarioSource::load(path, set)?,
            &SweepOverrides::default(),
        )?),
        None => None,
    };
    for w in s.warnings() {
        eprintln!("warning: {}: {w}", path.display());
    }
    let spec = s.spec();
    println!(
        "{}: valid scenario `{}`: {} vendors, {} segments, {} buyer agents, {} rounds",
        path.display(),
        spec.name,
        spec.vendors.len(),
        spec.segments.len(),
        s.agents(),
        spec.rounds
    );
    if let Some(plan) = sweep {
        println!(
            "  sweep: {} runs = {} design points × {} replicates, over {}",
            plan.runs(),
            plan.points(),
            plan.replicates(),
            if plan.params().is_empty() {
                "no parameters".to_string()
            } else {
                plan.params()
                    .iter()
                    .map(|p| p.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
    }
    Ok(())
}
