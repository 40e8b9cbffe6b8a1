//! Q-learning vendors train on a static market before round 0 (as in Calvano et al. 2020): the
//! checks of what that requires of the whole scenario.

use crate::check::Checker;
use crate::scenario::spec::{ChoiceMode, CostSpec, ScenarioSpec, StrategySpec};

/// Q-learning trains on a static market before round 0 (as in Calvano et al. 2020): every vendor
/// learns, from round 0, at constant costs, against buyers whose demand does not move.
pub(super) fn check_q_learning(s: &ScenarioSpec, c: &mut Checker) {
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
