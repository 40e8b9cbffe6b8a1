//! `fixed` volume: the base volume whatever the price.

use super::{VolumeContext, VolumeForm};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `fixed` volume block (no keys).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedVolumeSpec {}

/// Always the base volume.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedVolume;

impl VolumeForm for FixedVolume {
    type Spec = FixedVolumeSpec;

    fn check(_spec: &FixedVolumeSpec, _at: &str, _segment: &VolumeContext, _c: &mut Checker) {}

    fn build(_spec: &FixedVolumeSpec) -> Self {
        FixedVolume
    }

    fn factor(&self, _p: f64) -> f64 {
        1.0
    }

    fn factor_slope(&self, _p: f64) -> f64 {
        0.0
    }

    fn factor_curvature(&self, _p: f64) -> f64 {
        0.0
    }

    /// F(p) = p: the customer pays p for each unit of a volume that does not respond.
    fn price_integral(&self, p: f64) -> f64 {
        p
    }

    /// Undefined for a volume that does not respond to price: reported as 0.
    fn surplus(&self, _p: f64) -> f64 {
        0.0
    }
}
