//! Which territory owns each point: the full, parallel assignment.
//!
//! A [`ZoneSet`] holds every territory of a scenario prepared for point tests ([`Zone`]:
//! prepared geometry plus segment rule) and a grid of candidate territories. Assignment rules:
//! a named-account override wins (applied by the caller, see [`super::live`]); otherwise the
//! account goes to the first territory, in scenario order, whose geometry contains it and whose
//! segment rule admits it. Accounts admitted by none are gaps; admitted by two or more are
//! overlaps (and still go to the first).

use geo::MultiPolygon;
use rayon::prelude::*;

use super::index::{Bounds, TerritoryGrid, WHOLE_CELL};
use super::patched::PatchedArea;
use crate::model::{SegmentRule, Vocabulary};

/// The owner value of an account that no territory admits.
pub const NO_TERRITORY: u32 = u32::MAX;

/// A segment rule compiled against the project's vocabularies: one lookup per account.
#[derive(Debug, Clone, Default)]
pub struct RuleFilter {
    industries: Option<Vec<bool>>,
    sizes: Option<Vec<bool>>,
}

impl RuleFilter {
    /// Compiles a rule. Values the rule names that no account has simply never match.
    pub fn new(rule: &SegmentRule, industries: &Vocabulary, sizes: &Vocabulary) -> Self {
        let compile = |allowed: &[String], vocabulary: &Vocabulary| {
            (!allowed.is_empty()).then(|| {
                let mut mask = vec![false; vocabulary.len()];
                for name in allowed {
                    if let Some(code) = vocabulary.lookup(name) {
                        mask[code as usize] = true;
                    }
                }
                mask
            })
        };
        RuleFilter {
            industries: compile(&rule.industries, industries),
            sizes: compile(&rule.size_classes, sizes),
        }
    }

    /// True when the rule admits every account.
    pub fn is_open(&self) -> bool {
        self.industries.is_none() && self.sizes.is_none()
    }

    /// Whether the rule admits an account with these industry and size codes.
    #[inline]
    pub fn admits(&self, industry: u16, size: u16) -> bool {
        let allowed = |mask: &Option<Vec<bool>>, code: u16| {
            mask.as_ref()
                .is_none_or(|m| m.get(code as usize).copied().unwrap_or(false))
        };
        allowed(&self.industries, industry) && allowed(&self.sizes, size)
    }
}

/// One territory, ready for point tests.
#[derive(Debug, Clone)]
pub struct Zone {
    /// The prepared geometry.
    pub area: PatchedArea,
    /// The compiled segment rule.
    pub filter: RuleFilter,
}

/// The result of locating one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// The first admitting territory, or [`NO_TERRITORY`].
    pub owner: u32,
    /// How many territories admit the point (saturating at 254).
    pub admitted: u8,
}

/// All territories of a scenario, prepared for assignment.
#[derive(Debug, Clone)]
pub struct ZoneSet {
    zones: Vec<Zone>,
    grid: TerritoryGrid,
}

impl ZoneSet {
    /// Prepares the geometries (in parallel) with their filters, in scenario order.
    pub fn new(geometries: &[&MultiPolygon<f64>], filters: Vec<RuleFilter>) -> Self {
        let areas: Vec<PatchedArea> = geometries.par_iter().map(|g| PatchedArea::new(g)).collect();
        let zones: Vec<Zone> = areas
            .into_iter()
            .zip(filters)
            .map(|(area, filter)| Zone { area, filter })
            .collect();
        let grid = TerritoryGrid::new(&zones.iter().map(|z| &z.area).collect::<Vec<_>>());
        ZoneSet { zones, grid }
    }

    /// Number of zones.
    pub fn len(&self) -> usize {
        self.zones.len()
    }

    /// True when there are no zones.
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }

    /// Whether any zone has a segment rule (so callers must pass real industry and size codes).
    pub fn uses_segments(&self) -> bool {
        self.zones.iter().any(|z| !z.filter.is_open())
    }

    /// Zone `t`.
    pub fn zone(&self, t: usize) -> &Zone {
        &self.zones[t]
    }

    /// Replaces zone `t` and returns the old one. Only `t` is re-filed in the candidate grid,
    /// unless it grew beyond the grid's extent; when its area changed only inside
    /// `changed_within`, only the grid cells meeting that box are re-filed.
    pub fn replace(&mut self, t: usize, zone: Zone, changed_within: Option<Bounds>) -> Zone {
        let old = std::mem::replace(&mut self.zones[t], zone);
        if self.grid.covers(&self.zones[t].area) {
            let area = &self.zones[t].area;
            match changed_within {
                Some(window) => self.grid.refile_within(t as u32, area, window),
                None => {
                    self.grid.remove(t as u32, old.area.bounds());
                    self.grid.insert(t as u32, area);
                }
            }
        } else {
            self.grid = TerritoryGrid::new(&self.zones.iter().map(|z| &z.area).collect::<Vec<_>>());
        }
        old
    }

    /// Locates one point with the account's industry and size codes.
    #[inline]
    pub fn locate(&self, x: f64, y: f64, industry: u16, size: u16) -> Located {
        let mut owner = NO_TERRITORY;
        let mut admitted = 0u8;
        for &entry in self.grid.candidates(x, y) {
            let t = entry & !WHOLE_CELL;
            let zone = &self.zones[t as usize];
            let certain = entry & WHOLE_CELL != 0;
            if zone.filter.admits(industry, size) && (certain || zone.area.contains(x, y)) {
                if admitted == 0 {
                    owner = t;
                }
                admitted = admitted.saturating_add(1).min(254);
            }
        }
        Located { owner, admitted }
    }

    /// Locates every point, on all cores. `segment(k)` gives point k's industry and size codes
    /// (return `(0, 0)` when no rule needs them). Returns the owner and admit count per point.
    pub fn locate_all(
        &self,
        lons: &[f64],
        lats: &[f64],
        segment: impl Fn(usize) -> (u16, u16) + Sync,
    ) -> (Vec<u32>, Vec<u8>) {
        let n = lons.len();
        let mut owner = vec![NO_TERRITORY; n];
        let mut admitted = vec![0u8; n];
        // Chunks large enough to amortise scheduling, small enough to balance two cores.
        const CHUNK: usize = 16 * 1024;
        owner
            .par_chunks_mut(CHUNK)
            .zip(admitted.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(|(chunk, (owners, counts))| {
                let base = chunk * CHUNK;
                for (k, (o, c)) in owners.iter_mut().zip(counts.iter_mut()).enumerate() {
                    let i = base + k;
                    let (industry, size) = segment(i);
                    let located = self.locate(lons[i], lats[i], industry, size);
                    *o = located.owner;
                    *c = located.admitted;
                }
            });
        (owner, admitted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::area::contains_point;
    use crate::rng::SplitMix64;
    use crate::synth;

    #[test]
    fn indexed_assignment_equals_brute_force() {
        let tiling = synth::tiling(12, 7, (3.4, 50.8, 7.2, 53.5), 5);
        let geometries: Vec<&MultiPolygon<f64>> = tiling.iter().collect();
        let zones = ZoneSet::new(&geometries, vec![RuleFilter::default(); tiling.len()]);
        let mut rng = SplitMix64::new(11);
        let n = 30_000;
        let lons: Vec<f64> = (0..n).map(|_| rng.range_f64(3.0, 7.6)).collect();
        let lats: Vec<f64> = (0..n).map(|_| rng.range_f64(50.5, 53.8)).collect();
        let (owner, admitted) = zones.locate_all(&lons, &lats, |_| (0, 0));
        let mut inside = 0;
        for i in 0..n {
            let hits: Vec<u32> = (0..tiling.len() as u32)
                .filter(|&t| contains_point(&tiling[t as usize], lons[i], lats[i]))
                .collect();
            assert_eq!(admitted[i] as usize, hits.len(), "point {i}");
            assert_eq!(owner[i], hits.first().copied().unwrap_or(NO_TERRITORY));
            assert!(hits.len() <= 1, "a tiling never overlaps");
            inside += hits.len();
        }
        assert!(inside > n / 2, "most points fall in the tiling: {inside}");
    }

    #[test]
    fn vertices_of_a_tiling_belong_to_exactly_one_territory() {
        // Every vertex is on a shared border or corner: the hardest points for a tie-break.
        let tiling = synth::tiling(6, 5, (0.0, 0.0, 6.0, 5.0), 8);
        let geometries: Vec<&MultiPolygon<f64>> = tiling.iter().collect();
        let zones = ZoneSet::new(&geometries, vec![RuleFilter::default(); tiling.len()]);
        let mut checked = 0;
        for geometry in &tiling {
            for c in geometry.0[0].exterior().coords() {
                let interior = c.x > 0.0 && c.x < 6.0 && c.y > 0.0 && c.y < 5.0;
                if interior {
                    assert_eq!(zones.locate(c.x, c.y, 0, 0).admitted, 1, "{c:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn segment_rules_narrow_and_overlaps_are_counted() {
        let mut industries = Vocabulary::default();
        let health = industries.intern("Healthcare");
        let retail = industries.intern("Retail");
        let sizes = Vocabulary::default();
        let square = synth::tiling(1, 1, (0.0, 0.0, 1.0, 1.0), 1).remove(0);
        let health_only = SegmentRule {
            industries: vec!["Healthcare".into()],
            size_classes: vec![],
        };
        let zones = ZoneSet::new(
            &[&square, &square],
            vec![
                RuleFilter::new(&health_only, &industries, &sizes),
                RuleFilter::default(),
            ],
        );
        assert_eq!(
            zones.locate(0.5, 0.5, health, 0),
            Located {
                owner: 0,
                admitted: 2
            }
        );
        assert_eq!(
            zones.locate(0.5, 0.5, retail, 0),
            Located {
                owner: 1,
                admitted: 1
            }
        );
        assert_eq!(zones.locate(5.0, 5.0, retail, 0).owner, NO_TERRITORY);
    }
}
