//! `scripted`: replays a price path (for example a vendor's historical price list).

use super::PricingContext;

/// A step function of the round.
#[derive(Clone, Debug)]
pub struct Scripted {
    steps: Vec<(u32, f64)>,
}

impl Scripted {
    /// Steps (round, price) in increasing round order, the first at round 0.
    pub fn new(steps: Vec<(u32, f64)>) -> Self {
        Self { steps }
    }

    /// The price of the last step that has started.
    pub fn price(&self, ctx: &PricingContext) -> f64 {
        let k = self.steps.partition_point(|&(r, _)| r <= ctx.round);
        self.steps[k.saturating_sub(1)].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testing::ctx;

    #[test]
    fn holds_each_step_until_the_next() {
        let s = Scripted::new(vec![(0, 5.0), (3, 1.0), (7, 0.5)]);
        let path: Vec<f64> = (0..9)
            .map(|r| s.price(&ctx(r, 0.0, &[0.0], &[true])))
            .collect();
        assert_eq!(path, vec![5.0, 5.0, 5.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5]);
    }
}
