//! The CSV format: long, one row per table, vendor and metric; full precision, empty where
//! undefined.

use crate::analysis::load::Kind;
use crate::analysis::metric::{Metric, market};
use crate::analysis::report::{Group, Report};
use crate::analysis::stats::Summary;

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_num(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

fn csv_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(","));
    out.push('\n');
}

/// Rows of one group as (table, vendor, metric, summary).
fn rows(g: &Group) -> Vec<(&'static str, String, Metric, Summary)> {
    let mut r: Vec<(&'static str, String, Metric, Summary)> = g
        .market
        .iter()
        .map(|(m, s)| ("market", String::new(), *m, *s))
        .collect();
    for (name, ms) in &g.vendors {
        r.extend(ms.iter().map(|(m, s)| ("vendors", name.clone(), *m, *s)));
    }
    for (name, ms) in &g.changes {
        r.extend(
            ms.iter()
                .map(|(m, s)| ("price_changes", name.clone(), *m, *s)),
        );
    }
    for (name, ms) in &g.firms {
        r.extend(ms.iter().map(|(m, s)| ("firms", name.clone(), *m, *s)));
    }
    r
}

/// One index of a sensitivity row: name, value, bootstrap interval.
type IndexCell = (&'static str, f64, Option<(f64, f64)>);

/// `report` as CSV.
pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    match report.kind {
        Kind::Run => {
            csv_line(
                &mut out,
                &["table", "vendor", "metric", "unit", "value"].map(String::from),
            );
            for g in &report.groups {
                for (table, vendor, m, s) in rows(g) {
                    csv_line(
                        &mut out,
                        &[
                            table.into(),
                            vendor,
                            m.key.into(),
                            m.unit.name().into(),
                            csv_num(s.value()),
                        ],
                    );
                    if table == "market" && market::CLASSED.contains(&m) {
                        let c = g.concentration(m);
                        for (year, class) in [
                            ("2023", c.map(|c| c.guidelines_2023)),
                            ("2010", c.map(|c| c.guidelines_2010)),
                        ] {
                            csv_line(
                                &mut out,
                                &[
                                    table.into(),
                                    String::new(),
                                    format!("{}_class_{year}", m.key),
                                    "class".into(),
                                    class.unwrap_or_default().into(),
                                ],
                            );
                        }
                    }
                }
            }
            for m in &report.mergers {
                for p in &m.products {
                    for (key, unit, x) in [
                        ("nash_before", "USD/Mtok", p.nash_before),
                        ("nash_after", "USD/Mtok", p.nash_after),
                        ("predicted_change", "fraction", p.predicted_change),
                        ("posted_before", "USD/Mtok", p.posted_before),
                        ("posted_last", "USD/Mtok", p.posted_last),
                        ("observed_change", "fraction", p.observed_change),
                        ("guppi", "fraction", p.guppi),
                    ] {
                        csv_line(
                            &mut out,
                            &[
                                format!("merger_round_{}", m.round),
                                p.vendor.clone(),
                                key.into(),
                                unit.into(),
                                csv_num(x),
                            ],
                        );
                    }
                }
            }
        }
        Kind::Sweep => {
            let mut header = vec!["table".to_string()];
            header.extend(report.parameters.iter().cloned());
            header.extend(
                [
                    "runs",
                    "vendor",
                    "metric",
                    "unit",
                    "n",
                    "mean",
                    "sd",
                    "ci95_low",
                    "ci95_high",
                    "text",
                ]
                .map(String::from),
            );
            csv_line(&mut out, &header);
            let blank = vec![String::new(); report.parameters.len()];
            // Sweep-wide rows: runs planned and present, shards without runs, sampled ranges.
            let sweep_row =
                |out: &mut String, metric: &str, unit: &str, x: Option<f64>, text: &str| {
                    let mut line = vec!["sweep".to_string()];
                    line.extend(blank.iter().cloned());
                    line.extend([
                        report.runs.to_string(),
                        String::new(),
                        metric.into(),
                        unit.into(),
                        String::new(),
                        csv_num(x),
                        String::new(),
                        String::new(),
                        String::new(),
                        text.into(),
                    ]);
                    csv_line(out, &line);
                };
            if let Some(c) = &report.completeness {
                sweep_row(
                    &mut out,
                    "planned_runs",
                    "count",
                    Some(c.planned as f64),
                    "",
                );
                sweep_row(
                    &mut out,
                    "runs_present",
                    "count",
                    Some(c.present as f64),
                    "",
                );
                for k in &c.missing_shards {
                    sweep_row(&mut out, "missing_shard", "shard", Some(*k as f64), "");
                }
                for k in &c.incomplete_shards {
                    sweep_row(&mut out, "incomplete_shard", "shard", Some(*k as f64), "");
                }
            }
            for p in &report.sampled {
                let (lo, hi) = p.range.unzip();
                sweep_row(&mut out, "sampled_parameter_low", "", lo, &p.path);
                sweep_row(&mut out, "sampled_parameter_high", "", hi, &p.path);
            }
            // Sensitivity: one row per metric, sampled path and index; `mean` holds the index,
            // the interval its bootstrap 95% interval (Sobol).
            for i in &report.sensitivity {
                use crate::analysis::sensitivity::IndexValues;
                let cells: Vec<IndexCell> = match i.values {
                    IndexValues::Sobol {
                        first_order,
                        first_order_ci95,
                        total_order,
                        total_order_ci95,
                    } => vec![
                        ("first_order", first_order, Some(first_order_ci95)),
                        ("total_order", total_order, Some(total_order_ci95)),
                    ],
                    IndexValues::Morris { mu_star, mu, sigma } => vec![
                        ("mu_star", mu_star, None),
                        ("mu", mu, None),
                        ("sigma", sigma, None),
                    ],
                };
                let noise = [("seed_noise_share", i.noise_share)];
                for (index, x, ci) in cells
                    .into_iter()
                    .map(|(k, x, ci)| (k, Some(x), ci))
                    .chain(noise.into_iter().map(|(k, x)| (k, x, None)))
                {
                    let mut line = vec!["sensitivity".to_string()];
                    line.extend(blank.iter().cloned());
                    line.extend([
                        report.runs.to_string(),
                        i.parameter.clone(),
                        format!("{}.{index}", i.metric),
                        "index".into(),
                        String::new(),
                        csv_num(x),
                        String::new(),
                        csv_num(ci.map(|c| c.0)),
                        csv_num(ci.map(|c| c.1)),
                        String::new(),
                    ]);
                    csv_line(&mut out, &line);
                }
            }
            for g in &report.groups {
                let params: Vec<String> = g.parameters.iter().map(|p| p.full()).collect();
                for (table, vendor, m, s) in rows(g) {
                    let mut line = vec![table.to_string()];
                    line.extend(params.iter().cloned());
                    line.extend([
                        g.runs.to_string(),
                        vendor,
                        m.key.into(),
                        m.unit.name().into(),
                        s.n.to_string(),
                        csv_num(s.mean),
                        csv_num(s.sd),
                        csv_num(s.ci95_low),
                        csv_num(s.ci95_high),
                        String::new(),
                    ]);
                    csv_line(&mut out, &line);
                    if table == "market" && market::CLASSED.contains(&m) {
                        // The classes of the mean HHI, as text.
                        let c = g.concentration(m);
                        for (year, class) in [
                            ("2023", c.map(|c| c.guidelines_2023)),
                            ("2010", c.map(|c| c.guidelines_2010)),
                        ] {
                            let mut line = vec![table.to_string()];
                            line.extend(params.iter().cloned());
                            line.extend([
                                g.runs.to_string(),
                                String::new(),
                                format!("{}_class_{year}", m.key),
                                "class".into(),
                                s.n.to_string(),
                                String::new(),
                                String::new(),
                                String::new(),
                                String::new(),
                                class.unwrap_or_default().into(),
                            ]);
                            csv_line(&mut out, &line);
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("0-10,000"), "\"0-10,000\"");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_num(Some(f64::NAN)), "");
    }
}
