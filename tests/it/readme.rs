//! Every command output printed in README.md is what the binary prints now.
//!
//! README marks each output block with `<!-- example: NAME -->` on the line before its fence.
//! For each NAME this file says which commands make the output (and which user files they
//! read); the test plays them in a scratch directory that holds the shipped `scenarios/` and
//! compares. A README line `...` stands for any number of lines; run times (`in 0.38 s`) are
//! not compared.

use crate::common::{pricewar, root};
use std::path::Path;

/// One command of an example: files it needs (path relative to the scratch directory, text)
/// and its arguments.
struct Step {
    files: Vec<(String, String)>,
    args: Vec<String>,
}

fn step(args: &[&str]) -> Step {
    Step {
        files: Vec::new(),
        args: args.iter().map(|s| s.to_string()).collect(),
    }
}

fn with_file(path: &str, text: String, args: &[&str]) -> Step {
    Step {
        files: vec![(path.to_string(), text)],
        args: args.iter().map(|s| s.to_string()).collect(),
    }
}

fn shipped(name: &str) -> String {
    std::fs::read_to_string(root().join("scenarios").join(name)).unwrap()
}

/// The textbook scenario with one line replaced: a user's file with one mistake.
fn textbook_with(find: &str, replace: &str) -> String {
    let text = shipped("textbook.yaml");
    assert!(text.contains(find), "textbook.yaml holds `{find}`");
    text.replacen(find, replace, 1)
}

/// The commands behind each README example.
fn examples(name: &str) -> Vec<Step> {
    match name {
        "run-summary" => vec![step(&["run", "scenarios/china-2024.yaml"])],
        "scenario-errors" => vec![
            with_file(
                "scenarios/mine.yaml",
                textbook_with(
                    "      mode: expected",
                    "      mode: expected\n      review_probability: 1.5",
                ),
                &["validate", "scenarios/mine.yaml"],
            ),
            with_file(
                "scenarios/mine.yaml",
                textbook_with("marginal: 10", "margnial: 10"),
                &["validate", "scenarios/mine.yaml"],
            ),
            with_file(
                "scenarios/mine.yaml",
                textbook_with("marginal: 10", "marginal: ten"),
                &["validate", "scenarios/mine.yaml"],
            ),
        ],
        "sweep-errors" => {
            let sweep = shipped("undercut-sweep.yaml");
            let typo = sweep.replacen(
                "vendors[Challenger].strategy.step: [0.02, 0.05, 0.1]",
                "vendors[Challenger].strategy.stpe: [0.02, 0.05, 0.1]",
                1,
            );
            let out_of_range = sweep.replacen(
                "vendors[Challenger].strategy.step: [0.02, 0.05, 0.1]",
                "vendors[Challenger].strategy.step: [0.02, 0.05, 1.5]",
                1,
            );
            vec![
                with_file(
                    "scenarios/mine.yaml",
                    typo,
                    &["sweep", "scenarios/mine.yaml", "--plan"],
                ),
                with_file(
                    "scenarios/mine.yaml",
                    out_of_range,
                    &["sweep", "scenarios/mine.yaml", "--plan"],
                ),
                step(&[
                    "sweep",
                    "scenarios/undercut-sweep.yaml",
                    "--range",
                    "vendors[0].initial_price=4..2",
                    "--plan",
                ]),
                step(&[
                    "sweep",
                    "scenarios/undercut-sweep.yaml",
                    "--shard",
                    "3/3",
                    "--plan",
                ]),
            ]
        }
        "analyze-run" => vec![
            step(&["run", "scenarios/china-2024.yaml", "--quiet"]),
            step(&["analyze", "output/china-2024"]),
        ],
        other => panic!("README example `{other}` has no commands in tests/it/readme.rs"),
    }
}

/// What the steps print, stdout then stderr of each, in a scratch directory with the shipped
/// scenarios.
fn play(steps: &[Step]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), scenarios.join(entry.file_name())).unwrap();
    }
    let mut out = String::new();
    for s in steps {
        for (path, text) in &s.files {
            std::fs::write(dir.path().join(path), text).unwrap();
        }
        let o = pricewar()
            .current_dir(dir.path())
            .args(&s.args)
            .output()
            .unwrap();
        out.push_str(&String::from_utf8_lossy(&o.stdout));
        out.push_str(&String::from_utf8_lossy(&o.stderr));
    }
    out
}

/// Run times differ from run to run: `in 0.38 s` reads `in _ s`.
fn normalise(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(" in ") {
        let (head, tail) = rest.split_at(i + 4);
        out.push_str(head);
        let digits = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        if digits > 0 && tail[digits..].starts_with(" s") {
            out.push('_');
            rest = &tail[digits..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out.trim_end().to_string()
}

/// Whether `expected` (README lines, `...` for any lines) matches `actual` in order.
fn matches(expected: &[String], actual: &[String]) -> Result<(), String> {
    fn go(e: &[String], a: &[String]) -> bool {
        match e.split_first() {
            None => a.is_empty(),
            Some((first, rest)) if first == "..." => (0..=a.len()).any(|k| go(rest, &a[k..])),
            Some((first, rest)) => a.first() == Some(first) && go(rest, &a[1..]),
        }
    }
    if go(expected, actual) {
        return Ok(());
    }
    // Point at the first README line that is not where it should be.
    let missing = expected
        .iter()
        .filter(|l| *l != "...")
        .find(|l| !actual.contains(l));
    Err(match missing {
        Some(l) => format!("README line not printed: {l:?}"),
        None => "lines printed in another order or with others between them".into(),
    })
}

/// The README's marked output blocks: (name, lines).
fn marked_blocks(readme: &str) -> Vec<(String, Vec<String>)> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = line
            .trim()
            .strip_prefix("<!-- example:")
            .and_then(|r| r.strip_suffix("-->"))
        else {
            continue;
        };
        assert!(
            lines.get(i + 1).is_some_and(|l| l.starts_with("```")),
            "the line after `{line}` must open the example's code block"
        );
        let body: Vec<String> = lines[i + 2..]
            .iter()
            .take_while(|l| !l.starts_with("```"))
            .map(|l| normalise(l))
            .collect();
        blocks.push((name.trim().to_string(), body));
    }
    blocks
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

#[test]
fn every_printed_output_in_readme_is_what_the_binary_prints() {
    let blocks = marked_blocks(&readme());
    assert!(blocks.len() >= 4, "README has its examples marked");
    let mut wrong = Vec::new();
    for (name, expected) in &blocks {
        let actual: Vec<String> = play(&examples(name)).lines().map(normalise).collect();
        if let Err(why) = matches(expected, &actual) {
            wrong.push(format!(
                "example `{name}`: {why}\n--- the binary prints:\n{}",
                actual.join("\n")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn every_output_block_in_readme_is_marked_as_an_example() {
    let readme = readme();
    let lines: Vec<&str> = readme.lines().collect();
    let mut unmarked = Vec::new();
    let mut in_block = false;
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with("```") {
            continue;
        }
        in_block = !in_block;
        let first = lines.get(i + 1).copied().unwrap_or("");
        let looks_printed = [
            "wrote ",
            "error: ",
            "Run output",
            "Sweep output",
            "valid scenario",
        ]
        .iter()
        .any(|p| first.starts_with(p));
        let marked = i > 0 && lines[i - 1].trim().starts_with("<!-- example:");
        if in_block && looks_printed && !marked {
            unmarked.push(format!("README.md:{}: {first}", i + 2));
        }
    }
    assert!(
        unmarked.is_empty(),
        "output blocks not checked by tests/it/readme.rs: {unmarked:?}"
    );
}

#[test]
fn the_example_matcher_skips_elided_lines_only() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(matches(&s(&["a", "...", "d"]), &s(&["a", "b", "c", "d"])).is_ok());
    assert!(matches(&s(&["a", "d"]), &s(&["a", "b", "d"])).is_err());
    assert!(matches(&s(&["a", "x"]), &s(&["a", "b"])).is_err());
    assert_eq!(
        normalise("wrote output/x (26 rounds in 0.38 s)"),
        "wrote output/x (26 rounds in _ s)"
    );
}

#[test]
fn every_output_column_is_documented_in_readme() {
    use pricewar::output::{FirmPanel, MarketPanel, SegmentPanel, VendorPanel};
    let readme = readme();
    let table_rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `")).collect();
    for (panel, columns) in [
        ("vendors", VendorPanel::COLUMNS),
        ("segments", SegmentPanel::COLUMNS),
        ("market", MarketPanel::COLUMNS),
        ("firms", FirmPanel::COLUMNS),
    ] {
        for c in columns {
            assert!(
                table_rows.iter().any(|r| {
                    let first = r.split('|').nth(1).unwrap_or("");
                    first.contains(&format!("`{c}`"))
                }),
                "{panel}.parquet column `{c}` has no row in README's column tables"
            );
        }
    }
}
