//! The side panels and the status bar, one file per panel. Panels never change the project
//! themselves: they return [`Command`](super::Command)s that the app applies after the frame.

mod account;
mod balance;
mod history;
mod plan;
mod status;
mod validation;

pub use account::{account_details, account_units};
pub use balance::balance;
pub use history::history;
pub use plan::territories;
pub use status::status;
pub use validation::validation;

use crate::engine::balance::BalanceMetric;

/// The text of a metric value as the balance panel shows it.
pub fn value_text(metric: BalanceMetric, value: f64) -> String {
    metric.text(value)
}
