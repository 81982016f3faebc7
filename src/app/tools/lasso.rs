//! Lasso: circle accounts on the map to name them key accounts of a territory.

use geo::Coord;

use super::{Editing, Outcome};
use crate::app::map::{LonLatBounds, MapView};
use crate::session::Session;

impl Editing {
    /// Lasso: the drag traces an outline; on release the accounts inside wait for a choice
    /// of territory, which starts at the `selected` one.
    pub fn lasso(
        &mut self,
        response: &egui::Response,
        doc: &Session,
        map: &MapView,
        selected: Option<usize>,
    ) -> Outcome {
        let Some(screen) = map.last_screen else {
            return Outcome::None;
        };
        if response.drag_started()
            && let Some(p) = response.ctx.input(|i| i.pointer.press_origin())
        {
            self.sketch = vec![screen.to_lon_lat(p).into()];
        }
        if response.dragged()
            && let Some(p) = response.interact_pointer_pos()
            && self
                .sketch
                .last()
                .is_some_and(|c| screen.to_screen((*c).into()).distance(p) >= 4.0)
        {
            self.sketch.push(screen.to_lon_lat(p).into());
        }
        if !response.drag_stopped() {
            return Outcome::None;
        }
        let outline = std::mem::take(&mut self.sketch);
        if outline.len() < 3 {
            return Outcome::None;
        }
        let rows = accounts_inside(doc, &outline);
        if rows.is_empty() {
            return Outcome::Refused("no accounts inside that outline".into());
        }
        self.lassoed = Some(rows);
        if let Some(t) = selected {
            self.lasso_target = t;
        }
        Outcome::None
    }
}

/// The ids of the accounts inside an outline (lon/lat).
fn accounts_inside(doc: &Session, outline: &[Coord<f64>]) -> Vec<crate::model::AccountId> {
    use geo::{BoundingRect, Contains};
    let polygon = geo::Polygon::new(geo::LineString::from(outline.to_vec()), vec![]);
    let Some(b) = polygon.bounding_rect() else {
        return Vec::new();
    };
    let grid = doc.assignment().grid();
    let ids = doc.project().accounts.ids();
    let mut inside = Vec::new();
    grid.for_each_in(LonLatBounds::from(b).into(), |p| {
        if polygon.contains(&geo::Point::new(grid.xs()[p], grid.ys()[p])) {
            inside.push(ids[grid.row(p)]);
        }
    });
    inside
}
