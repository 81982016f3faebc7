//! Point-in-territory tests.
//!
//! # The border tie-break
//!
//! A point exactly on a border shared by two territories must belong to exactly one of them.
//! We use the crossing-number test with half-open rules, computed on each edge in a canonical
//! direction (from its lower to its upper end), so that two territories sharing an edge compute
//! bit-identical crossings. The result: a point on a shared north-south border belongs to the
//! territory **east** of it, a point on a shared east-west border to the territory **north** of
//! it, and a shared vertex to exactly one of the territories meeting there. Territories that
//! tile an area therefore assign every point in it exactly once.
//!
//! # Speed
//!
//! [`PreparedArea`] lays a raster over the territory's bounding box. Cells that no edge
//! touches are known to be wholly inside or outside, so most points are answered by one
//! lookup. Points in cells an edge crosses are tested only against the edges of their thin
//! horizontal slab: slabs are much finer than raster rows, so that a border running east-west
//! with hundreds of small segments still puts only a few of them in any one slab.

use geo::{BoundingRect, MultiPolygon};

use super::index::Bounds;

/// One non-horizontal edge, stored from its lower to its upper end.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Edge {
    x0: f64,
    y0: f64,
    y1: f64,
    /// dx/dy, computed from the canonical endpoints so that both owners of a shared edge
    /// get the same value.
    slope: f64,
}

impl Edge {
    fn new(a: (f64, f64), b: (f64, f64)) -> Option<Edge> {
        if a.1 == b.1 {
            return None; // horizontal edges never cross a horizontal ray
        }
        let (lo, hi) = if a.1 < b.1 { (a, b) } else { (b, a) };
        Some(Edge {
            x0: lo.0,
            y0: lo.1,
            y1: hi.1,
            slope: (hi.0 - lo.0) / (hi.1 - lo.1),
        })
    }

    /// Whether a ray from (x, y) towards +x crosses this edge (half-open in y).
    #[inline]
    fn crossed_by_ray_from(&self, x: f64, y: f64) -> bool {
        self.y0 <= y && y < self.y1 && x < self.x0 + (y - self.y0) * self.slope
    }
}

/// All ring edges (outer rings and holes) of a multipolygon, as `(start, end)` pairs.
fn ring_segments(geometry: &MultiPolygon<f64>) -> impl Iterator<Item = ((f64, f64), (f64, f64))> {
    geometry.0.iter().flat_map(|polygon| {
        std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .flat_map(|ring| {
                ring.lines()
                    .map(|line| ((line.start.x, line.start.y), (line.end.x, line.end.y)))
            })
    })
}

/// A ring edge as `(start, end)`, each `(x, y)`.
type Segment = ((f64, f64), (f64, f64));

/// The crossing-number test over every edge, without preparation: the reference that the
/// prepared test must equal, and the right tool for a single point.
pub fn contains_point(geometry: &MultiPolygon<f64>, x: f64, y: f64) -> bool {
    let mut inside = false;
    for (a, b) in ring_segments(geometry) {
        if let Some(edge) = Edge::new(a, b)
            && edge.crossed_by_ray_from(x, y)
        {
            inside = !inside;
        }
    }
    inside
}

const OUTSIDE: u8 = 0;
const INSIDE: u8 = 1;
const BORDER: u8 = 2;

/// A territory's geometry prepared for fast, exact point-in-territory tests.
#[derive(Debug, Clone)]
pub struct PreparedArea {
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
    cols: usize,
    rows: usize,
    /// Cells per degree.
    inv_w: f64,
    inv_h: f64,
    /// `rows * cols` cells: OUTSIDE, INSIDE or BORDER.
    cells: Vec<u8>,
    /// Slabs per degree of latitude.
    inv_slab_h: f64,
    slabs: usize,
    /// Edges spanning each slab, as a compressed list: slab s owns
    /// `slab_edges[slab_start[s]..slab_start[s + 1]]`.
    slab_start: Vec<u32>,
    slab_edges: Vec<Edge>,
}

impl PreparedArea {
    /// Prepares a geometry. Empty geometries contain nothing.
    pub fn new(geometry: &MultiPolygon<f64>) -> PreparedArea {
        let Some(rect) = geometry.bounding_rect() else {
            return PreparedArea::empty();
        };
        let window = (rect.min().x, rect.min().y, rect.max().x, rect.max().y);
        PreparedArea::prepare(&ring_segments(geometry).collect::<Vec<_>>(), window)
    }

    /// Prepares a geometry for points inside `window` only: within it, [`Self::contains`]
    /// equals [`contains_point`]; outside it, it says false. Only the edges level with the
    /// window are read, so a small window on a large territory is prepared in a fraction
    /// of the time the whole takes (a paint step changes one unit's worth of border).
    pub fn within(geometry: &MultiPolygon<f64>, window: Bounds) -> PreparedArea {
        let (_, min_y, _, max_y) = window;
        if !(window.0 <= window.2 && min_y <= max_y) {
            return PreparedArea::empty();
        }
        // Edges beside the window still count: a ray from a point inside crosses them.
        let level: Vec<Segment> = ring_segments(geometry)
            .filter(|(a, b)| a.1.max(b.1) >= min_y && a.1.min(b.1) <= max_y)
            .collect();
        PreparedArea::prepare(&level, window)
    }

    /// Prepares the raster and slabs over `window` from the segments level with it.
    fn prepare(segments: &[Segment], window: Bounds) -> PreparedArea {
        let (min_x, min_y, max_x, max_y) = window;
        let width = (max_x - min_x).max(1e-12);
        let height = (max_y - min_y).max(1e-12);
        // About 16 cells per edge keeps border cells a small share of all cells.
        let target_cells = (segments.len() * 16).clamp(64, 1 << 17) as f64;
        let cols = ((target_cells * width / height).sqrt().round() as usize).clamp(1, 4096);
        // Each edge is filed in every row and slab its latitudes touch. Tall edges (a shape
        // of thin slivers spanning its whole height) would make that rows x edges: gigabytes.
        // So at most about 8 filings per edge: fewer, taller rows and slabs for such shapes,
        // the usual counts for ordinary ones (a circle spans each latitude twice).
        let spread: f64 = segments
            .iter()
            .map(|(a, b)| (a.1.max(b.1).min(max_y) - a.1.min(b.1).max(min_y)).max(0.0))
            .sum::<f64>()
            / height;
        let bands = |wanted: usize, most: usize| {
            let affordable = (8.0 * segments.len() as f64 / spread.max(1e-9)).max(1.0);
            wanted.clamp(1, most).min(affordable as usize).max(1)
        };
        let rows = bands((target_cells / cols as f64).round() as usize, 4096);
        let slabs = bands(segments.len() * 2, 1 << 16);
        let mut area = PreparedArea {
            min_x,
            min_y,
            max_x,
            max_y,
            cols,
            rows,
            inv_w: cols as f64 / width,
            inv_h: rows as f64 / height,
            cells: vec![OUTSIDE; cols * rows],
            // About two slabs per edge keeps a few edges in each, as far as `bands` allows.
            slabs,
            inv_slab_h: slabs as f64 / height,
            slab_start: Vec::new(),
            slab_edges: Vec::new(),
        };
        area.rasterize(segments);
        area
    }

    /// The bounds of an empty area: min above max, so that every box test fails.
    pub fn empty_bounds() -> Bounds {
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        )
    }

    fn empty() -> PreparedArea {
        let (min_x, min_y, max_x, max_y) = PreparedArea::empty_bounds();
        PreparedArea {
            min_x,
            min_y,
            max_x,
            max_y,
            cols: 0,
            rows: 0,
            inv_w: 0.0,
            inv_h: 0.0,
            cells: Vec::new(),
            slabs: 0,
            inv_slab_h: 0.0,
            slab_start: vec![0],
            slab_edges: Vec::new(),
        }
    }

    /// Rows (inclusive) that a y-range touches, widened a little so that rounding at cell
    /// borders never misses an edge.
    fn row_span(&self, y_lo: f64, y_hi: f64) -> (usize, usize) {
        const SLACK: f64 = 1e-6; // in cells
        let lo = ((y_lo - self.min_y) * self.inv_h - SLACK).floor().max(0.0) as usize;
        let hi = ((y_hi - self.min_y) * self.inv_h + SLACK).floor().max(0.0) as usize;
        (lo.min(self.rows - 1), hi.min(self.rows - 1))
    }

    fn col_span(&self, x_lo: f64, x_hi: f64) -> (usize, usize) {
        const SLACK: f64 = 1e-6;
        let lo = ((x_lo - self.min_x) * self.inv_w - SLACK).floor().max(0.0) as usize;
        let hi = ((x_hi - self.min_x) * self.inv_w + SLACK).floor().max(0.0) as usize;
        (lo.min(self.cols - 1), hi.min(self.cols - 1))
    }

    fn row_y(&self, row: usize) -> f64 {
        self.min_y + row as f64 / self.inv_h
    }

    fn rasterize(&mut self, segments: &[Segment]) {
        // Each segment's edge, made once (the steps below read them several times). Rows
        // file edges by index: a territory of tens of thousands of edges is rebuilt at every
        // paint step, and copying whole edges into every row they touch cost more than the
        // rest of the work.
        let edge_of: Vec<Option<Edge>> = segments.iter().map(|&(a, b)| Edge::new(a, b)).collect();
        // 1. Mark every cell an edge touches as BORDER, and file non-horizontal edges by row.
        let mut per_row: Vec<Vec<u32>> = vec![Vec::new(); self.rows];
        for (k, &(a, b)) in segments.iter().enumerate() {
            let (y_lo, y_hi) = (a.1.min(b.1), a.1.max(b.1));
            let (r0, r1) = self.row_span(y_lo, y_hi);
            let edge = edge_of[k];
            for (row, row_edges) in per_row.iter_mut().enumerate().take(r1 + 1).skip(r0) {
                // The part of the edge inside this row's band.
                let band_lo = self.row_y(row).max(y_lo);
                let band_hi = self.row_y(row + 1).min(y_hi);
                let (x_a, x_b) = match edge {
                    Some(e) => (
                        e.x0 + (band_lo.max(e.y0) - e.y0) * e.slope,
                        e.x0 + (band_hi.min(e.y1) - e.y0) * e.slope,
                    ),
                    None => (a.0, b.0),
                };
                // An edge wholly beside a window crosses none of its cells.
                if x_a.max(x_b) >= self.min_x && x_a.min(x_b) <= self.max_x {
                    let (c0, c1) = self.col_span(x_a.min(x_b), x_a.max(x_b));
                    let start = row * self.cols;
                    self.cells[start + c0..=start + c1].fill(BORDER);
                }
                if edge.is_some() {
                    row_edges.push(k as u32);
                }
            }
        }
        // 2. Classify the untouched cells of each row by the crossing test at the row's
        //    centre line: between two crossings the inside/outside state cannot change.
        let mut crossings = Vec::new();
        for (row, row_edges) in per_row.iter().enumerate() {
            let y = self.min_y + (row as f64 + 0.5) / self.inv_h;
            crossings.clear();
            crossings.extend(
                row_edges
                    .iter()
                    .filter_map(|&k| edge_of[k as usize])
                    .filter(|e| e.y0 <= y && y < e.y1)
                    .map(|e| e.x0 + (y - e.y0) * e.slope),
            );
            crossings.sort_by(f64::total_cmp);
            let mut next = 0;
            for col in 0..self.cols {
                let x = self.min_x + (col as f64 + 0.5) / self.inv_w;
                // Crossings at or left of x are behind the ray; count those strictly right.
                while next < crossings.len() && crossings[next] <= x {
                    next += 1;
                }
                let cell = &mut self.cells[row * self.cols + col];
                if *cell != BORDER && (crossings.len() - next) % 2 == 1 {
                    *cell = INSIDE;
                }
            }
        }
        // 3. File every non-horizontal edge in the slabs its y-range touches (widened a
        //    little, like the rows, so rounding never misses one).
        let edges: Vec<Edge> = edge_of.into_iter().flatten().collect();
        let slab_of = |y: f64, slack: f64| {
            (((y - self.min_y) * self.inv_slab_h + slack)
                .floor()
                .max(0.0) as usize)
                .min(self.slabs - 1)
        };
        let mut count = vec![0u32; self.slabs + 1];
        for e in &edges {
            for slab in slab_of(e.y0, -1e-6)..=slab_of(e.y1, 1e-6) {
                count[slab + 1] += 1;
            }
        }
        for s in 0..self.slabs {
            count[s + 1] += count[s];
        }
        let mut fill = count.clone();
        // Every slot is filled below (the counts and the fills walk the same slabs); the
        // placeholder only saves an Option per slot.
        let placeholder = Edge {
            x0: 0.0,
            y0: 0.0,
            y1: 0.0,
            slope: 0.0,
        };
        let mut slab_edges = vec![placeholder; count[self.slabs] as usize];
        for e in &edges {
            for next in &mut fill[slab_of(e.y0, -1e-6)..=slab_of(e.y1, 1e-6)] {
                slab_edges[*next as usize] = *e;
                *next += 1;
            }
        }
        self.slab_edges = slab_edges;
        self.slab_start = count;
    }

    /// The exact crossing test against the edges of the point's slab.
    #[inline]
    fn crossing_test(&self, x: f64, y: f64) -> bool {
        let slab = (((y - self.min_y) * self.inv_slab_h) as usize).min(self.slabs - 1);
        let edges =
            &self.slab_edges[self.slab_start[slab] as usize..self.slab_start[slab + 1] as usize];
        let mut inside = false;
        for e in edges {
            inside ^= e.crossed_by_ray_from(x, y);
        }
        inside
    }

    /// How a box relates to the area, judged from the raster: `Some(true)` when every point of
    /// the box is inside, `Some(false)` when every point is outside, `None` when it may hold
    /// both (or the raster cannot tell).
    pub fn classify_box(&self, min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> Option<bool> {
        if self.cells.is_empty()
            || max_x < self.min_x
            || min_x > self.max_x
            || max_y < self.min_y
            || min_y > self.max_y
        {
            return Some(false);
        }
        let within = min_x >= self.min_x
            && max_x <= self.max_x
            && min_y >= self.min_y
            && max_y <= self.max_y;
        let (c0, c1) = self.col_span(min_x, max_x);
        let (r0, r1) = self.row_span(min_y, max_y);
        let (mut any_inside, mut any_other) = (false, false);
        for row in r0..=r1 {
            for &cell in &self.cells[row * self.cols + c0..=row * self.cols + c1] {
                match cell {
                    INSIDE => any_inside = true,
                    OUTSIDE => any_other = true,
                    _ => return None,
                }
            }
        }
        match (any_inside, any_other) {
            (true, false) if within => Some(true),
            (false, _) => Some(false),
            _ => None,
        }
    }

    /// The bounding box as `(min_x, min_y, max_x, max_y)`; empty areas have min > max.
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        (self.min_x, self.min_y, self.max_x, self.max_y)
    }

    /// Whether the territory contains the point, with the border tie-break described in the
    /// module documentation. Equals [`contains_point`] for every point.
    #[inline]
    pub fn contains(&self, x: f64, y: f64) -> bool {
        // NaN coordinates fail these comparisons and land here, outside.
        if !(x >= self.min_x && x <= self.max_x && y >= self.min_y && y <= self.max_y) {
            return false;
        }
        let col = (((x - self.min_x) * self.inv_w) as usize).min(self.cols - 1);
        let row = (((y - self.min_y) * self.inv_h) as usize).min(self.rows - 1);
        match self.cells[row * self.cols + col] {
            INSIDE => true,
            OUTSIDE => false,
            _ => self.crossing_test(x, y),
        }
    }

    /// Bytes held, for memory budgets.
    pub fn heap_bytes(&self) -> usize {
        self.cells.len() + self.slab_start.len() * 4 + self.slab_edges.len() * size_of::<Edge>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;
    use geo::{Contains, Coord, LineString, Point, Polygon, polygon};

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)]
    }

    fn star_with_hole() -> MultiPolygon<f64> {
        let mut rng = SplitMix64::new(9);
        let n = 300;
        let outer: Vec<Coord<f64>> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                let r = 1.0 + 0.5 * (7.0 * t).sin() + 0.1 * rng.next_f64();
                Coord {
                    x: 5.0 + r * t.cos(),
                    y: 52.0 + r * t.sin(),
                }
            })
            .collect();
        let hole = square(4.9, 51.9, 5.1, 52.1).exterior().clone();
        MultiPolygon(vec![
            Polygon::new(LineString(outer), vec![hole]),
            square(8.0, 50.0, 8.5, 50.5),
        ])
    }

    #[test]
    fn tall_slivers_are_prepared_in_little_memory_and_test_right() {
        // 5,000 thin triangles each spanning the whole height, as a repaired self-crossing
        // zigzag gives: filed in every row and slab, they took 23 GB.
        let n = 5_000;
        let w = 1.0 / n as f64;
        let slivers = MultiPolygon(
            (0..n)
                .map(|k| {
                    let x = 4.5 + k as f64 * w;
                    geo::Polygon::new(
                        geo::LineString::from(vec![
                            (x, 51.5),
                            (x + w * 0.8, 51.5),
                            (x + w * 0.4, 52.5),
                            (x, 51.5),
                        ]),
                        vec![],
                    )
                })
                .collect(),
        );
        let prepared = PreparedArea::new(&slivers);
        let edges = 3 * n;
        assert!(
            prepared.heap_bytes() < edges * 16 * size_of::<Edge>(),
            "{} bytes",
            prepared.heap_bytes()
        );
        let mut rng = SplitMix64::new(2);
        let mut inside = 0;
        for _ in 0..2_000 {
            let (x, y) = (rng.range_f64(4.4, 5.6), rng.range_f64(51.4, 52.6));
            let fast = prepared.contains(x, y);
            assert_eq!(fast, contains_point(&slivers, x, y), "({x}, {y})");
            inside += fast as usize;
        }
        assert!(inside > 200, "{inside}");
    }

    #[test]
    fn prepared_equals_reference_and_geo_on_random_points() {
        let geometry = star_with_hole();
        let prepared = PreparedArea::new(&geometry);
        let mut rng = SplitMix64::new(1);
        let mut inside = 0;
        for _ in 0..100_000 {
            let x = rng.range_f64(3.0, 9.0);
            let y = rng.range_f64(49.5, 54.0);
            let fast = prepared.contains(x, y);
            assert_eq!(fast, contains_point(&geometry, x, y), "({x}, {y})");
            // Random points are never exactly on an edge, so geo's test must agree too.
            assert_eq!(fast, geometry.contains(&Point::new(x, y)), "({x}, {y})");
            inside += fast as usize;
        }
        assert!(
            inside > 10_000,
            "the test must exercise the inside: {inside}"
        );
    }

    #[test]
    fn points_on_a_shared_border_belong_to_exactly_one_territory() {
        // Two squares sharing the edge x = 5 (written in opposite directions), and a third
        // below sharing y = 52: every vertex and edge point lands in exactly one.
        let west = MultiPolygon(vec![square(4.0, 52.0, 5.0, 53.0)]);
        let east = MultiPolygon(vec![square(5.0, 52.0, 6.0, 53.0)]);
        let south = MultiPolygon(vec![square(4.0, 51.0, 6.0, 52.0)]);
        let areas: Vec<_> = [&west, &east, &south].map(PreparedArea::new).into();
        let probes = [
            (5.0, 52.5), // north-south border: east wins
            (4.5, 52.0), // east-west border: north wins
            (5.0, 52.0), // the vertex where all three meet
            (5.5, 52.0),
            (5.0, 52.25),
        ];
        for (x, y) in probes {
            let owners: Vec<usize> = (0..3).filter(|&i| areas[i].contains(x, y)).collect();
            assert_eq!(owners.len(), 1, "({x}, {y}) owned by {owners:?}");
        }
        assert!(areas[1].contains(5.0, 52.5), "east of a north-south border");
        assert!(areas[0].contains(4.5, 52.0), "north of an east-west border");
    }

    #[test]
    fn slanted_shared_edges_split_points_exactly_once() {
        // Two triangles sharing a slanted diagonal; probe points computed on the diagonal.
        let a = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 3.0, y: 1.7), (x: 0.0, y: 1.7)],
        ]);
        let b = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 1.7)],
        ]);
        let (pa, pb) = (PreparedArea::new(&a), PreparedArea::new(&b));
        for i in 0..=1000 {
            let t = i as f64 / 1000.0;
            let (x, y) = (3.0 * t, 1.7 * t);
            let n = pa.contains(x, y) as u8 + pb.contains(x, y) as u8;
            // The far corner (3, 1.7) is on the outer boundary's upper end: outside both.
            if i < 1000 {
                assert_eq!(n, 1, "({x}, {y})");
            }
        }
    }

    #[test]
    fn empty_and_nan_contain_nothing() {
        let empty = PreparedArea::new(&MultiPolygon(vec![]));
        assert!(!empty.contains(0.0, 0.0));
        let area = PreparedArea::new(&MultiPolygon(vec![square(0.0, 0.0, 1.0, 1.0)]));
        assert!(area.contains(0.5, 0.5));
        assert!(!area.contains(f64::NAN, 0.5));
    }
}
