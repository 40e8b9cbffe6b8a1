//! `fixed`: a constant price.

use super::PricingContext;

/// A constant price, USD per Mtok.
#[derive(Clone, Debug)]
pub struct Fixed {
    price: f64,
}

impl Fixed {
    /// A constant `price`.
    pub fn new(price: f64) -> Self {
        Self { price }
    }

    /// The constant.
    pub fn price(&self, _ctx: &PricingContext) -> f64 {
        self.price
    }
}
