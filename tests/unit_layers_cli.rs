//! `tessera units --add / --list / --remove` (issue 13, point 1): a planner's layer read
//! from a file, its fields guessed (and said), cleaned and stored as one edit; listed with
//! the embedded layers; a plan snapped to it and exported for the CRM; removed unless a
//! plan uses it. Bad files are refused with a clear message and leave the project as it
//! was, byte for byte.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::{s, tessera, text};

/// The demo saved in `dir`.
fn demo(dir: &Path) -> PathBuf {
    let path = dir.join("demo.tessera");
    let out = tessera(&["demo", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

/// Three regions over the demo's country; West and Oost meet along a border whose
/// vertices do not quite match (cleaning snaps them).
fn regions(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let square = |x0: f64, y0: f64, x1: f64, y1: f64| {
        format!("[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]")
    };
    let feature = |naam: &str, code: &str, ring: String| {
        format!(
            r#"{{"type":"Feature","properties":{{"naam":"{naam}","code":"{code}","inwoners":1000}},"geometry":{{"type":"Polygon","coordinates":{ring}}}}}"#
        )
    };
    let features = [
        feature("West", "W", square(3.0, 52.0, 5.0, 54.0)),
        feature("Oost", "O", square(5.0000001, 52.0, 7.5, 54.0)),
        feature("Zuid", "Z", square(3.0, 50.5, 7.5, 52.0)),
    ];
    std::fs::write(
        &path,
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .expect("written");
    path
}

#[test]
fn a_layer_is_added_listed_snapped_to_exported_and_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(dir.path());
    let file = regions(dir.path(), "Drie regio's.geojson");
    let out = tessera(&["units", s(&project), "--add", s(&file)]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        text(&out.stdout),
        "added unit layer drie-regio-s (3 units)\n"
    );
    assert!(err.contains("coded by field code (guessed)"), "{err}");
    assert!(err.contains("named by field naam (guessed)"), "{err}");
    assert!(
        err.contains("cleaned:") && err.contains("overlaps resolved"),
        "{err}"
    );
    let list = tessera(&["units", s(&project), "--list"]);
    let listed = text(&list.stdout);
    assert!(listed.contains("nl-pc4\t"), "{listed}");
    assert!(
        listed.contains("drie-regio-s\t3\tDrie regio's (the project's own)"),
        "{listed}"
    );
    // A plan built from it, exported for the CRM: one row per region.
    let snap = tessera(&[
        "units",
        s(&project),
        "--layer",
        "drie-regio-s",
        "--from-plan",
        "--into",
        "Regio",
    ]);
    assert!(snap.status.success(), "{}", text(&snap.stderr));
    let csv = dir.path().join("units.csv");
    let export = tessera(&[
        "export",
        s(&project),
        "--units",
        s(&csv),
        "--scenario",
        "Regio",
    ]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    let rows = std::fs::read_to_string(&csv).expect("csv");
    let codes: Vec<&str> = rows
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(codes, ["W", "O", "Z"], "{rows}");
    assert!(rows.contains("W,West,"), "{rows}");
    // In use: refused, the file untouched.
    let before = std::fs::read(&project).expect("file");
    let out = tessera(&["units", s(&project), "--remove", "drie-regio-s"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("plan Regio is built from it"), "{err}");
    assert!(
        std::fs::read(&project).expect("file") == before,
        "untouched"
    );
    // A layer no plan uses goes.
    let out = tessera(&[
        "units",
        s(&project),
        "--add",
        s(&file),
        "--key",
        "spare",
        "--title",
        "Spare",
        "--code-field",
        "naam",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("coded by field naam (as given)"));
    let out = tessera(&["units", s(&project), "--remove", "spare"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&tessera(&["units", s(&project), "--list"]).stdout);
    assert!(
        !listed.contains("spare") && listed.contains("drie-regio-s"),
        "{listed}"
    );
}

#[test]
fn bad_layers_are_refused_and_leave_the_project_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(dir.path());
    let good = regions(dir.path(), "good.geojson");
    let bad = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/bad-layers")
            .join(name)
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![s(&bad("points-only.geojson")).into()], "no polygons"),
        (vec![s(&bad("lambert72.geojson")).into()], "EPSG:31370"),
        (vec![s(&bad("without-dbf.shp")).into()], ".dbf is missing"),
        (vec![s(&bad("empty.geojson")).into()], "empty"),
        (
            vec![
                // Readable as a file, refused as a layer of units: not in bad-layers, whose
                // files every reader refuses.
                s(&Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/data/unit-layers/duplicate-codes.geojson"))
                .into(),
                "--code-field".into(),
                "code".into(),
            ],
            "code A1 in field code is held by features 1 and 3",
        ),
        (
            vec![s(&good).into(), "--code-field".into(), "colour".into()],
            "has no field colour",
        ),
        (
            vec![s(&good).into(), "--key".into(), "nl-regio".into()],
            "reserved",
        ),
        (
            vec![s(&good).into(), "--key".into(), "nl-pc4".into()],
            "reserved",
        ),
    ];
    let before = std::fs::read(&project).expect("file");
    for (args, expected) in cases {
        let mut all = vec!["units", s(&project), "--add"];
        all.extend(args.iter().map(String::as_str));
        let out = tessera(&all);
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{args:?} was taken");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            std::fs::read(&project).expect("file") == before,
            "{args:?} changed the project"
        );
    }
    // A second layer under a key the project holds is refused too.
    let first = tessera(&["units", s(&project), "--add", s(&good), "--key", "r"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let before = std::fs::read(&project).expect("file");
    let again = tessera(&["units", s(&project), "--add", s(&good), "--key", "r"]);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("has a unit layer r already"));
    assert!(std::fs::read(&project).expect("file") == before);
}
