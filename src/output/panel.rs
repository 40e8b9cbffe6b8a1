//! Panel buffers: the rows a run records, column by column (no IO here).

use bevy_ecs::prelude::*;

/// One vendor-round.
#[derive(Clone, Debug)]
pub struct VendorRow<'a> {
    /// Run id.
    pub run_id: u64,
    /// Round.
    pub round: u32,
    /// Vendor name.
    pub vendor: &'a str,
    /// Posted price, USD per Mtok (None when not in the market).
    pub price: Option<f64>,
    /// Marginal cost, USD per Mtok.
    pub marginal_cost: f64,
    /// Model quality.
    pub quality: f64,
    /// Mtok sold.
    pub quantity_mtok: f64,
    /// Mtok buyers wanted (above quantity when capacity rationed them).
    pub demand_mtok: f64,
    /// Share of vendors' volume.
    pub share: f64,
    /// USD.
    pub revenue: f64,
    /// USD.
    pub variable_cost: f64,
    /// USD.
    pub fixed_cost: f64,
    /// USD.
    pub training_cost: f64,
    /// USD.
    pub subsidy: f64,
    /// USD.
    pub profit: f64,
    /// USD (None when unlimited).
    pub cash: Option<f64>,
    /// In the market this round.
    pub active: bool,
    /// Mtok per round (None when unlimited).
    pub capacity_mtok: Option<f64>,
}

/// One segment-round.
#[derive(Clone, Debug)]
pub struct SegmentRow<'a> {
    /// Run id.
    pub run_id: u64,
    /// Round.
    pub round: u32,
    /// Segment name.
    pub segment: &'a str,
    /// Buyer agents.
    pub agents: u64,
    /// Customers the agents represent.
    pub customers: f64,
    /// Mtok bought from vendors.
    pub volume_mtok: f64,
    /// Volume-weighted price paid, USD per Mtok (None without purchases).
    pub avg_price_paid: Option<f64>,
    /// Share of customers on the outside option.
    pub outside_share: f64,
    /// Consumer surplus, USD.
    pub consumer_surplus: f64,
    /// Customers who switched option.
    pub switches: f64,
}

/// One market-round.
#[derive(Clone, Debug)]
pub struct MarketRow {
    /// Run id.
    pub run_id: u64,
    /// Round.
    pub round: u32,
    /// Volume-weighted price, USD per Mtok (None without volume).
    pub price_index: Option<f64>,
    /// Lowest posted price, USD per Mtok (None without vendors).
    pub min_price: Option<f64>,
    /// Herfindahl-Hirschman index of volume shares, 0–10,000 (None without volume).
    pub hhi: Option<f64>,
    /// Vendors in the market.
    pub active_vendors: u32,
    /// Mtok sold.
    pub volume_mtok: f64,
    /// USD.
    pub consumer_surplus: f64,
    /// Revenue minus variable cost, USD.
    pub producer_surplus: f64,
    /// Consumer + producer surplus, USD.
    pub welfare: f64,
}

macro_rules! columns {
    ($(#[$doc:meta])* $name:ident, $row:ty, { $($(#[$fdoc:meta])* $field:ident : $ty:ty => $conv:expr),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: Vec<$ty>,)*
        }
        impl $name {
            /// Appends a row.
            pub fn push(&mut self, r: $row) {
                $(self.$field.push(($conv)(r.$field));)*
            }
            /// Number of rows.
            pub fn len(&self) -> usize {
                self.run_id.len()
            }
            /// True without rows.
            pub fn is_empty(&self) -> bool {
                self.run_id.is_empty()
            }
            /// Appends all rows of `other`.
            pub fn append(&mut self, other: &mut Self) {
                $(self.$field.append(&mut other.$field);)*
            }
            /// The first column and row holding NaN or an infinity, if any.
            pub fn first_non_finite(&self) -> Option<(&'static str, usize)> {
                $(
                    if let Some(row) = self.$field.iter().position(|x| !Finite::finite(x)) {
                        return Some((stringify!($field), row));
                    }
                )*
                None
            }
        }
    };
}

fn id<T>(x: T) -> T {
    x
}

/// Values that can be checked for NaN and infinity (every other column type is always finite).
trait Finite {
    fn finite(&self) -> bool {
        true
    }
}
impl Finite for f64 {
    fn finite(&self) -> bool {
        self.is_finite()
    }
}
impl Finite for Option<f64> {
    fn finite(&self) -> bool {
        self.is_none_or(|x| x.is_finite())
    }
}
impl Finite for u32 {}
impl Finite for u64 {}
impl Finite for bool {}
impl Finite for String {}

columns!(
    /// `vendors.parquet` columns.
    VendorPanel, VendorRow<'_>, {
    /// Run id.
    run_id: u64 => id,
    /// Round.
    round: u32 => id,
    /// Vendor name.
    vendor: String => |s: &str| s.to_string(),
    /// USD per Mtok.
    price: Option<f64> => id,
    /// USD per Mtok.
    marginal_cost: f64 => id,
    /// Quality index.
    quality: f64 => id,
    /// Mtok.
    quantity_mtok: f64 => id,
    /// Mtok.
    demand_mtok: f64 => id,
    /// Share in [0, 1].
    share: f64 => id,
    /// USD.
    revenue: f64 => id,
    /// USD.
    variable_cost: f64 => id,
    /// USD.
    fixed_cost: f64 => id,
    /// USD.
    training_cost: f64 => id,
    /// USD.
    subsidy: f64 => id,
    /// USD.
    profit: f64 => id,
    /// USD.
    cash: Option<f64> => id,
    /// In the market.
    active: bool => id,
    /// Mtok per round.
    capacity_mtok: Option<f64> => id,
});

columns!(
    /// `segments.parquet` columns.
    SegmentPanel, SegmentRow<'_>, {
    /// Run id.
    run_id: u64 => id,
    /// Round.
    round: u32 => id,
    /// Segment name.
    segment: String => |s: &str| s.to_string(),
    /// Agents.
    agents: u64 => id,
    /// Customers.
    customers: f64 => id,
    /// Mtok.
    volume_mtok: f64 => id,
    /// USD per Mtok.
    avg_price_paid: Option<f64> => id,
    /// Share in [0, 1].
    outside_share: f64 => id,
    /// USD.
    consumer_surplus: f64 => id,
    /// Customers.
    switches: f64 => id,
});

columns!(
    /// `market.parquet` columns.
    MarketPanel, MarketRow, {
    /// Run id.
    run_id: u64 => id,
    /// Round.
    round: u32 => id,
    /// USD per Mtok.
    price_index: Option<f64> => id,
    /// USD per Mtok.
    min_price: Option<f64> => id,
    /// 0–10,000.
    hhi: Option<f64> => id,
    /// Count.
    active_vendors: u32 => id,
    /// Mtok.
    volume_mtok: f64 => id,
    /// USD.
    consumer_surplus: f64 => id,
    /// USD.
    producer_surplus: f64 => id,
    /// USD.
    welfare: f64 => id,
});

/// The three panels of a run.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct Panels {
    /// Per vendor and round.
    pub vendors: VendorPanel,
    /// Per segment and round.
    pub segments: SegmentPanel,
    /// Per round.
    pub market: MarketPanel,
}

impl Panels {
    /// Appends all rows of `other` (for sweeps gathering runs).
    pub fn append(&mut self, other: &mut Panels) {
        self.vendors.append(&mut other.vendors);
        self.segments.append(&mut other.segments);
        self.market.append(&mut other.market);
    }

    /// Checks that every number is finite. A scenario whose magnitudes exceed double precision
    /// (volumes or costs near 1e300) overflows to infinity; the error says where, so that no
    /// output ever holds NaN or an infinity.
    pub fn check_finite(&self) -> Result<(), String> {
        let place = |table: &str, col: &str, round: u32, who: Option<&str>| {
            let who = who.map_or(String::new(), |w| format!(", {w}"));
            format!(
                "the run overflowed: {table}.{col} is not a finite number at round {round}{who}; \
                 the scenario's magnitudes (volumes, costs, prices or their distributions) are \
                 beyond double precision: rescale them (for example volumes in Mtok, not tokens)"
            )
        };
        if let Some((col, i)) = self.vendors.first_non_finite() {
            let v = &self.vendors;
            return Err(place(
                "vendors",
                col,
                v.round[i],
                Some(&format!("vendor `{}`", v.vendor[i])),
            ));
        }
        if let Some((col, i)) = self.segments.first_non_finite() {
            let s = &self.segments;
            return Err(place(
                "segments",
                col,
                s.round[i],
                Some(&format!("segment `{}`", s.segment[i])),
            ));
        }
        if let Some((col, i)) = self.market.first_non_finite() {
            return Err(place("market", col, self.market.round[i], None));
        }
        Ok(())
    }
}
