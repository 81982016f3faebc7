//! Geographic units (issue 13): decoding the embedded PC4 layer (goal: at most 200 ms), the
//! outline of 1,000 PC4 units (a territory of a thousand postcodes), snapping the demo to
//! PC4 (goal: at most 2 s), and, when the reference data is beside the clone
//! (`../shared/data/units`), reading the raw PC4 GeoJSON and cleaning it into a topology
//! (done once per layer: offline for the embedded layers, on import for the planner's own).
//!
//! `cargo bench --bench units`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use tessera::units::layer::UnitLayer;
use tessera::units::snap::snap_plan;
use tessera::units::topology::{CleanOptions, Topology};

/// The same allocator as the app's binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn units(c: &mut Criterion) {
    let mut group = c.benchmark_group("units");
    group.sample_size(10);
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/units/nl-pc4.topojson.gz"),
    )
    .expect("the embedded PC4 layer");
    group.bench_function("decode the embedded PC4 layer (4,067 units)", |b| {
        b.iter(|| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
                .expect("gzip");
            UnitLayer::from_topojson("nl-pc4", "PC4", black_box(&text)).expect("layer")
        })
    });
    let layer = tessera::units::embedded::layer("nl-pc4")
        .expect("embedded")
        .expect("decodes");
    // The thousand units nearest to Utrecht: a territory of a thousand postcodes.
    let mut by_distance: Vec<(f64, u32)> = (0..layer.units.len())
        .filter_map(|u| {
            let shape = layer.topology.unit_polygon(u);
            let c = shape.0.first()?.exterior().0.first()?.to_owned();
            Some(((c.x - 5.12).hypot(c.y - 52.09), u as u32))
        })
        .collect();
    by_distance.sort_by(|a, b| a.0.total_cmp(&b.0));
    let members: Vec<u32> = by_distance.iter().take(1000).map(|x| x.1).collect();
    group.bench_function("outline of 1,000 PC4 units", |b| {
        b.iter(|| layer.topology.outline(black_box(&members)))
    });
    let demo = tessera::demo::project().expect("demo");
    group.bench_function("snap the demo to PC4", |b| {
        b.iter(|| snap_plan(&demo, &demo.scenarios[0], black_box(&layer)))
    });
    let raw =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/units/nl-pc4-2020.geojson");
    if raw.is_file() {
        group.bench_function("read the raw PC4 GeoJSON (8 MB)", |b| {
            b.iter(|| tessera::io::layers::read_layer(black_box(&raw)).expect("read"))
        });
        let shapes: Vec<_> = tessera::io::layers::read_layer(&raw)
            .expect("read")
            .features
            .into_iter()
            .map(|u| u.geometry)
            .collect();
        group.bench_function(
            "clean the raw PC4 layer into a topology (357k vertices)",
            |b| {
                b.iter(|| {
                    Topology::build(black_box(&shapes), &CleanOptions::default()).expect("clean")
                })
            },
        );
    } else {
        eprintln!("{} is missing: reading and cleaning skipped", raw.display());
    }
    group.finish();
}

criterion_group!(benches, units);
criterion_main!(benches);
