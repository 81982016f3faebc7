//! Spatial grids: accounts by cell (for "which accounts are in this box") and territories
//! by cell (for "which territories might contain this point").
//!
//! Both are uniform grids. Accounts are spread like the
//! population, so a grid is not perfectly balanced, but it costs 4 bytes per account (an
//! R-tree of points costs several times that) and answers box queries by walking rows of
//! cells, which is what the incremental update needs.

use rayon::prelude::*;

use super::patched::PatchedArea;

/// A box in lon/lat: `(min_x, min_y, max_x, max_y)`.
pub type Bounds = (f64, f64, f64, f64);

/// The smallest box holding both.
pub fn union_bounds(a: Bounds, b: Bounds) -> Bounds {
    (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3))
}

/// Cell geometry shared by both grids.
#[derive(Debug, Clone, Copy)]
struct GridFrame {
    min_x: f64,
    min_y: f64,
    cols: usize,
    rows: usize,
    inv_w: f64,
    inv_h: f64,
}

impl GridFrame {
    fn new(bounds: Bounds, cells: usize) -> GridFrame {
        let (min_x, min_y, max_x, max_y) = bounds;
        let width = (max_x - min_x).max(1e-9);
        let height = (max_y - min_y).max(1e-9);
        let cols = (((cells as f64) * width / height).sqrt().round() as usize).clamp(1, 8192);
        let rows = (cells / cols).clamp(1, 8192);
        GridFrame {
            min_x,
            min_y,
            cols,
            rows,
            inv_w: cols as f64 / width,
            inv_h: rows as f64 / height,
        }
    }

    fn col(&self, x: f64) -> usize {
        (((x - self.min_x) * self.inv_w).max(0.0) as usize).min(self.cols - 1)
    }

    fn row(&self, y: f64) -> usize {
        (((y - self.min_y) * self.inv_h).max(0.0) as usize).min(self.rows - 1)
    }

    /// Cell of a point; points outside the frame are clamped to the nearest border cell.
    fn cell(&self, x: f64, y: f64) -> usize {
        self.row(y) * self.cols + self.col(x)
    }
}

/// Accounts filed by grid cell, for box queries, with their coordinates copied in cell order.
///
/// A *position* is an account's place in cell order. Scans of a box then read contiguous
/// memory, which is what keeps the incremental update fast at a million accounts; the live
/// plan keeps its per-account state in the same order. Accounts with non-finite coordinates
/// get the last positions, outside every cell: no box query finds them.
#[derive(Debug, Clone)]
pub struct AccountGrid {
    frame: GridFrame,
    /// Cell `c` holds positions `start[c]..start[c + 1]`.
    start: Vec<u32>,
    /// Account row at each position.
    rows: Vec<u32>,
    /// Position of each account row.
    positions: Vec<u32>,
    xs: Vec<f64>,
    ys: Vec<f64>,
}

impl AccountGrid {
    /// Files the points (one per account row) into a grid of about 8 accounts per cell.
    pub fn new(lons: &[f64], lats: &[f64]) -> AccountGrid {
        let n = lons.len();
        let finite = |i: usize| lons[i].is_finite() && lats[i].is_finite();
        let mut bounds = (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        );
        for i in (0..n).filter(|&i| finite(i)) {
            bounds = union_bounds(bounds, (lons[i], lats[i], lons[i], lats[i]));
        }
        if bounds.0 > bounds.2 {
            bounds = (0.0, 0.0, 1.0, 1.0);
        }
        let frame = GridFrame::new(bounds, (n / 8).clamp(1, 1 << 22));
        let cell_count = frame.cols * frame.rows;
        // Counting sort by cell; the non-finite go after the last cell.
        let cell_of = |i: usize| {
            if finite(i) {
                frame.cell(lons[i], lats[i])
            } else {
                cell_count
            }
        };
        let mut start = vec![0u32; cell_count + 2];
        for i in 0..n {
            start[cell_of(i) + 1] += 1;
        }
        for c in 0..=cell_count {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        let mut rows = vec![0u32; n];
        let mut positions = vec![0u32; n];
        for (i, position) in positions.iter_mut().enumerate() {
            let c = cell_of(i);
            rows[fill[c] as usize] = i as u32;
            *position = fill[c];
            fill[c] += 1;
        }
        start.truncate(cell_count + 1);
        let xs = rows.iter().map(|&i| lons[i as usize]).collect();
        let ys = rows.iter().map(|&i| lats[i as usize]).collect();
        AccountGrid {
            frame,
            start,
            rows,
            positions,
            xs,
            ys,
        }
    }

    /// Number of accounts filed.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no accounts are filed.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The account row at a position.
    #[inline]
    pub fn row(&self, position: usize) -> usize {
        self.rows[position] as usize
    }

    /// The position of an account row.
    #[inline]
    pub fn position(&self, row: usize) -> usize {
        self.positions[row] as usize
    }

    /// Longitudes in position order.
    pub fn xs(&self) -> &[f64] {
        &self.xs
    }

    /// Latitudes in position order.
    pub fn ys(&self) -> &[f64] {
        &self.ys
    }

    /// Calls `visit` with the position of every account whose point lies in the box (edges
    /// included), in position order.
    pub fn for_each_in(&self, bounds: Bounds, mut visit: impl FnMut(usize)) {
        let (min_x, min_y, max_x, max_y) = bounds;
        if !(min_x <= max_x && min_y <= max_y) {
            return;
        }
        let f = &self.frame;
        let (c0, c1) = (f.col(min_x), f.col(max_x));
        let (r0, r1) = (f.row(min_y), f.row(max_y));
        for row in r0..=r1 {
            let first = self.start[row * f.cols + c0] as usize;
            let last = self.start[row * f.cols + c1 + 1] as usize;
            for p in first..last {
                let (x, y) = (self.xs[p], self.ys[p]);
                if x >= min_x && x <= max_x && y >= min_y && y <= max_y {
                    visit(p);
                }
            }
        }
    }

    /// How many accounts lie in the box (edges included). Cells wholly inside the box are
    /// counted without looking at their points, so this costs the box's border, not its
    /// content.
    pub fn count_in(&self, bounds: Bounds) -> usize {
        let (min_x, min_y, max_x, max_y) = bounds;
        if !(min_x <= max_x && min_y <= max_y) {
            return 0;
        }
        let f = &self.frame;
        let (c0, c1) = (f.col(min_x), f.col(max_x));
        let (r0, r1) = (f.row(min_y), f.row(max_y));
        let inside = |p: usize| {
            let (x, y) = (self.xs[p], self.ys[p]);
            x >= min_x && x <= max_x && y >= min_y && y <= max_y
        };
        let mut count = 0;
        for row in r0..=r1 {
            let at = |col: usize| self.start[row * f.cols + col] as usize;
            if row == r0 || row == r1 || c1 - c0 < 2 {
                count += (at(c0)..at(c1 + 1)).filter(|&p| inside(p)).count();
            } else {
                // First and last cells of the row are tested; the ones between lie inside.
                count += (at(c0)..at(c0 + 1)).filter(|&p| inside(p)).count();
                count += at(c1) - at(c0 + 1);
                count += (at(c1)..at(c1 + 1)).filter(|&p| inside(p)).count();
            }
        }
        count
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        (self.start.len() + self.rows.len() + self.positions.len()) * 4
            + (self.xs.len() + self.ys.len()) * 8
    }
}

/// Flag on a [`TerritoryGrid`] entry: the territory contains the whole cell, so points in it
/// need no geometric test.
pub const WHOLE_CELL: u32 = 1 << 31;

/// Territories filed by the grid cells they touch: the candidates that might contain a point.
/// Each entry is a territory index, with [`WHOLE_CELL`] set when the territory covers the
/// whole cell. Entries are kept in ascending territory order, which is the tie-break order.
/// A territory can be re-filed alone after an edit.
#[derive(Debug, Clone)]
pub struct TerritoryGrid {
    frame: GridFrame,
    extent: Bounds,
    cells: Vec<Vec<u32>>,
    /// One word per cell, derived from `cells`, so that the common cases cost one read of a
    /// compact array: [`NO_TERRITORY_HERE`], [`SEE_LIST`], or the single entry of a cell
    /// that one territory covers whole.
    fast: Vec<u32>,
}

/// `fast` value of a cell that no territory touches.
const NO_TERRITORY_HERE: u32 = u32::MAX;
/// `fast` value of a cell whose candidates are in its list.
const SEE_LIST: u32 = u32::MAX - 1;

impl TerritoryGrid {
    /// Files every area. The grid spans all their bounding boxes.
    pub fn new(areas: &[&PatchedArea]) -> TerritoryGrid {
        let valid = |b: &Bounds| b.0 <= b.2 && b.1 <= b.3;
        let extent = areas
            .iter()
            .map(|a| a.bounds())
            .filter(valid)
            .fold(None, |acc: Option<Bounds>, b| {
                Some(acc.map_or(b, |a| union_bounds(a, b)))
            })
            .unwrap_or((0.0, 0.0, 1.0, 1.0));
        // About a thousand cells per territory: most cells then lie wholly inside one.
        let frame = GridFrame::new(extent, (areas.len() * 1024).clamp(64, 1 << 21));
        let cell_count = frame.cols * frame.rows;
        let mut grid = TerritoryGrid {
            frame,
            extent,
            cells: vec![Vec::new(); cell_count],
            fast: vec![NO_TERRITORY_HERE; cell_count],
        };
        // Classify in parallel; file in territory order, so each cell's list comes out sorted.
        let filed: Vec<Vec<(usize, u32)>> = areas
            .par_iter()
            .enumerate()
            .map(|(t, area)| grid.entries(t as u32, area))
            .collect();
        for (c, entry) in filed.into_iter().flatten() {
            grid.cells[c].push(entry);
        }
        for c in 0..cell_count {
            grid.refresh(c);
        }
        grid
    }

    /// Whether an area fits inside the grid's extent (else the grid must be rebuilt).
    pub fn covers(&self, area: &PatchedArea) -> bool {
        let b = area.bounds();
        !(b.0 <= b.2 && b.1 <= b.3)
            || (b.0 >= self.extent.0
                && b.1 >= self.extent.1
                && b.2 <= self.extent.2
                && b.3 <= self.extent.3)
    }

    /// The cell span of a box, if it is not empty.
    fn span(&self, b: Bounds) -> Option<(usize, usize, usize, usize)> {
        (b.0 <= b.2 && b.1 <= b.3).then(|| {
            (
                self.frame.col(b.0),
                self.frame.row(b.1),
                self.frame.col(b.2),
                self.frame.row(b.3),
            )
        })
    }

    /// The cells territory `t` touches, with its entry for each.
    fn entries(&self, t: u32, area: &PatchedArea) -> Vec<(usize, u32)> {
        self.entries_in(t, area, area.bounds())
    }

    /// The cells meeting box `b` that territory `t` touches, with its entry for each.
    fn entries_in(&self, t: u32, area: &PatchedArea, b: Bounds) -> Vec<(usize, u32)> {
        let Some((c0, r0, c1, r1)) = self.span(b) else {
            return Vec::new();
        };
        let f = self.frame;
        // Widen each cell by a hair so that rounding in `cell()` never puts a point in a cell
        // whose classification did not look at it.
        let (slack_x, slack_y) = (1e-6 / f.inv_w, 1e-6 / f.inv_h);
        let mut entries = Vec::new();
        for row in r0..=r1 {
            for col in c0..=c1 {
                let x0 = f.min_x + col as f64 / f.inv_w - slack_x;
                let y0 = f.min_y + row as f64 / f.inv_h - slack_y;
                let x1 = f.min_x + (col + 1) as f64 / f.inv_w + slack_x;
                let y1 = f.min_y + (row + 1) as f64 / f.inv_h + slack_y;
                match area.classify_box(x0, y0, x1, y1) {
                    Some(false) => {}
                    Some(true) => entries.push((row * f.cols + col, t | WHOLE_CELL)),
                    None => entries.push((row * f.cols + col, t)),
                }
            }
        }
        entries
    }

    /// Files territory `t` in every cell it touches. The area must fit the extent.
    pub fn insert(&mut self, t: u32, area: &PatchedArea) {
        let entries = self.entries(t, area);
        self.file(t, entries);
    }

    /// Files territory `t`'s entries, each in its cell's list in territory order.
    fn file(&mut self, t: u32, entries: Vec<(usize, u32)>) {
        for (c, entry) in entries {
            let at = self.cells[c].partition_point(|&e| (e & !WHOLE_CELL) < t);
            self.cells[c].insert(at, entry);
            self.refresh(c);
        }
    }

    /// Re-files territory `t` in the cells meeting `window`, the only place its area
    /// changed: elsewhere its entries still hold. The area must fit the extent.
    pub fn refile_within(&mut self, t: u32, area: &PatchedArea, window: Bounds) {
        let Some((c0, r0, c1, r1)) = self.span(window) else {
            return;
        };
        self.remove(t, window);
        // The same cells again, named by their centres so that rounding cannot shift them.
        let f = self.frame;
        let centres = (
            f.min_x + (c0 as f64 + 0.5) / f.inv_w,
            f.min_y + (r0 as f64 + 0.5) / f.inv_h,
            f.min_x + (c1 as f64 + 0.5) / f.inv_w,
            f.min_y + (r1 as f64 + 0.5) / f.inv_h,
        );
        let entries = self.entries_in(t, area, centres);
        self.file(t, entries);
    }

    /// Recomputes the fast word of cell `c` from its list.
    fn refresh(&mut self, c: usize) {
        self.fast[c] = match self.cells[c].as_slice() {
            [] => NO_TERRITORY_HERE,
            [only] if only & WHOLE_CELL != 0 => *only,
            _ => SEE_LIST,
        };
    }

    /// Removes territory `t`, which was filed with bounding box `bounds`.
    pub fn remove(&mut self, t: u32, bounds: Bounds) {
        let Some((c0, r0, c1, r1)) = self.span(bounds) else {
            return;
        };
        for row in r0..=r1 {
            for col in c0..=c1 {
                let c = row * self.frame.cols + col;
                self.cells[c].retain(|&e| e & !WHOLE_CELL != t);
                self.refresh(c);
            }
        }
    }

    /// Territories (in ascending order, flagged with [`WHOLE_CELL`] where certain) that may
    /// contain the point. Points outside the grid have none.
    #[inline]
    pub fn candidates(&self, x: f64, y: f64) -> &[u32] {
        let e = &self.extent;
        if !(x >= e.0 && x <= e.2 && y >= e.1 && y <= e.3) {
            return &[];
        }
        let c = self.frame.cell(x, y);
        match self.fast[c] {
            NO_TERRITORY_HERE => &[],
            SEE_LIST => &self.cells[c],
            _ => std::slice::from_ref(&self.fast[c]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    #[test]
    fn box_query_finds_exactly_the_points_inside() {
        let mut rng = SplitMix64::new(3);
        let n = 20_000;
        let lons: Vec<f64> = (0..n).map(|_| rng.range_f64(3.0, 7.0)).collect();
        let mut lats: Vec<f64> = (0..n).map(|_| rng.range_f64(50.0, 54.0)).collect();
        lats[17] = f64::NAN;
        let grid = AccountGrid::new(&lons, &lats);
        assert_eq!(grid.position(grid.row(123)), 123);
        assert!(
            !grid.xs()[grid.position(17)].is_nan(),
            "a row with a NaN latitude keeps its own longitude"
        );
        for _ in 0..50 {
            let (x0, y0) = (rng.range_f64(2.5, 7.5), rng.range_f64(49.5, 54.5));
            let b = (
                x0,
                y0,
                x0 + rng.range_f64(0.0, 2.0),
                y0 + rng.range_f64(0.0, 2.0),
            );
            let mut found = Vec::new();
            grid.for_each_in(b, |p| found.push(grid.row(p)));
            found.sort_unstable();
            let expected: Vec<usize> = (0..n)
                .filter(|&i| lons[i] >= b.0 && lons[i] <= b.2 && lats[i] >= b.1 && lats[i] <= b.3)
                .collect();
            assert_eq!(found, expected);
            assert_eq!(grid.count_in(b), expected.len(), "count in {b:?}");
        }
        // A box beyond the frame on every side counts every point with coordinates.
        assert_eq!(grid.count_in((-180.0, -90.0, 180.0, 90.0)), n - 1);
    }

    #[test]
    fn territory_candidates_are_exact_where_certain() {
        use geo::{MultiPolygon, polygon};
        let square = |x0: f64, y0: f64, x1: f64, y1: f64| {
            PatchedArea::new(&MultiPolygon(vec![
                polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)],
            ]))
        };
        let (a, b, empty) = (
            square(0.0, 0.0, 1.0, 1.0),
            square(0.5, 0.5, 2.0, 2.0),
            PatchedArea::new(&MultiPolygon(vec![])),
        );
        let mut grid = TerritoryGrid::new(&[&a, &b, &empty]);
        let ids = |grid: &TerritoryGrid, x, y| {
            grid.candidates(x, y)
                .iter()
                .map(|e| e & !WHOLE_CELL)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&grid, 0.75, 0.75), [0, 1], "both, in tie-break order");
        assert_eq!(
            grid.candidates(0.4, 0.3),
            &[WHOLE_CELL],
            "deep inside a: certain"
        );
        assert_eq!(ids(&grid, 1.9, 1.9), [1]);
        assert!(
            grid.candidates(1.9, 0.1).is_empty(),
            "inside the extent, in no territory"
        );
        assert!(grid.candidates(3.0, 3.0).is_empty() && grid.candidates(f64::NAN, 0.5).is_empty());
        grid.remove(0, a.bounds());
        assert_eq!(ids(&grid, 0.75, 0.75), [1]);
        grid.insert(0, &a);
        assert_eq!(ids(&grid, 0.75, 0.75), [0, 1], "re-filed in order");
    }
}
