//! Chart files: PNG and SVG, each appearing whole or not at all.

use super::draw::draw;
use super::{Chart, SIZE};
use crate::analysis::AnalysisError;
use plotters::prelude::*;
use std::path::Path;

/// Writes `chart` to `path` as PNG.
pub(super) fn write_png(chart: &Chart, path: &Path) -> Result<(), AnalysisError> {
    // Drawn under a hidden temporary name (keeping the extension that selects the encoder),
    // then renamed: the file appears whole or not at all.
    let tmp = path.with_file_name(format!(".{}.{}.tmp.png", chart.file, std::process::id()));
    let fail = |message: String| AnalysisError::Plot {
        path: path.to_path_buf(),
        message,
    };
    let result = (|| {
        let root = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
        draw(&root, chart).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
        drop(root);
        std::fs::rename(&tmp, path).map_err(|cause| AnalysisError::Io {
            path: path.to_path_buf(),
            cause,
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `chart` to `path` as SVG.
pub(super) fn write_svg(chart: &Chart, path: &Path) -> Result<(), AnalysisError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&root, chart).map_err(|message| AnalysisError::Plot {
            path: path.to_path_buf(),
            message,
        })?;
        root.present().map_err(|e| AnalysisError::Plot {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    }
    crate::output::write_file(path, svg.as_bytes()).map_err(|e| AnalysisError::Plot {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
