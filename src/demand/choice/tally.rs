//! The tally of a round's choices: per segment, the Mtok and the mass of agents on each option
//! (vendors, then the outside option), the consumer surplus, the mass that switched and the
//! agents. [`TallyLayout`] says where each field is; [`SegmentTally`] reads them by name.

/// Where each field of one segment's tally is, for a market of `V` vendors: quantities of
/// options 0..=V (V is the outside option), their masses, then surplus, switches and agents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TallyLayout {
    vendors: usize,
}

impl TallyLayout {
    /// The layout for `vendors` vendors.
    pub const fn new(vendors: usize) -> Self {
        Self { vendors }
    }

    /// Values in one segment's tally.
    pub const fn len(&self) -> usize {
        2 * (self.vendors + 1) + 3
    }

    /// Never empty (kept for the `len` convention).
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// Options per segment: the vendors and the outside option.
    pub const fn options(&self) -> usize {
        self.vendors + 1
    }

    /// Mtok bought from option `j` (vendor index, or V for the outside option), per
    /// represented customer.
    pub const fn quantity(&self, j: usize) -> usize {
        j
    }

    /// Mass of agents on option `j`.
    pub const fn mass(&self, j: usize) -> usize {
        self.vendors + 1 + j
    }

    /// Consumer surplus, USD per round, per represented customer.
    pub const fn consumer_surplus(&self) -> usize {
        2 * (self.vendors + 1)
    }

    /// Mass of agents that changed option.
    pub const fn switches(&self) -> usize {
        2 * (self.vendors + 1) + 1
    }

    /// Agents in the segment.
    pub const fn agents(&self) -> usize {
        2 * (self.vendors + 1) + 2
    }
}

/// One segment's tally, read by field.
#[derive(Clone, Copy, Debug)]
pub struct SegmentTally<'a> {
    layout: TallyLayout,
    values: &'a [f64],
}

impl<'a> SegmentTally<'a> {
    /// Segment `s` of a tally of all segments laid out one after another.
    pub fn of(values: &'a [f64], layout: TallyLayout, s: usize) -> Self {
        let n = layout.len();
        Self {
            layout,
            values: &values[s * n..(s + 1) * n],
        }
    }

    /// Mtok per represented customer bought from vendor `j`.
    pub fn quantity(&self, j: usize) -> f64 {
        self.values[self.layout.quantity(j)]
    }

    /// Mass of agents on vendor `j`.
    pub fn mass(&self, j: usize) -> f64 {
        self.values[self.layout.mass(j)]
    }

    /// Mass of agents on the outside option.
    pub fn outside_mass(&self) -> f64 {
        self.values[self.layout.mass(self.layout.vendors)]
    }

    /// Consumer surplus per represented customer, USD per round.
    pub fn consumer_surplus(&self) -> f64 {
        self.values[self.layout.consumer_surplus()]
    }

    /// Mass of agents that changed option.
    pub fn switches(&self) -> f64 {
        self.values[self.layout.switches()]
    }

    /// Agents.
    pub fn agents(&self) -> f64 {
        self.values[self.layout.agents()]
    }

    /// Quantities and masses of every option (the part rationing rewrites).
    pub fn options(&self) -> &'a [f64] {
        &self.values[..2 * self.layout.options()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_options() {
        let l = TallyLayout::new(2);
        assert_eq!(l.len(), 9);
        assert_eq!((l.quantity(2), l.mass(0), l.mass(2)), (2, 3, 5));
        assert_eq!((l.consumer_surplus(), l.switches(), l.agents()), (6, 7, 8));
        let values: Vec<f64> = (0..18).map(|x| x as f64).collect();
        let t = SegmentTally::of(&values, l, 1);
        assert_eq!(
            (t.quantity(1), t.mass(1), t.outside_mass()),
            (10.0, 13.0, 14.0)
        );
        assert_eq!(
            (t.consumer_surplus(), t.switches(), t.agents()),
            (15.0, 16.0, 17.0)
        );
        assert_eq!(t.options().len(), 6);
    }
}
