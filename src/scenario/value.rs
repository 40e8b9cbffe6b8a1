//! A scenario value of any type (a number, a string, a whole strategy block), as swept values
//! and `--set` overrides are: the YAML value tree stays inside the scenario layer.

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
        super::load::parse_value(raw).map(Value)
    }

    /// Parses a value written on the command line as YAML into a typed value.
    pub fn parse_as<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, String> {
        super::load::parse_as(raw)
    }

    /// The value as one line of text: strings as they are, numbers as numbers, anything else
    /// in YAML flow (JSON) form.
    pub fn text(&self) -> String {
        super::load::value_text(&self.0)
    }
}
