//! `isoelastic` volume: q = base·(max(p, saturation_price)/reference_price)^−elasticity, constant
//! elasticity, saturating below `saturation_price` so that a free product has a finite volume.

use super::{VolumeContext, VolumeForm};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `isoelastic` volume block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IsoelasticVolumeSpec {
    /// Price elasticity ε > 0 (empirical short-run value for LLM APIs: about 1.1).
    pub elasticity: f64,
    /// Price at which volume equals the base volume, USD per Mtok, > 0.
    pub reference_price: f64,
    /// Price below which volume stops growing, USD per Mtok, > 0.
    pub saturation_price: f64,
}

/// (max(p, saturation)/reference)^−ε.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IsoelasticVolume {
    /// Elasticity ε.
    pub elasticity: f64,
    /// Reference price, USD per Mtok.
    pub reference: f64,
    /// Saturation price, USD per Mtok.
    pub saturation: f64,
}

impl VolumeForm for IsoelasticVolume {
    type Spec = IsoelasticVolumeSpec;

    fn check(spec: &IsoelasticVolumeSpec, at: &str, segment: &VolumeContext, c: &mut Checker) {
        c.positive(&format!("{at}.elasticity"), spec.elasticity);
        c.positive(&format!("{at}.reference_price"), spec.reference_price);
        c.positive(&format!("{at}.saturation_price"), spec.saturation_price);
        if spec.elasticity <= 1.0 && !segment.outside_option && !segment.reservation_price {
            c.warn(
                &format!("{at}.elasticity"),
                "with elasticity <= 1 and no reservation price the area under the demand curve is \
                 unbounded, so this segment's consumer surplus is reported as 0",
            );
        }
    }

    fn build(spec: &IsoelasticVolumeSpec) -> Self {
        IsoelasticVolume {
            elasticity: spec.elasticity,
            reference: spec.reference_price,
            saturation: spec.saturation_price,
        }
    }

    fn factor(&self, p: f64) -> f64 {
        crate::numerics::pow_fast(p.max(self.saturation) / self.reference, -self.elasticity)
    }

    fn factor_slope(&self, p: f64) -> f64 {
        if p > self.saturation {
            -self.elasticity * self.factor(p) / p
        } else {
            0.0
        }
    }

    fn factor_curvature(&self, p: f64) -> f64 {
        if p > self.saturation {
            self.elasticity * (self.elasticity + 1.0) * self.factor(p) / (p * p)
        } else {
            0.0
        }
    }

    /// F(p) = p·k below the saturation price (k = factor(saturation)), and above it
    /// sat·k + ∫_sat^p (t/ref)^−ε dt = sat·k·(1 + L·exprel((1 − ε)·L)) with L = ln(p/sat), which
    /// is sat·k·(1 + ln(p/sat)) at ε = 1 and has no cancellation near it.
    fn price_integral(&self, p: f64) -> f64 {
        let k = self.factor(self.saturation);
        if p <= self.saturation {
            return p * k;
        }
        let l = crate::numerics::ln_fast(p / self.saturation);
        self.saturation * k * (1.0 + l * crate::numerics::exprel((1.0 - self.elasticity) * l))
    }

    /// Zero where the area is unbounded (ε <= 1).
    fn surplus(&self, p: f64) -> f64 {
        if self.elasticity <= 1.0 {
            return 0.0;
        }
        // ∫_p^∞ (t/ref)^−ε dt = factor(p)·p/(ε − 1) for p >= saturation; below it the flat part
        // adds factor(sat)·(sat − p).
        let top = p.max(self.saturation);
        let tail = self.factor(top) * top / (self.elasticity - 1.0);
        tail + self.factor(self.saturation) * (self.saturation - p).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isoelastic_volume_is_finite_at_price_zero() {
        let d = IsoelasticVolume {
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

    /// f'' = ε(ε + 1)·f/p² above saturation (q ∝ p^−ε), 0 on the flat part; against a central
    /// difference of the closed-form slope.
    #[test]
    fn isoelastic_curvature_is_the_slope_of_the_slope() {
        let d = IsoelasticVolume {
            elasticity: 1.3,
            reference: 2.0,
            saturation: 0.5,
        };
        for p in [0.8, 2.0, 7.5] {
            let h = 1e-5 * p;
            let numeric = (d.factor_slope(p + h) - d.factor_slope(p - h)) / (2.0 * h);
            let exact = 1.3 * 2.3 * (p / 2.0f64).powf(-1.3) / (p * p);
            assert!(
                (d.factor_curvature(p) - exact).abs() <= 1e-12 * exact,
                "{p}"
            );
            assert!(
                (numeric - exact).abs() <= 1e-6 * exact,
                "{p}: {numeric} vs {exact}"
            );
        }
        assert_eq!(d.factor_curvature(0.3), 0.0);
    }

    #[test]
    fn isoelastic_surplus_matches_numerical_integral() {
        let d = IsoelasticVolume {
            elasticity: 2.0,
            reference: 1.0,
            saturation: 0.5,
        };
        // ∫_0.2^∞ of min(t, 0.5)-saturated t^-2: 4 × 0.3 + 1/0.5 = 3.2.
        assert!((d.surplus(0.2) - 3.2).abs() < 1e-12);
        assert!((d.surplus(2.0) - 0.5).abs() < 1e-12);
    }

    /// F(p) = ∫₀ᵖ factor: against a fine numerical integral, for elasticities below, at and
    /// above 1; and F' = factor.
    #[test]
    fn price_integral_is_the_integral_of_the_volume_factor() {
        for elasticity in [0.5, 0.999_999, 1.0, 1.000_001, 1.3, 3.0] {
            let d = IsoelasticVolume {
                elasticity,
                reference: 2.0,
                saturation: 0.05,
            };
            let mut area = 0.0;
            let (mut t, dt) = (0.0, 1e-5);
            for p in [0.01, 0.05, 0.3, 1.0, 7.5] {
                // Midpoint rule from the last price to this one.
                while t + dt <= p {
                    area += d.factor(t + 0.5 * dt) * dt;
                    t += dt;
                }
                area += d.factor(0.5 * (t + p)) * (p - t);
                t = p;
                let f = d.price_integral(p);
                assert!(
                    (f - area).abs() < 1e-6 * area,
                    "ε {elasticity}, p {p}: {f} vs {area}"
                );
                let h = 1e-6 * p;
                let slope = (d.price_integral(p + h) - d.price_integral(p - h)) / (2.0 * h);
                assert!((slope - d.factor(p)).abs() < 1e-6 * d.factor(p), "F'({p})");
            }
        }
    }
}
