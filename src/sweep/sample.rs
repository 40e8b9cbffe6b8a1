//! Sample points of a sweep's ranges, from the master seed only: random, Latin-hypercube,
//! Saltelli's design for Sobol indices (on a scrambled Sobol sequence) and Morris trajectories.

use crate::rng::{Purpose, Stream, stream_key};
use crate::scenario::{RangeSpec, SampleMethod, SampleSpec, Value};

/// Draws the sample points: rows of one value per range (`points` rows; N·(k + 2) for `sobol`,
/// r·(k + 1) for `morris`).
pub(super) fn draw_samples(s: &SampleSpec, master_seed: u64) -> Vec<Vec<Value>> {
    let unit = match s.method {
        SampleMethod::Sobol => saltelli(s.points as usize, s.ranges.len(), master_seed),
        SampleMethod::Morris => morris(
            s.points as usize,
            s.ranges.len(),
            s.morris_levels(),
            master_seed,
        ),
        SampleMethod::Random | SampleMethod::LatinHypercube => independent(s, master_seed),
    };
    let ranges: Vec<&RangeSpec> = s.ranges.iter().map(|(_, r)| r).collect();
    unit.into_iter()
        .map(|row| row.iter().zip(&ranges).map(|(&u, r)| scale(u, r)).collect())
        .collect()
}

/// Saltelli's scheme (Saltelli et al. 2010, as SALib's `saltelli.sample` without second-order
/// terms): points i of a 2k-dimensional Owen-scrambled Sobol sequence give A_i (its first k
/// coordinates) and B_i (its last k); the design is, per i, A_i, then A_i with coordinate j
/// taken from B_i for each j (AB_i^j), then B_i: N·(k + 2) rows in [0, 1)^k.
pub(crate) fn saltelli(n: usize, k: usize, master_seed: u64) -> Vec<Vec<f64>> {
    // The scramble's seed from the master seed, through the sample stream's key.
    let seed = stream_key(master_seed, Purpose::SweepSample, 0, 3) as u32;
    let mut rows = Vec::with_capacity(n * (k + 2));
    for i in 0..n {
        let point = |d: usize| f64::from(sobol_burley::sample(i as u32, d as u32, seed));
        let a: Vec<f64> = (0..k).map(point).collect();
        let b: Vec<f64> = (k..2 * k).map(point).collect();
        rows.push(a.clone());
        for j in 0..k {
            let mut ab = a.clone();
            ab[j] = b[j];
            rows.push(ab);
        }
        rows.push(b);
    }
    rows
}

/// The step of a Morris design on `levels` grid levels, in units of a range's width.
pub(crate) fn morris_delta(levels: u32) -> f64 {
    f64::from(levels) / (2.0 * f64::from(levels - 1))
}

/// Morris's design (Morris 1991, as SALib's `morris.sample`): r trajectories, each a base point
/// on the grid {0, 1/(p − 1), ..., 1} and k steps that move one range each, in a random order,
/// by ±Δ (Δ = p / (2(p − 1))): r·(k + 1) rows in [0, 1]^k.
pub(crate) fn morris(r: usize, k: usize, levels: u32, master_seed: u64) -> Vec<Vec<f64>> {
    let delta = morris_delta(levels);
    let step = 1.0 / f64::from(levels - 1);
    // Base levels from which +Δ stays on the grid: 0 .. p/2 − 1.
    let base_levels = (levels / 2) as usize;
    let mut rows = Vec::with_capacity(r * (k + 1));
    for t in 0..r {
        let mut stream = Stream::new(master_seed, Purpose::SweepSample, t as u64, 4);
        let mut draw = |n: usize| ((stream.uniform() * n as f64) as usize).min(n - 1);
        let base: Vec<f64> = (0..k).map(|_| draw(base_levels) as f64 * step).collect();
        let up: Vec<bool> = (0..k).map(|_| draw(2) == 0).collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, draw(i + 1));
        }
        // Start below or above by Δ as the direction says; every step then moves by ±Δ.
        let mut x: Vec<f64> = (0..k)
            .map(|j| if up[j] { base[j] } else { base[j] + delta })
            .collect();
        rows.push(x.clone());
        for &j in &order {
            x[j] = if up[j] { base[j] + delta } else { base[j] };
            rows.push(x.clone());
        }
    }
    rows
}

/// Random or Latin-hypercube points in [0, 1)^k.
fn independent(s: &SampleSpec, master_seed: u64) -> Vec<Vec<f64>> {
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
            _ => {
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
    unit
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
    fn saltelli_rows_are_a_then_each_mix_then_b() {
        let rows = saltelli(8, 3, 7);
        assert_eq!(rows.len(), 8 * 5);
        for block in rows.chunks(5) {
            let (a, b) = (&block[0], &block[4]);
            for j in 0..3 {
                for c in 0..3 {
                    let want = if c == j { b[c] } else { a[c] };
                    assert_eq!(block[1 + j][c], want);
                }
            }
            assert!(a.iter().chain(b).all(|u| (0.0..1.0).contains(u)));
        }
        // A Sobol sequence fills each coordinate evenly: 8 points, one in each eighth.
        let mut eighths: Vec<usize> = rows.chunks(5).map(|b| (b[0][1] * 8.0) as usize).collect();
        eighths.sort();
        assert_eq!(eighths, (0..8).collect::<Vec<_>>());
        assert_eq!(rows, saltelli(8, 3, 7), "the master seed fixes the design");
        assert_ne!(rows, saltelli(8, 3, 8));
    }

    #[test]
    fn morris_trajectories_move_one_range_by_delta_per_step() {
        let (r, k, p) = (6, 4, 4);
        let rows = morris(r, k, p, 11);
        assert_eq!(rows.len(), r * (k + 1));
        let delta = morris_delta(p);
        assert!((delta - 2.0 / 3.0).abs() < 1e-15);
        for t in rows.chunks(k + 1) {
            let mut moved = Vec::new();
            for w in t.windows(2) {
                let changed: Vec<usize> = (0..k).filter(|&j| w[0][j] != w[1][j]).collect();
                assert_eq!(changed.len(), 1);
                let j = changed[0];
                assert!(((w[1][j] - w[0][j]).abs() - delta).abs() < 1e-12);
                moved.push(j);
            }
            moved.sort();
            assert_eq!(moved, (0..k).collect::<Vec<_>>(), "every range moves once");
            // On the grid {0, 1/3, 2/3, 1}.
            assert!(
                t.iter()
                    .flatten()
                    .all(|u| ((u * 3.0).round() - u * 3.0).abs() < 1e-12)
            );
        }
    }

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
