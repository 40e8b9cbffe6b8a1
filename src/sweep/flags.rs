//! Sweep settings given as flags (`--grid`, `--range`, `--replicates`, ...), merged into the
//! file's `sweep:` block: a flag replaces whatever the file says about the same path.

use super::error::SweepError;
use crate::scenario::validate::{MAX_SWEEP_RUNS, unsweepable};
use crate::scenario::{
    OrderedMap, RangeSpec, SampleMethod, SampleSpec, ScenarioSource, SweepSpec, Value,
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

/// Where a swept path was declared (for messages).
#[derive(Clone, Debug)]
pub(super) enum Origin {
    /// A key of the file's `sweep:` block, e.g. `sweep.grid.vendors[0].strategy.step`.
    File(String),
    /// A flag as given, e.g. `--grid vendors[0].strategy.step=0.1,0.2`.
    Flag(String),
}

pub(super) fn origin_of(origins: &[(String, Origin)], path: &str, file_key: String) -> Origin {
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
pub(super) fn merge(
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
                    levels: None,
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
pub(super) fn check_merged(sweep: &SweepSpec, source: &ScenarioSource) -> Result<(), SweepError> {
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
        points = points.saturating_mul(s.design_points());
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
