//! Big projects stay responsive: opening a project, duplicating a scenario, undoing an import
//! and comparing plans run on other threads while the window shows their progress, and each
//! change still ends as one edit in the history and in the file. Tests run these changes in
//! the background whatever the project's size (`set_background_from(0)`).
//!
//! `TESSERA_LOADING_PNG=/tmp/loading.png cargo test --test background` also renders the
//! loading screen to that PNG (wgpu, as `tests/snapshot.rs`), to look at it.

mod common;

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tessera::app::{Command, Preferences, TesseraApp};
use tessera::model::{AccountId, Change, Edit};
use tessera::session::Session;

const SIZE: Vec2 = Vec2::new(700.0, 700.0);

/// The demo saved in a temporary folder, with the window on it (changes in the background).
fn saved_demo(dir: &tempfile::TempDir) -> (std::path::PathBuf, common::H) {
    let path = dir.path().join("demo.tessera");
    let mut session = Session::demo().expect("demo");
    session.save_as(&path).expect("save");
    let mut h = common::window(session, common::WINDOW, 3);
    h.state_mut().set_background_from(0);
    (path, h)
}

#[test]
fn opening_a_project_shows_its_progress_first_and_then_the_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.tessera");
    // Large enough that opening takes a good part of a second, so the first frames come
    // while it runs.
    let project = tessera::synth::project(200_000, 30, 7);
    Session::unsaved(project)
        .save_as(&path)
        .expect("save the project");
    let app = TesseraApp::start(Preferences::default(), Some(path.clone()));
    // The window is there before the project: start only started the open.
    assert!(app.opening().is_some(), "opening on another thread");
    assert!(app.session().project().accounts.is_empty());
    let mut h = Harness::builder()
        .with_size(common::WINDOW)
        .build_ui_state(|ui, app: &mut TesseraApp| app.show(ui), app);
    h.run_steps(1);
    if h.state().opening().is_some() {
        assert!(
            h.query_by_label_contains("Opening big.tessera").is_some(),
            "the loading screen names the file"
        );
        if let Some(png) = std::env::var_os("TESSERA_LOADING_PNG") {
            h.render().expect("render").save(png).expect("save the PNG");
        }
    }
    h.state_mut().wait_for_background();
    h.run_steps(3);
    let app = h.state();
    assert!(app.opening().is_none());
    assert_eq!(app.session().path().as_deref(), Some(path.as_path()));
    assert_eq!(app.session().project().accounts.len(), 200_000);
    assert_eq!(
        app.preferences().last_project.as_deref(),
        Some(path.as_path())
    );
    assert!(h.query_by_label_contains("Opening big.tessera").is_none());
    assert!(
        h.query_by_label_contains("Accounts 200,000").is_some(),
        "the status bar shows the project"
    );
}

#[test]
fn a_project_that_cannot_be_opened_says_so_and_the_demo_stands_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("leads.tessera");
    std::fs::write(&path, "name,lat,lon\nA,52,5\n").expect("write");
    let mut app = TesseraApp::start(Preferences::default(), Some(path.clone()));
    assert!(app.opening().is_some());
    app.wait_for_background();
    assert!(app.opening().is_none());
    assert!(
        app.error().is_some_and(|e| e.contains("leads.tessera")),
        "{:?}",
        app.error()
    );
    assert_eq!(
        app.session().project().name,
        "Demo: the Netherlands in 4 regions"
    );
}

/// A project killed mid-import (file and rollback journal as the kill left them) opens in
/// the window as it was before the import, and the status bar says what was recovered.
#[test]
fn a_project_killed_mid_import_opens_recovered_and_the_window_says_so() {
    let bad = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    std::fs::copy(bad.join("interrupted-import.tessera"), &path).expect("copy");
    std::fs::copy(
        bad.join("interrupted-import.tessera-journal"),
        dir.path().join("p.tessera-journal"),
    )
    .expect("copy journal");
    let mut app = TesseraApp::start(Preferences::default(), Some(path.clone()));
    app.wait_for_background();
    assert!(app.error().is_none(), "{:?}", app.error());
    assert_eq!(app.session().path().as_deref(), Some(path.as_path()));
    assert!(
        app.status_note()
            .is_some_and(|n| n.contains("recovered an interrupted write")),
        "{:?}",
        app.status_note()
    );
    assert_eq!(
        app.session().project().accounts.len(),
        tessera::synth::project(12, 2, 5).accounts.len(),
        "the half import is gone"
    );
}

#[test]
fn a_duplicate_runs_in_the_background_and_ends_as_one_undo_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut h) = saved_demo(&dir);
    let (scenarios, undo) = {
        let s = h.state().session();
        (s.project().scenarios.len(), s.history().undo_len())
    };
    let project = h.state().session().project().clone();
    let (dup, id) =
        tessera::edit::scenarios::duplicate_scenario(&project, project.scenarios[0].id, "Draft")
            .expect("duplicate");
    h.state_mut().apply(Command::EditAndShow(dup, id), SIZE);
    // Under way: the window still shows the project as it was, and says what runs.
    {
        let app = h.state();
        assert!(app.session().is_busy());
        assert_eq!(app.session().project().scenarios.len(), scenarios);
        let (what, _) = app.working().expect("a change under way");
        assert!(what.contains("Draft"), "{what}");
    }
    // A second edit meanwhile is refused with a clear message, and changes nothing.
    let rename = Edit {
        description: "Rename".into(),
        changes: vec![Change::Scenario {
            before: Some(project.scenarios[0].clone()),
            after: Some(tessera::model::Scenario {
                name: "Renamed".into(),
                ..project.scenarios[0].clone()
            }),
        }],
    };
    h.state_mut().apply(Command::Edit(rename), SIZE);
    let refused = h.state().error().expect("refused").to_owned();
    assert!(refused.contains("busy"), "{refused}");
    assert!(refused.contains("try again"), "{refused}");
    h.state_mut().dismiss_error();
    h.state_mut().wait_for_background();
    h.run_steps(2);
    let app = h.state();
    let s = app.session();
    assert!(!s.is_busy() && app.working().is_none());
    assert_eq!(s.project().scenarios.len(), scenarios + 1);
    assert_eq!(
        s.current().map(|s| s.id),
        Some(id),
        "the duplicate is shown"
    );
    assert_eq!(s.history().undo_len(), undo + 1, "one undo entry");
    assert_eq!(s.project().scenarios[0].name, project.scenarios[0].name);
    assert!(app.error().is_none(), "{:?}", app.error());
    // The window's own write is not taken for another program's: no reload, history kept.
    assert!(!h.state_mut().poll_file(), "reloaded after its own change");
    let s = h.state().session();
    assert_eq!(s.history().undo_len(), undo + 1, "history kept");
    // The file equals the model.
    let reopened = Session::open_read_only(&path).expect("reopen");
    assert_eq!(reopened.project(), s.project());
    // Its undo runs in the background too and takes the duplicate out of model and file.
    h.state_mut().apply(Command::Undo, SIZE);
    assert!(h.state().session().is_busy());
    h.state_mut().wait_for_background();
    let s = h.state().session();
    assert_eq!(s.project().scenarios.len(), scenarios);
    assert_eq!(s.history().redo_len(), 1);
    assert_eq!(
        Session::open_read_only(&path).expect("reopen").project(),
        s.project()
    );
}

#[test]
fn a_territory_import_runs_in_the_background_and_tells_what_it_repaired() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut h) = saved_demo(&dir);
    let scenarios = h.state().session().project().scenarios.len();
    // Two territories: a bow tie (its ring crosses itself) with a rep the demo does not
    // have, and a square.
    let file = dir.path().join("west.geojson");
    let feature = |name: &str, rep: &str, ring: &str| {
        format!(
            r#"{{"type":"Feature","properties":{{"name":"{name}","rep":"{rep}"}},
               "geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}"#
        )
    };
    let bow_tie = feature("Bow", "Nobody", "[[4,52],[5,53],[5,52],[4,53],[4,52]]");
    let square = feature("Square", "", "[[5,51],[6,51],[6,52],[5,52],[5,51]]");
    std::fs::write(
        &file,
        format!(r#"{{"type":"FeatureCollection","features":[{bow_tie},{square}]}}"#),
    )
    .expect("write");
    h.state_mut()
        .apply(Command::ImportTerritoriesNamed(file, true, None), SIZE);
    // Under way on another thread: the window shows the project as it was.
    {
        let app = h.state();
        assert!(app.error().is_none(), "{:?}", app.error());
        assert!(app.session().is_busy(), "the import runs in the background");
        assert_eq!(app.session().project().scenarios.len(), scenarios);
        let (what, _) = app.working().expect("a change under way");
        assert!(what.contains("west"), "{what}");
    }
    h.state_mut().wait_for_background();
    h.run_steps(2);
    let app = h.state();
    let s = app.session();
    assert!(app.error().is_none(), "{:?}", app.error());
    assert_eq!(s.project().scenarios.len(), scenarios + 1);
    let shown = s.current().expect("a scenario shown");
    assert_eq!(shown.name, "west", "the new scenario is shown");
    assert_eq!(shown.territories.len(), 2);
    let notice = app.notice().unwrap_or_default();
    assert!(
        notice.contains("1 repaired") && notice.contains("Bow"),
        "{notice}"
    );
    assert!(notice.contains("no rep named Nobody"), "{notice}");
    assert_eq!(
        Session::open_read_only(&path).expect("reopen").project(),
        s.project(),
        "in the file at once"
    );
}

#[test]
fn undo_and_redo_of_an_accounts_import_run_in_the_background() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut h) = saved_demo(&dir);
    let before = h.state().session().project().clone();
    // An import of 2,000 accounts, as the import dialog makes it.
    let extra = tessera::synth::project(2_000, 4, 3).accounts;
    let next = before.accounts.next_id().0;
    let added = (0..extra.len())
        .map(|i| {
            let mut a = extra.get(i);
            a.id = AccountId(next + i as u32);
            a.external_id = format!("X-{i}");
            a
        })
        .collect();
    let import = Edit {
        description: "Import 2,000 accounts".into(),
        changes: vec![Change::Accounts {
            added,
            removed: Vec::new(),
            updated: Vec::new(),
        }],
    };
    h.state_mut().apply(Command::Edit(import), SIZE);
    h.state_mut().wait_for_background();
    let imported = before.accounts.len() + 2_000;
    assert_eq!(h.state().session().project().accounts.len(), imported);
    // Its own write is not taken for another program's (a reload would drop the history).
    assert!(!h.state_mut().poll_file(), "reloaded after its own import");
    h.state_mut().apply(Command::Undo, SIZE);
    {
        let app = h.state();
        assert!(app.session().is_busy(), "the undo runs in the background");
        assert!(
            app.working()
                .is_some_and(|(w, _)| w.starts_with("Undo Import"))
        );
        // Meanwhile the window draws the project as it was.
        assert_eq!(app.session().project().accounts.len(), imported);
    }
    h.run_steps(1);
    h.state_mut().wait_for_background();
    h.run_steps(1);
    let s = h.state().session();
    assert_eq!(s.project().accounts.len(), before.accounts.len());
    assert_eq!(
        Session::open_read_only(&path).expect("reopen").project(),
        s.project()
    );
    h.state_mut().apply(Command::Redo, SIZE);
    assert!(h.state().session().is_busy(), "the redo too");
    h.state_mut().wait_for_background();
    assert!(!h.state_mut().poll_file(), "reloaded after its own redo");
    let s = h.state().session();
    assert_eq!(s.project().accounts.len(), imported);
    assert_eq!(s.history().undo_len(), 1);
    assert_eq!(
        Session::open_read_only(&path).expect("reopen").project(),
        s.project()
    );
}

#[test]
fn compare_computes_both_plans_in_the_background_with_progress() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, mut h) = saved_demo(&dir);
    let project = h.state().session().project().clone();
    let (dup, id) =
        tessera::edit::scenarios::duplicate_scenario(&project, project.scenarios[0].id, "B")
            .expect("duplicate");
    h.state_mut().apply(Command::EditAndShow(dup, id), SIZE);
    h.state_mut().wait_for_background();
    h.state_mut().apply(Command::Compare(true), SIZE);
    h.run_steps(1);
    let view = h.state().compare_view().expect("the compare view");
    assert!(view.comparison().is_none() && view.computing().is_some());
    assert!(h.query_by_label_contains("Comparing both plans").is_some());
    h.state_mut()
        .compare_view_mut()
        .expect("the compare view")
        .wait();
    h.run_steps(2);
    let view = h.state().compare_view().expect("the compare view");
    let c = view.comparison().expect("compared");
    assert_eq!(c.disruption.moves.len(), 0, "a duplicate moves nobody");
    assert!(h.query_by_label_contains("Comparing both plans").is_none());
}
