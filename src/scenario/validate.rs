//! Range checks that turn a typed [`ScenarioSpec`] into a [`Scenario`] the engine trusts.

use super::Scenario;
use super::dist::Dist;
use super::error::{Problem, ScenarioError};
use super::load::note_override;
use super::locate::LineIndex;
use super::spec::*;
use std::collections::HashSet;
use std::path::Path;

/// Collects problems with their key paths.
pub(crate) struct Checker<'a> {
    index: &'a LineIndex,
    overridden: &'a [String],
    problems: Vec<Problem>,
    warnings: Vec<String>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(index: &'a LineIndex, overridden: &'a [String]) -> Self {
        Self {
            index,
            overridden,
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub(crate) fn fail(&mut self, path: &str, message: impl Into<String>) {
        let message = note_override(message.into(), path, self.overridden);
        self.problems.push(Problem {
            path: path.to_string(),
            line: self.index.line_of(path),
            message,
        });
    }

    pub(crate) fn warn(&mut self, path: &str, message: impl Into<String>) {
        let line = self
            .index
            .line_of(path)
            .map(|l| format!("line {l}, "))
            .unwrap_or_default();
        self.warnings
            .push(format!("{line}{path}: {}", message.into()));
    }

    /// A finite number in [lo, hi] (closed unless the flags say open).
    pub(crate) fn range(
        &mut self,
        path: &str,
        v: f64,
        lo: f64,
        hi: f64,
        open_lo: bool,
        open_hi: bool,
    ) {
        let ok = v.is_finite()
            && (if open_lo { v > lo } else { v >= lo })
            && (if open_hi { v < hi } else { v <= hi });
        if !ok {
            let l = if open_lo { "(" } else { "[" };
            let h = if open_hi { ")" } else { "]" };
            let hi_s = if hi.is_infinite() {
                "inf".to_string()
            } else {
                fmt_num(hi)
            };
            let lo_s = if lo.is_infinite() {
                "-inf".to_string()
            } else {
                fmt_num(lo)
            };
            self.fail(
                path,
                format!("must be a number in {l}{lo_s}, {hi_s}{h}, got {v}"),
            );
        }
    }

    pub(crate) fn non_negative(&mut self, path: &str, v: f64) {
        if !(v.is_finite() && v >= 0.0) {
            self.fail(path, format!("must be a finite number >= 0, got {v}"));
        }
    }

    pub(crate) fn positive(&mut self, path: &str, v: f64) {
        if !(v.is_finite() && v > 0.0) {
            self.fail(path, format!("must be a finite number > 0, got {v}"));
        }
    }

    pub(crate) fn finite(&mut self, path: &str, v: f64) {
        if !v.is_finite() {
            self.fail(path, format!("must be a finite number, got {v}"));
        }
    }

    pub(crate) fn probability(&mut self, path: &str, v: f64) {
        self.range(path, v, 0.0, 1.0, false, false);
    }

    pub(crate) fn dist(&mut self, path: &str, d: &Dist, need: Need) {
        if let Err(m) = d.check() {
            self.fail(path, m);
            return;
        }
        let s = d.support();
        match need {
            Need::Positive if !s.is_positive() => self.fail(
                path,
                format!(
                    "every draw must be > 0, but this distribution can give {}: use lognormal or gamma, \
                     or give a normal `min` > 0",
                    fmt_num(s.low)
                ),
            ),
            Need::NonNegative if !s.is_non_negative() => self.fail(
                path,
                format!(
                    "every draw must be >= 0, but this distribution can give {}: give a normal `min` >= 0",
                    fmt_num(s.low)
                ),
            ),
            _ => {}
        }
    }

    pub(crate) fn finish(self) -> (Vec<Problem>, Vec<String>) {
        let mut problems = self.problems;
        problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        (problems, self.warnings)
    }
}

/// What a distribution's draws must satisfy.
#[derive(Clone, Copy)]
pub(crate) enum Need {
    Positive,
    NonNegative,
}

fn fmt_num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Checks every range in the spec.
pub fn validate(
    spec: ScenarioSpec,
    file: &Path,
    index: &LineIndex,
    overridden: &[String],
) -> Result<Scenario, ScenarioError> {
    let mut c = Checker::new(index, overridden);
    check_spec(&spec, &mut c);
    let (problems, warnings) = c.finish();
    if problems.is_empty() {
        Ok(Scenario {
            spec,
            source: file.to_path_buf(),
            warnings,
        })
    } else {
        Err(ScenarioError::Invalid {
            file: file.to_path_buf(),
            problems,
        })
    }
}

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
        check_vendor(v, &p, c);
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
        check_segment(g, &p, c);
    }
    check_events(s, c);
    check_q_learning(s, c);
    if let Some(sw) = &s.sweep {
        check_sweep(sw, c);
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

/// Most runs a sweep may plan: far beyond any sweep that finishes, small enough that run ids and
/// counts never overflow.
pub const MAX_SWEEP_RUNS: u64 = 1_000_000_000;

/// Why a path cannot be swept, if it cannot.
pub fn unsweepable(path: &str) -> Option<String> {
    let norm = super::load::normalise_path(path.trim());
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

fn check_sweep(sw: &SweepSpec, c: &mut Checker) {
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
        seen.push(super::load::normalise_path(path.trim()));
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
            let norm = super::load::normalise_path(path.trim());
            if seen.contains(&norm) {
                c.fail(
                    &p,
                    format!("`{path}` is swept twice: keep it in either `grid` or `sample.ranges`"),
                );
            }
            seen.push(norm);
        }
        points = points.saturating_mul(sample.points.max(1) as u64);
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

pub(crate) fn check_model(m: &ModelSpec, p: &str, c: &mut Checker) {
    c.finite(&format!("{p}.quality"), m.quality);
    for (k, v) in [
        ("total_params", m.total_params),
        ("active_params", m.active_params),
        ("training_tokens", m.training_tokens),
    ] {
        if let Some(v) = v {
            c.positive(&format!("{p}.{k}"), v);
        }
    }
    if let (Some(t), Some(a)) = (m.total_params, m.active_params)
        && a > t
    {
        c.fail(
            &format!("{p}.active_params"),
            format!("{a} active parameters exceed the {t} total"),
        );
    }
}

pub(crate) fn check_cost(
    cost: &CostSpec,
    model: &ModelSpec,
    p: &str,
    model_path: &str,
    c: &mut Checker,
) {
    match cost {
        CostSpec::Compute(k) => {
            c.non_negative(&format!("{p}.gpu_hour_usd"), k.gpu_hour_usd);
            c.positive(&format!("{p}.peak_flops"), k.peak_flops);
            c.range(
                &format!("{p}.training_mfu"),
                k.training_mfu,
                0.0,
                1.0,
                true,
                false,
            );
            c.range(
                &format!("{p}.serving_utilisation"),
                k.serving_utilisation,
                0.0,
                1.0,
                true,
                false,
            );
            c.non_negative(&format!("{p}.overhead"), k.overhead);
            c.non_negative(&format!("{p}.fixed_per_round"), k.fixed_per_round);
            if let Some(h) = k.hardware_halving_years {
                c.positive(&format!("{p}.hardware_halving_years"), h);
            }
            if let Some(h) = k.efficiency_halving_years {
                c.positive(&format!("{p}.efficiency_halving_years"), h);
            }
            if let Some(l) = &k.learning {
                c.range(
                    &format!("{p}.learning.progress_ratio"),
                    l.progress_ratio,
                    0.0,
                    1.0,
                    true,
                    false,
                );
                c.positive(&format!("{p}.learning.reference_mtok"), l.reference_mtok);
            }
            for (key, v) in [
                ("active_params", model.active_params),
                ("training_tokens", model.training_tokens),
            ] {
                if v.is_none() {
                    c.fail(
                        &format!("{model_path}.{key}"),
                        format!("missing: `compute` costs need the model's `{key}`"),
                    );
                }
            }
        }
        CostSpec::Linear { marginal, fixed } => {
            c.non_negative(&format!("{p}.marginal"), *marginal);
            c.non_negative(&format!("{p}.fixed"), *fixed);
        }
        CostSpec::Quadratic { a, b, c: k } => {
            c.non_negative(&format!("{p}.a"), *a);
            c.non_negative(&format!("{p}.b"), *b);
            c.non_negative(&format!("{p}.c"), *k);
        }
    }
}

fn check_floor(f: &FloorSpec, p: &str, c: &mut Checker) {
    c.range(
        &format!("{p}.markup"),
        f.markup,
        -1.0,
        f64::INFINITY,
        true,
        true,
    );
    if let Some(price) = f.price {
        c.non_negative(&format!("{p}.price"), price);
    }
}

pub(crate) fn check_strategy(s: &StrategySpec, p: &str, c: &mut Checker) {
    match s {
        StrategySpec::Fixed { price } => c.non_negative(&format!("{p}.price"), *price),
        StrategySpec::Scripted { steps } => {
            if steps.is_empty() {
                c.fail(
                    &format!("{p}.steps"),
                    "needs at least one step, starting at round 0",
                );
            } else if steps[0].round != 0 {
                c.fail(
                    &format!("{p}.steps[0].round"),
                    format!(
                        "the first step must start at round 0, got {}",
                        steps[0].round
                    ),
                );
            }
            for (i, st) in steps.iter().enumerate() {
                c.non_negative(&format!("{p}.steps[{i}].price"), st.price);
                if i > 0 && st.round <= steps[i - 1].round {
                    c.fail(
                        &format!("{p}.steps[{i}].round"),
                        format!(
                            "rounds must increase: {} follows {}",
                            st.round,
                            steps[i - 1].round
                        ),
                    );
                }
            }
        }
        StrategySpec::CostPlus { markup } => c.range(
            &format!("{p}.markup"),
            *markup,
            -1.0,
            f64::INFINITY,
            true,
            true,
        ),
        StrategySpec::AtCost => {}
        StrategySpec::ValueBased(v) => {
            c.range(
                &format!("{p}.forgetting"),
                v.forgetting,
                0.0,
                1.0,
                true,
                false,
            );
            c.range(&format!("{p}.probe"), v.probe, 0.0, 0.5, true, false);
            c.positive(&format!("{p}.max_change"), v.max_change);
            if let Some(d) = &v.believed_demand {
                c.positive(&format!("{p}.believed_demand.intercept"), d.intercept);
                c.positive(&format!("{p}.believed_demand.slope"), d.slope);
            }
        }
        StrategySpec::Undercut { step, floor } => {
            c.range(&format!("{p}.step"), *step, 0.0, 1.0, true, true);
            check_floor(floor, &format!("{p}.floor"), c);
        }
        StrategySpec::MatchLowest { floor } => check_floor(floor, &format!("{p}.floor"), c),
        StrategySpec::BestResponse { smoothing } => {
            c.range(&format!("{p}.smoothing"), *smoothing, 0.0, 1.0, true, false)
        }
        StrategySpec::Edgeworth {
            step,
            floor,
            relent_markup,
            relent_probability,
        } => {
            c.range(&format!("{p}.step"), *step, 0.0, 1.0, true, true);
            check_floor(floor, &format!("{p}.floor"), c);
            c.positive(&format!("{p}.relent_markup"), *relent_markup);
            c.range(
                &format!("{p}.relent_probability"),
                *relent_probability,
                0.0,
                1.0,
                true,
                false,
            );
        }
        StrategySpec::TitForTat { floor } => check_floor(floor, &format!("{p}.floor"), c),
        StrategySpec::Penetration {
            rounds,
            markup,
            then,
        } => {
            if *rounds == 0 {
                c.fail(&format!("{p}.rounds"), "must be at least 1");
            }
            c.range(
                &format!("{p}.markup"),
                *markup,
                -1.0,
                f64::INFINITY,
                true,
                true,
            );
            if matches!(
                **then,
                StrategySpec::Penetration { .. } | StrategySpec::QLearning(_)
            ) {
                c.fail(
                    &format!("{p}.then.kind"),
                    "follow penetration with a pricing rule other than penetration or q_learning",
                );
            }
            check_strategy(then, &format!("{p}.then"), c);
        }
        StrategySpec::QLearning(q) => {
            if !(2..=101).contains(&q.grid_points) {
                c.fail(
                    &format!("{p}.grid_points"),
                    format!("must be in [2, 101], got {}", q.grid_points),
                );
            }
            c.non_negative(&format!("{p}.xi"), q.xi);
            c.range(&format!("{p}.alpha"), q.alpha, 0.0, 1.0, true, false);
            c.positive(&format!("{p}.beta"), q.beta);
            c.range(&format!("{p}.delta"), q.delta, 0.0, 1.0, false, true);
            if q.max_periods == 0 {
                c.fail(&format!("{p}.max_periods"), "must be at least 1");
            }
        }
    }
}

/// Q-learning trains on a static market before round 0 (as in Calvano et al. 2020): every vendor
/// learns, from round 0, at constant costs, against buyers whose demand does not move.
fn check_q_learning(s: &ScenarioSpec, c: &mut Checker) {
    let learners: Vec<usize> = s
        .vendors
        .iter()
        .enumerate()
        .filter(|(_, v)| matches!(v.strategy, Some(StrategySpec::QLearning(_))))
        .map(|(i, _)| i)
        .collect();
    if learners.is_empty() {
        return;
    }
    let why = "Q-learning vendors train on a static market before round 0";
    for (i, v) in s.vendors.iter().enumerate() {
        let p = format!("vendors[{i}]");
        match &v.strategy {
            Some(StrategySpec::QLearning(q)) => {
                let m0 = match &s.vendors[learners[0]].strategy {
                    Some(StrategySpec::QLearning(q0)) => q0.grid_points,
                    _ => q.grid_points,
                };
                if q.grid_points != m0 {
                    c.fail(
                        &format!("{p}.strategy.grid_points"),
                        "every Q-learning vendor needs the same number of grid points",
                    );
                }
            }
            _ => c.fail(
                &format!("{p}.strategy"),
                format!("{why}: every vendor must use `q_learning` when one does"),
            ),
        }
        if v.enters_at != 0 {
            c.fail(
                &format!("{p}.enters_at"),
                format!("{why}: learners must be in the market from round 0"),
            );
        }
        if v.capacity.is_some() {
            c.fail(
                &format!("{p}.capacity"),
                format!("{why}: capacity limits are not supported with q_learning"),
            );
        }
        if let CostSpec::Compute(k) = &v.cost
            && (k.hardware_halving_years.is_some()
                || k.efficiency_halving_years.is_some()
                || k.learning.is_some())
        {
            c.fail(
                &format!("{p}.cost"),
                format!("{why}: remove the cost trends and learning"),
            );
        }
    }
    for (i, g) in s.segments.iter().enumerate() {
        let p = format!("segments[{i}]");
        if g.choice.mode != ChoiceMode::Expected
            || g.choice.switching_cost != 0.0
            || g.choice.review_probability != 1.0
        {
            c.fail(
                &format!("{p}.choice"),
                format!("{why}: use `mode: expected` without switching costs or inertia"),
            );
        }
        if g.growth.agents_per_round != 0.0 || g.growth.volume_per_year != 0.0 {
            c.fail(&format!("{p}.growth"), format!("{why}: remove the growth"));
        }
    }
    if !s.events.is_empty() {
        c.fail(
            "events",
            format!("{why}: events are not supported with q_learning"),
        );
    }
    for (i, g) in s.segments.iter().enumerate() {
        if !g.outside_option {
            c.fail(
                &format!("segments[{i}].outside_option"),
                "Q-learning prices on a grid from the Bertrand-Nash to the joint-profit prices, \
                 and without an outside option joint profit has no maximum: set it to true",
            );
        }
    }
    // One table per learner of m^n states × m actions (f64), as in Calvano et al.
    if let Some(StrategySpec::QLearning(q)) = &s.vendors[learners[0]].strategy {
        let n = learners.len() as i32;
        let bytes = 8.0 * n as f64 * (q.grid_points as f64).powi(n + 1);
        if bytes > MAX_Q_TABLE_BYTES {
            c.fail(
                "vendors",
                format!(
                    "{n} Q-learning vendors with {} grid points need {:.1} GiB of Q-tables \
                     (n·m^(n+1) values): at most {} GiB; use fewer grid points or vendors",
                    q.grid_points,
                    bytes / (1u64 << 30) as f64,
                    MAX_Q_TABLE_BYTES / (1u64 << 30) as f64
                ),
            );
        }
    }
}

/// Most memory the Q-tables of a run may take.
const MAX_Q_TABLE_BYTES: f64 = 2.0 * (1u64 << 30) as f64;

fn check_events(s: &ScenarioSpec, c: &mut Checker) {
    let vendor = |name: &str| s.vendors.iter().position(|v| v.name == name);
    let segment_names: Vec<&str> = s.segments.iter().map(|g| g.name.as_str()).collect();
    let vendor_names: Vec<&str> = s.vendors.iter().map(|v| v.name.as_str()).collect();
    let mut entries = HashSet::new();
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
        let known = |key: &str, name: &str, c: &mut Checker| -> Option<usize> {
            let found = vendor(name);
            if found.is_none() {
                c.fail(
                    &format!("{p}.{key}"),
                    format!(
                        "no vendor is named `{name}`; vendors: {}",
                        vendor_names.join(", ")
                    ),
                );
            }
            found
        };
        let check_list =
            |key: &str, names: &[String], all: &[&str], what: &str, c: &mut Checker| {
                for (k, n) in names.iter().enumerate() {
                    if !all.contains(&n.as_str()) {
                        c.fail(
                            &format!("{p}.{key}[{k}]"),
                            format!("no {what} is named `{n}`; {what}s: {}", all.join(", ")),
                        );
                    }
                }
            };
        let until_after = |until: &Option<u32>, c: &mut Checker| {
            if let Some(u) = until
                && *u <= round
            {
                c.fail(
                    &format!("{p}.until"),
                    format!("must be after the start round {round}, got {u}"),
                );
            }
        };
        match e {
            EventSpec::Entry { vendor: name, .. } => {
                if let Some(j) = known("vendor", name, c) {
                    if s.vendors[j].enters_at != 0 {
                        c.fail(
                            &format!("{p}.vendor"),
                            format!("`{name}` already has `enters_at`; give its entry once"),
                        );
                    }
                    if !entries.insert(j) {
                        c.fail(&format!("{p}.vendor"), format!("`{name}` enters twice"));
                    }
                    if round == 0 {
                        c.fail(
                            &format!("{p}.round"),
                            "an entry in round 0 is no entry: leave the event out",
                        );
                    }
                }
            }
            EventSpec::Exit { vendor: name, .. } | EventSpec::Funding { vendor: name, .. } => {
                known("vendor", name, c);
                if let EventSpec::Funding { amount_usd, .. } = e {
                    c.non_negative(&format!("{p}.amount_usd"), *amount_usd);
                }
            }
            EventSpec::ModelRelease {
                vendor: name,
                model,
                cost,
                ..
            } => {
                if let Some(j) = known("vendor", name, c) {
                    check_model(model, &format!("{p}.model"), c);
                    let cost = cost.as_ref().unwrap_or(&s.vendors[j].cost);
                    check_cost(cost, model, &format!("{p}.cost"), &format!("{p}.model"), c);
                }
            }
            EventSpec::GpuPriceShock {
                multiplier,
                vendors,
                ..
            } => {
                c.positive(&format!("{p}.multiplier"), *multiplier);
                check_list("vendors", vendors, &vendor_names, "vendor", c);
            }
            EventSpec::OpenWeightRelease { quality, price, .. } => {
                c.finite(&format!("{p}.quality"), *quality);
                c.non_negative(&format!("{p}.price"), *price);
            }
            EventSpec::Subsidy {
                per_mtok_usd,
                until,
                vendors,
                ..
            } => {
                c.non_negative(&format!("{p}.per_mtok_usd"), *per_mtok_usd);
                until_after(until, c);
                check_list("vendors", vendors, &vendor_names, "vendor", c);
            }
            EventSpec::PriceFloor {
                price,
                until,
                vendors,
                ..
            } => {
                c.non_negative(&format!("{p}.price"), *price);
                until_after(until, c);
                check_list("vendors", vendors, &vendor_names, "vendor", c);
            }
            EventSpec::ComputeSubsidy {
                fraction,
                until,
                vendors,
                ..
            } => {
                c.range(&format!("{p}.fraction"), *fraction, 0.0, 1.0, false, true);
                until_after(until, c);
                check_list("vendors", vendors, &vendor_names, "vendor", c);
            }
            EventSpec::DemandShock {
                multiplier,
                segments,
                ..
            } => {
                c.positive(&format!("{p}.multiplier"), *multiplier);
                check_list("segments", segments, &segment_names, "segment", c);
            }
            EventSpec::Capacity {
                vendor: name,
                gpus,
                mtok_per_round,
                ..
            } => {
                if let Some(j) = known("vendor", name, c) {
                    check_capacity(*gpus, *mtok_per_round, &s.vendors[j].cost, &p, c);
                }
            }
        }
    }
}

fn check_capacity(gpus: Option<f64>, mtok: Option<f64>, cost: &CostSpec, p: &str, c: &mut Checker) {
    if gpus.is_some() && mtok.is_some() {
        c.fail(
            &format!("{p}.gpus"),
            "give either `gpus` or `mtok_per_round`, not both",
        );
    }
    if let Some(g) = gpus {
        c.non_negative(&format!("{p}.gpus"), g);
        if !matches!(cost, CostSpec::Compute(_)) {
            c.fail(
                &format!("{p}.gpus"),
                "capacity in GPUs needs `compute` costs; use `mtok_per_round`",
            );
        }
    }
    if let Some(m) = mtok {
        c.non_negative(&format!("{p}.mtok_per_round"), m);
    }
}

fn check_vendor(v: &VendorSpec, p: &str, c: &mut Checker) {
    check_model(&v.model, &format!("{p}.model"), c);
    check_cost(
        &v.cost,
        &v.model,
        &format!("{p}.cost"),
        &format!("{p}.model"),
        c,
    );
    if let Some(price) = v.initial_price {
        c.non_negative(&format!("{p}.initial_price"), price);
    }
    if let Some(s) = &v.strategy {
        check_strategy(s, &format!("{p}.strategy"), c);
    }
    if let Some(cash) = v.finances.cash {
        // A vendor starting in debt would exit before it sells anything.
        c.non_negative(&format!("{p}.finances.cash"), cash);
    }
    c.non_negative(
        &format!("{p}.finances.operating_cost"),
        v.finances.operating_cost,
    );
    if let Some(cap) = &v.capacity {
        check_capacity(
            cap.gpus,
            cap.mtok_per_round,
            &v.cost,
            &format!("{p}.capacity"),
            c,
        );
        if cap.gpus.is_none() && cap.mtok_per_round.is_none() {
            c.fail(
                &format!("{p}.capacity"),
                "give `gpus` or `mtok_per_round` (leave `capacity` out for unlimited)",
            );
        }
    }
    if let Some(ow) = &v.open_weight {
        c.range(
            &format!("{p}.open_weight.self_host_cost_multiple"),
            ow.self_host_cost_multiple,
            1.0,
            f64::INFINITY,
            false,
            true,
        );
        if let Some(s) = &v.strategy
            && !matches!(s, StrategySpec::AtCost)
        {
            c.fail(
                &format!("{p}.strategy.kind"),
                "an open-weight host prices at cost: use `kind: at_cost` or leave `strategy` out",
            );
        }
    }
}

fn check_segment(g: &SegmentSpec, p: &str, c: &mut Checker) {
    if g.agents == 0 {
        c.fail(&format!("{p}.agents"), "must be at least 1");
    }
    c.positive(&format!("{p}.represents"), g.represents);
    c.dist(
        &format!("{p}.price_sensitivity"),
        &g.price_sensitivity,
        Need::Positive,
    );
    c.dist(
        &format!("{p}.quality_weight"),
        &g.quality_weight,
        Need::NonNegative,
    );
    if let Some(r) = &g.reservation_price {
        c.dist(&format!("{p}.reservation_price"), r, Need::NonNegative);
    }
    c.dist(
        &format!("{p}.base_volume_mtok"),
        &g.base_volume_mtok,
        Need::NonNegative,
    );
    match &g.volume {
        VolumeSpec::Fixed => {}
        VolumeSpec::Linear { choke_price } => {
            c.positive(&format!("{p}.volume.choke_price"), *choke_price)
        }
        VolumeSpec::Isoelastic {
            elasticity,
            reference_price,
            saturation_price,
        } => {
            c.positive(&format!("{p}.volume.elasticity"), *elasticity);
            c.positive(&format!("{p}.volume.reference_price"), *reference_price);
            c.positive(&format!("{p}.volume.saturation_price"), *saturation_price);
            if *elasticity <= 1.0 && !g.outside_option && g.reservation_price.is_none() {
                c.warn(
                    &format!("{p}.volume.elasticity"),
                    "with elasticity <= 1 and no reservation price the area under the demand curve is \
                     unbounded, so this segment's consumer surplus is reported as 0",
                );
            }
        }
    }
    c.non_negative(
        &format!("{p}.choice.switching_cost"),
        g.choice.switching_cost,
    );
    c.probability(
        &format!("{p}.choice.review_probability"),
        g.choice.review_probability,
    );
    c.non_negative(
        &format!("{p}.growth.agents_per_round"),
        g.growth.agents_per_round,
    );
    c.range(
        &format!("{p}.growth.volume_per_year"),
        g.growth.volume_per_year,
        -1.0,
        f64::INFINITY,
        true,
        true,
    );
}
