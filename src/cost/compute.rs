//! Costs from compute: training 6·N·D FLOPs, serving 2·N_active FLOPs per token.
//!
//! N in the training formula is the parameters active per token: a mixture-of-experts model
//! runs only its active experts on each token, forward and backward. DeepSeek-V3 shows why:
//! 6 × 37e9 active × 14.8e12 tokens = 3.3e24 FLOPs, which on H800s (989 TFLOP/s dense BF16) at
//! the reported 2.788M GPU-hours is an MFU of 33%; with all 671e9 parameters it would need an
//! MFU of 600%.

use super::{CostCurveKind, CostDrivers, ModelSpec};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// Seconds per hour.
pub const SECONDS_PER_HOUR: f64 = 3600.0;
/// Tokens per Mtok.
pub const TOKENS_PER_MTOK: f64 = 1e6;

/// Training compute, FLOPs: 6·N·D with N active parameters and D training tokens.
pub fn training_flops(active_params: f64, training_tokens: f64) -> f64 {
    6.0 * active_params * training_tokens
}

/// GPU-hours to train: FLOPs / (peak FLOP/s × MFU × 3600).
pub fn training_gpu_hours(flops: f64, peak_flops: f64, mfu: f64) -> f64 {
    flops / (peak_flops * mfu * SECONDS_PER_HOUR)
}

/// Serving throughput of one GPU, tokens per second: utilisation × peak / (2·N_active).
pub fn serving_tokens_per_second(utilisation: f64, peak_flops: f64, active_params: f64) -> f64 {
    utilisation * peak_flops / (2.0 * active_params)
}

/// Marginal cost of serving, USD per Mtok: GPU-hour price × 1e6 / (3600 × tokens/s) × (1 + overhead).
pub fn serving_cost_per_mtok(gpu_hour_usd: f64, tokens_per_second: f64, overhead: f64) -> f64 {
    gpu_hour_usd * TOKENS_PER_MTOK / (SECONDS_PER_HOUR * tokens_per_second) * (1.0 + overhead)
}

/// Multiplier after `rounds` of a quantity that halves every `halving_rounds`: 0.5^(t/H).
pub fn halving_factor(rounds: f64, halving_rounds: f64) -> f64 {
    crate::numerics::pow_fast(0.5, rounds / halving_rounds)
}

/// Wright's-law exponent b = −log2(progress ratio): each doubling of cumulative volume multiplies
/// cost by the progress ratio.
pub fn learning_exponent(progress_ratio: f64) -> f64 {
    -crate::numerics::ln_fast(progress_ratio) / std::f64::consts::LN_2
}

/// Wright's-law multiplier (max(cumulative, reference) / reference)^−b: 1 until the reference
/// volume is reached.
pub fn learning_factor(cumulative_mtok: f64, reference_mtok: f64, exponent: f64) -> f64 {
    crate::numerics::pow_fast(
        cumulative_mtok.max(reference_mtok) / reference_mtok,
        -exponent,
    )
}

/// The `compute` cost block: costs derived from the compute the model needs to train and to
/// serve.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputeCostSpec {
    /// Rental price of one GPU, USD per GPU-hour.
    pub gpu_hour_usd: f64,
    /// Peak dense throughput of one GPU, FLOP/s (H100 SXM BF16: 989e12).
    pub peak_flops: f64,
    /// Model FLOP utilisation when training, in (0, 1].
    #[serde(default = "default_training_mfu")]
    pub training_mfu: f64,
    /// Fraction of peak FLOP/s achieved when serving, in (0, 1].
    pub serving_utilisation: f64,
    /// Fraction of peak FLOP/s achieved on input tokens (prefill, compute-bound), in (0, 1].
    /// Default: `serving_utilisation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill_utilisation: Option<f64>,
    /// Fraction of peak FLOP/s achieved on output tokens (decode, memory-bound), in (0, 1].
    /// Default: `serving_utilisation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decode_utilisation: Option<f64>,
    /// Extra serving cost as a fraction of GPU cost (idle capacity, networking, staff), >= 0.
    #[serde(default)]
    pub overhead: f64,
    /// Years for GPU price-performance to double (the USD cost of a FLOP halves). None: no trend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_halving_years: Option<f64>,
    /// Years for serving efficiency (batching, quantisation, distillation) to halve the FLOPs
    /// per token. None: no trend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficiency_halving_years: Option<f64>,
    /// Wright's-law learning on cumulative tokens served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learning: Option<LearningSpec>,
    /// Fixed serving cost, USD per round.
    #[serde(default)]
    pub fixed_per_round: f64,
}

fn default_training_mfu() -> f64 {
    0.4
}

/// Wright's law: cost × (cumulative / reference)^−b with b = −log2(progress_ratio).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningSpec {
    /// Cost multiplier per doubling of cumulative volume, in (0, 1] (0.8: 20% cheaper).
    pub progress_ratio: f64,
    /// Cumulative Mtok at which learning starts (the curve is flat below it), > 0.
    pub reference_mtok: f64,
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
    /// Cost of an input and an output token per unit of the marginal cost: the serving
    /// utilisation over the prefill and over the decode utilisation ((1, 1) when not split).
    pub token_costs: (f64, f64),
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
    /// Round the figures (GPU price, utilisation) are of: trends run from here.
    pub dated_round: u32,
}

impl ComputeCurve {
    /// Serving throughput per GPU at round 0, tokens per second.
    pub fn base_tokens_per_second(&self) -> f64 {
        serving_tokens_per_second(
            self.serving_utilisation,
            self.peak_flops,
            self.active_params,
        )
    }

    /// Marginal cost at round 0 before learning, USD per Mtok.
    pub fn base_marginal_cost(&self) -> f64 {
        serving_cost_per_mtok(
            self.gpu_hour_usd,
            self.base_tokens_per_second(),
            self.overhead,
        )
    }

    /// Training GPU-hours of the model.
    pub fn training_gpu_hours(&self) -> f64 {
        training_gpu_hours(
            training_flops(self.active_params, self.training_tokens),
            self.peak_flops,
            self.training_mfu,
        )
    }
}

impl CostCurveKind for ComputeCurve {
    type Spec = ComputeCostSpec;

    fn check(spec: &ComputeCostSpec, model: &ModelSpec, at: &str, model_at: &str, c: &mut Checker) {
        c.non_negative(&format!("{at}.gpu_hour_usd"), spec.gpu_hour_usd);
        c.positive(&format!("{at}.peak_flops"), spec.peak_flops);
        c.range(
            &format!("{at}.training_mfu"),
            spec.training_mfu,
            0.0,
            1.0,
            true,
            false,
        );
        c.range(
            &format!("{at}.serving_utilisation"),
            spec.serving_utilisation,
            0.0,
            1.0,
            true,
            false,
        );
        for (key, u) in [
            ("prefill_utilisation", spec.prefill_utilisation),
            ("decode_utilisation", spec.decode_utilisation),
        ] {
            if let Some(u) = u {
                c.range(&format!("{at}.{key}"), u, 0.0, 1.0, true, false);
            }
        }
        c.non_negative(&format!("{at}.overhead"), spec.overhead);
        c.non_negative(&format!("{at}.fixed_per_round"), spec.fixed_per_round);
        if let Some(h) = spec.hardware_halving_years {
            c.positive(&format!("{at}.hardware_halving_years"), h);
        }
        if let Some(h) = spec.efficiency_halving_years {
            c.positive(&format!("{at}.efficiency_halving_years"), h);
        }
        if let Some(l) = &spec.learning {
            c.range(
                &format!("{at}.learning.progress_ratio"),
                l.progress_ratio,
                0.0,
                1.0,
                true,
                false,
            );
            c.positive(&format!("{at}.learning.reference_mtok"), l.reference_mtok);
        }
        for (key, v) in [
            ("active_params", model.active_params),
            ("training_tokens", model.training_tokens),
        ] {
            if v.is_none() {
                c.fail(
                    &format!("{model_at}.{key}"),
                    format!("missing: `compute` costs need the model's `{key}`"),
                );
            }
        }
    }

    /// The curve of a checked spec (its model has `active_params` and `training_tokens`).
    fn build(spec: &ComputeCostSpec, model: &ModelSpec, rounds_per_year: f64, dated: u32) -> Self {
        ComputeCurve {
            gpu_hour_usd: spec.gpu_hour_usd,
            peak_flops: spec.peak_flops,
            training_mfu: spec.training_mfu,
            serving_utilisation: spec.serving_utilisation,
            token_costs: {
                let relative = |u: Option<f64>| u.map_or(1.0, |u| spec.serving_utilisation / u);
                (
                    relative(spec.prefill_utilisation),
                    relative(spec.decode_utilisation),
                )
            },
            overhead: spec.overhead,
            active_params: model
                .active_params
                .expect("checked: compute costs need active_params"),
            training_tokens: model
                .training_tokens
                .expect("checked: compute costs need training_tokens"),
            hardware_halving_rounds: spec.hardware_halving_years.map(|y| y * rounds_per_year),
            efficiency_halving_rounds: spec.efficiency_halving_years.map(|y| y * rounds_per_year),
            learning: spec
                .learning
                .as_ref()
                .map(|l| (learning_exponent(l.progress_ratio), l.reference_mtok)),
            fixed_per_round: spec.fixed_per_round,
            dated_round: dated,
        }
    }

    /// Trends run from the round the figures are of (none before it).
    fn update_drivers(&self, drivers: &mut CostDrivers, round: u32) {
        let t = round.saturating_sub(self.dated_round) as f64;
        drivers.hardware = self
            .hardware_halving_rounds
            .map_or(1.0, |h| halving_factor(t, h));
        drivers.efficiency = self
            .efficiency_halving_rounds
            .map_or(1.0, |h| halving_factor(t, h));
        drivers.learning = self.learning.map_or(1.0, |(b, reference)| {
            learning_factor(drivers.cumulative_mtok, reference, b)
        });
    }

    fn marginal_cost(&self, drivers: &CostDrivers, _q: f64) -> f64 {
        self.base_marginal_cost()
            * drivers.hardware
            * drivers.efficiency
            * drivers.learning
            * drivers.gpu_price
            * (1.0 - drivers.compute_subsidy)
            * drivers.serving_share
    }

    fn variable_cost(&self, drivers: &CostDrivers, q: f64) -> f64 {
        self.marginal_cost(drivers, q) * q
    }

    fn fixed_cost(&self) -> f64 {
        self.fixed_per_round
    }

    /// At current GPU prices (the hardware trend and shocks), not serving efficiency.
    fn training_cost(&self, drivers: &CostDrivers) -> f64 {
        self.training_gpu_hours()
            * self.gpu_hour_usd
            * drivers.hardware
            * drivers.gpu_price
            * (1.0 - drivers.compute_subsidy)
    }

    fn tokens_per_second(&self, drivers: &CostDrivers) -> Option<f64> {
        Some(self.base_tokens_per_second() / drivers.efficiency)
    }

    fn gpu_hour_cost(&self, drivers: &CostDrivers) -> Option<f64> {
        Some(
            self.gpu_hour_usd
                * drivers.hardware
                * drivers.gpu_price
                * (1.0 - drivers.compute_subsidy),
        )
    }

    /// A token served at utilisation u costs (serving utilisation / u) marginal costs.
    fn token_costs(&self) -> (f64, f64) {
        self.token_costs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deepseek_v3() -> ComputeCurve {
        deepseek_v3_at(None, None)
    }

    fn deepseek_v3_at(prefill: Option<f64>, decode: Option<f64>) -> ComputeCurve {
        let spec = ComputeCostSpec {
            gpu_hour_usd: 2.0,
            peak_flops: 989e12,
            training_mfu: 0.331,
            serving_utilisation: 0.4,
            prefill_utilisation: prefill,
            decode_utilisation: decode,
            overhead: 0.0,
            hardware_halving_years: Some(2.5),
            efficiency_halving_years: Some(1.0),
            learning: Some(LearningSpec {
                progress_ratio: 0.8,
                reference_mtok: 100.0,
            }),
            fixed_per_round: 0.0,
        };
        let model = ModelSpec {
            quality: 1.0,
            total_params: Some(671e9),
            active_params: Some(37e9),
            training_tokens: Some(14.8e12),
        };
        ComputeCurve::build(&spec, &model, 12.0, 0)
    }

    /// Prefill at 60% and decode at 10% of peak: an input token costs 2·N_active FLOPs at 60%
    /// utilisation, an output token the same FLOPs at 10% (closed forms from the GPU-hour).
    #[test]
    fn prefill_and_decode_tokens_cost_at_their_own_utilisation() {
        assert_eq!(deepseek_v3().token_costs(), (1.0, 1.0));
        let split = deepseek_v3_at(Some(0.6), Some(0.1));
        let d = CostDrivers::default();
        let c = split.marginal_cost(&d, 0.0);
        let per_mtok = |u: f64| 2.0 / (3600.0 * u * 989e12 / (2.0 * 37e9)) * 1e6;
        let (r_in, r_out) = split.token_costs();
        assert!((c * r_in / per_mtok(0.6) - 1.0).abs() < 1e-12);
        assert!((c * r_out / per_mtok(0.1) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn compute_curve_combines_trends_and_learning() {
        let curve = deepseek_v3();
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
        assert!((tc / (curve.training_gpu_hours() * 2.0 * 0.5) - 1.0).abs() < 1e-12);
    }

    /// DeepSeek-V3 technical report: 37B active of 671B parameters, 14.8T tokens, 2.788M H800
    /// GPU-hours, about $5.576M at $2 per GPU-hour.
    #[test]
    fn deepseek_v3_training_compute_by_hand() {
        let flops = training_flops(37e9, 14.8e12);
        // 6 × 37e9 × 14.8e12 = 3.2856e24.
        assert!((flops / 3.2856e24 - 1.0).abs() < 1e-12);
        // The MFU that reproduces the reported hours: 3.2856e24 / (989e12 × 3600 × 2.788e6).
        let mfu: f64 = 3.2856e24 / (989e12 * 3600.0 * 2.788e6);
        assert!((mfu - 0.331).abs() < 0.001, "mfu {mfu}");
        let hours = training_gpu_hours(flops, 989e12, 0.331);
        assert!((hours / 2.788e6 - 1.0).abs() < 0.005, "hours {hours}");
        let cost = hours * 2.0;
        assert!((cost / 5.576e6 - 1.0).abs() < 0.005, "cost {cost}");
    }

    #[test]
    fn serving_cost_by_hand() {
        // 40% of 989e12 FLOP/s over 2 × 37e9 FLOPs per token = 5345.9 tokens/s per GPU.
        let tps = serving_tokens_per_second(0.4, 989e12, 37e9);
        assert!((tps - 0.4 * 989e12 / 74e9).abs() < 1e-9);
        assert!((tps - 5_345.945_945_945_946).abs() < 1e-6);
        // $2/GPU-hour over 5345.9 tokens/s: 2 × 1e6 / (3600 × 5345.9) = $0.10392/Mtok; +50% overhead.
        let mc = serving_cost_per_mtok(2.0, tps, 0.5);
        assert!((mc - 2.0e6 / (3600.0 * tps) * 1.5).abs() < 1e-15);
        assert!((mc - 0.155_88).abs() < 1e-4, "mc {mc}");
    }

    #[test]
    fn trends_halve_on_schedule() {
        assert!((halving_factor(30.0, 30.0) - 0.5).abs() < 1e-15);
        assert!((halving_factor(60.0, 30.0) - 0.25).abs() < 1e-15);
        assert_eq!(halving_factor(0.0, 30.0), 1.0);
    }

    #[test]
    fn wrights_law_by_hand() {
        let b = learning_exponent(0.8);
        assert!((b - 0.321_928_094_887_362_3).abs() < 1e-12);
        assert_eq!(learning_factor(50.0, 100.0, b), 1.0);
        assert!((learning_factor(200.0, 100.0, b) - 0.8).abs() < 1e-12);
        assert!((learning_factor(400.0, 100.0, b) - 0.64).abs() < 1e-12);
    }
}
