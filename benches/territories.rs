//! Territory import and routing speed on large and hostile shapes (issue 12): a circle of
//! 10k and 100k vertices (valid, so checked and kept), a zigzag of 2k and 10k vertices
//! (crossing itself once per stroke, so repaired) and a random scribble of 1k points
//! (crossing itself ~100,000 times, so refused). Each goes through the two paths of the
//! command line: `import --territories` (read, check, repair, one edit written to a copy of
//! the demo project) and `route --territories` (read, check, prepare the routing table, route
//! 1,000 leads). The goal: a 100k-vertex territory imported or routed in under 1 s.
//!
//! Run with `cargo bench --bench territories`.

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tessera::geometry::shapes;
use tessera::io::route::{RoutingTable, route_csv};
use tessera::io::territories::read_territories;
use tessera::session::{Session, TerritoryTarget};
use tessera::store::ProjectFile;

fn cases() -> Vec<(&'static str, geo::Polygon<f64>)> {
    vec![
        ("circle_10k", shapes::circle(10_000)),
        ("circle_100k", shapes::circle(100_000)),
        ("zigzag_2k", shapes::zigzag(2_000)),
        ("zigzag_10k", shapes::zigzag(10_000)),
        ("random_1k", shapes::random_polygon(1_000, 1)),
    ]
}

/// What `tessera route --territories FILE` does; refused shapes end at the read.
fn route(territories: &Path, leads: &Path, out: &Path) -> bool {
    let text = std::fs::read_to_string(territories).expect("read");
    let Ok(areas) = read_territories(&text, "t.geojson") else {
        return false;
    };
    let table = RoutingTable::from_areas(&areas);
    route_csv(leads, Some(out), &table, |_| {}).expect("route");
    true
}

fn territories(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo.tessera");
    drop(ProjectFile::create(&demo, &tessera::demo::project().expect("demo")).expect("create"));
    let leads = dir.path().join("leads.csv");
    let mut rng = tessera::rng::SplitMix64::new(5);
    let mut csv = String::from("id,lat,lon\n");
    for k in 0..1_000 {
        let (lat, lon) = (rng.range_f64(51.5, 52.5), rng.range_f64(4.5, 5.5));
        csv.push_str(&format!("{k},{lat:.5},{lon:.5}\n"));
    }
    std::fs::write(&leads, csv).expect("leads");
    let out = dir.path().join("routed.csv");

    let mut group = c.benchmark_group("territories");
    group.sample_size(10);
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(3));
    let mut copies = 0;
    for (name, polygon) in cases() {
        let file = dir.path().join(format!("{name}.geojson"));
        std::fs::write(&file, shapes::feature_collection(name, &polygon)).expect("write");
        let text = std::fs::read_to_string(&file).expect("read");
        let accepted = read_territories(&text, "t.geojson").is_ok();
        eprintln!("{name}: {}", if accepted { "accepted" } else { "refused" });
        group.bench_function(format!("route_{name}"), |b| {
            b.iter(|| assert_eq!(black_box(route(&file, &leads, &out)), accepted))
        });
        group.bench_function(format!("import_{name}"), |b| {
            b.iter_batched(
                || {
                    copies += 1;
                    let path = dir.path().join(format!("p{copies}.tessera"));
                    std::fs::copy(&demo, &path).expect("copy");
                    path
                },
                |path| {
                    let mut session = Session::open(&path).expect("open");
                    let done =
                        session.import_territories(&file, TerritoryTarget::NewFromFile, None);
                    assert_eq!(done.is_ok(), accepted);
                    drop(session);
                    let _ = std::fs::remove_file(&path);
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, territories);
criterion_main!(benches);
