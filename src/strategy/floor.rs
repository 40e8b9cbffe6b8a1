//! Price floors of reactive strategies: the higher of marginal cost × (1 + markup) and an
//! absolute price.

use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// A floor as written in a strategy block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloorSpec {
    /// Floor as a markup over marginal cost (0 = at cost; -0.5 = half of cost), > -1.
    #[serde(default)]
    pub markup: f64,
    /// Absolute floor, USD per Mtok.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
}

impl Default for FloorSpec {
    fn default() -> Self {
        Self {
            markup: 0.0,
            price: None,
        }
    }
}

impl FloorSpec {
    /// Checks the floor at key path `at`.
    pub fn check(&self, at: &str, c: &mut Checker) {
        c.markup(&format!("{at}.markup"), self.markup);
        if let Some(price) = self.price {
            c.non_negative(&format!("{at}.price"), price);
        }
    }
}

/// The higher of marginal cost × (1 + markup) and an absolute price.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Floor {
    markup: f64,
    price: f64,
}

impl Floor {
    /// From a strategy block's floor.
    pub fn from_spec(f: &FloorSpec) -> Self {
        Self {
            markup: f.markup,
            price: f.price.unwrap_or(0.0),
        }
    }

    /// At marginal cost.
    pub fn at_cost() -> Self {
        Self {
            markup: 0.0,
            price: 0.0,
        }
    }

    /// The floor given the marginal cost, USD per Mtok.
    pub fn at(&self, marginal_cost: f64) -> f64 {
        (marginal_cost * (1.0 + self.markup)).max(self.price)
    }
}
