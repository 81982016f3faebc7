//! Select: clicks pick territories and accounts (in the window); dragging a rep's home
//! marker moves the home base.

use super::{CATCH, Editing, Outcome};
use crate::app::document::Document;
use crate::app::map::{LonLat, MapView};
use crate::edit;

impl Editing {
    /// Select: dragging a rep's home marker moves the home base (one edit on release).
    pub fn select(
        &mut self,
        response: &egui::Response,
        doc: &mut Document,
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
            doc.project
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
        let k = doc.project.reps.iter().position(|r| r.id == original.id);
        if let (Some(k), Some(p)) = (k, response.interact_pointer_pos())
            && response.dragged()
        {
            // Only the marker follows the pointer; travel is recomputed once, on release.
            let at = screen.to_lon_lat(p);
            doc.project.reps[k].home_lon = at.lon;
            doc.project.reps[k].home_lat = at.lat;
        }
        if !response.drag_stopped() {
            return Outcome::None;
        }
        let (Some(original), Some(k)) = (self.rep_drag.take(), k) else {
            return Outcome::None;
        };
        let moved = doc.project.reps[k].clone();
        doc.project.reps[k] = original;
        match edit::rep_properties(&doc.project, &moved) {
            Some(e) => Outcome::Edit(e),
            None => Outcome::None,
        }
    }
}
