//! The two local searches over a [`Partition`]: the design's sweeps, which move any border
//! unit that lowers the cost (balance first, then compactness), and the rebalance's, which
//! moves as little as it can: the border unit that removes the most excess over the
//! tolerance per potential and accounts it takes from their rep, one at a time.

use super::partition::Partition;
use crate::rng::SplitMix64;

/// The most sweeps a design makes; it usually settles in a few dozen.
const MAX_SWEEPS: usize = 400;

/// The most units a rebalance moves (a safeguard; it stops when the tolerance is met).
const MAX_MOVES: usize = 100_000;

/// What a search did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SearchStats {
    /// Sweeps (design) or rounds of choosing a move (rebalance).
    pub iterations: usize,
    /// Units moved.
    pub moves: usize,
    /// Whether the caller asked it to stop.
    pub cancelled: bool,
}

/// Sweeps over the units in an order drawn from `rng`, moving each border unit to the
/// neighbouring territory that lowers the cost most, until a sweep moves nothing.
/// `progress(sweep, worst deviation)` is told after every sweep; it returns false to stop.
pub fn design_sweeps(
    p: &mut Partition,
    rng: &mut SplitMix64,
    progress: &mut dyn FnMut(usize, f64) -> bool,
) -> SearchStats {
    let n = p.assignment().len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut stats = SearchStats::default();
    for sweep in 1..=MAX_SWEEPS {
        shuffle(&mut order, rng);
        let mut moved = 0;
        for &u in &order {
            if !p.movable(u) {
                continue;
            }
            let mut best: Option<(f64, usize)> = None;
            for to in p.targets(u) {
                let delta = p.design_delta(u, to);
                if delta < -1e-12 && best.is_none_or(|(b, _)| delta < b) {
                    best = Some((delta, to));
                }
            }
            let Some((_, to)) = best else {
                continue;
            };
            if p.can_leave(u) {
                p.move_unit(u, to);
                moved += 1;
            } else {
                // A corridor unit: move it with what it would cut off, if that pays.
                let from = p.assignment()[u] as usize;
                let limit = (p.territory_size(from) / 4).max(8);
                if let Some(group) = p.cut_off(u, limit) {
                    moved += move_group_if_better(p, &group, from, to);
                }
            }
        }
        p.refresh();
        stats.iterations = sweep;
        stats.moves += moved;
        if !progress(sweep, p.worst_deviation()) {
            stats.cancelled = true;
            break;
        }
        if moved == 0 {
            break;
        }
    }
    stats
}

/// Moves `group` (units of `from`) to `to` if that lowers the two territories' cost, and
/// says how many units moved.
fn move_group_if_better(p: &mut Partition, group: &[usize], from: usize, to: usize) -> usize {
    let before = p.territory_cost(from) + p.territory_cost(to);
    for &u in group {
        p.move_unit(u, to);
    }
    if p.territory_cost(from) + p.territory_cost(to) < before - 1e-12 {
        group.len()
    } else {
        for &u in group.iter().rev() {
            p.move_unit(u, from);
        }
        0
    }
}

/// Moves border units until no territory is further than `tolerance` from the mean on a
/// balanced metric, choosing each time the move that removes the most excess per
/// disruption: `share[u]` is what moving unit `u` away from its territory in `origin`
/// costs (its share of potential and accounts); moving it back costs nothing. Travel bases
/// that follow the centroids are refreshed every few moves.
pub fn rebalance_moves(
    p: &mut Partition,
    origin: &[u32],
    share: &[f64],
    tolerance: f64,
    progress: &mut dyn FnMut(usize, f64) -> bool,
) -> SearchStats {
    let n = p.assignment().len();
    let mut stats = SearchStats::default();
    while p.total_excess(tolerance) > 0.0 && stats.moves < MAX_MOVES {
        stats.iterations += 1;
        // A move between two territories within the tolerance cannot remove excess.
        let over: Vec<bool> = (0..p.territories())
            .map(|t| p.excess_of(t, tolerance) > 0.0)
            .collect();
        let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
        for u in 0..n {
            if !p.movable(u) {
                continue;
            }
            let from = p.assignment()[u];
            for to in p.targets(u) {
                if !over[from as usize] && !over[to] {
                    continue;
                }
                let gain = p.excess_gain(u, to, tolerance);
                if gain <= 1e-15 {
                    continue;
                }
                let cost = if origin[u] == to as u32 {
                    0.0
                } else if origin[u] == from {
                    share[u]
                } else {
                    0.0
                };
                candidates.push((gain / (cost + 1e-9), u, to));
            }
        }
        // Best first; ties by unit and territory, so that the result never depends on
        // anything but the input.
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let Some(&(_, u, to)) = candidates.iter().find(|&&(_, u, _)| p.can_leave(u)) else {
            break;
        };
        p.move_unit(u, to);
        stats.moves += 1;
        if stats.moves.is_multiple_of(25) {
            p.refresh();
        }
        if !progress(stats.iterations, p.worst_deviation()) {
            stats.cancelled = true;
            break;
        }
    }
    p.refresh();
    stats
}

/// Fisher-Yates with `rng`: the same seed, the same order, on any machine.
fn shuffle(order: &mut [usize], rng: &mut SplitMix64) {
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
}
