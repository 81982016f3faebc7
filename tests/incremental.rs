//! The incremental update after geometry edits equals a full recomputation.

mod tallies;

use std::sync::Arc;

use geo::{Coord, MultiPolygon};
use proptest::prelude::*;
use tallies::assert_tallies_equal;
use tessera::engine::index::AccountGrid;
use tessera::engine::live::LiveAssignment;
use tessera::model::{Project, SegmentRule};

/// A small synthetic project with the awkward cases: territories without a rep (travel from a
/// moving centroid), a segment rule, and named-account overrides.
fn project() -> Project {
    let mut p = tessera::synth::project(12_000, 12, 21);
    let s = &mut p.scenarios[0];
    s.territories[0].rep = None;
    s.territories[5].rep = None;
    s.territories[3].rule = SegmentRule {
        industries: vec!["Healthcare".into(), "Retail".into()],
        size_classes: vec![],
    };
    let ids = p.accounts.ids().to_vec();
    s.overrides.insert(ids[10], s.territories[0].id);
    s.overrides.insert(ids[20], s.territories[7].id);
    s.overrides.insert(ids[30], s.territories[5].id);
    p
}

/// One edit: move vertex `vertex` (modulo the ring) of territory `territory` by (dx, dy)
/// degrees, or shift the whole territory when `shift` is set.
#[derive(Debug, Clone)]
struct Edit {
    territory: usize,
    vertex: usize,
    dx: f64,
    dy: f64,
    shift: bool,
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        (
            0usize..12,
            0usize..1000,
            -0.3f64..0.3,
            -0.3f64..0.3,
            prop::bool::weighted(0.15),
        )
            .prop_map(|(territory, vertex, dx, dy, shift)| Edit {
                territory,
                vertex,
                dx,
                dy,
                shift,
            }),
        1..12,
    )
}

fn apply(geometry: &MultiPolygon<f64>, e: &Edit) -> MultiPolygon<f64> {
    let mut g = geometry.clone();
    let polygon = &mut g.0[0];
    polygon.exterior_mut(|ring| {
        let n = ring.0.len() - 1; // the last point repeats the first
        let moved = |c: &mut Coord<f64>| {
            c.x += e.dx;
            c.y += e.dy;
        };
        if e.shift {
            ring.0.iter_mut().for_each(moved);
        } else {
            let k = e.vertex % n;
            moved(&mut ring.0[k]);
            if k == 0 {
                moved(&mut ring.0[n]);
            }
        }
    });
    g
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn incremental_updates_equal_a_full_recompute(sequence in edits()) {
        let mut project = project();
        let grid = Arc::new(AccountGrid::new(project.accounts.lons(), project.accounts.lats()));
        let mut live = LiveAssignment::new(&project, &project.scenarios[0], Arc::clone(&grid));
        for edit in &sequence {
            let t = edit.territory;
            let new = apply(&project.scenarios[0].territories[t].geometry, edit);
            live.set_geometry(&project.accounts, t, &new);
            project.scenarios[0].territories[t].geometry = new;
            let full = LiveAssignment::new(&project, &project.scenarios[0], Arc::clone(&grid));
            prop_assert_eq!(live.owners_by_position(), full.owners_by_position());
            prop_assert_eq!(live.gaps(), full.gaps());
            prop_assert_eq!(live.overlaps(), full.overlaps());
            for i in (0..project.accounts.len()).step_by(7) {
                prop_assert_eq!(live.is_overlap(i), full.is_overlap(i));
                prop_assert_eq!(live.is_gap(i), full.is_gap(i));
            }
            assert_tallies_equal(live.tallies(), full.tallies());
            prop_assert_eq!(live.metrics(&project.scenarios[0]).len(), 12);
        }
    }
}

#[test]
fn moving_a_vertex_outward_moves_accounts_and_creates_overlap() {
    let mut project = project();
    project.scenarios[0].territories[3].rule = SegmentRule::default();
    let grid = Arc::new(AccountGrid::new(
        project.accounts.lons(),
        project.accounts.lats(),
    ));
    let mut live = LiveAssignment::new(&project, &project.scenarios[0], grid);
    assert_eq!(
        (live.gaps(), live.overlaps()),
        (0, 0),
        "the tiling starts clean"
    );
    // Shift territory 4 (with rep) far east over its neighbour: it overlaps, leaves a gap.
    let edit = Edit {
        territory: 4,
        vertex: 0,
        dx: 0.15,
        dy: 0.0,
        shift: true,
    };
    let new = apply(&project.scenarios[0].territories[4].geometry, &edit);
    let summary = live.set_geometry(&project.accounts, 4, &new);
    project.scenarios[0].territories[4].geometry = new;
    assert!(
        summary.tested > 0 && summary.tested < project.accounts.len(),
        "only the box is re-tested: {}",
        summary.tested
    );
    assert!(!summary.moved.is_empty());
    assert!(live.gaps() > 0, "a strip is left behind");
    assert!(
        live.overlaps() > 0,
        "the shifted territory covers its neighbour"
    );
}
