//! Volume demand: how many Mtok a customer buys at the price it pays, per unit of its base
//! volume. One file per form holds its scenario block, its checks and its behaviour;
//! [`VolumeSpec`] and [`VolumeDemand`] are generated from the list at the bottom of this file.

pub mod fixed;
pub mod isoelastic;
pub mod linear;

use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// What a volume form's checks need to know of its segment.
#[derive(Clone, Copy, Debug, Default)]
pub struct VolumeContext {
    /// The segment has an outside option.
    pub outside_option: bool,
    /// The segment's buyers have reservation prices.
    pub reservation_price: bool,
}

/// What every volume-demand form implements (no method has a default).
pub trait VolumeForm: Sized {
    /// The scenario block (`volume: {kind: ..., ...}`).
    type Spec;
    /// Checks the block at key path `at`.
    fn check(spec: &Self::Spec, at: &str, segment: &VolumeContext, c: &mut Checker);
    /// The form of a checked block.
    fn build(spec: &Self::Spec) -> Self;
    /// Volume per unit of base volume at price `p` (USD per Mtok); finite for every p >= 0.
    fn factor(&self, p: f64) -> f64;
    /// d factor / dp at `p`.
    fn factor_slope(&self, p: f64) -> f64;
    /// d² factor / dp² at `p` (Newton's method on the benchmarks' first-order conditions).
    fn factor_curvature(&self, p: f64) -> f64;
    /// F(p) = ∫₀ᵖ factor(t) dt, USD per Mtok per unit of base volume: what the choice utility
    /// charges for price `p` (α·F(p)), so that the volume a customer buys, base·factor(p), is
    /// exactly minus the derivative of its surplus in the price (Roy's identity). F(p) = p
    /// for fixed volume.
    fn price_integral(&self, p: f64) -> f64;
    /// Marshallian surplus per unit of base volume at price `p`: the area under the demand
    /// curve above `p`, USD per round (0 where undefined or unbounded).
    fn surplus(&self, p: f64) -> f64;
}

macro_rules! volume_forms {
    ($($(#[$doc:meta])* $variant:ident($form:ty)),* $(,)?) => {
        /// Volume demand at the price paid, as written in a scenario (`kind:` names the form).
        #[derive(Clone, Debug, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum VolumeSpec {
            $($(#[$doc])* $variant(<$form as VolumeForm>::Spec),)*
        }

        /// Volume per unit of base volume as a function of price.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum VolumeDemand {
            $($(#[$doc])* $variant($form),)*
        }

        impl VolumeSpec {
            /// Checks the block at key path `at`.
            pub fn check(&self, at: &str, segment: &VolumeContext, c: &mut Checker) {
                match self {
                    $(VolumeSpec::$variant(s) => <$form>::check(s, at, segment, c),)*
                }
            }

            /// The form of a checked block.
            pub fn build(&self) -> VolumeDemand {
                match self {
                    $(VolumeSpec::$variant(s) => VolumeDemand::$variant(<$form>::build(s)),)*
                }
            }
        }

        impl VolumeDemand {
            /// Volume per unit of base volume at price `p` (USD per Mtok); finite for every
            /// p >= 0.
            pub fn factor(&self, p: f64) -> f64 {
                match self {
                    $(VolumeDemand::$variant(f) => f.factor(p),)*
                }
            }

            /// d factor / dp at `p` (for best responses and benchmarks).
            pub fn factor_slope(&self, p: f64) -> f64 {
                match self {
                    $(VolumeDemand::$variant(f) => f.factor_slope(p),)*
                }
            }

            /// d² factor / dp² at `p` (for Newton's method on first-order conditions).
            pub fn factor_curvature(&self, p: f64) -> f64 {
                match self {
                    $(VolumeDemand::$variant(f) => f.factor_curvature(p),)*
                }
            }

            /// F(p) = ∫₀ᵖ factor(t) dt: what the choice utility charges for price `p`, per unit
            /// of α (USD per Mtok per unit of base volume).
            pub fn price_integral(&self, p: f64) -> f64 {
                match self {
                    $(VolumeDemand::$variant(f) => f.price_integral(p),)*
                }
            }

            /// Marshallian surplus per unit of base volume at price `p`: the area under the
            /// demand curve above `p`, USD per round. Zero where it is unbounded (isoelastic
            /// with ε <= 1) or undefined (fixed volume).
            pub fn surplus(&self, p: f64) -> f64 {
                match self {
                    $(VolumeDemand::$variant(f) => f.surplus(p),)*
                }
            }
        }
    };
}

volume_forms! {
    /// The base volume whatever the price.
    Fixed(fixed::FixedVolume),
    /// q = base·max(0, 1 − p/choke_price).
    Linear(linear::LinearVolume),
    /// q = base·(max(p, saturation_price)/reference_price)^−elasticity.
    Isoelastic(isoelastic::IsoelasticVolume),
}

impl Default for VolumeSpec {
    fn default() -> Self {
        VolumeSpec::Fixed(fixed::FixedVolumeSpec {})
    }
}
