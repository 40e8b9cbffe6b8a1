//! Checks of the `sweep:` block, and which paths can be swept.

use crate::check::Checker;
use crate::scenario::path::normalise_path;
use crate::scenario::spec::{SampleSpec, SweepSpec};

/// Most runs a sweep may plan: far beyond any sweep that finishes, small enough that run ids and
/// counts never overflow.
pub const MAX_SWEEP_RUNS: u64 = 1_000_000_000;

/// Why a path cannot be swept, if it cannot.
pub fn unsweepable(path: &str) -> Option<String> {
    let norm = normalise_path(path.trim());
    if norm.is_empty() {
        return Some(
            "the path is empty: name a scenario value, e.g. `vendors[0].strategy.step`".into(),
        );
    }
    if norm == "seed" {
        return Some(
            "each run's seed is derived from the master seed and its run id: set `sweep.seed` \
             (or --seed) instead of sweeping `seed`"
                .into(),
        );
    }
    if norm == "sweep" || norm.starts_with("sweep.") || norm.starts_with("sweep[") {
        return Some("a sweep cannot sweep its own settings".into());
    }
    None
}

/// Checks the `sweep:` block.
pub(super) fn check_sweep(sw: &SweepSpec, c: &mut Checker) {
    if sw.replicates == 0 {
        c.fail("sweep.replicates", "must be at least 1");
    }
    let mut seen: Vec<String> = Vec::new();
    let mut points: u64 = 1;
    for (path, values) in sw.grid.iter() {
        let p = format!("sweep.grid.{path}");
        if let Some(m) = unsweepable(path) {
            c.fail(&p, m);
        } else if values.is_empty() {
            c.fail(
                &p,
                "the grid gives this path no values: list at least one, e.g. `[0.05, 0.1]`",
            );
        }
        seen.push(normalise_path(path.trim()));
        points = points.saturating_mul(values.len().max(1) as u64);
    }
    if let Some(sample) = &sw.sample {
        if sample.points == 0 {
            c.fail("sweep.sample.points", "must be at least 1");
        }
        if sample.ranges.is_empty() {
            c.fail(
                "sweep.sample.ranges",
                "a sample needs at least one range, e.g. `vendors[0].initial_price: {low: 1, high: 3}`",
            );
        }
        for (path, range) in sample.ranges.iter() {
            let p = format!("sweep.sample.ranges.{path}");
            if let Some(m) = unsweepable(path) {
                c.fail(&p, m);
            } else if let Some(m) = range.problem() {
                c.fail(&p, m);
            }
            let norm = normalise_path(path.trim());
            if seen.contains(&norm) {
                c.fail(
                    &p,
                    format!("`{path}` is swept twice: keep it in either `grid` or `sample.ranges`"),
                );
            }
            seen.push(norm);
        }
        check_design(sample, c);
        points = points.saturating_mul(sample.design_points().max(1));
    }
    let runs = points.saturating_mul(sw.replicates.max(1) as u64);
    if runs > MAX_SWEEP_RUNS {
        c.fail(
            "sweep",
            format!(
                "{runs} runs planned: at most {MAX_SWEEP_RUNS} are allowed; fewer grid values, \
                 sample points or replicates"
            ),
        );
    }
}

/// The limits of the `sobol` and `morris` designs.
fn check_design(sample: &SampleSpec, c: &mut Checker) {
    use crate::scenario::spec::SampleMethod;
    let k = sample.ranges.len();
    match sample.method {
        SampleMethod::Sobol => {
            if sample.points == 1 || sample.points > 65_536 {
                c.fail(
                    "sweep.sample.points",
                    format!(
                        "a sobol design needs 2 to 65,536 base points (it runs N·(k + 2)), got {}",
                        sample.points
                    ),
                );
            }
            if k > 128 {
                c.fail(
                    "sweep.sample.ranges",
                    format!("a sobol design takes at most 128 ranges, got {k}"),
                );
            }
        }
        SampleMethod::Morris => {
            if sample.points == 1 {
                c.fail(
                    "sweep.sample.points",
                    "a morris design needs at least 2 trajectories",
                );
            }
            let levels = sample.morris_levels();
            if levels < 2 || !levels.is_multiple_of(2) || levels > 1000 {
                c.fail(
                    "sweep.sample.levels",
                    format!("an even number of grid levels from 2 to 1000, got {levels}"),
                );
            }
        }
        _ => {}
    }
    if sample.levels.is_some() && sample.method != SampleMethod::Morris {
        c.fail(
            "sweep.sample.levels",
            "levels belong to a morris design: give `method: morris` or remove `levels`",
        );
    }
}
