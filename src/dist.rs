//! Distributions of buyer traits: a plain number or a tagged map (`{dist: lognormal, ...}`).

use rand::Rng;
use rand_distr::{Beta, Distribution, Gamma, LogNormal, Normal};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A distribution a buyer agent draws one of its traits from. Units are those of the trait.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaggedDist {
    /// Always `value`.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Uniform on [low, high).
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Normal with `mean` and standard deviation `sd`, redrawn until inside [min, max].
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
        /// Lowest value kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Highest value kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// exp(N(mu, sigma)): median exp(mu).
    Lognormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Gamma with `shape` k and `scale` θ: mean kθ.
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale θ.
        scale: f64,
    },
    /// Beta(alpha, beta) rescaled to [low, high] (default [0, 1]).
    Beta {
        /// First shape parameter.
        alpha: f64,
        /// Second shape parameter.
        beta: f64,
        /// Value of a draw of 0.
        #[serde(default)]
        low: f64,
        /// Value of a draw of 1.
        #[serde(default = "one")]
        high: f64,
    },
}

fn one() -> f64 {
    1.0
}

/// A trait distribution as written in a scenario: `0.3` is shorthand for `{dist: fixed, value: 0.3}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Dist {
    /// A plain number.
    Value(f64),
    /// A tagged distribution.
    Tagged(TaggedDist),
}

impl Dist {
    /// A fixed value.
    pub const fn fixed(v: f64) -> Self {
        Dist::Value(v)
    }

    /// The mean of the distribution (for reports and benchmarks).
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Value(v) => *v,
            Dist::Tagged(t) => match *t {
                TaggedDist::Fixed { value } => value,
                TaggedDist::Uniform { low, high } => 0.5 * (low + high),
                // The truncated mean is not needed exactly: reports use it as a summary.
                TaggedDist::Normal { mean, .. } => mean,
                TaggedDist::Lognormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
                TaggedDist::Gamma { shape, scale } => shape * scale,
                TaggedDist::Beta {
                    alpha,
                    beta,
                    low,
                    high,
                } => low + (high - low) * alpha / (alpha + beta),
            },
        }
    }

    /// The closed interval the draws lie in (bounds may be infinite); `open_low` tells whether
    /// the lower bound itself can never be drawn.
    pub fn support(&self) -> Support {
        match self {
            Dist::Value(v) => Support {
                low: *v,
                high: *v,
                open_low: false,
            },
            Dist::Tagged(t) => match *t {
                TaggedDist::Fixed { value } => Support {
                    low: value,
                    high: value,
                    open_low: false,
                },
                TaggedDist::Uniform { low, high } => Support {
                    low,
                    high,
                    open_low: false,
                },
                TaggedDist::Normal { mean, sd, min, max } => {
                    if sd == 0.0 {
                        Support {
                            low: mean,
                            high: mean,
                            open_low: false,
                        }
                    } else {
                        Support {
                            low: min.unwrap_or(f64::NEG_INFINITY),
                            high: max.unwrap_or(f64::INFINITY),
                            open_low: false,
                        }
                    }
                }
                TaggedDist::Lognormal { .. } | TaggedDist::Gamma { .. } => Support {
                    low: 0.0,
                    high: f64::INFINITY,
                    open_low: true,
                },
                TaggedDist::Beta { low, high, .. } => Support {
                    low,
                    high,
                    open_low: true,
                },
            },
        }
    }

    /// Checks the parameters; returns a message saying what is allowed.
    pub fn check(&self) -> Result<(), String> {
        let finite = |name: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(format!("`{name}` must be a finite number, got {v}"))
            }
        };
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("`{name}` must be > 0, got {v}"))
            }
        };
        match self {
            Dist::Value(v) => finite("value", *v),
            Dist::Tagged(t) => match *t {
                TaggedDist::Fixed { value } => finite("value", value),
                TaggedDist::Uniform { low, high } => {
                    finite("low", low)?;
                    finite("high", high)?;
                    if low > high {
                        return Err(format!("`low` ({low}) must not exceed `high` ({high})"));
                    }
                    Ok(())
                }
                TaggedDist::Normal { mean, sd, min, max } => {
                    finite("mean", mean)?;
                    if !(sd.is_finite() && sd >= 0.0) {
                        return Err(format!("`sd` must be >= 0, got {sd}"));
                    }
                    let (lo, hi) = (
                        min.unwrap_or(f64::NEG_INFINITY),
                        max.unwrap_or(f64::INFINITY),
                    );
                    if lo > hi {
                        return Err(format!("`min` ({lo}) must not exceed `max` ({hi})"));
                    }
                    if sd == 0.0 && !(lo..=hi).contains(&mean) {
                        return Err(format!(
                            "with `sd: 0` the `mean` ({mean}) must lie in [min, max]"
                        ));
                    }
                    // Rejection sampling must accept often enough to terminate quickly.
                    if sd > 0.0 {
                        let p = normal_mass(mean, sd, lo, hi);
                        if p < 1e-3 {
                            return Err(format!(
                                "[min, max] = [{lo}, {hi}] holds only {p:.1e} of the normal's mass; \
                                 widen it or move the mean"
                            ));
                        }
                    }
                    Ok(())
                }
                TaggedDist::Lognormal { mu, sigma } => {
                    finite("mu", mu)?;
                    if !(sigma.is_finite() && sigma >= 0.0) {
                        return Err(format!("`sigma` must be >= 0, got {sigma}"));
                    }
                    Ok(())
                }
                TaggedDist::Gamma { shape, scale } => {
                    positive("shape", shape)?;
                    positive("scale", scale)
                }
                TaggedDist::Beta {
                    alpha,
                    beta,
                    low,
                    high,
                } => {
                    positive("alpha", alpha)?;
                    positive("beta", beta)?;
                    finite("low", low)?;
                    finite("high", high)?;
                    if low >= high {
                        return Err(format!("`low` ({low}) must be below `high` ({high})"));
                    }
                    Ok(())
                }
            },
        }
    }

    /// One draw. Parameters must have passed [`Dist::check`].
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Value(v) => *v,
            Dist::Tagged(t) => match *t {
                TaggedDist::Fixed { value } => value,
                TaggedDist::Uniform { low, high } => {
                    let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
                    low + (high - low) * u
                }
                TaggedDist::Normal { mean, sd, min, max } => {
                    if sd == 0.0 {
                        return mean;
                    }
                    let (lo, hi) = (
                        min.unwrap_or(f64::NEG_INFINITY),
                        max.unwrap_or(f64::INFINITY),
                    );
                    let n = Normal::new(mean, sd).expect("checked normal");
                    // check() guarantees at least 1e-3 acceptance; after many misses, clamp.
                    for _ in 0..100_000 {
                        let x = n.sample(rng);
                        if (lo..=hi).contains(&x) {
                            return x;
                        }
                    }
                    mean.clamp(lo, hi)
                }
                TaggedDist::Lognormal { mu, sigma } => LogNormal::new(mu, sigma)
                    .expect("checked lognormal")
                    .sample(rng),
                TaggedDist::Gamma { shape, scale } => {
                    Gamma::new(shape, scale).expect("checked gamma").sample(rng)
                }
                TaggedDist::Beta {
                    alpha,
                    beta,
                    low,
                    high,
                } => low + (high - low) * Beta::new(alpha, beta).expect("checked beta").sample(rng),
            },
        }
    }
}

/// The interval a distribution's draws lie in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Support {
    /// Lower bound (may be -inf).
    pub low: f64,
    /// Upper bound (may be +inf).
    pub high: f64,
    /// True when `low` itself is never drawn (lognormal, gamma, beta).
    pub open_low: bool,
}

impl Support {
    /// True when every draw is > 0.
    pub fn is_positive(&self) -> bool {
        self.low > 0.0 || (self.low == 0.0 && self.open_low)
    }
    /// True when every draw is >= 0.
    pub fn is_non_negative(&self) -> bool {
        self.low >= 0.0
    }
}

/// Mass of N(mean, sd) in [lo, hi].
fn normal_mass(mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    let cdf = |x: f64| {
        if x == f64::INFINITY {
            1.0
        } else if x == f64::NEG_INFINITY {
            0.0
        } else {
            0.5 * erfc(-(x - mean) / (sd * std::f64::consts::SQRT_2))
        }
    };
    cdf(hi) - cdf(lo)
}

/// Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7): used
/// only to check that a truncated normal keeps enough mass.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DistVisitor;
        impl<'de> Visitor<'de> for DistVisitor {
            type Value = Dist;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number, or a map with `dist:` one of fixed, uniform, normal, lognormal, gamma, beta",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dist, E> {
                Ok(Dist::Value(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dist, E> {
                Ok(Dist::Value(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dist, E> {
                Ok(Dist::Value(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Dist, A::Error> {
                TaggedDist::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(Dist::Tagged)
            }
        }
        deserializer.deserialize_any(DistVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Stream};

    fn mean_of(d: &Dist, n: usize) -> f64 {
        let mut s = Stream::new(3, Purpose::BuyerTraits, 0, 0);
        (0..n).map(|_| d.sample(&mut s)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_closed_forms() {
        let cases = [
            Dist::Tagged(TaggedDist::Uniform {
                low: 1.0,
                high: 3.0,
            }),
            Dist::Tagged(TaggedDist::Lognormal {
                mu: 0.0,
                sigma: 0.3,
            }),
            Dist::Tagged(TaggedDist::Gamma {
                shape: 2.0,
                scale: 1.5,
            }),
            Dist::Tagged(TaggedDist::Beta {
                alpha: 2.0,
                beta: 6.0,
                low: 0.0,
                high: 4.0,
            }),
            Dist::Tagged(TaggedDist::Normal {
                mean: 5.0,
                sd: 1.0,
                min: None,
                max: None,
            }),
        ];
        for d in cases {
            let m = mean_of(&d, 200_000);
            assert!(
                (m / d.mean() - 1.0).abs() < 0.01,
                "{d:?}: sample mean {m} vs {}",
                d.mean()
            );
        }
    }

    #[test]
    fn truncated_normal_stays_inside_bounds() {
        let d = Dist::Tagged(TaggedDist::Normal {
            mean: 0.1,
            sd: 1.0,
            min: Some(0.05),
            max: Some(2.0),
        });
        d.check().unwrap();
        let mut s = Stream::new(1, Purpose::BuyerTraits, 0, 0);
        for _ in 0..10_000 {
            let x = d.sample(&mut s);
            assert!((0.05..=2.0).contains(&x));
        }
        assert!(d.support().is_positive());
    }

    #[test]
    fn bad_parameters_say_what_is_allowed() {
        let d = Dist::Tagged(TaggedDist::Uniform {
            low: 2.0,
            high: 1.0,
        });
        assert!(d.check().unwrap_err().contains("must not exceed"));
        let d = Dist::Tagged(TaggedDist::Gamma {
            shape: 0.0,
            scale: 1.0,
        });
        assert!(d.check().unwrap_err().contains("`shape` must be > 0"));
        let d = Dist::Tagged(TaggedDist::Normal {
            mean: 0.0,
            sd: 1.0,
            min: Some(10.0),
            max: None,
        });
        assert!(d.check().unwrap_err().contains("mass"));
    }

    #[test]
    fn plain_numbers_and_maps_parse() {
        let d: Dist = serde_json::from_str("0.25").unwrap();
        assert_eq!(d, Dist::Value(0.25));
        let d: Dist =
            serde_json::from_str(r#"{"dist": "lognormal", "mu": 0, "sigma": 0.3}"#).unwrap();
        assert_eq!(
            d,
            Dist::Tagged(TaggedDist::Lognormal {
                mu: 0.0,
                sigma: 0.3
            })
        );
        let e = serde_json::from_str::<Dist>(r#"{"dist": "cauchy", "x0": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown variant `cauchy`"), "{e}");
        assert!(e.contains("lognormal"), "{e}");
    }

    #[test]
    fn erfc_matches_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-7);
        assert!((erfc(1.0) - 0.157_299_207_050_285_1).abs() < 1e-7);
        assert!((erfc(-1.0) - 1.842_700_792_949_715).abs() < 1e-7);
    }
}
