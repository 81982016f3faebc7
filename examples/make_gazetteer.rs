//! Regenerates `assets/gazetteer.csv.gz`, the offline gazetteer for placing accounts by place
//! name, from the GeoNames extract in `../shared/data/places-world-pop1000.csv` (every place
//! with at least 1,000 inhabitants; CC BY 4.0, attribution in assets/NOTICE).
//!
//! Run with `cargo run --release --example make_gazetteer`. Keeps name, country, admin1 name,
//! population, lat and lon; gzip without a timestamp, so the output is reproducible.

use std::io::Write;

fn main() -> anyhow::Result<()> {
    let source = "../shared/data/places-world-pop1000.csv";
    let mut reader = csv::Reader::from_path(source)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["name", "country", "admin1", "population", "lat", "lon"])?;
    let mut rows = 0;
    for record in reader.records() {
        let r = record?;
        // geonameid,name,country,admin1_code,admin1_name,feature_code,population,lat,lon
        out.write_record([&r[1], &r[2], &r[4], &r[6], &r[7], &r[8]])?;
        rows += 1;
    }
    let csv = out.into_inner()?;
    let file = std::fs::File::create("assets/gazetteer.csv.gz")?;
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(file, flate2::Compression::best());
    gz.write_all(&csv)?;
    gz.finish()?;
    println!("wrote {rows} places to assets/gazetteer.csv.gz");
    Ok(())
}
