//! Reading a scenario file: YAML text → value tree (+ `--set` overrides) → typed spec → checked
//! scenario. The only place that touches serde_yaml.

use super::Scenario;
use super::error::{Problem, ScenarioError};
use super::locate::LineIndex;
use super::spec::ScenarioSpec;
use super::validate::validate;
use serde_yaml::Value;
use std::path::{Path, PathBuf};

/// Loads, overrides and validates a scenario file.
///
/// `overrides` are `path=value` assignments applied to the YAML tree before it is typed, with
/// paths such as `rounds`, `vendors[2].strategy.step` or `vendors[DeepSeek].initial_price`
/// (an item of a list of named things may be addressed by name).
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        file: path.to_path_buf(),
        source,
    })?;
    from_text(&text, path, overrides)
}

/// Like [`load`], from text already read; `path` names the text in messages.
pub fn from_text(text: &str, path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let mut tree = parse_tree(text, path)?;
    for assignment in overrides {
        apply_override(&mut tree, assignment)?;
    }
    let index = LineIndex::build(text);
    let overridden: Vec<String> = overrides
        .iter()
        .filter_map(|a| a.split_once('=').map(|(p, _)| normalise_path(p.trim())))
        .collect();
    let spec = type_tree(tree, path, &index, &overridden)?;
    validate(spec, path, &index, &overridden)
}

/// A scenario file read, parsed and overridden but not yet typed: the base of a sweep, whose
/// runs each set their swept values in a copy of the tree before it is typed and checked.
#[derive(Clone, Debug)]
pub struct ScenarioSource {
    file: PathBuf,
    tree: Value,
    index: LineIndex,
    overridden: Vec<String>,
}

impl ScenarioSource {
    /// Reads `path` and applies the `path=value` overrides (see [`load`]).
    pub fn load(path: &Path, overrides: &[String]) -> Result<Self, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: path.to_path_buf(),
            source,
        })?;
        Self::from_text(&text, path, overrides)
    }

    /// Like [`ScenarioSource::load`], from text already read; `path` names it in messages.
    pub fn from_text(text: &str, path: &Path, overrides: &[String]) -> Result<Self, ScenarioError> {
        let mut tree = parse_tree(text, path)?;
        for assignment in overrides {
            apply_override(&mut tree, assignment)?;
        }
        let overridden = overrides
            .iter()
            .filter_map(|a| a.split_once('=').map(|(p, _)| normalise_path(p.trim())))
            .collect();
        Ok(Self {
            file: path.to_path_buf(),
            tree,
            index: LineIndex::build(text),
            overridden,
        })
    }

    /// The file the scenario came from.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The line of a key path in the file, or of its nearest ancestor.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.index.line_of(key)
    }

    /// The scenario as written (with overrides), typed and checked.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        let spec = type_tree(self.tree.clone(), &self.file, &self.index, &self.overridden)?;
        validate(spec, &self.file, &self.index, &self.overridden)
    }

    /// The scenario with `values` set at their paths (and without its `sweep` block), typed and
    /// checked: one run of a sweep.
    pub fn with_values(&self, values: &[(&str, Value)]) -> Result<Scenario, ScenarioError> {
        let mut tree = self.tree.clone();
        if let Value::Mapping(m) = &mut tree {
            m.remove("sweep");
        }
        for (path, value) in values {
            set_path(&mut tree, path, value.clone()).map_err(|message| ScenarioError::Invalid {
                file: self.file.clone(),
                problems: vec![Problem {
                    path: normalise_path(path),
                    line: None,
                    message,
                }],
            })?;
        }
        let spec = type_tree(tree, &self.file, &self.index, &self.overridden)?;
        validate(spec, &self.file, &self.index, &self.overridden)
    }

    /// `path` in canonical form with list items by index (`vendors[DeepSeek].x` →
    /// `vendors[0].x`), as key paths appear in error messages.
    pub fn canonical_path(&self, path: &str) -> String {
        let mut node = Some(&self.tree);
        let mut out = String::new();
        for (i, seg) in split_path(path).into_iter().enumerate() {
            let (text, next) = match seg {
                Seg::Key(k) => {
                    let next = node.and_then(|n| n.get(k.as_str()));
                    (if i > 0 { format!(".{k}") } else { k }, next)
                }
                Seg::Index(n) => (format!("[{n}]"), node.and_then(|x| x.get(n))),
                Seg::Name(name) => {
                    let pos = node.and_then(Value::as_sequence).and_then(|items| {
                        items
                            .iter()
                            .position(|it| it.get("name").and_then(Value::as_str) == Some(&name))
                    });
                    match pos {
                        Some(p) => (format!("[{p}]"), node.and_then(|x| x.get(p))),
                        None => (format!("[{name}]"), None),
                    }
                }
            };
            out.push_str(&text);
            node = next;
        }
        out
    }

    /// Whether `path` names a value written in the file (after overrides).
    pub fn has_path(&self, path: &str) -> bool {
        get_path(&self.tree, path).is_some()
    }
}

/// Whether `path` names a value of the resolved scenario (every default explicit).
pub fn resolved_has_path(spec: &ScenarioSpec, path: &str) -> bool {
    serde_yaml::to_value(spec)
        .ok()
        .is_some_and(|tree| get_path(&tree, path).is_some())
}

/// Parses one value written on the command line as YAML (`0.1`, `fixed`, `{kind: at_cost}`).
pub fn parse_value(raw: &str) -> Result<Value, String> {
    serde_yaml::from_str(raw.trim()).map_err(|e| {
        format!(
            "`{raw}` is not valid YAML: {}",
            strip_location(&e.to_string())
        )
    })
}

/// Parses a value written on the command line as YAML into a typed value.
pub fn parse_as<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, String> {
    let v = parse_value(raw)?;
    serde_yaml::from_value(v).map_err(|e| humanise(&strip_location(&e.to_string())))
}

/// A value as one line of text: strings as they are, numbers as numbers, anything else in
/// YAML flow (JSON) form.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => serde_json::to_string(other).unwrap_or_else(|_| format!("{other:?}")),
    }
}

/// Parses YAML text into a value tree, mapping syntax errors to their position.
pub fn parse_tree(text: &str, path: &Path) -> Result<Value, ScenarioError> {
    let tree: Value = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        ScenarioError::Syntax {
            file: path.to_path_buf(),
            line,
            column,
            message: strip_location(&e.to_string()),
        }
    })?;
    match tree {
        Value::Mapping(_) => Ok(tree),
        Value::Null => Err(invalid(
            path,
            "",
            Some(1),
            "the file is empty: a scenario is a map with `name`, `rounds`, `vendors` and `segments`",
        )),
        _ => Err(invalid(
            path,
            "",
            Some(1),
            "a scenario must be a map with `name`, `rounds`, `vendors` and `segments`",
        )),
    }
}

/// Types a value tree as a [`ScenarioSpec`], with the key path and line of any error.
pub fn type_tree(
    tree: Value,
    path: &Path,
    index: &LineIndex,
    overridden: &[String],
) -> Result<ScenarioSpec, ScenarioError> {
    serde_path_to_error::deserialize::<_, ScenarioSpec>(&tree).map_err(|e| {
        let (mut key, message) = located(&e);
        // Inside a `kind:`/`dist:` block serde reports the block: find the key within it.
        let key_in_block = narrow(&tree, &key, &message);
        if let Some(k) = key_in_block {
            key = k;
        }
        // Unknown keys are found inside their parent: point at the key itself.
        if let Some(field) = backticked_after(&message, "unknown field ")
            && !(key == field || key.ends_with(&format!(".{field}")))
        {
            key = if key.is_empty() {
                field.to_string()
            } else {
                format!("{key}.{field}")
            };
        }
        let message = humanise(&message);
        let line = index.line_of(&key);
        let message = note_override(message, &key, overridden);
        ScenarioError::Invalid {
            file: path.to_path_buf(),
            problems: vec![Problem {
                path: key,
                line,
                message,
            }],
        }
    })
}

/// The key path and message (without serde's own location) of a typing error.
fn located(e: &serde_path_to_error::Error<serde_yaml::Error>) -> (String, String) {
    let mut key = e.path().to_string();
    if key == "." {
        key.clear();
    }
    (key, strip_location(&e.inner().to_string()))
}

/// Tag keys of the internally tagged blocks (`kind:` of costs, strategies, events and volume
/// demand; `dist:` of trait distributions).
const TAGS: [&str; 2] = ["kind", "dist"];

/// serde types an internally tagged block as a whole, so an error inside one is reported at the
/// block. Finds the key within it that causes `message`: the first whose removal changes the
/// error (or removes it), descending through nested blocks. None when the node at `key` is not a
/// tagged block or the error is about the block itself (unknown kind or key, missing key).
fn narrow(tree: &Value, key: &str, message: &str) -> Option<String> {
    if message.contains("unknown field ")
        || message.contains("unknown variant ")
        || message.contains("missing field ")
    {
        return None;
    }
    let mut at = key.to_string();
    let mut found = None;
    while let Some(Value::Mapping(block)) = node(tree, &at) {
        if !TAGS.iter().any(|t| block.contains_key(*t)) {
            break;
        }
        let children: Vec<String> = block
            .keys()
            .filter_map(|k| k.as_str())
            .filter(|k| !TAGS.contains(k))
            .map(str::to_string)
            .collect();
        let culprit = children.into_iter().find(|child| {
            let mut t = tree.clone();
            if let Some(Value::Mapping(b)) = node_mut(&mut t, &at) {
                b.remove(child.as_str());
            }
            match serde_path_to_error::deserialize::<_, ScenarioSpec>(&t) {
                Ok(_) => true,
                Err(e) => located(&e) != (at.clone(), message.to_string()),
            }
        });
        let Some(child) = culprit else { break };
        at = if at.is_empty() {
            child
        } else {
            format!("{at}.{child}")
        };
        found = Some(at.clone());
    }
    found
}

/// The node at a canonical key path (`vendors[0].cost`), if any.
fn node<'a>(tree: &'a Value, path: &str) -> Option<&'a Value> {
    let mut n = tree;
    for seg in split_path(path) {
        n = match seg {
            Seg::Key(k) => n.get(k.as_str())?,
            Seg::Index(i) => n.get(i)?,
            Seg::Name(_) => return None,
        };
    }
    Some(n)
}

fn node_mut<'a>(tree: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut n = tree;
    for seg in split_path(path) {
        n = match seg {
            Seg::Key(k) => n.get_mut(k.as_str())?,
            Seg::Index(i) => n.get_mut(i)?,
            Seg::Name(_) => return None,
        };
    }
    Some(n)
}

fn invalid(path: &Path, key: &str, line: Option<usize>, message: &str) -> ScenarioError {
    ScenarioError::Invalid {
        file: path.to_path_buf(),
        problems: vec![Problem {
            path: key.to_string(),
            line,
            message: message.to_string(),
        }],
    }
}

/// Adds "(value given on the command line)" when the key, or one of its ancestors, was set by
/// `--set`, `--seed` or `--rounds`.
pub(crate) fn note_override(message: String, key: &str, overridden: &[String]) -> String {
    let hit = overridden.iter().any(|o| {
        key == o || key.starts_with(&format!("{o}.")) || key.starts_with(&format!("{o}["))
    });
    if hit {
        format!("{message} (value given on the command line)")
    } else {
        message
    }
}

/// serde_yaml appends " at line L column C" to messages; the line is reported separately.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn backticked_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    let rest = rest.strip_prefix('`')?;
    Some(&rest[..rest.find('`')?])
}

/// Rewords serde's messages where they would puzzle a user.
fn humanise(message: &str) -> String {
    if let Some(field) = backticked_after(message, "unknown field ") {
        let allowed = message
            .split_once(", expected ")
            .map(|(_, a)| a)
            .unwrap_or("");
        return if allowed.is_empty() {
            format!("unknown key `{field}`: no keys are allowed here")
        } else {
            format!(
                "unknown key `{field}`; allowed: {}",
                allowed.replace("one of ", "")
            )
        };
    }
    if let Some(field) = backticked_after(message, "missing field ") {
        return format!("missing required key `{field}`");
    }
    if let Some(v) = backticked_after(message, "unknown variant ") {
        let allowed = message
            .split_once(", expected ")
            .map(|(_, a)| a)
            .unwrap_or("");
        return format!(
            "unknown kind `{v}`; allowed: {}",
            allowed.replace("one of ", "")
        );
    }
    plain_types(message)
}

/// Says "expected a number" where serde says "expected f64", and alike.
fn plain_types(message: &str) -> String {
    let Some((head, expected)) = message.split_once(", expected ") else {
        return message.to_string();
    };
    let plain = match expected {
        "f64" | "f32" => "a number",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number (0 or more)",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        e if e.starts_with("struct ") || e.starts_with("struct variant ") => {
            "a map of keys and values"
        }
        e if e.starts_with("internally tagged enum ") => "a map with a `kind:` key",
        e => e,
    };
    format!("{head}, expected {plain}")
}

/// Turns `vendors.0.x` or `vendors[0].x` into the canonical `vendors[0].x`.
pub(crate) fn normalise_path(p: &str) -> String {
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
enum Seg {
    Key(String),
    Index(usize),
    Name(String),
}

fn split_path(p: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in p.split('.') {
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

/// The number at `path` in a scenario's text (None when the key is absent), for readers of
/// output directories that need one setting, such as `rounds_per_year`, without checking the
/// whole file. An error when the text is not YAML or the value is not a number.
pub fn number_at(text: &str, file: &Path, path: &str) -> Result<Option<f64>, ScenarioError> {
    let tree = parse_tree(text, file)?;
    match get_path(&tree, path) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_f64().map(Some).ok_or_else(|| {
            let line = LineIndex::build(text).line_of(&normalise_path(path));
            invalid(file, path, line, "must be a number")
        }),
    }
}

/// The text at `path` in a scenario's text (None when absent or not a string).
pub fn text_at(text: &str, file: &Path, path: &str) -> Result<Option<String>, ScenarioError> {
    let tree = parse_tree(text, file)?;
    Ok(get_path(&tree, path)
        .and_then(Value::as_str)
        .map(str::to_string))
}

/// Serialises a spec back to YAML (the resolved scenario written next to the output).
pub fn to_yaml(spec: &ScenarioSpec) -> String {
    serde_yaml::to_string(spec).expect("a scenario spec always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

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
