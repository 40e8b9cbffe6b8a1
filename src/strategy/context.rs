//! What a strategy sees: last round's public prices and its own position when it sets a price,
//! and its own outcome once the round is settled.

use crate::equilibrium::{DemandOracle, RoundDemand};
use crate::rng::uniform_at;

/// What a vendor knows when it sets this round's price.
#[derive(Clone, Copy)]
pub struct PricingContext<'a> {
    /// Current round (0-based).
    pub round: u32,
    /// The vendor's index.
    pub me: usize,
    /// Its marginal cost this round as it sees it (net of any per-token subsidy), USD per Mtok.
    pub marginal_cost: f64,
    /// Last round's posted prices, by vendor index, USD per Mtok.
    pub last_prices: &'a [f64],
    /// Which vendors were in the market last round.
    pub last_active: &'a [bool],
    /// The firm that owns each vendor's product, by vendor index: products of the vendor's own
    /// owner are its siblings, not its rivals.
    pub owners: &'a [usize],
    /// Every vendor's marginal cost this round, net of subsidies, USD per Mtok: a firm knows its
    /// own products' costs, so strategies read only the siblings' entries.
    pub costs: &'a [f64],
    /// Its capacity this round, Mtok (None: unlimited).
    pub capacity: Option<f64>,
    /// What buyers wanted from it last round (before rationing), Mtok.
    pub last_demand: f64,
    /// Rounds it has been in the market before this one.
    pub rounds_in_market: u32,
    /// The key of its random stream for this round (see [`PricingContext::uniform`]).
    pub rng_key: u64,
    /// The scenario's demand (present when a strategy needs it).
    pub demand: Option<&'a DemandOracle>,
    /// The round's demand: buyers where they are, with their switching costs and inertia
    /// (present when a strategy needs it).
    pub round_demand: Option<&'a RoundDemand>,
}

impl PricingContext<'_> {
    /// The vendor's own last price.
    pub fn own_last_price(&self) -> f64 {
        self.last_prices[self.me]
    }

    /// Whether vendor `j` is a rival: another firm's product (the vendor's siblings, products
    /// of its own owner, are not).
    pub fn is_rival(&self, j: usize) -> bool {
        self.owners.get(j) != self.owners.get(self.me)
    }

    /// The cheapest last price among rivals in the market (other firms' products), if any.
    pub fn lowest_rival_price(&self) -> Option<f64> {
        self.last_prices
            .iter()
            .zip(self.last_active)
            .enumerate()
            .filter(|&(j, (_, &active))| j != self.me && active && self.is_rival(j))
            .map(|(_, (&p, _))| p)
            .reduce(f64::min)
    }

    /// Whether buyers wanted more than its capacity last round.
    pub fn sold_out(&self) -> bool {
        self.capacity
            .is_some_and(|c| self.last_demand > c * (1.0 + 1e-12))
    }

    /// The `k`-th uniform number in [0, 1) of the vendor's stream for this round.
    pub fn uniform(&self, k: u64) -> f64 {
        uniform_at(self.rng_key, k)
    }
}

/// What a vendor learns after a round settles.
#[derive(Clone, Copy, Debug)]
pub struct Observation<'a> {
    /// Round just settled.
    pub round: u32,
    /// The price it posted, USD per Mtok.
    pub price: f64,
    /// Mtok it sold.
    pub quantity_mtok: f64,
    /// Its marginal cost, USD per Mtok.
    pub marginal_cost: f64,
    /// Its profit, USD.
    pub profit_usd: f64,
    /// Every vendor's posted price this round (public once the round is over).
    pub prices: &'a [f64],
    /// Every vendor's Mtok sold this round (a firm knows its own products'; strategies read only
    /// their siblings' entries).
    pub quantities: &'a [f64],
}

#[cfg(test)]
pub(crate) mod testing {
    use super::PricingContext;

    /// Owners of up to 16 vendors, each its own.
    const SEPARATE: [usize; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    /// Costs of up to 16 vendors (unused by single-product strategies).
    const COSTS: [f64; 16] = [0.0; 16];

    /// A context for vendor 0 with the given last prices (all active, each vendor its own
    /// firm), unlimited capacity.
    pub fn ctx<'a>(round: u32, mc: f64, last: &'a [f64], active: &'a [bool]) -> PricingContext<'a> {
        PricingContext {
            round,
            me: 0,
            marginal_cost: mc,
            last_prices: last,
            last_active: active,
            owners: &SEPARATE[..last.len()],
            costs: &COSTS[..last.len()],
            capacity: None,
            last_demand: 0.0,
            rounds_in_market: round,
            rng_key: 12345 + round as u64,
            demand: None,
            round_demand: None,
        }
    }
}
