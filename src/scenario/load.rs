//! Reading a scenario file: YAML text → value tree (+ `--set` overrides) → typed spec → checked
//! scenario. The only place that touches serde_yaml.

use super::checked::Scenario;
use super::compile::compile;
use super::error::{Problem, ScenarioError, invalid, strip_location};
use super::locate::LineIndex;
use super::path::{Seg, apply_override, get_path, normalise_path, set_path, split_path};
use super::spec::ScenarioSpec;
use super::typing::type_tree;
use super::validate::validate;
use super::value::Value as SweptValue;
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
    checked(spec, path, &index, &overridden)
}

/// Checks a typed spec and compiles it into the run specification.
fn checked(
    spec: ScenarioSpec,
    file: &Path,
    index: &LineIndex,
    overridden: &[String],
) -> Result<Scenario, ScenarioError> {
    let warnings = validate(&spec, file, index, overridden)?;
    let run = compile(&spec);
    Ok(Scenario::new(spec, run, file.to_path_buf(), warnings))
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
        checked(spec, &self.file, &self.index, &self.overridden)
    }

    /// The scenario with `values` set at their paths (and without its `sweep` block), typed and
    /// checked: one run of a sweep.
    pub fn with_values(&self, values: &[(&str, SweptValue)]) -> Result<Scenario, ScenarioError> {
        let mut tree = self.tree.clone();
        if let Value::Mapping(m) = &mut tree {
            m.remove("sweep");
        }
        for (path, value) in values {
            set_path(&mut tree, path, value.0.clone()).map_err(|message| {
                ScenarioError::Invalid {
                    file: self.file.clone(),
                    problems: vec![Problem {
                        path: normalise_path(path),
                        line: None,
                        message,
                    }],
                }
            })?;
        }
        let spec = type_tree(tree, &self.file, &self.index, &self.overridden)?;
        checked(spec, &self.file, &self.index, &self.overridden)
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

/// Sampled paths with their (low, high) bounds, where both are numbers.
pub type SampledRanges = Vec<(String, Option<(f64, f64)>)>;

/// The sampled ranges of a scenario's text (`sweep.sample.ranges`): each path with its `low`
/// and `high` when both are numbers, in file order; empty without a sample.
pub fn sampled_ranges(text: &str, file: &Path) -> Result<SampledRanges, ScenarioError> {
    let tree = parse_tree(text, file)?;
    Ok(get_path(&tree, "sweep.sample.ranges")
        .and_then(|r| r.as_mapping())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    let bound = |b: &str| v.get(b).and_then(|x| x.as_f64());
                    k.as_str()
                        .map(|k| (k.to_string(), bound("low").zip(bound("high"))))
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Which sampled ranges of a scenario's text are on a log scale (`sweep.sample.ranges.*.log`),
/// in file order.
pub fn sampled_log_scales(text: &str, file: &Path) -> Result<Vec<bool>, ScenarioError> {
    let tree = parse_tree(text, file)?;
    Ok(get_path(&tree, "sweep.sample.ranges")
        .and_then(|r| r.as_mapping())
        .map(|m| {
            m.iter()
                .map(|(_, v)| v.get("log").and_then(|x| x.as_bool()).unwrap_or(false))
                .collect()
        })
        .unwrap_or_default())
}

/// Serialises a spec back to YAML (the resolved scenario written next to the output).
pub fn to_yaml(spec: &ScenarioSpec) -> String {
    serde_yaml::to_string(spec).expect("a scenario spec always serialises")
}
