//! `linear` volume: q = base·max(0, 1 − p/choke_price), the form k1 − k2·p with k1 = base and
//! k2 = base/choke_price.

use super::{VolumeContext, VolumeForm};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `linear` volume block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearVolumeSpec {
    /// Price at which volume falls to zero, USD per Mtok, > 0.
    pub choke_price: f64,
}

/// max(0, 1 − p/choke).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearVolume {
    /// Choke price, USD per Mtok.
    pub choke: f64,
}

impl VolumeForm for LinearVolume {
    type Spec = LinearVolumeSpec;

    fn check(spec: &LinearVolumeSpec, at: &str, _segment: &VolumeContext, c: &mut Checker) {
        c.positive(&format!("{at}.choke_price"), spec.choke_price);
    }

    fn build(spec: &LinearVolumeSpec) -> Self {
        LinearVolume {
            choke: spec.choke_price,
        }
    }

    fn factor(&self, p: f64) -> f64 {
        (1.0 - p / self.choke).max(0.0)
    }

    fn factor_slope(&self, p: f64) -> f64 {
        if p < self.choke {
            -1.0 / self.choke
        } else {
            0.0
        }
    }

    fn factor_curvature(&self, _p: f64) -> f64 {
        0.0
    }

    /// F(p) = p − p²/(2·choke) below the choke price, choke/2 above it (no volume, no charge).
    fn price_integral(&self, p: f64) -> f64 {
        if p < self.choke {
            p * (1.0 - 0.5 * p / self.choke)
        } else {
            0.5 * self.choke
        }
    }

    /// The triangle ½·(choke − p)·(1 − p/choke).
    fn surplus(&self, p: f64) -> f64 {
        if p < self.choke {
            0.5 * (self.choke - p) * (1.0 - p / self.choke)
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_volume_is_k1_minus_k2_p() {
        // base 1000, choke 200: q = 1000 − 5p.
        let d = LinearVolume { choke: 200.0 };
        assert_eq!(1000.0 * d.factor(105.0), 475.0);
        assert_eq!(d.factor(250.0), 0.0);
        // Surplus: triangle 0.5 × (200 − 105) × 475.
        assert!((1000.0 * d.surplus(105.0) - 22_562.5).abs() < 1e-9);
        assert_eq!(1000.0 * d.factor_slope(105.0), -5.0);
        // F(105) = 105 − 105²/400 = 77.4375; above the choke F is choke/2 = 100.
        assert!((d.price_integral(105.0) - 77.4375).abs() < 1e-12);
        assert_eq!(d.price_integral(250.0), 100.0);
        assert_eq!(d.price_integral(0.0), 0.0);
        // F(p) + surplus(p) is the whole area under the curve, whatever the price.
        for p in [0.0, 30.0, 105.0, 199.0] {
            assert!((d.price_integral(p) + d.surplus(p) - 100.0).abs() < 1e-9);
        }
    }
}
