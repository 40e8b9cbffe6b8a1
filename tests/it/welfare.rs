//! Welfare an economist can trust: integrable demand (the utility charges α·F(p), so consumer
//! surplus obeys Roy's identity and cross-price effects are symmetric), surplus that never falls
//! when a price falls, subsidies as transfers in the welfare accounts, costs as vendors see them,
//! dated cost figures, owned fleets and exit by economics.

use crate::common::{run, scenario};
use pricewar::equilibrium::DemandModel;
use pricewar::sim::Simulation;

/// A market with three vendors at fixed prices, one segment in `expected` mode with
/// heterogeneous traits, growth and a demand shock, and the given volume block.
fn market(volume: &str, outside: bool, price_a: f64) -> String {
    format!(
        "name: roy
seed: 7
rounds: 4
outside_option:
  self_host: {{ quality: 1.0, price: 1.6 }}
vendors:
  - {{ name: A, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 0.5 }}, strategy: {{ kind: fixed, price: {price_a} }} }}
  - {{ name: B, model: {{ quality: 1.6 }}, cost: {{ kind: linear, marginal: 0.4 }}, strategy: {{ kind: fixed, price: 1.3 }} }}
  - {{ name: C, model: {{ quality: 1.1 }}, cost: {{ kind: linear, marginal: 0.2 }}, strategy: {{ kind: fixed, price: 0.7 }} }}
segments:
  - name: s
    agents: 300
    represents: 2
    outside_option: {outside}
    price_sensitivity: {{ dist: lognormal, mu: 0.0, sigma: 0.5 }}
    quality_weight: {{ dist: uniform, low: 0.5, high: 1.5 }}
    base_volume_mtok: {{ dist: lognormal, mu: 0.5, sigma: 1.0 }}
    volume: {volume}
    choice: {{ mode: expected }}
    growth: {{ volume_per_year: 0.8, agents_per_round: 3 }}
events:
  - {{ kind: demand_shock, round: 2, multiplier: 1.4 }}
"
    )
}

const VOLUMES: [&str; 4] = [
    "{ kind: fixed }",
    "{ kind: linear, choke_price: 4.0 }",
    "{ kind: isoelastic, elasticity: 1.3, reference_price: 1.0, saturation_price: 0.05 }",
    "{ kind: isoelastic, elasticity: 0.8, reference_price: 1.0, saturation_price: 0.05 }",
];

/// Consumer surplus and vendor A's quantity, per round.
fn surplus_and_quantity(yaml: &str) -> (Vec<f64>, Vec<f64>) {
    let p = run(&scenario(yaml));
    let q = (0..p.vendors.len())
        .filter(|&i| p.vendors.vendor[i] == "A")
        .map(|i| p.vendors.quantity_mtok[i])
        .collect();
    (p.market.consumer_surplus.clone(), q)
}

/// Roy's identity: the derivative of consumer surplus in vendor A's price is minus A's quantity,
/// in every round (growth and a demand shock scale both), for every volume form, with and
/// without an outside option.
#[test]
fn consumer_surplus_obeys_roys_identity_for_every_volume_form() {
    for volume in VOLUMES {
        for outside in [true, false] {
            let (p, h) = (1.9, 1e-4);
            let (up, _) = surplus_and_quantity(&market(volume, outside, p + h));
            let (down, _) = surplus_and_quantity(&market(volume, outside, p - h));
            let (_, q) = surplus_and_quantity(&market(volume, outside, p));
            for t in 0..q.len() {
                let slope = (up[t] - down[t]) / (2.0 * h);
                assert!(
                    (slope + q[t]).abs() <= 1e-6 * q[t].abs().max(1.0),
                    "{volume}, outside {outside}, round {t}: dCS/dp = {slope}, Q = {}",
                    q[t]
                );
            }
        }
    }
}

/// Cross-price effects of the demand the benchmarks and strategies use are symmetric:
/// ∂D_j/∂p_k = ∂D_k/∂p_j.
#[test]
fn the_demand_oracle_has_symmetric_cross_price_derivatives() {
    for volume in VOLUMES {
        let s = scenario(&market(volume, true, 1.9));
        let oracle = Simulation::new(&s, 0).demand_oracle();
        let prices = [1.9, 1.3, 0.7];
        let offered = [true; 3];
        let h = 1e-5;
        let d = |j: usize, k: usize| {
            let (mut up, mut down) = (prices, prices);
            up[k] += h;
            down[k] -= h;
            (oracle.quantities(&up, &offered)[j] - oracle.quantities(&down, &offered)[j])
                / (2.0 * h)
        };
        for (j, k) in [(0, 1), (0, 2), (1, 2)] {
            let (a, b) = (d(j, k), d(k, j));
            assert!(
                (a - b).abs() <= 1e-6 * a.abs().max(b.abs()),
                "{volume}: dD{j}/dp{k} = {a}, dD{k}/dp{j} = {b}"
            );
            assert!(a > 0.0, "substitutes: {a}");
        }
    }
}

/// Surplus never falls when one price falls, all else fixed (round 0, where no earlier price
/// has moved anyone): in `sample` mode too (it reports the expectation, not a draw), with
/// switching costs and inertia, with and without an outside option. (Later rounds depend on
/// where earlier prices left buyers; the unit tests of the choice kernel hold that state fixed.)
#[test]
fn consumer_surplus_never_falls_when_a_price_falls() {
    for volume in VOLUMES {
        for (mode, outside) in [("expected", true), ("sample", true), ("sample", false)] {
            let yaml = |p: f64| {
                market(volume, outside, p).replace(
                    "choice: { mode: expected }",
                    &format!(
                        "choice: {{ mode: {mode}, switching_cost: 0.7, review_probability: 0.6 }}"
                    ),
                )
            };
            let mut last: Option<f64> = None;
            for p in [3.0, 2.5, 2.0, 1.5, 1.0, 0.5] {
                let (cs, _) = surplus_and_quantity(&yaml(p));
                if let Some(prev) = last {
                    assert!(
                        cs[0] + 1e-9 * prev.abs() >= prev,
                        "{volume}, {mode}, outside {outside}: price cut to {p} lowered surplus \
                         {prev} -> {}",
                        cs[0]
                    );
                }
                last = Some(cs[0]);
            }
        }
    }
}

/// A one-vendor market with the given vendor extras (strategy, cost, events), one expected-mode
/// segment with fixed volume.
fn one_vendor(vendor: &str, events: &str, rounds: u32) -> String {
    format!(
        "name: one
seed: 3
rounds: {rounds}
vendors:
  - {{ name: V, model: {{ quality: 2.0, active_params: 8e9, training_tokens: 1e12 }}, {vendor} }}
segments:
  - {{ name: s, agents: 50, price_sensitivity: 1.0, quality_weight: 1.0, base_volume_mtok: 10, choice: {{ mode: expected }} }}
{events}"
    )
}

/// Cost-plus passes a per-token subsidy through to its price: the price falls by the subsidy ×
/// (1 + markup), because it prices off the cost net of the subsidy.
#[test]
fn cost_plus_passes_a_per_token_subsidy_through() {
    let vendor =
        "cost: { kind: linear, marginal: 2.0 }, strategy: { kind: cost_plus, markup: 0.5 }";
    let subsidy = "events:\n  - { kind: subsidy, round: 2, per_mtok_usd: 0.4 }\n";
    let p = run(&scenario(&one_vendor(vendor, subsidy, 4)));
    let price = |r: usize| p.vendors.price[r].unwrap();
    assert!((price(1) - 3.0).abs() < 1e-12);
    assert!((price(3) - (2.0 - 0.4) * 1.5).abs() < 1e-12, "{}", price(3));
    assert!((price(1) - price(3) - 0.4 * 1.5).abs() < 1e-12);
}

/// An entrant's cost figures are of its entry round: its marginal cost then is the figure in
/// its spec, and the hardware and efficiency trends run from there.
#[test]
fn an_entrants_cost_at_entry_is_the_figure_in_its_spec() {
    let yaml = "name: entry
rounds: 30
vendors:
  - { name: Old, model: { quality: 1 }, cost: { kind: linear, marginal: 1 } }
  - name: New
    model: { quality: 1, active_params: 70e9, training_tokens: 1e12 }
    cost: { kind: compute, gpu_hour_usd: 2.0, peak_flops: 989e12, serving_utilisation: 0.2, hardware_halving_years: 2.0, efficiency_halving_years: 1.0 }
    enters_at: 24
segments:
  - { name: s, agents: 10, price_sensitivity: 1 }
";
    let p = run(&scenario(yaml));
    let mc = |r: u32| {
        (0..p.vendors.len())
            .find(|&i| p.vendors.vendor[i] == "New" && p.vendors.round[i] == r)
            .map(|i| p.vendors.marginal_cost[i])
            .unwrap()
    };
    // 2 USD/GPU-hour over 0.2 × 989e12 / 140e9 tokens/s.
    let figure = 2.0e6 / (3600.0 * 0.2 * 989e12 / 140e9);
    assert!(
        (mc(24) / figure - 1.0).abs() < 1e-12,
        "{} vs {figure}",
        mc(24)
    );
    // Five monthly rounds later: hardware 0.5^(5/24), efficiency 0.5^(5/12).
    let later = figure * 0.5f64.powf(5.0 / 24.0) * 0.5f64.powf(5.0 / 12.0);
    assert!(
        (mc(29) / later - 1.0).abs() < 1e-12,
        "{} vs {later}",
        mc(29)
    );
}

/// An owned fleet's hours are a fixed cost charged every round, used or idle; serving costs only
/// its share of the rented per-token cost.
#[test]
fn an_owned_fleets_idle_cost_is_charged() {
    let cost =
        "cost: { kind: compute, gpu_hour_usd: 2.5, peak_flops: 989e12, serving_utilisation: 0.2 }";
    // Priced out of the market: it sells nothing and pays for its fleet anyway.
    let idle = format!(
        "{cost}, strategy: {{ kind: fixed, price: 1e6 }}, capacity: {{ gpus: 100, owned: true }}"
    );
    let p = run(&scenario(&one_vendor(&idle, "", 3)));
    let hours = 365.25 * 24.0 / 12.0;
    for r in 0..3 {
        assert!(
            p.vendors.quantity_mtok[r] < 1e-12,
            "{}",
            p.vendors.quantity_mtok[r]
        );
        assert!((p.vendors.fixed_cost[r] - 100.0 * 2.5 * hours).abs() < 1e-6);
        assert!((p.vendors.profit[r] + 100.0 * 2.5 * hours).abs() < 1e-3);
    }
    // Rented, the same vendor's marginal cost is ten times the owned one's (default share 0.1).
    let rented = format!("{cost}, capacity: {{ gpus: 100 }}");
    let owned = format!("{cost}, capacity: {{ gpus: 100, owned: true }}");
    let r = run(&scenario(&one_vendor(&rented, "", 1)));
    let o = run(&scenario(&one_vendor(&owned, "", 1)));
    assert!((o.vendors.marginal_cost[0] / r.vendors.marginal_cost[0] - 0.1).abs() < 1e-12);
    assert_eq!(r.vendors.fixed_cost[0], 0.0);
}

/// A vendor without a cash limit still leaves after the given number of rounds selling below its
/// variable cost.
#[test]
fn a_vendor_exits_after_rounds_of_losses_on_every_token() {
    let vendor = "cost: { kind: linear, marginal: 2.0 }, strategy: { kind: fixed, price: 1.0 }, \
                  finances: { exit_after_losses: 3 }";
    let p = run(&scenario(&one_vendor(vendor, "", 6)));
    let active: Vec<bool> = p.vendors.active.clone();
    assert_eq!(active, [true, true, true, false, false, false]);
    let p = run(&scenario(&one_vendor(
        "cost: { kind: linear, marginal: 0.5 }, strategy: { kind: fixed, price: 1.0 }, finances: { exit_after_losses: 1 }",
        "",
        4,
    )));
    assert!(
        p.vendors.active.iter().all(|&a| a),
        "a profitable vendor stays"
    );
}

/// Every round: welfare = consumer surplus + producer surplus − public spending, producer
/// surplus counts per-token subsidies as received, public spending every subsidy as paid, and
/// welfare net of fixed costs subtracts fixed and training costs.
#[test]
fn the_welfare_accounts_add_up_in_every_round() {
    let yaml = "name: accounts
rounds: 8
vendors:
  - name: A
    model: { quality: 2, active_params: 8e9, training_tokens: 1e12 }
    cost: { kind: compute, gpu_hour_usd: 2.5, peak_flops: 989e12, serving_utilisation: 0.2, fixed_per_round: 100 }
    capacity: { gpus: 2, owned: true }
    finances: { operating_cost: 50 }
  - { name: B, model: { quality: 1.5 }, cost: { kind: linear, marginal: 0.3, fixed: 20 } }
segments:
  - { name: s, agents: 200, price_sensitivity: { dist: lognormal, mu: 0, sigma: 0.4 }, quality_weight: 1, base_volume_mtok: 5, volume: { kind: linear, choke_price: 3 } }
events:
  - { kind: subsidy, round: 2, per_mtok_usd: 0.05, until: 6 }
  - { kind: compute_subsidy, round: 3, fraction: 0.3 }
  - { kind: model_release, round: 4, vendor: A, model: { quality: 2.2, active_params: 9e9, training_tokens: 1e12 } }
";
    let p = run(&scenario(yaml));
    let (v, m) = (&p.vendors, &p.market);
    let mut saw = (false, false, false);
    for r in 0..m.len() {
        let rows: Vec<usize> = (0..v.len()).filter(|&i| v.round[i] == m.round[r]).collect();
        let sum = |f: &dyn Fn(usize) -> f64| rows.iter().map(|&i| f(i)).sum::<f64>();
        let ps = sum(&|i| v.revenue[i] + v.subsidy[i] - v.variable_cost[i]);
        let public = sum(&|i| v.subsidy[i] + v.compute_subsidy[i]);
        let fixed = sum(&|i| v.fixed_cost[i] + v.training_cost[i]);
        let tol = 1e-9 * (m.consumer_surplus[r].abs() + ps.abs() + public + fixed).max(1.0);
        assert!(
            (m.producer_surplus[r] - ps).abs() <= tol,
            "round {r}: producer surplus"
        );
        assert!(
            (m.public_spending[r] - public).abs() <= tol,
            "round {r}: public spending"
        );
        assert!(
            (m.fixed_costs[r] - fixed).abs() <= tol,
            "round {r}: fixed costs"
        );
        let welfare = m.consumer_surplus[r] + m.producer_surplus[r] - m.public_spending[r];
        assert!((m.welfare[r] - welfare).abs() <= tol, "round {r}: welfare");
        assert!(
            (m.welfare_net_of_fixed_costs[r] - (m.welfare[r] - m.fixed_costs[r])).abs() <= tol,
            "round {r}: welfare net of fixed costs"
        );
        saw.0 |= sum(&|i| v.subsidy[i]) > 0.0;
        saw.1 |= sum(&|i| v.compute_subsidy[i]) > 0.0;
        saw.2 |= sum(&|i| v.training_cost[i]) > 0.0;
    }
    assert!(
        saw.0 && saw.1 && saw.2,
        "every kind of transfer and cost appears: {saw:?}"
    );
}

/// A digest of the columns `cols` of a Parquet file: FNV-1a over every value's bits, column by
/// column (nulls marked), so that equal digests mean equal contents.
pub fn digest(path: &std::path::Path, columns: &[&str]) -> u64 {
    use polars::prelude::*;
    let df = ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h = (h ^ *b as u64).wrapping_mul(0x100_0000_01b3);
        }
    };
    for c in columns {
        let s = df.column(c).unwrap().as_materialized_series().clone();
        eat(c.as_bytes());
        for i in 0..s.len() {
            match s.get(i).unwrap() {
                AnyValue::Null => eat(b"null"),
                AnyValue::Float64(x) => eat(&x.to_bits().to_le_bytes()),
                AnyValue::UInt64(x) => eat(&x.to_le_bytes()),
                AnyValue::UInt32(x) => eat(&x.to_le_bytes()),
                AnyValue::Boolean(x) => eat(&[x as u8]),
                AnyValue::String(x) => eat(x.as_bytes()),
                other => eat(format!("{other}").as_bytes()),
            }
        }
    }
    h
}

/// The columns every run wrote before welfare gained public spending and fixed costs.
pub const VENDOR_COLUMNS: [&str; 18] = [
    "run_id",
    "round",
    "vendor",
    "price",
    "marginal_cost",
    "quality",
    "quantity_mtok",
    "demand_mtok",
    "share",
    "revenue",
    "variable_cost",
    "fixed_cost",
    "training_cost",
    "subsidy",
    "profit",
    "cash",
    "active",
    "capacity_mtok",
];
/// The same, segments.
pub const SEGMENT_COLUMNS: [&str; 10] = [
    "run_id",
    "round",
    "segment",
    "agents",
    "customers",
    "volume_mtok",
    "avg_price_paid",
    "outside_share",
    "consumer_surplus",
    "switches",
];
/// The same, market.
pub const MARKET_COLUMNS: [&str; 10] = [
    "run_id",
    "round",
    "price_index",
    "min_price",
    "hhi",
    "active_vendors",
    "volume_mtok",
    "consumer_surplus",
    "producer_surplus",
    "welfare",
];

/// Fixed volume gives F(p) = p: the Calvano run writes exactly what it wrote before integrable
/// demand (digests of its panels' columns then; renewed when its Nash and joint-profit prices,
/// which place the learners' price grid, came to be solved by Newton's method, which moves them
/// in the last bits), and the textbook run (linear volume, one vendor,
/// no outside option) its prices, quantities and accounts; its consumer surplus is now the
/// log-sum plus the area at price 0, which for a lone vendor is the Marshallian surplus it
/// reported before, to rounding.
#[test]
fn fixed_volume_outputs_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let run_to = |name: &str| {
        let out = dir.path().join(name);
        crate::common::pricewar()
            .args(["run", &format!("scenarios/{name}.yaml"), "--quiet", "--out"])
            .arg(&out)
            .current_dir(crate::common::root())
            .assert()
            .success();
        out
    };
    let calvano = run_to("calvano-2020");
    assert_eq!(
        [
            digest(&calvano.join("vendors.parquet"), &VENDOR_COLUMNS),
            digest(&calvano.join("segments.parquet"), &SEGMENT_COLUMNS),
            digest(&calvano.join("market.parquet"), &MARKET_COLUMNS),
        ],
        [0xf192fb1a14731db6, 0xf8b4b7c680f8fcc7, 0x3a5e6a03da9531aa]
    );
    let textbook = run_to("textbook");
    assert_eq!(
        digest(&textbook.join("vendors.parquet"), &VENDOR_COLUMNS),
        0x9d952251ccb876b7
    );
    // 40 rounds of D = 1000 − 5p at the textbook's prices: the triangle ½·(200 − p)·(1000 − 5p).
    let v = crate::common::run(&scenario(
        &std::fs::read_to_string(crate::common::root().join("scenarios/textbook.yaml")).unwrap(),
    ));
    for r in 0..v.market.len() {
        let p = v.vendors.price[r].unwrap();
        let marshall = 0.5 * (200.0 - p) * (1000.0 - 5.0 * p);
        let cs = v.market.consumer_surplus[r];
        assert!(
            (cs - marshall).abs() <= 1e-9 * marshall,
            "round {r}: {cs} vs {marshall}"
        );
    }
}

/// Two vendors whose buyers are locked in by switching costs and inertia.
fn locked_in(strategy: &str) -> String {
    format!(
        "name: locked
seed: 5
rounds: 30
outside_option:
  self_host: {{ quality: 1.0, price: 2.0 }}
vendors:
  - {{ name: A, model: {{ quality: 2.0 }}, cost: {{ kind: linear, marginal: 0.5 }}, initial_price: 1.5, strategy: {strategy} }}
  - {{ name: B, model: {{ quality: 1.8 }}, cost: {{ kind: linear, marginal: 0.4 }}, initial_price: 1.4, strategy: {strategy} }}
segments:
  - name: s
    agents: 400
    price_sensitivity: {{ dist: lognormal, mu: 0.3, sigma: 0.3 }}
    quality_weight: {{ dist: uniform, low: 0.8, high: 1.2 }}
    volume: {{ kind: linear, choke_price: 6 }}
    choice: {{ mode: expected, switching_cost: 1.5, review_probability: 0.3 }}
"
    )
}

/// Where switching costs and inertia hold buyers, the manifest's benchmarks also give the Nash
/// prices of the round's actual demand: less elastic than the frictionless one, so higher; and
/// best responses to it (`demand: round`) price above best responses to the frictionless demand.
#[test]
fn lock_in_raises_the_nash_prices_of_the_rounds_demand() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("locked.yaml");
    std::fs::write(&file, locked_in("{ kind: best_response }")).unwrap();
    let out = dir.path().join("out");
    crate::common::pricewar()
        .args(["run", file.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let last = m["benchmarks"].as_array().unwrap().last().unwrap();
    let price = |b: &serde_json::Value, j: usize| b["prices"][j].as_f64().unwrap();
    for j in 0..2 {
        let (free, round) = (price(&last["nash"], j), price(&last["round_nash"], j));
        assert!(
            round > free,
            "vendor {j}: round Nash {round} vs frictionless {free}"
        );
    }
    let last_prices = |strategy: &str| {
        let p = run(&scenario(&locked_in(strategy)));
        let n = p.vendors.len();
        [
            p.vendors.price[n - 2].unwrap(),
            p.vendors.price[n - 1].unwrap(),
        ]
    };
    let free = last_prices("{ kind: best_response }");
    let round = last_prices("{ kind: best_response, demand: round }");
    assert!(
        round[0] > free[0] && round[1] > free[1],
        "{round:?} vs {free:?}"
    );
    // Without frictions there is no second benchmark.
    let s = scenario(&locked_in("{ kind: fixed, price: 1 }").replace(
        "switching_cost: 1.5, review_probability: 0.3",
        "switching_cost: 0",
    ));
    let r = Simulation::new(&s, 0).run(|_| {});
    assert!(r.benchmarks.iter().all(|b| b.round_nash.is_none()));
}

/// Rationed volume is valued at the options it falls back to: buyers of a full vendor are worse
/// off than with unlimited capacity, and better off than without the vendor at all.
#[test]
fn rationed_buyers_keep_the_surplus_of_their_fallback() {
    for mode in ["expected", "sample"] {
        let yaml = |capacity: &str, enters: u32| {
            market("{ kind: linear, choke_price: 4.0 }", true, 1.2)
                .replace(
                    "strategy: { kind: fixed, price: 1.2 } }",
                    &format!(
                        "strategy: {{ kind: fixed, price: 1.2 }}{capacity}, enters_at: {enters} }}"
                    ),
                )
                .replace(
                    "choice: { mode: expected }",
                    &format!("choice: {{ mode: {mode} }}"),
                )
        };
        let cs0 = |y: String| surplus_and_quantity(&y).0[0];
        let unlimited = cs0(yaml("", 0));
        let (rationed, q) = surplus_and_quantity(&yaml(", capacity: { mtok_per_round: 50 }", 0));
        let absent = cs0(yaml("", 1));
        assert!(
            q[0] <= 50.0 * (1.0 + 1e-9),
            "{mode}: capacity binds: {}",
            q[0]
        );
        assert!(
            unlimited > rationed[0] && rationed[0] > absent,
            "{mode}: {unlimited} > {} > {absent}",
            rationed[0]
        );
    }
}
