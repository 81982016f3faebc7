//! Accounts import speed: a generated Dutch CRM export (`;`, decimal commas, euro amounts)
//! read, planned and written into a copy of the demo project, as `tessera import --accounts`
//! does. 100k rows keep the bench quick; the goal is 1M rows in at most 5 s, measured with
//! `tessera import P --accounts crm-1m.csv --timings` (see `examples/make_crm_csv.rs`).
//!
//! Run with `cargo bench --bench import`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tessera::io::accounts::{Mapping, plan, read_table};
use tessera::session::Session;
use tessera::store::ProjectFile;

const ROWS: usize = 100_000;

fn import(c: &mut Criterion) {
    let csv = tessera::synth::crm_csv(ROWS, 1);
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo.tessera");
    drop(ProjectFile::create(&demo, &tessera::demo::project().expect("demo")).expect("create"));
    let gazetteer = tessera::geocode::Gazetteer::load().expect("gazetteer");
    let mut group = c.benchmark_group("import_100k_rows");
    group.sample_size(10);
    group.bench_function("read", |b| {
        b.iter(|| black_box(read_table(csv.as_bytes(), "crm.csv").expect("read")))
    });
    let table = read_table(csv.as_bytes(), "crm.csv").expect("read");
    let mapping = Mapping::guess(&table.headers);
    let (_, project) = ProjectFile::open(&demo).expect("open");
    group.bench_function("plan", |b| {
        b.iter(|| {
            black_box(
                plan(
                    &table,
                    &mapping,
                    &project.accounts,
                    Some(&gazetteer),
                    "crm.csv",
                )
                .expect("plan"),
            )
        })
    });
    let mut copies = 0;
    group.bench_function("read_plan_write", |b| {
        b.iter_batched(
            || {
                copies += 1;
                let path = dir.path().join(format!("p{copies}.tessera"));
                std::fs::copy(&demo, &path).expect("copy");
                path
            },
            |path| {
                // The path the command line and the window take: plan, then one edit applied
                // and written in one transaction by the session.
                let mut session = Session::open(&path).expect("open");
                let table = read_table(csv.as_bytes(), "crm.csv").expect("read");
                let planned = plan(
                    &table,
                    &mapping,
                    &session.project().accounts,
                    Some(&gazetteer),
                    "crm.csv",
                )
                .expect("plan");
                assert_eq!(planned.added.len(), ROWS);
                let edit = planned.into_edit(&session.project().accounts, "crm.csv");
                session.apply(edit).expect("write");
                drop(session);
                let _ = std::fs::remove_file(&path);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
