//! A first plan to improve on: seeds spread over the load (or at the reps' homes), and
//! territories grown from them unit by unit, the lightest territory taking its nearest free
//! neighbour next, so that every territory is connected and about as heavy as the others.
//! Re-seeding at each territory's centre of load and growing again evens them out further.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::graph::UnitGraph;
use crate::rng::SplitMix64;

/// A unit no territory holds yet.
pub const FREE: u32 = u32::MAX;

/// Growth rounds: each re-seeds at the territories' centres of load and grows again.
const ROUNDS: usize = 4;

/// `k` seed units spread over the units by `weight`: the first drawn by weight, each next
/// one by weight times the squared distance to the nearest seed so far (k-means++), among
/// units `free` allows. Reproducible by `rng`.
pub fn spread_seeds(
    graph: &UnitGraph,
    weight: &[f64],
    free: &[bool],
    k: usize,
    rng: &mut SplitMix64,
) -> Vec<u32> {
    let n = graph.len();
    let mut nearest = vec![f64::INFINITY; n];
    let mut seeds: Vec<u32> = Vec::with_capacity(k);
    while seeds.len() < k {
        let chance: Vec<f64> = (0..n)
            .map(|u| {
                if !free[u] || seeds.contains(&(u as u32)) {
                    0.0
                } else if seeds.is_empty() {
                    weight[u]
                } else {
                    weight[u] * nearest[u] * nearest[u]
                }
            })
            .collect();
        let total: f64 = chance.iter().sum();
        let pick = if total > 0.0 {
            let mut x = rng.next_f64() * total;
            let mut pick = None;
            for (u, c) in chance.iter().enumerate() {
                if *c > 0.0 {
                    pick = Some(u);
                    x -= c;
                    if x <= 0.0 {
                        break;
                    }
                }
            }
            pick
        } else {
            // No weight left (fewer loaded units than territories): any free unit.
            (0..n).find(|&u| free[u] && !seeds.contains(&(u as u32)))
        };
        let Some(pick) = pick else {
            break;
        };
        seeds.push(pick as u32);
        for (u, d) in nearest.iter_mut().enumerate() {
            *d = d.min(graph.distance_km(u as u32, pick as u32));
        }
    }
    seeds
}

/// What growth balances: per unit, a fixed load, and a load per km of distance from the
/// territory's seed (the travel to the unit's visits).
#[derive(Debug, Clone, PartialEq)]
pub struct GrowthLoad {
    /// Per unit: its share of the balanced totals.
    pub fixed: Vec<f64>,
    /// Per unit: what each km between it and the seed adds.
    pub per_km: Vec<f64>,
}

impl GrowthLoad {
    /// Unit `u`'s load in a territory seeded at unit `seed`.
    fn of(&self, graph: &UnitGraph, u: u32, seed: u32) -> f64 {
        let travel = self.per_km[u as usize];
        self.fixed[u as usize]
            + if travel > 0.0 {
                travel * graph.distance_km(u, seed)
            } else {
                0.0
            }
    }
}

/// Grows one territory from each seed over the units `of` leaves [`FREE`]: the lightest
/// territory (by `load`) that still has a free neighbour takes the one nearest its seed.
/// Units no seed reaches (cut off by locked territories) go to the territory of the
/// nearest grown unit. Territory `i` is `territories[i]`.
pub fn grow(
    graph: &UnitGraph,
    weight: &GrowthLoad,
    seeds: &[u32],
    territories: &[u32],
    of: &mut [u32],
) {
    let k = seeds.len();
    let mut load = vec![0.0; k];
    let mut frontier: Vec<BinaryHeap<Reverse<(u64, u32)>>> = vec![BinaryHeap::new(); k];
    // Distances are non-negative, so their bits order as the numbers do.
    let key = |seed: u32, u: u32| graph.distance_km(seed, u).to_bits();
    for (i, &s) in seeds.iter().enumerate() {
        if of[s as usize] == FREE {
            frontier[i].push(Reverse((0, s)));
        }
    }
    loop {
        // The lightest territory with a free unit on its frontier.
        let mut pick = None;
        for i in 0..k {
            while let Some(Reverse((_, u))) = frontier[i].peek() {
                if of[*u as usize] == FREE {
                    break;
                }
                frontier[i].pop();
            }
            if !frontier[i].is_empty() && pick.is_none_or(|p: usize| load[i] < load[p]) {
                pick = Some(i);
            }
        }
        let Some(i) = pick else {
            break;
        };
        let Some(Reverse((_, u))) = frontier[i].pop() else {
            break;
        };
        of[u as usize] = territories[i];
        load[i] += weight.of(graph, u, seeds[i]);
        for &(v, _) in &graph.next[u as usize] {
            if of[v as usize] == FREE {
                frontier[i].push(Reverse((key(seeds[i], v), v)));
            }
        }
    }
    let grown: Vec<u32> = (0..of.len() as u32)
        .filter(|&u| of[u as usize] != FREE && territories.contains(&of[u as usize]))
        .collect();
    for u in 0..of.len() {
        if of[u] == FREE
            && let Some(&near) = grown.iter().min_by(|&&a, &&b| {
                graph
                    .distance_km(u as u32, a)
                    .total_cmp(&graph.distance_km(u as u32, b))
            })
        {
            of[u] = of[near as usize];
        }
    }
}

/// Grows territories from `seeds` several times, each time re-seeding at the unit nearest
/// each territory's centre of load; `fixed` holds the units that stay where they are
/// ([`FREE`] elsewhere). Territory `i` is `territories[i]`.
pub fn grow_rounds(
    graph: &UnitGraph,
    weight: &GrowthLoad,
    mut seeds: Vec<u32>,
    territories: &[u32],
    fixed: &[u32],
    reseed: bool,
) -> Vec<u32> {
    let mut of = fixed.to_vec();
    grow(graph, weight, &seeds, territories, &mut of);
    if !reseed {
        return of;
    }
    for _ in 1..ROUNDS {
        for (i, seed) in seeds.iter_mut().enumerate() {
            if let Some(centre) = centre_unit(graph, &weight.fixed, &of, territories[i]) {
                *seed = centre;
            }
        }
        of = fixed.to_vec();
        grow(graph, weight, &seeds, territories, &mut of);
    }
    of
}

/// The unit of territory `t` nearest its centre of load (of area, when it has no load).
fn centre_unit(graph: &UnitGraph, weight: &[f64], of: &[u32], t: u32) -> Option<u32> {
    let members: Vec<usize> = (0..of.len()).filter(|&u| of[u] == t).collect();
    let by_load: f64 = members.iter().map(|&u| weight[u]).sum();
    let w = |u: usize| {
        if by_load > 0.0 {
            weight[u]
        } else {
            graph.planar[u]
        }
    };
    let total: f64 = members.iter().map(|&u| w(u)).sum();
    if total <= 0.0 {
        return members.first().map(|&u| u as u32);
    }
    let cx = members
        .iter()
        .map(|&u| w(u) * graph.centroid[u].0)
        .sum::<f64>()
        / total;
    let cy = members
        .iter()
        .map(|&u| w(u) * graph.centroid[u].1)
        .sum::<f64>()
        / total;
    members
        .iter()
        .min_by(|&&a, &&b| {
            let d = |u: usize| {
                let c = graph.centroid[u];
                crate::engine::haversine_km(c.0, c.1, cx, cy)
            };
            d(a).total_cmp(&d(b))
        })
        .map(|&u| u as u32)
}
