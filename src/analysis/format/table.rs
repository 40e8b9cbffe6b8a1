//! The table format: plain text for a terminal, every line at most [`TABLE_WIDTH`] characters;
//! wide tables split with their key columns repeated, paragraphs wrapped.

use super::TABLE_WIDTH;
use super::grid::{Grid, one_line};
use super::text::{Style, layout};
use crate::analysis::report::Report;
use std::fmt::Write as _;

/// `report` as tables for a terminal.
pub(super) fn render(report: &Report) -> String {
    layout(report, &Table)
}

/// The style of the table format.
struct Table;

impl Style for Table {
    fn title(&self, out: &mut String, description: &str) {
        out.push_str(&wrap(description, TABLE_WIDTH, ""));
        out.push('\n');
    }

    fn warnings(&self, out: &mut String, warnings: &[String]) {
        for w in warnings {
            out.push_str(&wrap(w, TABLE_WIDTH, "Note: "));
        }
        if !warnings.is_empty() {
            out.push('\n');
        }
    }

    fn heading(&self, out: &mut String, _level: usize, title: &str) {
        let _ = writeln!(out, "{title}");
    }

    fn grid(&self, out: &mut String, g: &Grid) {
        out.push_str(&g.text(TABLE_WIDTH));
        out.push('\n');
    }

    fn bullet(&self, out: &mut String, text: &str) {
        out.push_str(&wrap(text, TABLE_WIDTH, "- "));
    }

    fn legend(&self, out: &mut String, label: &str, path: &str) {
        out.push_str(&wrap(path, TABLE_WIDTH, &format!("{label} = ")));
    }

    /// Lines of at most [`TABLE_WIDTH`] characters, underlined.
    fn group_heading(&self, out: &mut String, items: &[String]) {
        let title = pack(items, TABLE_WIDTH);
        let rule = title.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        out.push_str(&title);
        out.push_str(&"=".repeat(rule));
        out.push('\n');
    }

    fn line(&self, out: &mut String, text: &str) {
        out.push_str(&wrap(text, TABLE_WIDTH, ""));
    }
}

impl Grid {
    fn width(&self, c: usize, cap: usize) -> usize {
        let (l, u) = &self.headers[c];
        let w = self
            .rows
            .iter()
            .map(|r| r[c].chars().count())
            .chain([l.chars().count(), u.chars().count()])
            .max()
            .unwrap_or(0);
        w.min(cap)
    }

    /// Plain text, split into several tables (key columns repeated) when wider than `max`.
    /// Every line is at most `max` characters: key columns are repeated only while they take
    /// at most half of `max` (the others split like ordinary columns), and cells that would not
    /// fit are cut with an ellipsis.
    fn text(&self, max: usize) -> String {
        let n = self.headers.len();
        let key_cap = 40;
        let mut widths: Vec<usize> = (0..n)
            .map(|c| self.width(c, if c < self.keys { key_cap } else { max }))
            .collect();
        let mut keys = 0;
        let mut key_width = 0;
        while keys < self.keys.min(n) && key_width + widths[keys] + 2 <= max / 2 {
            key_width += widths[keys] + 2;
            keys += 1;
        }
        for w in &mut widths[keys..] {
            *w = (*w).min(max - key_width).max(1);
        }
        let mut chunks: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut used = key_width;
        for (c, width) in widths.iter().enumerate().skip(keys) {
            let w = width + 2;
            if !current.is_empty() && used + w > max + 2 {
                chunks.push(std::mem::take(&mut current));
                used = key_width;
            }
            current.push(c);
            used += w;
        }
        if !current.is_empty() || chunks.is_empty() {
            chunks.push(current);
        }
        let mut out = String::new();
        for (k, chunk) in chunks.iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            let cols: Vec<usize> = (0..keys).chain(chunk.iter().copied()).collect();
            let line = |cells: &dyn Fn(usize) -> String| {
                let mut s = String::new();
                for (i, &c) in cols.iter().enumerate() {
                    let cell = fit(&cells(c), widths[c]);
                    let pad = widths[c] - cell.chars().count();
                    if i > 0 {
                        s.push_str("  ");
                    }
                    if self.right[c] {
                        s.push_str(&" ".repeat(pad));
                        s.push_str(&cell);
                    } else {
                        s.push_str(&cell);
                        s.push_str(&" ".repeat(pad));
                    }
                }
                s.trim_end().to_string() + "\n"
            };
            out += &line(&|c| self.headers[c].0.clone());
            if cols.iter().any(|&c| !self.headers[c].1.is_empty()) {
                out += &line(&|c| self.headers[c].1.clone());
            }
            let total: usize =
                cols.iter().map(|&c| widths[c]).sum::<usize>() + 2 * (cols.len() - 1);
            out += &"-".repeat(total);
            out.push('\n');
            for r in &self.rows {
                out += &line(&|c| r[c].clone());
            }
        }
        out
    }
}

/// `s` on one line, cut to `w` characters with an ellipsis.
fn fit(s: &str, w: usize) -> String {
    let s = one_line(s);
    if s.chars().count() <= w {
        s
    } else {
        let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Wraps `text` at `width` characters, prefixing the first line with `first` and the others
/// with spaces of the same width; words longer than a line are broken.
fn wrap(text: &str, width: usize, first: &str) -> String {
    let indent = " ".repeat(first.chars().count());
    let room = width.saturating_sub(indent.chars().count()).max(8);
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    let words = text.split_whitespace().flat_map(|w| {
        let chars: Vec<char> = w.chars().collect();
        chars
            .chunks(room)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
    });
    for word in words {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out += line.trim_end();
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word);
        empty = false;
    }
    out += line.trim_end();
    out.push('\n');
    out
}

/// Items joined by ", " and packed into lines of at most `width` characters, continuation
/// lines indented by two spaces; an item longer than a line is broken.
fn pack(items: &[String], width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        let sep = if line.is_empty() { "" } else { " " };
        if !line.is_empty() && line.chars().count() + 1 + piece.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        let lead = if lines.is_empty() { "" } else { "  " };
        if line.is_empty() {
            line.push_str(lead);
        } else {
            line.push_str(sep);
        }
        let mut chars: Vec<char> = piece.chars().collect();
        while line.chars().count() + chars.len() > width {
            let room = width.saturating_sub(line.chars().count()).max(1);
            let head: String = chars.drain(..room.min(chars.len())).collect();
            line.push_str(&head);
            lines.push(std::mem::replace(&mut line, "  ".into()));
        }
        line.extend(chars);
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .iter()
        .map(|l| l.trim_end().to_string() + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_to_one_line() {
        assert_eq!(fit("a\r\nb", 10), "a  b");
    }

    #[test]
    fn wide_tables_split_and_keep_their_keys() {
        let mut g = Grid::new(1);
        g.column("vendor", "", false);
        for i in 0..12 {
            g.column(&format!("metric number {i}"), "USD/Mtok", true);
        }
        g.rows.push(
            std::iter::once("A very long vendor name".to_string())
                .chain((0..12).map(|i| format!("{i}.0")))
                .collect(),
        );
        let t = g.text(TABLE_WIDTH);
        assert!(t.lines().all(|l| l.chars().count() <= TABLE_WIDTH), "{t}");
        assert!(t.matches("A very long vendor name").count() >= 2, "{t}");
        assert!(t.contains("metric number 11"));
    }

    #[test]
    fn key_columns_too_wide_to_repeat_still_fit() {
        let mut g = Grid::new(4);
        for k in 0..4 {
            g.column(
                &format!("a rather long swept parameter path number {k}"),
                "",
                false,
            );
        }
        for i in 0..6 {
            g.column(&format!("metric {i}"), "USD", true);
        }
        g.rows.push(
            (0..4)
                .map(|k| format!("a long text value of parameter {k}"))
                .chain((0..6).map(|i| format!("{i}.5")))
                .collect(),
        );
        let t = g.text(TABLE_WIDTH);
        assert!(t.lines().all(|l| l.chars().count() <= TABLE_WIDTH), "{t}");
        assert!(t.contains("metric 5"), "{t}");
    }

    #[test]
    fn titles_and_notes_wrap_at_the_width() {
        let items: Vec<String> = (0..4)
            .map(|k| format!("segments[buyers number {k}].volume.elasticity = 1.5"))
            .collect();
        let t = pack(&items, 60);
        assert!(t.lines().all(|l| l.chars().count() <= 60), "{t}");
        assert!(t.lines().skip(1).all(|l| l.starts_with("  ")), "{t}");
        assert_eq!(t.replace("\n  ", " ").trim_end(), items.join(", "));
        let long = pack(&["x".repeat(150)], 60);
        assert!(long.lines().all(|l| l.chars().count() <= 60), "{long}");
        let w = wrap(
            &format!("see {}", "/a/very/long/path".repeat(10)),
            40,
            "Note: ",
        );
        assert!(w.lines().all(|l| l.chars().count() <= 40), "{w}");
    }
}
