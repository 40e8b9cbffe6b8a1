//! Scenario errors: each names the file, the key path and the line, and says what is allowed.

use std::fmt;
use std::path::{Path, PathBuf};

/// One thing wrong with a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Key path, e.g. `vendors[2].cost.training_mfu` (empty for the whole document).
    pub path: String,
    /// 1-based line in the file, where known.
    pub line: Option<usize>,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read the scenario: {source}")]
    Read {
        /// The file.
        file: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// The file is not well-formed YAML.
    #[error("{}:{line}:{column}: not valid YAML: {message}", file.display())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A `--set path=value` override could not be applied.
    #[error("--set {assignment}: {message}")]
    Override {
        /// The override as given.
        assignment: String,
        /// What is wrong.
        message: String,
    },
    /// The file parsed but its content is wrong.
    #[error("{}", Invalid { file, problems })]
    Invalid {
        /// The file.
        file: PathBuf,
        /// Everything found wrong, in file order.
        problems: Vec<Problem>,
    },
}

struct Invalid<'a> {
    file: &'a PathBuf,
    problems: &'a [Problem],
}

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file.display())?;
            if let Some(line) = p.line {
                write!(f, ":{line}")?;
            }
            if p.path.is_empty() {
                write!(f, ": {}", p.message)?;
            } else {
                write!(f, ": {}: {}", p.path, p.message)?;
            }
        }
        Ok(())
    }
}

impl ScenarioError {
    /// The problems of an `Invalid` error (empty for other kinds).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

/// One problem at `key` (line `line`) of `path`.
pub(crate) fn invalid(path: &Path, key: &str, line: Option<usize>, message: &str) -> ScenarioError {
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
pub(crate) fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
