//! Nests of the buyers' choice (nested logit).

use serde::{Deserialize, Serialize};

/// A nest: options whose unobserved tastes are correlated, with nesting parameter λ ∈ (0, 1]
/// (1: no correlation, plain logit; towards 0: buyers switch within the nest before leaving it).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NestSpec {
    /// Name (for messages and the manifest).
    pub name: String,
    /// Nesting parameter λ ∈ (0, 1].
    pub lambda: f64,
    /// Vendor names, and `outside` for the outside option (not buying or self-hosting).
    pub members: Vec<String>,
}

/// The member name of the outside option.
pub const OUTSIDE_MEMBER: &str = "outside";
