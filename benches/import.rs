//! Accounts import speed: a generated Dutch CRM export (`;`, decimal commas, euro amounts)
//! read, planned and written into a copy of the demo project, as `tessera import --accounts`
//! does. 100k rows keep the bench quick; the goal is 1M rows in at most 5 s, measured with
//! `tessera import P --accounts crm-1m.csv --timings` (see `examples/make_crm_csv.rs`).
//!
//! Rows without coordinates placed by their Dutch postcode: 100k `naam;postcode` rows planned
//! (`import_100k_rows/plan_postcodes`), and the one-off cost of the PC4 areas' interior
//! points (`pc4_interior_points`, paid by the first row that needs them).
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

/// 100k rows known only by a postcode (`1011 AB`, `1011AB`, `1011`), every PC4 area used.
fn postcode_rows(layer: &tessera::units::layer::UnitLayer) -> String {
    let codes: Vec<&str> = layer
        .units
        .iter()
        .map(|u| u.code.as_str())
        .filter(|c| *c != "4196")
        .collect();
    let mut out = String::from("naam;postcode\n");
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for k in 0..ROWS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let code = codes[(x % codes.len() as u64) as usize];
        let letters = [b'A' + (x >> 20) as u8 % 26, b'A' + (x >> 30) as u8 % 26];
        let letters = std::str::from_utf8(&letters).unwrap_or("AA").to_owned();
        let postcode = match k % 3 {
            0 => format!("{code} {letters}"),
            1 => format!("{code}{letters}"),
            _ => code.to_owned(),
        };
        out.push_str(&format!("Klant {k};{postcode}\n"));
    }
    out
}

fn postcodes(c: &mut Criterion) {
    let layer = tessera::units::embedded::layer("nl-pc4")
        .expect("embedded")
        .expect("decodes");
    // A copy whose interior points are not computed yet (the shared layer's are, below).
    let pristine = (*layer).clone();
    let mut group = c.benchmark_group("postcodes");
    group.sample_size(10);
    group.bench_function("pc4_interior_points", |b| {
        b.iter_batched(
            || pristine.clone(),
            |fresh| black_box(fresh.interior_point(0)),
            BatchSize::PerIteration,
        )
    });
    let csv = postcode_rows(&layer);
    let table = read_table(csv.as_bytes(), "postcodes.csv").expect("read");
    let mapping = Mapping::guess(&table.headers);
    let existing = tessera::model::Accounts::default();
    group.bench_function("plan_100k_postcode_rows", |b| {
        b.iter(|| {
            let planned = plan(&table, &mapping, &existing, None, "postcodes.csv").expect("plan");
            assert_eq!(planned.located_by_postcode, ROWS);
            black_box(planned)
        })
    });
    group.finish();
}

criterion_group!(benches, import, postcodes);
criterion_main!(benches);
