//! The model a vendor sells: the quality buyers value and the parameters its compute costs come
//! from.

use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// A model: parameters for compute costs and the quality buyers value.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Quality index buyers value (e.g. a benchmark score).
    pub quality: f64,
    /// Total parameters (all experts of a mixture-of-experts model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_params: Option<f64>,
    /// Parameters active per token (= total for a dense model). Required by `compute` costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_params: Option<f64>,
    /// Training tokens. Required by `compute` costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_tokens: Option<f64>,
}

impl ModelSpec {
    /// Checks the model's values at key path `at`.
    pub fn check(&self, at: &str, c: &mut Checker) {
        c.finite(&format!("{at}.quality"), self.quality);
        for (k, v) in [
            ("total_params", self.total_params),
            ("active_params", self.active_params),
            ("training_tokens", self.training_tokens),
        ] {
            if let Some(v) = v {
                c.positive(&format!("{at}.{k}"), v);
            }
        }
        if let (Some(t), Some(a)) = (self.total_params, self.active_params)
            && a > t
        {
            c.fail(
                &format!("{at}.active_params"),
                format!("{a} active parameters exceed the {t} total"),
            );
        }
    }
}
