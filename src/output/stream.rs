//! A run's panels streamed to Parquet as the run goes: each flush of the panel buffers becomes
//! row groups of the three files, written under temporary names that are renamed into place
//! only when the run is finished (with `scenario.yaml` and `manifest.json`), so a run's memory
//! is bounded in its rounds and its files still appear whole or not at all.

use super::files::{io_err, temp_name};
use super::{Manifest, OutputError, Panels, RowCounts, write_file};
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{DataFrame, ParquetCompression, ParquetWriter};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// A buffered file the Parquet writer writes into, shared with us so that we can flush it (and
/// see its errors) once the writer has written the footer.
#[derive(Clone)]
struct Shared(Arc<Mutex<BufWriter<File>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .flush()
    }
}

/// Panel rows kept in memory before they are written: about 64 Ki rows of every panel.
pub const STREAM_ROWS: usize = 3 << 16;

/// The panel files of a run being written.
pub struct RunWriter {
    dir: PathBuf,
    files: [PanelFile; 4],
    finished: bool,
    /// Whether `create` made the directory (an unfinished run then removes it, if empty).
    made_dir: bool,
}

/// One panel's file: its final path, its temporary one and the writer once rows arrive.
struct PanelFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<(BatchedWriter<Shared>, Shared)>,
    rows: usize,
}

/// The panels' file names, in [`RunWriter`] order.
const NAMES: [&str; 4] = [
    "vendors.parquet",
    "segments.parquet",
    "market.parquet",
    "firms.parquet",
];

impl RunWriter {
    /// Starts writing a run's panels into `dir` (created if needed). Nothing appears under a
    /// final name before [`RunWriter::finish`].
    pub fn create(dir: &Path) -> Result<Self, OutputError> {
        let made_dir = !dir.exists();
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let file = |name: &str| {
            let path = dir.join(name);
            PanelFile {
                tmp: temp_name(&path, None),
                path,
                writer: None,
                rows: 0,
            }
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            files: NAMES.map(file),
            finished: false,
            made_dir,
        })
    }

    /// Writes the panels' rows (as row groups). The caller checks they are finite
    /// ([`Panels::check_finite`]) and empties the buffers.
    pub fn write(&mut self, panels: &Panels) -> Result<(), OutputError> {
        let frames = [
            panels.vendors.frame(),
            panels.segments.frame(),
            panels.market.frame(),
            panels.firms.frame(),
        ];
        for (file, frame) in self.files.iter_mut().zip(frames) {
            let df = frame.map_err(|source| OutputError::Polars {
                path: file.path.clone(),
                source,
            })?;
            file.write(&df)?;
        }
        Ok(())
    }

    /// Writes the last rows, closes the panel files, renames them into place and writes
    /// `scenario.yaml` and `manifest.json` (with the files' row counts). Returns the paths
    /// written.
    pub fn finish(
        mut self,
        panels: &Panels,
        resolved_yaml: &str,
        manifest: &mut Manifest,
    ) -> Result<Vec<PathBuf>, OutputError> {
        // The rest (files of panels that never had rows are opened here, for their schema).
        self.write(panels)?;
        let mut written = Vec::new();
        for file in &mut self.files {
            if let Some((w, mut shared)) = file.writer.take() {
                w.finish().map_err(|source| OutputError::Polars {
                    path: file.path.clone(),
                    source,
                })?;
                drop(w);
                shared.flush().map_err(io_err(&file.tmp))?;
            }
        }
        for file in &self.files {
            std::fs::rename(&file.tmp, &file.path).map_err(io_err(&file.path))?;
            written.push(file.path.clone());
        }
        self.finished = true;
        manifest.rows = RowCounts {
            vendors: self.files[0].rows,
            segments: self.files[1].rows,
            market: self.files[2].rows,
            firms: self.files[3].rows,
        };
        let path = self.dir.join("scenario.yaml");
        write_file(&path, resolved_yaml.as_bytes())?;
        written.push(path);
        let path = self.dir.join("manifest.json");
        let json = serde_json::to_string_pretty(manifest).expect("manifest serialises");
        write_file(&path, json.as_bytes())?;
        written.push(path);
        Ok(written)
    }
}

impl PanelFile {
    fn write(&mut self, df: &DataFrame) -> Result<(), OutputError> {
        let polars = |source| OutputError::Polars {
            path: self.path.clone(),
            source,
        };
        if self.writer.is_none() {
            let file = File::create(&self.tmp).map_err(io_err(&self.tmp))?;
            let shared = Shared(Arc::new(Mutex::new(BufWriter::with_capacity(
                1 << 20,
                file,
            ))));
            // Row groups are encoded on this thread: compressing them on Polars' pool leaves
            // memory behind in that pool's allocator arenas flush after flush.
            let writer = ParquetWriter::new(shared.clone())
                .with_compression(ParquetCompression::Zstd(None))
                .set_parallel(false)
                .batched(df.schema())
                .map_err(polars)?;
            self.writer = Some((writer, shared));
        }
        if df.height() > 0 {
            let (writer, _) = self.writer.as_mut().expect("opened above");
            // Frames built from the panel buffers have one chunk per column (aligned).
            writer.write_batch(df).map_err(polars)?;
            self.rows += df.height();
        }
        Ok(())
    }
}

impl Drop for RunWriter {
    /// A run that did not finish leaves no files behind (nor the directory it made).
    fn drop(&mut self) {
        if !self.finished {
            for file in &mut self.files {
                drop(file.writer.take());
                let _ = std::fs::remove_file(&file.tmp);
            }
            if self.made_dir {
                // Only if empty: nothing but this run's own files is ever removed.
                let _ = std::fs::remove_dir(&self.dir);
            }
        }
    }
}
