//! Plain data: accounts, reps, scenarios, territories, settings and the project that holds
//! them. No I/O and no user interface here; other layers read and change these types.

mod accounts;
mod change;
mod colour;
mod ids;
mod named_area;
mod project;
mod scenario;
mod settings;
mod unit_layers;

pub use accounts::{Account, AccountStatus, Accounts, Vocabulary};
pub use change::{Change, ChangeError, Edit, next_rep_id, next_scenario_id, next_territory_id};
pub use colour::Colour;
pub use ids::{AccountId, RepId, ScenarioId, TerritoryId};
pub use named_area::{AreaProperties, MAX_NAME_CHARS, NamedArea};
pub use project::Project;
pub use scenario::{Rep, Scenario, SegmentRule, Territory, UnitPlan};
pub use settings::Settings;
pub use unit_layers::{ProjectLayer, RESERVED_PREFIX, key_problem};
