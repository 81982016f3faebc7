//! One paint step (issue 13): a PC4 unit changes territory in a plan of a million accounts,
//! from the call to updated areas, owners, tallies and report (goal: at most 5 ms). Two
//! plans: 110 territories (about 37 postcodes each) and 4 territories (about a thousand
//! postcodes each, tens of thousands of vertices: a step must not cost in proportion).
//!
//! Also: counting a million accounts into PC4 units (the map's hover and choropleth do it once
//! per set of accounts), and how long snapping them to PC4 takes (printed).
//!
//! `cargo bench --bench paint`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tessera::model::TerritoryId;
use tessera::session::{Brush, Session};

/// The same allocator as the app's binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A million synthetic accounts in `territories` territories, snapped to PC4 and shown.
fn plan(territories: usize) -> Session {
    let project = tessera::synth::project(1_000_000, territories, 7);
    let mut session = Session::unsaved(project);
    // Snapping runs on the window's thread ("To units"): how long it stalls the window.
    let started = std::time::Instant::now();
    session
        .snap_to_units("nl-pc4", None, "PC4")
        .expect("snapped");
    eprintln!(
        "snapping 1M accounts in {territories} territories to PC4 took {:.2} s",
        started.elapsed().as_secs_f64()
    );
    session.show_scenario_named(Some("PC4")).expect("shown");
    session
}

/// A unit on a border, with the territories on either side: the one holding it and a
/// neighbour's. Prefers the unit with the most accounts around (the most work per step).
fn border_unit(session: &Session) -> (u32, TerritoryId, TerritoryId) {
    let layer = tessera::session::unit_layer("nl-pc4").expect("layer");
    let holder = &session.current().expect("plan").units.holder;
    let held = |u: u32| holder.get(&layer.units[u as usize].code).copied();
    let neighbours = layer.topology.neighbours();
    (0..layer.units.len() as u32)
        .filter_map(|u| {
            let mine = held(u)?;
            let theirs = neighbours[u as usize]
                .iter()
                .filter_map(|&n| held(n))
                .find(|&t| t != mine)?;
            Some((u, mine, theirs))
        })
        // Units near Amsterdam's centre hold many of the synthetic accounts.
        .min_by(|a, b| {
            let d = |u: u32| {
                let shape = layer.topology.unit_polygon(u as usize);
                let c = shape.0[0].exterior().0[0];
                (c.x - 4.89).hypot(c.y - 52.37)
            };
            d(a.0).total_cmp(&d(b.0))
        })
        .expect("a border unit")
}

fn paint(c: &mut Criterion) {
    let mut group = c.benchmark_group("paint");
    group.sample_size(30);
    let project = tessera::synth::project(1_000_000, 110, 7);
    let layer = tessera::session::unit_layer("nl-pc4").expect("layer");
    // What the map's hover and choropleth count once per set of accounts.
    group.bench_function("count 1M accounts into PC4 units", |b| {
        b.iter(|| {
            tessera::units::stats::UnitStats::of(&project.accounts, &layer, &project.settings)
        })
    });
    drop(project);
    for territories in [110, 4] {
        let mut session = plan(territories);
        let (unit, mine, theirs) = border_unit(&session);
        let mut to = [
            session
                .begin_stroke("nl-pc4", Brush::Add(theirs))
                .expect("stroke"),
            session
                .begin_stroke("nl-pc4", Brush::Add(mine))
                .expect("stroke"),
        ];
        let mut k = 0;
        group.bench_function(
            format!("one PC4 unit changes territory, 1M accounts, {territories} territories"),
            |b| {
                b.iter(|| {
                    // Each step moves the unit across the border and the next one back.
                    let moved = session.paint_unit(&mut to[k % 2], black_box(unit));
                    k += 1;
                    assert!(!moved.is_empty());
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, paint);
criterion_main!(benches);
