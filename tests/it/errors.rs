//! Bad input: a clear message naming the file, the key path and the line, saying what is
//! allowed; a non-zero exit; nothing written.

use crate::common::*;

const GOOD: &str = "name: bad
rounds: 3
vendors:
  - name: A
    model: { quality: 1 }
    cost:
      kind: linear
      marginal: 1
segments:
  - name: all
    agents: 10
    price_sensitivity: 1
    choice:
      review_probability: 0.5
";

/// Runs `pricewar run` and `pricewar validate` on `yaml`; both must fail with every `expected`
/// fragment in the message and leave no output directory.
fn rejects(yaml: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(&file, yaml).unwrap();
    let out = dir.path().join("out");
    for args in [
        vec![
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        vec!["validate", file.to_str().unwrap()],
    ] {
        let stderr = failure_stderr(pricewar().args(&args));
        for e in expected {
            assert!(
                stderr.contains(e),
                "`{}`: message lacks {e:?}:\n{stderr}",
                args[0]
            );
        }
        assert!(
            stderr.contains("bad.yaml"),
            "message does not name the file:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(
            stderr.trim().lines().count(),
            1,
            "one clear message:\n{stderr}"
        );
    }
    assert!(!out.exists(), "output was written for a bad scenario");
}

#[test]
fn the_good_file_is_good() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("good.yaml");
    std::fs::write(&file, GOOD).unwrap();
    pricewar()
        .args(["validate", file.to_str().unwrap()])
        .assert()
        .success();
}

#[test]
fn malformed_yaml_names_line_and_column() {
    rejects(
        "name: bad\nrounds: 3\nvendors: [\n  {name: A\nsegments: []\n",
        &["bad.yaml:", "not valid YAML"],
    );
}

#[test]
fn unknown_key_names_its_path_line_and_the_allowed_keys() {
    let yaml = GOOD.replace(
        "      marginal: 1\n",
        "      marginal: 1\n      margnial: 2\n",
    );
    rejects(
        &yaml,
        &[
            "bad.yaml:9:",
            "vendors[0].cost.margnial",
            "unknown key `margnial`",
            "allowed:",
            "marginal",
            "fixed",
        ],
    );
}

#[test]
fn unknown_top_level_key_is_rejected() {
    rejects(
        &format!("{GOOD}rouns: 4\n"),
        &["bad.yaml:15:", "rouns", "unknown key", "rounds"],
    );
}

#[test]
fn wrong_type_names_path_line_and_expected_type() {
    let yaml = GOOD.replace("rounds: 3", "rounds: many");
    rejects(&yaml, &["bad.yaml:2:", "rounds", "invalid type", "many"]);
}

#[test]
fn wrong_type_inside_a_kind_block_names_the_key_in_the_block() {
    let yaml = GOOD.replace("marginal: 1", "marginal: ten");
    rejects(
        &yaml,
        &[
            "bad.yaml:8:",
            "vendors[0].cost.marginal",
            "\"ten\"",
            "expected a number",
        ],
    );
}

#[test]
fn wrong_type_in_nested_blocks_names_the_innermost_key() {
    let strategy = "    strategy:
      kind: penetration
      rounds: 2
      markup: -0.2
      then:
        kind: undercut
        step: lots
segments:";
    let yaml = GOOD.replacen("segments:", strategy, 1);
    rejects(
        &yaml,
        &["bad.yaml:15:", "vendors[0].strategy.then.step", "\"lots\""],
    );
    let yaml = GOOD.replace(
        "price_sensitivity: 1",
        "price_sensitivity: { dist: normal, mean: 1, sd: wide }",
    );
    rejects(
        &yaml,
        &[
            "bad.yaml:12:",
            "segments[0].price_sensitivity.sd",
            "\"wide\"",
        ],
    );
}

#[test]
fn unknown_kind_lists_the_allowed_kinds() {
    let yaml = GOOD.replace("kind: linear", "kind: cubic");
    rejects(
        &yaml,
        &[
            "bad.yaml:",
            "vendors[0].cost",
            "unknown kind `cubic`",
            "compute",
            "linear",
            "quadratic",
        ],
    );
}

#[test]
fn negative_cost_is_rejected() {
    let yaml = GOOD.replace("marginal: 1", "marginal: -1");
    rejects(
        &yaml,
        &["bad.yaml:8:", "vendors[0].cost.marginal", ">= 0", "-1"],
    );
}

#[test]
fn zero_vendors_is_rejected() {
    let yaml = "name: bad\nrounds: 3\nvendors: []\nsegments:\n  - {name: all, agents: 1, price_sensitivity: 1}\n";
    rejects(yaml, &["bad.yaml:3:", "vendors", "at least one vendor"]);
}

#[test]
fn probability_above_one_is_rejected() {
    let yaml = GOOD.replace("review_probability: 0.5", "review_probability: 1.5");
    rejects(
        &yaml,
        &[
            "bad.yaml:14:",
            "segments[0].choice.review_probability",
            "[0, 1]",
            "1.5",
        ],
    );
}

#[test]
fn non_positive_price_sensitivity_distribution_is_rejected() {
    let yaml = GOOD.replace(
        "price_sensitivity: 1",
        "price_sensitivity: { dist: normal, mean: 1, sd: 0.5 }",
    );
    rejects(
        &yaml,
        &[
            "bad.yaml:12:",
            "segments[0].price_sensitivity",
            "> 0",
            "lognormal",
        ],
    );
}

#[test]
fn missing_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let stderr = failure_stderr(pricewar().args([
        "run",
        "no/such/file.yaml",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(
        stderr.contains("no/such/file.yaml") && stderr.contains("cannot read"),
        "{stderr}"
    );
    // One line, the operating system's reason once.
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");
    assert!(!out.exists());
}

#[test]
fn bad_override_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(&file, GOOD).unwrap();
    let stderr = failure_stderr(pricewar().args([
        "validate",
        file.to_str().unwrap(),
        "--set",
        "vendors[3].initial_price=1",
    ]));
    assert!(
        stderr.contains("vendors[3]") && stderr.contains("has 1 items"),
        "{stderr}"
    );
    let stderr =
        failure_stderr(pricewar().args(["validate", file.to_str().unwrap(), "--set", "rounds=0"]));
    assert!(
        stderr.contains("rounds") && stderr.contains("value given on the command line"),
        "{stderr}"
    );
}

#[test]
fn several_problems_are_all_reported() {
    let yaml = GOOD
        .replace("marginal: 1", "marginal: -1")
        .replace("review_probability: 0.5", "review_probability: 2");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(&file, yaml).unwrap();
    let stderr = failure_stderr(pricewar().args(["validate", file.to_str().unwrap()]));
    assert!(
        stderr.contains("bad.yaml:8: vendors[0].cost.marginal"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad.yaml:14: segments[0].choice.review_probability"),
        "{stderr}"
    );
}

/// `pricewar ... | head` closes the pipe early: the process ends quietly, without a panic.
#[cfg(unix)]
#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("pricewar");
    let mut child = std::process::Command::new(bin)
        // 18,000 lines of plan: more than a pipe buffer holds.
        .args(["sweep", "scenarios/undercut-sweep.yaml", "--plan"])
        .args(["--replicates", "2000"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing and close the pipe at once, as `head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // No panic, no error message: ended by SIGPIPE, as `grep ... | head` is.
    assert!(stderr.is_empty(), "{stderr}");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(13), "{:?}", out.status);
}

/// Scenarios that would exhaust memory or silently do nothing are refused before they run.
#[test]
fn scenarios_beyond_memory_or_without_a_q_learning_grid_are_refused() {
    let firm = |k: usize| {
        format!(
            "  - {{ name: F{k}, model: {{ quality: 2 }}, cost: {{ kind: linear, marginal: 1 }}, strategy: {{ kind: q_learning }} }}\n"
        )
    };
    let market = |firms: usize, outside: bool| {
        let mut y = "name: bad\nrounds: 3\nvendors:\n".to_string();
        for k in 0..firms {
            y += &firm(k);
        }
        y += &format!(
            "segments:\n  - {{ name: m, agents: 1, price_sensitivity: 4, quality_weight: 4, outside_option: {outside}, choice: {{ mode: expected }} }}\n"
        );
        y
    };
    // Eight learners of 15 prices: 8·15^9 values, about 2,400 GiB of Q-tables.
    rejects(
        &market(8, true),
        &[
            "bad.yaml",
            "8 Q-learning vendors",
            "GiB",
            "fewer grid points",
        ],
    );
    // No outside option: no joint-profit prices, so no grid to learn on.
    rejects(
        &market(2, false),
        &["bad.yaml:", "segments[0].outside_option", "joint profit"],
    );
    // Growth past memory by the last round.
    rejects(
        &GOOD.replace(
            "    agents: 10\n",
            "    agents: 10\n    growth: { agents_per_round: 1e9 }\n",
        ),
        &[
            "bad.yaml:",
            "segments[0].growth.agents_per_round",
            "200,000,000",
        ],
    );
}

#[test]
fn negative_starting_cash_is_rejected() {
    let yaml = GOOD.replace(
        "      marginal: 1\n",
        "      marginal: 1\n    finances: { cash: -5 }\n",
    );
    rejects(
        &yaml,
        &["bad.yaml:", "vendors[0].finances.cash", ">= 0", "-5"],
    );
}

#[test]
fn absurd_thread_and_job_counts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["run", "scenarios/textbook.yaml", "--threads", "100000"],
        vec!["sweep", "scenarios/undercut-sweep.yaml", "--jobs", "100000"],
    ] {
        let stderr = failure_stderr(
            pricewar()
                .args(&args)
                .arg("--out")
                .arg(&out)
                .current_dir(root()),
        );
        assert!(stderr.contains("100000: at most"), "{stderr}");
        assert!(!out.exists());
    }
}

/// GOOD with a second vendor B, and `extra` appended.
fn two_vendors(extra: &str) -> String {
    GOOD.replace(
        "segments:",
        "  - name: B\n    model: { quality: 1 }\n    cost: { kind: linear, marginal: 1 }\nsegments:",
    ) + extra
}

#[test]
fn an_owner_that_names_no_declared_firm_is_refused() {
    let yaml = two_vendors("").replace("  - name: B\n", "  - name: B\n    owner: Acme\n")
        + "firms:\n  - name: Lab\n";
    rejects(
        &yaml,
        &[
            "bad.yaml:10:",
            "vendors[1].owner",
            "no firm is named `Acme`",
            "firms: Lab",
        ],
    );
    let yaml = two_vendors("").replace("  - name: B\n", "  - name: B\n    owner: ''\n");
    rejects(
        &yaml,
        &["bad.yaml:10:", "vendors[1].owner", "must name a firm"],
    );
}

#[test]
fn a_merger_of_one_product_or_of_one_owners_products_is_refused() {
    let yaml = two_vendors("events:\n  - { kind: merger, round: 1, vendors: [A], owner: AB }\n");
    rejects(
        &yaml,
        &["bad.yaml:19:", "events[0].vendors", "at least two products"],
    );
    let yaml = two_vendors("events:\n  - { kind: merger, round: 1, vendors: [A, Z], owner: AB }\n");
    rejects(&yaml, &["events[0].vendors[1]", "no vendor is named `Z`"]);
    let yaml = two_vendors("events:\n  - { kind: merger, round: 1, vendors: [A, B], owner: AB }\n")
        .replace("  - name: A\n", "  - name: A\n    owner: L\n")
        .replace("  - name: B\n", "  - name: B\n    owner: L\n");
    rejects(&yaml, &["events[0].vendors", "owned by `L` already"]);
}

#[test]
fn cash_held_by_both_a_firm_and_its_product_is_refused() {
    let yaml = two_vendors("firms:\n  - { name: L, finances: { cash: 10 } }\n").replace(
        "  - name: B\n",
        "  - name: B\n    owner: L\n    finances: { cash: 5 }\n",
    );
    rejects(
        &yaml,
        &["bad.yaml:11:", "vendors[1].finances.cash", "holds the cash"],
    );
}

#[test]
fn a_nest_parameter_outside_the_unit_interval_or_a_bad_member_is_refused() {
    let yaml = two_vendors("nests:\n  - { name: closed, lambda: 1.4, members: [A, B] }\n");
    rejects(
        &yaml,
        &["bad.yaml:19:", "nests[0].lambda", "1.4 is outside (0, 1]"],
    );
    let yaml = two_vendors("nests:\n  - { name: closed, lambda: 0, members: [A, B] }\n");
    rejects(&yaml, &["nests[0].lambda", "outside (0, 1]"]);
    let yaml = two_vendors("nests:\n  - { name: closed, lambda: 0.5, members: [A, Z] }\n");
    rejects(
        &yaml,
        &["nests[0].members[1]", "no vendor is named `Z`", "`outside`"],
    );
    let yaml = two_vendors(
        "nests:\n  - { name: x, lambda: 0.5, members: [A] }\n  - { name: y, lambda: 0.5, members: [A, outside] }\n",
    );
    rejects(&yaml, &["nests[1].members[0]", "already in nests[0]"]);
}

#[test]
fn token_prices_and_input_shares_outside_their_ranges_are_refused() {
    let yaml = GOOD.replace("    choice:\n", "    input_share: 1.5\n    choice:\n");
    rejects(
        &yaml,
        &[
            "bad.yaml:13:",
            "segments[0].input_share",
            "in [0, 1], got 1.5",
        ],
    );
    let yaml = GOOD.replace(
        "      marginal: 1\n",
        "      marginal: 1\n    initial_price: 2\n    prices: { input: 1, output: 4 }\n",
    );
    rejects(
        &yaml,
        &["bad.yaml:", "vendors[0].prices", "either `initial_price`"],
    );
    let yaml = GOOD.replace(
        "      marginal: 1\n",
        "      marginal: 1\n    prices: { input: 0, output: 0 }\n",
    );
    rejects(&yaml, &["vendors[0].prices", "at least one positive price"]);
    let yaml = GOOD.replace(
        "      marginal: 1\n",
        "      marginal: 1\n    prices: { input: -1, output: 3 }\n",
    );
    rejects(&yaml, &["vendors[0].prices.input"]);
    // A scripted step gives the level or both list prices, not both, not neither.
    let yaml = GOOD.replace(
        "      marginal: 1
",
        "      marginal: 1
    strategy:
      kind: scripted
      steps:
        - { round: 0, price: 1, prices: { input: 1, output: 4 } }
",
    );
    rejects(
        &yaml,
        &["bad.yaml:12:", "vendors[0].strategy.steps[0]", "not both"],
    );
    let yaml = GOOD.replace(
        "      marginal: 1
",
        "      marginal: 1
    strategy:
      kind: scripted
      steps:
        - { round: 0 }
",
    );
    rejects(&yaml, &["vendors[0].strategy.steps[0]", "needs `price`"]);
    // A model release's list prices are checked as a vendor's.
    let yaml = format!(
        "{GOOD}events:\n  - {{ kind: model_release, round: 1, vendor: A, model: {{ quality: 2 }}, prices: {{ input: -1, output: 2 }} }}\n"
    );
    rejects(&yaml, &["events[0].prices.input"]);
}
