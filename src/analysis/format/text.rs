//! The layout the table and Markdown formats share: what was analysed, the warnings, the
//! tables of a run or of each group of a sweep, and the notes. How each piece is written is
//! up to the [`Style`] of the format.

use super::TABLE_WIDTH;
use super::grid::Grid;
use super::notes::{notes, warnings};
use super::numbers::{display, grouped, opt, plain};
use crate::analysis::load::Kind;
use crate::analysis::metric::{Metric, Unit, changes, firm, market, vendor};
use crate::analysis::report::{Group, Report};
use crate::analysis::stats::Summary;

/// How a format writes each piece of the layout.
pub(super) trait Style {
    /// Opens the output with the description of what was analysed.
    fn title(&self, out: &mut String, description: &str);
    /// What a reader must know before the tables ([`warnings`]), if anything.
    fn warnings(&self, out: &mut String, warnings: &[String]);
    /// A heading of `level` (1: the title of the output).
    fn heading(&self, out: &mut String, level: usize, title: &str);
    /// A table and the blank line after it.
    fn grid(&self, out: &mut String, g: &Grid);
    /// An item of a list (a note).
    fn bullet(&self, out: &mut String, text: &str);
    /// What the short label of a parameter column (p1, p2, ...) stands for.
    fn legend(&self, out: &mut String, label: &str, path: &str);
    /// The heading of a group of a sweep, from its pieces ([`group_items`]).
    fn group_heading(&self, out: &mut String, items: &[String]);
    /// A sentence on a line of its own.
    fn line(&self, out: &mut String, text: &str);
}

/// `report` laid out in `style`.
pub(super) fn layout(report: &Report, style: &impl Style) -> String {
    let mut out = String::new();
    style.title(&mut out, &describe(report));
    style.warnings(&mut out, &warnings(report));
    match report.kind {
        Kind::Run => run_text(&mut out, style, report),
        Kind::Sweep => sweep_text(&mut out, style, report),
    }
    sensitivity_text(&mut out, style, report);
    style.heading(&mut out, 2, "Notes");
    for note in notes(report) {
        style.bullet(&mut out, &note);
    }
    out
}

/// Per name (vendor or firm) and metric: n, mean, sd and the 95% interval across runs.
fn across_runs_grid(what: &str, rows: &[(String, Vec<(Metric, Summary)>)]) -> Grid {
    let mut v = Grid::new(2);
    v.column(what, "", false);
    v.column("metric", "", false);
    v.column("unit", "", false);
    v.column("n", "", true);
    v.column("mean", "", true);
    v.column("sd", "", true);
    v.column("95% interval", "", true);
    for (name, ms) in rows {
        for (m, s) in ms {
            let mut row = vec![
                name.clone(),
                m.label.to_string(),
                unit_header(*m, true).to_string(),
            ];
            if *m == vendor::FINAL_CASH && s.n == 0 {
                row.extend(["0".into(), "unlimited".into(), "-".into(), "-".into()]);
            } else {
                row.extend(stats_cells(*m, s));
            }
            v.rows.push(row);
        }
    }
    v
}

/// A sweep's sensitivity indices, one row per metric and sampled path.
fn sensitivity_text(out: &mut String, style: &impl Style, report: &Report) {
    use crate::analysis::sensitivity::IndexValues;
    if report.sensitivity.is_empty() {
        return;
    }
    let g3 = |x: f64| format!("{x:.3}");
    let noise = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.1}%", 100.0 * x));
    let sobol = matches!(
        report.sensitivity_method,
        Some(crate::analysis::sensitivity::Method::Sobol)
    );
    style.heading(
        out,
        2,
        if sobol {
            "Sensitivity (Sobol indices of replicate means)"
        } else {
            "Sensitivity (Morris elementary effects of replicate means)"
        },
    );
    let mut t = Grid::new(2);
    t.column("metric", "", false);
    t.column("parameter", "", false);
    if sobol {
        t.column("first order", "", true);
        t.column("95% interval", "", true);
        t.column("total order", "", true);
        t.column("95% interval", "", true);
    } else {
        t.column("mu*", "", true);
        t.column("mu", "", true);
        t.column("sigma", "", true);
    }
    t.column("seed noise", "", true);
    for i in &report.sensitivity {
        let mut row = vec![i.metric.clone(), i.parameter.clone()];
        match i.values {
            IndexValues::Sobol {
                first_order,
                first_order_ci95: (a, b),
                total_order,
                total_order_ci95: (c, d),
            } => row.extend([
                g3(first_order),
                format!("{} to {}", g3(a), g3(b)),
                g3(total_order),
                format!("{} to {}", g3(c), g3(d)),
            ]),
            IndexValues::Morris { mu_star, mu, sigma } => row.extend([
                crate::analysis::format::numbers::display(mu_star, Unit::Number, false),
                crate::analysis::format::numbers::display(mu, Unit::Number, false),
                crate::analysis::format::numbers::display(sigma, Unit::Number, false),
            ]),
        }
        row.push(noise(i.noise_share));
        t.rows.push(row);
    }
    style.grid(out, &t);
}

/// The unit as a table header shows it.
fn unit_header(m: Metric, across_runs: bool) -> &'static str {
    match m.unit {
        Unit::Fraction | Unit::Number | Unit::Count => "",
        Unit::YesNo if across_runs => "share of runs",
        Unit::YesNo => "",
        Unit::FactorPerYear => "per year",
        u => u.name(),
    }
}

fn describe(report: &Report) -> String {
    let name = report
        .scenario
        .as_ref()
        .map(|s| format!(" (scenario {s})"))
        .unwrap_or_default();
    match report.kind {
        Kind::Run => format!(
            "Run {}{name}: {} rounds, {} rounds per year",
            report.dir.display(),
            report.rounds,
            plain(report.rounds_per_year)
        ),
        Kind::Sweep => {
            let reps = report
                .replicates
                .map(|r| format!(" × {r} replicates"))
                .unwrap_or_default();
            let design = if report.sampled.is_empty() {
                format!(
                    "{} runs in {} parameter combinations{reps}",
                    report.runs,
                    report.groups.len()
                )
            } else {
                let points = report
                    .points
                    .map(|p| format!(" of {p} design points{reps}"))
                    .unwrap_or_default();
                let into = match report.groups.len() {
                    1 => "one group".to_string(),
                    g => format!("{g} groups by the grid parameters"),
                };
                format!(
                    "{} runs{points}, pooled over the sampled parameters into {into}",
                    report.runs
                )
            };
            format!(
                "Sweep {}{name}: {design}, {} rounds, {} rounds per year",
                report.dir.display(),
                report.rounds,
                plain(report.rounds_per_year)
            )
        }
    }
}

fn cash_cell(m: Metric, s: &Summary, across: bool) -> String {
    if m == vendor::FINAL_CASH && s.n == 0 {
        "unlimited".into()
    } else {
        opt(s.value(), m.unit, across)
    }
}

fn run_text(out: &mut String, style: &impl Style, report: &Report) {
    let Some(g) = report.groups.first() else {
        return;
    };
    style.heading(out, 2, "Vendors");
    let mut v = Grid::new(1);
    v.column("vendor", "", false);
    for m in vendor::ALL {
        v.column(m.label, unit_header(*m, false), true);
    }
    for (name, ms) in &g.vendors {
        let mut row = vec![name.clone()];
        row.extend(ms.iter().map(|(m, s)| cash_cell(*m, s, false)));
        v.rows.push(row);
    }
    style.grid(out, &v);

    if g.has_families() {
        style.heading(out, 2, "Firms");
        let mut f = Grid::new(1);
        f.column("firm", "", false);
        for m in firm::ALL {
            f.column(m.label, unit_header(*m, false), true);
        }
        for (name, ms) in &g.firms {
            let mut row = vec![name.clone()];
            row.extend(ms.iter().map(|(m, s)| cash_cell(*m, s, false)));
            f.rows.push(row);
        }
        style.grid(out, &f);
    }

    style.heading(out, 2, "Market");
    let mut mk = Grid::new(1);
    mk.column("metric", "", false);
    mk.column("value", "", true);
    mk.column("unit", "", false);
    for (m, s) in &g.market {
        mk.rows.push(vec![
            m.label.to_string(),
            opt(s.value(), m.unit, false),
            unit_header(*m, false).to_string(),
        ]);
        if let Some(c) = g.concentration(*m) {
            for (label, class) in [
                ("class, 2023 guidelines", c.guidelines_2023),
                ("class, 2010 guidelines", c.guidelines_2010),
            ] {
                mk.rows
                    .push(vec![format!("  {label}"), class.to_string(), String::new()]);
            }
        }
    }
    style.grid(out, &mk);

    style.heading(
        out,
        2,
        "Price changes between consecutive rounds (Edgeworth-cycle statistics)",
    );
    let mut c = Grid::new(1);
    c.column("vendor", "", false);
    let metrics = changes::ALL;
    for m in metrics {
        c.column(m.label, unit_header(*m, false), true);
    }
    for (name, ms) in &g.changes {
        let mut row = vec![name.clone()];
        row.extend(ms.iter().map(|(m, s)| opt(s.value(), m.unit, false)));
        c.rows.push(row);
    }
    style.grid(out, &c);
    for m in &report.mergers {
        merger_text(out, style, m);
    }
}

/// A merger: the static prediction (Bertrand-Nash before and after) beside the prices posted.
fn merger_text(out: &mut String, style: &impl Style, m: &crate::analysis::merger::MergerReport) {
    style.heading(
        out,
        2,
        &format!(
            "Merger in round {} into {}: static prediction and what the strategies did",
            m.round, m.owner
        ),
    );
    let mut g = Grid::new(1);
    g.column("vendor", "", false);
    g.column("owner", "after", false);
    for (label, unit) in [
        ("Nash before", "USD/Mtok"),
        ("Nash after", "USD/Mtok"),
        ("predicted", "change"),
        ("posted before", "USD/Mtok"),
        ("posted last", "USD/Mtok"),
        ("observed", "change"),
        ("GUPPI", ""),
    ] {
        g.column(label, unit, true);
    }
    for p in &m.products {
        g.rows.push(vec![
            p.vendor.clone(),
            p.owner.clone(),
            opt(p.nash_before, Unit::UsdPerMtok, false),
            opt(p.nash_after, Unit::UsdPerMtok, false),
            opt(p.predicted_change, Unit::Fraction, false),
            opt(p.posted_before, Unit::UsdPerMtok, false),
            opt(p.posted_last, Unit::UsdPerMtok, false),
            opt(p.observed_change, Unit::Fraction, false),
            opt(p.guppi, Unit::Fraction, false),
        ]);
    }
    if let (Some(a), Some(b)) = (m.consumer_surplus_before, m.consumer_surplus_after) {
        g.rows.push(vec![
            "consumer surplus".into(),
            "USD/round".into(),
            opt(Some(a), Unit::Usd, false),
            opt(Some(b), Unit::Usd, false),
            opt((a != 0.0).then(|| b / a - 1.0), Unit::Fraction, false),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    style.grid(out, &g);
}

fn interval(s: &Summary, unit: Unit) -> String {
    match (s.ci95_low, s.ci95_high) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
            format!("{} to {}", display(a, unit, true), display(b, unit, true))
        }
        _ => "-".into(),
    }
}

fn stats_cells(m: Metric, s: &Summary) -> Vec<String> {
    vec![
        s.n.to_string(),
        opt(s.mean, m.unit, true),
        opt(s.sd, m.unit, true),
        interval(s, m.unit),
    ]
}

/// The pieces of a group's heading: "path = value" per parameter, the last with the runs.
fn group_items(report: &Report, g: &Group) -> Vec<String> {
    let mut items: Vec<String> = report
        .parameters
        .iter()
        .zip(&g.parameters)
        .map(|(p, v)| format!("{p} = {v}"))
        .collect();
    let runs = format!("({} runs)", g.runs);
    match items.last_mut() {
        Some(last) => {
            last.push(' ');
            last.push_str(&runs);
        }
        None => items.push(format!("all runs {runs}")),
    }
    items
}

/// Parameter columns of the overview are headed by their paths when those fit in a third of
/// the width; otherwise by p1, p2, ... with a legend.
fn parameter_labels(report: &Report) -> Option<Vec<String>> {
    let width: usize = report
        .parameters
        .iter()
        .map(|p| p.chars().count() + 2)
        .sum();
    (width > TABLE_WIDTH / 3).then(|| {
        (1..=report.parameters.len())
            .map(|i| format!("p{i}"))
            .collect()
    })
}

/// Metrics of the sweep overview, one column each, with short headers.
const OVERVIEW: &[(Metric, &str)] = &[
    (market::PRICE_INDEX_END, "price index end"),
    (market::DECLINE, "decline"),
    (market::HHI_END, "HHI end"),
    (market::LERNER_FINAL, "Lerner end"),
    (market::SURVIVORS, "survivors"),
    (market::CONSUMER_SURPLUS, "consumer surplus"),
    (market::COLLUSION_INDEX, "Δ"),
];

fn sweep_text(out: &mut String, style: &impl Style, report: &Report) {
    style.heading(
        out,
        2,
        if report.sampled.is_empty() {
            "Overview: means across replicates"
        } else {
            "Overview: means across design points and replicates"
        },
    );
    let labels = parameter_labels(report);
    let mut o = Grid::new(report.parameters.len());
    match &labels {
        Some(labels) => {
            for (label, p) in labels.iter().zip(&report.parameters) {
                style.legend(out, label, p);
                o.column(label, "", false);
            }
            out.push('\n');
        }
        None => {
            for p in &report.parameters {
                o.column(p, "", false);
            }
        }
    }
    o.column("runs", "", true);
    let shown: Vec<Metric> = OVERVIEW
        .iter()
        .filter(|(m, _)| *m != market::COLLUSION_INDEX || report.has_benchmarks)
        .map(|(m, short)| {
            o.column(short, unit_header(*m, true), true);
            *m
        })
        .collect();
    for g in &report.groups {
        let mut row: Vec<String> = g.parameters.iter().map(|v| v.to_string()).collect();
        row.push(g.runs.to_string());
        for m in &shown {
            row.push(opt(g.market(*m).and_then(|s| s.mean), m.unit, true));
        }
        o.rows.push(row);
    }
    style.grid(out, &o);

    for g in &report.groups {
        style.group_heading(out, &group_items(report, g));
        style.heading(out, 3, "Market");
        let mut mk = Grid::new(1);
        mk.column("metric", "", false);
        mk.column("unit", "", false);
        mk.column("n", "", true);
        mk.column("mean", "", true);
        mk.column("sd", "", true);
        mk.column("95% interval", "", true);
        for (m, s) in &g.market {
            let mut row = vec![m.label.to_string(), unit_header(*m, true).to_string()];
            row.extend(stats_cells(*m, s));
            mk.rows.push(row);
        }
        style.grid(out, &mk);
        // Concentration classes of the mean HHI at start and end.
        for (when, m) in [("start", market::HHI_START), ("end", market::HHI_END)] {
            let (Some(h), Some(c)) = (g.market(m).and_then(|s| s.mean), g.concentration(m)) else {
                continue;
            };
            let (new, old) = (c.guidelines_2023, c.guidelines_2010);
            let class = if new == old {
                format!("{new} under the 2023 and the 2010 guidelines")
            } else {
                format!("{new} (2023 guidelines), {old} (2010 guidelines)")
            };
            let line = format!("Mean HHI at {when} {}: {class}.", grouped(h));
            style.line(out, &line);
        }
        out.push('\n');

        style.heading(out, 3, "Vendors");
        style.grid(out, &across_runs_grid("vendor", &g.vendors));

        if g.has_families() {
            style.heading(out, 3, "Firms");
            style.grid(out, &across_runs_grid("firm", &g.firms));
        }

        style.heading(out, 3, "Price changes (Edgeworth-cycle statistics)");
        let mut c = Grid::new(2);
        c.column("vendor", "", false);
        c.column("metric", "", false);
        c.column("n", "", true);
        c.column("mean", "", true);
        c.column("sd", "", true);
        c.column("95% interval", "", true);
        for (name, ms) in &g.changes {
            for (m, s) in ms {
                let mut row = vec![name.clone(), m.label.to_string()];
                row.extend(stats_cells(*m, s));
                c.rows.push(row);
            }
        }
        style.grid(out, &c);
    }
}
