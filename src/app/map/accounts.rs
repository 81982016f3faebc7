//! Accounts on the map: one dot each when few are in view, else counts per screen cell,
//! recounted on another thread while the old cells stand in.

use std::sync::{Arc, mpsc};

use egui::{Color32, Mesh, Pos2, Rect, Shape, Vec2, epaint::Vertex};

use super::projection::{LonLat, LonLatBounds, Mercator, MercatorRect, Screen, WORLD_PIXELS};
use super::{MapView, ScenarioView, colour};
use crate::engine::assign::NO_TERRITORY;
use crate::engine::index::AccountGrid;

/// Above this many visible accounts, accounts are drawn aggregated per screen cell.
const AGGREGATE_ABOVE: usize = 20_000;
/// Side of an aggregation cell, in points.
const BIN: f32 = 5.0;
/// Colour of accounts no territory holds.
pub(super) const GAP: Color32 = Color32::from_rgb(0x80, 0x80, 0x80);

/// The ring of a key account (placed by a named-account override), drawn larger than other
/// dots so that it stands out among them.
pub(super) const KEY_RING: Color32 = Color32::from_rgb(20, 20, 20);
const KEY_SCALE: f32 = 1.6;

/// Size of an account's dot, relative to the standard one, when dots show potential: by
/// area, from 0.4 times the standard (no potential) to 4 times (the largest potential).
fn dot_scale(potential: Option<f64>, max_potential: f64) -> f32 {
    let share = potential.map_or(0.0, |v| v / max_potential);
    let share = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    (0.4 + 3.6 * share).sqrt() as f32
}

/// Account dots, all in one mesh: a disc in the account's colour inside a ring (white, or
/// red for an overlap), with a soft outer edge. Drawing tens of thousands of them through
/// egui's general circle shapes costs several times more.
#[derive(Default)]
struct Dots {
    mesh: Mesh,
}

impl Dots {
    /// Corners of the octagons, on the unit circle.
    const CORNERS: [Vec2; 8] = {
        const D: f32 = std::f32::consts::FRAC_1_SQRT_2;
        [
            Vec2::new(1.0, 0.0),
            Vec2::new(D, D),
            Vec2::new(0.0, 1.0),
            Vec2::new(-D, D),
            Vec2::new(-1.0, 0.0),
            Vec2::new(-D, -D),
            Vec2::new(0.0, -1.0),
            Vec2::new(D, -D),
        ]
    };
    /// Radii of the disc, the ring's outer edge and the fading edge, in points.
    const RADII: [f32; 3] = [2.6, 3.5, 4.1];

    /// Adds a dot; `scale` multiplies its size (1 is the standard dot).
    fn add(&mut self, centre: Pos2, scale: f32, fill: Color32, ring: Color32) {
        let mesh = &mut self.mesh;
        let base = mesh.vertices.len() as u32;
        let vertex = |pos: Pos2, color: Color32| Vertex {
            pos,
            uv: egui::epaint::WHITE_UV,
            color,
        };
        mesh.vertices.push(vertex(centre, fill));
        let colours = [fill, ring, Color32::TRANSPARENT];
        for (radius, colour) in Self::RADII.into_iter().zip(colours) {
            let radius = radius * scale;
            for corner in Self::CORNERS {
                mesh.vertices.push(vertex(centre + corner * radius, colour));
            }
        }
        for k in 0..8u32 {
            let next = (k + 1) % 8;
            // The disc: a fan around the centre.
            mesh.indices
                .extend_from_slice(&[base, base + 1 + k, base + 1 + next]);
            // Two bands: disc edge to ring edge, ring edge to the faded edge.
            for band in 0..2u32 {
                let (inner, outer) = (base + 1 + 8 * band, base + 9 + 8 * band);
                mesh.indices.extend_from_slice(&[
                    inner + k,
                    outer + k,
                    outer + next,
                    inner + k,
                    outer + next,
                    inner + next,
                ]);
            }
        }
    }
}

/// Accounts counted per screen cell at one zoom, in Web Mercator so that panning reuses them.
/// Built over three view widths and heights around the view, so a pan rebuilds rarely.
pub(super) struct Aggregate {
    /// The (quantised) zoom the cells were sized for.
    zoom: f64,
    /// Cell side in Mercator units.
    cell: f64,
    /// The first cell's north-west corner.
    origin: Mercator,
    cols: usize,
    rows: usize,
    /// Per cell: accounts, and the owner of the last one (its colour).
    cells: Vec<(u32, u32)>,
}

impl Aggregate {
    /// Whether these cells serve a frame at `zoom` showing the Mercator box `view`.
    fn serves(&self, zoom: f64, view: MercatorRect) -> bool {
        let covered = MercatorRect {
            min: self.origin,
            max: Mercator {
                x: self.origin.x + self.cols as f64 * self.cell,
                y: self.origin.y + self.rows as f64 * self.cell,
            },
        };
        self.zoom == zoom && covered.contains(view)
    }
}

/// From this many accounts on, the accounts are projected and first counted on another
/// thread (a million take about 100 ms, a frame's whole budget); below, at once, so that a
/// small project's first frame shows its accounts.
const PROJECT_IN_BACKGROUND_FROM: usize = 100_000;

/// Accounts' Web Mercator coordinates, in grid position order: projecting a million
/// accounts per frame is then two multiply-adds each.
pub(super) struct MercatorAccounts {
    /// The grid projected: scenarios of one project share it, and so share the projection.
    grid: Arc<AccountGrid>,
    /// Kept as two columns, like the grid's lon/lat.
    x: Vec<f64>,
    y: Vec<f64>,
    /// The largest potential of any account, for sizing dots by potential.
    max_potential: f64,
}

impl MercatorAccounts {
    /// Projects the accounts of a plan's grid once; `max_potential` is the largest
    /// potential of any account.
    fn new(grid: Arc<AccountGrid>, max_potential: f64) -> MercatorAccounts {
        let (x, y) = grid
            .xs()
            .iter()
            .zip(grid.ys())
            .map(|(&lon, &lat)| {
                let m = Mercator::from(LonLat::new(lon, lat));
                (m.x, m.y)
            })
            .unzip();
        MercatorAccounts {
            grid,
            x,
            y,
            max_potential,
        }
    }

    /// The account at grid position `p`.
    #[inline]
    fn at(&self, p: usize) -> Mercator {
        Mercator {
            x: self.x[p],
            y: self.y[p],
        }
    }
}

/// What a count of accounts per cell needs, owned so that it can run on another thread.
struct AggregateJob {
    grid: Arc<AccountGrid>,
    accounts: Arc<MercatorAccounts>,
    owners: Vec<u32>,
    zoom: f64,
    view: MercatorRect,
}

impl AggregateJob {
    /// Counts accounts per cell over three view widths and heights around the view. The two
    /// halves of the area are counted on two threads and merged.
    fn run(&self) -> Aggregate {
        let view = self.view;
        let cell = f64::from(BIN) / (WORLD_PIXELS * 2f64.powf(self.zoom));
        let (w, h) = (view.width(), view.height());
        let area = MercatorRect {
            min: Mercator {
                x: ((view.min.x - w).max(0.0) / cell).floor() * cell,
                y: ((view.min.y - h).max(0.0) / cell).floor() * cell,
            },
            max: Mercator {
                x: (view.max.x + w).min(1.0),
                y: (view.max.y + h).min(1.0),
            },
        };
        let origin = area.min;
        let cols = (area.width() / cell).ceil() as usize + 1;
        let rows = (area.height() / cell).ceil() as usize + 1;
        let bounds = LonLatBounds::from(area);
        let per_cell = 1.0 / cell;
        let (accounts, owners): (&MercatorAccounts, _) = (&self.accounts, &self.owners);
        let count = |lat_min: f64, lat_max: f64| {
            let mut cells = vec![(0u32, NO_TERRITORY); cols * rows];
            let half = LonLatBounds {
                min: LonLat::new(bounds.min.lon, lat_min),
                max: LonLat::new(bounds.max.lon, lat_max),
            };
            self.grid.for_each_in(half.into(), |p| {
                let m = accounts.at(p);
                let c = ((m.x - origin.x) * per_cell) as usize;
                let r = ((m.y - origin.y) * per_cell) as usize;
                if c < cols
                    && r < rows
                    && let Some(slot) = cells.get_mut(r * cols + c)
                {
                    *slot = (slot.0 + 1, owners[p]);
                }
            });
            cells
        };
        // The box query includes both edges: the upper half starts just above the split.
        let (lat0, lat1) = (bounds.min.lat, bounds.max.lat);
        let split = (lat0 + lat1) / 2.0;
        let (mut cells, upper) =
            rayon::join(|| count(lat0, split), || count(split.next_up(), lat1));
        for (slot, other) in cells.iter_mut().zip(upper) {
            if other.0 > 0 {
                *slot = (slot.0 + other.0, other.1);
            }
        }
        Aggregate {
            zoom: self.zoom,
            cell,
            origin,
            cols,
            rows,
            cells,
        }
    }
}

/// Draws the cells of an aggregate that fall in `view` as one mesh: one small square per
/// cell in the colour of its last account, more opaque where more accounts are.
fn paint_cells(
    painter: &egui::Painter,
    screen: &Screen,
    g: &Aggregate,
    view: MercatorRect,
    owner_colour: &dyn Fn(u32) -> Color32,
) {
    let c0 = (((view.min.x - g.origin.x) / g.cell).floor().max(0.0) as usize).min(g.cols);
    let c1 = (((view.max.x - g.origin.x) / g.cell).ceil() as usize + 1).min(g.cols);
    let r0 = (((view.min.y - g.origin.y) / g.cell).floor().max(0.0) as usize).min(g.rows);
    let r1 = (((view.max.y - g.origin.y) / g.cell).ceil() as usize + 1).min(g.rows);
    let side = (g.cell * screen.points_per_unit()) as f32 - 1.0;
    let mut mesh = Mesh::default();
    for r in r0..r1 {
        for c in c0..c1 {
            let (count, owner) = g.cells[r * g.cols + c];
            if count == 0 {
                continue;
            }
            let min = screen.mercator_to_screen(Mercator {
                x: g.origin.x + c as f64 * g.cell,
                y: g.origin.y + r as f64 * g.cell,
            });
            let alpha = (90.0 + 40.0 * (count as f32).ln()).min(255.0) as u8;
            let colour = owner_colour(owner);
            mesh.add_colored_rect(
                Rect::from_min_size(min, Vec2::splat(side)),
                Color32::from_rgba_unmultiplied(colour.r(), colour.g(), colour.b(), alpha),
            );
        }
    }
    painter.add(Shape::mesh(mesh));
}

impl MapView {
    /// The accounts of the plan shown, projected: at once for a small project, else on
    /// another thread, and `None` until that thread is done (it asks for a repaint).
    fn projected(
        &mut self,
        ctx: &egui::Context,
        doc: &ScenarioView<'_>,
    ) -> Option<Arc<MercatorAccounts>> {
        let grid = doc.assignment.shared_grid();
        if let Some(ready) = self.projecting.as_ref().and_then(|r| r.try_recv().ok()) {
            self.mercator_accounts = Some(ready);
            self.projecting = None;
        }
        if let Some(done) = &self.mercator_accounts
            && Arc::ptr_eq(&done.grid, &grid)
        {
            return Some(Arc::clone(done));
        }
        if self.projecting.is_some() {
            return None;
        }
        let max_potential = doc
            .project
            .accounts
            .potentials()
            .iter()
            .copied()
            .filter(|p| p.is_finite())
            .fold(0.0, f64::max);
        if grid.len() < PROJECT_IN_BACKGROUND_FROM {
            let done = Arc::new(MercatorAccounts::new(grid, max_potential));
            self.mercator_accounts = Some(Arc::clone(&done));
            return Some(done);
        }
        let (send, receive) = mpsc::channel();
        self.projecting = Some(receive);
        let ctx = ctx.clone();
        rayon::spawn(move || {
            let _ = send.send(Arc::new(MercatorAccounts::new(grid, max_potential)));
            ctx.request_repaint();
        });
        None
    }

    /// The accounts in view: single dots (noting the one under the pointer), or counts per
    /// cell above [`AGGREGATE_ABOVE`].
    pub(super) fn paint_accounts(
        &mut self,
        ui: &egui::Ui,
        painter: &egui::Painter,
        screen: &Screen,
        doc: &ScenarioView<'_>,
        zoom: f64,
    ) {
        let assignment = &doc.assignment;
        let grid = assignment.grid();
        let owners = assignment.owners_by_position();
        let territory_colours: Vec<Color32> = doc
            .scenario
            .map(|s| {
                s.territories
                    .iter()
                    .map(|t| colour(t.colour, 255))
                    .collect()
            })
            .unwrap_or_default();
        let owner_colour = |o: u32| territory_colours.get(o as usize).copied().unwrap_or(GAP);
        let view = screen.view();
        self.visible_accounts = grid.count_in(view.into());
        self.aggregated = self.visible_accounts > AGGREGATE_ABOVE;
        self.hovered_account = None;
        // A big project's accounts appear a few frames late rather than stall one frame.
        let Some(accounts) = self.projected(ui.ctx(), doc) else {
            return;
        };
        if self.aggregated {
            // Cells sized for zoom steps of a quarter: between steps a cell grows from 5 to
            // 6 points instead of being recounted every frame of a zoom.
            let zoom = (zoom * 4.0).floor() / 4.0;
            let view_mercator = screen.view_mercator();
            if let Some(ready) = self.recount.as_ref().and_then(|r| r.try_recv().ok()) {
                self.aggregate = Some(ready);
                self.recount = None;
            }
            let current = self.aggregate.as_ref();
            if current.is_none_or(|g| !g.serves(zoom, view_mercator)) || self.aggregate_stale {
                let job = AggregateJob {
                    grid: doc.assignment.shared_grid(),
                    accounts: Arc::clone(&accounts),
                    owners: owners.to_vec(),
                    zoom,
                    view: view_mercator,
                };
                self.aggregate_stale = false;
                if current.is_none() && grid.len() < PROJECT_IN_BACKGROUND_FROM {
                    // Nothing to show yet, and counting is quick: count now.
                    self.aggregate = Some(job.run());
                } else if self.recount.is_none() {
                    // Recount on another thread; the old cells, scaled to the new zoom, stand
                    // in for a frame or two. A recount costs milliseconds per million accounts,
                    // too much for every frame of a zoom or a drag.
                    let (send, receive) = mpsc::channel();
                    self.recount = Some(receive);
                    let ctx = ui.ctx().clone();
                    rayon::spawn(move || {
                        let _ = send.send(job.run());
                        ctx.request_repaint();
                    });
                } else {
                    // A recount is running; ask again when it is in.
                    self.aggregate_stale = true;
                }
            }
            if let Some(g) = &self.aggregate {
                paint_cells(painter, screen, g, view_mercator, &owner_colour);
            }
            return;
        }
        let accounts: &MercatorAccounts = &accounts;
        let pointer = ui
            .ctx()
            .pointer_hover_pos()
            .filter(|p| screen.rect.contains(*p));
        let mut nearest = (6.0f32, None);
        let mut dots = Dots::default();
        let potentials = doc.project.accounts.potentials();
        let size_by_potential = self.size_by_potential && accounts.max_potential > 0.0;
        grid.for_each_in(view.into(), |p| {
            let s = screen.mercator_to_screen(accounts.at(p));
            let row = grid.row(p);
            let scale = if size_by_potential {
                dot_scale(potentials.get(row).copied(), accounts.max_potential)
            } else {
                1.0
            };
            if assignment.is_gap(row) {
                dots.add(s, scale, GAP, Color32::WHITE);
            } else if assignment.is_overlap(row) {
                dots.add(s, scale, owner_colour(owners[p]), Color32::RED);
            } else if assignment.is_overridden(row) {
                dots.add(s, scale * KEY_SCALE, owner_colour(owners[p]), KEY_RING);
            } else {
                dots.add(s, scale, owner_colour(owners[p]), Color32::WHITE);
            }
            if let Some(ptr) = pointer {
                let d = ptr.distance(s);
                if d < nearest.0 {
                    nearest = (d, Some(row));
                }
            }
        });
        self.hovered_account = nearest.1;
        painter.add(Shape::mesh(dots.mesh));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_grow_with_potential_within_bounds() {
        let max = 2_000_000.0;
        let sizes: Vec<f32> = [0.0, 10_000.0, 500_000.0, 2_000_000.0]
            .into_iter()
            .map(|p| dot_scale(Some(p), max))
            .collect();
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
        assert!((sizes[0] - 0.4f32.sqrt()).abs() < 1e-6);
        assert!((sizes[3] - 2.0).abs() < 1e-6, "largest has 4x the area");
        // Bad data never makes a dot vanish or explode.
        for bad in [Some(f64::NAN), Some(-5.0), Some(9e9), None] {
            let s = dot_scale(bad, max);
            assert!((0.6..=2.0).contains(&s), "{bad:?} -> {s}");
        }
        assert_eq!(dot_scale(Some(1.0), 0.0), 0.4f32.sqrt());
    }
}
