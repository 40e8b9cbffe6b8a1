//! The value of a swept parameter in a group, and how it prints.

use std::cmp::Ordering;

/// The value of a swept parameter in a group.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// A number.
    Number(f64),
    /// Text (a strategy kind, say).
    Text(String),
    /// No value recorded.
    Missing,
}

impl ParamValue {
    pub(super) fn cmp_key(&self, other: &Self) -> Ordering {
        use ParamValue::*;
        match (self, other) {
            (Number(a), Number(b)) => a.total_cmp(b),
            (Text(a), Text(b)) => a.cmp(b),
            (Number(_), _) => Ordering::Less,
            (_, Number(_)) => Ordering::Greater,
            (Text(_), Missing) => Ordering::Less,
            (Missing, Text(_)) => Ordering::Greater,
            (Missing, Missing) => Ordering::Equal,
        }
    }

    pub(super) fn key(&self) -> String {
        match self {
            ParamValue::Number(x) => format!("n{}", x.to_bits()),
            ParamValue::Text(s) => format!("t{s}"),
            ParamValue::Missing => "m".into(),
        }
    }
}

impl ParamValue {
    /// The value at full precision, as CSV writes it (empty when missing).
    pub fn full(&self) -> String {
        match self {
            ParamValue::Number(x) => x.to_string(),
            ParamValue::Text(s) => s.clone(),
            ParamValue::Missing => String::new(),
        }
    }
}

/// Numbers with at most 4 significant digits (`1.003`, `0.05`, `2e7`); text as it is; `-` when
/// missing. CSV and JSON keep full precision ([`ParamValue::full`]).
impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Number(x) => f.write_str(&short_number(*x)),
            ParamValue::Text(s) => f.write_str(s),
            ParamValue::Missing => f.write_str("-"),
        }
    }
}

/// `x` with at most 4 significant digits and no trailing zeros; whole numbers below 10^8 in
/// full.
pub fn short_number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e8 {
        return format!("{x:.0}");
    }
    let mag = x.abs().log10().floor() as i32;
    if (-4..6).contains(&mag) {
        let decimals = (3 - mag).max(0) as usize;
        let s = format!("{x:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        let s = format!("{x:.3e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{exponent}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_values_print_short() {
        assert_eq!(ParamValue::Number(1.0029730192962734).to_string(), "1.003");
        assert_eq!(ParamValue::Number(0.05).to_string(), "0.05");
        assert_eq!(ParamValue::Number(20_000_000.0).to_string(), "20000000");
        assert_eq!(ParamValue::Number(123.456).to_string(), "123.5");
        assert_eq!(ParamValue::Number(1.5e9 + 0.5).to_string(), "1.5e9");
        assert_eq!(ParamValue::Number(0.0000125).to_string(), "1.25e-5");
        assert_eq!(ParamValue::Number(-0.333333).to_string(), "-0.3333");
        assert_eq!(
            ParamValue::Number(1.0029730192962734).full(),
            "1.0029730192962734"
        );
    }
}
