//! Input and output tokens: what a segment pays and what its tokens cost.
//!
//! A product posts an input and an output price. The engine prices it by one number, the price
//! level `m` (USD per Mtok): the blended price at the reference mix of three input tokens to one
//! output token (the convention of public price comparisons), so that the input price is
//! `m·w_in` and the output price `m·w_out` with `0.75·w_in + 0.25·w_out = 1`. A strategy moves
//! the level and keeps the product's output-to-input ratio.
//!
//! A segment buys a share σ of its tokens as input, so a Mtok of its tokens costs it
//! `m·k` with `k = σ·w_in + (1 − σ)·w_out` (the price scale of that segment and product), and
//! costs the vendor `c·g` with `g = σ·r_in + (1 − σ)·r_out`, where `c` is the product's
//! marginal cost per Mtok at its serving utilisation and `r_in`, `r_out` the cost of an input
//! (prefill) and an output (decode) token relative to it.
//!
//! A product with one price (`w = (1, 1)`) or a segment without an input share has `k = 1`
//! exactly, and a product without a cost split `g = 1` exactly, so a market without token
//! prices computes what it computed before, to the bit.

use serde::{Deserialize, Serialize};

/// Input and output list prices, USD per Mtok of each (`prices: {input, output}`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListPrices {
    /// USD per Mtok of input (prompt) tokens.
    pub input: f64,
    /// USD per Mtok of output (completion) tokens.
    pub output: f64,
}

impl ListPrices {
    /// The product's weights and price level (None when the blend is not positive).
    pub fn weights(&self) -> Option<((f64, f64), f64)> {
        price_weights(self.input, self.output)
    }
}

/// Share of input tokens in the reference mix that defines the price level (3 : 1).
pub const BLEND_INPUT_SHARE: f64 = 0.75;

/// The one-price weights: input and output tokens at the same price.
pub const ONE_PRICE: (f64, f64) = (1.0, 1.0);

/// Weights (w_in, w_out) of a product posting `input` and `output` USD per Mtok, and its price
/// level (the blended price at the reference mix). None when the blend is not positive.
pub fn price_weights(input: f64, output: f64) -> Option<((f64, f64), f64)> {
    let level = BLEND_INPUT_SHARE * input + (1.0 - BLEND_INPUT_SHARE) * output;
    (level > 0.0 && level.is_finite()).then(|| ((input / level, output / level), level))
}

/// σ·a + (1 − σ)·b for a segment of input share σ and weights (a, b); exactly 1 for one-price
/// weights or a segment without a share.
pub fn blend(input_share: Option<f64>, (a, b): (f64, f64)) -> f64 {
    match input_share {
        Some(s) if (a, b) != ONE_PRICE => s * a + (1.0 - s) * b,
        _ => 1.0,
    }
}

/// The token mix of a market: every product's price weights, every segment's input share, and
/// from them each segment's price scale for every product and the costs strategies see.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TokenMix {
    /// Per product: (w_in, w_out).
    price_weights: Vec<(f64, f64)>,
    /// Per segment: σ (None: not given).
    input_share: Vec<Option<f64>>,
    /// segments × products: k.
    price_scale: Vec<f64>,
    /// The market's average input share.
    average: f64,
}

impl TokenMix {
    /// The mix of products with `price_weights` bought by segments of `input_share` (None: not
    /// given) weighted by `volume` (their tokens at the start, for the market's average share;
    /// the reference mix stands in for a segment without a share).
    pub fn new(price_weights: &[(f64, f64)], input_share: &[Option<f64>], volume: &[f64]) -> Self {
        let mut price_scale = Vec::with_capacity(input_share.len() * price_weights.len());
        for &s in input_share {
            price_scale.extend(price_weights.iter().map(|&w| blend(s, w)));
        }
        let (mut weighted, mut total) = (0.0, 0.0);
        for (s, &x) in input_share.iter().zip(volume) {
            weighted += s.unwrap_or(BLEND_INPUT_SHARE) * x;
            total += x;
        }
        Self {
            price_weights: price_weights.to_vec(),
            input_share: input_share.to_vec(),
            price_scale,
            average: if total > 0.0 {
                weighted / total
            } else {
                BLEND_INPUT_SHARE
            },
        }
    }

    /// Whether no product posts two prices (every price scale is exactly 1).
    pub fn is_plain(&self) -> bool {
        self.price_scale.iter().all(|&k| k == 1.0)
    }

    /// k: what a Mtok of segment `s`'s tokens costs it per unit of product `j`'s price level.
    pub fn price_scale(&self, s: usize, j: usize) -> f64 {
        self.price_scale
            .get(s * self.price_weights.len() + j)
            .copied()
            .unwrap_or(1.0)
    }

    /// Every segment's price scales (segments × products), for the demand models.
    pub fn price_scales(&self) -> &[f64] {
        &self.price_scale
    }

    /// g: what a Mtok of segment `s`'s tokens costs a product whose input and output tokens
    /// cost `token_costs` (r_in, r_out) per unit of its marginal cost.
    pub fn cost_scale(&self, s: usize, token_costs: (f64, f64)) -> f64 {
        blend(self.input_share.get(s).copied().flatten(), token_costs)
    }

    /// Cost of a unit of product `j`'s price level per unit of its marginal cost, when its
    /// tokens cost `token_costs`: g/k at the market's average input share, exactly 1 for a
    /// product with one price and one cost. Exact for every segment's profit when segments
    /// share one input share; an average over them otherwise.
    pub fn level_cost(&self, j: usize, token_costs: (f64, f64)) -> f64 {
        let w = self.price_weights.get(j).copied().unwrap_or(ONE_PRICE);
        if w == ONE_PRICE && token_costs == ONE_PRICE {
            1.0
        } else {
            blend(Some(self.average), token_costs) / blend(Some(self.average), w)
        }
    }

    /// Product `j` posts new list prices from now on: its weights become `weights` (its
    /// segments' price scales follow; the market's average input share does not change).
    pub fn set_weights(&mut self, j: usize, weights: (f64, f64)) {
        let v = self.price_weights.len();
        if j >= v {
            return;
        }
        self.price_weights[j] = weights;
        for (s, &share) in self.input_share.iter().enumerate() {
            self.price_scale[s * v + j] = blend(share, weights);
        }
    }

    /// Input and output prices of product `j` at price level `m`.
    pub fn token_prices(&self, j: usize, m: f64) -> (f64, f64) {
        let (a, b) = self.price_weights.get(j).copied().unwrap_or(ONE_PRICE);
        (m * a, m * b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GPT-4o's cut of August 2024 (5/15 to 2.50/10): new weights, new scales for every
    /// segment, as if the product had posted them from the start.
    #[test]
    fn new_list_prices_rescale_every_segment_of_that_product_only() {
        let (w0, _) = price_weights(5.0, 15.0).unwrap();
        let (w1, level) = price_weights(2.5, 10.0).unwrap();
        assert!((level - 4.375).abs() < 1e-12);
        let shares = [Some(0.9), Some(0.5), None];
        let mut mix = TokenMix::new(&[w0, ONE_PRICE], &shares, &[1.0, 2.0, 3.0]);
        let other = mix.price_scale(1, 1);
        mix.set_weights(0, w1);
        assert_eq!(
            mix,
            TokenMix::new(&[w1, ONE_PRICE], &shares, &[1.0, 2.0, 3.0])
        );
        assert!((level * mix.price_scale(0, 0) - (0.9 * 2.5 + 0.1 * 10.0)).abs() < 1e-12);
        assert_eq!(mix.price_scale(1, 1), other);
        assert_eq!(mix.token_prices(0, level), (level * w1.0, level * w1.1));
    }

    /// GPT-4o at launch: 5 USD in, 15 USD out per Mtok.
    #[test]
    fn weights_reproduce_the_list_prices_and_blend_at_three_to_one() {
        let ((a, b), level) = price_weights(5.0, 15.0).unwrap();
        assert!((level - 7.5).abs() < 1e-12);
        assert!((level * a - 5.0).abs() < 1e-12 && (level * b - 15.0).abs() < 1e-12);
        assert!((BLEND_INPUT_SHARE * a + (1.0 - BLEND_INPUT_SHARE) * b - 1.0).abs() < 1e-15);
        assert!(price_weights(0.0, 0.0).is_none());
    }

    #[test]
    fn a_segment_pays_its_mix_of_the_two_prices() {
        let (w, level) = price_weights(5.0, 15.0).unwrap();
        let mix = TokenMix::new(
            &[w, ONE_PRICE],
            &[Some(1.0), Some(0.0), Some(0.5), None],
            &[1.0; 4],
        );
        let pay = |s| level * mix.price_scale(s, 0);
        assert!(
            (pay(0) - 5.0).abs() < 1e-12,
            "input share 1 pays the input price"
        );
        assert!(
            (pay(1) - 15.0).abs() < 1e-12,
            "input share 0 pays the output price"
        );
        assert!((pay(2) - 10.0).abs() < 1e-12);
        assert_eq!(mix.price_scale(3, 0), 1.0, "no share: the level");
        for s in 0..4 {
            assert_eq!(mix.price_scale(s, 1), 1.0, "one price: exactly the level");
        }
        assert!(!mix.is_plain());
        assert!(TokenMix::new(&[ONE_PRICE], &[Some(0.2)], &[1.0]).is_plain());
    }

    /// Prefill at 4× decode's utilisation: an input token costs a quarter of an output token.
    #[test]
    fn level_cost_is_the_cost_of_the_average_mix_per_unit_of_level() {
        let (w, _) = price_weights(1.0, 4.0).unwrap();
        let r = (0.25, 1.0);
        // Two segments, shares 0.9 and 0.5, with volumes 1 and 3: average share 0.6.
        let mix = TokenMix::new(&[w], &[Some(0.9), Some(0.5)], &[1.0, 3.0]);
        let g = 0.6 * 0.25 + 0.4;
        let k = 0.6 * w.0 + 0.4 * w.1;
        assert!((mix.level_cost(0, r) - g / k).abs() < 1e-15);
        assert!((mix.cost_scale(0, r) - (0.9 * 0.25 + 0.1)).abs() < 1e-15);
        // One price and one cost: exactly 1, so costs are what the curve says.
        let plain = TokenMix::new(&[ONE_PRICE], &[Some(0.3)], &[1.0]);
        assert_eq!(plain.level_cost(0, ONE_PRICE), 1.0);
        assert_eq!(plain.cost_scale(0, ONE_PRICE), 1.0);
    }
}
