//! Seeded random streams.
//!
//! Every random number in a run comes from one master seed. A stream is identified by
//! (seed, purpose, round, entity): the same identifiers give the same numbers whatever the thread
//! count, the chunking of buyers or the order in which entities are visited. Streams are
//! counter-based (SplitMix64 over a key), so the `i`-th draw of a stream is available directly,
//! which is what lets the buyers' choice loop vectorise. [`Stream`] adapts a key to the `rand`
//! traits so that `rand_distr` distributions can sample from it.

use rand::TryRng;
use std::convert::Infallible;

/// Weyl increment of SplitMix64 (2^64 / golden ratio).
pub const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// What a stream is used for: separate purposes never share numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// A buyer agent's traits, drawn once when it is spawned.
    BuyerTraits = 0x5452_4149_5453,
    /// A buyer agent's choice in a round (review draw and logit draw share one uniform).
    BuyerChoice = 0x4348_4f49_4345,
    /// A buyer agent's draw when its first choice is rationed.
    BuyerRationing = 0x5241_5449_4f4e,
    /// A vendor's pricing strategy (exploration, probing).
    Strategy = 0x5354_5241_5445,
    /// The seed of a run in a sweep.
    SweepRun = 0x5357_4545_5052,
    /// Random and Latin-hypercube samples of swept parameters.
    SweepSample = 0x5341_4d50_4c45,
}

/// The SplitMix64 output function: a bijective 64-bit mixer.
#[inline(always)]
pub const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of the stream for (seed, purpose, round, entity).
#[inline]
pub fn stream_key(seed: u64, purpose: Purpose, round: u64, entity: u64) -> u64 {
    let k = mix64(seed ^ (purpose as u64));
    let k = mix64(k ^ round.wrapping_mul(GOLDEN));
    mix64(k ^ entity.wrapping_mul(0xD1B5_4A32_D192_ED03))
}

/// The key for (seed, purpose, round), to be combined with entities by [`uniform_at`].
#[inline]
pub fn round_key(seed: u64, purpose: Purpose, round: u64) -> u64 {
    let k = mix64(seed ^ (purpose as u64));
    mix64(k ^ round.wrapping_mul(GOLDEN))
}

/// The `i`-th 64-bit output of the stream with key `key`.
#[inline(always)]
pub fn bits_at(key: u64, i: u64) -> u64 {
    mix64(key.wrapping_add(i.wrapping_add(1).wrapping_mul(GOLDEN)))
}

/// The `i`-th output of the stream with key `key` as a uniform number in [0, 1) with 52 random
/// bits. Branch-free, so a loop over `i` vectorises.
#[inline(always)]
pub fn uniform_at(key: u64, i: u64) -> f64 {
    f64::from_bits((bits_at(key, i) >> 12) | 0x3FF0_0000_0000_0000) - 1.0
}

/// A seeded stream that implements the `rand` traits, for sampling `rand_distr` distributions.
#[derive(Clone, Debug)]
pub struct Stream {
    key: u64,
    counter: u64,
}

impl Stream {
    /// The stream for (seed, purpose, round, entity).
    pub fn new(seed: u64, purpose: Purpose, round: u64, entity: u64) -> Self {
        Self {
            key: stream_key(seed, purpose, round, entity),
            counter: 0,
        }
    }

    /// A uniform number in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        let u = uniform_at(self.key, self.counter);
        self.counter += 1;
        u
    }
}

impl TryRng for Stream {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let x = bits_at(self.key, self.counter);
        self.counter += 1;
        Ok(x)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let x = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&x[..chunk.len()]);
        }
        Ok(())
    }
}

/// The seed of run `run_id` of a sweep with master seed `master`.
pub fn run_seed(master: u64, run_id: u64) -> u64 {
    stream_key(master, Purpose::SweepRun, 0, run_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn uniforms_are_in_unit_interval_with_mean_one_half() {
        let key = round_key(7, Purpose::BuyerChoice, 3);
        let n = 200_000;
        let mut sum = 0.0;
        for i in 0..n {
            let u = uniform_at(key, i);
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        // Standard error of the mean is 1/sqrt(12 n) ~ 6.5e-4.
        assert!((sum / n as f64 - 0.5).abs() < 4e-3);
    }

    #[test]
    fn streams_differ_by_every_identifier() {
        let base = stream_key(1, Purpose::BuyerChoice, 2, 3);
        assert_ne!(base, stream_key(2, Purpose::BuyerChoice, 2, 3));
        assert_ne!(base, stream_key(1, Purpose::BuyerTraits, 2, 3));
        assert_ne!(base, stream_key(1, Purpose::BuyerChoice, 3, 3));
        assert_ne!(base, stream_key(1, Purpose::BuyerChoice, 2, 4));
    }

    #[test]
    fn stream_is_reproducible_and_implements_rand() {
        let mut a = Stream::new(9, Purpose::Strategy, 0, 1);
        let mut b = Stream::new(9, Purpose::Strategy, 0, 1);
        let xa: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa[0], xa[1]);
    }
}
