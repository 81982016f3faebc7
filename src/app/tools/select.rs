//! Select: clicks pick territories and accounts (in the window); dragging a rep's home
//! marker moves the home base.

use super::{CATCH, Editing, Outcome};
use crate::app::map::{LonLat, MapView};
use crate::edit;
use crate::session::Session;

impl Editing {
    /// Select: dragging a rep's home marker moves the home base (one edit on release).
    pub fn select(
        &mut self,
        response: &egui::Response,
        doc: &mut Session,
        map: &MapView,
    ) -> Outcome {
        let Some(screen) = map.last_screen else {
            return Outcome::None;
        };
        let pointer = if response.drag_started() {
            response.ctx.input(|i| i.pointer.press_origin())
        } else {
            response.hover_pos()
        };
        let near_rep = pointer.and_then(|p| {
            doc.project()
                .reps
                .iter()
                .find(|r| {
                    let home = screen.to_screen(LonLat::new(r.home_lon, r.home_lat));
                    home.distance(p) <= CATCH as f32 + 2.0
                })
                .cloned()
        });
        if !response.ctx.input(|i| i.pointer.any_down()) {
            self.over_handle = near_rep.is_some();
        }
        if self.rep_drag.is_none() && response.drag_started() {
            self.rep_drag = near_rep;
        }
        let Some(original) = &self.rep_drag else {
            return Outcome::None;
        };
        let id = original.id;
        if let Some(p) = response.interact_pointer_pos()
            && response.dragged()
        {
            // Only the marker follows the pointer (a preview in the session); travel is
            // recomputed once, by the edit on release.
            let at = screen.to_lon_lat(p);
            doc.preview_rep_home(id, at.lon, at.lat);
        }
        if !response.drag_stopped() {
            return Outcome::None;
        }
        let Some(original) = self.rep_drag.take() else {
            return Outcome::None;
        };
        let Some(moved) = doc.project().rep(id).cloned() else {
            return Outcome::None;
        };
        doc.preview_rep_home(id, original.home_lon, original.home_lat);
        match edit::rep_properties(doc.project(), &moved) {
            Some(e) => Outcome::Edit(e),
            None => Outcome::None,
        }
    }
}
