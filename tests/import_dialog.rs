//! Files in and out from the window, driven headless with egui_kittest: the accounts mapping
//! dialog (preview, re-plan, undoable import, a large import in the background with Cancel)
//! and the report of repaired territories.

mod common;

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tessera::app::{Command, TesseraApp};
use tessera::session::Session;

fn harness() -> Harness<'static, TesseraApp> {
    common::demo_window(common::WINDOW, 4)
}

#[test]
fn the_accounts_mapping_dialog_previews_replans_and_imports_undoably() {
    let export =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/crm-export-nl.csv");
    let mut harness = harness();
    let size = Vec2::new(700.0, 700.0);
    harness
        .state_mut()
        .apply(Command::ImportAccounts(export), size);
    until_idle(&mut harness);
    let shows =
        |h: &Harness<'static, TesseraApp>, text: &str| h.query_by_label_contains(text).is_some();
    assert!(shows(&harness, "5 added, 0 updated"), "the plan is shown");
    assert!(shows(&harness, "line 5 (Plaats): no place named"));
    // Take the name role off its column: the plan says what is missing.
    harness.get_by_value("name").click();
    harness.run_steps(2);
    harness
        .get_all_by_label("(keep as extra)")
        .last()
        .expect("the option")
        .click();
    // The plan is recomputed on another thread: wait for it (a busy machine takes longer).
    harness.run_steps(1);
    until_idle(&mut harness);
    assert!(shows(&harness, "no name column"));
    // And back.
    harness
        .get_all_by_value("(keep as extra)")
        .next()
        .expect("Naam's role (the first extra column)")
        .click();
    harness.run_steps(2);
    harness.get_by_label("name").click();
    harness.run_steps(1);
    until_idle(&mut harness);
    assert!(shows(&harness, "5 added"));
    harness.get_by_label("Import").click();
    harness.run_steps(1);
    until_idle(&mut harness);
    let accounts = |h: &Harness<'static, TesseraApp>| h.state().session().project().accounts.len();
    assert_eq!(accounts(&harness), 1017 + 5);
    assert!(
        harness.state().import_dialog().is_none(),
        "the dialog closed"
    );
    assert_eq!(
        harness.state().session().report().accounts,
        1017 + 5,
        "the plan includes them"
    );
    harness.state_mut().apply(Command::Undo, size);
    assert_eq!(accounts(&harness), 1017);
    harness.state_mut().apply(Command::Redo, size);
    assert_eq!(accounts(&harness), 1017 + 5);
    harness.run_steps(2);
}

#[test]
fn a_repaired_territory_is_reported_in_the_window() {
    let bow_tie = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/self-intersecting.geojson");
    let mut harness = harness();
    harness.state_mut().apply(
        Command::ImportTerritories(bow_tie, false),
        Vec2::new(700.0, 700.0),
    );
    harness.run_steps(2);
    assert_eq!(harness.state().error(), None);
    assert_eq!(
        harness
            .state()
            .session()
            .current()
            .map(|s| s.territories.len()),
        Some(5)
    );
    assert!(
        harness
            .query_by_label_contains("feature 1 (X): repaired invalid geometry")
            .is_some(),
        "the import report names the repaired feature"
    );
    harness.get_by_label("OK").click();
    harness.run_steps(2);
    assert_eq!(harness.state().notice(), None, "closed");
}

/// Runs frames until the import dialog waits for nothing (or is closed).
fn until_idle(harness: &mut Harness<'static, TesseraApp>) {
    for _ in 0..3000 {
        harness.step();
        if harness.state().import_dialog().is_none_or(|d| !d.is_busy()) {
            harness.run_steps(1);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the import did not finish within 15 s");
}

#[test]
fn a_large_accounts_import_runs_in_the_background_and_cancel_changes_nothing() {
    use tessera::store::ProjectFile;
    let dir = tempfile::tempdir().expect("tempdir");
    let rows = |n: usize, prefix: &str| {
        let mut text = String::from("Klantnummer;Naam;Breedtegraad;Lengtegraad;Potentie\n");
        for i in 0..n {
            text += &format!(
                "{prefix}-{i};Bedrijf {i};52,{:04};5,{:04};€ 1.000\n",
                i % 9973,
                (i * 7) % 9973
            );
        }
        text
    };
    let (first, second) = (dir.path().join("crm.csv"), dir.path().join("crm-2.csv"));
    std::fs::write(&first, rows(5000, "A")).expect("write");
    std::fs::write(&second, rows(5000, "B")).expect("write");
    let project = dir.path().join("p.tessera");
    drop(ProjectFile::create(&project, &tessera::demo::project().expect("demo")).expect("create"));
    let mut harness = common::window(
        Session::open(&project).expect("open"),
        Vec2::new(1400.0, 860.0),
        2,
    );
    let size = Vec2::new(700.0, 700.0);

    harness
        .state_mut()
        .apply(Command::ImportAccounts(first), size);
    harness.run_steps(2);
    // The first frames show the file being read, with a way out.
    assert!(harness.query_by_label_contains("Reading crm.csv").is_some());
    assert!(harness.query_by_label("Cancel").is_some());
    until_idle(&mut harness);
    assert!(
        harness
            .query_by_label_contains("5000 added, 0 updated")
            .is_some(),
        "the plan is shown"
    );
    harness.get_by_label("Import").click();
    harness.run_steps(2);
    // Writing: a spinner, no Cancel, and the document refuses edits until it is done.
    assert!(
        harness
            .query_by_label_contains("Writing 5,000 accounts")
            .is_some()
    );
    assert!(harness.query_by_label("Cancel").is_none());
    assert!(harness.state().session().is_busy());
    let copy = dir.path().join("copy.tessera");
    harness
        .state_mut()
        .apply(Command::SaveAs(copy.clone()), size);
    assert!(!copy.exists(), "Save As waits for the write");
    assert!(
        harness
            .state()
            .error()
            .unwrap_or_default()
            .contains("busy with a change"),
        "{:?}",
        harness.state().error()
    );
    harness.state_mut().dismiss_error();
    until_idle(&mut harness);
    assert!(
        harness.state().import_dialog().is_none(),
        "the dialog closed"
    );
    assert!(!harness.state().session().is_busy());
    assert_eq!(
        harness.state().session().project().accounts.len(),
        1017 + 5000
    );
    assert_eq!(harness.state().session().report().accounts, 1017 + 5000);
    let (_, on_disk) = ProjectFile::open(&project).expect("reopen");
    assert_eq!(on_disk.accounts.len(), 1017 + 5000, "written to the file");

    // Cancel a second import while it is under way: nothing changes, in memory or on disk.
    let files = |p: &std::path::Path| {
        ["", "-wal"].map(|suffix| std::fs::read(format!("{}{suffix}", p.display())).ok())
    };
    let before = files(&project);
    for cancel_after in [0, 1] {
        harness
            .state_mut()
            .apply(Command::ImportAccounts(second.clone()), size);
        harness.run_steps(2 + cancel_after);
        harness.get_by_label("Cancel").click();
        harness.run_steps(1);
        assert!(harness.state().import_dialog().is_none(), "cancelled");
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    harness.run_steps(3);
    assert_eq!(
        harness.state().session().project().accounts.len(),
        1017 + 5000
    );
    assert_eq!(
        harness.state().session().history().undo_len(),
        1,
        "only the first import"
    );
    assert_eq!(files(&project), before, "the file is untouched");
    // The first import undoes as one step.
    harness.state_mut().apply(Command::Undo, size);
    assert_eq!(harness.state().session().project().accounts.len(), 1017);
}

#[test]
fn the_mapping_dialog_asks_for_unknown_statuses_defaults_and_name_matching() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("crm.csv");
    // Two status values that are no known word, rows without potential or visits, and
    // (after the first import) rows without an external id that the project already has.
    std::fs::write(
        &csv,
        "naam;lat;lon;status;grootte;potentie\nA;52,09;5,12;VIP;MKB;\nB;52,37;4,89;;MKB;1000\nC;51,92;4,48;klant;;\n",
    )
    .expect("write");
    let mut harness = harness();
    let size = Vec2::new(900.0, 800.0);
    harness
        .state_mut()
        .apply(Command::ImportAccounts(csv.clone()), size);
    until_idle(&mut harness);
    let shows =
        |h: &Harness<'static, TesseraApp>, text: &str| h.query_by_label_contains(text).is_some();
    assert!(shows(&harness, "Status values: what does each mean?"));
    assert!(shows(&harness, "(empty) (1 rows), \"vip\" (1 rows)"));
    assert!(shows(&harness, "2 rows have no potential"));
    assert!(shows(&harness, "3 rows have no visits per year"));
    let import_enabled = |h: &Harness<'static, TesseraApp>| {
        use egui_kittest::kittest::NodeT;
        !h.get_by_label("Import").accesskit_node().is_disabled()
    };
    assert!(!import_enabled(&harness), "waits for the status answers");
    // Answer both values: customer for "vip", prospect for the empty one.
    for (k, answer) in [(0, "prospect"), (0, "customer")] {
        harness
            .get_all_by_value("(choose)")
            .nth(k)
            .expect("an unanswered value")
            .click();
        harness.run_steps(2);
        harness.get_by_label(answer).click();
        harness.run_steps(1);
        until_idle(&mut harness);
    }
    // Defaults: potential from the territory, 6 visits a year for size class MKB.
    harness
        .get_by_label_contains("Potential: the territory's average deal")
        .click();
    harness.run_steps(1);
    until_idle(&mut harness);
    harness
        .get_by_label("Visits per year, size class MKB")
        .click();
    harness.run_steps(1);
    until_idle(&mut harness);
    assert!(shows(
        &harness,
        "2 rows without potential get their territory's average deal x conversion"
    ));
    assert!(shows(&harness, "2 rows without visits get the default"));
    assert!(import_enabled(&harness));
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("mapping-dialog.png");
        image.save(&out).expect("png");
    }
    let mapping = harness
        .state()
        .import_dialog()
        .expect("open")
        .mapping
        .clone();
    use tessera::model::AccountStatus;
    assert_eq!(mapping.statuses.get("vip"), Some(&AccountStatus::Customer));
    assert_eq!(mapping.statuses.get(""), Some(&AccountStatus::Prospect));
    assert!(mapping.defaults.potential_from_territory);
    assert_eq!(mapping.defaults.visits_by_size.get("MKB"), Some(&4.0));
    harness.get_by_label("Import").click();
    harness.run_steps(1);
    until_idle(&mut harness);
    let accounts = &harness.state().session().project().accounts;
    let a = accounts.get(accounts.len() - 3);
    assert_eq!(
        (a.name.as_str(), a.status, a.potential, a.visits_per_year),
        ("A", AccountStatus::Customer, 4000.0, 4.0)
    );

    // The same file again: the dialog warns and offers to match by name and place.
    harness
        .state_mut()
        .apply(Command::ImportAccounts(csv), size);
    until_idle(&mut harness);
    for (k, answer) in [(0, "prospect"), (0, "customer")] {
        harness
            .get_all_by_value("(choose)")
            .nth(k)
            .expect("an unanswered value")
            .click();
        harness.run_steps(2);
        harness.get_by_label(answer).click();
        harness.run_steps(1);
        until_idle(&mut harness);
    }
    assert!(shows(
        &harness,
        "3 rows without an external id have the name and place"
    ));
    harness
        .get_by_label_contains("Match rows without an external id by name and place")
        .click();
    harness.run_steps(1);
    until_idle(&mut harness);
    assert!(shows(&harness, "3 matched by name and place"), "matched");
    if let Ok(image) = harness.render() {
        let out =
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("mapping-dialog-match.png");
        image.save(&out).expect("png");
    }
}

#[test]
fn territory_import_offers_the_text_properties_and_guesses_the_name() {
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/qgis-regio.geojson");
    let mut harness = harness();
    let size = Vec2::new(700.0, 700.0);
    harness
        .state_mut()
        .apply(Command::ChooseTerritoryNames(file, true), size);
    harness.run_steps(3);
    let dialog = harness.state().territory_names_dialog().expect("asks");
    assert_eq!(dialog.keys, ["code", "regio"]);
    assert_eq!(dialog.chosen, "regio", "guessed");
    assert!(
        harness
            .query_by_label_contains("Noord, Oost, Zuid")
            .is_some()
    );
    harness.get_by_value("regio").click();
    harness.run_steps(2);
    harness.get_by_label("code").click();
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("N, O, Z").is_some());
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("territory-names.png");
        image.save(&out).expect("png");
    }
    harness.get_by_label("Import").click();
    harness.run_steps(2);
    let session = harness.state().session();
    let names: Vec<&str> = session
        .current()
        .expect("the new scenario")
        .territories
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["N", "O", "Z"]);
}

#[test]
fn the_mapping_dialog_guesses_a_postcode_column_and_places_rows_by_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("leads.csv");
    std::fs::write(
        &file,
        "Company,PC4,City\nA,1011,\nB,9999 AA,Den Haag\nC,12345,\nD,,Den Bosch\n",
    )
    .expect("write");
    let mut harness = harness();
    let size = Vec2::new(700.0, 700.0);
    harness
        .state_mut()
        .apply(Command::ImportAccounts(file), size);
    until_idle(&mut harness);
    let shows =
        |h: &Harness<'static, TesseraApp>, text: &str| h.query_by_label_contains(text).is_some();
    // The PC4 column is offered as postcode; a postcode beats the place of the same row.
    assert!(harness.query_by_value("postcode").is_some(), "guessed");
    assert!(shows(&harness, "3 added, 0 updated"), "the plan is shown");
    assert!(shows(
        &harness,
        "2 located by postcode; 1 located by place name"
    ));
    assert!(shows(
        &harness,
        "line 4 (PC4): postcode \"12345\" is not a Dutch postcode"
    ));
    harness.get_by_label("Import").click();
    harness.run_steps(1);
    until_idle(&mut harness);
    let session = harness.state().session();
    let a = &session.project().accounts;
    let unit = |name: &str| {
        let row = (0..a.len()).find(|&i| a.name(i) == name).expect(name);
        session
            .account_unit(row, "nl-pc4")
            .expect("layer")
            .map(|u| (u.code, u.name))
    };
    assert_eq!(unit("A"), Some(("1011".into(), "Amsterdam".into())));
    assert_eq!(unit("B"), Some(("9999".into(), "Stitswerd".into())));
    assert_eq!(
        unit("D").map(|(_, place)| place),
        Some("'s-Hertogenbosch".into())
    );
}
