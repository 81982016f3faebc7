//! Engine speed at real scale: 1M accounts, 100 territories of 50-500 vertices.
//!
//! Run with `cargo bench --bench engine`. Targets (issue 2): full assignment <= 40 ms, an
//! incremental update after moving one vertex <= 2 ms, on this 2-core machine.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::MultiPolygon;
use tessera::engine::assign::{RuleFilter, ZoneSet};
use tessera::engine::index::AccountGrid;
use tessera::engine::live::LiveAssignment;
use tessera::model::Project;

fn big_project() -> Project {
    tessera::synth::project(1_000_000, 100, 1)
}

fn assignment(c: &mut Criterion) {
    let project = big_project();
    let scenario = &project.scenarios[0];
    let vertices: Vec<usize> = scenario
        .territories
        .iter()
        .map(|t| t.geometry.0[0].exterior().0.len())
        .collect();
    eprintln!(
        "{} accounts, {} territories, {}-{} vertices each",
        project.accounts.len(),
        vertices.len(),
        vertices.iter().min().unwrap_or(&0),
        vertices.iter().max().unwrap_or(&0)
    );
    let geometries: Vec<&MultiPolygon<f64>> =
        scenario.territories.iter().map(|t| &t.geometry).collect();
    let zones = ZoneSet::new(&geometries, vec![RuleFilter::default(); geometries.len()]);
    let (lons, lats) = (project.accounts.lons(), project.accounts.lats());
    let grid = Arc::new(AccountGrid::new(lons, lats));

    let mut group = c.benchmark_group("assign_1m_accounts_100_territories");
    group.sample_size(20);
    // Accounts in file order (random in space), and in the account grid's cell order.
    group.bench_function("locate_all_file_order", |b| {
        b.iter(|| black_box(zones.locate_all(lons, lats, |_| (0, 0))))
    });
    group.bench_function("locate_all_grid_order", |b| {
        b.iter(|| black_box(zones.locate_all(grid.xs(), grid.ys(), |_| (0, 0))))
    });
    group.bench_function("prepare_territories", |b| {
        b.iter(|| {
            black_box(ZoneSet::new(
                &geometries,
                vec![RuleFilter::default(); geometries.len()],
            ))
        })
    });
    group.bench_function("full_plan_with_metrics", |b| {
        b.iter(|| black_box(LiveAssignment::new(&project, scenario, Arc::clone(&grid))))
    });
    group.finish();
}

fn incremental(c: &mut Criterion) {
    let project = big_project();
    let scenario = &project.scenarios[0];
    let grid = Arc::new(AccountGrid::new(
        project.accounts.lons(),
        project.accounts.lats(),
    ));
    let mut plan = LiveAssignment::new(&project, scenario, grid);
    // Drag one vertex of a territory in the middle back and forth by about 2 km.
    let t = 45;
    let original = scenario.territories[t].geometry.clone();
    let mut moved = original.clone();
    moved.0[0].exterior_mut(|ring| {
        ring.0[7].x += 0.03;
        ring.0[7].y += 0.02;
    });
    let mut group = c.benchmark_group("incremental_1m_accounts");
    group.bench_function("move_one_vertex", |b| {
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            let geometry = if flip { &moved } else { &original };
            black_box(plan.set_geometry(&project.accounts, t, geometry))
        })
    });
    // The same with a territory that has no rep, so its centroid base moves and its tally is
    // rebuilt from the scan.
    let mut repless = project.clone();
    repless.scenarios[0].territories[t].rep = None;
    let grid = Arc::new(AccountGrid::new(
        repless.accounts.lons(),
        repless.accounts.lats(),
    ));
    let mut plan = LiveAssignment::new(&repless, &repless.scenarios[0], grid);
    group.bench_function("move_one_vertex_territory_without_rep", |b| {
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            let geometry = if flip { &moved } else { &original };
            black_box(plan.set_geometry(&repless.accounts, t, geometry))
        })
    });
    group.finish();
}

/// Comparing two plans of the 1M-account project: the current plan against a copy whose reps
/// all moved one territory on (every assigned account changes hands: the worst case) and
/// one of whose borders moved.
fn compare(c: &mut Criterion) {
    use tessera::engine::compare::{Comparison, Side, compare_scenarios};
    use tessera::engine::report::ScenarioReport;
    let mut project = big_project();
    let a = project.scenarios[0].id;
    let (dup, b) =
        tessera::edit::scenarios::duplicate_scenario(&project, a, "Draft").expect("duplicate");
    dup.apply(&mut project).expect("apply");
    let draft = project.scenario(b).expect("draft").clone();
    let n = draft.territories.len();
    let mut changes = Vec::new();
    for (k, t) in draft.territories.iter().enumerate() {
        let after = tessera::model::Territory {
            rep: draft.territories[(k + 1) % n].rep,
            ..t.clone()
        };
        changes.extend(
            tessera::edit::territory_properties(&draft, &after)
                .map(|e| e.changes)
                .unwrap_or_default(),
        );
    }
    tessera::model::Edit {
        description: "Rotate reps".into(),
        changes,
    }
    .apply(&mut project)
    .expect("rotate reps");
    let grid = Arc::new(AccountGrid::new(
        project.accounts.lons(),
        project.accounts.lats(),
    ));
    let (sa, sb) = (
        project.scenario(a).expect("a"),
        project.scenario(b).expect("b"),
    );
    let (pa, pb) = (
        LiveAssignment::new(&project, sa, Arc::clone(&grid)),
        LiveAssignment::new(&project, sb, Arc::clone(&grid)),
    );
    let (ra, rb) = (
        ScenarioReport::from_plan(&project, sa, &pa),
        ScenarioReport::from_plan(&project, sb, &pb),
    );
    let side = |scenario, plan, report| Side {
        scenario,
        plan,
        report,
    };
    let moved = Comparison::new(&project, side(sa, &pa, &ra), side(sb, &pb, &rb))
        .disruption
        .moved;
    eprintln!("{moved} accounts change hands");
    let mut group = c.benchmark_group("compare_1m_accounts");
    group.sample_size(10);
    group.bench_function("deltas_and_disruption", |bench| {
        bench.iter(|| {
            black_box(Comparison::new(
                &project,
                side(sa, &pa, &ra),
                side(sb, &pb, &rb),
            ))
        })
    });
    group.bench_function("both_plans_and_comparison", |bench| {
        bench.iter(|| black_box(compare_scenarios(&project, sa, sb).disruption.moved))
    });
    group.finish();
}

criterion_group!(benches, assignment, incremental, compare);
criterion_main!(benches);
