//! `quadratic` costs: C(q) = a·q² + b·q + c per round (q in Mtok, costs in USD).

use super::{CostCurveKind, CostDrivers, ModelSpec};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `quadratic` cost block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuadraticCostSpec {
    /// USD per Mtok².
    pub a: f64,
    /// USD per Mtok.
    pub b: f64,
    /// USD per round.
    #[serde(default)]
    pub c: f64,
}

/// C(q) = a·q² + b·q + c.
#[derive(Clone, Debug, PartialEq)]
pub struct QuadraticCurve {
    /// USD per Mtok².
    pub a: f64,
    /// USD per Mtok.
    pub b: f64,
    /// USD per round.
    pub c: f64,
}

impl CostCurveKind for QuadraticCurve {
    type Spec = QuadraticCostSpec;

    fn check(
        spec: &QuadraticCostSpec,
        _model: &ModelSpec,
        at: &str,
        _model_at: &str,
        c: &mut Checker,
    ) {
        c.non_negative(&format!("{at}.a"), spec.a);
        c.non_negative(&format!("{at}.b"), spec.b);
        c.non_negative(&format!("{at}.c"), spec.c);
    }

    fn build(
        spec: &QuadraticCostSpec,
        _model: &ModelSpec,
        _rounds_per_year: f64,
        _dated: u32,
    ) -> Self {
        Self {
            a: spec.a,
            b: spec.b,
            c: spec.c,
        }
    }

    fn update_drivers(&self, _drivers: &mut CostDrivers, _round: u32) {}

    /// C'(q) = 2·a·q + b.
    fn marginal_cost(&self, _drivers: &CostDrivers, q: f64) -> f64 {
        2.0 * self.a * q + self.b
    }

    fn variable_cost(&self, _drivers: &CostDrivers, q: f64) -> f64 {
        self.a * q * q + self.b * q
    }

    fn fixed_cost(&self) -> f64 {
        self.c
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
    fn quadratic_costs_by_hand() {
        let d = CostDrivers::default();
        let quad = QuadraticCurve {
            a: 0.5,
            b: 2.0,
            c: 7.0,
        };
        // C(4) = 0.5·16 + 2·4 + 7 = 23; variable part 16; marginal 2·0.5·4 + 2 = 6.
        assert_eq!(quad.variable_cost(&d, 4.0), 16.0);
        assert_eq!(quad.marginal_cost(&d, 4.0), 6.0);
        assert_eq!(quad.fixed_cost(), 7.0);
    }
}
