//! `pricewar plot`: the charts of a run and of a sweep are written as valid PNG and SVG files
//! that are not blank, with titles, axis labels and legends.

use crate::common::*;
use crate::sweep_fixture;
use std::collections::HashSet;
use std::path::Path;

const CHARTS: [&str; 4] = ["prices", "shares", "hhi", "surplus"];

/// Decodes a PNG and checks it is a real picture: the signature, the size, and more than a
/// handful of colours with a fair share of non-white pixels.
fn assert_png_not_blank(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{}: no PNG signature",
        path.display()
    );
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(
        (info.width, info.height),
        pricewar::analysis::plot::SIZE,
        "{}",
        path.display()
    );
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let colours: HashSet<&[u8]> = pixels.iter().copied().collect();
    let inked = pixels
        .iter()
        .filter(|p| p.iter().take(3).any(|&c| c < 200))
        .count();
    assert!(
        colours.len() > 20,
        "{}: {} colours",
        path.display(),
        colours.len()
    );
    assert!(
        inked as f64 > 0.01 * pixels.len() as f64,
        "{}: only {inked} dark pixels",
        path.display()
    );
}

/// Checks an SVG is a drawing with lines, the title and the axis labels.
fn assert_svg(path: &Path, texts: &[&str]) {
    let svg = std::fs::read_to_string(path).unwrap();
    assert!(svg.trim_start().starts_with("<svg"), "{}", path.display());
    assert!(svg.trim_end().ends_with("</svg>"), "{}", path.display());
    assert!(
        svg.matches("<polyline").count()
            + svg.matches("<path").count()
            + svg.matches("<line").count()
            > 5,
        "{}: no lines",
        path.display()
    );
    for t in texts {
        assert!(svg.contains(t), "{} lacks {t:?}", path.display());
    }
    // Tags open and close in balance: a cheap check that the XML is well formed.
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
}

#[test]
fn plots_of_a_run_are_valid_and_not_blank() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    pricewar()
        .args([
            "run",
            "scenarios/china-2024.yaml",
            "--quiet",
            "--rounds",
            "12",
            "--out",
        ])
        .arg(&out)
        .current_dir(root())
        .assert()
        .success();
    let a = pricewar()
        .args(["plot", out.to_str().unwrap()])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(stdout.contains("wrote 4 charts"), "{stdout}");
    let plots = out.join("plots");
    for c in CHARTS {
        assert_png_not_blank(&plots.join(format!("{c}.png")));
    }
    assert_svg(
        &plots.join("prices.svg"),
        &[
            "china-2024: prices per vendor",
            "USD per Mtok",
            "round (weeks)",
            "DeepSeek-V2",
            "ERNIE Speed",
        ],
    );
    assert_svg(
        &plots.join("shares.svg"),
        &["market shares", "share of volume sold, %", "Qwen-Long"],
    );
    assert_svg(
        &plots.join("hhi.svg"),
        &["concentration (HHI)", "0-10,000", "1,800"],
    );
    assert_svg(
        &plots.join("surplus.svg"),
        &[
            "consumer and producer surplus",
            "USD per round",
            "consumer surplus",
            "welfare",
        ],
    );
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
}

#[test]
fn plots_of_a_sweep_show_medians_and_bands_per_parameter_combination() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sweep");
    sweep_fixture::china_sweep(&sweep);
    let charts = dir.path().join("charts");
    let a = pricewar()
        .args(["plot", sweep.to_str().unwrap(), "--out"])
        .arg(&charts)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(stdout.contains("wrote 8 charts"), "{stdout}");
    for (group, step) in [
        ("01_vendors_Qwen-Long_.strategy.step=0.05", "0.05"),
        ("02_vendors_Qwen-Long_.strategy.step=0.2", "0.2"),
    ] {
        let d = charts.join(group);
        assert!(stdout.contains(&format!("{group}/prices.png")), "{stdout}");
        for c in CHARTS {
            assert_png_not_blank(&d.join(format!("{c}.png")));
        }
        let subtitle =
            format!("vendors[Qwen-Long].strategy.step = {step}; median and 90% band across 3 runs");
        assert_svg(
            &d.join("prices.svg"),
            &["prices per vendor", &subtitle, "5th-95th"],
        );
        let svg = std::fs::read_to_string(d.join("shares.svg")).unwrap();
        assert!(svg.contains("<polygon"), "bands are drawn");
    }
    assert!(!sweep.join("plots").exists(), "--out is honoured");
}

/// Five runs of vendors A and B over rounds 0-5; B leaves the market after round 2 in runs 0-3
/// and stays in run 4 at a price of its own (9).
fn exit_sweep(dir: &Path) {
    use crate::analysis::{Row, handmade};
    use crate::sweep_fixture::{Param, SweepRun};
    let runs: Vec<SweepRun> = (0..5u64)
        .map(|run_id| {
            let survives = run_id == 4;
            let rows: Vec<Row> = (0..6)
                .flat_map(|t| {
                    let b = if t <= 2 {
                        (t, "B", Some(2.0), 1.0, 0.5)
                    } else if survives {
                        (t, "B", Some(9.0), 1.0, 0.5)
                    } else {
                        (t, "B", None, 0.0, 0.5)
                    };
                    [(t, "A", Some(1.0 + run_id as f64 * 0.1), 2.0, 0.5), b]
                })
                .collect();
            SweepRun {
                run_id,
                replicate: run_id as u32,
                seed: run_id,
                params: vec![Param::Number(0.1)],
                panels: handmade(run_id, &rows, 1.0),
                benchmarks: None,
            }
        })
        .collect();
    sweep_fixture::write_sweep(
        dir,
        "exits",
        "name: exits\nrounds_per_year: 12\n",
        &["vendors[B].strategy.step"],
        5,
        12.0,
        &runs,
        1,
    );
}

#[test]
fn a_vendors_sweep_price_line_stops_where_most_runs_have_lost_it() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sweep");
    exit_sweep(&sweep);
    let data = pricewar::analysis::open(&sweep).unwrap();
    let sets = pricewar::analysis::plot::charts(&data).unwrap();
    assert_eq!(sets.len(), 1);
    let prices = sets[0].charts.iter().find(|c| c.file == "prices").unwrap();
    let line = |name: &str| prices.lines.iter().find(|l| l.name == name).unwrap();
    let b = &line("B").points;
    assert_eq!(b.len(), 6);
    for (round, median, low, high) in b {
        if *round <= 2.0 {
            assert_eq!((*median, *low, *high), (Some(2.0), Some(2.0), Some(2.0)));
        } else {
            // In the market in 1 run of 5: not drawn, rather than the survivor's 9.
            assert_eq!((*median, *low, *high), (None, None, None), "round {round}");
        }
    }
    assert!(line("A").points.iter().all(|p| p.1.is_some()));
    let note = prices.note.as_deref().unwrap_or_default();
    assert!(note.contains("at least half of the runs"), "{note}");

    // The charts draw.
    let charts = dir.path().join("charts");
    pricewar()
        .args(["plot", sweep.to_str().unwrap(), "--quiet", "--out"])
        .arg(&charts)
        .assert()
        .success();
    assert_png_not_blank(&charts.join("prices.png"));
    assert_svg(
        &charts.join("prices.svg"),
        &["median and 90% band across 5 runs", "at least half"],
    );
}

/// Runs `pricewar plot DIR --quiet`, failing the test if it has not finished within a minute
/// (the process is killed rather than left running).
fn plot_within_a_minute(dir: &Path) {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_pricewar"))
        .args(["plot", dir.to_str().unwrap(), "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "plot {}: {status}", dir.display());
            return;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("plot {} still running after 60 s", dir.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn plot_finishes_when_prices_reach_the_limits_of_f64() {
    let dir = tempfile::tempdir().unwrap();
    // Two vendors at zero cost undercutting each other by half: prices fall through the
    // subnormal numbers to 0.
    let yaml = dir.path().join("halving.yaml");
    std::fs::write(
        &yaml,
        "name: halving
seed: 1
rounds: 1100
vendors:
  - name: A
    model: { quality: 1 }
    cost: { kind: linear, marginal: 0 }
    initial_price: 1
    strategy: { kind: undercut, step: 0.5 }
  - name: B
    model: { quality: 1 }
    cost: { kind: linear, marginal: 0 }
    initial_price: 1
    strategy: { kind: undercut, step: 0.5 }
segments:
  - name: s
    agents: 10
    price_sensitivity: 1
    base_volume_mtok: 1
    choice: { mode: expected }
",
    )
    .unwrap();
    let halving = dir.path().join("halving");
    pricewar()
        .args(["run", yaml.to_str().unwrap(), "--quiet", "--out"])
        .arg(&halving)
        .assert()
        .success();
    plot_within_a_minute(&halving);
    for c in CHARTS {
        assert_png_not_blank(&halving.join("plots").join(format!("{c}.png")));
    }

    // Hand-made runs with extreme prices: the largest finite price, a subnormal one, zero, and
    // 1e300 against 1e-300 (more decades than a log axis shows).
    use crate::analysis::{Row, handmade};
    let cases: [[Option<f64>; 3]; 4] = [
        [Some(f64::MAX), Some(1.0), Some(f64::MAX)],
        [Some(5e-324), Some(1e-320), Some(0.0)],
        [Some(1e308), Some(5e-324), Some(1.0)],
        [Some(1e300), Some(1e-300), Some(1e300)],
    ];
    for (k, prices) in cases.iter().enumerate() {
        let rows: Vec<Row> = prices
            .iter()
            .enumerate()
            .flat_map(|(t, &p)| {
                [
                    (t as u32, "A", p, 1.0, 0.0),
                    (t as u32, "B", Some(1.0), 1.0, 0.0),
                ]
            })
            .collect();
        let run = dir.path().join(format!("extreme{k}"));
        crate::sweep_fixture::write_run(
            &run,
            &handmade(0, &rows, 1.0),
            12.0,
            serde_json::json!({}),
        );
        // Every chart's vertical axis is finite and ordered, a log axis positive.
        let data = pricewar::analysis::open(&run).unwrap();
        for c in &pricewar::analysis::plot::charts(&data).unwrap()[0].charts {
            match c.scale {
                pricewar::analysis::plot::Scale::Linear(a, b) => {
                    assert!(
                        a.is_finite() && b.is_finite() && a < b,
                        "{prices:?}: {a}..{b}"
                    )
                }
                pricewar::analysis::plot::Scale::Log(a, b) => assert!(
                    a >= 1e-305 && b <= 1e305 && a < b,
                    "{prices:?}: log {a}..{b}"
                ),
            }
        }
        plot_within_a_minute(&run);
        assert_png_not_blank(&run.join("plots/prices.png"));
    }
}
