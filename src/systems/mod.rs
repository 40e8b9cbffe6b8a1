//! The round: one explicit, chained schedule of verb-named systems, one file per stage.
//!
//! apply events → update costs → set prices → buyers choose → clear capacity → settle accounts
//! and exits → strategies learn → record.

mod capacity;
mod choose;
mod costs;
mod events;
mod learn;
mod oracle;
mod prices;
mod record;
mod settle;

pub use capacity::clear_capacity;
pub use choose::choose_offers;
pub use costs::update_costs;
pub use events::{apply_events, grow_segments, post_list_prices};
pub use learn::learn_from_outcomes;
pub use oracle::{demand_oracle, has_frictions, refresh_demand_view, round_demand};
pub use prices::{post_offers, set_prices};
pub use record::{advance_clock, record_panels};
pub use settle::{settle_accounts, settle_firms};

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::SingleThreadedExecutor;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel};

/// The label of the round schedule.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Round;

/// The stages of a round, in order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Scheduled events, policy and market growth.
    ApplyEvents,
    /// Trends, learning and shocks move marginal costs.
    UpdateCosts,
    /// Strategies post prices; offers are published.
    SetPrices,
    /// Buyers choose (in parallel over buyers).
    Choose,
    /// Demand above capacity is rationed.
    ClearCapacity,
    /// Revenue, costs, profit, cash; vendors out of cash exit.
    Settle,
    /// Strategies learn from the settled round.
    Learn,
    /// Panel rows are recorded; the clock advances.
    Record,
}

/// The round schedule. Systems run one after another in the order of [`Stage`]; the schedule
/// refuses to build if two systems touch the same data without an order between them.
pub fn round_schedule() -> Schedule {
    let mut schedule = Schedule::new(Round);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    });
    schedule.configure_sets(
        (
            Stage::ApplyEvents,
            Stage::UpdateCosts,
            Stage::SetPrices,
            Stage::Choose,
            Stage::ClearCapacity,
            Stage::Settle,
            Stage::Learn,
            Stage::Record,
        )
            .chain(),
    );
    schedule.add_systems((
        (apply_events, grow_segments, post_list_prices)
            .chain()
            .in_set(Stage::ApplyEvents),
        update_costs.in_set(Stage::UpdateCosts),
        (refresh_demand_view, set_prices, post_offers)
            .chain()
            .in_set(Stage::SetPrices),
        choose_offers.in_set(Stage::Choose),
        clear_capacity.in_set(Stage::ClearCapacity),
        (settle_accounts, settle_firms)
            .chain()
            .in_set(Stage::Settle),
        learn_from_outcomes.in_set(Stage::Learn),
        (record_panels, advance_clock).chain().in_set(Stage::Record),
    ));
    schedule
}
