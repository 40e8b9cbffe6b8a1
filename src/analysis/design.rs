//! A sweep's design for sensitivity analysis, as its scenario's `sweep.sample` gives it.

/// The design of a sweep, from its scenario's `sweep.sample`.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// Sobol or Morris.
    pub method: Method,
    /// Base points (Sobol) or trajectories (Morris).
    pub points: u64,
    /// The sampled ranges, in design order: path, (low, high), log scale.
    pub ranges: Vec<(String, (f64, f64), bool)>,
}

/// A design for sensitivity analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Saltelli's scheme: first- and total-order Sobol indices.
    Sobol,
    /// Morris trajectories: μ* and σ.
    Morris,
}
