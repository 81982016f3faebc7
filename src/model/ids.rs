//! Typed identifiers, so that an account id can never be passed where a territory id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        pub struct $name(pub u32);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// An account's id inside the project (not the CRM's external id).
    AccountId
);
id_type!(
    /// A sales rep's id.
    RepId
);
id_type!(
    /// A scenario's (plan version's) id.
    ScenarioId
);
id_type!(
    /// A territory's id, unique across all scenarios of a project.
    TerritoryId
);
