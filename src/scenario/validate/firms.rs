//! Firms and owners: declared firms are unique and finite; every `owner` names a declared firm
//! when firms are declared; a product of a firm that holds cash keeps none of its own.

use super::super::spec::ScenarioSpec;
use crate::check::Checker;
use std::collections::HashSet;

/// Checks the `firms` list and every vendor's `owner`.
pub fn check_firms(s: &ScenarioSpec, c: &mut Checker) {
    let mut names = HashSet::new();
    for (i, f) in s.firms.iter().enumerate() {
        let p = format!("firms[{i}]");
        if f.name.trim().is_empty() {
            c.fail(&format!("{p}.name"), "must not be empty");
        } else if !names.insert(f.name.as_str()) {
            c.fail(
                &format!("{p}.name"),
                format!("`{}` names two firms; firm names must be unique", f.name),
            );
        }
        if let Some(cash) = f.finances.cash {
            c.finite(&format!("{p}.finances.cash"), cash);
        }
        c.non_negative(
            &format!("{p}.finances.operating_cost"),
            f.finances.operating_cost,
        );
    }
    let declared: Vec<&str> = s.firms.iter().map(|f| f.name.as_str()).collect();
    for (i, v) in s.vendors.iter().enumerate() {
        let at = format!("vendors[{i}].owner");
        let Some(owner) = &v.owner else { continue };
        if owner.trim().is_empty() {
            c.fail(
                &at,
                "must name a firm (leave it out for a firm of this vendor alone)",
            );
        } else if !declared.is_empty() && !declared.contains(&owner.as_str()) {
            c.fail(
                &at,
                format!(
                    "no firm is named `{owner}`; firms: {} (declare it under `firms`, or leave \
                     `owner` out for a firm of this vendor alone)",
                    declared.join(", ")
                ),
            );
        }
    }
    for (i, v) in s.vendors.iter().enumerate() {
        let owner = v.owner_name();
        let holds = s
            .firms
            .iter()
            .any(|f| f.name == owner && f.finances.cash.is_some());
        if holds && v.finances.cash.is_some() {
            c.fail(
                &format!("vendors[{i}].finances.cash"),
                format!(
                    "the firm `{owner}` holds the cash of all its products: give cash to the \
                     firm (`firms[].finances.cash`) or to the product, not both"
                ),
            );
        }
    }
}
