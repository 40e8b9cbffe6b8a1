//! Reading a sweep back: every part of every shard of a table as one frame, sorted by its key,
//! so that two sweeps can be compared whatever their sharding and part sizes.

use super::error::SweepError;
use super::layout::TABLES;
use crate::output::OutputError;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// The columns that identify a row of `table`.
pub fn key_columns(table: &str) -> &'static [&'static str] {
    match table {
        "vendors" => &["run_id", "round", "vendor"],
        "segments" => &["run_id", "round", "segment"],
        "market" => &["run_id", "round"],
        "firms" => &["run_id", "round", "firm"],
        _ => &["run_id"],
    }
}

/// The part files of `table` in the sweep directory `dir`, in path order.
pub fn part_files(dir: &Path, table: &str) -> Result<Vec<PathBuf>, SweepError> {
    let root = dir.join(table);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SweepError::Output(OutputError::Io { path, source })
    };
    let mut files = Vec::new();
    for shard in std::fs::read_dir(&root).map_err(io(&root))? {
        let shard = shard.map_err(io(&root))?.path();
        if !shard.is_dir() {
            continue;
        }
        for part in std::fs::read_dir(&shard).map_err(io(&shard))? {
            let part = part.map_err(io(&shard))?.path();
            let name = part.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|n| n.starts_with("part-") && n.ends_with(".parquet")) {
                files.push(part);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// All rows of `table` (one of `runs`, `vendors`, `segments`, `market`) sorted by its key.
pub fn read_table(dir: &Path, table: &str) -> Result<DataFrame, SweepError> {
    if !TABLES.contains(&table) {
        return Err(SweepError::Spec(format!(
            "no table `{table}` in a sweep: the tables are {}",
            TABLES.join(", ")
        )));
    }
    let polars = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SweepError::Output(OutputError::Polars { path, source })
    };
    let mut all: Option<DataFrame> = None;
    for file in part_files(dir, table)? {
        let f = std::fs::File::open(&file).map_err(|source| {
            SweepError::Output(OutputError::Io {
                path: file.clone(),
                source,
            })
        })?;
        let df = ParquetReader::new(f).finish().map_err(polars(&file))?;
        match &mut all {
            None => all = Some(df),
            Some(a) => {
                a.vstack_mut(&df).map_err(polars(&file))?;
            }
        }
    }
    let Some(df) = all else {
        return Err(SweepError::Directory {
            dir: dir.to_path_buf(),
            message: format!("no part files in {table}/: is this a sweep directory?"),
        });
    };
    df.sort(key_columns(table).to_vec(), SortMultipleOptions::default())
        .map_err(polars(&dir.join(table)))
}
