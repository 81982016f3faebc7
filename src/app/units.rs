//! Geographic units in the window: copying the plan shown into a plan of units (the
//! scenario bar's "To units" menu), to paint it.

use super::TesseraApp;
use super::job::{Job, Poll};
use crate::edit::scenarios::unique_scenario_name;
use crate::model::{Change, Edit};
use crate::session::{SessionError, UnitSnap, snap_edit};

/// A snap computed on another thread (a big project: about half a second at a million
/// accounts), with the revision of the project it read.
pub(super) struct Snapping {
    job: Job<Result<(Edit, UnitSnap), SessionError>>,
    revision: u64,
}

impl TesseraApp {
    /// Copies the plan shown into a new scenario built from units of `layer`, shows it, and
    /// says what the snapping alone changed. In a big project the snap is worked out on
    /// another thread and made when it arrives.
    pub(super) fn snap_to_units(&mut self, layer: &str) {
        let Some(current) = self.session.current() else {
            return;
        };
        let title = crate::session::layer_list(self.session.project())
            .into_iter()
            .find(|(k, _)| k == layer)
            .map_or_else(|| layer.to_owned(), |(_, title)| title);
        let from = current.name.clone();
        let into = unique_scenario_name(self.session.project(), &format!("{from} ({title})"));
        let project = self.session.shared_project();
        let layer = layer.to_owned();
        let work = move || snap_edit(&project, None, &layer, Some(&from), &into);
        if self.session.project().accounts.len() >= self.background_from {
            self.snapping = Some(Snapping {
                job: Job::spawn(move |_| work()),
                revision: self.session.revision(),
            });
            self.status_note = Some("Building the plan from units…".into());
        } else {
            self.snapped(work());
        }
    }

    /// Takes a snap worked out on another thread once it has arrived.
    pub(super) fn poll_snapping(&mut self, wait: bool) {
        let Some(snapping) = &self.snapping else {
            return;
        };
        let result = match if wait {
            snapping.job.wait()
        } else {
            snapping.job.poll()
        } {
            Poll::Running => return,
            Poll::Done(result) => result,
            Poll::Lost => Err(SessionError::Units(
                "building the plan from units failed".into(),
            )),
        };
        let stale = snapping.revision != self.session.revision();
        self.snapping = None;
        self.status_note = None;
        if stale {
            self.error = Some(
                "The project changed while the plan was being built from units; do it again".into(),
            );
        } else {
            self.snapped(result);
        }
    }

    /// Makes a snap's edit, shows the new plan with Paint on, and says what it did.
    fn snapped(&mut self, made: Result<(Edit, UnitSnap), SessionError>) {
        let (edit, snap) = match made {
            Ok(made) => made,
            Err(e) => {
                self.error = Some(e.to_string());
                return;
            }
        };
        let id = edit.changes.iter().find_map(|c| match c {
            Change::Scenario { after: Some(s), .. } => Some(s.id),
            _ => None,
        });
        if self.make_edit_showing(edit, id) {
            self.editing.set_tool(super::Tool::Paint);
            self.notice = Some(snap_summary(&snap));
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
fn snap_summary(snap: &UnitSnap) -> String {
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
