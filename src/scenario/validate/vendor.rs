//! Checks of a vendor's values.

use crate::check::Checker;
use crate::model::CapacityRule;
use crate::scenario::spec::{StrategySpec, VendorSpec};

/// Checks a vendor at key path `p`.
pub(super) fn check_vendor(v: &VendorSpec, p: &str, c: &mut Checker) {
    v.model.check(&format!("{p}.model"), c);
    v.cost
        .check(&v.model, &format!("{p}.cost"), &format!("{p}.model"), c);
    if let Some(price) = v.initial_price {
        c.non_negative(&format!("{p}.initial_price"), price);
    }
    if let Some(prices) = &v.prices {
        c.non_negative(&format!("{p}.prices.input"), prices.input);
        c.non_negative(&format!("{p}.prices.output"), prices.output);
        if prices.input >= 0.0
            && prices.output >= 0.0
            && crate::demand::mix::price_weights(prices.input, prices.output).is_none()
        {
            c.fail(
                &format!("{p}.prices"),
                "input and output prices both 0: give at least one positive price",
            );
        }
        if v.initial_price.is_some() {
            c.fail(
                &format!("{p}.prices"),
                "give either `initial_price` (one price for every token) or `prices` (input and output), not both",
            );
        }
    }
    if let Some(s) = &v.strategy {
        s.check(&format!("{p}.strategy"), c);
    }
    if let Some(cash) = v.finances.cash {
        // A vendor starting in debt would exit before it sells anything.
        c.non_negative(&format!("{p}.finances.cash"), cash);
    }
    c.non_negative(
        &format!("{p}.finances.operating_cost"),
        v.finances.operating_cost,
    );
    if let Some(cap) = &v.capacity {
        CapacityRule::check(
            cap.gpus,
            cap.mtok_per_round,
            v.cost.is_compute(),
            &format!("{p}.capacity"),
            c,
        );
        if cap.gpus.is_none() && cap.mtok_per_round.is_none() {
            c.fail(
                &format!("{p}.capacity"),
                "give `gpus` or `mtok_per_round` (leave `capacity` out for unlimited)",
            );
        }
        if cap.owned && cap.gpus.is_none() {
            c.fail(
                &format!("{p}.capacity.owned"),
                "an owned fleet is a number of GPUs: give `gpus` (and `compute` costs)",
            );
        }
        if let Some(share) = cap.serving_cost_share {
            c.probability(&format!("{p}.capacity.serving_cost_share"), share);
            if !cap.owned {
                c.fail(
                    &format!("{p}.capacity.serving_cost_share"),
                    "only an owned fleet (`owned: true`) has a serving cost share",
                );
            }
        }
    }
    if let Some(n) = v.finances.exit_after_losses
        && n == 0
    {
        c.fail(
            &format!("{p}.finances.exit_after_losses"),
            "must be at least 1 (rounds of losses before the vendor exits)",
        );
    }
    if let Some(ow) = &v.open_weight {
        c.range(
            &format!("{p}.open_weight.self_host_cost_multiple"),
            ow.self_host_cost_multiple,
            1.0,
            f64::INFINITY,
            false,
            true,
        );
        if let Some(s) = &v.strategy
            && !matches!(s, StrategySpec::AtCost(_))
        {
            c.fail(
                &format!("{p}.strategy.kind"),
                "an open-weight host prices at cost: use `kind: at_cost` or leave `strategy` out",
            );
        }
    }
}
