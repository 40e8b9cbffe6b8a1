//! What the round's demand computes once per evaluation rather than once per agent: each
//! segment's utility charge F(k·p) and volume factor f(k·p) of every vendor's price, and the
//! self-hosting alternatives' charges.

use super::RoundDemand;

/// What [`RoundDemand::charges`] computes once per evaluation (segments × vendors, and
/// segments × self-hosting alternatives).
pub(super) struct Charges {
    vendors: usize,
    hosts_per_segment: usize,
    charge: Vec<f64>,
    factor: Vec<f64>,
    hosts: Vec<(f64, f64)>,
}

impl Charges {
    pub(super) fn of(&self, segment: usize) -> &[f64] {
        &self.charge[segment * self.vendors..(segment + 1) * self.vendors]
    }

    pub(super) fn factors(&self, segment: usize) -> &[f64] {
        &self.factor[segment * self.vendors..(segment + 1) * self.vendors]
    }

    pub(super) fn hosts(&self, segment: usize) -> &[(f64, f64)] {
        let h = self.hosts_per_segment;
        &self.hosts[segment * h..(segment + 1) * h]
    }
}

impl RoundDemand {
    /// F(k·p) and the volume factor f(k·p) of every vendor's price for every segment, and the
    /// self-hosting alternatives' F(p): once per evaluation, not once per agent.
    pub(super) fn charges(&self, prices: &[f64]) -> Charges {
        let v = prices.len();
        let (mut charge, mut factor) = (Vec::new(), Vec::new());
        for (g, seg) in self.segments.iter().enumerate() {
            for (j, &p) in prices.iter().enumerate() {
                let pe = p * self.k(g, j);
                charge.push(seg.volume.price_integral(pe));
                factor.push(seg.volume.factor(pe));
            }
        }
        let hosts = self
            .segments
            .iter()
            .flat_map(|seg| {
                self.self_host
                    .iter()
                    .map(|&(q, p)| (q, seg.volume.price_integral(p)))
            })
            .collect();
        Charges {
            vendors: v,
            hosts_per_segment: self.self_host.len(),
            charge,
            factor,
            hosts,
        }
    }
}
