//! The optimal assignment of reps to territories (the Hungarian algorithm with potentials,
//! O(n³)): the pairing that minimizes the total cost, where a rep's cost for a territory is
//! the travel from their home to its accounts, less a share for matching expertise.

/// The pairing of rows to columns of `cost` (rows: reps, columns: territories; every row as
/// long) with the least total cost: for each row, its column, or `None` when there are more
/// rows than columns and the row is left out. Ties go to the lower row and column, so the
/// result depends on the costs only.
pub fn min_cost_assignment(cost: &[Vec<f64>]) -> Vec<Option<usize>> {
    let rows = cost.len();
    let cols = cost.first().map_or(0, Vec::len);
    let n = rows.max(cols);
    if n == 0 {
        return vec![None; rows];
    }
    // Padded to square with zero-cost dummies; non-finite costs made prohibitive.
    let big = cost
        .iter()
        .flatten()
        .filter(|c| c.is_finite())
        .fold(0.0f64, |m, c| m.max(c.abs()))
        * (n as f64 + 1.0)
        + 1.0;
    let at = |i: usize, j: usize| -> f64 {
        match cost.get(i).and_then(|r| r.get(j)) {
            Some(c) if c.is_finite() => *c,
            Some(_) => big,
            None => 0.0,
        }
    };
    // e-maxx formulation, 1-based: u, v potentials; p[j] the row matched to column j.
    let (mut u, mut v) = (vec![0.0; n + 1], vec![0.0; n + 1]);
    let (mut p, mut way) = (vec![0usize; n + 1], vec![0usize; n + 1]);
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![f64::INFINITY; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0;
            for j in 1..=n {
                if !used[j] {
                    let cur = at(i0 - 1, j - 1) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut out = vec![None; rows];
    for (j, &i) in p.iter().enumerate().skip(1) {
        if i >= 1 && i <= rows && j <= cols {
            out[i - 1] = Some(j - 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pairing's total, by trying them all (small cases only).
    fn brute_force(cost: &[Vec<f64>]) -> f64 {
        fn go(cost: &[Vec<f64>], row: usize, used: &mut Vec<bool>) -> f64 {
            if row == cost.len() {
                return 0.0;
            }
            let mut best = f64::INFINITY;
            for j in 0..used.len() {
                if !used[j] {
                    used[j] = true;
                    best = best.min(cost[row][j] + go(cost, row + 1, used));
                    used[j] = false;
                }
            }
            best
        }
        go(cost, 0, &mut vec![false; cost[0].len()])
    }

    #[test]
    fn the_assignment_costs_what_the_best_of_all_pairings_costs() {
        let mut rng = crate::rng::SplitMix64::new(7);
        for size in 1..=6 {
            for extra in 0..=2 {
                let cost: Vec<Vec<f64>> = (0..size)
                    .map(|_| {
                        (0..size + extra)
                            .map(|_| rng.range_f64(0.0, 100.0))
                            .collect()
                    })
                    .collect();
                let pairs = min_cost_assignment(&cost);
                let total: f64 = pairs
                    .iter()
                    .enumerate()
                    .map(|(i, j)| cost[i][j.expect("every row is paired")])
                    .sum();
                let mut cols: Vec<usize> = pairs.iter().flatten().copied().collect();
                cols.sort_unstable();
                cols.dedup();
                assert_eq!(cols.len(), size, "a column is used twice: {pairs:?}");
                assert!(
                    (total - brute_force(&cost)).abs() < 1e-9,
                    "{cost:?} -> {pairs:?}"
                );
            }
        }
    }

    #[test]
    fn more_reps_than_territories_leaves_the_costliest_out() {
        let cost = vec![vec![5.0], vec![1.0], vec![9.0]];
        assert_eq!(min_cost_assignment(&cost), vec![None, Some(0), None]);
    }
}
