//! Key paths into a scenario's YAML tree (`vendors[2].strategy.step`, `vendors[DeepSeek].cost`):
//! parsing, reading and setting values (`--set`, swept values).

use super::error::{ScenarioError, strip_location};
use serde_yaml::Value;

/// Turns `vendors.0.x` or `vendors[0].x` into the canonical `vendors[0].x`.
pub fn normalise_path(p: &str) -> String {
    let mut out = String::new();
    for (i, seg) in split_path(p).iter().enumerate() {
        match seg {
            Seg::Key(k) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(n) => out.push_str(&format!("[{n}]")),
            Seg::Name(n) => out.push_str(&format!("[{n}]")),
        }
    }
    out
}

#[derive(Debug, PartialEq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
    Name(String),
}

/// `p` split at the dots outside brackets (a name such as `vendors[ERNIE 4.0]` keeps its dot).
fn dotted_parts(p: &str) -> Vec<&str> {
    let (mut parts, mut start, mut depth) = (Vec::new(), 0, 0usize);
    for (i, c) in p.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                parts.push(&p[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&p[start..]);
    parts
}

pub(crate) fn split_path(p: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in dotted_parts(p) {
        let (head, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !head.is_empty() {
            match head.parse::<usize>() {
                Ok(n) if !segs.is_empty() => segs.push(Seg::Index(n)),
                _ => segs.push(Seg::Key(head.to_string())),
            }
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']').unwrap_or(inner.len());
            let item = &inner[..end];
            match item.parse::<usize>() {
                Ok(n) => segs.push(Seg::Index(n)),
                Err(_) => segs.push(Seg::Name(item.to_string())),
            }
            rest = inner.get(end + 1..).unwrap_or("");
        }
    }
    segs
}

/// Applies one `path=value` assignment to the tree. The value is read as YAML
/// (`--set vendors[0].strategy={kind: fixed, price: 1}` works).
pub fn apply_override(tree: &mut Value, assignment: &str) -> Result<(), ScenarioError> {
    let fail = |message: String| ScenarioError::Override {
        assignment: assignment.to_string(),
        message,
    };
    let (path, raw) = assignment.split_once('=').ok_or_else(|| {
        fail(
            "expected PATH=VALUE, for example `rounds=24` or `vendors[0].initial_price=2.5`".into(),
        )
    })?;
    let value: Value = serde_yaml::from_str(raw.trim()).map_err(|e| {
        fail(format!(
            "the value is not valid YAML: {}",
            strip_location(&e.to_string())
        ))
    })?;
    set_path(tree, path.trim(), value).map_err(fail)
}

/// Sets `path` in `tree` to `value`; maps gain missing keys (which typing then checks), list
/// items must exist.
pub fn set_path(tree: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let segs = split_path(path);
    if segs.is_empty() {
        return Err("the path is empty".into());
    }
    let mut node = tree;
    let mut walked = String::new();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        node = match seg {
            Seg::Key(k) => {
                let Value::Mapping(map) = node else {
                    return Err(format!("`{walked}` is not a map, so it has no key `{k}`"));
                };
                let key = Value::String(k.clone());
                if last {
                    map.insert(key, value);
                    return Ok(());
                }
                if !map.contains_key(&key) {
                    map.insert(key.clone(), Value::Mapping(Default::default()));
                }
                walked = if walked.is_empty() {
                    k.clone()
                } else {
                    format!("{walked}.{k}")
                };
                map.get_mut(&key).expect("just inserted")
            }
            Seg::Index(n) => {
                let Value::Sequence(items) = node else {
                    return Err(format!("`{walked}` is not a list, so it has no item [{n}]"));
                };
                let len = items.len();
                let Some(item) = items.get_mut(*n) else {
                    return Err(format!(
                        "`{walked}` has {len} items, so [{n}] does not exist (indices start at 0)"
                    ));
                };
                walked = format!("{walked}[{n}]");
                if last {
                    *item = value;
                    return Ok(());
                }
                item
            }
            Seg::Name(name) => {
                let Value::Sequence(items) = node else {
                    return Err(format!(
                        "`{walked}` is not a list, so it has no item named `{name}`"
                    ));
                };
                let names: Vec<String> = items
                    .iter()
                    .filter_map(|it| it.get("name").and_then(Value::as_str).map(str::to_string))
                    .collect();
                let Some(pos) = items
                    .iter()
                    .position(|it| it.get("name").and_then(Value::as_str) == Some(name))
                else {
                    return Err(format!(
                        "`{walked}` has no item named `{name}`; names: {}",
                        names.join(", ")
                    ));
                };
                walked = format!("{walked}[{pos}]");
                if last {
                    items[pos] = value;
                    return Ok(());
                }
                &mut items[pos]
            }
        };
    }
    Ok(())
}

/// Reads a value at `path` in `tree` (for sweeps that check their paths exist).
pub fn get_path<'a>(tree: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = tree;
    for seg in split_path(path) {
        node = match seg {
            Seg::Key(k) => node.get(k.as_str())?,
            Seg::Index(n) => node.as_sequence()?.get(n)?,
            Seg::Name(name) => node
                .as_sequence()?
                .iter()
                .find(|it| it.get("name").and_then(Value::as_str) == Some(name.as_str()))?,
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_yaml::Value;

    #[test]
    fn paths_split_into_keys_indices_and_names() {
        assert_eq!(
            split_path("vendors[2].strategy.step"),
            vec![
                Seg::Key("vendors".into()),
                Seg::Index(2),
                Seg::Key("strategy".into()),
                Seg::Key("step".into())
            ]
        );
        assert_eq!(
            split_path("vendors.2.x"),
            vec![
                Seg::Key("vendors".into()),
                Seg::Index(2),
                Seg::Key("x".into())
            ]
        );
        assert_eq!(
            split_path("vendors[DeepSeek].cost"),
            vec![
                Seg::Key("vendors".into()),
                Seg::Name("DeepSeek".into()),
                Seg::Key("cost".into())
            ]
        );
        assert_eq!(normalise_path("vendors.2.x"), "vendors[2].x");
        // A name with a dot (a model version) stays one name.
        assert_eq!(
            split_path("vendors[ERNIE 4.0].strategy.kind"),
            vec![
                Seg::Key("vendors".into()),
                Seg::Name("ERNIE 4.0".into()),
                Seg::Key("strategy".into()),
                Seg::Key("kind".into())
            ]
        );
        assert_eq!(
            normalise_path("vendors[GPT-4.1].cost"),
            "vendors[GPT-4.1].cost"
        );
    }

    #[test]
    fn overrides_set_keys_items_and_named_items() {
        let mut t: Value =
            serde_yaml::from_str("rounds: 3\nvendors: [{name: a, p: 1}, {name: b, p: 2}]").unwrap();
        apply_override(&mut t, "rounds=10").unwrap();
        apply_override(&mut t, "vendors[1].p=5").unwrap();
        apply_override(&mut t, "vendors[a].q={x: 1}").unwrap();
        assert_eq!(get_path(&t, "rounds").unwrap().as_u64(), Some(10));
        assert_eq!(get_path(&t, "vendors[1].p").unwrap().as_f64(), Some(5.0));
        assert_eq!(get_path(&t, "vendors[a].q.x").unwrap().as_u64(), Some(1));
        let e = apply_override(&mut t, "vendors[7].p=1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("has 2 items"), "{e}");
        let e = apply_override(&mut t, "vendors[zz].p=1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("names: a, b"), "{e}");
        let e = apply_override(&mut t, "rounds").unwrap_err().to_string();
        assert!(e.contains("PATH=VALUE"), "{e}");
    }
}
