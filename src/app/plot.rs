//! `pricewar plot`: PNG and SVG charts of a run or a sweep.

use crate::analysis;
use std::path::{Path, PathBuf};

/// Draws the charts of the run or sweep in `dir` into `out` (default `DIR/plots`) and prints
/// the files written; returns them.
pub fn plot(dir: &Path, out: Option<&Path>, quiet: bool) -> anyhow::Result<Vec<PathBuf>> {
    let data = analysis::open(dir)?;
    let out = out.map_or_else(|| dir.join("plots"), Path::to_path_buf);
    let written = analysis::plot::plot(&data, &out)?;
    if !quiet {
        println!(
            "wrote {} charts (PNG and SVG) to {}",
            written.len() / 2,
            out.display()
        );
        for f in &written {
            println!("  {}", f.strip_prefix(&out).unwrap_or(f).display());
        }
    }
    Ok(written)
}
