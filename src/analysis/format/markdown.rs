//! The Markdown format: the layout the table format has too (`text`), with Markdown headings
//! and tables, the warnings quoted and the notes as a list.

use super::grid::{Grid, one_line};
use super::text::{Style, layout};
use crate::analysis::report::Report;
use std::fmt::Write as _;

/// `report` as Markdown.
pub(super) fn render(report: &Report) -> String {
    layout(report, &Markdown)
}

/// The style of the Markdown format.
struct Markdown;

impl Style for Markdown {
    fn title(&self, out: &mut String, description: &str) {
        self.heading(out, 1, "pricewar analysis");
        let _ = writeln!(out, "{description}\n");
    }

    fn warnings(&self, out: &mut String, warnings: &[String]) {
        for w in warnings {
            let _ = writeln!(out, "> **Note.** {w}\n");
        }
    }

    fn heading(&self, out: &mut String, level: usize, title: &str) {
        let _ = writeln!(out, "{} {title}\n", "#".repeat(level));
    }

    fn grid(&self, out: &mut String, g: &Grid) {
        out.push_str(&g.markdown());
        out.push('\n');
    }

    fn bullet(&self, out: &mut String, text: &str) {
        let _ = writeln!(out, "- {text}");
    }

    fn legend(&self, out: &mut String, label: &str, path: &str) {
        let _ = writeln!(out, "- {label} = `{path}`");
    }

    /// One heading.
    fn group_heading(&self, out: &mut String, items: &[String]) {
        self.heading(out, 2, &items.join(", "));
    }

    /// Ended by a hard line break.
    fn line(&self, out: &mut String, text: &str) {
        let _ = writeln!(out, "{text}  ");
    }
}

impl Grid {
    fn markdown(&self) -> String {
        let header: Vec<String> = self
            .headers
            .iter()
            .map(|(l, u)| {
                if u.is_empty() {
                    l.clone()
                } else {
                    format!("{l} ({u})")
                }
            })
            .collect();
        let mut out = format!(
            "| {} |\n",
            header
                .iter()
                .map(|h| md_escape(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        out += &format!(
            "|{}|\n",
            self.right
                .iter()
                .map(|r| if *r { " ---: " } else { " --- " })
                .collect::<Vec<_>>()
                .join("|")
        );
        for r in &self.rows {
            out += &format!(
                "| {} |\n",
                r.iter()
                    .map(|c| md_escape(c))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
        }
        out
    }
}

/// A Markdown table cell: on one line, with `|` escaped.
fn md_escape(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_line_breaks() {
        assert_eq!(md_escape("a|b\nc"), "a\\|b c");
    }
}
