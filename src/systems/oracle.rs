//! The demand oracle of a world: the expected demand of its buyers, for the strategies that
//! price against it (`best_response`), the benchmarks and the learners' game.

use crate::demand::ChoiceMode;
use crate::equilibrium::{
    AgentState, AgentTraits, DemandOracle, RoundDemand, SegmentDemand, SegmentFrictions, sample,
};
use crate::model::*;
use bevy_ecs::prelude::*;

/// The oracle of a world's current buyers (up to `max_agents` of them), qualities and outside
/// option.
pub fn demand_oracle(world: &mut World, max_agents: usize) -> DemandOracle {
    let buyers = world.resource::<Buyers>();
    let (picks, step) = sample(buyers.len(), max_agents);
    let agents: Vec<AgentTraits> = picks.into_iter().map(|k| traits_of(buyers, k)).collect();
    let book = world.resource::<SegmentBook>();
    let board = world.resource::<MarketBoard>();
    let outside = world.resource::<OutsideOption>();
    DemandOracle::of_sample(
        &agents,
        step,
        &segment_demand(book),
        &board.quality,
        outside.with_hosts(board),
    )
    .with_nesting(world.resource::<Offers>().0.nesting.clone())
    .with_price_scale(world.resource::<Mix>().0.price_scales())
}

/// Row `k`'s traits.
fn traits_of(b: &Buyers, k: usize) -> AgentTraits {
    AgentTraits {
        segment: b.segment[k] as usize,
        alpha: b.alpha[k],
        theta: b.theta[k],
        reservation: b.reservation[k],
        base: b.base[k],
    }
}

/// The demand of the round as buyers face it from where they are now (their options, switching
/// costs and inertia), up to `max_agents` of them: for the static Nash prices of a market with
/// lock-in and for `best_response` with `demand: round`.
pub fn round_demand(world: &mut World, max_agents: usize) -> RoundDemand {
    let v = world.resource::<MarketBoard>().names.len();
    let stride = v + 1;
    let book = world.resource::<SegmentBook>();
    let buyers = world.resource::<Buyers>();
    let shares = &world.resource::<ExpectedShares>().0;
    let (picks, step) = sample(buyers.len(), max_agents);
    let agents: Vec<AgentState> = picks
        .into_iter()
        .map(|k| {
            let traits = traits_of(buyers, k);
            let options = match book.segments[traits.segment].mode {
                ChoiceMode::Expected => (0..stride)
                    .filter_map(|j| {
                        let x = shares.get(k * stride + j).copied().unwrap_or(0.0);
                        (x > 0.0).then_some((j, x))
                    })
                    .collect(),
                ChoiceMode::Sample => match buyers.choice[k] {
                    Buyers::NONE => Vec::new(),
                    Buyers::OUTSIDE => vec![(v, 1.0)],
                    j => vec![(j as usize, 1.0)],
                },
            };
            AgentState { traits, options }
        })
        .collect();
    let frictions: Vec<SegmentFrictions> = book
        .segments
        .iter()
        .map(|s| SegmentFrictions {
            review: s.review,
            penalty: s.penalty,
        })
        .collect();
    let board = world.resource::<MarketBoard>();
    RoundDemand::of_sample(
        &agents,
        step,
        &segment_demand(book),
        &frictions,
        &board.quality,
        world.resource::<OutsideOption>().with_hosts(board),
    )
    .with_nesting(world.resource::<Offers>().0.nesting.clone())
    .with_price_scale(world.resource::<Mix>().0.price_scales())
}

/// Whether any segment's buyers are held by switching costs or inertia (so that the round's
/// demand differs from the frictionless one).
pub fn has_frictions(book: &SegmentBook) -> bool {
    book.segments
        .iter()
        .any(|s| s.review < 1.0 || s.penalty < 1.0)
}

/// What the oracle needs of each segment.
fn segment_demand(book: &SegmentBook) -> Vec<SegmentDemand> {
    book.segments
        .iter()
        .map(|s| SegmentDemand {
            represents: s.represents,
            outside: s.outside,
            volume: s.volume,
            scale: s.volume_scale,
        })
        .collect()
}

/// Brings the demand that strategies such as `best_response` price against up to date (only
/// when such a strategy is in the run): a new sample of agents when the population changed,
/// otherwise fresh qualities, outside options and segment growth.
pub fn refresh_demand_view(world: &mut World) {
    if world
        .get_resource::<DemandView>()
        .is_some_and(|v| v.round_needed)
    {
        // Where buyers are changes every round.
        let round = round_demand(world, DemandOracle::DEFAULT_MAX_AGENTS);
        world.resource_mut::<DemandView>().round = Some(round);
    }
    let needed = world
        .get_resource::<DemandView>()
        .is_some_and(|v| v.oracle.is_some());
    if !needed {
        return;
    }
    let agents = world.resource::<Buyers>().next_id();
    if world.resource::<DemandView>().agents_seen != agents {
        let oracle = demand_oracle(world, DemandOracle::DEFAULT_MAX_AGENTS);
        let mut view = world.resource_mut::<DemandView>();
        view.oracle = Some(oracle);
        view.agents_seen = agents;
    } else {
        world.resource_scope(|world, mut view: Mut<DemandView>| {
            if let Some(o) = view.oracle.as_mut() {
                let board = world.resource::<MarketBoard>();
                let book = world.resource::<SegmentBook>();
                o.refresh(
                    &board.quality,
                    world.resource::<OutsideOption>().with_hosts(board),
                    book.segments.iter().map(|s| s.volume_scale).collect(),
                );
                // List prices may have changed their ratio this round.
                o.set_price_scale(world.resource::<Mix>().0.price_scales());
            }
        });
    }
}
