//! Global sensitivity analysis of a sweep with a `sobol` or `morris` design: which sampled
//! assumption drives each per-run metric, computed on replicate means, with the share of their
//! variance that is seed noise.
//!
//! Sobol: the design is, per base point i, A_i, AB_i^1 .. AB_i^k, B_i (see `sweep::sample`).
//! With f the replicate mean of a metric, centred on the mean of all outputs (as SALib
//! standardises them), and V the population variance of all f(A) and f(B),
//! the first-order index of range j is mean(f(B)·(f(AB^j) − f(A)))/V (Saltelli et al. 2010) and
//! the total-order index 0.5·mean((f(A) − f(AB^j))²)/V (Jansen 1999), the estimators of SALib's
//! `sobol.analyze`; 95% intervals are the 2.5th and 97.5th percentiles over bootstrap resamples
//! of the base points.
//!
//! Morris: each step of a trajectory moves one range by ±Δ of its width; its elementary effect
//! is the change of the metric over that move measured in units of the range's width (log width
//! for log ranges). μ* is the mean absolute effect, σ the sample standard deviation of the
//! effects (SALib's `morris.analyze`).
//!
//! Seed noise: with R ≥ 2 replicates per design point, the mean over design points of the
//! replicates' sample variance, over R, is the noise in a replicate mean; its share of the
//! variance of the replicate means is reported beside the indices (1 means the metric's spread
//! across the design is all seed noise).

pub use super::design::{Design, Method};
use super::summary::RunSummary;
use crate::analysis::metric::{Metric, market, vendor};
use crate::rng::{Purpose, Stream};
use std::collections::HashMap;

/// One metric's sensitivity to one range.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    /// The metric's key (`final_price_index`, `cumulative_profit:<vendor>`, ...).
    pub metric: String,
    /// The sampled path.
    pub parameter: String,
    /// The indices.
    pub values: IndexValues,
    /// Share of the variance of the metric's replicate means that is seed noise (None with one
    /// replicate).
    pub noise_share: Option<f64>,
}

/// Sobol or Morris indices.
#[derive(Clone, Debug, PartialEq)]
pub enum IndexValues {
    /// First- and total-order Sobol indices with bootstrap 95% intervals.
    Sobol {
        /// S_j.
        first_order: f64,
        /// 2.5th and 97.5th bootstrap percentiles of S_j.
        first_order_ci95: (f64, f64),
        /// ST_j.
        total_order: f64,
        /// 2.5th and 97.5th bootstrap percentiles of ST_j.
        total_order_ci95: (f64, f64),
    },
    /// Morris screening measures.
    Morris {
        /// Mean absolute elementary effect.
        mu_star: f64,
        /// Mean elementary effect.
        mu: f64,
        /// Sample standard deviation of the elementary effects.
        sigma: f64,
    },
}

/// Bootstrap resamples of the base points.
const RESAMPLES: usize = 500;

/// The metrics the indices are computed for: (key, value of a run).
type MetricOf = (String, Box<dyn Fn(&RunSummary) -> Option<f64>>);

fn metrics(runs: &[&RunSummary]) -> Vec<MetricOf> {
    let mut out: Vec<MetricOf> = Vec::new();
    let market_metric = |m: Metric, key: &str| -> MetricOf {
        (key.to_string(), Box::new(move |r: &RunSummary| r.market(m)))
    };
    out.push(market_metric(market::PRICE_INDEX_END, "final_price_index"));
    out.push(market_metric(market::DECLINE, "annualised_price_decline"));
    out.push(market_metric(market::HHI_END, "final_hhi"));
    out.push(market_metric(market::SURVIVORS, "survivors"));
    out.push(market_metric(
        market::CONSUMER_SURPLUS,
        "cumulative_consumer_surplus",
    ));
    if runs
        .iter()
        .any(|r| r.market(market::COLLUSION_INDEX).is_some())
    {
        out.push(market_metric(market::COLLUSION_INDEX, "collusion_index"));
    }
    let mut vendors: Vec<String> = Vec::new();
    for r in runs {
        for (v, _) in &r.vendors {
            if !vendors.contains(v) {
                vendors.push(v.clone());
            }
        }
    }
    for v in vendors {
        let name = v.clone();
        out.push((
            format!("cumulative_profit:{v}"),
            Box::new(move |r: &RunSummary| r.vendor(&name, vendor::CUMULATIVE_PROFIT)),
        ));
    }
    out
}

/// The indices of every metric for every range of `design`, from `runs` (with their sampled
/// values `values[run_id]`, in range order) and `replicates` per design point (run r is design
/// point r / replicates). Design points with no run, or a metric undefined in some replicate,
/// drop their Sobol block or Morris step.
pub fn indices(
    design: &Design,
    runs: &[&RunSummary],
    values: &HashMap<u64, Vec<f64>>,
    replicates: u64,
) -> Vec<Index> {
    let k = design.ranges.len();
    let per_point = match design.method {
        Method::Sobol => k + 2,
        Method::Morris => k + 1,
    };
    let points = design.points as usize * per_point;
    let replicates = replicates.max(1);
    let mut by_point: Vec<Vec<&RunSummary>> = vec![Vec::new(); points];
    for r in runs {
        let p = (r.run_id / replicates) as usize;
        if p < points {
            by_point[p].push(r);
        }
    }
    let mut out = Vec::new();
    for (key, of) in metrics(runs) {
        // Replicate means and within-point variances.
        let mut mean = vec![None; points];
        let mut within = Vec::new();
        for (p, rs) in by_point.iter().enumerate() {
            let ys: Option<Vec<f64>> = rs.iter().map(|r| of(r).filter(|y| y.is_finite())).collect();
            let Some(ys) = ys.filter(|ys| !ys.is_empty()) else {
                continue;
            };
            let m = ys.iter().sum::<f64>() / ys.len() as f64;
            mean[p] = Some(m);
            if ys.len() >= 2 {
                let s2 = ys.iter().map(|y| (y - m) * (y - m)).sum::<f64>() / (ys.len() - 1) as f64;
                within.push((s2, ys.len()));
            }
        }
        let defined: Vec<f64> = mean.iter().flatten().copied().collect();
        let total = population_variance(&defined);
        let noise_share = (!within.is_empty() && total > 0.0).then(|| {
            let noise =
                within.iter().map(|(s2, n)| s2 / *n as f64).sum::<f64>() / within.len() as f64;
            (noise / total).min(1.0)
        });
        let rows = match design.method {
            Method::Sobol => sobol(&mean, k, design.points as usize),
            Method::Morris => morris(&mean, design, &by_point, values),
        };
        for (j, v) in rows.into_iter().enumerate() {
            if let Some(values) = v {
                out.push(Index {
                    metric: key.clone(),
                    parameter: design.ranges[j].0.clone(),
                    values,
                    noise_share,
                });
            }
        }
    }
    out
}

fn population_variance(x: &[f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    let m = x.iter().sum::<f64>() / x.len() as f64;
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / x.len() as f64
}

/// (A, AB^1..AB^k, B) of every complete base point.
type Block = (f64, Vec<f64>, f64);

/// S_j and ST_j of blocks (None when the variance is 0).
fn sobol_estimates(blocks: &[&Block], k: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    let ab: Vec<f64> = blocks.iter().flat_map(|(a, _, b)| [*a, *b]).collect();
    let v = population_variance(&ab);
    if v.is_nan() || v <= 0.0 {
        return None;
    }
    let n = blocks.len() as f64;
    let first = (0..k)
        .map(|j| blocks.iter().map(|(a, m, b)| b * (m[j] - a)).sum::<f64>() / n / v)
        .collect();
    let total = (0..k)
        .map(|j| {
            0.5 * blocks
                .iter()
                .map(|(a, m, _)| (a - m[j]).powi(2))
                .sum::<f64>()
                / n
                / v
        })
        .collect();
    Some((first, total))
}

fn sobol(mean: &[Option<f64>], k: usize, n: usize) -> Vec<Option<IndexValues>> {
    let blocks: Vec<Block> = (0..n)
        .filter_map(|i| {
            let at = |o: usize| mean.get(i * (k + 2) + o).copied().flatten();
            let mixed: Option<Vec<f64>> = (0..k).map(|j| at(1 + j)).collect();
            Some((at(0)?, mixed?, at(k + 1)?))
        })
        .collect();
    // Centred on the mean of every output, as SALib's `sobol.analyze` standardises them: the
    // first-order estimator is not shift-invariant, and centring lowers its variance.
    let count = blocks.len() * (k + 2);
    let centre = blocks
        .iter()
        .map(|(a, m, b)| a + b + m.iter().sum::<f64>())
        .sum::<f64>()
        / count.max(1) as f64;
    let blocks: Vec<Block> = blocks
        .into_iter()
        .map(|(a, m, b)| {
            (
                a - centre,
                m.iter().map(|x| x - centre).collect(),
                b - centre,
            )
        })
        .collect();
    let all: Vec<&Block> = blocks.iter().collect();
    let Some((first, total)) = (blocks.len() >= 2)
        .then(|| sobol_estimates(&all, k))
        .flatten()
    else {
        return vec![None; k];
    };
    // Bootstrap over base points, from a fixed stream: the same intervals on every machine.
    let mut stream = Stream::new(0, Purpose::SweepSample, 0, 5);
    let (mut fs, mut ts) = (vec![Vec::new(); k], vec![Vec::new(); k]);
    for _ in 0..RESAMPLES {
        let pick: Vec<&Block> = (0..blocks.len())
            .map(|_| {
                let i = ((stream.uniform() * blocks.len() as f64) as usize).min(blocks.len() - 1);
                &blocks[i]
            })
            .collect();
        if let Some((f, t)) = sobol_estimates(&pick, k) {
            for j in 0..k {
                fs[j].push(f[j]);
                ts[j].push(t[j]);
            }
        }
    }
    (0..k)
        .map(|j| {
            Some(IndexValues::Sobol {
                first_order: first[j],
                first_order_ci95: percentiles(&mut fs[j]),
                total_order: total[j],
                total_order_ci95: percentiles(&mut ts[j]),
            })
        })
        .collect()
}

/// The 2.5th and 97.5th percentiles (nearest rank); NaN-free input.
fn percentiles(x: &mut [f64]) -> (f64, f64) {
    if x.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    x.sort_by(f64::total_cmp);
    let at = |q: f64| x[((q * (x.len() - 1) as f64).round() as usize).min(x.len() - 1)];
    (at(0.025), at(0.975))
}

/// A range's value in units of its width (log width for log ranges).
fn unit(x: f64, (low, high): (f64, f64), log: bool) -> f64 {
    if log && low > 0.0 && x > 0.0 {
        (x.ln() - low.ln()) / (high.ln() - low.ln())
    } else {
        (x - low) / (high - low)
    }
}

fn morris(
    mean: &[Option<f64>],
    design: &Design,
    by_point: &[Vec<&RunSummary>],
    values: &HashMap<u64, Vec<f64>>,
) -> Vec<Option<IndexValues>> {
    let k = design.ranges.len();
    let x_of = |p: usize| by_point[p].first().and_then(|r| values.get(&r.run_id));
    let mut effects = vec![Vec::new(); k];
    for t in 0..design.points as usize {
        for s in 0..k {
            let (p0, p1) = (t * (k + 1) + s, t * (k + 1) + s + 1);
            let (Some(y0), Some(y1)) = (mean[p0], mean[p1]) else {
                continue;
            };
            let (Some(x0), Some(x1)) = (x_of(p0), x_of(p1)) else {
                continue;
            };
            let Some(j) = (0..k).find(|&j| x0[j] != x1[j]) else {
                continue;
            };
            let (_, range, log) = &design.ranges[j];
            let du = unit(x1[j], *range, *log) - unit(x0[j], *range, *log);
            if du != 0.0 && du.is_finite() {
                effects[j].push((y1 - y0) / du);
            }
        }
    }
    effects
        .into_iter()
        .map(|e| {
            (!e.is_empty()).then(|| {
                let n = e.len() as f64;
                let mu = e.iter().sum::<f64>() / n;
                let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / n;
                let sigma = if e.len() >= 2 {
                    (e.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
                } else {
                    0.0
                };
                IndexValues::Morris { mu_star, mu, sigma }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = 2·x1 + x2 with x1, x2 uniform on [0, 1): S = ST = (4/12)/(5/12) = 0.8 and 0.2.
    #[test]
    fn sobol_indices_of_an_additive_function() {
        let n = 512;
        // The design of `sweep::sample::saltelli`: A, AB^1, AB^2, B per base point.
        let mut rows = Vec::new();
        for i in 0..n as u32 {
            let u = |d: u32| f64::from(sobol_burley::sample(i, d, 3));
            let (a, b) = ([u(0), u(1)], [u(2), u(3)]);
            rows.extend([a, [b[0], a[1]], [a[0], b[1]], b]);
        }
        let mean: Vec<Option<f64>> = rows.iter().map(|x| Some(2.0 * x[0] + x[1])).collect();
        let got = sobol(&mean, 2, n);
        for (j, want) in [(0, 0.8), (1, 0.2)] {
            let Some(IndexValues::Sobol {
                first_order,
                total_order,
                first_order_ci95,
                ..
            }) = got[j]
            else {
                panic!("no index")
            };
            assert!((first_order - want).abs() < 0.02, "S{j} = {first_order}");
            assert!((total_order - want).abs() < 0.02, "ST{j} = {total_order}");
            assert!(first_order_ci95.0 <= first_order && first_order <= first_order_ci95.1);
        }
    }
}
