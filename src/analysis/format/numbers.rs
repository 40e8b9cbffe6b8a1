//! Numbers as the table and Markdown formats print them: significant digits, thousands
//! separators, k/M/B/T for money, percentages; "-" where undefined, never NaN.

use crate::analysis::metric::Unit;

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
pub(super) fn plain(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        significant(x, 6)
    }
}

/// `x` with thousands separators, rounded to an integer.
pub(super) fn grouped(x: f64) -> String {
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

/// An optional value of `unit` for tables: "-" when there is none.
pub(super) fn opt(x: Option<f64>, unit: Unit, across_runs: bool) -> String {
    x.map_or_else(|| "-".into(), |v| display(v, unit, across_runs))
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
}
