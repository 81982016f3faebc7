//! A partition of the units into territories, with every territory's sums, area, perimeter
//! and travel base kept up to date as units move, so that a move is judged in a few
//! additions. The two searches (design and rebalance) move units through it.

use super::graph::UnitGraph;
use super::grow::FREE;
use super::loads::UnitLoads;
use super::{Goal, Problem, SLOTS, Slot};

/// Costs above the tolerance weigh this much more than deviations inside it: the search
/// meets the tolerance first and uses what is left to even out and to round the shapes.
const PENALTY: f64 = 1000.0;

/// Compactness weight 1 is this weight on the inverse Polsby-Popper score: one unit's
/// worth of roundness weighs about as much as one unit's worth of balance at 2 %.
const COMPACTNESS_SCALE: f64 = 1e-3;

/// A key account: it stays with its territory whatever units move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyAccount {
    /// The territory (position) it stays with.
    pub territory: u32,
    /// What it adds to each slot (workload: its visit minutes).
    pub add: [f64; SLOTS],
    /// Its visits a year.
    pub visits: f64,
    /// Where it is (lon, lat).
    pub at: (f64, f64),
}

/// Units given to territories, with each territory's running sums.
#[derive(Debug, Clone)]
pub struct Partition<'a> {
    graph: &'a UnitGraph,
    loads: &'a UnitLoads,
    goal: Goal,
    /// The territory (position) of each unit.
    of: Vec<u32>,
    locked_unit: Vec<bool>,
    locked_territory: Vec<bool>,
    /// A territory's fixed travel base (its rep's home), or `None` for its centroid.
    homes: Vec<Option<(f64, f64)>>,
    keys: Vec<KeyAccount>,
    base: Vec<(f64, f64)>,
    sums: Vec<[f64; SLOTS]>,
    area: Vec<f64>,
    perimeter: Vec<f64>,
    planar: Vec<f64>,
    moment: Vec<(f64, f64)>,
    count: Vec<usize>,
    mean: [f64; SLOTS],
    scratch: std::cell::RefCell<Scratch>,
}

/// What [`Partition::can_leave`] reuses from one call to the next: a stamp per unit (the
/// units reached carry the current generation) and the queue.
#[derive(Debug, Clone, Default)]
struct Scratch {
    stamp: Vec<u32>,
    generation: u32,
    queue: Vec<u32>,
}

impl<'a> Partition<'a> {
    /// A partition of the problem's units by `of` (a territory position per unit). Fixed
    /// units and the units of locked territories never move, and no unit joins a locked
    /// territory.
    pub fn new(problem: &Problem<'a>, of: Vec<u32>) -> Partition<'a> {
        let k = problem.homes.len();
        let mut p = Partition {
            graph: problem.graph,
            loads: problem.loads,
            goal: problem.goal,
            of,
            locked_unit: problem.fixed.iter().map(|&t| t != FREE).collect(),
            locked_territory: problem.locked.clone(),
            homes: problem.homes.clone(),
            keys: problem.keys.clone(),
            base: vec![(0.0, 0.0); k],
            sums: vec![[0.0; SLOTS]; k],
            area: vec![0.0; k],
            perimeter: vec![0.0; k],
            planar: vec![0.0; k],
            moment: vec![(0.0, 0.0); k],
            count: vec![0; k],
            mean: [0.0; SLOTS],
            scratch: std::cell::RefCell::new(Scratch {
                stamp: vec![0; problem.graph.len()],
                ..Scratch::default()
            }),
        };
        p.refresh();
        p
    }

    /// The territory (position) of each unit.
    pub fn assignment(&self) -> &[u32] {
        &self.of
    }

    /// Into the territory of each unit.
    pub fn into_assignment(self) -> Vec<u32> {
        self.of
    }

    /// Gives every unit the territory in `of` and measures everything again.
    pub fn reset(&mut self, of: Vec<u32>) {
        self.of = of;
        self.refresh();
    }

    /// Sets how much round shapes weigh in the cost from now on.
    pub fn set_compactness(&mut self, compactness: f64) {
        self.goal.compactness = compactness;
    }

    /// How much round shapes weigh in the cost.
    pub fn compactness(&self) -> f64 {
        self.goal.compactness
    }

    /// The design's total cost: every territory's [`Partition::territory_cost`].
    pub fn total_cost(&self) -> f64 {
        (0..self.territories())
            .map(|t| self.territory_cost(t))
            .sum()
    }

    /// How many territories.
    pub fn territories(&self) -> usize {
        self.homes.len()
    }

    /// Recomputes every territory's measures, base and sums from its units, and the means.
    /// Done after every sweep, since travel is measured from bases that move with the
    /// territories' centroids.
    pub fn refresh(&mut self) {
        let k = self.territories();
        let g = self.graph;
        self.area = vec![0.0; k];
        self.perimeter = vec![0.0; k];
        self.planar = vec![0.0; k];
        self.moment = vec![(0.0, 0.0); k];
        self.count = vec![0; k];
        for (u, &t) in self.of.iter().enumerate() {
            let t = t as usize;
            self.area[t] += g.area_km2[u];
            self.planar[t] += g.planar[u];
            self.moment[t].0 += g.planar[u] * g.centroid[u].0;
            self.moment[t].1 += g.planar[u] * g.centroid[u].1;
            self.count[t] += 1;
            let inside: f64 = g.next[u]
                .iter()
                .filter(|(v, _)| self.of[*v as usize] as usize == t)
                .map(|(_, km)| km)
                .sum();
            self.perimeter[t] += g.perimeter_km[u] - inside;
        }
        for t in 0..k {
            self.base[t] = self.homes[t].unwrap_or_else(|| {
                if self.planar[t] > 0.0 {
                    (
                        self.moment[t].0 / self.planar[t],
                        self.moment[t].1 / self.planar[t],
                    )
                } else {
                    self.base[t]
                }
            });
        }
        self.sums = vec![[0.0; SLOTS]; k];
        for u in 0..self.of.len() {
            let t = self.of[u] as usize;
            let add = self.unit_load(u, t);
            add_to(&mut self.sums[t], &add, 1.0);
        }
        for key in &self.keys {
            let t = key.territory as usize;
            let mut add = key.add;
            add[Slot::Workload as usize] += key.visits
                * self.loads.minutes_per_km
                * crate::engine::haversine_km(key.at.0, key.at.1, self.base[t].0, self.base[t].1);
            add_to(&mut self.sums[t], &add, 1.0);
        }
        self.update_means();
    }

    fn update_means(&mut self) {
        let k = self.territories().max(1) as f64;
        for s in 0..SLOTS {
            self.mean[s] = self.sums.iter().map(|x| x[s]).sum::<f64>() / k;
        }
    }

    /// What unit `u` adds to territory `t` (travel from `t`'s base).
    fn unit_load(&self, u: usize, t: usize) -> [f64; SLOTS] {
        let mut add = self.loads.sums[u];
        add[Slot::Workload as usize] += self.loads.travel_minutes(u, self.base[t]);
        add
    }

    /// Territory `t`'s deviation from the mean in slot `s`, as a fraction.
    fn deviation(&self, sums: &[f64; SLOTS], s: usize) -> f64 {
        if self.mean[s] > 0.0 {
            sums[s] / self.mean[s] - 1.0
        } else {
            0.0
        }
    }

    /// The largest absolute deviation from the mean of every balanced slot, as fractions.
    pub fn max_deviations(&self) -> [f64; SLOTS] {
        let mut worst = [0.0f64; SLOTS];
        for sums in &self.sums {
            for (s, w) in worst.iter_mut().enumerate() {
                *w = w.max(self.deviation(sums, s).abs());
            }
        }
        worst
    }

    /// The largest deviation over the balanced slots, as a fraction.
    pub fn worst_deviation(&self) -> f64 {
        let worst = self.max_deviations();
        (0..SLOTS)
            .filter(|&s| self.goal.weights[s] > 0.0)
            .map(|s| worst[s])
            .fold(0.0, f64::max)
    }

    /// How far a territory with these sums is outside the tolerance (weighted squares), and
    /// outside its limits (squares of the shortfall or overshoot, as fractions of the mean).
    fn excess(&self, sums: &[f64; SLOTS], tolerance: f64) -> f64 {
        let balance: f64 = (0..SLOTS)
            .filter(|&s| self.goal.weights[s] > 0.0)
            .map(|s| {
                let over = (self.deviation(sums, s).abs() - tolerance).max(0.0);
                self.goal.weights[s] * over * over
            })
            .sum();
        let limits: f64 = (0..SLOTS)
            .filter(|&s| self.mean[s] > 0.0)
            .map(|s| {
                let (min, max) = self.goal.limits[s];
                let out = (min - sums[s]).max(sums[s] - max).max(0.0) / self.mean[s];
                out * out
            })
            .sum();
        balance + limits
    }

    /// The design's cost of a territory with these sums, area and perimeter: squared
    /// deviations, far more above the tolerance, plus the inverse Polsby-Popper score.
    fn cost(&self, sums: &[f64; SLOTS], area: f64, perimeter: f64) -> f64 {
        let balance: f64 = (0..SLOTS)
            .filter(|&s| self.goal.weights[s] > 0.0)
            .map(|s| {
                let d = self.deviation(sums, s);
                self.goal.weights[s] * d * d
            })
            .sum();
        let round = if area > 0.0 {
            perimeter * perimeter / (4.0 * std::f64::consts::PI * area)
        } else {
            0.0
        };
        balance
            + PENALTY * self.excess(sums, self.goal.tolerance)
            + self.goal.compactness * COMPACTNESS_SCALE * round
    }

    /// Length of the border between unit `u` and the units of territory `t`, km.
    fn border_with(&self, u: usize, t: usize) -> f64 {
        self.graph.next[u]
            .iter()
            .filter(|(v, _)| self.of[*v as usize] as usize == t)
            .map(|(_, km)| km)
            .sum()
    }

    /// The territories unit `u` could move to: its neighbours' (not its own, not locked),
    /// each once, in order.
    pub fn targets(&self, u: usize) -> Vec<usize> {
        let own = self.of[u] as usize;
        let mut out: Vec<usize> = self.graph.next[u]
            .iter()
            .map(|(v, _)| self.of[*v as usize] as usize)
            .filter(|&t| t != own && !self.locked_territory[t])
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The territory of a neighbour of `u` drawn from `rng`, if it is another one and not
    /// locked: a move proposal that favours the territories `u` shares most neighbours with.
    pub fn neighbour_territory(&self, u: usize, rng: &mut crate::rng::SplitMix64) -> Option<usize> {
        let next = &self.graph.next[u];
        if next.is_empty() {
            return None;
        }
        let v = next[rng.below(next.len() as u64) as usize].0 as usize;
        let to = self.of[v] as usize;
        (to != self.of[u] as usize && !self.locked_territory[to]).then_some(to)
    }

    /// Whether unit `u` may move at all.
    pub fn movable(&self, u: usize) -> bool {
        !self.locked_unit[u] && !self.locked_territory[self.of[u] as usize]
    }

    /// The sums, area and perimeter of `u`'s territory without it and of `to` with it.
    fn after_move(&self, u: usize, to: usize) -> MoveEffect {
        let from = self.of[u] as usize;
        let g = self.graph;
        let mut from_sums = self.sums[from];
        add_to(&mut from_sums, &self.unit_load(u, from), -1.0);
        let mut to_sums = self.sums[to];
        add_to(&mut to_sums, &self.unit_load(u, to), 1.0);
        MoveEffect {
            from_sums,
            from_area: self.area[from] - g.area_km2[u],
            from_perimeter: self.perimeter[from] - g.perimeter_km[u]
                + 2.0 * self.border_with(u, from),
            to_sums,
            to_area: self.area[to] + g.area_km2[u],
            to_perimeter: self.perimeter[to] + g.perimeter_km[u] - 2.0 * self.border_with(u, to),
        }
    }

    /// How much moving `u` to `to` changes the design's cost (negative: better).
    pub fn design_delta(&self, u: usize, to: usize) -> f64 {
        let from = self.of[u] as usize;
        let e = self.after_move(u, to);
        self.cost(&e.from_sums, e.from_area, e.from_perimeter)
            + self.cost(&e.to_sums, e.to_area, e.to_perimeter)
            - self.cost(&self.sums[from], self.area[from], self.perimeter[from])
            - self.cost(&self.sums[to], self.area[to], self.perimeter[to])
    }

    /// How much moving `u` to `to` reduces the excess over `tolerance` (positive: better).
    pub fn excess_gain(&self, u: usize, to: usize, tolerance: f64) -> f64 {
        let from = self.of[u] as usize;
        let e = self.after_move(u, to);
        self.excess(&self.sums[from], tolerance) + self.excess(&self.sums[to], tolerance)
            - self.excess(&e.from_sums, tolerance)
            - self.excess(&e.to_sums, tolerance)
    }

    /// Territory `t`'s excess over `tolerance`.
    pub fn excess_of(&self, t: usize, tolerance: f64) -> f64 {
        self.excess(&self.sums[t], tolerance)
    }

    /// The total excess over `tolerance` of every territory.
    pub fn total_excess(&self, tolerance: f64) -> f64 {
        self.sums.iter().map(|s| self.excess(s, tolerance)).sum()
    }

    /// Whether unit `u` can leave its territory leaving it non-empty and connected: its
    /// neighbours in the territory still reach one another without it.
    pub fn can_leave(&self, u: usize) -> bool {
        self.can_leave_within(u, usize::MAX)
    }

    /// [`Partition::can_leave`], but giving up (false) once the search has reached `budget`
    /// units: a quick answer that is never wrongly yes, for a search that tries many moves
    /// and can afford to skip a few.
    pub fn can_leave_within(&self, u: usize, budget: usize) -> bool {
        let t = self.of[u];
        if self.count[t as usize] <= 1 {
            return false;
        }
        let mine: Vec<u32> = self.graph.next[u]
            .iter()
            .map(|(v, _)| *v)
            .filter(|&v| self.of[v as usize] == t)
            .collect();
        if mine.len() <= 1 {
            // A unit with one neighbour inside hangs on it: the rest stays connected. A unit
            // with none is a territory's stray part: letting it go heals the territory.
            return true;
        }
        if self.touch_one_another(&mine) {
            return true;
        }
        // Breadth-first from one inside neighbour, without `u`, until all are reached. The
        // search runs for every move tried, so it reuses one stamp per unit and one queue.
        let mut scratch = self.scratch.borrow_mut();
        let Scratch {
            stamp,
            generation,
            queue,
        } = &mut *scratch;
        *generation = generation.wrapping_add(1);
        if *generation == 0 {
            stamp.fill(0);
            *generation = 1;
        }
        let g = *generation;
        stamp[u] = g;
        stamp[mine[0] as usize] = g;
        queue.clear();
        queue.push(mine[0]);
        let mut missing = mine.len() - 1;
        let mut next = 0;
        while next < queue.len() && next < budget {
            let x = queue[next];
            next += 1;
            for &(v, _) in &self.graph.next[x as usize] {
                if self.of[v as usize] == t && stamp[v as usize] != g {
                    stamp[v as usize] = g;
                    if mine.contains(&v) {
                        missing -= 1;
                        if missing == 0 {
                            return true;
                        }
                    }
                    queue.push(v);
                }
            }
        }
        false
    }

    /// Whether `units` (a unit's neighbours inside its territory) form one connected set by
    /// their own borders: then they stay connected without the unit, whatever else the
    /// territory holds. Most border units pass this, which spares a walk of the territory.
    fn touch_one_another(&self, units: &[u32]) -> bool {
        if units.len() > usize::BITS as usize {
            return false;
        }
        let mut reached = 1usize; // bit i: units[i] reached
        let mut stack = vec![0usize];
        while let Some(i) = stack.pop() {
            let next = &self.graph.next[units[i] as usize];
            for (j, &v) in units.iter().enumerate() {
                if reached & (1 << j) == 0 && next.binary_search_by_key(&v, |&(w, _)| w).is_ok() {
                    reached |= 1 << j;
                    stack.push(j);
                }
            }
        }
        reached.count_ones() as usize == units.len()
    }

    /// When unit `u` cannot leave its territory without cutting it in two: `u` and the parts
    /// it would cut off (all but the largest), if they hold at most `limit` units; moving
    /// them together keeps both territories connected (the parts hang on `u`, which joins
    /// its new territory).
    pub fn cut_off(&self, u: usize, limit: usize) -> Option<Vec<usize>> {
        let t = self.of[u];
        let mut label: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        let mut parts: Vec<Vec<usize>> = Vec::new();
        for &(start, _) in &self.graph.next[u] {
            if self.of[start as usize] != t || label.contains_key(&start) {
                continue;
            }
            let id = parts.len();
            label.insert(start, id);
            let mut part = vec![start as usize];
            let mut k = 0;
            while k < part.len() {
                for &(v, _) in &self.graph.next[part[k]] {
                    if v as usize != u && self.of[v as usize] == t && !label.contains_key(&v) {
                        label.insert(v, id);
                        part.push(v as usize);
                    }
                }
                k += 1;
            }
            parts.push(part);
        }
        let largest = (0..parts.len()).max_by_key(|&i| (parts[i].len(), std::cmp::Reverse(i)))?;
        let mut group = vec![u];
        for (i, part) in parts.into_iter().enumerate() {
            if i != largest {
                group.extend(part);
            }
        }
        (group.len() <= limit).then_some(group)
    }

    /// How many units territory `t` holds.
    pub fn territory_size(&self, t: usize) -> usize {
        self.count[t]
    }

    /// Territory `t`'s cost in the design's terms.
    pub fn territory_cost(&self, t: usize) -> f64 {
        self.cost(&self.sums[t], self.area[t], self.perimeter[t])
    }

    /// Moves unit `u` to territory `to`, keeping every sum up to date (bases stay until the
    /// next [`Partition::refresh`]).
    pub fn move_unit(&mut self, u: usize, to: usize) {
        let from = self.of[u] as usize;
        let e = self.after_move(u, to);
        let g = self.graph;
        self.sums[from] = e.from_sums;
        self.area[from] = e.from_area;
        self.perimeter[from] = e.from_perimeter;
        self.sums[to] = e.to_sums;
        self.area[to] = e.to_area;
        self.perimeter[to] = e.to_perimeter;
        self.planar[from] -= g.planar[u];
        self.planar[to] += g.planar[u];
        let (cx, cy) = g.centroid[u];
        self.moment[from].0 -= g.planar[u] * cx;
        self.moment[from].1 -= g.planar[u] * cy;
        self.moment[to].0 += g.planar[u] * cx;
        self.moment[to].1 += g.planar[u] * cy;
        self.count[from] -= 1;
        self.count[to] += 1;
        self.of[u] = to as u32;
        self.update_means();
    }
}

/// A territory pair's numbers after a move.
struct MoveEffect {
    from_sums: [f64; SLOTS],
    from_area: f64,
    from_perimeter: f64,
    to_sums: [f64; SLOTS],
    to_area: f64,
    to_perimeter: f64,
}

/// `sum += sign * add`, slot by slot.
fn add_to(sum: &mut [f64; SLOTS], add: &[f64; SLOTS], sign: f64) {
    for (s, a) in sum.iter_mut().zip(add) {
        *s += sign * a;
    }
}
