//! Which charts a group of runs gets: prices per vendor with the price index, market shares,
//! HHI with the merger-guideline thresholds, and surplus per round.

use super::paths::{market_paths, vendor_paths};
use super::scale::round_unit;
use super::{Chart, Guide, INK, Line, PALETTE, Point, Scale};
use crate::analysis::AnalysisError;
use crate::analysis::load::{Dataset, Kind};
use crate::analysis::report::ParamValue;

/// A directory name for group `k`: its index (for order and uniqueness) and its parameter
/// values, with characters other than letters, digits and `.=-` replaced by `_`.
pub(super) fn group_dir(k: usize, parameters: &[String], values: &[ParamValue]) -> String {
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

/// The four charts of the runs `ids` (None: every run in `data`), of which there are `runs`.
pub(super) fn group_charts(
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

fn scale_points(p: &[Point], k: f64) -> Vec<Point> {
    p.iter()
        .map(|&(x, m, a, b)| (x, m.map(|v| v * k), a.map(|v| v * k), b.map(|v| v * k)))
        .collect()
}
