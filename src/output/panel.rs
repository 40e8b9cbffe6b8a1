//! Panel buffers: the rows a run records, column by column (no IO here).

use bevy_ecs::prelude::*;
use polars::prelude::{Column, DataFrame, PolarsResult};

macro_rules! panel {
    (
        $(#[$doc:meta])* $panel:ident, $(#[$rdoc:meta])* $row:ident $(<$lt:lifetime>)? {
            $($(#[$fdoc:meta])* $field:ident : $rty:ty => $cty:ty),* $(,)?
        }
    ) => {
        $(#[$rdoc])*
        #[derive(Clone, Debug)]
        pub struct $row $(<$lt>)? {
            $($(#[$fdoc])* pub $field: $rty,)*
        }

        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $panel {
            $($(#[$fdoc])* pub $field: Vec<$cty>,)*
        }

        impl $panel {
            /// Column names, in file order.
            pub const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Appends a row.
            pub fn push(&mut self, r: $row) {
                $(self.$field.push(r.$field.into());)*
            }
            /// Number of rows.
            pub fn len(&self) -> usize {
                self.run_id.len()
            }
            /// True without rows.
            pub fn is_empty(&self) -> bool {
                self.run_id.is_empty()
            }
            /// Removes every row, keeping the buffers' capacity (a streamed run reuses them).
            pub fn clear(&mut self) {
                $(self.$field.clear();)*
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
            /// The panel as a DataFrame, one column per field.
            pub fn frame(&self) -> PolarsResult<DataFrame> {
                DataFrame::new(
                    self.len(),
                    vec![$(Column::new(stringify!($field).into(), &self.$field)),*],
                )
            }
        }
    };
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

panel! {
    /// `vendors.parquet` columns.
    VendorPanel,
    /// One vendor-round.
    VendorRow<'a> {
        /// Run id (0 for a single run).
        run_id: u64 => u64,
        /// Round, 0-based.
        round: u32 => u32,
        /// Vendor name.
        vendor: &'a str => String,
        /// The firm that owns the product this round.
        owner: &'a str => String,
        /// Posted price, USD per Mtok (None when not in the market); for a product posting input
        /// and output prices, their level: the blend at 3 input tokens to 1 output token.
        price: Option<f64> => Option<f64>,
        /// Input-token price, USD per Mtok of input (the posted price for a one-price product).
        price_input: Option<f64> => Option<f64>,
        /// Output-token price, USD per Mtok of output (the posted price for a one-price
        /// product).
        price_output: Option<f64> => Option<f64>,
        /// Marginal cost per unit of the price, USD per Mtok: for a product posting two prices
        /// or costing prefill and decode apart, a token at the market's average input share.
        marginal_cost: f64 => f64,
        /// Quality index of the model.
        quality: f64 => f64,
        /// Mtok sold.
        quantity_mtok: f64 => f64,
        /// Mtok buyers wanted (above quantity when capacity rationed them).
        demand_mtok: f64 => f64,
        /// Share of all vendors' volume, in [0, 1].
        share: f64 => f64,
        /// USD.
        revenue: f64 => f64,
        /// USD.
        variable_cost: f64 => f64,
        /// USD: the curve's fixed cost plus operating cost.
        fixed_cost: f64 => f64,
        /// USD charged this round for training a model.
        training_cost: f64 => f64,
        /// USD of per-token subsidy received.
        subsidy: f64 => f64,
        /// USD of the vendor's GPU costs (serving, training, owned fleet) paid by a compute
        /// subsidy (not in its costs).
        compute_subsidy: f64 => f64,
        /// USD: revenue + subsidy − variable − fixed − training.
        profit: f64 => f64,
        /// USD after the round (None when unlimited).
        cash: Option<f64> => Option<f64>,
        /// In the market this round.
        active: bool => bool,
        /// Mtok per round (None when unlimited).
        capacity_mtok: Option<f64> => Option<f64>,
    }
}

panel! {
    /// `segments.parquet` columns.
    SegmentPanel,
    /// One segment-round.
    SegmentRow<'a> {
        /// Run id.
        run_id: u64 => u64,
        /// Round.
        round: u32 => u32,
        /// Segment name.
        segment: &'a str => String,
        /// Buyer agents.
        agents: u64 => u64,
        /// Customers the agents represent.
        customers: f64 => f64,
        /// Mtok bought from vendors.
        volume_mtok: f64 => f64,
        /// Volume-weighted price paid, USD per Mtok (None without purchases).
        avg_price_paid: Option<f64> => Option<f64>,
        /// Share of customers on the outside option, in [0, 1].
        outside_share: f64 => f64,
        /// Consumer surplus, USD.
        consumer_surplus: f64 => f64,
        /// Customers who switched option.
        switches: f64 => f64,
    }
}

panel! {
    /// `market.parquet` columns.
    MarketPanel,
    /// One market-round.
    MarketRow {
        /// Run id.
        run_id: u64 => u64,
        /// Round.
        round: u32 => u32,
        /// Volume-weighted price, USD per Mtok (None without volume).
        price_index: Option<f64> => Option<f64>,
        /// Lowest posted price, USD per Mtok (None without vendors).
        min_price: Option<f64> => Option<f64>,
        /// Herfindahl-Hirschman index of firms' volume shares (each firm's products summed),
        /// 0–10,000 (None without volume).
        hhi: Option<f64> => Option<f64>,
        /// The same over products (vendors), 0–10,000 (None without volume).
        hhi_products: Option<f64> => Option<f64>,
        /// Vendors in the market.
        active_vendors: u32 => u32,
        /// Mtok sold.
        volume_mtok: f64 => f64,
        /// Consumer surplus, USD.
        consumer_surplus: f64 => f64,
        /// Revenue plus per-token subsidies minus variable cost, USD.
        producer_surplus: f64 => f64,
        /// Per-token and compute subsidies paid by the state, USD.
        public_spending: f64 => f64,
        /// Consumer + producer surplus − public spending, USD.
        welfare: f64 => f64,
        /// Vendors' fixed, operating, owned-fleet and training costs, USD.
        fixed_costs: f64 => f64,
        /// Welfare − fixed costs, USD: for judging entry and exit.
        welfare_net_of_fixed_costs: f64 => f64,
    }
}

panel! {
    /// `firms.parquet` columns.
    FirmPanel,
    /// One firm-round.
    FirmRow<'a> {
        /// Run id.
        run_id: u64 => u64,
        /// Round.
        round: u32 => u32,
        /// Firm name.
        firm: &'a str => String,
        /// Its products in the market this round.
        products_active: u32 => u32,
        /// Its products' share of all vendors' volume, in [0, 1].
        share: f64 => f64,
        /// Mtok its products sold.
        quantity_mtok: f64 => f64,
        /// USD: its products' revenue.
        revenue: f64 => f64,
        /// USD: its products' variable, fixed and training costs plus the firm's operating cost.
        costs: f64 => f64,
        /// USD: its products' profits less the firm's operating cost.
        profit: f64 => f64,
        /// USD after the round: the firm's cash where it holds its products' cash, else the sum
        /// of its products' cash (None when unlimited).
        cash: Option<f64> => Option<f64>,
    }
}

/// The panels of a run.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct Panels {
    /// Per vendor and round.
    pub vendors: VendorPanel,
    /// Per segment and round.
    pub segments: SegmentPanel,
    /// Per round.
    pub market: MarketPanel,
    /// Per firm and round.
    pub firms: FirmPanel,
}

impl Panels {
    /// Rows in the panels together.
    pub fn rows(&self) -> usize {
        self.vendors.len() + self.segments.len() + self.market.len() + self.firms.len()
    }

    /// Removes every row, keeping the buffers' capacity.
    pub fn clear(&mut self) {
        self.vendors.clear();
        self.segments.clear();
        self.market.clear();
        self.firms.clear();
    }

    /// Appends all rows of `other` (for sweeps gathering runs).
    pub fn append(&mut self, other: &mut Panels) {
        self.vendors.append(&mut other.vendors);
        self.segments.append(&mut other.segments);
        self.market.append(&mut other.market);
        self.firms.append(&mut other.firms);
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
        if let Some((col, i)) = self.firms.first_non_finite() {
            let f = &self.firms;
            return Err(place(
                "firms",
                col,
                f.round[i],
                Some(&format!("firm `{}`", f.firm[i])),
            ));
        }
        Ok(())
    }
}
