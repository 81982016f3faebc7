//! Reps, scenarios (plan versions) and their territories.

use std::collections::BTreeMap;

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};

use super::{AccountId, Colour, RepId, ScenarioId, TerritoryId};

/// A sales rep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rep {
    /// Id inside the project.
    pub id: RepId,
    /// Full name.
    pub name: String,
    /// Home base longitude (WGS84); travel is measured from here.
    pub home_lon: f64,
    /// Home base latitude (WGS84).
    pub home_lat: f64,
    /// Hours per year the rep can spend on visits and travel.
    pub capacity_hours: f64,
    /// Sales target, EUR/yr.
    pub target: f64,
    /// Industries the rep knows well.
    pub expertise: Vec<String>,
    /// Colour of the rep's home-base marker.
    pub colour: Colour,
}

/// Which accounts a territory accepts besides its geometry ("healthcare accounts in Noord").
/// An empty list accepts everything for that field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRule {
    /// Allowed industries; empty = any industry.
    pub industries: Vec<String>,
    /// Allowed size classes; empty = any size.
    pub size_classes: Vec<String>,
}

impl SegmentRule {
    /// True when the rule accepts every account.
    pub fn is_open(&self) -> bool {
        self.industries.is_empty() && self.size_classes.is_empty()
    }

    /// Whether an account with this industry and size class is admitted.
    pub fn admits(&self, industry: &str, size_class: &str) -> bool {
        (self.industries.is_empty() || self.industries.iter().any(|i| i == industry))
            && (self.size_classes.is_empty() || self.size_classes.iter().any(|s| s == size_class))
    }
}

/// One territory of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Territory {
    /// Id inside the project.
    pub id: TerritoryId,
    /// Display name ("Noord").
    pub name: String,
    /// Fill colour on the map.
    pub colour: Colour,
    /// The rep who works it, if assigned.
    pub rep: Option<RepId>,
    /// Area in WGS84 lon/lat; may have several parts and holes.
    pub geometry: MultiPolygon<f64>,
    /// Optional narrowing by industry or size.
    pub rule: SegmentRule,
    /// Sales target, EUR/yr.
    pub target: f64,
    /// Average deal size, EUR.
    pub average_deal: f64,
    /// Expected conversion from lead to deal, as a fraction (0.10 = 10 %).
    pub conversion: f64,
}

/// A version of the plan: a set of territories plus named-account overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Id inside the project.
    pub id: ScenarioId,
    /// Display name, unique in the project.
    pub name: String,
    /// Free notes ("2027 realignment, draft").
    pub notes: String,
    /// Creation time, seconds since the Unix epoch (UTC).
    pub created: i64,
    /// Territories in display order. Order also breaks ties between overlapping territories:
    /// the first one that admits an account owns it.
    pub territories: Vec<Territory>,
    /// Key accounts that stay with a territory whatever the geometry says.
    pub overrides: BTreeMap<AccountId, TerritoryId>,
    /// The geographic units the plan is built from, and which territory holds each (empty
    /// for a freehand plan). A territory holding units has their union as its geometry.
    pub units: UnitPlan,
}

/// Which territory holds each unit of a layer of geographic units (postcode areas,
/// municipalities) in one plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitPlan {
    /// The layer's key (`nl-pc4`); `None` while the plan holds no units.
    pub layer: Option<String>,
    /// Unit code -> the territory holding it. A unit not listed belongs to no territory.
    pub holder: BTreeMap<String, TerritoryId>,
}

impl UnitPlan {
    /// The codes of the units territory `t` holds, in code order.
    pub fn units_of(&self, t: TerritoryId) -> impl Iterator<Item = &str> {
        self.holder
            .iter()
            .filter(move |(_, h)| **h == t)
            .map(|(code, _)| code.as_str())
    }
}

impl Scenario {
    /// The territory with this id.
    pub fn territory(&self, id: TerritoryId) -> Option<&Territory> {
        self.territories.iter().find(|t| t.id == id)
    }

    /// The position of a territory in [`Self::territories`].
    pub fn territory_index(&self, id: TerritoryId) -> Option<usize> {
        self.territories.iter().position(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_rule_admits_only_listed_values() {
        let open = SegmentRule::default();
        assert!(open.is_open() && open.admits("Retail", ""));
        let health = SegmentRule {
            industries: vec!["Healthcare".into()],
            size_classes: vec![],
        };
        assert!(health.admits("Healthcare", "SME"));
        assert!(!health.admits("Retail", "SME"));
        let big_health = SegmentRule {
            size_classes: vec!["Enterprise".into()],
            ..health
        };
        assert!(big_health.admits("Healthcare", "Enterprise"));
        assert!(!big_health.admits("Healthcare", "SME"));
    }
}
