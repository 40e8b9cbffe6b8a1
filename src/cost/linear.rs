//! `linear` costs: C(q) = fixed + marginal·q per round (q in Mtok, costs in USD).

use super::{CostCurveKind, CostDrivers, ModelSpec};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `linear` cost block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearCostSpec {
    /// USD per Mtok.
    pub marginal: f64,
    /// USD per round.
    #[serde(default)]
    pub fixed: f64,
}

/// C(q) = fixed + marginal·q.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearCurve {
    /// USD per Mtok.
    pub marginal: f64,
    /// USD per round.
    pub fixed: f64,
}

impl CostCurveKind for LinearCurve {
    type Spec = LinearCostSpec;

    fn check(
        spec: &LinearCostSpec,
        _model: &ModelSpec,
        at: &str,
        _model_at: &str,
        c: &mut Checker,
    ) {
        c.non_negative(&format!("{at}.marginal"), spec.marginal);
        c.non_negative(&format!("{at}.fixed"), spec.fixed);
    }

    fn build(
        spec: &LinearCostSpec,
        _model: &ModelSpec,
        _rounds_per_year: f64,
        _dated: u32,
    ) -> Self {
        Self {
            marginal: spec.marginal,
            fixed: spec.fixed,
        }
    }

    fn update_drivers(&self, _drivers: &mut CostDrivers, _round: u32) {}

    fn marginal_cost(&self, _drivers: &CostDrivers, _q: f64) -> f64 {
        self.marginal
    }

    fn variable_cost(&self, drivers: &CostDrivers, q: f64) -> f64 {
        self.marginal_cost(drivers, q) * q
    }

    fn fixed_cost(&self) -> f64 {
        self.fixed
    }

    fn training_cost(&self, _drivers: &CostDrivers) -> f64 {
        0.0
    }

    fn tokens_per_second(&self, _drivers: &CostDrivers) -> Option<f64> {
        None
    }

    fn gpu_hour_cost(&self, _drivers: &CostDrivers) -> Option<f64> {
        None
    }

    /// No prefill and decode: one cost per token.
    fn token_costs(&self) -> (f64, f64) {
        (1.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_costs_by_hand() {
        let d = CostDrivers::default();
        let lin = LinearCurve {
            marginal: 10.0,
            fixed: 100.0,
        };
        assert_eq!(lin.variable_cost(&d, 5.0), 50.0);
        assert_eq!(lin.marginal_cost(&d, 5.0), 10.0);
        assert_eq!(lin.fixed_cost(), 100.0);
    }
}
