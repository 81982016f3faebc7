//! Units without accounts joined to a neighbour with accounts, for the rebalance: moving an
//! empty unit changes no number, so a search that moves one unit at a time stalls behind a
//! band of empty units along a border (in a project of a thousand accounts on four thousand
//! postcodes, most border units are empty). Each empty unit joins the nearest unit with
//! accounts of its own territory (fewest borders away, through empty units only), and the
//! groups form a graph of their own; a connected set of groups is a connected set of units,
//! since each group is connected.

use super::graph::UnitGraph;
use super::grow::FREE;
use super::loads::UnitLoads;
use super::{SLOTS, Slot};

/// Groups of units and the graph and loads of the groups.
#[derive(Debug, Clone)]
pub struct Contracted {
    /// The group of each unit.
    pub group_of: Vec<u32>,
    /// The groups as a graph (node `g` is group `g`).
    pub graph: UnitGraph,
    /// What each group's accounts add up to.
    pub loads: UnitLoads,
}

/// Groups the units of `graph`: every unit with accounts (or `fixed`, or of no territory in
/// `start`) leads a group, and every other unit joins the group of a unit with accounts
/// reached first through units of its own territory in `start`. A fixed unit's group is
/// itself alone.
pub fn contract(graph: &UnitGraph, loads: &UnitLoads, start: &[u32], fixed: &[u32]) -> Contracted {
    let n = graph.len();
    let loaded = |u: usize| loads.sums[u][Slot::Accounts as usize] > 0.0;
    let mut group_of = vec![FREE; n];
    let mut leaders = Vec::new();
    let mut queue = std::collections::VecDeque::new();
    for u in 0..n {
        if loaded(u) || fixed[u] != FREE {
            group_of[u] = leaders.len() as u32;
            leaders.push(u);
            queue.push_back(u);
        }
    }
    while let Some(u) = queue.pop_front() {
        // A unit that stays (locked) keeps to itself: empty units joining it would stay too.
        if fixed[u] != FREE {
            continue;
        }
        for &(v, _) in &graph.next[u] {
            let v = v as usize;
            if group_of[v] == FREE && fixed[v] == FREE && start[v] == start[u] {
                group_of[v] = group_of[u];
                queue.push_back(v);
            }
        }
    }
    // Empty units no leader reached (a part of a territory without accounts) each lead
    // their own group.
    for (u, group) in group_of.iter_mut().enumerate() {
        if *group == FREE {
            *group = leaders.len() as u32;
            leaders.push(u);
        }
    }
    let groups = leaders.len();
    let mut next: Vec<std::collections::BTreeMap<u32, f64>> = vec![Default::default(); groups];
    let mut g = UnitGraph {
        next: Vec::new(),
        perimeter_km: vec![0.0; groups],
        area_km2: vec![0.0; groups],
        planar: vec![0.0; groups],
        centroid: vec![(0.0, 0.0); groups],
    };
    let mut l = UnitLoads {
        sums: vec![[0.0; SLOTS]; groups],
        visits: vec![0.0; groups],
        visit_centre: vec![(0.0, 0.0); groups],
        minutes_per_km: loads.minutes_per_km,
        outside: loads.outside,
    };
    let mut moment = vec![(0.0, 0.0); groups];
    for u in 0..n {
        let a = group_of[u] as usize;
        g.perimeter_km[a] += graph.perimeter_km[u];
        g.area_km2[a] += graph.area_km2[u];
        g.planar[a] += graph.planar[u];
        moment[a].0 += graph.planar[u] * graph.centroid[u].0;
        moment[a].1 += graph.planar[u] * graph.centroid[u].1;
        for (s, x) in l.sums[a].iter_mut().zip(&loads.sums[u]) {
            *s += x;
        }
        let v = loads.visits[u];
        l.visits[a] += v;
        l.visit_centre[a].0 += v * loads.visit_centre[u].0;
        l.visit_centre[a].1 += v * loads.visit_centre[u].1;
        for &(w, km) in &graph.next[u] {
            let b = group_of[w as usize];
            if b as usize == a {
                // Inside the group: not part of its outline (counted from both sides).
                g.perimeter_km[a] -= km;
            } else {
                *next[a].entry(b).or_default() += km;
            }
        }
    }
    for a in 0..groups {
        let leader = graph.centroid[leaders[a]];
        g.centroid[a] = if g.planar[a] > 0.0 {
            (moment[a].0 / g.planar[a], moment[a].1 / g.planar[a])
        } else {
            leader
        };
        l.visit_centre[a] = if l.visits[a] > 0.0 {
            (
                l.visit_centre[a].0 / l.visits[a],
                l.visit_centre[a].1 / l.visits[a],
            )
        } else {
            g.centroid[a]
        };
    }
    g.next = next.into_iter().map(|m| m.into_iter().collect()).collect();
    Contracted {
        group_of,
        graph: g,
        loads: l,
    }
}
