//! Typing a YAML tree as a [`ScenarioSpec`], with serde's errors turned into messages that name
//! the key path and line and say what is allowed.

use super::error::{Problem, ScenarioError, note_override, strip_location};
use super::locate::LineIndex;
use super::messages::{backticked_after, humanise};
use super::path::{Seg, split_path};
use super::spec::ScenarioSpec;
use serde_yaml::Value;
use std::path::Path;

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
