//! Charts of a run or a sweep as PNG and SVG: price paths per vendor, market shares, HHI and
//! surplus over rounds. For a sweep each line is the median across runs with a shaded band from
//! the 5th to the 95th percentile (a 90% band); a vendor's price line only where it is in the
//! market in at least half of the runs.
//!
//! Text is drawn with DejaVu Sans, shipped in `assets/fonts` and registered on first use, so
//! charts render the same on machines without system fonts.
//!
//! - [`charts()`] decides which charts a dataset gets ([`Chart`], [`ChartSet`]); their paths come
//!   from Polars queries (`paths`), their axes are fitted in `scale`.
//! - [`draw()`] draws a chart on any plotters backend; [`plot`] writes every chart as PNG and SVG.

mod charts;
mod draw;
mod files;
mod paths;
mod scale;

pub use draw::draw;
pub use scale::round_unit;

use super::AnalysisError;
use super::load::Dataset;
use charts::{group_charts, group_dir};
use files::{write_png, write_svg};
use plotters::style::RGBColor;
use scale::{fit_scale, values};
use std::path::{Path, PathBuf};

/// Chart size in pixels (PNG) and user units (SVG).
pub const SIZE: (u32, u32) = (1200, 700);

/// Tableau 10: distinguishable, and readable for the common colour-vision deficiencies.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4E, 0x79, 0xA7),
    RGBColor(0xF2, 0x8E, 0x2B),
    RGBColor(0xE1, 0x57, 0x59),
    RGBColor(0x76, 0xB7, 0xB2),
    RGBColor(0x59, 0xA1, 0x4F),
    RGBColor(0xED, 0xC9, 0x48),
    RGBColor(0xB0, 0x7A, 0xA1),
    RGBColor(0xFF, 0x9D, 0xA7),
    RGBColor(0x9C, 0x75, 0x5F),
    RGBColor(0xBA, 0xB0, 0xAC),
];
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const GUIDE: RGBColor = RGBColor(0x88, 0x88, 0x88);

/// A point of a [`Line`]: (round, median, 5th percentile, 95th percentile); None where undefined.
pub type Point = (f64, Option<f64>, Option<f64>, Option<f64>);

/// One line of a chart: per round, the median (or the value of a single run) and the band.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Legend text.
    pub name: String,
    /// Colour.
    pub color: RGBColor,
    /// Dashed (the market-wide series on the price chart).
    pub dashed: bool,
    /// (round, median, 5th percentile, 95th percentile); None where undefined.
    pub points: Vec<Point>,
}

/// A horizontal reference line with a label.
#[derive(Clone, Debug, PartialEq)]
pub struct Guide {
    /// Height in data units.
    pub y: f64,
    /// Label.
    pub label: String,
    /// Label under the line rather than above it.
    pub below: bool,
}

/// Scale of the vertical axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// Linear from the first to the second bound.
    Linear(f64, f64),
    /// Logarithmic from the first to the second bound (both positive).
    Log(f64, f64),
}

/// What a chart shows; drawn the same way to PNG and SVG.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// File name without extension.
    pub file: String,
    /// Title.
    pub title: String,
    /// A second, smaller title line (the parameter values of a sweep group, the band).
    pub subtitle: Option<String>,
    /// Horizontal axis label, with unit.
    pub x_label: String,
    /// Vertical axis label, with unit.
    pub y_label: String,
    /// Rounds shown.
    pub x_range: (f64, f64),
    /// Vertical axis.
    pub scale: Scale,
    /// Values are divided by this for tick labels (1e6 for "millions").
    pub y_divisor: f64,
    /// The lines.
    pub lines: Vec<Line>,
    /// Reference lines.
    pub guides: Vec<Guide>,
    /// Shade the 5th-95th percentile band (sweeps).
    pub bands: bool,
    /// A note under the legend.
    pub note: Option<String>,
}

/// The charts of one group of runs: a run, or one parameter combination of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSet {
    /// Subdirectory of the output directory (None: the output directory itself).
    pub dir: Option<String>,
    /// Prices, shares, HHI and surplus.
    pub charts: Vec<Chart>,
}

/// Draws every chart of `data` into `out` as PNG and SVG; returns the files written. A run, or a
/// sweep with one combination of grid values, gets `out/{prices,shares,hhi,surplus}.{png,svg}`;
/// a sweep with several gets one subdirectory per combination, named by its values (parameters
/// sampled from ranges are pooled, never given directories of their own).
pub fn plot(data: &Dataset, out: &Path) -> Result<Vec<PathBuf>, AnalysisError> {
    let sets = charts(data)?;
    let mut written = Vec::new();
    for set in &sets {
        let dir = set
            .dir
            .as_ref()
            .map_or_else(|| out.to_path_buf(), |d| out.join(d));
        std::fs::create_dir_all(&dir).map_err(|cause| AnalysisError::Io {
            path: dir.clone(),
            cause,
        })?;
        for c in &set.charts {
            let png = dir.join(format!("{}.png", c.file));
            write_png(c, &png)?;
            written.push(png);
            let svg = dir.join(format!("{}.svg", c.file));
            write_svg(c, &svg)?;
            written.push(svg);
        }
    }
    Ok(written)
}

/// The chart sets of `data`: one for a run; one per parameter combination of a sweep, each line
/// the median across the combination's replicates with a 5th-95th percentile band. Charts of
/// the same kind share their vertical scale across sets, so that they compare at a glance.
pub fn charts(data: &Dataset) -> Result<Vec<ChartSet>, AnalysisError> {
    let groups = super::report::run_groups(data)?;
    if groups.iter().all(|(_, ids)| ids.is_empty()) {
        return Err(AnalysisError::Empty(data.dir.clone()));
    }
    let several = groups.len() > 1;
    let completeness =
        super::report::completeness(data, groups.iter().flat_map(|(_, ids)| ids.iter().copied()))
            .filter(|c| !c.is_complete());
    if let Some(c) = &completeness {
        tracing::warn!("{}: {}", data.dir.display(), c.message(&data.dir));
    }
    let mut sets = Vec::new();
    for (k, (params, ids)) in groups.iter().enumerate() {
        let mut described: Vec<String> = data
            .parameters
            .iter()
            .zip(params)
            .map(|(p, v)| format!("{p} = {v}"))
            .collect();
        if !data.sampled.is_empty() {
            let paths: Vec<&str> = data.sampled.iter().map(|p| p.path.as_str()).collect();
            described.push(format!("pooled over sampled {}", paths.join(", ")));
        }
        if let Some(c) = &completeness {
            described.push(format!(
                "incomplete sweep: {} of {} planned runs",
                c.present, c.planned
            ));
        }
        let filter = several.then_some(ids.as_slice());
        let charts = group_charts(data, filter, ids.len(), &described.join("; "))?;
        let dir = several.then(|| group_dir(k, &data.parameters, params));
        sets.push(ChartSet { dir, charts });
    }
    // One vertical scale per kind of chart across the sets.
    let kinds: Vec<String> = sets
        .first()
        .map(|s| s.charts.iter().map(|c| c.file.clone()).collect())
        .unwrap_or_default();
    for kind in kinds {
        let all: Vec<f64> = sets
            .iter()
            .flat_map(|s| s.charts.iter().filter(|c| c.file == kind))
            .flat_map(|c| values(&c.lines).collect::<Vec<_>>())
            .collect();
        for set in &mut sets {
            for c in set.charts.iter_mut().filter(|c| c.file == kind) {
                fit_scale(c, &all);
            }
        }
    }
    Ok(sets)
}
