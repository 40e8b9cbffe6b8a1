//! `pricewar analyze`: the common questions about a run or a sweep, answered in one report.

use crate::analysis::{self, Format};
use std::io::Write;
use std::path::Path;

/// Analyses the run or sweep in `dir` and prints the report in `format` to stdout.
pub fn analyze(dir: &Path, format: Format) -> anyhow::Result<()> {
    let data = analysis::open(dir)?;
    let report = analysis::analyze(&data)?;
    let text = analysis::format::render(&report, format);
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}
