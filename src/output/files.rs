//! Files that appear whole or not at all: every file is written under a temporary name in the
//! same directory and renamed into place. One routine ([`replace_atomically`]) serves runs,
//! sweeps and charts.

use super::OutputError;
use polars::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Maps an IO error on `path` to an [`OutputError`].
pub fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A temporary name beside `path`, unique to this process and, for files that several shards
/// of a sweep may write at once, to the shard (process ids repeat across nodes).
pub fn temp_name(path: &Path, shard: Option<u32>) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    match shard {
        None => path.with_file_name(format!(".{name}.{pid}.tmp")),
        Some(k) => path.with_file_name(format!(".{name}.s{k}.p{pid}.tmp")),
    }
}

/// Creates `tmp`, lets `write` fill it, and renames it to `path`: `path` appears whole or not at
/// all. On failure the temporary file is removed.
pub fn replace_atomically(
    path: &Path,
    tmp: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), OutputError>,
) -> Result<(), OutputError> {
    let result = (|| {
        let mut file = std::fs::File::create(tmp).map_err(io_err(tmp))?;
        write(&mut file)?;
        drop(file);
        std::fs::rename(tmp, path).map_err(io_err(path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// How Parquet files are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Columns compressed on Polars' thread pool (a single run).
    Parallel,
    /// On the calling thread (sweeps, whose workers are the parallelism).
    Serial,
}

/// Writes `df` to `path` as zstd Parquet through the temporary file `tmp`.
pub fn write_parquet_via(
    df: &mut DataFrame,
    path: &Path,
    tmp: &Path,
    encoding: Encoding,
) -> Result<(), OutputError> {
    replace_atomically(path, tmp, |file| {
        // Buffered: the writer emits many small pieces, one system call each on a bare file.
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, file);
        ParquetWriter::new(&mut buffered)
            .with_compression(ParquetCompression::Zstd(None))
            .set_parallel(encoding == Encoding::Parallel)
            .finish(df)
            .map_err(|source| OutputError::Polars {
                path: path.to_path_buf(),
                source,
            })?;
        buffered.flush().map_err(io_err(tmp))
    })
}

/// Writes `df` to `path` as zstd Parquet, atomically.
pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), OutputError> {
    write_parquet_via(df, path, &temp_name(path, None), Encoding::Parallel)
}

/// Writes `bytes` to `path` through the temporary file `tmp`, synced before the rename.
pub fn write_bytes_via(path: &Path, tmp: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    replace_atomically(path, tmp, |file| {
        file.write_all(bytes).map_err(io_err(tmp))?;
        file.sync_all().map_err(io_err(tmp))
    })
}

/// Writes `bytes` to `path` atomically and durably (synced before the rename).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_bytes_via(path, &temp_name(path, None), bytes)
}
