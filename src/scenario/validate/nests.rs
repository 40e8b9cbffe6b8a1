//! Nests: unique names, λ in (0, 1], members that name vendors (or `outside`), each option in
//! at most one nest.

use super::super::spec::{OUTSIDE_MEMBER, ScenarioSpec};
use crate::check::{Checker, fmt_num};
use std::collections::{HashMap, HashSet};

/// Checks the `nests` list.
pub fn check_nests(s: &ScenarioSpec, c: &mut Checker) {
    let vendors: Vec<&str> = s.vendors.iter().map(|v| v.name.as_str()).collect();
    let mut names = HashSet::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, n) in s.nests.iter().enumerate() {
        let p = format!("nests[{i}]");
        if n.name.trim().is_empty() {
            c.fail(&format!("{p}.name"), "must not be empty");
        } else if !names.insert(n.name.as_str()) {
            c.fail(
                &format!("{p}.name"),
                format!("`{}` names two nests; nest names must be unique", n.name),
            );
        }
        if !(n.lambda > 0.0 && n.lambda <= 1.0) {
            c.fail(
                &format!("{p}.lambda"),
                format!(
                    "{} is outside (0, 1]: the nesting parameter is 1 for plain logit and \
                     falls towards 0 as options in the nest become closer substitutes",
                    fmt_num(n.lambda)
                ),
            );
        }
        if n.members.is_empty() {
            c.fail(
                &format!("{p}.members"),
                "must list at least one vendor (or `outside`)",
            );
        }
        for (k, m) in n.members.iter().enumerate() {
            let at = format!("{p}.members[{k}]");
            if m != OUTSIDE_MEMBER && !vendors.contains(&m.as_str()) {
                c.fail(
                    &at,
                    format!(
                        "no vendor is named `{m}`; members are vendor names ({}) or \
                         `{OUTSIDE_MEMBER}` for the outside option",
                        vendors.join(", ")
                    ),
                );
            } else if let Some(&other) = seen.get(m.as_str()) {
                c.fail(
                    &at,
                    format!(
                        "`{m}` is already in nests[{other}]; an option belongs to at most one nest"
                    ),
                );
            } else {
                seen.insert(m.as_str(), i);
            }
        }
    }
}
