//! # pricewar
//!
//! An agent-based simulation engine for price wars in markets for AI models sold by the token.
//!
//! A market is a YAML scenario: vendors whose cost curves come from the compute cost of their
//! models (training 6·N·D FLOPs, serving 2·N_active FLOPs per token, GPU prices, utilisation,
//! hardware and efficiency trends, learning) and buyer segments whose agents choose among vendors
//! and an outside option by multinomial logit. A run plays price-war rounds on a bevy_ecs world
//! and returns panels (per vendor, per segment, per market round) that are written to Parquet.
//!
//! ```no_run
//! use pricewar::scenario;
//! use pricewar::sim::Simulation;
//!
//! let scenario = scenario::load("scenarios/textbook.yaml".as_ref(), &["rounds=24".into()])?;
//! let result = Simulation::new(&scenario, 0).run(|_round| {});
//! let vendors = pricewar::output::vendors_frame(&result.panels.vendors)?;
//! println!("{vendors}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`analysis`] reads what runs and sweeps wrote and answers the common questions (price
//! decline, concentration, surplus, survival, collusion, price cycles) and draws charts.
//!
//! Prices are USD per million tokens (Mtok), quantities Mtok, money USD; a round is one period
//! and `rounds_per_year` converts annual trends.

#![warn(missing_docs)]

pub mod analysis;
pub mod app;
pub mod check;
pub mod cost;
pub mod demand;
pub mod dist;
pub mod equilibrium;
pub mod events;
pub mod learning;
pub mod metrics;
pub mod model;
pub mod numerics;
pub mod output;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod strategy;
pub mod sweep;
pub mod systems;
