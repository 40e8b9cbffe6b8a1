//! Vendor components.

use crate::check::Checker;
use crate::cost::{CostCurve, CostDrivers};
use crate::strategy::Strategy;
use bevy_ecs::prelude::*;

/// A vendor's position in the scenario's vendor list (its column in every per-vendor array).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Vendor {
    /// Index, 0-based.
    pub index: usize,
}

/// The model a vendor sells.
#[derive(Component, Clone, Debug, PartialEq)]
pub struct ModelCard {
    /// Quality index buyers value.
    pub quality: f64,
}

/// A vendor's cost curve and what moves it.
#[derive(Component, Clone, Debug)]
pub struct Costs {
    /// The curve (a model release replaces it).
    pub curve: CostCurve,
    /// Trend, learning and shock multipliers.
    pub drivers: CostDrivers,
    /// Marginal cost this round, USD per Mtok, per unit of the price level: what a token at the
    /// market's average input share costs, relative to what it is charged (the curve's
    /// marginal cost where the product posts one price and its tokens cost alike).
    pub marginal_cost_per_mtok: f64,
    /// Training cost to charge this round (a model release), USD.
    pub training_due_usd: f64,
    /// The part of that training cost a compute subsidy pays, USD (not charged to the vendor).
    pub training_subsidy_due_usd: f64,
}

impl Costs {
    /// Charges the training of the curve's model at this round's GPU prices: the vendor pays
    /// its share, a compute subsidy the rest.
    pub fn charge_training(&mut self, round: u32) {
        self.curve.update_drivers(&mut self.drivers, round);
        let paid = self.curve.training_cost(&self.drivers);
        let gross = self.curve.training_cost(&self.drivers.unsubsidised());
        self.training_due_usd += paid;
        self.training_subsidy_due_usd += gross - paid;
    }
}

/// The price posted this round, USD per Mtok.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Price {
    /// USD per Mtok.
    pub usd_per_mtok: f64,
}

/// Cash and running costs.
#[derive(Component, Clone, Debug, PartialEq)]
pub struct Finances {
    /// Cash, USD (infinite when unlimited).
    pub cash_usd: f64,
    /// Operating cost, USD per round.
    pub operating_cost_usd: f64,
    /// Exit after this many consecutive rounds whose revenue (with subsidies) does not cover the
    /// variable cost (None: never for that reason).
    pub exit_after_losses: Option<u32>,
}

/// Whether the vendor is in the market.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Presence {
    /// In the market this round.
    pub active: bool,
    /// Round it enters (0: present from the start).
    pub enters_at: u32,
    /// Round it left, if it did.
    pub exited_round: Option<u32>,
    /// Charge its model's training cost when it enters.
    pub charge_training_on_entry: bool,
    /// Rounds it has been in the market so far.
    pub rounds_active: u32,
    /// Consecutive rounds, up to the last, whose revenue did not cover the variable cost.
    pub losing_rounds: u32,
}

/// Serving capacity.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Capacity {
    /// How capacity is set.
    pub rule: CapacityRule,
    /// Mtok it can serve this round (None: unlimited).
    pub mtok_per_round: Option<f64>,
    /// An owned fleet (capacity in GPUs): the share of the rented per-token cost that serving
    /// still costs; the fleet's hours are a fixed cost. None: rented capacity.
    pub owned_share: Option<f64>,
}

/// How a vendor's capacity is set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CapacityRule {
    /// No limit.
    Unlimited,
    /// A number of GPUs: capacity follows serving throughput.
    Gpus(f64),
    /// A fixed number of Mtok per round.
    Mtok(f64),
}

impl CapacityRule {
    /// From the `gpus` / `mtok_per_round` keys (checked: at most one is set).
    pub fn from_keys(gpus: Option<f64>, mtok: Option<f64>) -> Self {
        match (gpus, mtok) {
            (Some(g), _) => CapacityRule::Gpus(g),
            (None, Some(m)) => CapacityRule::Mtok(m),
            (None, None) => CapacityRule::Unlimited,
        }
    }

    /// Checks the `gpus` / `mtok_per_round` keys at key path `at`; `compute` tells whether the
    /// vendor's costs are derived from compute (GPUs need them).
    pub fn check(gpus: Option<f64>, mtok: Option<f64>, compute: bool, at: &str, c: &mut Checker) {
        if gpus.is_some() && mtok.is_some() {
            c.fail(
                &format!("{at}.gpus"),
                "give either `gpus` or `mtok_per_round`, not both",
            );
        }
        if let Some(g) = gpus {
            c.non_negative(&format!("{at}.gpus"), g);
            if !compute {
                c.fail(
                    &format!("{at}.gpus"),
                    "capacity in GPUs needs `compute` costs; use `mtok_per_round`",
                );
            }
        }
        if let Some(m) = mtok {
            c.non_negative(&format!("{at}.mtok_per_round"), m);
        }
    }
}

/// How the vendor prices.
#[derive(Component, Debug)]
pub struct Pricing(pub Strategy);

/// An open-weight host: buyers may self-host its model at this multiple of its marginal cost.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct OpenWeight {
    /// Self-hosting cost / hosting marginal cost.
    pub self_host_cost_multiple: f64,
}

/// What happened to the vendor in the last settled round.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Mtok sold.
    pub quantity_mtok: f64,
    /// Mtok buyers wanted (more than sold when capacity rationed them).
    pub demand_mtok: f64,
    /// Share of all vendors' volume, in [0, 1].
    pub share: f64,
    /// Revenue, USD.
    pub revenue_usd: f64,
    /// Variable cost, USD.
    pub variable_cost_usd: f64,
    /// Fixed cost (curve fixed cost + operating cost), USD.
    pub fixed_cost_usd: f64,
    /// Training cost charged, USD.
    pub training_cost_usd: f64,
    /// Per-token subsidy received, USD.
    pub subsidy_usd: f64,
    /// GPU costs paid by a compute subsidy (serving, training, owned fleet), USD.
    pub compute_subsidy_usd: f64,
    /// Profit = revenue + subsidy − variable − fixed − training, USD.
    pub profit_usd: f64,
}

/// The components a vendor is spawned with.
#[derive(Bundle, Debug)]
pub struct VendorBundle {
    /// Position in the vendor list.
    pub vendor: Vendor,
    /// Cost curve and drivers.
    pub costs: Costs,
    /// Model.
    pub card: ModelCard,
    /// Posted price.
    pub price: Price,
    /// Cash.
    pub finances: Finances,
    /// In the market or not.
    pub presence: Presence,
    /// Strategy.
    pub pricing: Pricing,
    /// Last outcome.
    pub outcome: Outcome,
    /// Capacity.
    pub capacity: Capacity,
}

/// Each vendor's entity, by vendor index.
#[derive(Resource, Clone, Debug, Default)]
pub struct VendorEntities(pub Vec<Entity>);
