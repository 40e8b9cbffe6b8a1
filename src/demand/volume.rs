//! Volume demand: how many Mtok a customer buys at the price it pays.

use crate::scenario::VolumeSpec;

/// Volume per unit of base volume as a function of price.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum VolumeDemand {
    /// Always the base volume.
    Fixed,
    /// max(0, 1 − p/choke).
    Linear {
        /// Choke price, USD per Mtok.
        choke: f64,
    },
    /// (max(p, saturation)/reference)^−ε.
    Isoelastic {
        /// Elasticity ε.
        elasticity: f64,
        /// Reference price, USD per Mtok.
        reference: f64,
        /// Saturation price, USD per Mtok.
        saturation: f64,
    },
}

impl From<&VolumeSpec> for VolumeDemand {
    fn from(v: &VolumeSpec) -> Self {
        match *v {
            VolumeSpec::Fixed => VolumeDemand::Fixed,
            VolumeSpec::Linear { choke_price } => VolumeDemand::Linear { choke: choke_price },
            VolumeSpec::Isoelastic {
                elasticity,
                reference_price,
                saturation_price,
            } => VolumeDemand::Isoelastic {
                elasticity,
                reference: reference_price,
                saturation: saturation_price,
            },
        }
    }
}

impl VolumeDemand {
    /// Volume per unit of base volume at price `p` (USD per Mtok); finite for every p >= 0.
    pub fn factor(&self, p: f64) -> f64 {
        match *self {
            VolumeDemand::Fixed => 1.0,
            VolumeDemand::Linear { choke } => (1.0 - p / choke).max(0.0),
            VolumeDemand::Isoelastic {
                elasticity,
                reference,
                saturation,
            } => crate::numerics::pow_fast(p.max(saturation) / reference, -elasticity),
        }
    }

    /// d factor / dp at `p` (for best responses and benchmarks).
    pub fn factor_slope(&self, p: f64) -> f64 {
        match *self {
            VolumeDemand::Fixed => 0.0,
            VolumeDemand::Linear { choke } => {
                if p < choke {
                    -1.0 / choke
                } else {
                    0.0
                }
            }
            VolumeDemand::Isoelastic {
                elasticity,
                saturation,
                ..
            } => {
                if p > saturation {
                    -elasticity * self.factor(p) / p
                } else {
                    0.0
                }
            }
        }
    }

    /// Marshallian surplus per unit of base volume at price `p`: the area under the demand
    /// curve above `p`, USD per round. Zero where it is unbounded (isoelastic with ε <= 1) or
    /// undefined (fixed volume).
    pub fn surplus(&self, p: f64) -> f64 {
        match *self {
            VolumeDemand::Fixed => 0.0,
            VolumeDemand::Linear { choke } => {
                if p < choke {
                    0.5 * (choke - p) * (1.0 - p / choke)
                } else {
                    0.0
                }
            }
            VolumeDemand::Isoelastic {
                elasticity,
                saturation,
                ..
            } => {
                if elasticity <= 1.0 {
                    return 0.0;
                }
                // ∫_p^∞ (t/ref)^−ε dt = factor(p)·p/(ε − 1) for p >= saturation; below it the
                // flat part adds factor(sat)·(sat − p).
                let top = p.max(saturation);
                let tail = self.factor(top) * top / (elasticity - 1.0);
                tail + self.factor(saturation) * (saturation - p).max(0.0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_volume_is_k1_minus_k2_p() {
        // base 1000, choke 200: q = 1000 − 5p.
        let d = VolumeDemand::Linear { choke: 200.0 };
        assert_eq!(1000.0 * d.factor(105.0), 475.0);
        assert_eq!(d.factor(250.0), 0.0);
        // Surplus: triangle 0.5 × (200 − 105) × 475.
        assert!((1000.0 * d.surplus(105.0) - 22_562.5).abs() < 1e-9);
        assert_eq!(1000.0 * d.factor_slope(105.0), -5.0);
    }

    #[test]
    fn isoelastic_volume_is_finite_at_price_zero() {
        let d = VolumeDemand::Isoelastic {
            elasticity: 1.1,
            reference: 1.0,
            saturation: 0.01,
        };
        let at_zero = d.factor(0.0);
        assert!(at_zero.is_finite());
        assert_eq!(at_zero, d.factor(0.01));
        assert!((d.factor(2.0) - 2f64.powf(-1.1)).abs() < 1e-14);
        assert!(d.surplus(0.0).is_finite());
        // Elasticity: d ln q / d ln p = −ε above saturation.
        let p = 3.0;
        assert!((d.factor_slope(p) * p / d.factor(p) + 1.1).abs() < 1e-12);
    }

    #[test]
    fn isoelastic_surplus_matches_numerical_integral() {
        let d = VolumeDemand::Isoelastic {
            elasticity: 2.0,
            reference: 1.0,
            saturation: 0.5,
        };
        // ∫_0.2^∞ of min(t, 0.5)-saturated t^-2: 4 × 0.3 + 1/0.5 = 3.2.
        assert!((d.surplus(0.2) - 3.2).abs() < 1e-12);
        assert!((d.surplus(2.0) - 0.5).abs() < 1e-12);
    }
}
