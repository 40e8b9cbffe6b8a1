//! `pricewar validate`: check a scenario without running it.

use crate::scenario;
use std::path::Path;

/// Loads and checks `path` with `--set` overrides; prints a one-line summary and any warnings.
pub fn validate(path: &Path, set: &[String]) -> anyhow::Result<()> {
    let s = scenario::load(path, set)?;
    for w in s.warnings() {
        eprintln!("warning: {}: {w}", path.display());
    }
    let spec = s.spec();
    println!(
        "{}: valid scenario `{}`: {} vendors, {} segments, {} buyer agents, {} rounds",
        path.display(),
        spec.name,
        spec.vendors.len(),
        spec.segments.len(),
        s.agents(),
        spec.rounds
    );
    Ok(())
}
