//! What moves a vendor's costs over a run: trend factors, learning, shocks and subsidies.

/// Multipliers on a cost curve's base costs, and the volume served so far.
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
    /// Share of the serving cost that serving still costs (1 on rented GPUs; on an owned fleet,
    /// whose hours are paid whether used or not, the energy and operations it adds).
    pub serving_share: f64,
    /// Mtok served so far.
    pub cumulative_mtok: f64,
}

impl CostDrivers {
    /// The same drivers without the compute subsidy (what the GPU costs before the state pays
    /// its share).
    pub fn unsubsidised(&self) -> Self {
        Self {
            compute_subsidy: 0.0,
            ..self.clone()
        }
    }
}

impl Default for CostDrivers {
    fn default() -> Self {
        Self {
            hardware: 1.0,
            efficiency: 1.0,
            learning: 1.0,
            gpu_price: 1.0,
            compute_subsidy: 0.0,
            serving_share: 1.0,
            cumulative_mtok: 0.0,
        }
    }
}
