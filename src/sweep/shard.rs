//! Shards: `--shard K/N` splits the run list across N processes (a Slurm job array). Shard K
//! takes the runs whose id leaves remainder K when divided by N, so every shard gets a mix of
//! design points and the slow ones are spread out.

use super::error::SweepError;
use std::fmt;

/// Shard `index` of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// K, in 0..count.
    pub index: u32,
    /// N >= 1.
    pub count: u32,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// A checked shard.
    pub fn new(index: u32, count: u32) -> Result<Shard, SweepError> {
        Shard::check(index, count)
            .map_err(|m| SweepError::Shard(format!("shard {index}/{count}: {m}")))
    }

    fn check(index: u32, count: u32) -> Result<Shard, String> {
        if count == 0 {
            return Err("N must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "K must be below N (shards are numbered 0 to {})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// Parses `K/N`.
    pub fn parse(text: &str) -> Result<Shard, SweepError> {
        let bad = || {
            SweepError::Shard(format!(
                "--shard {text}: expected K/N with 0 <= K < N, for example `--shard 0/4`"
            ))
        };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let k = k.trim().parse::<u32>().map_err(|_| bad())?;
        let n = n.trim().parse::<u32>().map_err(|_| bad())?;
        Shard::check(k, n).map_err(|m| SweepError::Shard(format!("--shard {text}: {m}")))
    }

    /// The shard of a Slurm array task, from the values of `SLURM_ARRAY_TASK_ID`,
    /// `SLURM_ARRAY_TASK_COUNT` and `SLURM_ARRAY_TASK_MIN` (None outside a job array).
    /// K is the task id minus the array's first id, so `--array=1-4` works like `--array=0-3`.
    pub fn from_slurm(
        task_id: Option<&str>,
        task_count: Option<&str>,
        task_min: Option<&str>,
    ) -> Result<Option<Shard>, SweepError> {
        let (Some(id), Some(count)) = (task_id, task_count) else {
            return Ok(None);
        };
        let num = |name: &str, v: &str| {
            v.trim().parse::<u32>().map_err(|_| {
                SweepError::Shard(format!(
                    "{name}={v} is not a whole number: pass --shard K/N"
                ))
            })
        };
        let id = num("SLURM_ARRAY_TASK_ID", id)?;
        let count = num("SLURM_ARRAY_TASK_COUNT", count)?;
        let min = match task_min {
            Some(m) => num("SLURM_ARRAY_TASK_MIN", m)?,
            None => 0,
        };
        let index = id.checked_sub(min).ok_or_else(|| {
            SweepError::Shard(format!(
                "SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}: pass --shard K/N"
            ))
        })?;
        Shard::check(index, count).map(Some).map_err(|m| {
            SweepError::Shard(format!(
                "Slurm array task {id} of {count} gives shard {index}/{count}: {m}; use a \
                 contiguous array such as --array=0-{} or pass --shard K/N",
                count.saturating_sub(1)
            ))
        })
    }

    /// Runs of a sweep of `runs` runs that fall to this shard.
    pub fn runs(&self, runs: u64) -> u64 {
        let (k, n) = (self.index as u64, self.count as u64);
        if runs > k { (runs - k).div_ceil(n) } else { 0 }
    }

    /// The run id of this shard's `local`-th run.
    pub fn run_id(&self, local: u64) -> u64 {
        self.index as u64 + local * self.count as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_run_list() {
        for runs in [0u64, 1, 2, 7, 12] {
            let mut all: Vec<u64> = Vec::new();
            for k in 0..3 {
                let s = Shard::new(k, 3).unwrap();
                all.extend((0..s.runs(runs)).map(|i| s.run_id(i)));
            }
            all.sort();
            assert_eq!(all, (0..runs).collect::<Vec<_>>());
        }
    }

    #[test]
    fn parsing_and_slurm_defaults() {
        assert_eq!(Shard::parse("2/4").unwrap(), Shard::new(2, 4).unwrap());
        let e = Shard::parse("3/3").unwrap_err().to_string();
        assert!(e.contains("K must be below N"), "{e}");
        assert!(Shard::parse("x").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert_eq!(Shard::from_slurm(None, Some("4"), None).unwrap(), None);
        assert_eq!(
            Shard::from_slurm(Some("5"), Some("4"), Some("3")).unwrap(),
            Some(Shard::new(2, 4).unwrap())
        );
        let e = Shard::from_slurm(Some("4"), Some("4"), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("--array=0-3"), "{e}");
    }
}
