//! Price floors of reactive strategies.

use crate::scenario::FloorSpec;

/// The higher of marginal cost × (1 + markup) and an absolute price.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Floor {
    markup: f64,
    price: f64,
}

impl Floor {
    /// From a scenario floor.
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
