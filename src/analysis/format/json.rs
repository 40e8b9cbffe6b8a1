//! The JSON format: stable keys; counts as integers, yes/no as booleans, null where undefined.

use super::notes::{notes, warnings};
use crate::analysis::load::Kind;
use crate::analysis::metric::{Metric, Unit, market};
use crate::analysis::report::{Group, ParamValue, Report};
use crate::analysis::stats::Summary;
use crate::analysis::summary::COLLUSION_WINDOW;
use serde_json::{Map, Value, json};

/// `report` as pretty-printed JSON ([`json_value`]) and a line break.
pub(super) fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&json_value(report)).expect("JSON of a report");
    s.push('\n');
    s
}

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
        if market::CLASSED.contains(m) {
            let c = g.concentration(*m);
            market.insert(
                format!("{}_class_2023", m.key),
                c.map_or(Value::Null, |c| json!(c.guidelines_2023)),
            );
            market.insert(
                format!("{}_class_2010", m.key),
                c.map_or(Value::Null, |c| json!(c.guidelines_2010)),
            );
        }
    }
    let named_as = |key: &str, rows: &[(String, Vec<(Metric, Summary)>)]| -> Value {
        Value::Array(
            rows.iter()
                .map(|(name, ms)| {
                    let mut o = Map::new();
                    o.insert(key.into(), json!(name));
                    for (m, s) in ms {
                        o.insert(m.key.into(), cell(*m, s));
                    }
                    Value::Object(o)
                })
                .collect(),
        )
    };
    let named = |rows: &[(String, Vec<(Metric, Summary)>)]| named_as("vendor", rows);
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
    o.insert("firms".into(), named_as("firm", &g.firms));
    Value::Object(o)
}

/// The report as JSON: `kind`, `dir`, `scenario`, `runs`, `rounds`, `rounds_per_year`,
/// `warnings`, `definitions`, and for a run `market`, `vendors`, `price_changes`, `firms` (plain
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
            "benchmark": "frictionless",
        }),
    );
    if !report.mergers.is_empty() {
        o.insert("mergers".into(), json!(report.mergers));
    }
    if !report.sensitivity.is_empty() {
        o.insert("sensitivity".into(), sensitivity_json(report));
    }
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

/// `sensitivity`: `{metric, parameter, first_order, first_order_ci95, total_order,
/// total_order_ci95, seed_noise_share}` per metric and sampled path (Morris: `{metric,
/// parameter, mu_star, mu, sigma, seed_noise_share}`).
fn sensitivity_json(report: &Report) -> Value {
    use crate::analysis::sensitivity::IndexValues;
    let f = |x: f64| num(Some(x));
    Value::Array(
        report
            .sensitivity
            .iter()
            .map(|i| {
                let mut o = Map::new();
                o.insert("metric".into(), json!(i.metric));
                o.insert("parameter".into(), json!(i.parameter));
                match i.values {
                    IndexValues::Sobol {
                        first_order,
                        first_order_ci95: (a, b),
                        total_order,
                        total_order_ci95: (c, d),
                    } => {
                        o.insert("first_order".into(), f(first_order));
                        o.insert("first_order_ci95".into(), json!([f(a), f(b)]));
                        o.insert("total_order".into(), f(total_order));
                        o.insert("total_order_ci95".into(), json!([f(c), f(d)]));
                    }
                    IndexValues::Morris { mu_star, mu, sigma } => {
                        o.insert("mu_star".into(), f(mu_star));
                        o.insert("mu".into(), f(mu));
                        o.insert("sigma".into(), f(sigma));
                    }
                }
                o.insert("seed_noise_share".into(), num(i.noise_share));
                Value::Object(o)
            })
            .collect(),
    )
}
