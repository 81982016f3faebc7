//! Tessera: a desktop, map-based sales territory designer.
//!
//! The library holds everything below the user interface, in layers:
//! [`model`] (plain data), [`engine`] (assignment and metrics), [`store`] (the SQLite project
//! file), [`io`] (files in and out), [`demo`] and [`synth`] (built-in projects) and [`cli`]
//! (the headless commands). See `ARCHITECTURE.md` for the rules between them.

#[cfg(feature = "window")]
pub mod app;
pub mod basemap;
pub mod cli;
pub mod demo;
pub mod design;
pub mod edit;
pub mod engine;
pub mod geocode;
pub mod geometry;
pub mod io;
pub mod model;
pub mod numbers;
pub mod progress;
pub mod rng;
pub mod session;
pub mod store;
pub mod synth;
pub mod units;
