//! Printing a report: a table for the terminal (at most 100 columns wide), CSV, JSON or
//! Markdown. Undefined values print as "-" (table, Markdown), empty (CSV) or null (JSON),
//! never NaN.
//!
//! The table and Markdown formats share one layout (`text`) of the same tables (`grid`), each
//! writing it in its own style (`table`, `markdown`); CSV (`csv`) and JSON (`json`) are laid
//! out on their own. Numbers print as `numbers` says; `notes` are the warnings and definitions
//! every format carries.

mod csv;
mod grid;
mod json;
mod markdown;
mod notes;
mod numbers;
mod table;
mod text;

pub use json::json_value;
pub use notes::{notes, warnings};
pub use numbers::display;

use super::report::Report;
use std::str::FromStr;

/// Widest line of the table format, in characters.
pub const TABLE_WIDTH: usize = 100;

/// Output format of `pricewar analyze`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// Aligned tables for a terminal, at most 100 columns wide.
    #[default]
    Table,
    /// Long-format CSV: one row per table, vendor and metric.
    Csv,
    /// JSON with stable keys.
    Json,
    /// Markdown tables.
    Markdown,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            other => Err(format!(
                "unknown format `{other}`; use table, csv, json or markdown"
            )),
        }
    }
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Table => table::render(report),
        Format::Markdown => markdown::render(report),
        Format::Csv => csv::render(report),
        Format::Json => json::render(report),
    }
}
