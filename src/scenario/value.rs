//! A scenario value of any type (a number, a string, a whole strategy block), as swept values
//! and `--set` overrides are: the YAML value tree stays inside the scenario layer.

use super::error::strip_location;
use super::messages::humanise;
use serde::{Deserialize, Serialize};

/// One scenario value of any type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Value(pub(crate) serde_yaml::Value);

impl Value {
    /// No value (`null`).
    pub fn null() -> Self {
        Value(serde_yaml::Value::Null)
    }

    /// A whole number.
    pub fn integer(x: i64) -> Self {
        Value(serde_yaml::Value::Number(x.into()))
    }

    /// A non-negative whole number.
    pub fn unsigned(x: u64) -> Self {
        Value(serde_yaml::Value::Number(x.into()))
    }

    /// A number.
    pub fn number(x: f64) -> Self {
        Value(serde_yaml::Value::Number(x.into()))
    }

    /// Whether the value is a number.
    pub fn is_number(&self) -> bool {
        matches!(self.0, serde_yaml::Value::Number(_))
    }

    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.as_f64()
    }

    /// The value as a whole number, if it is one.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.as_i64()
    }

    /// The items of a list, if the value is one.
    pub fn into_items(self) -> Result<Vec<Value>, Value> {
        match self.0 {
            serde_yaml::Value::Sequence(items) => Ok(items.into_iter().map(Value).collect()),
            other => Err(Value(other)),
        }
    }

    /// Parses one value written on the command line as YAML (`0.1`, `fixed`,
    /// `{kind: at_cost}`).
    pub fn parse(raw: &str) -> Result<Value, String> {
        parse_value(raw).map(Value)
    }

    /// Parses a value written on the command line as YAML into a typed value.
    pub fn parse_as<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, String> {
        parse_as(raw)
    }

    /// The value as one line of text: strings as they are, numbers as numbers, anything else
    /// in YAML flow (JSON) form.
    pub fn text(&self) -> String {
        value_text(&self.0)
    }
}

/// Parses one value written on the command line as YAML (`0.1`, `fixed`, `{kind: at_cost}`).
pub(crate) fn parse_value(raw: &str) -> Result<serde_yaml::Value, String> {
    serde_yaml::from_str(raw.trim()).map_err(|e| {
        format!(
            "`{raw}` is not valid YAML: {}",
            strip_location(&e.to_string())
        )
    })
}

/// Parses a value written on the command line as YAML into a typed value.
pub(crate) fn parse_as<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, String> {
    let v = parse_value(raw)?;
    serde_yaml::from_value(v).map_err(|e| humanise(&strip_location(&e.to_string())))
}

/// A value as one line of text: strings as they are, numbers as numbers, anything else in
/// YAML flow (JSON) form.
pub(crate) fn value_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Null => "null".into(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => serde_json::to_string(other).unwrap_or_else(|_| format!("{other:?}")),
    }
}
