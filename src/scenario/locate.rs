//! Line numbers of key paths (`vendors[2].cost.mfu`) in a YAML text, for error messages.
//!
//! serde_yaml reports where a syntax error is, but a value that parses and is then found out of
//! range has no position left. This index walks the YAML event stream once and records the line
//! of every key and sequence item, so that every error can name its line.

use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// Key path → 1-based line.
#[derive(Debug, Default, Clone)]
pub struct LineIndex {
    lines: HashMap<String, usize>,
}

enum Frame {
    /// In a mapping: the path of the mapping, the pending key (if the next scalar is a value).
    Map { path: String, key: Option<String> },
    /// In a sequence: the path of the sequence and the index of the next item.
    Seq { path: String, next: usize },
}

impl LineIndex {
    /// Builds the index; a text that does not parse gives an empty index (the parse error is
    /// reported separately, with its own position).
    pub fn build(text: &str) -> Self {
        let mut lines = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        // Path and line of the node about to start (set when a key or item is seen).
        for ev in Parser::new_from_str(text) {
            let Ok((ev, span)) = ev else { break };
            let line = span.start.line();
            // Where does a new node go, and what is its path?
            let node_path =
                |stack: &mut Vec<Frame>, lines: &mut HashMap<String, usize>| -> Option<String> {
                    match stack.last_mut() {
                        None => Some(String::new()),
                        Some(Frame::Map { path, key }) => key.take().map(|k| join(path, &k)),
                        Some(Frame::Seq { path, next }) => {
                            let p = format!("{path}[{next}]");
                            *next += 1;
                            lines.entry(p.clone()).or_insert(line);
                            Some(p)
                        }
                    }
                };
            match ev {
                Event::Scalar(value, ..) => {
                    // A scalar is either a mapping key or a value.
                    if let Some(Frame::Map { path, key }) = stack.last_mut()
                        && key.is_none()
                    {
                        let p = join(path, &value);
                        lines.entry(p).or_insert(line);
                        *key = Some(value.into_owned());
                        continue;
                    }
                    node_path(&mut stack, &mut lines);
                }
                Event::MappingStart(..) => {
                    let p = node_path(&mut stack, &mut lines).unwrap_or_default();
                    lines.entry(p.clone()).or_insert(line);
                    stack.push(Frame::Map { path: p, key: None });
                }
                Event::SequenceStart(..) => {
                    let p = node_path(&mut stack, &mut lines).unwrap_or_default();
                    lines.entry(p.clone()).or_insert(line);
                    stack.push(Frame::Seq { path: p, next: 0 });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                Event::Alias(..) => {
                    node_path(&mut stack, &mut lines);
                }
                _ => {}
            }
        }
        Self { lines }
    }

    /// The line of `path`, or of its nearest ancestor that is in the file.
    pub fn line_of(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some(l) = self.lines.get(p) {
                return Some(*l);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name: x\nvendors:\n  - name: a\n    cost:\n      kind: linear\n      marginal: 1\n  - name: b\n    cost: {kind: linear, marginal: 2}\nsegments: []\n";

    #[test]
    fn finds_keys_items_and_nested_keys() {
        let ix = LineIndex::build(TEXT);
        assert_eq!(ix.line_of("name"), Some(1));
        assert_eq!(ix.line_of("vendors"), Some(2));
        assert_eq!(ix.line_of("vendors[0]"), Some(3));
        assert_eq!(ix.line_of("vendors[0].cost.marginal"), Some(6));
        assert_eq!(ix.line_of("vendors[1].name"), Some(7));
        assert_eq!(ix.line_of("vendors[1].cost.marginal"), Some(8));
        assert_eq!(ix.line_of("segments"), Some(9));
    }

    #[test]
    fn missing_keys_fall_back_to_their_parent() {
        let ix = LineIndex::build(TEXT);
        assert_eq!(ix.line_of("vendors[1].cost.fixed"), Some(8));
        assert_eq!(ix.line_of("vendors[0].strategy.kind"), Some(3));
    }
}
