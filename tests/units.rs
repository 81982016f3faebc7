//! Plans built from geographic units (issue 13): the demo snapped to the embedded PC4 layer
//! on the command line gives a plan where every unit is in one territory, territories share
//! their borders exactly (no overlap, no sliver hole the layer does not have), the report has
//! no overlap, and the count of accounts that changed hands is the one an independent
//! recount finds (GDAL agrees on the exported plan: valid, no overlap); the snap is one edit
//! that undo takes back, in the model and the file.

mod cli_support;

use std::sync::Arc;

use cli_support::{s, tessera, text};
use geo::{Area, BooleanOps, InteriorPoint, MultiPolygon, Polygon};
use geo::{Contains, Point};
use tessera::engine::index::AccountGrid;
use tessera::engine::live::LiveAssignment;
use tessera::engine::report::ScenarioReport;
use tessera::model::{Project, Scenario};
use tessera::session::Session;
use tessera::units::embedded;
use tessera::units::layer::UnitLayer;
use tessera::units::snap::units_of_accounts;
use tessera::units::topology::area_m2;

/// The demo saved in a temporary folder.
fn demo(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("demo.tessera");
    let out = tessera(&["demo", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

/// `tessera units PATH --layer nl-pc4 --from-plan --into NAME`, which must succeed.
fn snap_to_pc4(path: &std::path::Path, into: &str) -> std::process::Output {
    let out = tessera(&[
        "units",
        s(path),
        "--layer",
        "nl-pc4",
        "--from-plan",
        "--into",
        into,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    out
}

fn pc4() -> Arc<UnitLayer> {
    embedded::layer("nl-pc4")
        .expect("embedded")
        .expect("decodes")
}

/// Owner (territory index) of every account under `scenario`.
fn owners(project: &Project, scenario: &Scenario) -> Vec<Option<usize>> {
    let accounts = &project.accounts;
    let grid = Arc::new(AccountGrid::new(accounts.lons(), accounts.lats()));
    let plan = LiveAssignment::new(project, scenario, grid);
    (0..accounts.len()).map(|i| plan.owner(i)).collect()
}

#[test]
fn the_demo_snapped_to_pc4_shares_borders_exactly_and_counts_its_moves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo(&dir);
    let out = snap_to_pc4(&path, "PC4 plan");
    let stdout = text(&out.stdout);
    let moved: usize = stdout
        .split_whitespace()
        .next()
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("a count first: {stdout}"));
    assert!(
        stdout.contains("accounts changed territory by the snapping alone"),
        "{stdout}"
    );
    let session = Session::open_read_only(&path).expect("open");
    let project = session.project();
    let (before, after) = (
        &project.scenarios[0],
        project.scenario_by_name("PC4 plan").expect("the new plan"),
    );
    let layer = pc4();
    // Every unit in at most one territory (a map), every code a unit of the layer, and each
    // territory exactly the outline of its units.
    assert_eq!(after.units.layer.as_deref(), Some("nl-pc4"));
    assert!(
        after.units.holder.len() > 4_000,
        "{}",
        after.units.holder.len()
    );
    for code in after.units.holder.keys() {
        assert!(layer.unit(code).is_some(), "{code} is a PC4 unit");
    }
    for t in &after.territories {
        let outline = layer.outline(after.units.units_of(t.id));
        assert_eq!(
            t.geometry, outline,
            "{} is the outline of its units",
            t.name
        );
    }
    // No two territories overlap, and no territory has a sliver hole (under 1,000 m2) that
    // is not another territory's unit or a hole of the layer itself.
    let everything = layer
        .topology
        .outline(&(0..layer.units.len() as u32).collect::<Vec<_>>());
    for (k, a) in after.territories.iter().enumerate() {
        for b in &after.territories[k + 1..] {
            let overlap = area_m2(&a.geometry.intersection(&b.geometry));
            assert!(
                overlap < 1.0,
                "{} and {} overlap by {overlap} m2",
                a.name,
                b.name
            );
        }
        for hole in a.geometry.0.iter().flat_map(|p| p.interiors()) {
            let hole = MultiPolygon(vec![Polygon::new(hole.clone(), vec![])]);
            if area_m2(&hole) >= 1_000.0 {
                continue;
            }
            let inside: Point<f64> = hole.interior_point().expect("a point");
            let filled_by_another = after
                .territories
                .iter()
                .any(|b| b.id != a.id && b.geometry.contains(&inside));
            assert!(
                filled_by_another || !everything.contains(&inside),
                "{}: a sliver hole of {} m2 at {inside:?}",
                a.name,
                area_m2(&hole)
            );
        }
    }
    // The report: no overlaps; its gaps are exactly the accounts in no held unit.
    let report = ScenarioReport::compute(project, after);
    assert_eq!(report.overlaps, 0);
    let unit_of = units_of_accounts(project, &layer);
    let outside = unit_of
        .iter()
        .filter(|u| {
            u.is_none_or(|u| {
                !after
                    .units
                    .holder
                    .contains_key(&layer.units[u as usize].code)
            })
        })
        .count();
    assert_eq!(report.gaps, outside);
    // The demo had no gap, so every gap now is an account the snapping left in no unit, and
    // the command said how many.
    if report.gaps > 0 {
        let said = format!("{} accounts lie in no unit", report.gaps);
        assert!(text(&out.stderr).contains(&said), "{}", text(&out.stderr));
    }
    // The moves, recounted: accounts whose territory (by position) differs between plans.
    let recount = owners(project, before)
        .iter()
        .zip(owners(project, after))
        .filter(|(a, b)| **a != *b)
        .count();
    assert_eq!(moved, recount);
    assert!(
        moved < project.accounts.len() / 10,
        "{moved}: snapping moves few"
    );
    // Listed with its layer.
    let list = text(&tessera(&["units", s(&path), "--list"]).stdout);
    assert!(list.contains("nl-pc4\t4,067\tPostcodes (PC4)"), "{list}");
    assert!(list.contains("PC4 plan\tnl-pc4\t"), "{list}");
    assert!(list.contains("Current plan\t(freehand)\t0"), "{list}");
}

#[test]
fn a_snap_is_one_edit_that_undo_takes_back_from_model_and_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo(&dir);
    let mut session = Session::open(&path).expect("open");
    let before = session.project().clone();
    let snap = session
        .snap_to_units("nl-gemeente", None, "Gemeenten")
        .expect("snapped");
    assert_eq!(snap.layer, "nl-gemeente");
    assert!(snap.units > 300 && snap.units <= 345, "{snap:?}");
    assert_eq!(session.history().undo_len(), 1);
    let reopened = || {
        Session::open_read_only(&path)
            .expect("reopen")
            .project()
            .clone()
    };
    assert_eq!(&reopened(), session.project(), "in the file at once");
    let gemeenten = session
        .project()
        .scenario_by_name("Gemeenten")
        .expect("made");
    assert!(
        gemeenten
            .territories
            .iter()
            .all(|t| t.geometry.unsigned_area() > 0.0)
    );
    session.undo().expect("undo");
    assert_eq!(session.project(), &before);
    assert_eq!(reopened(), before);
}

#[test]
fn an_unknown_layer_or_name_taken_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo(&dir);
    let bytes = std::fs::read(&path).expect("read");
    for (args, words) in [
        (
            vec!["--layer", "nl-wijk", "--from-plan", "--into", "X"],
            "there is no unit layer nl-wijk; the layers are nl-pc4, nl-pc3",
        ),
        (
            vec!["--layer", "nl-pc4", "--from-plan", "--into", "Current plan"],
            "Current plan",
        ),
        (
            vec![
                "--layer",
                "nl-pc4",
                "--from-plan",
                "--scenario",
                "Nope",
                "--into",
                "X",
            ],
            "Nope",
        ),
        (vec!["--layer", "nl-pc4"], "say what to do"),
    ] {
        let mut all = vec!["units", s(&path)];
        all.extend(args.iter().copied());
        let out = tessera(&all);
        let message = text(&out.stderr);
        assert!(!out.status.success(), "{args:?}: refused");
        assert!(message.contains(words), "{args:?}: {message}");
        assert_eq!(std::fs::read(&path).expect("read"), bytes, "{args:?}");
    }
}

#[test]
fn gdal_finds_the_exported_pc4_plan_valid_without_overlaps() {
    if std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install gdal-bin (see .ci/run)"
        );
        eprintln!("skipped: ogrinfo (gdal-bin) is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo(&dir);
    snap_to_pc4(&path, "P");
    let geojson = dir.path().join("p.geojson");
    let out = tessera(&[
        "export",
        s(&path),
        "--scenario",
        "P",
        "--geojson",
        s(&geojson),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Every territory valid for GEOS, and the union's area the sum of the areas: no overlap.
    let out = std::process::Command::new("ogrinfo")
        .args(["-q", "-dialect", "SQLite", "-sql"])
        .arg(
            "SELECT SUM(ST_IsValid(geometry)) AS valid, COUNT(*) AS n, \
             ST_Area(ST_Union(geometry)) AS united, SUM(ST_Area(geometry)) AS summed FROM p",
        )
        .arg(&geojson)
        .output()
        .expect("ogrinfo");
    let report = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let value = |field: &str| -> f64 {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{field} (")))
            .and_then(|rest| rest.split(" = ").nth(1))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{field} in {report}"))
    };
    assert_eq!(value("valid"), value("n"), "{report}");
    assert_eq!(value("n"), 4.0);
    let (united, summed) = (value("united"), value("summed"));
    assert!((united - summed).abs() < 1e-9 * summed, "{report}");
}

#[test]
fn the_units_export_gives_every_postcode_its_territory_and_rep_for_the_crm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo(&dir);
    // A freehand plan has no units to export: refused, saying how to make one.
    let csv = dir.path().join("units.csv");
    let out = tessera(&["export", s(&path), "--units", s(&csv)]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not built from units"),
        "{}",
        text(&out.stderr)
    );
    assert!(!csv.exists());
    snap_to_pc4(&path, "PC4 plan");
    let out = tessera(&[
        "export",
        s(&path),
        "--scenario",
        "PC4 plan",
        "--units",
        s(&csv),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let session = Session::open_read_only(&path).expect("open");
    let project = session.project();
    let plan = project.scenario_by_name("PC4 plan").expect("plan");
    let mut rows = csv::Reader::from_path(&csv).expect("csv");
    assert_eq!(
        rows.headers().expect("header").iter().collect::<Vec<_>>(),
        ["unit_code", "unit_name", "territory", "rep"]
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
    let layer = pc4();
    assert_eq!(rows.len(), layer.units.len(), "every unit of the layer");
    for row in &rows {
        let territory = plan
            .units
            .holder
            .get(&row[0])
            .and_then(|t| plan.territory(*t));
        assert_eq!(
            &row[2],
            territory.map_or("", |t| t.name.as_str()),
            "{row:?}"
        );
        let rep = territory.and_then(|t| t.rep).and_then(|r| project.rep(r));
        assert_eq!(&row[3], rep.map_or("", |r| r.name.as_str()), "{row:?}");
    }
    // 1011 is Amsterdam's centre, in West (Emma Jansen).
    let amsterdam = rows.iter().find(|r| &r[0] == "1011").expect("1011");
    assert_eq!(
        amsterdam.iter().collect::<Vec<_>>(),
        ["1011", "Amsterdam", "West", "Emma Jansen"]
    );
}

#[test]
fn the_unit_under_a_point_is_the_one_whose_area_holds_it() {
    let pc4 = tessera::session::unit_layer("nl-pc4").expect("pc4");
    let province = tessera::session::unit_layer("nl-provincie").expect("provinces");
    // The Dam in Amsterdam, the Domtoren in Utrecht, and the North Sea off Scheveningen.
    let code = |layer: &tessera::units::layer::UnitLayer, lon, lat| {
        layer
            .unit_at(lon, lat)
            .map(|u| layer.units[u as usize].code.clone())
    };
    assert_eq!(code(&pc4, 4.8924, 52.3731).as_deref(), Some("1012"));
    assert_eq!(code(&pc4, 5.1213, 52.0907).as_deref(), Some("3512"));
    assert_eq!(code(&pc4, 4.20, 52.15), None);
    let utrecht = province
        .unit_at(5.1213, 52.0907)
        .map(|u| province.units[u as usize].name.clone());
    assert_eq!(utrecht.as_deref(), Some("Utrecht"));
    // Many points at once give the same answers as one at a time.
    let (lons, lats) = ([4.8924, 4.20, 5.1213], [52.3731, 52.15, 52.0907]);
    let many = pc4.units_at(&lons, &lats);
    let one: Vec<_> = lons
        .iter()
        .zip(&lats)
        .map(|(x, y)| pc4.unit_at(*x, *y))
        .collect();
    assert_eq!(many, one);
}

#[test]
fn a_set_of_units_measures_as_its_outline_does() {
    use tessera::engine::metrics::GeometryMeasures;
    let layer = pc4();
    let n = layer.units.len() as u32;
    // A large block, a scattered set (several parts, holes where the gaps are) and one unit.
    let block: Vec<u32> = (0..n).filter(|u| u % 3 != 0 && *u < 2_000).collect();
    let scattered: Vec<u32> = (0..n).step_by(7).collect();
    for members in [block, scattered, vec![1234]] {
        let (outline, fast) = layer.shape_of(&members);
        let slow = GeometryMeasures::of(&outline);
        let near = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        assert!(near(fast.area_km2, slow.area_km2), "{fast:?} vs {slow:?}");
        assert!(
            near(fast.perimeter_km, slow.perimeter_km),
            "{fast:?} vs {slow:?}"
        );
        assert!(near(fast.polsby_popper, slow.polsby_popper));
        assert_eq!(fast.parts, slow.parts);
        let ((x, y), (sx, sy)) = (fast.centroid.expect("c"), slow.centroid.expect("c"));
        assert!(near(x, sx) && near(y, sy), "{fast:?} vs {slow:?}");
    }
}
