//! The columns the analysis reads from each table, with the types pricewar writes.

use polars::prelude::*;

/// The columns the analysis reads, with the types pricewar writes.
pub(super) const FIRM_COLUMNS: &[(&str, DataType)] = &[
    ("run_id", DataType::UInt64),
    ("round", DataType::UInt32),
    ("firm", DataType::String),
    ("products_active", DataType::UInt32),
    ("share", DataType::Float64),
    ("profit", DataType::Float64),
    ("cash", DataType::Float64),
];

pub(super) const VENDOR_COLUMNS: &[(&str, DataType)] = &[
    ("run_id", DataType::UInt64),
    ("round", DataType::UInt32),
    ("vendor", DataType::String),
    ("price", DataType::Float64),
    ("marginal_cost", DataType::Float64),
    ("quantity_mtok", DataType::Float64),
    ("share", DataType::Float64),
    ("revenue", DataType::Float64),
    ("variable_cost", DataType::Float64),
    ("profit", DataType::Float64),
    ("cash", DataType::Float64),
    ("active", DataType::Boolean),
];

pub(super) const MARKET_COLUMNS: &[(&str, DataType)] = &[
    ("run_id", DataType::UInt64),
    ("round", DataType::UInt32),
    ("price_index", DataType::Float64),
    ("hhi", DataType::Float64),
    ("active_vendors", DataType::UInt32),
    ("volume_mtok", DataType::Float64),
    ("consumer_surplus", DataType::Float64),
    ("producer_surplus", DataType::Float64),
    ("welfare", DataType::Float64),
];

pub(super) const RUN_COLUMNS: &[(&str, DataType)] = &[("run_id", DataType::UInt64)];
