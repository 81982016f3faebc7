//! Threshold accepting over a [`Partition`], for when the design's sweeps settle outside the
//! tolerance: border moves that make the cost worse by less than a shrinking threshold are
//! accepted too, so that the search can leave a plan no single move improves. Balancing
//! workload (with its travel) and accounts at once is such a case: a territory around a
//! dense city has too little travel for its accounts and must reach out into the
//! countryside, while a sparse one gives up land; that takes a chain of moves that each
//! look worse on their own.
//!
//! Unlike simulated annealing it draws no random number to accept a move and uses no
//! `exp`, so the same seed gives the same plan on any machine. The threshold search weighs
//! balance only; the sweeps that follow round the shapes again. The best plan seen is kept.

use super::partition::Partition;
use super::search::SearchStats;
use crate::rng::SplitMix64;

/// The most rounds of one move proposal per unit; the threshold falls linearly to zero
/// over them. Fewer rounds leave more plans outside the tolerance (on PC4 with K = 12, 240
/// rounds were not enough for every seed).
const ROUNDS: usize = 800;

/// The first threshold is this quantile of the cost rises of sampled moves: about this share
/// of the moves that make things worse is accepted at first.
const START_QUANTILE: f64 = 0.8;

/// How many units the connectivity check of a move may visit before the move is skipped:
/// in ragged territories a full check can walk the whole territory, for every move tried.
const SEARCH_BUDGET: usize = 128;

/// Runs the threshold search on `p` until a round ends with every territory within
/// `tolerance`, and leaves `p` there; if no round does, at the best plan seen by the
/// design's total cost without compactness, measured after the travel bases are refreshed.
/// `progress(round, worst deviation)` returns false to stop; the stats count rounds as
/// iterations.
pub fn threshold_accepting(
    p: &mut Partition,
    rng: &mut SplitMix64,
    tolerance: f64,
    progress: &mut dyn FnMut(usize, f64) -> bool,
) -> SearchStats {
    let n = p.assignment().len();
    let mut stats = SearchStats::default();
    if n == 0 || p.territories() < 2 {
        return stats;
    }
    let compactness = p.compactness();
    p.set_compactness(0.0);
    let start = start_threshold(p, rng);
    let mut best_cost = p.total_cost();
    let mut best = p.assignment().to_vec();
    for round in 0..ROUNDS {
        let threshold = start * (1.0 - round as f64 / ROUNDS as f64);
        for _ in 0..n {
            let u = rng.below(n as u64) as usize;
            if !p.movable(u) {
                continue;
            }
            let Some(to) = p.neighbour_territory(u, rng) else {
                continue;
            };
            if p.design_delta(u, to) < threshold && p.can_leave_within(u, SEARCH_BUDGET) {
                p.move_unit(u, to);
                stats.moves += 1;
            }
        }
        p.refresh();
        stats.iterations = round + 1;
        let cost = p.total_cost();
        if cost < best_cost {
            best_cost = cost;
            best.copy_from_slice(p.assignment());
        }
        if !progress(round + 1, p.worst_deviation()) {
            stats.cancelled = true;
            break;
        }
        if p.total_excess(tolerance) == 0.0 {
            // Within the tolerance: the sweeps take it from here.
            p.set_compactness(compactness);
            return stats;
        }
    }
    p.set_compactness(compactness);
    p.reset(best);
    stats
}

/// The first threshold: the [`START_QUANTILE`] of the cost rises of up to 2,000 sampled
/// border moves (0 if none rises).
fn start_threshold(p: &Partition, rng: &mut SplitMix64) -> f64 {
    let n = p.assignment().len();
    let mut rises = Vec::new();
    for _ in 0..20 * n.min(2_000) {
        if rises.len() >= 2_000 {
            break;
        }
        let u = rng.below(n as u64) as usize;
        if !p.movable(u) {
            continue;
        }
        let Some(to) = p.neighbour_territory(u, rng) else {
            continue;
        };
        let delta = p.design_delta(u, to);
        if delta > 0.0 {
            rises.push(delta);
        }
    }
    if rises.is_empty() {
        return 0.0;
    }
    rises.sort_by(f64::total_cmp);
    rises[((rises.len() - 1) as f64 * START_QUANTILE) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::graph::UnitGraph;
    use crate::design::grow::FREE;
    use crate::design::loads::UnitLoads;
    use crate::design::{Goal, Problem, SLOTS, Slot, search};
    use crate::engine::balance::BalanceMetric;

    /// A `side` x `side` grid of 1 km squares with a dense town in one corner and a sparse
    /// countryside: with workload (travel included) and accounts balanced at once, the town's
    /// territory must reach out, which single moves do not find.
    fn town_and_country(side: usize) -> (UnitGraph, UnitLoads) {
        let n = side * side;
        let at = |u: usize| {
            (
                4.0 + (u % side) as f64 * 0.0147,
                52.0 + (u / side) as f64 * 0.009,
            )
        };
        let mut next = vec![Vec::new(); n];
        for u in 0..n {
            let (x, y) = (u % side, u / side);
            if x + 1 < side {
                next[u].push((u as u32 + 1, 1.0));
                next[u + 1].push((u as u32, 1.0));
            }
            if y + 1 < side {
                next[u].push(((u + side) as u32, 1.0));
                next[u + side].push((u as u32, 1.0));
            }
        }
        for list in &mut next {
            list.sort_by_key(|&(v, _)| v);
        }
        let graph = UnitGraph {
            next,
            perimeter_km: vec![4.0; n],
            area_km2: vec![1.0; n],
            planar: vec![1.0; n],
            centroid: (0..n).map(at).collect(),
        };
        let mut sums = vec![[0.0; SLOTS]; n];
        let mut visits = vec![0.0; n];
        for u in 0..n {
            let (x, y) = (u % side, u / side);
            let accounts = if x < side / 4 && y < side / 4 {
                200.0
            } else {
                1.0
            };
            sums[u][Slot::Accounts as usize] = accounts;
            sums[u][Slot::Workload as usize] = accounts * 4.0 * 60.0;
            visits[u] = accounts * 4.0;
        }
        let loads = UnitLoads {
            sums,
            visits,
            visit_centre: (0..n).map(at).collect(),
            minutes_per_km: 2.0,
            outside: 0,
        };
        (graph, loads)
    }

    fn problem<'a>(graph: &'a UnitGraph, loads: &'a UnitLoads, k: usize) -> Problem<'a> {
        let balance = [
            (BalanceMetric::Accounts, 1.0),
            (BalanceMetric::Workload, 1.0),
        ];
        Problem {
            graph,
            loads,
            goal: Goal::new(&balance, None, 0.02, 1.0).expect("a valid goal"),
            homes: vec![None; k],
            fixed: vec![FREE; graph.len()],
            locked: vec![false; k],
            keys: Vec::new(),
        }
    }

    /// Whether every territory of `of` is one connected, non-empty set of units.
    fn connected(graph: &UnitGraph, of: &[u32], k: usize) -> bool {
        (0..k as u32).all(|t| {
            let mine: Vec<usize> = (0..of.len()).filter(|&u| of[u] == t).collect();
            let Some(&first) = mine.first() else {
                return false;
            };
            let mut seen = vec![false; of.len()];
            seen[first] = true;
            let mut stack = vec![first];
            let mut reached = 1;
            while let Some(u) = stack.pop() {
                for &(v, _) in &graph.next[u] {
                    let v = v as usize;
                    if of[v] == t && !std::mem::replace(&mut seen[v], true) {
                        reached += 1;
                        stack.push(v);
                    }
                }
            }
            reached == mine.len()
        })
    }

    /// The sweeps' settled plan of the grid in vertical strips, and its cost without
    /// compactness.
    fn settled<'a>(problem: &Problem<'a>, rng: &mut SplitMix64) -> (Partition<'a>, f64) {
        let side = (problem.graph.len() as f64).sqrt() as usize;
        let k = problem.homes.len();
        let strips = (0..problem.graph.len())
            .map(|u| ((u % side) * k / side) as u32)
            .collect();
        let mut p = Partition::new(problem, strips);
        search::design_sweeps(&mut p, rng, &mut |_, _| true);
        p.set_compactness(0.0);
        let cost = p.total_cost();
        p.set_compactness(problem.goal.compactness);
        (p, cost)
    }

    #[test]
    fn it_lowers_the_cost_the_sweeps_settled_at_and_keeps_territories_connected() {
        let (graph, loads) = town_and_country(24);
        let problem = problem(&graph, &loads, 4);
        let mut rng = SplitMix64::new(7);
        let (mut p, before) = settled(&problem, &mut rng);
        let worst_before = p.worst_deviation();
        assert!(
            p.total_excess(0.02) > 0.0,
            "the sweeps alone meet 2 %: {worst_before}"
        );
        let stats = threshold_accepting(&mut p, &mut rng, 0.02, &mut |_, _| true);
        p.set_compactness(0.0);
        let after = p.total_cost();
        assert!(stats.moves > 0 && stats.iterations > 0);
        assert!(after < before, "cost {before} -> {after}");
        assert!(
            p.worst_deviation() < worst_before,
            "worst deviation {worst_before} -> {}",
            p.worst_deviation()
        );
        assert!(connected(&graph, p.assignment(), 4));
    }

    #[test]
    fn the_same_seed_gives_the_same_plan() {
        let (graph, loads) = town_and_country(16);
        let problem = problem(&graph, &loads, 3);
        let run = || {
            let mut rng = SplitMix64::new(3);
            let (mut p, _) = settled(&problem, &mut rng);
            threshold_accepting(&mut p, &mut rng, 0.02, &mut |_, _| true);
            p.into_assignment()
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn it_stops_when_asked_and_keeps_the_best_plan_seen() {
        let (graph, loads) = town_and_country(16);
        let problem = problem(&graph, &loads, 3);
        let mut rng = SplitMix64::new(5);
        let (mut p, before) = settled(&problem, &mut rng);
        let stats = threshold_accepting(&mut p, &mut rng, 0.02, &mut |round, _| round < 3);
        assert!(stats.cancelled);
        assert_eq!(stats.iterations, 3);
        p.set_compactness(0.0);
        assert!(p.total_cost() <= before);
    }
}
