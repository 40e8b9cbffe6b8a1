//! The `sweep:` block: replicates, grid and sampled ranges over scenario paths.

use super::super::value::Value;
use serde::{Deserialize, Serialize};

/// A Monte Carlo sweep: every design point (grid cell × sample point) is run `replicates`
/// times, each run with its own seed derived from the master seed and its run id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// Runs per design point, >= 1.
    #[serde(default = "one_u32")]
    pub replicates: u32,
    /// Master seed of the sweep (default: the scenario's `seed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Full factorial grid: scenario path → the values it takes, in column order.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub grid: OrderedMap<Vec<Value>>,
    /// Random or Latin-hypercube samples from ranges, crossed with the grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<SampleSpec>,
}

fn one_u32() -> u32 {
    1
}

/// A scenario without a `sweep:` block sweeps nothing: one run of its single design point.
impl Default for SweepSpec {
    fn default() -> Self {
        Self {
            replicates: one_u32(),
            seed: None,
            grid: OrderedMap::default(),
            sample: None,
        }
    }
}

/// Points drawn from ranges of scenario values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleSpec {
    /// How the points are drawn.
    #[serde(default)]
    pub method: SampleMethod,
    /// Number of points, >= 1: for `sobol` the base points N (the design has N·(k + 2) points
    /// for k ranges), for `morris` the trajectories r (r·(k + 1) points).
    pub points: u32,
    /// Grid levels of a `morris` design (even, >= 2; default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<u32>,
    /// Scenario path → the range its values are drawn from, in column order.
    pub ranges: OrderedMap<RangeSpec>,
}

impl SampleSpec {
    /// Design points the sample gives: `points`, or N·(k + 2) for `sobol` and r·(k + 1) for
    /// `morris` with k ranges.
    pub fn design_points(&self) -> u64 {
        let (n, k) = (self.points as u64, self.ranges.len() as u64);
        match self.method {
            SampleMethod::Random | SampleMethod::LatinHypercube => n,
            SampleMethod::Sobol => n.saturating_mul(k + 2),
            SampleMethod::Morris => n.saturating_mul(k + 1),
        }
    }

    /// Morris grid levels (default 4).
    pub fn morris_levels(&self) -> u32 {
        self.levels.unwrap_or(4)
    }
}

/// How sample points are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleMethod {
    /// Each value drawn independently and uniformly.
    Random,
    /// Latin hypercube: each range is cut into `points` equal strata and every stratum of every
    /// range holds exactly one point.
    #[default]
    LatinHypercube,
    /// Saltelli's scheme for Sobol indices on a scrambled Sobol sequence: for each of `points`
    /// base points, A, then A with each range's value taken from B in turn, then B.
    Sobol,
    /// Morris elementary effects: `points` trajectories of k + 1 points on a grid of `levels`,
    /// each step moving one range by Δ = levels / (2·(levels − 1)) of its width.
    Morris,
}

/// A range of a swept value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    /// Lowest value (in the unit of the scenario value).
    pub low: f64,
    /// Highest value, >= low.
    pub high: f64,
    /// Draw uniformly in log space (for values spanning orders of magnitude; needs low > 0).
    #[serde(default, skip_serializing_if = "is_false")]
    pub log: bool,
    /// Round every draw to the nearest integer (for counts and rounds).
    #[serde(default, skip_serializing_if = "is_false")]
    pub integer: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl RangeSpec {
    /// What is wrong with the range, if anything.
    pub fn problem(&self) -> Option<String> {
        if !(self.low.is_finite() && self.high.is_finite()) {
            return Some(format!(
                "`low` and `high` must be finite numbers, got {} and {}",
                self.low, self.high
            ));
        }
        if self.low > self.high {
            return Some(format!(
                "low {} is above high {}: give the smaller value as `low`",
                self.low, self.high
            ));
        }
        if self.log && self.low <= 0.0 {
            return Some(format!(
                "a `log` range needs low > 0, got {}: drop `log` or raise `low`",
                self.low
            ));
        }
        if self.integer && self.low.ceil() > self.high.floor() {
            return Some(format!(
                "no integer lies in [{}, {}]: widen the range or drop `integer`",
                self.low, self.high
            ));
        }
        None
    }
}

/// A map that keeps its keys in file order (swept paths become columns in this order).
/// Duplicate keys are rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    /// True without entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sets `key` to `value`, in place if it exists, else at the end.
    pub fn insert(&mut self, key: String, value: V) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map from scenario paths to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, V)> = Vec::new();
                while let Some(k) = a.next_key::<String>()? {
                    if out.iter().any(|(x, _)| *x == k) {
                        return Err(serde::de::Error::custom(format!(
                            "the path `{k}` is given twice"
                        )));
                    }
                    let v = a.next_value()?;
                    out.push((k, v));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}
