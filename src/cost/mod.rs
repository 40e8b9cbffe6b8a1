//! Cost curves: from compute (training and serving FLOPs, GPU prices, trends, learning), linear
//! and quadratic.

pub mod compute;

use crate::scenario::{CostSpec, ModelSpec};

/// A vendor's cost curve, fixed at the start of a run (or by a model release).
#[derive(Clone, Debug, PartialEq)]
pub enum CostCurve {
    /// Derived from compute.
    Compute(ComputeCurve),
    /// C(q) = fixed + marginal·q.
    Linear {
        /// USD per Mtok.
        marginal: f64,
        /// USD per round.
        fixed: f64,
    },
    /// C(q) = a·q² + b·q + c.
    Quadratic {
        /// USD per Mtok².
        a: f64,
        /// USD per Mtok.
        b: f64,
        /// USD per round.
        c: f64,
    },
}

/// A compute-derived cost curve, with its trends converted to rounds.
#[derive(Clone, Debug, PartialEq)]
pub struct ComputeCurve {
    /// USD per GPU-hour at round 0.
    pub gpu_hour_usd: f64,
    /// FLOP/s per GPU.
    pub peak_flops: f64,
    /// Training MFU.
    pub training_mfu: f64,
    /// Serving utilisation of peak FLOP/s.
    pub serving_utilisation: f64,
    /// Overhead fraction on serving cost.
    pub overhead: f64,
    /// Parameters active per token.
    pub active_params: f64,
    /// Training tokens.
    pub training_tokens: f64,
    /// Rounds for the cost of a FLOP to halve (None: no hardware trend).
    pub hardware_halving_rounds: Option<f64>,
    /// Rounds for FLOPs per served token to halve (None: no efficiency trend).
    pub efficiency_halving_rounds: Option<f64>,
    /// Wright's-law (exponent b, reference Mtok).
    pub learning: Option<(f64, f64)>,
    /// Fixed serving cost, USD per round.
    pub fixed_per_round: f64,
}

impl ComputeCurve {
    /// Serving throughput per GPU at round 0, tokens per second.
    pub fn tokens_per_second(&self) -> f64 {
        compute::serving_tokens_per_second(
            self.serving_utilisation,
            self.peak_flops,
            self.active_params,
        )
    }

    /// Marginal cost at round 0 before learning, USD per Mtok.
    pub fn base_marginal_cost(&self) -> f64 {
        compute::serving_cost_per_mtok(self.gpu_hour_usd, self.tokens_per_second(), self.overhead)
    }

    /// Training GPU-hours of the model.
    pub fn training_gpu_hours(&self) -> f64 {
        compute::training_gpu_hours(
            compute::training_flops(self.active_params, self.training_tokens),
            self.peak_flops,
            self.training_mfu,
        )
    }
}

/// What moves a vendor's costs over a run (trend factors, learning, shocks).
#[derive(Clone, Debug, PartialEq)]
pub struct CostDrivers {
    /// Multiplier on the GPU-hour price from the hardware trend.
    pub hardware: f64,
    /// Multiplier on FLOPs per served token from the efficiency trend.
    pub efficiency: f64,
    /// Wright's-law multiplier.
    pub learning: f64,
    /// Multiplier on GPU prices from shocks (1 = none).
    pub gpu_price: f64,
    /// Fraction of GPU cost paid by a compute subsidy (0 = none).
    pub compute_subsidy: f64,
    /// Mtok served so far.
    pub cumulative_mtok: f64,
}

impl Default for CostDrivers {
    fn default() -> Self {
        Self {
            hardware: 1.0,
            efficiency: 1.0,
            learning: 1.0,
            gpu_price: 1.0,
            compute_subsidy: 0.0,
            cumulative_mtok: 0.0,
        }
    }
}

impl CostCurve {
    /// Builds the curve of a vendor's cost spec and model; `rounds_per_year` converts trends.
    /// The spec must have passed validation (compute curves have their model parameters).
    pub fn from_spec(cost: &CostSpec, model: &ModelSpec, rounds_per_year: f64) -> Self {
        match cost {
            CostSpec::Compute(k) => CostCurve::Compute(ComputeCurve {
                gpu_hour_usd: k.gpu_hour_usd,
                peak_flops: k.peak_flops,
                training_mfu: k.training_mfu,
                serving_utilisation: k.serving_utilisation,
                overhead: k.overhead,
                active_params: model
                    .active_params
                    .expect("validated: compute needs active_params"),
                training_tokens: model
                    .training_tokens
                    .expect("validated: compute needs training_tokens"),
                hardware_halving_rounds: k.hardware_halving_years.map(|y| y * rounds_per_year),
                efficiency_halving_rounds: k.efficiency_halving_years.map(|y| y * rounds_per_year),
                learning: k.learning.as_ref().map(|l| {
                    (
                        compute::learning_exponent(l.progress_ratio),
                        l.reference_mtok,
                    )
                }),
                fixed_per_round: k.fixed_per_round,
            }),
            CostSpec::Linear { marginal, fixed } => CostCurve::Linear {
                marginal: *marginal,
                fixed: *fixed,
            },
            CostSpec::Quadratic { a, b, c } => CostCurve::Quadratic {
                a: *a,
                b: *b,
                c: *c,
            },
        }
    }

    /// Updates the trend and learning factors for `round` (rounds since the run started).
    pub fn update_drivers(&self, drivers: &mut CostDrivers, round: u32) {
        if let CostCurve::Compute(k) = self {
            let t = round as f64;
            drivers.hardware = k
                .hardware_halving_rounds
                .map_or(1.0, |h| compute::halving_factor(t, h));
            drivers.efficiency = k
                .efficiency_halving_rounds
                .map_or(1.0, |h| compute::halving_factor(t, h));
            drivers.learning = k.learning.map_or(1.0, |(b, reference)| {
                compute::learning_factor(drivers.cumulative_mtok, reference, b)
            });
        }
    }

    /// Marginal cost at output `q` Mtok (q matters only for quadratic curves), USD per Mtok.
    pub fn marginal_cost(&self, drivers: &CostDrivers, q: f64) -> f64 {
        match self {
            CostCurve::Compute(k) => {
                k.base_marginal_cost()
                    * drivers.hardware
                    * drivers.efficiency
                    * drivers.learning
                    * drivers.gpu_price
                    * (1.0 - drivers.compute_subsidy)
            }
            CostCurve::Linear { marginal, .. } => *marginal,
            CostCurve::Quadratic { a, b, .. } => 2.0 * a * q + b,
        }
    }

    /// Variable cost of serving `q` Mtok in a round, USD.
    pub fn variable_cost(&self, drivers: &CostDrivers, q: f64) -> f64 {
        match self {
            CostCurve::Compute(_) | CostCurve::Linear { .. } => self.marginal_cost(drivers, q) * q,
            CostCurve::Quadratic { a, b, .. } => a * q * q + b * q,
        }
    }

    /// Fixed cost of the curve, USD per round.
    pub fn fixed_cost(&self) -> f64 {
        match self {
            CostCurve::Compute(k) => k.fixed_per_round,
            CostCurve::Linear { fixed, .. } => *fixed,
            CostCurve::Quadratic { c, .. } => *c,
        }
    }

    /// Training cost of the curve's model at current GPU prices, USD (0 for non-compute curves).
    pub fn training_cost(&self, drivers: &CostDrivers) -> f64 {
        match self {
            CostCurve::Compute(k) => {
                k.training_gpu_hours()
                    * k.gpu_hour_usd
                    * drivers.hardware
                    * drivers.gpu_price
                    * (1.0 - drivers.compute_subsidy)
            }
            _ => 0.0,
        }
    }

    /// Serving throughput per GPU now, tokens per second (None for non-compute curves).
    pub fn tokens_per_second(&self, drivers: &CostDrivers) -> Option<f64> {
        match self {
            CostCurve::Compute(k) => Some(k.tokens_per_second() / drivers.efficiency),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ComputeCostSpec, LearningSpec};

    fn deepseek_v3() -> (CostSpec, ModelSpec) {
        let cost = CostSpec::Compute(ComputeCostSpec {
            gpu_hour_usd: 2.0,
            peak_flops: 989e12,
            training_mfu: 0.331,
            serving_utilisation: 0.4,
            overhead: 0.0,
            hardware_halving_years: Some(2.5),
            efficiency_halving_years: Some(1.0),
            learning: Some(LearningSpec {
                progress_ratio: 0.8,
                reference_mtok: 100.0,
            }),
            fixed_per_round: 0.0,
        });
        let model = ModelSpec {
            quality: 1.0,
            total_params: Some(671e9),
            active_params: Some(37e9),
            training_tokens: Some(14.8e12),
        };
        (cost, model)
    }

    #[test]
    fn compute_curve_combines_trends_and_learning() {
        let (cost, model) = deepseek_v3();
        let curve = CostCurve::from_spec(&cost, &model, 12.0);
        let mut d = CostDrivers::default();
        curve.update_drivers(&mut d, 0);
        let mc0 = curve.marginal_cost(&d, 0.0);
        assert!((mc0 - 2.0e6 / (3600.0 * 0.4 * 989e12 / 74e9)).abs() < 1e-12);
        // 30 monthly rounds = 2.5 years: hardware halves once; efficiency (1 year) 2.5 times.
        d.cumulative_mtok = 400.0; // two doublings past the 100 Mtok reference
        curve.update_drivers(&mut d, 30);
        let mc30 = curve.marginal_cost(&d, 0.0);
        let expected = mc0 * 0.5 * 0.5f64.powf(2.5) * 0.64;
        assert!(
            (mc30 / expected - 1.0).abs() < 1e-12,
            "{mc30} vs {expected}"
        );
        // Training cost follows GPU prices (hardware trend), not serving efficiency.
        let tc = curve.training_cost(&d);
        assert!((tc / (curve_hours(&curve) * 2.0 * 0.5) - 1.0).abs() < 1e-12);
    }

    fn curve_hours(c: &CostCurve) -> f64 {
        match c {
            CostCurve::Compute(k) => k.training_gpu_hours(),
            _ => 0.0,
        }
    }

    #[test]
    fn linear_and_quadratic_costs_by_hand() {
        let d = CostDrivers::default();
        let lin = CostCurve::Linear {
            marginal: 10.0,
            fixed: 100.0,
        };
        assert_eq!(lin.variable_cost(&d, 5.0), 50.0);
        assert_eq!(lin.marginal_cost(&d, 5.0), 10.0);
        assert_eq!(lin.fixed_cost(), 100.0);
        let quad = CostCurve::Quadratic {
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
