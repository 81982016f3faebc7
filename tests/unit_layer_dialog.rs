//! File > Add unit layer… (issue 13, point 1) in the window: the dialog reads a small
//! GeoJSON written here, offers its fields with the code and name guessed, takes another
//! name field, cleans the layer on another thread and stores it in the project, as one
//! undoable edit; View > Units then lists it with the embedded layers.

mod common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tessera::app::{Command, TesseraApp};

/// Two regions with a code, a name and a second name.
fn regions(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("Regio's.geojson");
    let feature = |naam: &str, kort: &str, code: &str, x0: f64, x1: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","naam":"{naam}","kort":"{kort}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},51.0],[{x1},51.0],[{x1},53.0],[{x0},53.0],[{x0},51.0]]]}}}}"#
        )
    };
    std::fs::write(
        &path,
        format!(
            r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
            feature("Westelijk", "W", "R1", 3.5, 5.0),
            feature("Oostelijk", "O", "R2", 5.0, 7.0)
        ),
    )
    .expect("written");
    path
}

fn until_added(harness: &mut Harness<'static, TesseraApp>) {
    for _ in 0..3000 {
        harness.step();
        if harness.state().unit_layer_dialog().is_none() {
            harness.run_steps(2);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the layer was not cleaned within 15 s");
}

#[test]
fn a_unit_layer_is_added_from_a_file_with_its_fields_chosen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = regions(dir.path());
    let mut harness = common::demo_window(common::WINDOW, 4);
    harness
        .state_mut()
        .apply(Command::ChooseUnitLayer(file), common::WINDOW);
    harness.run_steps(3);
    let dialog = harness.state().unit_layer_dialog().expect("asks");
    assert_eq!(dialog.fields, ["code", "naam", "kort"]);
    assert_eq!(dialog.code_field, "code", "guessed");
    assert_eq!(dialog.name_field.as_deref(), Some("naam"), "guessed");
    assert_eq!(dialog.key, "regio-s");
    // Name the units by the short field instead.
    harness.get_by_value("naam").click();
    harness.run_steps(2);
    harness.get_by_label("kort").click();
    harness.run_steps(2);
    assert_eq!(
        harness
            .state()
            .unit_layer_dialog()
            .expect("open")
            .name_field
            .as_deref(),
        Some("kort")
    );
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("unit-layer-dialog.png");
        image.save(&out).expect("png");
    }
    harness.get_by_label("Add").click();
    until_added(&mut harness);
    let session = harness.state().session();
    let layers = &session.project().unit_layers;
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0].key, "regio-s");
    assert_eq!(layers[0].title, "Regio's");
    let layer = session.unit_layer("regio-s").expect("found by key");
    let names: Vec<&str> = layer.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["W", "O"]);
    assert!(
        harness
            .state()
            .notice()
            .expect("a report")
            .contains("2 units"),
        "{:?}",
        harness.state().notice()
    );
    assert_eq!(
        session.history().next_undo(),
        Some("Added unit layer Regio's")
    );
    harness.get_by_label("OK").click();
    harness.run_steps(2);
    assert!(harness.state().notice().is_none(), "read");
    // View > Units lists it after the embedded layers.
    harness.get_by_label("View").click();
    harness.run_steps(2);
    harness.get_by_label("Units").hover();
    harness.run_steps(2);
    assert!(
        harness.query_by_label("Provinces").is_some(),
        "the embedded"
    );
    harness.get_by_label("Regio's").click();
    harness.run_steps(3);
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("unit-layer-shown.png");
        image.save(&out).expect("png");
    }
}
