//! The run list of a sweep: design points (grid cells × sample points) × replicates, in a fixed
//! order with stable run ids, each run's seed derived from the master seed and its run id.
//!
//! Run `r` is design point `r / replicates`, replicate `r % replicates`. Design point `p` is grid
//! cell `p / sample_points` (the last grid path varies fastest) and sample point
//! `p % sample_points`. Nothing here depends on threads, shards or the machine: the plan is a
//! function of the scenario, the sweep settings and the master seed, and is computed per run id
//! rather than stored, so its memory does not grow with the number of runs.

use super::error::SweepError;
use crate::rng::{self, Purpose, Stream};
use crate::scenario::load::resolved_has_path;
use crate::scenario::validate::{MAX_SWEEP_RUNS, unsweepable};
use crate::scenario::{
    OrderedMap, RangeSpec, SampleMethod, SampleSpec, Scenario, ScenarioError, ScenarioSource,
    SweepSpec, Value,
};

/// Sweep settings given as flags; they add to or replace those of the `sweep:` block.
#[derive(Clone, Debug, Default)]
pub struct SweepOverrides {
    /// Replicates per design point.
    pub replicates: Option<u32>,
    /// Master seed.
    pub seed: Option<u64>,
    /// Grid axes as `PATH=v1,v2,...` or `PATH=[v1, v2]` (values read as YAML).
    pub grid: Vec<String>,
    /// Sample ranges as `PATH=LOW..HIGH` or `PATH={low: 1, high: 3, log: true}`.
    pub ranges: Vec<String>,
    /// Sampling method.
    pub method: Option<SampleMethod>,
    /// Sample points.
    pub points: Option<u32>,
}

/// How a swept value is stored in the `runs` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Every value is a number: an f64 column.
    Number,
    /// Some value is not a number: a string column (maps in JSON form).
    Text,
}

/// Where a swept path was declared (for messages).
#[derive(Clone, Debug)]
enum Origin {
    /// A key of the file's `sweep:` block, e.g. `sweep.grid.vendors[0].strategy.step`.
    File(String),
    /// A flag as given, e.g. `--grid vendors[0].strategy.step=0.1,0.2`.
    Flag(String),
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
                (draw_samples(s, master_seed), s.points as u64)
            }
            None => (Vec::new(), 1),
        };
        let cells: u64 = grid.iter().map(|v| v.len() as u64).product();
        let points = cells * sample_points;
        let vendor_names = base.spec().vendors.iter().map(|v| v.name.clone()).collect();
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

fn origin_of(origins: &[(String, Origin)], path: &str, file_key: String) -> Origin {
    origins
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, o)| o.clone())
        .unwrap_or(Origin::File(file_key))
}

/// Splits a `--grid`/`--range` assignment into the flag as written (for messages), a sweepable
/// path and the raw value text.
fn split_flag<'a>(
    name: &str,
    assignment: &'a str,
    expected: &str,
) -> Result<(String, &'a str, &'a str), SweepError> {
    let flag = format!("{name} {assignment}");
    let bad = |m: String| SweepError::Spec(format!("{flag}: {m}"));
    let (path, raw) = assignment
        .split_once('=')
        .ok_or_else(|| bad(format!("expected {expected}")))?;
    let path = path.trim();
    if let Some(m) = unsweepable(path) {
        return Err(bad(m));
    }
    Ok((flag, path, raw.trim()))
}

/// Applies the flags to the file's sweep settings; returns the merged settings and where
/// flag-given paths came from.
///
/// `canon` gives a path's canonical spelling (list items by index), so that a flag replaces the
/// file's setting of the same value however either spells it.
fn merge(
    mut sweep: SweepSpec,
    flags: &SweepOverrides,
    canon: &dyn Fn(&str) -> String,
) -> Result<(SweepSpec, Vec<(String, Origin)>), SweepError> {
    let mut origins = Vec::new();
    if let Some(r) = flags.replicates {
        if r == 0 {
            return Err(SweepError::Spec(
                "--replicates 0: a sweep needs at least 1 replicate".into(),
            ));
        }
        sweep.replicates = r;
    }
    if let Some(s) = flags.seed {
        sweep.seed = Some(s);
    }
    let mut seen_grid = std::collections::HashSet::new();
    for g in &flags.grid {
        let (flag, path, raw) = split_flag(
            "--grid",
            g,
            "PATH=VALUES, for example `--grid vendors[0].strategy.step=0.02,0.05,0.1`",
        )?;
        let bad = |m: String| SweepError::Spec(format!("{flag}: {m}"));
        let norm = canon(path);
        if !seen_grid.insert(norm.clone()) {
            return Err(bad(format!(
                "`{path}` is given to --grid twice: list all its values in one flag"
            )));
        }
        let values: Vec<Value> = if raw.starts_with('[') {
            match Value::parse(raw).map_err(&bad)?.into_items() {
                Ok(v) => v,
                Err(_) => return Err(bad("expected a list such as `[0.1, 0.2]`".into())),
            }
        } else if raw.starts_with('{') {
            // One map value (`{kind: fixed, price: 1}`): its commas do not separate values.
            vec![Value::parse(raw).map_err(|m| {
                bad(format!(
                    "{m}; several map values go in a list: `PATH=[{{...}}, {{...}}]`"
                ))
            })?]
        } else if raw.is_empty() {
            Vec::new()
        } else {
            raw.split(',')
                .map(Value::parse)
                .collect::<Result<_, _>>()
                .map_err(&bad)?
        };
        if values.is_empty() {
            return Err(bad(
                "the grid gives this path no values: list at least one, e.g. `PATH=0.05,0.1`"
                    .into(),
            ));
        }
        // A flag replaces whatever the file says about the same path.
        sweep.grid.0.retain(|(p, _)| canon(p) != norm);
        if let Some(s) = &mut sweep.sample {
            s.ranges.0.retain(|(p, _)| canon(p) != norm);
        }
        sweep.grid.insert(path.to_string(), values);
        origins.push((path.to_string(), Origin::Flag(flag)));
    }
    let mut ranges = Vec::new();
    for r in &flags.ranges {
        let (flag, path, raw) = split_flag(
            "--range",
            r,
            "PATH=LOW..HIGH, for example `--range vendors[0].initial_price=1..3`",
        )?;
        let bad = |m: String| SweepError::Spec(format!("{flag}: {m}"));
        let range: RangeSpec = if raw.starts_with('{') {
            Value::parse_as(raw).map_err(&bad)?
        } else {
            let (lo, hi) = raw.split_once("..").ok_or_else(|| {
                bad("expected LOW..HIGH (e.g. `1..3`) or `{low: 1, high: 3, log: true}`".into())
            })?;
            let num = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .map_err(|_| bad(format!("`{}` is not a number", s.trim())))
            };
            RangeSpec {
                low: num(lo)?,
                high: num(hi)?,
                log: false,
                integer: false,
            }
        };
        if let Some(m) = range.problem() {
            return Err(bad(m));
        }
        let norm = canon(path);
        if flags.grid.iter().any(|g| {
            g.split_once('=')
                .is_some_and(|(p, _)| canon(p.trim()) == norm)
        }) {
            return Err(bad(format!(
                "`{path}` is also given to --grid: sweep it either on a grid or from a range"
            )));
        }
        sweep.grid.0.retain(|(p, _)| canon(p) != norm);
        if let Some(s) = &mut sweep.sample {
            s.ranges.0.retain(|(p, _)| canon(p) != norm);
        }
        ranges.push((path.to_string(), range));
        origins.push((path.to_string(), Origin::Flag(flag)));
    }
    if !ranges.is_empty() || flags.points.is_some() || flags.method.is_some() {
        let mut sample = match sweep.sample.take() {
            Some(s) => s,
            None if ranges.is_empty() => {
                let given = if flags.points.is_some() {
                    "--points"
                } else {
                    "--sample-method"
                };
                return Err(SweepError::Spec(format!(
                    "{given} needs ranges to sample from: add --range PATH=LOW..HIGH \
                     (or a `sample:` block with `ranges:` in the scenario's `sweep:`)"
                )));
            }
            None => {
                let points = flags.points.ok_or_else(|| {
                    SweepError::Spec(
                        "--range needs --points N: how many points to draw from the ranges".into(),
                    )
                })?;
                SampleSpec {
                    method: SampleMethod::default(),
                    points,
                    ranges: OrderedMap::default(),
                }
            }
        };
        for (path, range) in ranges {
            sample.ranges.insert(path, range);
        }
        if let Some(p) = flags.points {
            if p == 0 {
                return Err(SweepError::Spec(
                    "--points 0: a sample needs at least 1 point".into(),
                ));
            }
            sample.points = p;
        }
        if let Some(m) = flags.method {
            sample.method = m;
        }
        if sample.ranges.is_empty() {
            return Err(SweepError::Spec(
                "--points and --sample-method need ranges to draw from: add --range PATH=LOW..HIGH"
                    .into(),
            ));
        }
        sweep.sample = Some(sample);
    }
    if sweep.sample.as_ref().is_some_and(|s| s.ranges.is_empty()) {
        sweep.sample = None;
    }
    Ok((sweep, origins))
}

/// The checks of the `sweep:` block, on the merged settings (flags may have broken them).
fn check_merged(sweep: &SweepSpec, source: &ScenarioSource) -> Result<(), SweepError> {
    if sweep.replicates == 0 {
        return Err(SweepError::Spec(format!(
            "{}: sweep.replicates is 0: a sweep needs at least 1 replicate",
            source.file().display()
        )));
    }
    let mut points: u64 = 1;
    for (_, values) in sweep.grid.iter() {
        points = points.saturating_mul(values.len() as u64);
    }
    if let Some(s) = &sweep.sample {
        points = points.saturating_mul(s.points as u64);
    }
    let runs = points.saturating_mul(sweep.replicates as u64);
    if runs > MAX_SWEEP_RUNS {
        return Err(SweepError::Spec(format!(
            "{}: {runs} runs planned: at most {MAX_SWEEP_RUNS} are allowed; use fewer grid values, \
             sample points or replicates",
            source.file().display()
        )));
    }
    Ok(())
}

/// Draws the sample points: `points` rows of one value per range.
fn draw_samples(s: &SampleSpec, master_seed: u64) -> Vec<Vec<Value>> {
    let n = s.points as usize;
    let d = s.ranges.len();
    let mut unit = vec![vec![0.0f64; d]; n];
    for k in 0..d {
        match s.method {
            SampleMethod::Random => {
                let mut stream = Stream::new(master_seed, Purpose::SweepSample, k as u64, 0);
                for row in unit.iter_mut() {
                    row[k] = stream.uniform();
                }
            }
            SampleMethod::LatinHypercube => {
                // One point per stratum [i/n, (i+1)/n), strata shuffled independently per range.
                let mut perm: Vec<usize> = (0..n).collect();
                let mut stream = Stream::new(master_seed, Purpose::SweepSample, k as u64, 1);
                for i in (1..n).rev() {
                    let j = ((stream.uniform() * (i + 1) as f64) as usize).min(i);
                    perm.swap(i, j);
                }
                let mut jitter = Stream::new(master_seed, Purpose::SweepSample, k as u64, 2);
                for (i, row) in unit.iter_mut().enumerate() {
                    row[k] = (perm[i] as f64 + jitter.uniform()) / n as f64;
                }
            }
        }
    }
    let ranges: Vec<&RangeSpec> = s.ranges.iter().map(|(_, r)| r).collect();
    unit.into_iter()
        .map(|row| row.iter().zip(&ranges).map(|(&u, r)| scale(u, r)).collect())
        .collect()
}

/// Maps a uniform number in [0, 1) into a range.
pub(crate) fn scale(u: f64, r: &RangeSpec) -> Value {
    if r.integer {
        let (lo, hi) = (r.low.ceil(), r.high.floor());
        let v = if r.log && lo > 0.0 {
            (lo.ln() + u * ((hi + 1.0).ln() - lo.ln())).exp().floor()
        } else {
            (lo + (u * (hi - lo + 1.0)).floor()).min(hi)
        };
        return Value::integer(v.clamp(lo, hi) as i64);
    }
    let v = if r.log {
        (r.low.ln() + u * (r.high.ln() - r.low.ln())).exp()
    } else {
        r.low + u * (r.high - r.low)
    };
    Value::number(v.clamp(r.low, r.high))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const BASE: &str = "name: t
seed: 5
rounds: 2
vendors:
  - {name: A, model: {quality: 1}, cost: {kind: linear, marginal: 1}, strategy: {kind: undercut, step: 0.1}}
  - {name: B, model: {quality: 1}, cost: {kind: linear, marginal: 1}}
segments:
  - {name: s, agents: 5, price_sensitivity: 1, volume: {kind: isoelastic, elasticity: 1.1, reference_price: 1, saturation_price: 0.01}}
";

    fn plan(extra: &str, flags: &SweepOverrides) -> Result<Plan, SweepError> {
        let text = format!("{BASE}{extra}");
        let source = ScenarioSource::from_text(&text, Path::new("t.yaml"), &[]).unwrap();
        Plan::new(source, flags)
    }

    fn num(v: &Value) -> f64 {
        v.as_f64().unwrap()
    }

    #[test]
    fn grid_times_replicates_in_a_fixed_order_with_the_last_path_fastest() {
        let p = plan(
            "sweep:\n  replicates: 2\n  grid:\n    vendors[A].strategy.step: [0.1, 0.2]\n    segments[0].volume.elasticity: [0.8, 1.1, 1.5]\n",
            &SweepOverrides::default(),
        )
        .unwrap();
        assert_eq!(p.points(), 6);
        assert_eq!(p.runs(), 12);
        let cols: Vec<_> = p.params().iter().map(|x| x.path.as_str()).collect();
        assert_eq!(
            cols,
            ["vendors[A].strategy.step", "segments[0].volume.elasticity"]
        );
        let r = p.run(7); // point 3 = (step 0.2, elasticity 0.8), replicate 1
        assert_eq!((r.point, r.replicate), (3, 1));
        assert_eq!(num(&r.values[0]), 0.2);
        assert_eq!(num(&r.values[1]), 0.8);
        assert_eq!(r.seed, rng::run_seed(5, 7));
        let s = p.scenario_of(&r).unwrap();
        assert_eq!(s.spec().seed, r.seed);
        assert!(s.spec().sweep.is_none());
        match &s.spec().segments[0].volume {
            crate::scenario::VolumeSpec::Isoelastic(v) => assert_eq!(v.elasticity, 0.8),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn seeds_come_from_the_master_seed_and_the_run_id_only() {
        let a = plan(
            "sweep: {replicates: 4, seed: 99}\n",
            &SweepOverrides::default(),
        )
        .unwrap();
        let b = plan(
            "sweep: {replicates: 4, seed: 99, grid: {rounds: [3]}}\n",
            &SweepOverrides::default(),
        )
        .unwrap();
        for id in 0..4 {
            assert_eq!(a.run(id).seed, rng::run_seed(99, id));
            assert_eq!(a.run(id).seed, b.run(id).seed);
        }
        let seeds: std::collections::HashSet<u64> = (0..4).map(|i| a.run(i).seed).collect();
        assert_eq!(seeds.len(), 4);
        // Without `sweep.seed`, the scenario's seed is the master seed.
        let c = plan("sweep: {replicates: 2}\n", &SweepOverrides::default()).unwrap();
        assert_eq!(c.master_seed(), 5);
    }

    #[test]
    fn latin_hypercube_puts_one_point_in_every_stratum() {
        let p = plan(
            "sweep:\n  sample:\n    points: 20\n    ranges:\n      vendors[0].initial_price: {low: 1, high: 3}\n      segments[0].volume.elasticity: {low: 0.5, high: 2}\n",
            &SweepOverrides::default(),
        )
        .unwrap();
        assert_eq!(p.runs(), 20);
        for (k, (lo, hi)) in [(1.0, 3.0), (0.5, 2.0)].into_iter().enumerate() {
            let mut strata: Vec<usize> = (0..20)
                .map(|i| {
                    let v = num(&p.run(i).values[k]);
                    assert!((lo..=hi).contains(&v));
                    ((v - lo) / (hi - lo) * 20.0) as usize
                })
                .collect();
            strata.sort();
            assert_eq!(strata, (0..20).collect::<Vec<_>>());
        }
        // The same seed gives the same points.
        let q = plan(
            "sweep:\n  sample:\n    points: 20\n    ranges:\n      vendors[0].initial_price: {low: 1, high: 3}\n      segments[0].volume.elasticity: {low: 0.5, high: 2}\n",
            &SweepOverrides::default(),
        )
        .unwrap();
        assert_eq!(p.run(13), q.run(13));
    }

    #[test]
    fn integer_and_log_ranges() {
        let r = RangeSpec {
            low: 1.0,
            high: 3.0,
            log: false,
            integer: true,
        };
        let got: Vec<i64> = [0.0, 0.34, 0.67, 0.999]
            .iter()
            .map(|&u| scale(u, &r).as_i64().unwrap())
            .collect();
        assert_eq!(got, [1, 2, 3, 3]);
        let r = RangeSpec {
            low: 0.01,
            high: 100.0,
            log: true,
            integer: false,
        };
        assert!((scale(0.5, &r).as_f64().unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn grid_and_samples_cross() {
        let flags = SweepOverrides {
            grid: vec!["vendors[B].cost.marginal=0.5,1".into()],
            ranges: vec!["vendors[A].initial_price=1..2".into()],
            points: Some(3),
            method: Some(SampleMethod::Random),
            replicates: Some(2),
            ..Default::default()
        };
        let p = plan("", &flags).unwrap();
        assert_eq!((p.points(), p.runs()), (6, 12));
        assert_eq!(num(&p.run(0).values[0]), 0.5);
        assert_eq!(num(&p.run(6).values[0]), 1.0);
        // The same sample points under every grid cell.
        assert_eq!(p.run(1).values[1], p.run(7).values[1]);
    }

    fn message(extra: &str, flags: &SweepOverrides) -> String {
        match plan(extra, flags) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        }
    }

    /// A `sweep:` block with one grid axis (block style: flow maps cannot hold `[` in keys).
    fn grid(path: &str, values: &str) -> String {
        format!("sweep:\n  grid:\n    {path}: {values}\n")
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        let d = SweepOverrides::default();
        let m = message(&grid("vendors[0].strategy.stpe", "[0.1]"), &d);
        assert!(m.contains("unknown path `vendors[0].strategy.stpe`"), "{m}");
        assert!(m.contains("t.yaml:11"), "{m}");
        let m = message(&grid("vendors[Z].cost.marginal", "[0.1]"), &d);
        assert!(m.contains("no item named `Z`"), "{m}");
        let m = message(&grid("rounds", "[]"), &d);
        assert!(m.contains("no values"), "{m}");
        let m = message(
            "sweep: {sample: {points: 3, ranges: {rounds: {low: 5, high: 2}}}}\n",
            &d,
        );
        assert!(m.contains("low 5 is above high 2"), "{m}");
        let m = message(&grid("vendors[0].strategy.step", "[0.1, 1.5]"), &d);
        assert!(m.contains("1.5"), "{m}");
        assert!(m.contains("(0, 1)"), "{m}");
        let m = message(&grid("vendors[0].initial_price", "[1, .nan]"), &d);
        assert!(m.contains("not a finite number"), "{m}");
        let m = message(&grid("seed", "[1, 2]"), &d);
        assert!(m.contains("sweep.seed"), "{m}");
        let m = message(&grid("vendors[1].name", "[X]"), &d);
        assert!(m.contains("keeps the scenario's vendors"), "{m}");
        let m = message(
            "",
            &SweepOverrides {
                ranges: vec!["rounds=3..1".into()],
                points: Some(2),
                ..Default::default()
            },
        );
        assert!(
            m.starts_with("--range rounds=3..1: low 3 is above high 1"),
            "{m}"
        );
        let m = message(
            "",
            &SweepOverrides {
                grid: vec!["rounds=".into()],
                ..Default::default()
            },
        );
        assert!(m.contains("no values"), "{m}");
    }

    #[test]
    fn optional_keys_left_out_of_the_file_can_be_swept() {
        // `initial_price` of B is not written (its default is twice marginal cost).
        let p = plan(
            &grid("vendors[B].initial_price", "[1, 2]"),
            &SweepOverrides::default(),
        )
        .unwrap();
        assert_eq!(p.runs(), 2);
        assert_eq!(p.params()[0].kind, ParamKind::Number);
        let p = plan(
            &grid(
                "vendors[B].strategy",
                "[{kind: at_cost}, {kind: fixed, price: 2}]",
            ),
            &SweepOverrides::default(),
        )
        .unwrap();
        assert_eq!(p.params()[0].kind, ParamKind::Text);
        assert_eq!(
            Plan::value_text(&p.run(1).values[0]),
            r#"{"kind":"fixed","price":2}"#
        );
    }
}
