//! The map's legend in its bottom-right corner: what the colours and symbols mean. The
//! choropleth's classes have their own legend, bottom left (see `units`).

use egui::{Color32, Pos2, Rect, Sense, Stroke, Vec2};

use super::accounts::{GAP, KEY_RING};
use super::overlays::{WARNING, paint_house};
use super::{ScenarioView, colour};

/// Territories listed by name; more are summed up in one line.
const MAX_LISTED: usize = 8;

/// The legend's text size, smaller than the panels' so that it covers little of the map.
const TEXT: f32 = 11.5;

/// On a map narrower than this the legend is not drawn: it would cover all of it.
const MIN_MAP_WIDTH: f32 = 420.0;

/// Below this map height the legend leaves out the territories (the Plan panel lists them
/// with their colours): in full it would hide half the map.
const FULL_FROM_HEIGHT: f32 = 650.0;

/// Draws the legend over the map (`map`: its rect), in its bottom-right corner. It takes no
/// clicks: a click or a paint stroke under it reaches the map. View > Legend hides it.
pub fn paint_legend(ctx: &egui::Context, map: Rect, doc: &ScenarioView<'_>) {
    if map.width() < MIN_MAP_WIDTH {
        return;
    }
    // Above the tiles' attribution line.
    let corner = map.right_bottom() - Vec2::new(10.0, 30.0);
    let territories = map.height() >= FULL_FROM_HEIGHT;
    egui::Area::new(egui::Id::unique("map legend"))
        .pivot(egui::Align2::RIGHT_BOTTOM)
        .fixed_pos(corner)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.spacing_mut().item_spacing.y = 0.0;
                ui.label(egui::RichText::new("Legend").size(TEXT).strong());
                rows(ui, doc, territories);
            });
        });
}

/// The legend's rows: the territories (if `territories`), then the symbols.
fn rows(ui: &mut egui::Ui, doc: &ScenarioView<'_>, territories: bool) {
    if let Some(scenario) = doc.scenario.filter(|_| territories) {
        for t in scenario.territories.iter().take(MAX_LISTED) {
            row(ui, &t.name, |p, r| {
                p.rect_filled(r.shrink(2.0), 2.0, colour(t.colour, 200));
            });
        }
        let more = scenario.territories.len().saturating_sub(MAX_LISTED);
        if more > 0 {
            let text = format!("and {more} more territories, each in its colour");
            ui.label(egui::RichText::new(text).size(TEXT));
        }
    }
    let fill = Color32::from_rgb(90, 140, 200);
    row(ui, "Account (its territory's colour)", |p, r| {
        dot(p, r.center(), 3.5, fill, Color32::WHITE);
    });
    row(ui, "Gap: in no territory", |p, r| {
        dot(p, r.center(), 3.5, GAP, Color32::WHITE);
    });
    row(ui, "Overlap: in two or more", |p, r| {
        dot(p, r.center(), 3.5, fill, Color32::RED);
    });
    row(ui, "Key account (named for a territory)", |p, r| {
        dot(p, r.center(), 5.0, fill, KEY_RING);
    });
    row(ui, "Rep's home", |p, r| paint_house(p, r.center(), fill));
    row(ui, "Territory with a warning (see Balance)", |p, r| {
        p.rect_stroke(
            r.shrink(2.0),
            3.0,
            Stroke::new(2.0, WARNING),
            egui::StrokeKind::Inside,
        );
    });
}

/// One legend row: a symbol drawn by `symbol` in a 14-point square, then `text`.
fn row(ui: &mut egui::Ui, text: &str, symbol: impl FnOnce(&egui::Painter, Rect)) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
        symbol(ui.painter(), rect);
        ui.label(egui::RichText::new(text).size(TEXT));
    });
}

/// An account dot as the map draws it: a disc with a ring.
fn dot(painter: &egui::Painter, centre: Pos2, radius: f32, fill: Color32, ring: Color32) {
    painter.circle(centre, radius, fill, Stroke::new(1.2, ring));
}
