//! Checks of a buyer segment's values.

use crate::check::{Checker, Need};
use crate::demand::volume::VolumeContext;
use crate::scenario::spec::SegmentSpec;

/// Checks a buyer segment at key path `p`.
pub(super) fn check_segment(g: &SegmentSpec, p: &str, c: &mut Checker) {
    if g.agents == 0 {
        c.fail(&format!("{p}.agents"), "must be at least 1");
    }
    c.positive(&format!("{p}.represents"), g.represents);
    c.dist(
        &format!("{p}.price_sensitivity"),
        &g.price_sensitivity,
        Need::Positive,
    );
    c.dist(
        &format!("{p}.quality_weight"),
        &g.quality_weight,
        Need::NonNegative,
    );
    if let Some(r) = &g.reservation_price {
        c.dist(&format!("{p}.reservation_price"), r, Need::NonNegative);
    }
    c.dist(
        &format!("{p}.base_volume_mtok"),
        &g.base_volume_mtok,
        Need::NonNegative,
    );
    let context = VolumeContext {
        outside_option: g.outside_option,
        reservation_price: g.reservation_price.is_some(),
    };
    g.volume.check(&format!("{p}.volume"), &context, c);
    if let Some(s) = g.input_share {
        c.probability(&format!("{p}.input_share"), s);
    }
    c.non_negative(
        &format!("{p}.choice.switching_cost"),
        g.choice.switching_cost,
    );
    c.probability(
        &format!("{p}.choice.review_probability"),
        g.choice.review_probability,
    );
    c.non_negative(
        &format!("{p}.growth.agents_per_round"),
        g.growth.agents_per_round,
    );
    c.range(
        &format!("{p}.growth.volume_per_year"),
        g.growth.volume_per_year,
        -1.0,
        f64::INFINITY,
        true,
        true,
    );
}
