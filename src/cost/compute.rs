//! Costs from compute: training 6·N·D FLOPs, serving 2·N_active FLOPs per token.
//!
//! N in the training formula is the parameters active per token: a mixture-of-experts model
//! runs only its active experts on each token, forward and backward. DeepSeek-V3 shows why:
//! 6 × 37e9 active × 14.8e12 tokens = 3.3e24 FLOPs, which on H800s (989 TFLOP/s dense BF16) at
//! the reported 2.788M GPU-hours is an MFU of 33%; with all 671e9 parameters it would need an
//! MFU of 600%.

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

#[cfg(test)]
mod tests {
    use super::*;

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
