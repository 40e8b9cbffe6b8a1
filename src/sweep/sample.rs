//! Sample points of a sweep's ranges: random or Latin-hypercube, from the master seed only.

use crate::rng::{Purpose, Stream};
use crate::scenario::{RangeSpec, SampleMethod, SampleSpec, Value};

/// Draws the sample points: `points` rows of one value per range.
pub(super) fn draw_samples(s: &SampleSpec, master_seed: u64) -> Vec<Vec<Value>> {
    let n = s.points as usize;
    let d = s.ranges.len();
    let mut unit = vec![vec![0.0f64; d]; n];
    for k in 0..d {
        match s.method {
            SampleMethod::Random => {
                let mut stream = Stream::new(master_seed, Purpose::SweepSample, k as u64, 0);
                for row in unit.iter_mut() {
                    row[k] = stream.uniform();
                }
            }
            SampleMethod::LatinHypercube => {
                // One point per stratum [i/n, (i+1)/n), strata shuffled independently per range.
                let mut perm: Vec<usize> = (0..n).collect();
                let mut stream = Stream::new(master_seed, Purpose::SweepSample, k as u64, 1);
                for i in (1..n).rev() {
                    let j = ((stream.uniform() * (i + 1) as f64) as usize).min(i);
                    perm.swap(i, j);
                }
                let mut jitter = Stream::new(master_seed, Purpose::SweepSample, k as u64, 2);
                for (i, row) in unit.iter_mut().enumerate() {
                    row[k] = (perm[i] as f64 + jitter.uniform()) / n as f64;
                }
            }
        }
    }
    let ranges: Vec<&RangeSpec> = s.ranges.iter().map(|(_, r)| r).collect();
    unit.into_iter()
        .map(|row| row.iter().zip(&ranges).map(|(&u, r)| scale(u, r)).collect())
        .collect()
}

/// Maps a uniform number in [0, 1) into a range.
pub(crate) fn scale(u: f64, r: &RangeSpec) -> Value {
    if r.integer {
        let (lo, hi) = (r.low.ceil(), r.high.floor());
        let v = if r.log && lo > 0.0 {
            (lo.ln() + u * ((hi + 1.0).ln() - lo.ln())).exp().floor()
        } else {
            (lo + (u * (hi - lo + 1.0)).floor()).min(hi)
        };
        return Value::integer(v.clamp(lo, hi) as i64);
    }
    let v = if r.log {
        (r.low.ln() + u * (r.high.ln() - r.low.ln())).exp()
    } else {
        r.low + u * (r.high - r.low)
    };
    Value::number(v.clamp(r.low, r.high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_and_log_ranges() {
        let r = RangeSpec {
            low: 1.0,
            high: 3.0,
            log: false,
            integer: true,
        };
        let got: Vec<i64> = [0.0, 0.34, 0.67, 0.999]
            .iter()
            .map(|&u| scale(u, &r).as_i64().unwrap())
            .collect();
        assert_eq!(got, [1, 2, 3, 3]);
        let r = RangeSpec {
            low: 0.01,
            high: 100.0,
            log: true,
            integer: false,
        };
        assert!((scale(0.5, &r).as_f64().unwrap() - 1.0).abs() < 1e-12);
    }
}
