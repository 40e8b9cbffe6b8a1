//! The run list of a sweep: design points (grid cells × sample points) × replicates, in a fixed
//! order with stable run ids, each run's seed derived from the master seed and its run id.
//!
//! Run `r` is design point `r / replicates`, replicate `r % replicates`. Design point `p` is grid
//! cell `p / sample_points` (the last grid path varies fastest) and sample point
//! `p % sample_points`. Nothing here depends on threads, shards or the machine: the plan is a
//! function of the scenario, the sweep settings and the master seed, and is computed per run id
//! rather than stored, so its memory does not grow with the number of runs.

pub use super::flags::SweepOverrides;

use super::error::SweepError;
use super::flags::{Origin, check_merged, merge, origin_of};
use super::sample::draw_samples;
use crate::rng;
use crate::scenario::load::resolved_has_path;
use crate::scenario::{Scenario, ScenarioError, ScenarioSource, SweepSpec, Value};

/// How a swept value is stored in the `runs` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Every value is a number: an f64 column.
    Number,
    /// Some value is not a number: a string column (maps in JSON form).
    Text,
}

/// A swept scenario path: one column of the `runs` table.
#[derive(Clone, Debug)]
pub struct Param {
    /// The path as written; it names the column.
    pub path: String,
    /// Column type.
    pub kind: ParamKind,
    origin: Origin,
}

/// What names the per-vendor and per-firm columns of the `runs` table, and whether it has the
/// merger columns (when the base scenario has a merger event).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SummaryLayout {
    /// Vendors, in scenario order (`cumulative_profit:<vendor>`).
    pub vendors: Vec<String>,
    /// Firms, in the run's order: declared, named as owners, created by mergers
    /// (`cumulative_profit_firm:<firm>`).
    pub firms: Vec<String>,
    /// Whether the runs have a merger (the `merger_*` columns).
    pub mergers: bool,
}

/// One planned run.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRun {
    /// Position in the run list.
    pub run_id: u64,
    /// Design point (grid cell × sample point).
    pub point: u64,
    /// Replicate of the design point, 0-based.
    pub replicate: u32,
    /// Seed of the run: `rng::run_seed(master_seed, run_id)`.
    pub seed: u64,
    /// Swept values, in parameter order.
    pub values: Vec<Value>,
}

/// A checked, expanded sweep.
#[derive(Clone, Debug)]
pub struct Plan {
    source: ScenarioSource,
    base: Scenario,
    sweep: SweepSpec,
    master_seed: u64,
    params: Vec<Param>,
    grid: Vec<Vec<Value>>,
    samples: Vec<Vec<Value>>,
    sample_points: u64,
    points: u64,
    vendor_names: Vec<String>,
    /// Names of the runs table's per-vendor and per-firm columns.
    layout: SummaryLayout,
}

impl Plan {
    /// Plans the sweep of `source` (its `sweep:` block and `flags`) and checks everything that
    /// can be checked before a run starts: the settings, that every swept path is a value of
    /// the scenario, and the scenario of every design point.
    pub fn new(source: ScenarioSource, flags: &SweepOverrides) -> Result<Plan, SweepError> {
        let base = source.scenario()?;
        let canon = |p: &str| source.canonical_path(p);
        let (sweep, origins) = merge(base.spec().sweep.clone().unwrap_or_default(), flags, &canon)?;
        check_merged(&sweep, &source)?;
        let master_seed = sweep.seed.unwrap_or(base.spec().seed);

        let mut params = Vec::new();
        let mut grid = Vec::new();
        for (path, values) in sweep.grid.iter() {
            if let Some(bad) = values
                .iter()
                .find(|v| v.as_f64().is_some_and(|x| !x.is_finite()))
            {
                let origin = origin_of(&origins, path, format!("sweep.grid.{path}"));
                let at = match origin {
                    Origin::File(key) => format!(
                        "{}{}: {key}",
                        source.file().display(),
                        source
                            .line_of(&key)
                            .map(|l| format!(":{l}"))
                            .unwrap_or_default()
                    ),
                    Origin::Flag(f) => f,
                };
                return Err(SweepError::Spec(format!(
                    "{at}: {} is not a finite number: sweep finite values only",
                    bad.text()
                )));
            }
            let kind = if values.iter().all(Value::is_number) {
                ParamKind::Number
            } else {
                ParamKind::Text
            };
            params.push(Param {
                path: path.to_string(),
                kind,
                origin: origin_of(&origins, path, format!("sweep.grid.{path}")),
            });
            grid.push(values.clone());
        }
        let (samples, sample_points) = match &sweep.sample {
            Some(s) => {
                for (path, _) in s.ranges.iter() {
                    params.push(Param {
                        path: path.to_string(),
                        kind: ParamKind::Number,
                        origin: origin_of(&origins, path, format!("sweep.sample.ranges.{path}")),
                    });
                }
                let rows = draw_samples(s, master_seed);
                let n = rows.len() as u64;
                (rows, n)
            }
            None => (Vec::new(), 1),
        };
        let cells: u64 = grid.iter().map(|v| v.len() as u64).product();
        let points = cells * sample_points;
        let vendor_names: Vec<String> =
            base.spec().vendors.iter().map(|v| v.name.clone()).collect();
        let layout = SummaryLayout {
            vendors: vendor_names.clone(),
            firms: base
                .run_spec()
                .firms
                .iter()
                .map(|f| f.name.clone())
                .collect(),
            mergers: base
                .spec()
                .events
                .iter()
                .any(|e| matches!(e, crate::events::EventSpec::Merger(_))),
        };
        let plan = Plan {
            source,
            base,
            sweep,
            master_seed,
            params,
            grid,
            samples,
            sample_points,
            points,
            vendor_names,
            layout,
        };
        plan.check_overlaps()?;
        plan.check_paths()?;
        plan.check_points()?;
        Ok(plan)
    }

    /// Two swept paths that name the same value (`vendors[1].x` and `vendors[Challenger].x`) or
    /// a value and a part of it (`vendors[0].strategy` and `vendors[0].strategy.step`) would
    /// set it twice, and the runs table would record a value the run did not use.
    fn check_overlaps(&self) -> Result<(), SweepError> {
        let canon: Vec<String> = self
            .params
            .iter()
            .map(|p| self.source.canonical_path(&p.path))
            .collect();
        let name = |p: &Param| match &p.origin {
            Origin::File(key) => format!("`{}` ({key})", p.path),
            Origin::Flag(f) => format!("`{}` ({f})", p.path),
        };
        for i in 0..canon.len() {
            for j in i + 1..canon.len() {
                let (a, b) = (&canon[i], &canon[j]);
                let inside = |outer: &str, inner: &str| {
                    inner.starts_with(outer)
                        && matches!(inner.as_bytes().get(outer.len()), Some(b'.') | Some(b'['))
                };
                let how = if a == b {
                    "name the same value"
                } else if inside(a, b) || inside(b, a) {
                    "overlap: one is part of the other"
                } else {
                    continue;
                };
                return Err(SweepError::Spec(format!(
                    "{}: swept paths {} and {} {how} ({b}): sweep each value once",
                    self.source.file().display(),
                    name(&self.params[i]),
                    name(&self.params[j]),
                )));
            }
        }
        Ok(())
    }

    /// Total runs.
    pub fn runs(&self) -> u64 {
        self.points * self.replicates() as u64
    }

    /// Design points (grid cells × sample points).
    pub fn points(&self) -> u64 {
        self.points
    }

    /// Replicates per design point.
    pub fn replicates(&self) -> u32 {
        self.sweep.replicates
    }

    /// Master seed.
    pub fn master_seed(&self) -> u64 {
        self.master_seed
    }

    /// The swept paths, in column order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The base scenario (with the effective `sweep:` block).
    pub fn base(&self) -> &Scenario {
        &self.base
    }

    /// The effective sweep settings (file and flags merged).
    pub fn sweep(&self) -> &SweepSpec {
        &self.sweep
    }

    /// Vendor names, the same in every run.
    pub fn vendor_names(&self) -> &[String] {
        &self.vendor_names
    }

    /// What names the runs table's per-vendor and per-firm columns, and whether it has the
    /// merger columns.
    pub fn summary_layout(&self) -> &SummaryLayout {
        &self.layout
    }

    /// The resolved base scenario with the effective sweep block: sweeping it again
    /// reproduces the sweep.
    pub fn resolved_yaml(&self) -> String {
        let mut spec = self.base.spec().clone();
        spec.sweep = Some(self.sweep.clone());
        crate::scenario::load::to_yaml(&spec)
    }

    /// The swept values of design point `point`.
    pub fn values_of(&self, point: u64) -> Vec<Value> {
        let mut cell = point / self.sample_points;
        let sample = (point % self.sample_points) as usize;
        let mut values = vec![Value::null(); self.grid.len()];
        for (axis, vals) in self.grid.iter().enumerate().rev() {
            let n = vals.len() as u64;
            values[axis] = vals[(cell % n) as usize].clone();
            cell /= n;
        }
        if let Some(s) = self.samples.get(sample) {
            values.extend(s.iter().cloned());
        }
        values
    }

    /// Run `run_id` (< [`Plan::runs`]).
    pub fn run(&self, run_id: u64) -> PlannedRun {
        let r = self.replicates() as u64;
        let point = run_id / r;
        PlannedRun {
            run_id,
            point,
            replicate: (run_id % r) as u32,
            seed: rng::run_seed(self.master_seed, run_id),
            values: self.values_of(point),
        }
    }

    /// The checked scenario of a planned run: the base with its swept values and seed.
    pub fn scenario_of(&self, run: &PlannedRun) -> Result<Scenario, SweepError> {
        let mut assignments: Vec<(&str, Value)> = self
            .params
            .iter()
            .zip(&run.values)
            .map(|(p, v)| (p.path.as_str(), v.clone()))
            .collect();
        assignments.push(("seed", Value::unsigned(run.seed)));
        self.source
            .with_values(&assignments)
            .map_err(|e| self.point_error(run.point, &run.values, e))
    }

    /// A swept value as text (for the plan listing).
    pub fn value_text(v: &Value) -> String {
        v.text()
    }

    /// Every swept path must name a value of the scenario: written in the file, a default of
    /// the resolved scenario, or an optional key the file leaves out.
    fn check_paths(&self) -> Result<(), SweepError> {
        let first = self.values_of(0);
        for (param, value) in self.params.iter().zip(first) {
            let path = param.path.as_str();
            if self.source.has_path(path) || resolved_has_path(self.base.spec(), path) {
                continue;
            }
            if let Err(e) = self.source.with_values(&[(path, value)]) {
                let reason = match &e {
                    ScenarioError::Invalid { problems, .. } => problems
                        .iter()
                        .map(|p| {
                            if p.path.is_empty() {
                                p.message.clone()
                            } else {
                                format!("{}: {}", p.path, p.message)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    other => other.to_string(),
                };
                return Err(SweepError::Spec(format!(
                    "{}: unknown path `{path}`: it is not a value of the scenario ({reason}); \
                     sweep a path such as `vendors[0].strategy.step` or `segments[0].volume.elasticity`",
                    self.where_(param)
                )));
            }
        }
        Ok(())
    }

    /// Types and checks the scenario of every design point, so that a bad value fails before
    /// anything is written. Seeds cannot make a scenario invalid, so replicates need no check.
    fn check_points(&self) -> Result<(), SweepError> {
        for point in 0..self.points {
            let run = self.run(point * self.replicates() as u64);
            let scenario = self.scenario_of(&run)?;
            let names: Vec<&str> = scenario
                .spec()
                .vendors
                .iter()
                .map(|v| v.name.as_str())
                .collect();
            if names != self.vendor_names {
                return Err(SweepError::Spec(format!(
                    "design point {point} ({}) has vendors [{}] instead of [{}]: a sweep keeps \
                     the scenario's vendors (their names name the `cumulative_profit:` columns); \
                     sweep their values instead",
                    self.describe_values(&run.values),
                    names.join(", "),
                    self.vendor_names.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// `path = value, ...` for messages.
    pub fn describe_values(&self, values: &[Value]) -> String {
        self.params
            .iter()
            .zip(values)
            .map(|(p, v)| format!("{} = {}", p.path, v.text()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn where_(&self, param: &Param) -> String {
        match &param.origin {
            Origin::File(key) => {
                let line = self
                    .source
                    .line_of(key)
                    .map(|l| format!(":{l}"))
                    .unwrap_or_default();
                format!("{}{line}: {key}", self.source.file().display())
            }
            Origin::Flag(flag) => flag.clone(),
        }
    }

    /// An invalid design point: says which swept values made it invalid and where they come
    /// from.
    fn point_error(&self, point: u64, values: &[Value], e: ScenarioError) -> SweepError {
        let ScenarioError::Invalid { problems, .. } = &e else {
            return SweepError::Scenario(e);
        };
        let lines: Vec<String> = problems
            .iter()
            .map(|p| {
                let culprit = self.params.iter().zip(values).find(|(param, _)| {
                    let norm = self.source.canonical_path(&param.path);
                    p.path == norm
                        || p.path.starts_with(&format!("{norm}."))
                        || p.path.starts_with(&format!("{norm}["))
                        || norm.starts_with(&format!("{}.", p.path))
                });
                match culprit {
                    Some((param, v)) => format!(
                        "{}: the value {} makes {}: {}{}",
                        self.where_(param),
                        v.text(),
                        if p.path.is_empty() {
                            "the scenario invalid"
                        } else {
                            &p.path
                        },
                        p.message,
                        if p.message.contains("floating point") {
                            "; for whole numbers, give the range `integer: true`"
                        } else {
                            ""
                        }
                    ),
                    None => {
                        let line = p.line.map(|l| format!(":{l}")).unwrap_or_default();
                        format!(
                            "{}{line}: {}: {} (design point {point}: {})",
                            self.source.file().display(),
                            p.path,
                            p.message,
                            self.describe_values(values)
                        )
                    }
                }
            })
            .collect();
        SweepError::Spec(lines.join("\n"))
    }
}

#[cfg(test)]
mod tests;
