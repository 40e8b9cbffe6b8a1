//! Input and output token prices: a segment pays its mix of a product's two prices, compute
//! costs split prefill from decode, strategies keep the output-to-input ratio, benchmarks are in
//! price levels, and markets without token prices keep their bits.

use crate::common::*;
use pricewar::sim::Simulation;

fn find(p: &pricewar::output::Panels, vendor: &str, round: u32) -> usize {
    let v = &p.vendors;
    (0..v.len())
        .find(|&i| v.vendor[i] == vendor && v.round[i] == round)
        .unwrap()
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-10 * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

/// One product posting 2 USD in, 8 USD out (level 0.75·2 + 0.25·8 = 3.5), bought by a segment
/// of input share 1 and one of input share 0.
#[test]
fn a_segment_with_input_share_one_pays_the_input_price() {
    let s = scenario(
        r#"
name: tokens
rounds: 2
vendors:
  - { name: A, model: { quality: 2 }, cost: { kind: linear, marginal: 0.5 }, prices: { input: 2, output: 8 }, strategy: { kind: fixed, price: 3.5 } }
segments:
  - { name: prompts, agents: 50, price_sensitivity: 0.2, quality_weight: 1, input_share: 1, choice: { mode: expected } }
  - { name: completions, agents: 50, price_sensitivity: 0.2, quality_weight: 1, input_share: 0, choice: { mode: expected } }
"#,
    );
    let p = run(&s);
    let i = find(&p, "A", 1);
    let v = &p.vendors;
    close(v.price[i].unwrap(), 3.5, "level");
    close(v.price_input[i].unwrap(), 2.0, "input price");
    close(v.price_output[i].unwrap(), 8.0, "output price");
    let g = &p.segments;
    let seg = |name: &str| {
        (0..g.len())
            .find(|&k| g.segment[k] == name && g.round[k] == 1)
            .unwrap()
    };
    let (a, b) = (seg("prompts"), seg("completions"));
    close(
        g.avg_price_paid[a].unwrap(),
        2.0,
        "input share 1 pays the input price",
    );
    close(
        g.avg_price_paid[b].unwrap(),
        8.0,
        "input share 0 pays the output price",
    );
    // Cheaper tokens, more buyers: the prompt-heavy segment buys more of A.
    assert!(g.volume_mtok[a] > g.volume_mtok[b]);
    close(
        v.revenue[i],
        2.0 * g.volume_mtok[a] + 8.0 * g.volume_mtok[b],
        "revenue",
    );
    let m = &p.market;
    let r = (0..m.len()).find(|&k| m.round[k] == 1).unwrap();
    close(
        m.price_index[r].unwrap(),
        v.revenue[i] / v.quantity_mtok[i],
        "price index per token bought",
    );
}

/// Compute costs: prefill at 60% of peak, decode at 12%, serving utilisation 30%; two
/// segments (chat 0.5, retrieval 0.9). A alone: its revenue and variable cost are each
/// segment's mix of the two prices and the two costs; with a one-price rival B, segments'
/// spending adds up to vendors' revenue.
#[test]
fn blended_prices_and_quantities_add_up() {
    let market = |rival: &str| {
        format!(
            r#"
name: mix
rounds: 3
vendors:
  - name: A
    model: {{ quality: 2, active_params: 70e9, training_tokens: 15e12 }}
    cost: {{ kind: compute, gpu_hour_usd: 2.5, peak_flops: 989e12, serving_utilisation: 0.3, prefill_utilisation: 0.6, decode_utilisation: 0.12, overhead: 0.2 }}
    prices: {{ input: 0.5, output: 2.0 }}
    strategy: {{ kind: cost_plus, markup: 0.8 }}
{rival}
segments:
  - {{ name: chat, agents: 40, price_sensitivity: 0.4, quality_weight: 1, input_share: 0.5, choice: {{ mode: expected }} }}
  - {{ name: rag, agents: 60, represents: 3, price_sensitivity: {{ dist: uniform, low: 0.2, high: 1.0 }}, quality_weight: 1, input_share: 0.9 }}
"#
        )
    };
    let p = run(&scenario(&market("")));
    let (v, g) = (&p.vendors, &p.segments);
    let per_mtok = |u: f64| 2.5 * 1e6 / (3600.0 * u * 989e12 / (2.0 * 70e9)) * 1.2;
    let (c_in, c_out) = (per_mtok(0.6), per_mtok(0.12));
    for round in 0..3 {
        let i = find(&p, "A", round);
        let (pin, pout) = (v.price_input[i].unwrap(), v.price_output[i].unwrap());
        close(pout / pin, 4.0, "ratio kept");
        let rows: Vec<usize> = (0..g.len()).filter(|&k| g.round[k] == round).collect();
        let (mut revenue, mut cost, mut q) = (0.0, 0.0, 0.0);
        for (&k, share) in rows.iter().zip([0.5, 0.9]) {
            revenue += g.volume_mtok[k] * (share * pin + (1.0 - share) * pout);
            cost += g.volume_mtok[k] * (share * c_in + (1.0 - share) * c_out);
            q += g.volume_mtok[k];
        }
        close(v.quantity_mtok[i], q, "quantity");
        close(v.revenue[i], revenue, "revenue");
        close(v.variable_cost[i], cost, "prefill and decode costs");
        // Strategies see the cost of a unit of level at the average input share: cost-plus
        // posts the level at 1.8 times it.
        close(
            v.price[i].unwrap(),
            1.8 * v.marginal_cost[i],
            "cost-plus on the level cost",
        );
    }
    let two = run(&scenario(&market(
        "  - { name: B, model: { quality: 1.5 }, cost: { kind: linear, marginal: 0.3 }, initial_price: 0.9 }",
    )));
    let (v, g, m) = (&two.vendors, &two.segments, &two.market);
    for round in 0..3 {
        let spent: f64 = (0..g.len())
            .filter(|&k| g.round[k] == round)
            .map(|k| g.avg_price_paid[k].unwrap() * g.volume_mtok[k])
            .sum();
        let rows: Vec<usize> = (0..v.len()).filter(|&k| v.round[k] == round).collect();
        let revenue: f64 = rows.iter().map(|&k| v.revenue[k]).sum();
        let q: f64 = rows.iter().map(|&k| v.quantity_mtok[k]).sum();
        close(spent, revenue, "segments' spending is vendors' revenue");
        let b = find(&two, "B", round);
        close(
            v.revenue[b],
            v.price[b].unwrap() * v.quantity_mtok[b],
            "one price",
        );
        close(
            m.price_index[round as usize].unwrap(),
            revenue / q,
            "price index",
        );
    }
}

/// One segment of input share ½: A posts 1 in, 3 out (it charges the segment 4/3 of its
/// level), B one price. The engine's Nash prices, in levels, times what the segment pays per
/// unit of level, are the Nash prices of the same market with one price per product; and best
/// responses in levels converge to them.
#[test]
fn nash_in_levels_is_the_one_price_nash_at_the_prices_paid() {
    let market = |a_prices: &str| {
        format!(
            r#"
name: nash-tokens
rounds: 40
vendors:
  - {{ name: A, model: {{ quality: 2.2 }}, cost: {{ kind: linear, marginal: 0.6 }}, {a_prices}, strategy: {{ kind: best_response, smoothing: 0.5 }} }}
  - {{ name: B, model: {{ quality: 1.8 }}, cost: {{ kind: linear, marginal: 0.4 }}, initial_price: 2, strategy: {{ kind: best_response, smoothing: 0.5 }} }}
segments:
  - {{ name: chat, agents: 30, price_sensitivity: {{ dist: uniform, low: 0.5, high: 1.1 }}, quality_weight: 1, input_share: 0.5, choice: {{ mode: expected }} }}
"#
        )
    };
    let nash = |yaml: &str| {
        let r = Simulation::new(&scenario(yaml), 0).run(|_| {});
        let n = r.benchmarks.last().unwrap().nash.clone().unwrap();
        let prices: Vec<f64> = n.prices.iter().map(|p| p.unwrap()).collect();
        (prices, r.panels)
    };
    let (levels, panels) = nash(&market("prices: { input: 1, output: 3 }"));
    let (one_price, _) = nash(&market("initial_price: 2"));
    let k = 0.5 * (1.0 / 1.5) + 0.5 * (3.0 / 1.5);
    assert!(
        (levels[0] * k - one_price[0]).abs() < 1e-6,
        "{levels:?} vs {one_price:?}"
    );
    assert!(
        (levels[1] - one_price[1]).abs() < 1e-6,
        "{levels:?} vs {one_price:?}"
    );
    let i = find(&panels, "A", 39);
    let got = panels.vendors.price[i].unwrap();
    assert!(
        (got - levels[0]).abs() < 1e-5 * levels[0],
        "{got} vs {}",
        levels[0]
    );
}

/// Input shares on a market where every product posts one price change nothing, to the bit.
#[test]
fn one_price_markets_keep_their_bits() {
    let market = |share: &str| {
        format!(
            r#"
name: bits
rounds: 6
benchmarks: true
vendors:
  - {{ name: A, model: {{ quality: 2, active_params: 70e9, training_tokens: 15e12 }}, cost: {{ kind: compute, gpu_hour_usd: 2.5, peak_flops: 989e12, serving_utilisation: 0.3 }}, strategy: {{ kind: best_response }} }}
  - {{ name: B, model: {{ quality: 1.5 }}, cost: {{ kind: linear, marginal: 0.3 }}, strategy: {{ kind: undercut, step: 0.05 }} }}
segments:
  - {{ name: all, agents: 200, price_sensitivity: {{ dist: uniform, low: 0.3, high: 1.5 }}, quality_weight: 1 {share}, choice: {{ switching_cost: 0.3 }} }}
"#
        )
    };
    let (a, b) = (
        Simulation::new(&scenario(&market("")), 0).run(|_| {}),
        Simulation::new(&scenario(&market(", input_share: 0.9")), 0).run(|_| {}),
    );
    let (x, y) = (&a.panels, &b.panels);
    assert_eq!(x.vendors.price, y.vendors.price);
    assert_eq!(x.vendors.price_input, x.vendors.price);
    assert_eq!(x.vendors.revenue, y.vendors.revenue);
    assert_eq!(x.vendors.variable_cost, y.vendors.variable_cost);
    assert_eq!(x.vendors.marginal_cost, y.vendors.marginal_cost);
    assert_eq!(x.segments.consumer_surplus, y.segments.consumer_surplus);
    assert_eq!(x.market.price_index, y.market.price_index);
    assert_eq!(format!("{:?}", a.benchmarks), format!("{:?}", b.benchmarks));
}

/// A scripted path that gives both list prices changes the product's ratio from that round
/// (Alibaba's Qwen-Long on 21 May 2024: ¥20 / ¥20 to ¥0.5 / ¥2, here in USD-like units), and a
/// later `price` step keeps the new ratio. Segments of input share 1 and 0 pay the input and the
/// output price of each round; the benchmarks' demand follows the new ratio.
#[test]
fn scripted_list_prices_change_the_ratio_from_their_round() {
    let s = scenario(
        r#"
name: lists
rounds: 5
vendors:
  - name: A
    model: { quality: 2 }
    cost: { kind: linear, marginal: 0.05 }
    strategy:
      kind: scripted
      steps:
        - { round: 0, prices: { input: 2, output: 2 } }
        - { round: 2, prices: { input: 0.5, output: 2 } }
        - { round: 4, price: 0.5 }
  - { name: B, model: { quality: 1 }, cost: { kind: linear, marginal: 0.1 }, prices: { input: 1, output: 3 }, strategy: { kind: fixed, price: 1.5 } }
segments:
  - { name: prompts, agents: 50, price_sensitivity: 0.5, quality_weight: 1, input_share: 1, choice: { mode: expected } }
  - { name: completions, agents: 50, price_sensitivity: 0.5, quality_weight: 1, input_share: 0, choice: { mode: expected } }
"#,
    );
    let p = run(&s);
    let v = &p.vendors;
    let g = &p.segments;
    let seg = |name: &str, round: u32| {
        (0..g.len())
            .find(|&k| g.segment[k] == name && g.round[k] == round)
            .unwrap()
    };
    // (round, level, input, output) of A.
    for (round, level, input, output) in [
        (1, 2.0, 2.0, 2.0),
        (2, 0.875, 0.5, 2.0),
        (3, 0.875, 0.5, 2.0),
        (4, 0.5, 0.5 / 1.75, 2.0 / 1.75),
    ] {
        let i = find(&p, "A", round);
        close(v.price[i].unwrap(), level, "level");
        close(v.price_input[i].unwrap(), input, "input price");
        close(v.price_output[i].unwrap(), output, "output price");
        let b = find(&p, "B", round);
        close(v.price_input[b].unwrap(), 1.0, "B keeps its prices");
        // Each segment's spending is its tokens at the prices it pays.
        let (pr, co) = (seg("prompts", round), seg("completions", round));
        let bought = |k: usize| g.avg_price_paid[k].unwrap();
        assert!(g.volume_mtok[pr] > 0.0 && g.volume_mtok[co] > 0.0);
        close(
            v.revenue[i] + v.revenue[b],
            bought(pr) * g.volume_mtok[pr] + bought(co) * g.volume_mtok[co],
            "spending adds up to revenue",
        );
        // Prompts pay input prices only: between A's and B's input prices.
        assert!(bought(pr) >= input.min(1.0) - 1e-12 && bought(pr) <= input.max(1.0) + 1e-12);
        assert!(bought(co) >= output.min(3.0) - 1e-12 && bought(co) <= output.max(3.0) + 1e-12);
    }
    // The input cut (A's output price stays 2) wins A volume, and prompt buyers pay less.
    let share = |round: u32| v.share[find(&p, "A", round)];
    assert!(share(2) > share(1), "the cut wins volume");
    let paid = |round: u32| g.avg_price_paid[seg("prompts", round)].unwrap();
    assert!(paid(2) < paid(1));
}

/// A model release with list prices: from its round the product posts the new ratio (GPT-4o's
/// $5 / $15 after GPT-4's $30 / $60) and its strategy keeps pricing the level from its costs.
#[test]
fn a_model_release_posts_its_list_prices_ratio() {
    let s = scenario(
        r#"
name: release
rounds: 4
vendors:
  - { name: A, model: { quality: 2 }, cost: { kind: linear, marginal: 1 }, prices: { input: 30, output: 60 }, strategy: { kind: cost_plus, markup: 1 } }
segments:
  - { name: chat, agents: 20, price_sensitivity: 0.1, quality_weight: 1, input_share: 0.5, choice: { mode: expected } }
events:
  - { kind: model_release, round: 2, vendor: A, model: { quality: 3 }, prices: { input: 5, output: 15 } }
"#,
    );
    let p = run(&s);
    let v = &p.vendors;
    for round in 0..4 {
        let i = find(&p, "A", round);
        let (input, output) = (v.price_input[i].unwrap(), v.price_output[i].unwrap());
        let ratio = if round < 2 { 2.0 } else { 3.0 };
        close(output / input, ratio, "output-to-input ratio");
        close(0.75 * input + 0.25 * output, v.price[i].unwrap(), "level");
        // Cost-plus on the level: price = 2 × marginal cost per unit of level.
        close(
            v.price[i].unwrap(),
            2.0 * v.marginal_cost[i],
            "cost-plus level",
        );
    }
}
