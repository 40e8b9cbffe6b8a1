//! The tables of the table and Markdown formats, as strings: what `table` and `markdown` lay
//! out each in its own way.

/// A table of strings: headers (label and unit line), rows, and how many leading columns are
/// keys (repeated when a wide table is split).
pub(super) struct Grid {
    /// Label and unit line of each column.
    pub(super) headers: Vec<(String, String)>,
    /// Whether each column is right-aligned.
    pub(super) right: Vec<bool>,
    /// The cells, row by row.
    pub(super) rows: Vec<Vec<String>>,
    /// Leading columns that are keys.
    pub(super) keys: usize,
}

impl Grid {
    /// An empty table with `keys` key columns.
    pub(super) fn new(keys: usize) -> Self {
        Grid {
            headers: Vec::new(),
            right: Vec::new(),
            rows: Vec::new(),
            keys,
        }
    }

    /// Adds a column, right-aligned or not.
    pub(super) fn column(&mut self, label: &str, unit: &str, right: bool) {
        self.headers.push((label.to_string(), unit.to_string()));
        self.right.push(right);
    }
}

/// A table cell on one line: line breaks, tabs and other control characters become spaces.
pub(super) fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
