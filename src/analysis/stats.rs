//! Statistics across replicates and of price changes.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean, standard deviation and 95% interval of a metric across runs. Values that are undefined
/// in a run (a price index without sales, say) are left out, so `n` can be below the runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Runs with a defined value.
    pub n: usize,
    /// Mean (None when n = 0).
    pub mean: Option<f64>,
    /// Sample standard deviation, divisor n − 1 (None when n < 2).
    pub sd: Option<f64>,
    /// Lower end of the 95% interval of the mean, mean − t(0.975, n − 1)·sd/√n (None when n < 2).
    pub ci95_low: Option<f64>,
    /// Upper end of the 95% interval of the mean (None when n < 2).
    pub ci95_high: Option<f64>,
}

impl Summary {
    /// Summarises the defined, finite values among `values`. Values are scaled to the largest
    /// magnitude first, so that sums of values near the limits of f64 do not overflow; a
    /// statistic that still does not fit in a finite f64 (the spread of -1e308 and 1e308, say)
    /// is None.
    pub fn of(values: impl IntoIterator<Item = Option<f64>>) -> Summary {
        let xs: Vec<f64> = values
            .into_iter()
            .flatten()
            .filter(|x| x.is_finite())
            .collect();
        let n = xs.len();
        if n == 0 {
            return Summary::default();
        }
        let finite = |x: f64| x.is_finite().then_some(x);
        // A power of two, so that scaling is exact: ordinary values get the same results as
        // without it.
        let largest = xs.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let scale = if largest > 0.0 {
            2f64.powi((largest.log2().floor() as i32).clamp(-1000, 1000))
        } else {
            1.0
        };
        let ys: Vec<f64> = xs.iter().map(|x| x / scale).collect();
        let mean_s = ys.iter().sum::<f64>() / n as f64;
        let mean = mean_s * scale;
        if n == 1 {
            return Summary {
                n,
                mean: finite(xs[0]),
                ..Summary::default()
            };
        }
        let var_s = ys.iter().map(|y| (y - mean_s).powi(2)).sum::<f64>() / (n - 1) as f64;
        // Equal values can leave rounding noise (1e-17) in the variance: that is no spread.
        let sd_s = if var_s.sqrt() <= 1e-12 * mean_s.abs() {
            0.0
        } else {
            var_s.sqrt()
        };
        let half_s = t_975(n - 1) * sd_s / (n as f64).sqrt();
        Summary {
            n,
            mean: finite(mean),
            sd: finite(sd_s * scale),
            ci95_low: finite((mean_s - half_s) * scale),
            ci95_high: finite((mean_s + half_s) * scale),
        }
    }

    /// The single value of a one-run summary (its mean).
    pub fn value(&self) -> Option<f64> {
        self.mean
    }
}

/// The 97.5th percentile of Student's t distribution with `df` degrees of freedom.
pub fn t_975(df: usize) -> f64 {
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        // df = 0 cannot occur (n ≥ 2); the normal quantile is the limit.
        Err(_) => 1.959_963_984_540_054,
    }
}

/// Sums of relative price changes from which the Edgeworth-cycle statistics follow; sums add
/// across vendors, so pooled statistics come from summed sums.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChangeSums {
    /// Non-zero changes.
    pub n: f64,
    /// Cuts (negative changes).
    pub cuts: f64,
    /// Rises (positive changes).
    pub rises: f64,
    /// Sum of rises.
    pub rise_sum: f64,
    /// Sum of cuts, as positive numbers.
    pub cut_sum: f64,
    /// Σ r, Σ r², Σ r³ over non-zero changes r.
    pub s1: f64,
    /// Σ r².
    pub s2: f64,
    /// Σ r³.
    pub s3: f64,
    /// Changes that are not finite numbers (a price rising from 1e-300 to 1e300, say); while
    /// there are any, none of the statistics is defined.
    pub undefined: f64,
}

impl ChangeSums {
    /// The sums of `changes` (relative changes; zeros are ignored).
    pub fn of(changes: &[f64]) -> ChangeSums {
        let mut s = ChangeSums::default();
        for &r in changes
            .iter()
            .filter(|r| r.abs() > CHANGE_TOLERANCE || r.is_nan())
        {
            if !r.is_finite() {
                s.undefined += 1.0;
                continue;
            }
            s.n += 1.0;
            if r < 0.0 {
                s.cuts += 1.0;
                s.cut_sum -= r;
            } else {
                s.rises += 1.0;
                s.rise_sum += r;
            }
            s.s1 += r;
            s.s2 += r * r;
            s.s3 += r * r * r;
        }
        s
    }

    /// Adds another vendor's sums.
    pub fn add(&mut self, o: &ChangeSums) {
        self.n += o.n;
        self.cuts += o.cuts;
        self.rises += o.rises;
        self.rise_sum += o.rise_sum;
        self.cut_sum += o.cut_sum;
        self.s1 += o.s1;
        self.s2 += o.s2;
        self.s3 += o.s3;
        self.undefined += o.undefined;
    }

    /// `x`, when every change is a finite number and `x` is finite.
    fn defined(&self, x: f64) -> Option<f64> {
        (self.undefined == 0.0 && x.is_finite()).then_some(x)
    }

    /// Share of changes that are cuts.
    pub fn cut_share(&self) -> Option<f64> {
        (self.n > 0.0)
            .then(|| self.cuts / self.n)
            .and_then(|x| self.defined(x))
    }

    /// Mean relative rise.
    pub fn mean_rise(&self) -> Option<f64> {
        (self.rises > 0.0)
            .then(|| self.rise_sum / self.rises)
            .and_then(|x| self.defined(x))
    }

    /// Mean relative cut, as a positive number.
    pub fn mean_cut(&self) -> Option<f64> {
        (self.cuts > 0.0)
            .then(|| self.cut_sum / self.cuts)
            .and_then(|x| self.defined(x))
    }

    /// Skewness g1 = m3 / m2^(3/2) of the non-zero changes (central moments with divisor n);
    /// None with fewer than three changes or when they are all equal.
    pub fn skewness(&self) -> Option<f64> {
        if self.n < 3.0 || self.undefined > 0.0 {
            return None;
        }
        let n = self.n;
        let mean = self.s1 / n;
        let (e2, e3) = (self.s2 / n, self.s3 / n);
        let m2 = e2 - mean * mean;
        let m3 = e3 - 3.0 * mean * e2 + 2.0 * mean.powi(3);
        if m2 <= 1e-10 * e2 {
            return None;
        }
        let g = m3 / m2.powf(1.5);
        g.is_finite().then_some(g)
    }
}

/// Relative changes smaller than this count as no change (floating-point noise).
pub const CHANGE_TOLERANCE: f64 = 1e-9;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_sd_and_t_interval_of_known_values() {
        let s = Summary::of([Some(1.0), Some(2.0), None, Some(3.0)]);
        assert_eq!(s.n, 3);
        assert_eq!(s.mean, Some(2.0));
        assert!((s.sd.unwrap() - 1.0).abs() < 1e-12);
        // t(0.975, 2) = 4.302653; half-width 4.302653 / √3.
        let half = 4.302_652_729_911_275 / 3f64.sqrt();
        assert!((s.ci95_low.unwrap() - (2.0 - half)).abs() < 1e-6);
        assert!((s.ci95_high.unwrap() - (2.0 + half)).abs() < 1e-6);
        assert!((t_975(1) - 12.706_204_736).abs() < 1e-6);
        assert!((t_975(1000) - 1.962_339).abs() < 1e-5);
    }

    #[test]
    fn undefined_and_single_values() {
        assert_eq!(Summary::of([None, None]), Summary::default());
        let one = Summary::of([Some(5.0), Some(f64::NAN)]);
        assert_eq!(
            (one.n, one.mean, one.sd, one.ci95_low),
            (1, Some(5.0), None, None)
        );
        let same = Summary::of([Some(2.0); 4]);
        assert_eq!(
            (same.sd, same.ci95_low, same.ci95_high),
            (Some(0.0), Some(2.0), Some(2.0))
        );
    }

    #[test]
    fn values_near_the_limits_of_f64() {
        // The plain sum of these overflows; the mean does not.
        let s = Summary::of([Some(1e308), Some(1e308), Some(1.0), Some(1.0)]);
        assert_eq!(s.n, 4);
        assert!((s.mean.unwrap() - 5e307).abs() <= 1e293);
        let sd = s.sd.unwrap();
        assert!((sd - 1e308 / 3f64.sqrt()).abs() <= 1e295, "{sd}");
        // The interval's upper end, about 1.4e308, still fits; the spread of ±1.5e308 does not,
        // and neither does its interval.
        assert!(s.ci95_high.unwrap().is_finite());
        let wide = Summary::of([Some(-1.5e308), Some(1.5e308)]);
        assert_eq!(
            (wide.mean, wide.sd, wide.ci95_low, wide.ci95_high),
            (Some(0.0), None, None, None)
        );
        // Tiny values keep their precision.
        let tiny = Summary::of([Some(1e-310), Some(3e-310)]);
        assert!((tiny.mean.unwrap() - 2e-310).abs() < 1e-320);
        // Scaling leaves ordinary values as they were.
        let s = Summary::of([Some(1.0), Some(2.0), Some(3.0)]);
        assert_eq!(s.mean, Some(2.0));
        assert!((s.sd.unwrap() - 1.0).abs() < 1e-15);
        let zeros = Summary::of([Some(0.0), Some(0.0)]);
        assert_eq!((zeros.mean, zeros.sd), (Some(0.0), Some(0.0)));
    }

    #[test]
    fn edgeworth_statistics_of_a_sawtooth() {
        // Three 10% cuts, then one rise that undoes them: many small cuts, one large rise.
        let mut p = vec![1.0];
        for _ in 0..3 {
            for _ in 0..3 {
                p.push(p.last().unwrap() * 0.9);
            }
            p.push(1.0);
        }
        let r: Vec<f64> = p.windows(2).map(|w| (w[1] - w[0]) / w[0]).collect();
        let s = ChangeSums::of(&r);
        assert_eq!(s.n, 12.0);
        assert_eq!(s.cut_share(), Some(0.75));
        assert!((s.mean_cut().unwrap() - 0.1).abs() < 1e-12);
        assert!((s.mean_rise().unwrap() - (1.0 / 0.729 - 1.0)).abs() < 1e-12);
        // Direct g1 from central moments.
        let mean = r.iter().sum::<f64>() / 12.0;
        let m2 = r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 12.0;
        let m3 = r.iter().map(|x| (x - mean).powi(3)).sum::<f64>() / 12.0;
        let g1 = m3 / m2.powf(1.5);
        assert!(g1 > 0.0, "rises are rare and large: positive skew");
        assert!((s.skewness().unwrap() - g1).abs() < 1e-9);
        // Constant changes have no skewness; zeros are not changes.
        assert_eq!(ChangeSums::of(&[-0.1, -0.1, -0.1]).skewness(), None);
        assert_eq!(ChangeSums::of(&[0.0, 0.0]).n, 0.0);
        assert_eq!(ChangeSums::of(&[0.0, 0.0]).cut_share(), None);
    }

    #[test]
    fn changes_that_are_not_numbers_leave_the_statistics_undefined() {
        // Prices alternating 1e300 and 1e-300: the rises overflow.
        let p = [1e300, 1e-300, 1e300, 1e-300, 1e300, 1e-300];
        let r: Vec<f64> = p.windows(2).map(|w| (w[1] - w[0]) / w[0]).collect();
        assert!(r.iter().any(|x| x.is_infinite()));
        let s = ChangeSums::of(&r);
        assert_eq!(s.undefined, 2.0);
        assert_eq!(
            (s.cut_share(), s.mean_rise(), s.mean_cut(), s.skewness()),
            (None, None, None, None)
        );
        // A NaN change likewise; pooling carries the undefined changes along.
        let mut pooled = ChangeSums::of(&[-0.1, 0.2, -0.1]);
        assert!(pooled.cut_share().is_some());
        pooled.add(&ChangeSums::of(&[f64::NAN]));
        assert_eq!((pooled.cut_share(), pooled.mean_cut()), (None, None));
        // Finite changes whose sums overflow leave only the overflowing statistics undefined.
        let big = ChangeSums::of(&[1e200, 1e200, -0.5]);
        assert_eq!(big.cut_share(), Some(1.0 / 3.0));
        assert_eq!(big.mean_cut(), Some(0.5));
        assert_eq!(big.mean_rise(), Some(1e200));
        assert_eq!(big.skewness(), None);
    }
}
