//! How many of a sweep's planned runs its directory holds, and which shards lack runs.

use crate::analysis::load::{Dataset, Kind};
use std::fmt::Write as _;

/// How many of a sweep's planned runs are present, and which shards lack runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completeness {
    /// Runs in the plan (all shards).
    pub planned: u64,
    /// Distinct planned runs found with their panels and their row in the runs table.
    pub present: u64,
    /// Shards the plan was split into (None when sweep.json does not say).
    pub shards: Option<u32>,
    /// Shards none of whose runs are present.
    pub missing_shards: Vec<u32>,
    /// Shards with some but not all of their runs present.
    pub incomplete_shards: Vec<u32>,
}

impl Completeness {
    /// Whether every planned run is present.
    pub fn is_complete(&self) -> bool {
        self.present >= self.planned
    }

    /// Planned runs that are not present.
    pub fn missing(&self) -> u64 {
        self.planned.saturating_sub(self.present)
    }

    /// One sentence: how many runs are present and, when some are missing, which shards lack
    /// them and how to run them (`dir` is the sweep directory).
    pub fn message(&self, dir: &std::path::Path) -> String {
        let mut s = format!("{} of {} planned runs present", self.present, self.planned);
        if self.is_complete() {
            return s;
        }
        let again = format!(
            "pricewar sweep {} --out {}",
            dir.join("scenario.yaml").display(),
            dir.display()
        );
        let _ = write!(s, " ({} missing)", self.missing());
        match self.shards {
            Some(n) if n > 1 => {
                let mut parts = Vec::new();
                if !self.missing_shards.is_empty() {
                    parts.push(format!(
                        "missing {} {} of {n}",
                        plural(self.missing_shards.len(), "shard", "shards"),
                        spans(&self.missing_shards)
                    ));
                }
                if !self.incomplete_shards.is_empty() {
                    parts.push(format!(
                        "{} {} of {n} incomplete",
                        plural(self.incomplete_shards.len(), "shard", "shards"),
                        spans(&self.incomplete_shards)
                    ));
                }
                let how = match (&self.missing_shards[..], &self.incomplete_shards[..]) {
                    ([k], []) => format!("Run it with `{again} --shard {k}/{n}`"),
                    ([], [k]) => format!("Finish it with `{again} --shard {k}/{n} --resume`"),
                    (_, []) => format!("Run each missing shard K with `{again} --shard K/{n}`"),
                    ([], _) => format!(
                        "Finish each incomplete shard K with `{again} --shard K/{n} --resume`"
                    ),
                    _ => format!(
                        "Run each missing shard K with `{again} --shard K/{n}`, and each incomplete one with --resume added"
                    ),
                };
                let _ = write!(
                    s,
                    "; {}: the results cover part of the design. {how}",
                    parts.join("; ")
                );
            }
            _ => {
                let _ = write!(
                    s,
                    ": the sweep was interrupted and the results cover part of the design. Finish it with `{again} --resume`"
                );
            }
        }
        s.push('.');
        s
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Sorted numbers as "1, 2, 5-9".
fn spans(xs: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < xs.len() {
        let mut j = i;
        while j + 1 < xs.len() && xs[j + 1] == xs[j] + 1 {
            j += 1;
        }
        out.push(match j - i {
            0 => xs[i].to_string(),
            1 => format!("{}, {}", xs[i], xs[j]),
            _ => format!("{}-{}", xs[i], xs[j]),
        });
        i = j + 1;
    }
    out.join(", ")
}

/// The completeness of a sweep whose runs `present` were found (None for a run directory, or
/// when sweep.json does not record the planned runs). Run r belongs to shard r mod shards.
pub fn completeness(data: &Dataset, present: impl Iterator<Item = u64>) -> Option<Completeness> {
    if data.kind != Kind::Sweep {
        return None;
    }
    let planned = data.planned_runs?;
    let mut ids: Vec<u64> = present.filter(|id| *id < planned).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut missing_shards = Vec::new();
    let mut incomplete_shards = Vec::new();
    if let Some(n) = data.shards.filter(|n| *n > 1) {
        let mut found = vec![0u64; n as usize];
        for id in &ids {
            found[(id % n as u64) as usize] += 1;
        }
        for k in 0..n {
            let due = if planned > k as u64 {
                (planned - k as u64).div_ceil(n as u64)
            } else {
                0
            };
            match found[k as usize] {
                0 if due > 0 => missing_shards.push(k),
                f if f < due => incomplete_shards.push(k),
                _ => {}
            }
        }
    }
    Some(Completeness {
        planned,
        present: ids.len() as u64,
        shards: data.shards,
        missing_shards,
        incomplete_shards,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness_names_missing_and_incomplete_shards() {
        assert_eq!(spans(&[1, 2, 3, 5, 7, 8]), "1-3, 5, 7, 8");
        let c = Completeness {
            planned: 30,
            present: 10,
            shards: Some(3),
            missing_shards: vec![1, 2],
            incomplete_shards: vec![],
        };
        let m = c.message(std::path::Path::new("out"));
        assert!(
            m.starts_with("10 of 30 planned runs present (20 missing); missing shards 1, 2 of 3"),
            "{m}"
        );
        assert!(m.contains("--shard K/3"), "{m}");
        let c = Completeness {
            planned: 30,
            present: 25,
            shards: Some(1),
            missing_shards: vec![],
            incomplete_shards: vec![],
        };
        assert!(c.message(std::path::Path::new("out")).contains("--resume"));
        let done = Completeness { present: 30, ..c };
        assert!(done.is_complete());
        assert_eq!(
            done.message(std::path::Path::new("out")),
            "30 of 30 planned runs present"
        );
    }
}
