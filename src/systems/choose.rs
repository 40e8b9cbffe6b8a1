//! Buyers choose: the logit choice of every agent, in parallel over agents.

use crate::demand::choose_all;
use crate::model::*;
use crate::rng::{Purpose, round_key};
use bevy_ecs::prelude::*;

/// Every buyer agent chooses among this round's offers; the tally holds the result.
pub fn choose_offers(
    mut buyers: Query<(BuyerTraits, &mut CurrentChoice)>,
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
    let stride = book.n_vendors + 1;
    let mut row0 = 0;
    let mut table_tally = vec![0.0; tally.values.len()];
    // Buyers share one component set, hence one table: one slice of each component.
    for (traits, mut choice) in buyers
        .contiguous_iter_mut()
        .expect("buyer components are table-stored")
    {
        let rows = buyer_rows(traits);
        let n = rows.len();
        let alloc: &mut [f64] = if shares.0.is_empty() {
            &mut []
        } else {
            &mut shares.0[row0 * stride..(row0 + n) * stride]
        };
        choose_all(
            rows,
            choice_column(choice.bypass_change_detection()),
            alloc,
            book,
            key,
            &mut tally.partials,
            &mut table_tally,
            execution.parallel_buyers,
        );
        for (t, x) in tally.values.iter_mut().zip(&table_tally) {
            *t += x;
        }
        row0 += n;
    }
}
