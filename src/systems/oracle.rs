//! The demand oracle of a world: the expected demand of its buyers, for the strategies that
//! price against it (`best_response`), the benchmarks and the learners' game.

use crate::equilibrium::{AgentTraits, DemandOracle, SegmentDemand};
use crate::model::*;
use bevy_ecs::prelude::*;

/// The oracle of a world's current buyers (up to `max_agents` of them), qualities and outside
/// option.
pub fn demand_oracle(world: &mut World, max_agents: usize) -> DemandOracle {
    let mut q = world.query::<BuyerTraits>();
    let mut all: Vec<(u32, AgentTraits)> = q
        .iter(world)
        .map(|(id, s, a, t, r, b)| {
            (
                id.0,
                AgentTraits {
                    segment: s.0 as usize,
                    alpha: a.0,
                    theta: t.0,
                    reservation: r.0,
                    base: b.0,
                },
            )
        })
        .collect();
    if !all.is_sorted_by_key(|x| x.0) {
        all.sort_by_key(|x| x.0);
    }
    let agents: Vec<AgentTraits> = all.into_iter().map(|(_, a)| a).collect();
    let book = world.resource::<SegmentBook>();
    let board = world.resource::<MarketBoard>();
    let outside = world.resource::<OutsideOption>();
    DemandOracle::new(
        &agents,
        &segment_demand(book),
        max_agents,
        &board.quality,
        outside.with_hosts(board),
    )
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
    let needed = world
        .get_resource::<DemandView>()
        .is_some_and(|v| v.oracle.is_some());
    if !needed {
        return;
    }
    let agents = world.resource::<NextBuyerId>().0;
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
            }
        });
    }
}
