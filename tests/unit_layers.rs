//! The planner's own unit layers (issue 13, point 1): a layer added to the project is found
//! by key like an embedded one, so a plan built from it snaps, paints and exports for the
//! CRM; it is stored in the file, and adding and removing it are undoable edits; a layer a
//! plan is built from cannot be removed.

use std::path::Path;

use tessera::model::ProjectLayer;
use tessera::session::{Brush, ExportKind, Session};
use tessera::units::embedded;

/// The embedded provinces under the planner's own key, as a layer added from a file would
/// be stored.
fn my_provinces() -> ProjectLayer {
    let provinces = embedded::layer("nl-provincie")
        .expect("embedded")
        .expect("decodes");
    ProjectLayer::new(
        "my-provinces",
        "My provinces",
        provinces.to_topojson(10_000_000),
    )
}

/// The demo in a file in `dir`, with the planner's layer added.
fn demo_with_layer(dir: &Path) -> Session {
    let mut session = Session::demo().expect("demo");
    session.save_as(&dir.join("demo.tessera")).expect("saved");
    session.add_unit_layer(my_provinces()).expect("added");
    session
}

#[test]
fn a_plan_snaps_paints_and_exports_with_a_planners_layer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut session = demo_with_layer(dir.path());
    let mine = session
        .snap_to_units("my-provinces", None, "Mine")
        .expect("snapped to the planner's layer");
    let theirs = session
        .snap_to_units("nl-provincie", Some("Current plan"), "Theirs")
        .expect("snapped to the embedded layer");
    assert_eq!(mine.units + mine.left_out, 12, "every province counted");
    assert_eq!(mine.moved, theirs.moved);
    // The same units in the same territories (by name) as the embedded twin gives.
    let plan = |name: &str| {
        let s = session.project().scenario_by_name(name).expect("plan");
        s.units
            .holder
            .iter()
            .map(|(code, t)| (code.clone(), s.territory(*t).expect("held").name.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(plan("Mine"), plan("Theirs"));
    assert!(!plan("Mine").is_empty());
    session.show_scenario_named(Some("Mine")).expect("shown");
    let shown = session.current().expect("plan");
    assert_eq!(shown.units.layer.as_deref(), Some("my-provinces"));
    // Paint a province held by the first territory into the second.
    let (first, second) = (shown.territories[0].id, shown.territories[1].id);
    let code = shown
        .units
        .units_of(first)
        .next()
        .expect("a unit")
        .to_owned();
    let layer = session.unit_layer("my-provinces").expect("found by key");
    let unit = layer.unit(&code).expect("in the layer");
    let mut stroke = session
        .begin_stroke("my-provinces", Brush::Add(second))
        .expect("paints");
    session.paint_unit(&mut stroke, unit);
    session.end_stroke(stroke).expect("stroke written");
    let shown = session.current().expect("plan");
    assert_eq!(shown.units.holder.get(&code), Some(&second));
    // The CRM's table: one row per province.
    let out = dir.path().join("units.csv");
    session.export(ExportKind::Units, &out).expect("exported");
    let csv = std::fs::read_to_string(&out).expect("csv");
    assert_eq!(csv.lines().count(), 1 + 12, "{csv}");
    let territory = &shown.territories[1].name;
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{code},")) && l.contains(territory.as_str())),
        "{code} in {territory}: {csv}"
    );
    // All of it in the file.
    let path = session.path().expect("saved");
    let project = session.project().clone();
    drop(session);
    let reopened = Session::open_read_only(&path).expect("reopen");
    assert_eq!(*reopened.project(), project);
    assert_eq!(reopened.project().unit_layers, vec![my_provinces()]);
}

#[test]
fn adding_and_removing_a_layer_are_undone_and_redone_in_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut session = demo_with_layer(dir.path());
    let path = session.path().expect("saved");
    let in_file = |path: &Path| {
        Session::open_read_only(path)
            .expect("read")
            .project()
            .unit_layers
            .len()
    };
    assert_eq!(in_file(&path), 1);
    session.undo().expect("undo").expect("an edit");
    assert!(session.project().unit_layers.is_empty());
    assert_eq!(in_file(&path), 0);
    assert!(session.unit_layer("my-provinces").is_err(), "gone");
    session.redo().expect("redo").expect("an edit");
    assert_eq!(in_file(&path), 1);
    session.remove_unit_layer("my-provinces").expect("removed");
    assert_eq!(in_file(&path), 0);
    session.undo().expect("undo").expect("an edit");
    assert_eq!(session.project().unit_layers, vec![my_provinces()]);
    assert_eq!(in_file(&path), 1);
    // Keys of the embedded layers and of the project's own are refused.
    let err = session.add_unit_layer(my_provinces()).expect_err("taken");
    assert!(err.to_string().contains("my-provinces"), "{err}");
    let reserved = ProjectLayer::new("nl-mine", "Mine", my_provinces().topojson().to_owned());
    let err = session.add_unit_layer(reserved).expect_err("reserved");
    assert!(err.to_string().contains("reserved"), "{err}");
    assert!(session.remove_unit_layer("nl-pc4").is_err(), "embedded");
}

#[test]
fn a_layer_a_plan_is_built_from_cannot_be_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut session = demo_with_layer(dir.path());
    session
        .snap_to_units("my-provinces", None, "Mine")
        .expect("snapped");
    let path = session.path().expect("saved");
    let before = std::fs::read(&path).expect("file");
    let err = session
        .remove_unit_layer("my-provinces")
        .expect_err("in use");
    let message = err.to_string();
    assert!(
        message.contains("my-provinces") && message.contains("Mine"),
        "{message}"
    );
    assert_eq!(session.project().unit_layers.len(), 1);
    assert!(
        std::fs::read(&path).expect("file") == before,
        "file untouched"
    );
}
