//! Range checks of user-given values, by key path.
//!
//! Every choice (a strategy, a cost curve, a volume form, an event kind, a distribution) checks
//! its own values with a [`Checker`], naming each problem by its key path
//! (`vendors[2].cost.training_mfu`) and saying what is allowed. The checker knows nothing of
//! files: the scenario layer turns the paths into file lines when it reports them.

use crate::dist::Dist;

/// A problem found by a check: where (key path) and what is wrong and allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Key path, e.g. `vendors[2].cost.training_mfu` (empty for the whole document).
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Collects problems and warnings with their key paths.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    problems: Vec<Found>,
    warnings: Vec<Found>,
}

/// What a distribution's draws must satisfy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Every draw > 0.
    Positive,
    /// Every draw >= 0.
    NonNegative,
}

impl Checker {
    /// An empty checker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem at `path`.
    pub fn fail(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Found {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Records something allowed but probably not meant.
    pub fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.warnings.push(Found {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// A finite number in [lo, hi] (closed unless the flags say open).
    pub fn range(&mut self, path: &str, v: f64, lo: f64, hi: f64, open_lo: bool, open_hi: bool) {
        let ok = v.is_finite()
            && (if open_lo { v > lo } else { v >= lo })
            && (if open_hi { v < hi } else { v <= hi });
        if !ok {
            let l = if open_lo { "(" } else { "[" };
            let h = if open_hi { ")" } else { "]" };
            let hi_s = if hi.is_infinite() {
                "inf".to_string()
            } else {
                fmt_num(hi)
            };
            let lo_s = if lo.is_infinite() {
                "-inf".to_string()
            } else {
                fmt_num(lo)
            };
            self.fail(
                path,
                format!("must be a number in {l}{lo_s}, {hi_s}{h}, got {v}"),
            );
        }
    }

    /// A finite number >= 0.
    pub fn non_negative(&mut self, path: &str, v: f64) {
        if !(v.is_finite() && v >= 0.0) {
            self.fail(path, format!("must be a finite number >= 0, got {v}"));
        }
    }

    /// A finite number > 0.
    pub fn positive(&mut self, path: &str, v: f64) {
        if !(v.is_finite() && v > 0.0) {
            self.fail(path, format!("must be a finite number > 0, got {v}"));
        }
    }

    /// A finite number.
    pub fn finite(&mut self, path: &str, v: f64) {
        if !v.is_finite() {
            self.fail(path, format!("must be a finite number, got {v}"));
        }
    }

    /// A number in [0, 1].
    pub fn probability(&mut self, path: &str, v: f64) {
        self.range(path, v, 0.0, 1.0, false, false);
    }

    /// A markup over marginal cost: a finite number > −1 (a price above zero).
    pub fn markup(&mut self, path: &str, v: f64) {
        self.range(path, v, -1.0, f64::INFINITY, true, true);
    }

    /// A distribution with valid parameters whose draws satisfy `need`.
    pub fn dist(&mut self, path: &str, d: &Dist, need: Need) {
        if let Err(m) = d.check() {
            self.fail(path, m);
            return;
        }
        let s = d.support();
        match need {
            Need::Positive if !s.is_positive() => self.fail(
                path,
                format!(
                    "every draw must be > 0, but this distribution can give {}: use lognormal or gamma, \
                     or give a normal `min` > 0",
                    fmt_num(s.low)
                ),
            ),
            Need::NonNegative if !s.is_non_negative() => self.fail(
                path,
                format!(
                    "every draw must be >= 0, but this distribution can give {}: give a normal `min` >= 0",
                    fmt_num(s.low)
                ),
            ),
            _ => {}
        }
    }

    /// The problems and warnings found, in the order found.
    pub fn finish(self) -> (Vec<Found>, Vec<Found>) {
        (self.problems, self.warnings)
    }
}

/// A number as a user would write it: integers without a decimal point.
pub fn fmt_num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_say_what_is_allowed() {
        let mut c = Checker::new();
        c.range("a", 1.5, 0.0, 1.0, false, false);
        c.range("b", 0.0, 0.0, 1.0, true, false);
        c.range("ok", 0.5, 0.0, 1.0, true, true);
        c.positive("c", 0.0);
        c.markup("d", -1.0);
        c.warn("e", "careful");
        let (p, w) = c.finish();
        let msgs: Vec<String> = p
            .iter()
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect();
        assert_eq!(
            msgs,
            [
                "a: must be a number in [0, 1], got 1.5",
                "b: must be a number in (0, 1], got 0",
                "c: must be a finite number > 0, got 0",
                "d: must be a number in (-1, inf), got -1",
            ]
        );
        assert_eq!(w.len(), 1);
    }
}
