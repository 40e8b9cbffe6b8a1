//! Printing a report: a table for the terminal (at most 100 columns wide), CSV, JSON or
//! Markdown. Undefined values print as "-" (table, Markdown), empty (CSV) or null (JSON),
//! never NaN.

use super::load::Kind;
use super::metric::{Metric, Unit, market, vendor};
use super::report::{Group, ParamValue, Report};
use super::stats::Summary;
use super::summary::COLLUSION_WINDOW;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
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
        Format::Table => text(report, false),
        Format::Markdown => text(report, true),
        Format::Csv => csv(report),
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&json_value(report)).expect("JSON of a report");
            s.push('\n');
            s
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers.

/// `x` with `sig` significant digits, in plain notation where that stays short.
fn significant(x: f64, sig: i32) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-4..7).contains(&mag) {
        return format!("{:.*e}", (sig - 1).max(0) as usize, x);
    }
    let decimals = (sig - 1 - mag).max(0) as usize;
    format!("{x:.decimals$}")
}

/// `x` as written plainly: whole numbers without decimals.
fn plain(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        significant(x, 6)
    }
}

/// `x` with thousands separators, rounded to an integer.
fn grouped(x: f64) -> String {
    if x.abs() >= 1e15 {
        return significant(x, 4);
    }
    let r = x.round();
    let digits = format!("{}", r.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if r < 0.0 { format!("-{out}") } else { out }
}

/// USD amounts: 4 significant digits, with k, M, B or T from a thousand up.
fn money(x: f64) -> String {
    let a = x.abs();
    let (div, suffix) = if a >= 1e12 {
        (1e12, " T")
    } else if a >= 1e9 {
        (1e9, " B")
    } else if a >= 1e6 {
        (1e6, " M")
    } else if a >= 1e3 {
        (1e3, " k")
    } else {
        (1.0, "")
    };
    if a >= 1e15 {
        return significant(x, 4);
    }
    format!("{}{suffix}", significant(x / div, 4))
}

/// A value of `unit` for tables. `across_runs` prints yes/no metrics as the share of runs.
pub fn display(x: f64, unit: Unit, across_runs: bool) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    match unit {
        Unit::UsdPerMtok => significant(x, 4),
        Unit::Usd => money(x),
        Unit::Fraction => percent(x),
        Unit::Number => {
            if x.abs() >= 1000.0 {
                significant(x, 4)
            } else {
                format!("{x:.3}")
            }
        }
        Unit::FactorPerYear => format!("{}×", significant(x, 3)),
        Unit::Hhi => grouped(x),
        Unit::Count => {
            if across_runs && x.fract() != 0.0 {
                format!("{x:.1}")
            } else {
                grouped(x)
            }
        }
        Unit::YesNo => {
            if across_runs {
                percent(x)
            } else if x > 0.5 {
                "yes".into()
            } else {
                "no".into()
            }
        }
    }
}

fn percent(x: f64) -> String {
    let p = 100.0 * x;
    if !p.is_finite() {
        // 100·x beyond f64: x's digits with the exponent raised by two.
        let s = format!("{x:.2e}");
        return match s.split_once('e').map(|(m, e)| (m, e.parse::<i32>())) {
            Some((m, Ok(e))) => format!("{m}e{}%", e + 2),
            _ => "-".into(),
        };
    }
    if p != 0.0 && p.abs() < 0.1 {
        format!("{}%", significant(p, 2))
    } else if p.abs() >= 1e6 {
        format!("{}%", significant(p, 3))
    } else {
        format!("{p:.1}%")
    }
}

fn opt(x: Option<f64>, unit: Unit, across_runs: bool) -> String {
    x.map_or_else(|| "-".into(), |v| display(v, unit, across_runs))
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

// ---------------------------------------------------------------------------------------------
// Tables.

/// A table of strings: headers (label and unit line), rows, and how many leading columns are
/// keys (repeated when a wide table is split).
struct Grid {
    headers: Vec<(String, String)>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
    keys: usize,
}

impl Grid {
    fn new(keys: usize) -> Self {
        Grid {
            headers: Vec::new(),
            right: Vec::new(),
            rows: Vec::new(),
            keys,
        }
    }

    fn column(&mut self, label: &str, unit: &str, right: bool) {
        self.headers.push((label.to_string(), unit.to_string()));
        self.right.push(right);
    }

    fn width(&self, c: usize, cap: usize) -> usize {
        let (l, u) = &self.headers[c];
        let w = self
            .rows
            .iter()
            .map(|r| r[c].chars().count())
            .chain([l.chars().count(), u.chars().count()])
            .max()
            .unwrap_or(0);
        w.min(cap)
    }

    /// Plain text, split into several tables (key columns repeated) when wider than `max`.
    /// Every line is at most `max` characters: key columns are repeated only while they take
    /// at most half of `max` (the others split like ordinary columns), and cells that would not
    /// fit are cut with an ellipsis.
    fn text(&self, max: usize) -> String {
        let n = self.headers.len();
        let key_cap = 40;
        let mut widths: Vec<usize> = (0..n)
            .map(|c| self.width(c, if c < self.keys { key_cap } else { max }))
            .collect();
        let mut keys = 0;
        let mut key_width = 0;
        while keys < self.keys.min(n) && key_width + widths[keys] + 2 <= max / 2 {
            key_width += widths[keys] + 2;
            keys += 1;
        }
        for w in &mut widths[keys..] {
            *w = (*w).min(max - key_width).max(1);
        }
        let mut chunks: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut used = key_width;
        for c in keys..n {
            let w = widths[c] + 2;
            if !current.is_empty() && used + w > max + 2 {
                chunks.push(std::mem::take(&mut current));
                used = key_width;
            }
            current.push(c);
            used += w;
        }
        if !current.is_empty() || chunks.is_empty() {
            chunks.push(current);
        }
        let mut out = String::new();
        for (k, chunk) in chunks.iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            let cols: Vec<usize> = (0..keys).chain(chunk.iter().copied()).collect();
            let line = |cells: &dyn Fn(usize) -> String| {
                let mut s = String::new();
                for (i, &c) in cols.iter().enumerate() {
                    let cell = fit(&cells(c), widths[c]);
                    let pad = widths[c] - cell.chars().count();
                    if i > 0 {
                        s.push_str("  ");
                    }
                    if self.right[c] {
                        s.push_str(&" ".repeat(pad));
                        s.push_str(&cell);
                    } else {
                        s.push_str(&cell);
                        s.push_str(&" ".repeat(pad));
                    }
                }
                s.trim_end().to_string() + "\n"
            };
            out += &line(&|c| self.headers[c].0.clone());
            if cols.iter().any(|&c| !self.headers[c].1.is_empty()) {
                out += &line(&|c| self.headers[c].1.clone());
            }
            let total: usize =
                cols.iter().map(|&c| widths[c]).sum::<usize>() + 2 * (cols.len() - 1);
            out += &"-".repeat(total);
            out.push('\n');
            for r in &self.rows {
                out += &line(&|c| r[c].clone());
            }
        }
        out
    }

    fn markdown(&self) -> String {
        let header: Vec<String> = self
            .headers
            .iter()
            .map(|(l, u)| {
                if u.is_empty() {
                    l.clone()
                } else {
                    format!("{l} ({u})")
                }
            })
            .collect();
        let mut out = format!(
            "| {} |\n",
            header
                .iter()
                .map(|h| md_escape(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        out += &format!(
            "|{}|\n",
            self.right
                .iter()
                .map(|r| if *r { " ---: " } else { " --- " })
                .collect::<Vec<_>>()
                .join("|")
        );
        for r in &self.rows {
            out += &format!(
                "| {} |\n",
                r.iter()
                    .map(|c| md_escape(c))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
        }
        out
    }
}

/// A table cell on one line: line breaks, tabs and other control characters become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A Markdown table cell: on one line, with `|` escaped.
fn md_escape(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

/// `s` on one line, cut to `w` characters with an ellipsis.
fn fit(s: &str, w: usize) -> String {
    let s = one_line(s);
    if s.chars().count() <= w {
        s
    } else {
        let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Wraps `text` at `width` characters, prefixing the first line with `first` and the others
/// with spaces of the same width; words longer than a line are broken.
fn wrap(text: &str, width: usize, first: &str) -> String {
    let indent = " ".repeat(first.chars().count());
    let room = width.saturating_sub(indent.chars().count()).max(8);
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    let words = text.split_whitespace().flat_map(|w| {
        let chars: Vec<char> = w.chars().collect();
        chars
            .chunks(room)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
    });
    for word in words {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out += line.trim_end();
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word);
        empty = false;
    }
    out += line.trim_end();
    out.push('\n');
    out
}

/// Items joined by ", " and packed into lines of at most `width` characters, continuation
/// lines indented by two spaces; an item longer than a line is broken.
fn pack(items: &[String], width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        let sep = if line.is_empty() { "" } else { " " };
        if !line.is_empty() && line.chars().count() + 1 + piece.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        let lead = if lines.is_empty() { "" } else { "  " };
        if line.is_empty() {
            line.push_str(lead);
        } else {
            line.push_str(sep);
        }
        let mut chars: Vec<char> = piece.chars().collect();
        while line.chars().count() + chars.len() > width {
            let room = width.saturating_sub(line.chars().count()).max(1);
            let head: String = chars.drain(..room.min(chars.len())).collect();
            line.push_str(&head);
            lines.push(std::mem::replace(&mut line, "  ".into()));
        }
        line.extend(chars);
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .iter()
        .map(|l| l.trim_end().to_string() + "\n")
        .collect()
}

/// A heading in the table or Markdown format.
fn heading(out: &mut String, md: bool, level: usize, title: &str) {
    if md {
        let _ = writeln!(out, "{} {title}\n", "#".repeat(level));
    } else {
        let _ = writeln!(out, "{title}");
    }
}

fn grid(out: &mut String, md: bool, g: &Grid) {
    if md {
        out.push_str(&g.markdown());
    } else {
        out.push_str(&g.text(TABLE_WIDTH));
    }
    out.push('\n');
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

/// What a reader must know before the tables: an incomplete sweep, pooled sampled parameters.
pub fn warnings(report: &Report) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(c) = report.completeness.as_ref().filter(|c| !c.is_complete()) {
        w.push(format!("Incomplete sweep: {}", c.message(&report.dir)));
    }
    if !report.sampled.is_empty() {
        let ranges: Vec<String> = report
            .sampled
            .iter()
            .map(|p| match p.range {
                Some((lo, hi)) => format!(
                    "{} ({} to {})",
                    p.path,
                    super::report::short_number(lo),
                    super::report::short_number(hi)
                ),
                None => p.path.clone(),
            })
            .collect();
        let by = if report.parameters.is_empty() {
            "all runs form one group, whose mean, sd and interval are across all design points and replicates"
        } else {
            "groups are formed by the grid parameters only, and each group's mean, sd and interval are across all its design points and replicates"
        };
        let verb = if report.sampled.len() == 1 {
            "varies"
        } else {
            "vary"
        };
        w.push(format!(
            "Sampled parameters are pooled: {} {verb} continuously, one value per design point, so {by}. For how a metric depends on a sampled parameter, fit it to the per-run table {}/runs/ (one row per run: run_id, replicate, seed, the swept parameters and the run's summary metrics), e.g. pl.scan_parquet(\"{}/runs/**/*.parquet\").",
            ranges.join(", "),
            report.dir.display(),
            report.dir.display()
        ));
    }
    w
}

/// Whether some run has both benchmarks but no collusion index (they nearly coincide).
fn benchmarks_coincide(report: &Report) -> bool {
    report.groups.iter().any(|g| {
        let n = |m| g.market(m).map_or(0, |s| s.n);
        n(market::WINDOW_PROFIT)
            .min(n(market::NASH_PROFIT))
            .min(n(market::JOINT_PROFIT))
            > n(market::COLLUSION_INDEX)
    })
}

/// How each metric is defined, printed under the tables.
pub fn notes(report: &Report) -> Vec<String> {
    let mut n = vec![
        "Price index: volume-weighted price over vendors (USD/Mtok); start and end are the first and last rounds with sales; annualised decline = (start / end)^(rounds per year / rounds between them), so 4× means prices fall to a quarter each year.".to_string(),
        "HHI: Herfindahl-Hirschman index of vendors' volume shares (0-10,000). 2023 US merger guidelines: above 1,800 highly concentrated. 2010 guidelines: below 1,500 unconcentrated, 1,500-2,500 moderately, above 2,500 highly concentrated.".to_string(),
        "Lerner index: volume-weighted (price - marginal cost) / price over vendors with a positive price and sales; \"final round\" is the last round, \"mean over rounds\" the average of each round's index over rounds with sales.".to_string(),
        "Surplus and welfare: summed over all rounds, USD; consumer surplus is the logit log-sum (with the outside option), producer surplus revenue minus variable cost.".to_string(),
    ];
    let pct = (COLLUSION_WINDOW * 100.0).round();
    if report.has_benchmarks {
        let window = report
            .window
            .map(|(a, b)| format!(" (here rounds {a}-{b})"))
            .unwrap_or_default();
        n.push(format!(
            "Collusion index Δ = (Π - Π_Nash) / (Π_joint - Π_Nash): Π is industry variable profit per round (revenue - variable cost) averaged over the last {pct}% of rounds, at least one{window}; 0 at Bertrand-Nash profits, 1 at joint-profit maximisation.{}",
            if benchmarks_coincide(report) {
                " It is left out (-) where the two benchmarks are within 0.1% of each other: with nothing between them to collude on, the index would only magnify noise."
            } else {
                ""
            }
        ));
    } else {
        n.push("Collusion index Δ: not computed, the output has no Bertrand-Nash and joint-profit benchmarks.".to_string());
    }
    n.push("Price changes (Edgeworth-cycle statistics): relative changes (p_t - p_t-1) / p_t-1 between consecutive rounds a vendor is in the market; share of cuts among non-zero changes; mean rise and mean cut as relative sizes; skewness g1 of the non-zero changes (positive: frequent small cuts and rare large rises, the Edgeworth-cycle pattern); all undefined (-) when a change is beyond the range of f64.".to_string());
    n.push("Vendors: mean price over the rounds in the market; final values at the last round; final cash \"unlimited\" when the vendor has no cash limit.".to_string());
    if report.kind == Kind::Sweep {
        n.push("Across runs: n runs with the metric defined, mean, sample standard deviation sd and the 95% interval of the mean, mean ± t(0.975, n-1)·sd/√n, over the replicates of each parameter combination; \"survived\" is the share of runs in which the vendor survived.".to_string());
    }
    n
}

fn text(report: &Report, md: bool) -> String {
    let mut out = String::new();
    if md {
        heading(&mut out, md, 1, "pricewar analysis");
        let _ = writeln!(out, "{}\n", describe(report));
    } else {
        out += &wrap(&describe(report), TABLE_WIDTH, "");
        out.push('\n');
    }
    let warned = warnings(report);
    for w in &warned {
        if md {
            let _ = writeln!(out, "> **Note.** {w}\n");
        } else {
            out += &wrap(w, TABLE_WIDTH, "Note: ");
        }
    }
    if !md && !warned.is_empty() {
        out.push('\n');
    }
    match report.kind {
        Kind::Run => run_text(&mut out, md, report),
        Kind::Sweep => sweep_text(&mut out, md, report),
    }
    heading(&mut out, md, 2, "Notes");
    for note in notes(report) {
        if md {
            let _ = writeln!(out, "- {note}");
        } else {
            out += &wrap(&note, TABLE_WIDTH, "- ");
        }
    }
    out
}

fn cash_cell(m: Metric, s: &Summary, across: bool) -> String {
    if m == vendor::FINAL_CASH && s.n == 0 {
        "unlimited".into()
    } else {
        opt(s.value(), m.unit, across)
    }
}

fn run_text(out: &mut String, md: bool, report: &Report) {
    let Some(g) = report.groups.first() else {
        return;
    };
    heading(out, md, 2, "Vendors");
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
    grid(out, md, &v);

    heading(out, md, 2, "Market");
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
        if *m == market::HHI_START || *m == market::HHI_END {
            for (label, class) in classes(s.value()) {
                mk.rows
                    .push(vec![format!("  {label}"), class, String::new()]);
            }
        }
    }
    grid(out, md, &mk);

    heading(
        out,
        md,
        2,
        "Price changes between consecutive rounds (Edgeworth-cycle statistics)",
    );
    let mut c = Grid::new(1);
    c.column("vendor", "", false);
    let metrics = super::metric::changes::ALL;
    for m in metrics {
        c.column(m.label, unit_header(*m, false), true);
    }
    for (name, ms) in &g.changes {
        let mut row = vec![name.clone()];
        row.extend(ms.iter().map(|(m, s)| opt(s.value(), m.unit, false)));
        c.rows.push(row);
    }
    grid(out, md, &c);
}

/// Concentration classes of an HHI under the 2023 and 2010 guidelines.
fn classes(hhi: Option<f64>) -> Vec<(&'static str, String)> {
    match hhi {
        None => Vec::new(),
        Some(h) => vec![
            (
                "class, 2023 guidelines",
                crate::metrics::concentration_2023(h).to_string(),
            ),
            (
                "class, 2010 guidelines",
                crate::metrics::concentration_2010(h).to_string(),
            ),
        ],
    }
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

/// The heading of a group: its parameter values (4 significant digits) and runs.
fn group_title(report: &Report, g: &Group) -> String {
    group_items(report, g).join(", ")
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

/// A group's heading: one Markdown heading, or lines of at most 100 columns.
fn group_heading(out: &mut String, md: bool, report: &Report, g: &Group) {
    if md {
        heading(out, md, 2, &group_title(report, g));
    } else {
        let title = pack(&group_items(report, g), TABLE_WIDTH);
        let rule = title.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        out.push_str(&title);
        out.push_str(&"=".repeat(rule));
        out.push('\n');
    }
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

fn sweep_text(out: &mut String, md: bool, report: &Report) {
    heading(
        out,
        md,
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
                if md {
                    let _ = writeln!(out, "- {label} = `{p}`");
                } else {
                    out.push_str(&wrap(p, TABLE_WIDTH, &format!("{label} = ")));
                }
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
    grid(out, md, &o);

    for g in &report.groups {
        group_heading(out, md, report, g);
        heading(out, md, 3, "Market");
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
        grid(out, md, &mk);
        // Concentration classes of the mean HHI at start and end.
        for (when, m) in [("start", market::HHI_START), ("end", market::HHI_END)] {
            let Some(h) = g.market(m).and_then(|s| s.mean) else {
                continue;
            };
            let (new, old) = (
                crate::metrics::concentration_2023(h),
                crate::metrics::concentration_2010(h),
            );
            let class = if new == old {
                format!("{new} under the 2023 and the 2010 guidelines")
            } else {
                format!("{new} (2023 guidelines), {old} (2010 guidelines)")
            };
            let line = format!("Mean HHI at {when} {}: {class}.", grouped(h));
            if md {
                let _ = writeln!(out, "{line}  ");
            } else {
                out.push_str(&wrap(&line, TABLE_WIDTH, ""));
            }
        }
        out.push('\n');

        heading(out, md, 3, "Vendors");
        let mut v = Grid::new(2);
        v.column("vendor", "", false);
        v.column("metric", "", false);
        v.column("unit", "", false);
        v.column("n", "", true);
        v.column("mean", "", true);
        v.column("sd", "", true);
        v.column("95% interval", "", true);
        for (name, ms) in &g.vendors {
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
        grid(out, md, &v);

        heading(out, md, 3, "Price changes (Edgeworth-cycle statistics)");
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
        grid(out, md, &c);
    }
}

// ---------------------------------------------------------------------------------------------
// CSV.

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
    r
}

fn csv(report: &Report) -> String {
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
                    if table == "market" && (m == market::HHI_START || m == market::HHI_END) {
                        for (year, class) in [
                            ("2023", s.value().map(crate::metrics::concentration_2023)),
                            ("2010", s.value().map(crate::metrics::concentration_2010)),
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
                    if table == "market" && (m == market::HHI_START || m == market::HHI_END) {
                        // The class of the mean HHI, as text.
                        for (year, class) in [
                            ("2023", s.mean.map(crate::metrics::concentration_2023)),
                            ("2010", s.mean.map(crate::metrics::concentration_2010)),
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

// ---------------------------------------------------------------------------------------------
// JSON.

fn num(x: Option<f64>) -> Value {
    x.filter(|v| v.is_finite())
        .map_or(Value::Null, |v| json!(v))
}

/// A single run's value: counts as integers, yes/no as booleans, other numbers as they are.
fn value_json(m: Metric, x: Option<f64>) -> Value {
    match (m.unit, x) {
        (Unit::Count, Some(v)) if v.fract() == 0.0 && v.abs() < 9e15 => json!(v as i64),
        (Unit::YesNo, Some(v)) => json!(v > 0.5),
        (_, x) => num(x),
    }
}

fn summary_json(s: &Summary) -> Value {
    json!({
        "n": s.n,
        "mean": num(s.mean),
        "sd": num(s.sd),
        "ci95_low": num(s.ci95_low),
        "ci95_high": num(s.ci95_high),
    })
}

fn group_json(report: &Report, g: &Group) -> Value {
    let sweep = report.kind == Kind::Sweep;
    let cell = |m: Metric, s: &Summary| {
        if sweep {
            summary_json(s)
        } else {
            value_json(m, s.value())
        }
    };
    let mut market = Map::new();
    for (m, s) in &g.market {
        market.insert(m.key.into(), cell(*m, s));
        if *m == market::HHI_START || *m == market::HHI_END {
            let h = if sweep { s.mean } else { s.value() };
            market.insert(
                format!("{}_class_2023", m.key),
                h.map_or(Value::Null, |h| {
                    json!(crate::metrics::concentration_2023(h))
                }),
            );
            market.insert(
                format!("{}_class_2010", m.key),
                h.map_or(Value::Null, |h| {
                    json!(crate::metrics::concentration_2010(h))
                }),
            );
        }
    }
    let named = |rows: &[(String, Vec<(Metric, Summary)>)]| -> Value {
        Value::Array(
            rows.iter()
                .map(|(name, ms)| {
                    let mut o = Map::new();
                    o.insert("vendor".into(), json!(name));
                    for (m, s) in ms {
                        o.insert(m.key.into(), cell(*m, s));
                    }
                    Value::Object(o)
                })
                .collect(),
        )
    };
    let mut o = Map::new();
    if sweep {
        let mut p = Map::new();
        for (name, v) in report.parameters.iter().zip(&g.parameters) {
            p.insert(
                name.clone(),
                match v {
                    ParamValue::Number(x) => num(Some(*x)),
                    ParamValue::Text(s) => json!(s),
                    ParamValue::Missing => Value::Null,
                },
            );
        }
        o.insert("parameters".into(), Value::Object(p));
        o.insert("runs".into(), json!(g.runs));
    }
    o.insert("market".into(), Value::Object(market));
    o.insert("vendors".into(), named(&g.vendors));
    o.insert("price_changes".into(), named(&g.changes));
    Value::Object(o)
}

/// The report as JSON: `kind`, `dir`, `scenario`, `runs`, `rounds`, `rounds_per_year`,
/// `warnings`, `definitions`, and for a run `market`, `vendors`, `price_changes` (plain
/// values); for a sweep `parameters` (the grid paths groups are formed by),
/// `sampled_parameters` (pooled), `replicates`, `design_points`, `completeness` and `groups`,
/// each with its parameter values and every metric as `{n, mean, sd, ci95_low, ci95_high}`.
pub fn json_value(report: &Report) -> Value {
    let mut o = Map::new();
    o.insert(
        "kind".into(),
        json!(match report.kind {
            Kind::Run => "run",
            Kind::Sweep => "sweep",
        }),
    );
    o.insert("dir".into(), json!(report.dir.display().to_string()));
    o.insert("scenario".into(), json!(report.scenario));
    o.insert("runs".into(), json!(report.runs));
    o.insert("rounds".into(), json!(report.rounds));
    o.insert("rounds_per_year".into(), num(Some(report.rounds_per_year)));
    o.insert(
        "collusion_window".into(),
        json!({
            "share_of_rounds": COLLUSION_WINDOW,
            "rounds": report.window.map(|(a, b)| json!([a, b])),
        }),
    );
    o.insert("warnings".into(), json!(warnings(report)));
    o.insert("definitions".into(), json!(notes(report)));
    match report.kind {
        Kind::Run => {
            if let Some(Value::Object(g)) = report.groups.first().map(|g| group_json(report, g)) {
                o.extend(g);
            }
        }
        Kind::Sweep => {
            o.insert("parameters".into(), json!(report.parameters));
            o.insert(
                "sampled_parameters".into(),
                Value::Array(
                    report
                        .sampled
                        .iter()
                        .map(|p| {
                            json!({
                                "path": p.path,
                                "low": num(p.range.map(|r| r.0)),
                                "high": num(p.range.map(|r| r.1)),
                            })
                        })
                        .collect(),
                ),
            );
            o.insert("replicates".into(), json!(report.replicates));
            o.insert("design_points".into(), json!(report.points));
            o.insert(
                "completeness".into(),
                report.completeness.as_ref().map_or(Value::Null, |c| {
                    json!({
                        "complete": c.is_complete(),
                        "planned_runs": c.planned,
                        "runs_present": c.present,
                        "missing_runs": c.missing(),
                        "shards": c.shards,
                        "missing_shards": c.missing_shards,
                        "incomplete_shards": c.incomplete_shards,
                    })
                }),
            );
            o.insert(
                "groups".into(),
                Value::Array(
                    report
                        .groups
                        .iter()
                        .map(|g| group_json(report, g))
                        .collect(),
                ),
            );
        }
    }
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well_at_any_magnitude() {
        assert_eq!(percent(1.7e308), "1.70e310%");
        assert_eq!(percent(-1e306), "-1.00e308%");
        assert_eq!(percent(1e10), "1.00e12%");
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(grouped(1e300), "1.000e300");
        for unit in [
            Unit::UsdPerMtok,
            Unit::Usd,
            Unit::Fraction,
            Unit::Number,
            Unit::FactorPerYear,
            Unit::Hhi,
            Unit::Count,
            Unit::YesNo,
        ] {
            for x in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
                assert_eq!(display(x, unit, true), "-");
            }
            for x in [f64::MAX, -f64::MAX, 5e-324] {
                let s = display(x, unit, true);
                assert!(!s.contains("inf") && !s.contains("NaN"), "{s}");
                assert!(s.chars().count() <= 12, "{s}");
            }
        }
        assert_eq!(md_escape("a|b\nc"), "a\\|b c");
        assert_eq!(fit("a\r\nb", 10), "a  b");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(significant(0.13889, 4), "0.1389");
        assert_eq!(significant(105.0, 4), "105.0");
        assert_eq!(significant(0.000012345, 3), "1.23e-5");
        assert_eq!(grouped(3000.0), "3,000");
        assert_eq!(grouped(-1234567.4), "-1,234,567");
        assert_eq!(money(1_234_567.0), "1.235 M");
        assert_eq!(money(-2.5e9), "-2.500 B");
        assert_eq!(money(12.0), "12.00");
        assert_eq!(display(0.112, Unit::Fraction, false), "11.2%");
        assert_eq!(display(4.0, Unit::FactorPerYear, false), "4.00×");
        assert_eq!(display(1.0, Unit::YesNo, false), "yes");
        assert_eq!(display(0.8, Unit::YesNo, true), "80.0%");
    }

    #[test]
    fn wide_tables_split_and_keep_their_keys() {
        let mut g = Grid::new(1);
        g.column("vendor", "", false);
        for i in 0..12 {
            g.column(&format!("metric number {i}"), "USD/Mtok", true);
        }
        g.rows.push(
            std::iter::once("A very long vendor name".to_string())
                .chain((0..12).map(|i| format!("{i}.0")))
                .collect(),
        );
        let t = g.text(TABLE_WIDTH);
        assert!(t.lines().all(|l| l.chars().count() <= TABLE_WIDTH), "{t}");
        assert!(t.matches("A very long vendor name").count() >= 2, "{t}");
        assert!(t.contains("metric number 11"));
    }

    #[test]
    fn key_columns_too_wide_to_repeat_still_fit() {
        let mut g = Grid::new(4);
        for k in 0..4 {
            g.column(
                &format!("a rather long swept parameter path number {k}"),
                "",
                false,
            );
        }
        for i in 0..6 {
            g.column(&format!("metric {i}"), "USD", true);
        }
        g.rows.push(
            (0..4)
                .map(|k| format!("a long text value of parameter {k}"))
                .chain((0..6).map(|i| format!("{i}.5")))
                .collect(),
        );
        let t = g.text(TABLE_WIDTH);
        assert!(t.lines().all(|l| l.chars().count() <= TABLE_WIDTH), "{t}");
        assert!(t.contains("metric 5"), "{t}");
    }

    #[test]
    fn titles_and_notes_wrap_at_the_width() {
        let items: Vec<String> = (0..4)
            .map(|k| format!("segments[buyers number {k}].volume.elasticity = 1.5"))
            .collect();
        let t = pack(&items, 60);
        assert!(t.lines().all(|l| l.chars().count() <= 60), "{t}");
        assert!(t.lines().skip(1).all(|l| l.starts_with("  ")), "{t}");
        assert_eq!(t.replace("\n  ", " ").trim_end(), items.join(", "));
        let long = pack(&["x".repeat(150)], 60);
        assert!(long.lines().all(|l| l.chars().count() <= 60), "{long}");
        let w = wrap(
            &format!("see {}", "/a/very/long/path".repeat(10)),
            40,
            "Note: ",
        );
        assert!(w.lines().all(|l| l.chars().count() <= 40), "{w}");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("0-10,000"), "\"0-10,000\"");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_num(Some(f64::NAN)), "");
    }
}
