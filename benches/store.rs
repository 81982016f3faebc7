//! Project file speed at real scale: opening a 1M-account project (target <= 1 s) and
//! writing one edit.
//!
//! Run with `cargo bench --bench store`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tessera::store::ProjectFile;

fn open_and_edit(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.tessera");
    let project = tessera::synth::project(1_000_000, 100, 1);
    drop(ProjectFile::create(&path, &project).expect("create"));
    eprintln!(
        "project file: {:.0} MB, accounts table in memory: {:.0} bytes per account",
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        project.accounts.heap_bytes() as f64 / project.accounts.len() as f64
    );
    let mut group = c.benchmark_group("store_1m_accounts");
    group.sample_size(10);
    group.bench_function("open_project", |b| {
        b.iter(|| black_box(ProjectFile::open(&path).expect("open")))
    });
    let (mut file, project) = ProjectFile::open(&path).expect("open");
    let scenario = &project.scenarios[0];
    let territory = &scenario.territories[10];
    // Writing the area it already has: the file's content stays the same every iteration.
    let edit = tessera::model::Edit {
        description: "bench".into(),
        changes: vec![tessera::model::Change::Geometry {
            scenario: scenario.id,
            territory: territory.id,
            before: territory.geometry.clone(),
            after: territory.geometry.clone(),
        }],
    };
    group.bench_function("write_one_geometry_edit", |b| {
        b.iter(|| file.write_edit(&edit, &project).expect("write"))
    });
    group.finish();
}

criterion_group!(benches, open_and_edit);
criterion_main!(benches);
