//! Geographic units in the window: copying the plan shown into a plan of units (the
//! scenario bar's "To units" menu), to paint it.

use super::TesseraApp;
use crate::edit::scenarios::unique_scenario_name;

impl TesseraApp {
    /// Copies the plan shown into a new scenario built from units of `layer`, shows it, and
    /// says what the snapping alone changed.
    pub(super) fn snap_to_units(&mut self, layer: &str) {
        let Some(current) = self.session.current() else {
            return;
        };
        let title = crate::units::embedded::keys()
            .find(|(k, _)| *k == layer)
            .map_or(layer, |(_, title)| title);
        let from = current.name.clone();
        let into = unique_scenario_name(self.session.project(), &format!("{from} ({title})"));
        match self.session.snap_to_units(layer, Some(&from), &into) {
            Ok(snap) => {
                if let Some(id) = self.session.project().scenario_by_name(&into).map(|s| s.id) {
                    self.session.show_scenario(id);
                    self.scenario_shown();
                }
                self.map.plan_edited();
                self.editing.set_tool(super::Tool::Paint);
                self.notice = Some(snap_summary(&snap));
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

impl TesseraApp {
    /// Adds a territory without area to the plan shown and selects it, to paint units into.
    pub(super) fn new_territory_to_paint(&mut self) {
        let Some(scenario) = self.session.current() else {
            return;
        };
        let edit = crate::edit::add_empty_territory(self.session.project(), scenario);
        let position = scenario.territories.len();
        if self.make_edit_showing(edit, None) {
            self.selected = Some(position);
            self.editing.set_tool(super::Tool::Paint);
        }
    }
}

/// What a snap did, for the planner: the new plan, the accounts that changed territory by
/// the snapping alone, and what to do next.
fn snap_summary(snap: &crate::session::UnitSnap) -> String {
    let mut text = format!(
        "{} is {} built from {} units ({} of them placed by area, as they hold no account).\n\n\
         {} accounts changed territory by the snapping alone",
        snap.into,
        snap.from,
        crate::numbers::whole(snap.units as f64),
        crate::numbers::whole(snap.by_area as f64),
        crate::numbers::whole(snap.moved as f64),
    );
    if snap.lost > 0 {
        text += &format!(
            "; {} of them lie in no unit (water, or off the layer) and are now in no territory",
            crate::numbers::whole(snap.lost as f64)
        );
    }
    text += ".\n\nThe Paint tool (P) is on: select a territory, then click or drag across units.";
    if !snap.without_units.is_empty() {
        text += &format!(
            "\n\nTerritories that got no unit: {}.",
            snap.without_units.join(", ")
        );
    }
    text
}
