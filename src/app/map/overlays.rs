//! What is drawn over territories and accounts: the selected account, highlight rings, rep
//! home bases, place names, territory labels and the scale bar.

use egui::{Color32, Rect, Shape, Stroke, Vec2};
use walkers::Projector;

use super::projection::{LonLat, Screen, WORLD_PIXELS};
use super::{MapView, ScenarioView, colour};
use crate::basemap::Basemap;

/// Rings drawn at most (more would hide the map).
const MAX_RINGS: usize = 20_000;
/// Ring colour of highlighted accounts.
const RING: Color32 = Color32::from_rgb(230, 90, 0);

/// The border of a territory label with a warning.
pub(super) const WARNING: Color32 = Color32::from_rgb(235, 150, 0);

/// The lon/lat of an account row, if the row exists.
fn account_at(doc: &ScenarioView<'_>, row: usize) -> Option<LonLat> {
    let a = &doc.project.accounts;
    Some(LonLat::new(*a.lons().get(row)?, *a.lats().get(row)?))
}

/// A black and white double ring around the selected account.
pub(super) fn paint_selected_account(
    painter: &egui::Painter,
    screen: &Screen,
    doc: &ScenarioView<'_>,
    row: usize,
) {
    if let Some(at) = account_at(doc, row) {
        let p = screen.to_screen(at);
        painter.circle_stroke(p, 7.0, Stroke::new(2.5, Color32::BLACK));
        painter.circle_stroke(p, 9.0, Stroke::new(1.5, Color32::WHITE));
    }
}

/// Rings on the highlighted accounts that are on screen, under the labels.
pub(super) fn paint_rings(painter: &egui::Painter, screen: &Screen, doc: &ScenarioView<'_>) {
    let on_screen = doc
        .highlight
        .iter()
        .filter_map(|&row| Some(screen.to_screen(account_at(doc, row)?)))
        .filter(|p| screen.rect.contains(*p));
    for p in on_screen.take(MAX_RINGS) {
        painter.circle_stroke(p, 4.5, Stroke::new(1.5, RING));
    }
}

/// Each rep's home base: a house in the rep's colour.
pub(super) fn paint_reps(painter: &egui::Painter, screen: &Screen, doc: &ScenarioView<'_>) {
    for rep in &doc.project.reps {
        let p = screen.to_screen(LonLat::new(rep.home_lon, rep.home_lat));
        paint_house(painter, p, colour(rep.colour, 255));
    }
}

/// A rep's home: a square with a roof, in `fill`, centred at `p` (the map and its legend).
pub(super) fn paint_house(painter: &egui::Painter, p: egui::Pos2, fill: Color32) {
    painter.rect_filled(
        Rect::from_center_size(p + Vec2::new(0.0, 3.0), Vec2::splat(10.0)),
        1.0,
        fill,
    );
    painter.add(Shape::convex_polygon(
        vec![
            p + Vec2::new(-8.0, -1.0),
            p + Vec2::new(0.0, -9.0),
            p + Vec2::new(8.0, -1.0),
        ],
        fill,
        Stroke::new(1.0, Color32::WHITE),
    ));
}

/// The basemap's place names that fit without overlapping, the biggest first.
pub(super) fn paint_places(painter: &egui::Painter, screen: &Screen, basemap: &Basemap, zoom: f64) {
    // Bigger places first; fewer labels when zoomed out.
    let min_population = match zoom {
        z if z < 4.0 => 2_000_000,
        z if z < 6.0 => 500_000,
        z if z < 7.5 => 100_000,
        z if z < 9.0 => 30_000,
        _ => 0,
    };
    let mut placed: Vec<Rect> = Vec::new();
    for place in basemap
        .places()
        .iter()
        .take_while(|p| p.population >= min_population)
    {
        let p = screen.to_screen(LonLat::new(place.lon, place.lat));
        if !screen.rect.contains(p) {
            continue;
        }
        let rect = Rect::from_min_size(
            p + Vec2::new(4.0, -7.0),
            Vec2::new(7.0 * place.name.len() as f32, 14.0),
        );
        if placed.iter().any(|r| r.intersects(rect)) || placed.len() > 60 {
            continue;
        }
        placed.push(rect);
        painter.circle_filled(p, 2.0, Color32::from_gray(70));
        painter.text(
            p + Vec2::new(4.0, 0.0),
            egui::Align2::LEFT_CENTER,
            &place.name,
            egui::FontId::proportional(11.0),
            Color32::from_gray(60),
        );
    }
}

impl MapView {
    /// Territory names and reps, on a light plate so they stay readable over accounts and
    /// places. A plate that would cover one already placed is left out (the selected
    /// territory's goes first), so a zoomed-out map of a hundred territories stays legible.
    pub(super) fn paint_territory_labels(
        &self,
        painter: &egui::Painter,
        screen: &Screen,
        doc: &ScenarioView<'_>,
        selected: Option<usize>,
    ) {
        let Some(scenario) = doc.scenario else {
            return;
        };
        let order = selected
            .into_iter()
            .chain((0..scenario.territories.len()).filter(|&t| Some(t) != selected));
        let mut placed: Vec<Rect> = Vec::new();
        for (t, territory) in order.filter_map(|t| Some((t, scenario.territories.get(t)?))) {
            let Some(label) = self
                .territory_shapes
                .get(&territory.id.0)
                .and_then(|s| s.label)
            else {
                continue;
            };
            let centre = screen.mercator_to_screen(label);
            if !screen.rect.expand(100.0).contains(centre) {
                continue;
            }
            let rep = territory
                .rep
                .and_then(|r| doc.project.rep(r))
                .map_or("no rep", |r| r.name.as_str());
            // Name and rep; where that does not fit, the name alone; else nothing. A territory
            // with a warning (see the Balance panel) is marked.
            let warned = doc.warned.get(t).copied().unwrap_or(false);
            let mark = if warned { "! " } else { "" };
            let plates = [
                format!("{mark}{}\n{rep}", territory.name),
                format!("{mark}{}", territory.name),
            ];
            let Some((galley, rect)) = plates.into_iter().find_map(|text| {
                let galley = painter.layout(
                    text,
                    egui::FontId::proportional(14.0),
                    Color32::from_rgb(25, 25, 25),
                    f32::INFINITY,
                );
                let rect = Rect::from_center_size(centre, galley.size()).expand(4.0);
                (!placed.iter().any(|r| r.intersects(rect))).then_some((galley, rect))
            }) else {
                continue;
            };
            placed.push(rect);
            painter.rect_filled(
                rect,
                4.0,
                Color32::from_rgba_unmultiplied(255, 255, 255, 200),
            );
            let border = if warned {
                Stroke::new(2.5, WARNING)
            } else {
                Stroke::new(1.5, colour(territory.colour, 255))
            };
            painter.rect_stroke(rect, 4.0, border, egui::StrokeKind::Inside);
            painter.galley(rect.min + Vec2::splat(4.0), galley, Color32::BLACK);
        }
    }
}

/// A scale bar in the map's bottom-left corner: a round length that fits about 120 points.
pub fn paint_scale_bar(ui: &egui::Ui, projector: &Projector) {
    let rect = projector.clip_rect();
    let centre = projector.unproject(rect.center().to_vec2());
    // Web Mercator metres per screen point at the centre's latitude.
    let metres_per_point = centre.y().to_radians().cos() * 2.0 * std::f64::consts::PI * 6_378_137.0
        / (WORLD_PIXELS * 2f64.powf(projector.zoom()));
    if !metres_per_point.is_finite() || metres_per_point <= 0.0 {
        return;
    }
    let target = 120.0 * metres_per_point;
    let magnitude = 10f64.powf(target.log10().floor());
    let length = [5.0, 2.0, 1.0]
        .iter()
        .map(|f| f * magnitude)
        .find(|l| *l <= target)
        .unwrap_or(magnitude);
    let width = (length / metres_per_point) as f32;
    let start = rect.left_bottom() + Vec2::new(12.0, -14.0);
    let painter = ui.painter();
    let stroke = Stroke::new(2.0, Color32::from_gray(40));
    painter.rect_filled(
        Rect::from_min_max(
            start + Vec2::new(-4.0, -18.0),
            start + Vec2::new(width + 4.0, 6.0),
        ),
        3.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 190),
    );
    painter.line_segment([start, start + Vec2::new(width, 0.0)], stroke);
    painter.line_segment([start, start + Vec2::new(0.0, -5.0)], stroke);
    painter.line_segment(
        [
            start + Vec2::new(width, 0.0),
            start + Vec2::new(width, -5.0),
        ],
        stroke,
    );
    let text = if length >= 1000.0 {
        format!("{} km", length / 1000.0)
    } else {
        format!("{length} m")
    };
    painter.text(
        start + Vec2::new(width / 2.0, -9.0),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(11.0),
        Color32::from_gray(30),
    );
}
