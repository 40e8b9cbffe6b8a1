//! Axes: the vertical scale that shows a chart's values (linear, or logarithmic for prices
//! spanning decades), made drawable whatever its bounds, and tick and axis labels.

use super::{Chart, Line, Scale};

/// Sets the vertical scale (and what depends on it) of `chart` to show `values`.
pub(super) fn fit_scale(chart: &mut Chart, values: &[f64]) {
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
pub(super) const AXIS_MAX: f64 = 1e305;
pub(super) const AXIS_MIN: f64 = 1e-305;

/// `scale` made drawable whatever its bounds: finite, ordered, within [`AXIS_MAX`], a log axis
/// positive and at most a few hundred decades wide (else linear), a linear one not degenerate.
pub(super) fn drawable(scale: Scale) -> Scale {
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

fn join_notes(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

/// Every value a chart draws (medians and band ends).
pub(super) fn values(lines: &[Line]) -> impl Iterator<Item = f64> + '_ {
    lines
        .iter()
        .flat_map(|l| l.points.iter())
        .flat_map(|&(_, m, a, b)| [m, a, b])
        .flatten()
        .filter(|v| v.is_finite())
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

/// A tick label: few digits, no trailing zeros.
pub(super) fn tick(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    let s = if !(1e-4..1e5).contains(&a) {
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
    if (1000.0..1e5).contains(&a) {
        // Thousands separators for HHI-like values.
        let r = v.round() as i64;
        let digits = r.abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
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
}
