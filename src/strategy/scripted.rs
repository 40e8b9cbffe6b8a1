//! `scripted`: replays a price path (for example a vendor's historical price list).
//!
//! A step gives the price level (`price`: the product keeps its ratio of output to input
//! price) or both list prices (`prices: {input, output}`: the ratio changes from that round,
//! as when a lab cuts its input price more than its output price).

use super::{Observation, PricingContext, PricingRule};
use crate::check::Checker;
use crate::demand::mix::ListPrices;
use serde::{Deserialize, Serialize};

/// The `scripted` block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedSpec {
    /// Steps in increasing round order; the first must be at round 0.
    pub steps: Vec<PriceStep>,
}

/// One step of a scripted price path: `price` or `prices`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceStep {
    /// First round of the step.
    pub round: u32,
    /// The price level, USD per Mtok (the product keeps its output-to-input ratio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// Input and output list prices from this round, USD per Mtok of each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices: Option<ListPrices>,
}

impl PriceStep {
    /// The step's price level: `price`, or the blend of `prices` (0 when both are 0).
    pub fn level(&self) -> f64 {
        match (self.price, self.prices) {
            (Some(p), _) => p,
            (None, Some(l)) => l.weights().map_or(0.0, |(_, level)| level),
            (None, None) => 0.0,
        }
    }
}

impl ScriptedSpec {
    /// The list-price changes of the path: (round, price weights) of every step that gives
    /// both prices (with a positive blend), in round order.
    pub fn list_prices(&self) -> Vec<(u32, (f64, f64))> {
        self.steps
            .iter()
            .filter_map(|s| Some((s.round, s.prices?.weights()?.0)))
            .collect()
    }
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
            let here = format!("{at}.steps[{i}]");
            match (st.price, st.prices) {
                (Some(p), None) => c.non_negative(&format!("{here}.price"), p),
                (None, Some(l)) => {
                    c.non_negative(&format!("{here}.prices.input"), l.input);
                    c.non_negative(&format!("{here}.prices.output"), l.output);
                    if l.input == 0.0 && l.output == 0.0 {
                        c.fail(
                            &format!("{here}.prices"),
                            "input and output prices both 0: write `price: 0` for a free product",
                        );
                    }
                }
                (Some(_), Some(_)) => c.fail(
                    &here,
                    "give either `price` (the level; the output-to-input ratio is kept) or `prices: {input, output}`, not both",
                ),
                (None, None) => c.fail(
                    &here,
                    "needs `price` (USD per Mtok, the level) or `prices: {input, output}`",
                ),
            }
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
        Self::new(spec.steps.iter().map(|s| (s.round, s.level())).collect())
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

    /// Qwen-Long on 21 May 2024: ¥20/¥20 to ¥0.5/¥2 (in yuan per Mtok): the level is the 3:1
    /// blend, ¥0.875; the ratio changes with the step and is kept by a later `price` step.
    #[test]
    fn a_step_with_both_prices_sets_the_level_and_the_ratio() {
        let spec: ScriptedSpec = serde_yaml::from_str(
            "steps:\n  - { round: 0, prices: { input: 20, output: 20 } }\n  - { round: 3, prices: { input: 0.5, output: 2 } }\n  - { round: 5, price: 0.5 }\n",
        )
        .unwrap();
        let mut s = Scripted::build(&spec);
        let path: Vec<f64> = (0..6)
            .map(|r| s.price(&ctx(r, 0.0, &[0.0], &[true])))
            .collect();
        assert_eq!(path, vec![20.0, 20.0, 20.0, 0.875, 0.875, 0.5]);
        let lists = spec.list_prices();
        assert_eq!(lists.len(), 2);
        assert_eq!(lists[0], (0, (1.0, 1.0)));
        let (round, (a, b)) = lists[1];
        assert_eq!(round, 3);
        assert!((0.875 * a - 0.5).abs() < 1e-12 && (0.875 * b - 2.0).abs() < 1e-12);
    }

    #[test]
    fn a_step_needs_exactly_one_of_price_and_prices() {
        let spec: ScriptedSpec = serde_yaml::from_str(
            "steps:\n  - { round: 0, price: 1, prices: { input: 1, output: 2 } }\n  - { round: 1 }\n  - { round: 2, prices: { input: 0, output: 0 } }\n",
        )
        .unwrap();
        let mut c = Checker::new();
        Scripted::check(&spec, "s", &mut c);
        let paths: Vec<String> = c.finish().0.into_iter().map(|f| f.path).collect();
        assert_eq!(paths, ["s.steps[0]", "s.steps[1]", "s.steps[2].prices"]);
    }
}
