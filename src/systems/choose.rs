//! Buyers choose: the logit choice of every agent, in parallel over agents.

use crate::demand::choose_all;
use crate::model::*;
use crate::rng::{Purpose, round_key};
use bevy_ecs::prelude::*;

/// Every buyer agent chooses among this round's offers; the tally holds the result.
pub fn choose_offers(
    mut buyers: ResMut<Buyers>,
    offers: Res<Offers>,
    info: Res<RunInfo>,
    clock: Res<RoundClock>,
    mut tally: ResMut<ChoiceTally>,
    mut shares: ResMut<ExpectedShares>,
    execution: Res<Execution>,
) {
    let book = &offers.0;
    let tally = &mut *tally;
    tally.values.clear();
    tally
        .values
        .resize(book.tally_len() * book.segments.len(), 0.0);
    let key = round_key(info.seed, Purpose::BuyerChoice, clock.round as u64);
    let (rows, choice) = buyers.rows_and_choices();
    choose_all(
        rows,
        choice,
        &mut shares.0,
        book,
        key,
        &mut tally.partials,
        &mut tally.values,
        execution.parallel_buyers,
    );
}
