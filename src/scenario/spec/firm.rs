//! Firms as written: the owners of vendors' products, with the cash they hold for all of them.

use serde::{Deserialize, Serialize};

/// A firm that owns one or more vendors' products (`vendors[].owner` names it).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirmSpec {
    /// Unique name.
    pub name: String,
    /// Cash and running costs of the firm itself.
    #[serde(default)]
    pub finances: FirmFinancesSpec,
}

/// A firm's cash and running costs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirmFinancesSpec {
    /// Starting cash, USD, held for all the firm's products: their profits flow into it and they
    /// exit together when it runs out. None: the firm holds no cash (each product keeps its own
    /// `finances.cash`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash: Option<f64>,
    /// Operating cost of the firm itself (beyond its products'), USD per round.
    #[serde(default)]
    pub operating_cost: f64,
}
