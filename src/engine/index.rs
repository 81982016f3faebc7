//! Spatial grids: accounts by cell (for "which accounts are in this box") and territories
//! by cell (for "which territories might contain this point").
//!
//! Both are uniform grids stored as compressed cell lists. Accounts are spread like the
//! population, so a grid is not perfectly balanced, but it costs 4 bytes per account (an
//! R-tree of points costs several times that) and answers box queries by walking rows of
//! cells, which is what the incremental update needs.

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

/// Accounts filed by grid cell, for box queries. Built once per account table.
#[derive(Debug, Clone)]
pub struct AccountGrid {
    frame: GridFrame,
    /// Cell `c` holds `items[start[c]..start[c + 1]]`.
    start: Vec<u32>,
    /// Account rows, cell by cell.
    items: Vec<u32>,
}

impl AccountGrid {
    /// Files the points (one per account row) into a grid of about 8 accounts per cell.
    /// Points with non-finite coordinates are left out: they can be in no territory.
    pub fn new(lons: &[f64], lats: &[f64]) -> AccountGrid {
        let finite = |i: usize| lons[i].is_finite() && lats[i].is_finite();
        let mut bounds = (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        );
        for i in (0..lons.len()).filter(|&i| finite(i)) {
            bounds = union_bounds(bounds, (lons[i], lats[i], lons[i], lats[i]));
        }
        if bounds.0 > bounds.2 {
            bounds = (0.0, 0.0, 1.0, 1.0);
        }
        let frame = GridFrame::new(bounds, (lons.len() / 8).clamp(1, 1 << 22));
        let cell_count = frame.cols * frame.rows;
        // Counting sort by cell.
        let mut start = vec![0u32; cell_count + 1];
        for i in (0..lons.len()).filter(|&i| finite(i)) {
            start[frame.cell(lons[i], lats[i]) + 1] += 1;
        }
        for c in 0..cell_count {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[cell_count] as usize];
        for i in (0..lons.len()).filter(|&i| finite(i)) {
            let c = frame.cell(lons[i], lats[i]);
            items[fill[c] as usize] = i as u32;
            fill[c] += 1;
        }
        AccountGrid {
            frame,
            start,
            items,
        }
    }

    /// Calls `visit` with every account row whose point lies in the box (edges included).
    pub fn for_each_in(
        &self,
        bounds: Bounds,
        lons: &[f64],
        lats: &[f64],
        mut visit: impl FnMut(usize),
    ) {
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
            for &i in &self.items[first..last] {
                let i = i as usize;
                let (x, y) = (lons[i], lats[i]);
                if x >= min_x && x <= max_x && y >= min_y && y <= max_y {
                    visit(i);
                }
            }
        }
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        (self.start.len() + self.items.len()) * 4
    }
}

/// Territories filed by the grid cells their bounding boxes cover: the candidates that
/// might contain a point.
#[derive(Debug, Clone)]
pub struct TerritoryGrid {
    frame: GridFrame,
    start: Vec<u32>,
    items: Vec<u32>,
}

impl TerritoryGrid {
    /// Builds the grid from each territory's bounding box (empty boxes are skipped).
    pub fn new(bounds: &[Bounds]) -> TerritoryGrid {
        let valid = |b: &Bounds| b.0 <= b.2 && b.1 <= b.3;
        let all = bounds
            .iter()
            .filter(|b| valid(b))
            .fold(None, |acc: Option<Bounds>, b| {
                Some(acc.map_or(*b, |a| union_bounds(a, *b)))
            })
            .unwrap_or((0.0, 0.0, 1.0, 1.0));
        // Cells a few times smaller than a territory keep candidate lists short.
        let frame = GridFrame::new(all, (bounds.len() * 256).clamp(64, 1 << 20));
        let cell_count = frame.cols * frame.rows;
        let spans: Vec<Option<(usize, usize, usize, usize)>> = bounds
            .iter()
            .map(|b| {
                valid(b).then(|| {
                    (
                        frame.col(b.0),
                        frame.row(b.1),
                        frame.col(b.2),
                        frame.row(b.3),
                    )
                })
            })
            .collect();
        let mut start = vec![0u32; cell_count + 1];
        for &(c0, r0, c1, r1) in spans.iter().flatten() {
            for row in r0..=r1 {
                for col in c0..=c1 {
                    start[row * frame.cols + col + 1] += 1;
                }
            }
        }
        for c in 0..cell_count {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[cell_count] as usize];
        // Territories enter each cell in ascending order, so candidates come out sorted and
        // the first one that admits a point is the tie-break winner.
        for (t, span) in spans.iter().enumerate() {
            if let Some((c0, r0, c1, r1)) = *span {
                for row in r0..=r1 {
                    for col in c0..=c1 {
                        let c = row * frame.cols + col;
                        items[fill[c] as usize] = t as u32;
                        fill[c] += 1;
                    }
                }
            }
        }
        TerritoryGrid {
            frame,
            start,
            items,
        }
    }

    /// Territories (in ascending order) whose bounding box may contain the point.
    #[inline]
    pub fn candidates(&self, x: f64, y: f64) -> &[u32] {
        let c = self.frame.cell(x, y);
        &self.items[self.start[c] as usize..self.start[c + 1] as usize]
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
        for _ in 0..50 {
            let (x0, y0) = (rng.range_f64(2.5, 7.5), rng.range_f64(49.5, 54.5));
            let b = (
                x0,
                y0,
                x0 + rng.range_f64(0.0, 2.0),
                y0 + rng.range_f64(0.0, 2.0),
            );
            let mut found = Vec::new();
            grid.for_each_in(b, &lons, &lats, |i| found.push(i));
            found.sort_unstable();
            let expected: Vec<usize> = (0..n)
                .filter(|&i| lons[i] >= b.0 && lons[i] <= b.2 && lats[i] >= b.1 && lats[i] <= b.3)
                .collect();
            assert_eq!(found, expected);
        }
    }

    #[test]
    fn territory_candidates_cover_every_box_containing_the_point() {
        let boxes = vec![
            (0.0, 0.0, 1.0, 1.0),
            (0.5, 0.5, 2.0, 2.0),
            (5.0, 5.0, 4.0, 4.0),
        ];
        let grid = TerritoryGrid::new(&boxes);
        assert_eq!(grid.candidates(0.75, 0.75), &[0, 1]);
        assert!(grid.candidates(0.1, 0.1).contains(&0));
        assert!(grid.candidates(1.9, 1.9).contains(&1));
        assert!(
            !grid.candidates(1.9, 1.9).contains(&2),
            "empty boxes are skipped"
        );
    }
}
