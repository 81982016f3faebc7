//! Exports read back: GeoJSON by our own reader, GeoPackage and GeoJSON by GDAL (`ogrinfo`,
//! installed by .ci/run; elsewhere these checks say they skipped unless CI is set), the CSV
//! against the live plan; and territories imported from a GeoJSON file.

use std::path::Path;
use std::process::Command;

use tessera::io::territories::read_territories;
use tessera::model::Project;
use tessera::store::ProjectFile;

mod cli_support;
use cli_support::tessera;

/// A demo project and its exports in a temporary folder.
fn exported() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).display().to_string();
    assert!(tessera(&["demo", &p("demo.tessera")]).status.success());
    let out = tessera(&[
        "export",
        &p("demo.tessera"),
        "--geojson",
        &p("t.geojson"),
        "--csv",
        &p("a.csv"),
        "--gpkg",
        &p("d.gpkg"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let project = ProjectFile::open(&dir.path().join("demo.tessera"))
        .expect("open")
        .1;
    (dir, project)
}

fn ogrinfo_available() -> bool {
    let found = Command::new("ogrinfo").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install gdal-bin (see .ci/run)"
        );
        eprintln!("skipped: ogrinfo (gdal-bin) is not installed");
    }
    found
}

fn ogrinfo(args: &[&str], file: &Path) -> String {
    let out = Command::new("ogrinfo")
        .args(args)
        .arg(file)
        .output()
        .expect("run ogrinfo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn geojson_export_reads_back_as_the_same_territories() {
    let (dir, project) = exported();
    let text = std::fs::read_to_string(dir.path().join("t.geojson")).expect("read");
    let back = read_territories(&text, "t.geojson").expect("our reader accepts our export");
    let territories = &project.scenarios[0].territories;
    assert_eq!(back.len(), territories.len());
    for (a, t) in back.iter().zip(territories) {
        assert_eq!(a.name, t.name);
        assert_eq!(
            a.geometry, t.geometry,
            "{}: coordinates survive exactly",
            t.name
        );
    }
    // Every metric is a property, next to name, rep and colour.
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    let props = &json["features"][0]["properties"];
    assert_eq!(props["rep"], "Sanne de Vries");
    assert_eq!(props["accounts"], 238);
    assert!(props["workload_hours"].as_f64().is_some_and(|w| w > 0.0));
    assert!(props["colour"].as_str().is_some_and(|c| c.starts_with('#')));
}

#[test]
fn csv_export_has_every_account_with_its_territory_and_rep() {
    let (dir, project) = exported();
    let mut reader = csv::Reader::from_path(dir.path().join("a.csv")).expect("csv");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), project.accounts.len());
    let report = tessera::engine::report::ScenarioReport::compute(&project, &project.scenarios[0]);
    for t in &report.territories {
        let count = rows.iter().filter(|r| &r[2] == t.name.as_str()).count() as u64;
        assert_eq!(count, t.metrics.accounts, "{}", t.name);
        assert!(
            rows.iter()
                .filter(|r| &r[2] == t.name.as_str())
                .all(|r| Some(&r[3]) == t.rep.as_deref()),
            "{} rows name its rep",
            t.name
        );
    }
    assert_eq!(&rows[0][0], project.accounts.external_id(0));
}

#[test]
fn gdal_opens_the_exports_with_the_right_counts_and_areas() {
    if !ogrinfo_available() {
        return;
    }
    let (dir, project) = exported();
    let gpkg = dir.path().join("d.gpkg");
    let summary = ogrinfo(&["-ro", "-so", "-al"], &gpkg);
    assert!(summary.contains("Layer name: territories"), "{summary}");
    assert!(summary.contains("Feature Count: 4"), "{summary}");
    assert!(
        summary.contains(&format!("Feature Count: {}", project.accounts.len())),
        "{summary}"
    );
    let geojson = ogrinfo(&["-ro", "-so", "-al"], &dir.path().join("t.geojson"));
    assert!(geojson.contains("Feature Count: 4"), "{geojson}");
    // GDAL's geodesic area (SpatiaLite, on the WGS 84 ellipsoid) against ours.
    let areas = ogrinfo(
        &[
            "-ro",
            "-dialect",
            "SQLite",
            "-sql",
            "SELECT ST_Area(geom, 1) / 1e6 AS gdal_km2, area_km2 FROM territories",
        ],
        &gpkg,
    );
    let values = |key: &str| -> Vec<f64> {
        areas
            .lines()
            .filter_map(|l| l.trim().strip_prefix(key))
            .filter_map(|v| v.trim().trim_start_matches('=').trim().parse().ok())
            .collect()
    };
    let (gdal, ours) = (values("gdal_km2 (Real)"), values("area_km2 (Real)"));
    assert_eq!(gdal.len(), 4, "{areas}");
    for (g, o) in gdal.iter().zip(&ours) {
        assert!((g - o).abs() <= 0.005 * o, "GDAL {g} km2 vs ours {o} km2");
    }
}

#[test]
fn territories_import_adds_them_to_the_scenario_in_one_edit() {
    let (dir, _) = exported();
    let p = |name: &str| dir.path().join(name).display().to_string();
    let out = tessera(&[
        "import",
        &p("demo.tessera"),
        "--territories",
        &p("t.geojson"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let project = ProjectFile::open(&dir.path().join("demo.tessera"))
        .expect("open")
        .1;
    let names: Vec<&str> = project.scenarios[0]
        .territories
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Noord", "Oost", "West", "Zuid", "Noord 2", "Oost 2", "West 2", "Zuid 2"
        ]
    );
    // Now every account lies in two territories.
    let report = tessera::engine::report::ScenarioReport::compute(&project, &project.scenarios[0]);
    assert_eq!(report.overlaps, project.accounts.len());
    // A file in a CRS Tessera does not read (Belgian Lambert) is refused, naming it, and the
    // project is left as it was.
    let before = std::fs::read(dir.path().join("demo.tessera")).expect("read");
    std::fs::write(
        dir.path().join("rd.geojson"),
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:31370"}},"features":[]}"#,
    )
    .expect("write");
    let out = tessera(&[
        "import",
        &p("demo.tessera"),
        "--territories",
        &p("rd.geojson"),
    ]);
    assert!(!out.status.success());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains("rd.geojson") && message.contains("EPSG:31370"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("demo.tessera")).expect("read"),
        before
    );
}
