//! `scripted`: replays a price path (for example a vendor's historical price list).

use super::{Observation, PricingContext, PricingRule};
use crate::check::Checker;
use serde::{Deserialize, Serialize};

/// The `scripted` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedSpec {
    /// Steps in increasing round order; the first must be at round 0.
    pub steps: Vec<PriceStep>,
}

/// One step of a scripted price path.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceStep {
    /// First round of the step.
    pub round: u32,
    /// USD per Mtok.
    pub price: f64,
}

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
}

impl PricingRule for Scripted {
    type Spec = ScriptedSpec;

    fn check(spec: &ScriptedSpec, at: &str, c: &mut Checker) {
        let steps = &spec.steps;
        if steps.is_empty() {
            c.fail(
                &format!("{at}.steps"),
                "needs at least one step, starting at round 0",
            );
        } else if steps[0].round != 0 {
            c.fail(
                &format!("{at}.steps[0].round"),
                format!(
                    "the first step must start at round 0, got {}",
                    steps[0].round
                ),
            );
        }
        for (i, st) in steps.iter().enumerate() {
            c.non_negative(&format!("{at}.steps[{i}].price"), st.price);
            if i > 0 && st.round <= steps[i - 1].round {
                c.fail(
                    &format!("{at}.steps[{i}].round"),
                    format!(
                        "rounds must increase: {} follows {}",
                        st.round,
                        steps[i - 1].round
                    ),
                );
            }
        }
    }

    fn build(spec: &ScriptedSpec) -> Self {
        Self::new(spec.steps.iter().map(|s| (s.round, s.price)).collect())
    }

    /// The price of the last step at or before this round.
    fn price(&mut self, ctx: &PricingContext) -> f64 {
        let k = self.steps.partition_point(|&(r, _)| r <= ctx.round);
        self.steps[k.saturating_sub(1)].1
    }

    fn observe(&mut self, _obs: &Observation) {}

    fn needs_demand(&self) -> bool {
        false
    }

    fn needs_round_demand(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testing::ctx;

    #[test]
    fn holds_each_step_until_the_next() {
        let mut s = Scripted::new(vec![(0, 5.0), (3, 1.0), (7, 0.5)]);
        let path: Vec<f64> = (0..9)
            .map(|r| s.price(&ctx(r, 0.0, &[0.0], &[true])))
            .collect();
        assert_eq!(path, vec![5.0, 5.0, 5.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5]);
    }
}
