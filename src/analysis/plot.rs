//! Charts of a run or a sweep as PNG and SVG: price paths per vendor, market shares, HHI and
//! surplus over rounds. For a sweep each line is the median across runs with a shaded band from
//! the 5th to the 95th percentile (a 90% band); a vendor's price line only where it is in the
//! market in at least half of the runs.
//!
//! Text is drawn with DejaVu Sans, shipped in `assets/fonts` and registered on first use, so
//! charts render the same on machines without system fonts.

use super::AnalysisError;
use super::load::{Dataset, Kind, Table};
use super::summary::{f64s, strs, u64s};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Chart size in pixels (PNG) and user units (SVG).
pub const SIZE: (u32, u32) = (1200, 700);
const LEGEND_WIDTH: u32 = 250;
const FONT: &str = "sans-serif";

static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // The font is compiled in; it parses, or the build itself is broken.
        if plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_err() {
            tracing::error!("the built-in font does not parse; chart text will be missing");
        }
    });
}

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
    pub points: Vec<(f64, Option<f64>, Option<f64>, Option<f64>)>,
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

/// A directory name for group `k`: its index (for order and uniqueness) and its parameter
/// values, with characters other than letters, digits and `.=-` replaced by `_`.
fn group_dir(k: usize, parameters: &[String], values: &[super::report::ParamValue]) -> String {
    let named: Vec<String> = parameters
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{p}={v}"))
        .collect();
    let clean: String = named
        .join("__")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".=-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    format!("{:02}_{clean}", k + 1)
}

/// Sets the vertical scale (and what depends on it) of `chart` to show `values`.
fn fit_scale(chart: &mut Chart, values: &[f64]) {
    let band_note = chart
        .bands
        .then(|| "shaded: 5th-95th percentile across runs".to_string());
    match chart.file.as_str() {
        "prices" => {
            // Prices beyond what an axis can show are drawn on its edge.
            let shown: Vec<f64> = values
                .iter()
                .map(|v| v.min(DATA_MAX))
                .filter(|v| *v >= DATA_MIN)
                .collect();
            let lo = shown.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = shown.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let has_free = values.iter().any(|v| *v <= 0.0);
            let has_tiny = values.iter().any(|v| *v > 0.0 && *v < DATA_MIN);
            let has_huge = values.iter().any(|v| *v > DATA_MAX);
            let (scale, label, note) = if shown.is_empty() {
                (
                    Scale::Linear(0.0, if has_huge { nice_max(DATA_MAX) } else { 1.0 }),
                    "price, USD per Mtok",
                    None,
                )
            } else if hi / lo > 30.0 && (hi / lo).log10() <= MAX_DECADES {
                // Just below the power of ten, so that rounding keeps its tick on the axis.
                let floor = 10f64.powf((lo.log10() - 0.05).floor()) * 0.999;
                let ceil = 10f64.powf((hi.log10() + 0.05).ceil());
                let below = match (has_free, has_tiny) {
                    (true, true) => Some(format!(
                        "free (price 0) and prices below {DATA_MIN:e} drawn on the bottom axis"
                    )),
                    (true, false) => Some("free (price 0) drawn on the bottom axis".to_string()),
                    (false, true) => Some(format!(
                        "prices below {DATA_MIN:e} drawn on the bottom axis"
                    )),
                    (false, false) => None,
                };
                (
                    Scale::Log(floor, ceil),
                    "price, USD per Mtok (log scale)",
                    below,
                )
            } else {
                (
                    Scale::Linear(0.0, nice_max(hi)),
                    "price, USD per Mtok",
                    None,
                )
            };
            let above =
                has_huge.then(|| format!("prices above {DATA_MAX:e} drawn at the top of the axis"));
            let note = join_notes(note, above);
            chart.scale = scale;
            chart.y_label = label.to_string();
            let active = chart.bands.then(|| {
                "a vendor's line is drawn at rounds where it is in the market in at least half of the runs, from those runs".to_string()
            });
            chart.note = join_notes(join_notes(note, band_note), active);
        }
        "surplus" => {
            let lo = values.iter().copied().fold(0.0, f64::min).max(-DATA_MAX);
            let hi = values.iter().copied().fold(0.0, f64::max).min(DATA_MAX);
            let (divisor, unit) = money_unit(lo.abs().max(hi.abs()));
            chart.scale = Scale::Linear(
                if lo < 0.0 { -nice_max(-lo) } else { 0.0 },
                if hi > 0.0 { nice_max(hi) } else { 1.0 },
            );
            chart.y_divisor = divisor;
            chart.y_label = format!("USD per round{unit}");
            chart.note = band_note;
        }
        _ => chart.note = band_note,
    }
}

/// Largest magnitude a chart's axis is fitted to; larger values are drawn on its edge.
const DATA_MAX: f64 = 1e300;
/// Smallest positive price a log axis is fitted to; smaller ones are drawn on its bottom edge.
const DATA_MIN: f64 = 1e-300;
/// Most powers of ten a log axis spans; wider ranges get a linear axis.
const MAX_DECADES: f64 = 290.0;
/// Bounds an axis may have: tick placement needs room to multiply and divide by powers of ten
/// without overflowing or losing precision.
const AXIS_MAX: f64 = 1e305;
const AXIS_MIN: f64 = 1e-305;

/// `scale` made drawable whatever its bounds: finite, ordered, within [`AXIS_MAX`], a log axis
/// positive and at most a few hundred decades wide (else linear), a linear one not degenerate.
fn drawable(scale: Scale) -> Scale {
    let fix = |v: f64| {
        if v.is_nan() {
            0.0
        } else {
            v.clamp(-AXIS_MAX, AXIS_MAX)
        }
    };
    match scale {
        Scale::Log(a, b) => {
            let (a, b) = (fix(a.min(b)), fix(a.max(b)));
            if a >= AXIS_MIN && b > a * 1.001 && (b / a).log10() <= MAX_DECADES + 10.0 {
                Scale::Log(a, b)
            } else {
                drawable(Scale::Linear(0.0, b))
            }
        }
        Scale::Linear(a, b) => {
            let (a, b) = (fix(a.min(b)), fix(a.max(b)));
            let span = b - a;
            if span >= AXIS_MIN.max(1e-9 * a.abs().max(b.abs())) {
                Scale::Linear(a, b)
            } else {
                // Degenerate: a range around the value, from zero when it is not negative.
                let c = a / 2.0 + b / 2.0;
                let h = c.abs().max(1.0);
                if c >= 0.0 {
                    Scale::Linear(0.0, c + h)
                } else {
                    Scale::Linear(c - h, c + h)
                }
            }
        }
    }
}

/// The four charts of the runs `ids` (None: every run in `data`), of which there are `runs`.
fn group_charts(
    data: &Dataset,
    ids: Option<&[u64]>,
    runs: usize,
    parameters: &str,
) -> Result<Vec<Chart>, AnalysisError> {
    let bands = data.kind == Kind::Sweep && runs > 1;
    let vendors = vendor_paths(&data.vendors, ids, runs)?;
    let market = market_paths(&data.market, ids)?;
    let x_label = format!("round ({})", round_unit(data.rounds_per_year));
    let first = market.round.first().copied().unwrap_or(0.0);
    let last = market.round.last().copied().unwrap_or(0.0);
    let x_range = (first, last.max(first + 1.0));
    let prefix = data
        .scenario
        .as_ref()
        .map(|s| format!("{s}: "))
        .unwrap_or_default();
    let mut sub: Vec<String> = Vec::new();
    if !parameters.is_empty() {
        sub.push(parameters.to_string());
    }
    if bands {
        sub.push(format!("median and 90% band across {runs} runs"));
    }
    let subtitle = (!sub.is_empty()).then(|| sub.join("; "));
    let chart = |file: &str, title: &str, y_label: &str, scale: Scale, lines: Vec<Line>| Chart {
        file: file.into(),
        title: format!("{prefix}{title}"),
        subtitle: subtitle.clone(),
        x_label: x_label.clone(),
        y_label: y_label.into(),
        x_range,
        scale,
        y_divisor: 1.0,
        lines,
        guides: Vec::new(),
        bands,
        note: None,
    };

    // Prices per vendor, with the volume-weighted index dashed.
    let mut lines: Vec<Line> = vendors
        .iter()
        .enumerate()
        .map(|(i, v)| Line {
            name: v.name.clone(),
            color: PALETTE[i % PALETTE.len()],
            dashed: false,
            points: v.price.clone(),
        })
        .collect();
    lines.push(Line {
        name: "price index (volume-weighted)".into(),
        color: INK,
        dashed: true,
        points: market.price_index.clone(),
    });
    let prices = chart(
        "prices",
        "prices per vendor",
        "price, USD per Mtok",
        Scale::Linear(0.0, 1.0),
        lines,
    );

    // Shares, in percent.
    let lines: Vec<Line> = vendors
        .iter()
        .enumerate()
        .map(|(i, v)| Line {
            name: v.name.clone(),
            color: PALETTE[i % PALETTE.len()],
            dashed: false,
            points: scale_points(&v.share, 100.0),
        })
        .collect();
    let shares = chart(
        "shares",
        "market shares",
        "share of volume sold, %",
        Scale::Linear(0.0, 100.0),
        lines,
    );

    // HHI with the merger-guideline thresholds.
    let mut hhi = chart(
        "hhi",
        "concentration (HHI)",
        "HHI of volume shares (0-10,000)",
        Scale::Linear(0.0, 10_000.0),
        vec![Line {
            name: "HHI".into(),
            color: PALETTE[0],
            dashed: false,
            points: market.hhi.clone(),
        }],
    );
    hhi.guides = vec![
        Guide {
            y: 2500.0,
            label: "2,500: highly concentrated (2010 guidelines)".into(),
            below: false,
        },
        Guide {
            y: 1800.0,
            label: "1,800: highly concentrated (2023 guidelines)".into(),
            below: false,
        },
        Guide {
            y: 1500.0,
            label: "1,500: moderately concentrated (2010 guidelines)".into(),
            below: true,
        },
    ];

    // Surplus per round.
    let lines = vec![
        Line {
            name: "consumer surplus".into(),
            color: PALETTE[0],
            dashed: false,
            points: market.consumer_surplus.clone(),
        },
        Line {
            name: "producer surplus".into(),
            color: PALETTE[1],
            dashed: false,
            points: market.producer_surplus.clone(),
        },
        Line {
            name: "welfare (sum)".into(),
            color: INK,
            dashed: true,
            points: market.welfare.clone(),
        },
    ];
    let surplus = chart(
        "surplus",
        "consumer and producer surplus",
        "USD per round",
        Scale::Linear(0.0, 1.0),
        lines,
    );
    Ok(vec![prices, shares, hhi, surplus])
}

fn join_notes(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

/// Every value a chart draws (medians and band ends).
fn values(lines: &[Line]) -> impl Iterator<Item = f64> + '_ {
    lines
        .iter()
        .flat_map(|l| l.points.iter())
        .flat_map(|&(_, m, a, b)| [m, a, b])
        .flatten()
        .filter(|v| v.is_finite())
}

fn scale_points(
    p: &[(f64, Option<f64>, Option<f64>, Option<f64>)],
    k: f64,
) -> Vec<(f64, Option<f64>, Option<f64>, Option<f64>)> {
    p.iter()
        .map(|&(x, m, a, b)| (x, m.map(|v| v * k), a.map(|v| v * k), b.map(|v| v * k)))
        .collect()
}

/// A round number just above `x`: 1, 2 or 5 times a power of ten.
fn nice_max(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let x = x * 1.05;
    let p = 10f64.powf(x.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * p)
}

/// The divisor and label suffix for money of magnitude `x`.
fn money_unit(x: f64) -> (f64, &'static str) {
    if x >= 1e12 {
        (1e12, ", trillions")
    } else if x >= 1e9 {
        (1e9, ", billions")
    } else if x >= 1e6 {
        (1e6, ", millions")
    } else if x >= 1e4 {
        (1e3, ", thousands")
    } else {
        (1.0, "")
    }
}

/// What one round is, for the axis label.
pub fn round_unit(rounds_per_year: f64) -> String {
    let named = [
        (1.0, "years"),
        (4.0, "quarters"),
        (12.0, "months"),
        (52.0, "weeks"),
        (365.0, "days"),
    ];
    named
        .iter()
        .find(|(r, _)| (rounds_per_year - r).abs() < 1e-9)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| format!("{rounds_per_year} per year"))
}

// ---------------------------------------------------------------------------------------------
// Data.

type Points = Vec<(f64, Option<f64>, Option<f64>, Option<f64>)>;

struct VendorPath {
    name: String,
    price: Points,
    share: Points,
}

struct MarketPaths {
    round: Vec<f64>,
    price_index: Points,
    hhi: Points,
    consumer_surplus: Points,
    producer_surplus: Points,
    welfare: Points,
}

/// Only the runs `ids` of a table (None: all of them).
fn only(lf: LazyFrame, ids: Option<&[u64]>) -> LazyFrame {
    match ids {
        None => lf,
        Some(ids) => {
            let keep = DataFrame::new(ids.len(), vec![Column::new("run_id".into(), ids.to_vec())])
                .expect("one column of the stated length")
                .lazy();
            lf.join(
                keep,
                [col("run_id")],
                [col("run_id")],
                JoinArgs::new(JoinType::Inner),
            )
        }
    }
}

/// Median, 5th and 95th percentile across runs of each column, per group and round.
fn band_aggs(columns: &[&str]) -> Vec<Expr> {
    columns
        .iter()
        .flat_map(|c| {
            [
                col(*c).median().alias(format!("{c}_median")),
                col(*c)
                    .quantile(lit(0.05), QuantileMethod::Linear)
                    .alias(format!("{c}_q05")),
                col(*c)
                    .quantile(lit(0.95), QuantileMethod::Linear)
                    .alias(format!("{c}_q95")),
            ]
        })
        .collect()
}

fn points(df: &DataFrame, c: &str, t: &Table) -> Result<Points, AnalysisError> {
    let x = f64s(df, "round", t)?;
    let m = f64s(df, &format!("{c}_median"), t)?;
    let a = f64s(df, &format!("{c}_q05"), t)?;
    let b = f64s(df, &format!("{c}_q95"), t)?;
    Ok((0..df.height())
        .map(|i| (x[i].unwrap_or(0.0), m[i], a[i], b[i]))
        .collect())
}

/// Each vendor's price and share paths over the runs `ids` (None: all), of which there are
/// `runs`. A vendor's price median and band are over the runs where it is in the market, and
/// only at rounds where that is at least half of the runs: a line carried on by the one
/// survivor of many runs would misread as typical.
fn vendor_paths(
    t: &Table,
    ids: Option<&[u64]>,
    runs: usize,
) -> Result<Vec<VendorPath>, AnalysisError> {
    let mut aggs = band_aggs(&["price", "share"]);
    aggs.push(col("row").min().alias("row"));
    aggs.push(
        col("active")
            .and(col("price").is_not_null())
            .cast(DataType::UInt32)
            .sum()
            .alias("active_runs"),
    );
    let order = col("row")
        .min()
        .over([col("vendor")])
        .map_err(AnalysisError::polars(&t.path))?
        .alias("order");
    let df = t.collect(|lf| {
        only(lf.with_row_index("row", None), ids)
            .group_by([col("vendor"), col("round")])
            .agg(aggs)
            .with_column(order)
            .sort(["order", "round"], Default::default())
    })?;
    let names = strs(&df, "vendor", t)?;
    let mut out: Vec<VendorPath> = Vec::new();
    let mut start = 0;
    for i in 1..=df.height() {
        if i == df.height() || names[i] != names[start] {
            let part = df.slice(start as i64, i - start);
            let active = u64s(&part, "active_runs", t)?;
            let price = points(&part, "price", t)?
                .into_iter()
                .zip(active)
                .map(|(p, a)| {
                    if 2 * a.unwrap_or(0) as usize >= runs {
                        p
                    } else {
                        (p.0, None, None, None)
                    }
                })
                .collect();
            out.push(VendorPath {
                name: names[start].clone().unwrap_or_default(),
                price,
                share: points(&part, "share", t)?,
            });
            start = i;
        }
    }
    Ok(out)
}

fn market_paths(t: &Table, ids: Option<&[u64]>) -> Result<MarketPaths, AnalysisError> {
    let cols = [
        "price_index",
        "hhi",
        "consumer_surplus",
        "producer_surplus",
        "welfare",
    ];
    let df = t.collect(|lf| {
        only(lf, ids)
            .group_by([col("round")])
            .agg(band_aggs(&cols))
            .sort(["round"], Default::default())
    })?;
    Ok(MarketPaths {
        round: f64s(&df, "round", t)?.into_iter().flatten().collect(),
        price_index: points(&df, "price_index", t)?,
        hhi: points(&df, "hhi", t)?,
        consumer_surplus: points(&df, "consumer_surplus", t)?,
        producer_surplus: points(&df, "producer_surplus", t)?,
        welfare: points(&df, "welfare", t)?,
    })
}

// ---------------------------------------------------------------------------------------------
// Drawing.

fn write_png(chart: &Chart, path: &Path) -> Result<(), AnalysisError> {
    // Drawn under a hidden temporary name (keeping the extension that selects the encoder),
    // then renamed: the file appears whole or not at all.
    let tmp = path.with_file_name(format!(".{}.{}.tmp.png", chart.file, std::process::id()));
    let fail = |message: String| AnalysisError::Plot {
        path: path.to_path_buf(),
        message,
    };
    let result = (|| {
        let root = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
        draw(&root, chart).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
        drop(root);
        std::fs::rename(&tmp, path).map_err(|cause| AnalysisError::Io {
            path: path.to_path_buf(),
            cause,
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_svg(chart: &Chart, path: &Path) -> Result<(), AnalysisError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&root, chart).map_err(|message| AnalysisError::Plot {
            path: path.to_path_buf(),
            message,
        })?;
        root.present().map_err(|e| AnalysisError::Plot {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    }
    crate::output::write_file(path, svg.as_bytes()).map_err(|e| AnalysisError::Plot {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Binds `$mk` to a function from a position to the marker of line `$i` (circle, triangle,
/// square, cross, ring, in turn) and evaluates `$body`; a macro because each shape is its own
/// element type.
macro_rules! with_marker {
    ($i:expr, $color:expr, |$mk:ident| $body:expr) => {{
        let color: RGBColor = $color;
        let fill = color.filled();
        match $i % 5 {
            0 => {
                let $mk = |p| EmptyElement::at(p) + Circle::new((0, 0), 5, fill);
                $body
            }
            1 => {
                let $mk = |p| EmptyElement::at(p) + TriangleMarker::new((0, 0), 7, fill);
                $body
            }
            2 => {
                let $mk = |p| EmptyElement::at(p) + Rectangle::new([(-5, -5), (5, 5)], fill);
                $body
            }
            3 => {
                let $mk = |p| EmptyElement::at(p) + Cross::new((0, 0), 5, color.stroke_width(3));
                $body
            }
            _ => {
                let $mk = |p| EmptyElement::at(p) + Circle::new((0, 0), 5, color.stroke_width(2));
                $body
            }
        }
    }};
}

/// Draws `chart` on `root`: title on top, plot on the left, legend on the right.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<(), String> {
    register_font();
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let mut body = root
        .margin(12, 8, 8, 8)
        .titled(&chart.title, (FONT, 26).into_font().color(&INK))
        .map_err(err)?;
    if let Some(sub) = &chart.subtitle {
        // Long parameter lists wrap onto further lines rather than run off the picture.
        for line in subtitle_lines(sub) {
            body = body
                .titled(&line, (FONT, 17).into_font().color(&GUIDE))
                .map_err(err)?;
        }
    }
    let (w, _) = body.dim_in_pixel();
    let (plot_area, legend_area) = body.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    let scale = drawable(chart.scale);
    match scale {
        Scale::Linear(a, b) => draw_plot(&plot_area, chart, scale, a..b)?,
        Scale::Log(a, b) => draw_plot(&plot_area, chart, scale, (a..b).log_scale())?,
    }
    draw_legend(&legend_area, chart).map_err(err)
}

fn draw_plot<DB, Y>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    scale: Scale,
    y: Y,
) -> Result<(), String>
where
    DB: DrawingBackend,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (x0, x1) = chart.x_range;
    let mut cc = ChartBuilder::on(area)
        .margin_top(10)
        .margin_left(10)
        .margin_right(20)
        .x_label_area_size(55)
        .y_label_area_size(90)
        .build_cartesian_2d(x0..x1, y)
        .map_err(err)?;
    let divisor = chart.y_divisor;
    let log = matches!(scale, Scale::Log(..));
    // On a log axis every 1..9 multiple of a power of ten gets a grid line; 1, 2 and 5 get labels.
    let y_fmt = |v: &f64| {
        if log {
            let mantissa = *v / 10f64.powf(v.log10().floor());
            let labelled = [1.0, 2.0, 5.0, 10.0]
                .iter()
                .any(|m| (mantissa - m).abs() < 1e-6);
            if labelled { tick(*v) } else { String::new() }
        } else {
            tick(*v / divisor)
        }
    };
    let x_fmt = |v: &f64| format!("{v:.0}");
    cc.configure_mesh()
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .axis_desc_style((FONT, 18).into_font().color(&INK))
        .label_style((FONT, 15).into_font().color(&INK))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        // At most one label per round, so that short runs get no repeated labels.
        .x_labels(((x1 - x0).round() as usize + 1).clamp(2, 12))
        .y_labels(if log { 60 } else { 10 })
        .y_max_light_lines(if log { 0 } else { 5 })
        .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
        .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
        .draw()
        .map_err(err)?;

    let (y_lo, y_hi) = match scale {
        Scale::Linear(a, b) | Scale::Log(a, b) => (a, b),
    };
    // Values off the axis (zero on a log axis) are drawn on its edge; undefined ones not at all.
    let clamp = |v: f64| v.clamp(y_lo, y_hi);
    let defined = |v: Option<f64>| v.filter(|v| !v.is_nan());

    for g in chart.guides.iter().filter(|g| g.y >= y_lo && g.y <= y_hi) {
        cc.draw_series(DashedLineSeries::new(
            [(x0, g.y), (x1, g.y)],
            5,
            5,
            GUIDE.stroke_width(1),
        ))
        .map_err(err)?;
        let pos = cc.backend_coord(&(x0, g.y));
        let (bx, by) = area.get_base_pixel();
        let dy = if g.below { 6 } else { -18 };
        area.draw(&Text::new(
            g.label.clone(),
            (pos.0 - bx + 8, pos.1 - by + dy),
            (FONT, 14).into_font().color(&GUIDE),
        ))
        .map_err(err)?;
    }

    if chart.bands {
        for line in &chart.lines {
            for run in segments(&line.points, |&(_, _, a, b)| defined(a).zip(defined(b))) {
                let mut poly: Vec<(f64, f64)> =
                    run.iter().map(|&(x, (a, _))| (x, clamp(a))).collect();
                poly.extend(run.iter().rev().map(|&(x, (_, b))| (x, clamp(b))));
                cc.draw_series(std::iter::once(Polygon::new(poly, line.color.mix(0.18))))
                    .map_err(err)?;
            }
        }
    }
    let marked = markers_shown(chart);
    for (i, line) in chart.lines.iter().enumerate() {
        let style = line.color.stroke_width(LINE_WIDTH);
        if marked && !line.dashed {
            // Markers on every k-th round, staggered between lines, so that lines with the same
            // values (two vendors matching a price) stay distinguishable.
            let n = chart.lines.iter().filter(|l| !l.dashed).count().max(1);
            let k = (line.points.len() / 12).max(n);
            let offset = i * k / n;
            let at: Vec<(f64, f64)> = line
                .points
                .iter()
                .enumerate()
                .filter(|(j, _)| (j + k - offset % k) % k == 0)
                .filter_map(|(_, &(x, m, _, _))| defined(m).map(|v| (x, clamp(v))))
                .collect();
            with_marker!(i, line.color, |mk| {
                cc.draw_series(at.iter().map(|&p| mk(p))).map_err(err)?;
            });
        }
        for run in segments(&line.points, |&(_, m, _, _)| defined(m)) {
            let pts: Vec<(f64, f64)> = run.iter().map(|&(x, v)| (x, clamp(v))).collect();
            if pts.len() == 1 {
                cc.draw_series(std::iter::once(Circle::new(pts[0], 3, style.filled())))
                    .map_err(err)?;
            } else if line.dashed {
                cc.draw_series(DashedLineSeries::new(pts, 8, 5, style))
                    .map_err(err)?;
            } else {
                cc.draw_series(LineSeries::new(pts, style)).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Characters of a subtitle line (17-pixel text across the 1200-pixel chart).
const SUBTITLE_CHARS: usize = 110;

/// Stroke width of lines, pixels.
const LINE_WIDTH: u32 = 2;

/// Lines get markers when there are several solid ones.
fn markers_shown(chart: &Chart) -> bool {
    chart.lines.iter().filter(|l| !l.dashed).count() > 1
}

/// Runs of consecutive points where `get` is defined, as (round, value).
fn segments<T: Copy>(
    points: &[(f64, Option<f64>, Option<f64>, Option<f64>)],
    get: impl Fn(&(f64, Option<f64>, Option<f64>, Option<f64>)) -> Option<T>,
) -> Vec<Vec<(f64, T)>> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for p in points {
        match get(p) {
            Some(v) => run.push((p.0, v)),
            None => {
                if !run.is_empty() {
                    out.push(std::mem::take(&mut run));
                }
            }
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = (FONT, 16).into_font().color(&INK);
    let mut y = 30;
    let marked = markers_shown(chart);
    for (i, line) in chart.lines.iter().enumerate() {
        let style = line.color.stroke_width(LINE_WIDTH);
        if marked && !line.dashed {
            with_marker!(i, line.color, |mk| area.draw(&mk((24, y + 9)))?);
        }
        if line.dashed {
            for k in 0..3 {
                area.draw(&PathElement::new(
                    vec![(8 + 12 * k, y + 9), (15 + 12 * k, y + 9)],
                    style,
                ))?;
            }
        } else {
            area.draw(&PathElement::new(vec![(8, y + 9), (40, y + 9)], style))?;
        }
        if chart.bands {
            area.draw(&Rectangle::new(
                [(8, y + 2), (40, y + 16)],
                line.color.mix(0.18).filled(),
            ))?;
        }
        for (k, part) in wrap_label(&line.name, 22).into_iter().enumerate() {
            area.draw(&Text::new(part, (48, y + k as i32 * 19), font.clone()))?;
        }
        y += 19 * wrap_label(&line.name, 22).len() as i32 + 10;
    }
    if let Some(note) = &chart.note {
        y += 10;
        let small = (FONT, 14).into_font().color(&GUIDE);
        for part in wrap_label(note, 30) {
            area.draw(&Text::new(part, (8, y), small.clone()))?;
            y += 18;
        }
    }
    Ok(())
}

/// A subtitle in lines of at most [`SUBTITLE_CHARS`] characters, broken after "; " where
/// possible, else at spaces.
fn subtitle_lines(s: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let parts: Vec<&str> = s.split("; ").collect();
    for (i, part) in parts.iter().enumerate() {
        let piece = if i + 1 < parts.len() {
            format!("{part};")
        } else {
            part.to_string()
        };
        if !line.is_empty() && line.chars().count() + 1 + piece.chars().count() > SUBTITLE_CHARS {
            lines.push(std::mem::take(&mut line));
        }
        if line.is_empty() && piece.chars().count() > SUBTITLE_CHARS {
            let mut wrapped = wrap_label(&piece, SUBTITLE_CHARS);
            line = wrapped.pop().unwrap_or_default();
            lines.extend(wrapped);
            continue;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `s` broken into lines of at most `width` characters at spaces.
fn wrap_label(s: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A tick label: few digits, no trailing zeros.
fn tick(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    let s = if a >= 1e5 || a < 1e-4 {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        let decimals = (2 - a.log10().floor() as i32).clamp(0, 6) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1000.0 && a < 1e5 {
        // Thousands separators for HHI-like values.
        let r = v.round() as i64;
        let digits = r.abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        return if r < 0 { format!("-{out}") } else { out };
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_and_axis_bounds() {
        assert_eq!(tick(0.5), "0.5");
        assert_eq!(tick(0.01), "0.01");
        assert_eq!(tick(2500.0), "2,500");
        assert_eq!(tick(12.0), "12");
        assert_eq!(nice_max(0.9), 1.0);
        assert_eq!(nice_max(3.3), 4.0);
        assert_eq!(nice_max(96.0), 120.0);
        assert_eq!(round_unit(52.0), "weeks");
        assert_eq!(round_unit(12.0), "months");
        assert_eq!(round_unit(26.0), "26 per year");
        assert_eq!(money_unit(3e8), (1e6, ", millions"));
    }

    #[test]
    fn axes_are_drawable_whatever_their_bounds() {
        let ok = |s: Scale| match drawable(s) {
            Scale::Linear(a, b) => a.is_finite() && b.is_finite() && b - a >= AXIS_MIN,
            Scale::Log(a, b) => a >= AXIS_MIN && b <= AXIS_MAX && b > a,
        };
        let bounds = [
            0.0,
            -0.0,
            5e-324,
            1e-310,
            1e-300,
            1.0,
            1e300,
            f64::MAX,
            -f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for &a in &bounds {
            for &b in &bounds {
                assert!(ok(Scale::Linear(a, b)), "linear {a}..{b}");
                assert!(ok(Scale::Log(a, b)), "log {a}..{b}");
            }
        }
        // Ordinary axes are left alone; a log axis of subnormals or of 600 decades turns linear.
        assert_eq!(drawable(Scale::Log(0.1, 100.0)), Scale::Log(0.1, 100.0));
        assert_eq!(drawable(Scale::Linear(0.0, 4.0)), Scale::Linear(0.0, 4.0));
        assert_eq!(drawable(Scale::Log(1e-320, 1.0)), Scale::Linear(0.0, 1.0));
        assert_eq!(
            drawable(Scale::Log(1e-300, 1e300)),
            Scale::Linear(0.0, 1e300)
        );
        assert_eq!(drawable(Scale::Linear(3.0, 3.0)), Scale::Linear(0.0, 6.0));
    }

    #[test]
    fn charts_draw_at_the_extremes_of_their_scales() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let scales = [
                Scale::Linear(0.0, AXIS_MIN),
                Scale::Linear(-AXIS_MAX, AXIS_MAX),
                Scale::Linear(0.0, f64::MAX),
                Scale::Linear(1.0, 1.0 + 1e-9),
                Scale::Log(AXIS_MIN, AXIS_MAX),
                Scale::Log(0.0, 1.0),
                Scale::Log(5e-324, f64::INFINITY),
            ];
            for scale in scales {
                let chart = Chart {
                    file: "prices".into(),
                    title: "t".into(),
                    subtitle: None,
                    x_label: "x".into(),
                    y_label: "y".into(),
                    x_range: (0.0, 2.0),
                    scale,
                    y_divisor: 1.0,
                    lines: vec![Line {
                        name: "A".into(),
                        color: PALETTE[0],
                        dashed: false,
                        points: vec![
                            (0.0, Some(0.0), Some(5e-324), Some(f64::MAX)),
                            (1.0, Some(f64::MAX), Some(f64::NAN), Some(f64::INFINITY)),
                            (2.0, Some(1e-300), None, None),
                        ],
                    }],
                    guides: Vec::new(),
                    bands: true,
                    note: None,
                };
                let mut svg = String::new();
                let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
                draw(&root, &chart).unwrap();
            }
            tx.send(()).unwrap();
        });
        rx.recv_timeout(std::time::Duration::from_secs(60))
            .expect("drawing finishes within a minute");
    }

    #[test]
    fn gaps_split_lines() {
        let p = vec![
            (0.0, Some(1.0), None, None),
            (1.0, None, None, None),
            (2.0, Some(2.0), None, None),
            (3.0, Some(3.0), None, None),
        ];
        let s = segments(&p, |&(_, m, _, _)| m);
        assert_eq!(s, vec![vec![(0.0, 1.0)], vec![(2.0, 2.0), (3.0, 3.0)]]);
        assert_eq!(wrap_label("price index (volume-weighted)", 22).len(), 2);
        let long = format!(
            "{}; {}; median and 90% band across 5 runs",
            "a".repeat(60),
            "b".repeat(40)
        );
        assert_eq!(
            subtitle_lines(&long),
            vec![
                format!("{}; {};", "a".repeat(60), "b".repeat(40)),
                "median and 90% band across 5 runs".to_string()
            ]
        );
    }
}
