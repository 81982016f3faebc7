//! The window, driven headless with egui_kittest: selection, the balance panel, tooltips and
//! error messages, asserted against the app state and the engine.

mod common;

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tessera::app::{Command, LonLat, TesseraApp};
use tessera::engine::balance::BalanceMetric;
use tessera::session::Session;

fn harness() -> Harness<'static, TesseraApp> {
    common::demo_window(common::WINDOW, 4)
}

#[test]
fn clicking_a_territory_selects_it_and_centres_the_map_on_it() {
    let mut harness = harness();
    harness.get_by_label("Zuid\nLucas Visser").click();
    harness.run_steps(3);
    assert_eq!(harness.state().selected_territory(), Some(3));
    let centre = harness
        .state()
        .map()
        .memory
        .detached()
        .expect("the map moved");
    // Zuid spans roughly 3.4-6.2 E, 50.75-51.9 N.
    assert!(
        centre.x() > 3.3 && centre.x() < 6.3 && centre.y() > 50.7 && centre.y() < 52.0,
        "{centre:?}"
    );
}

/// The "vs mean" cells of the territory list, in order.
fn vs_mean_cells(harness: &Harness<'static, TesseraApp>, metric: BalanceMetric) -> Vec<String> {
    let balance = harness
        .state()
        .session()
        .report()
        .balance_of(metric)
        .cloned();
    let balance = balance.expect("the metric is measured");
    balance
        .index
        .iter()
        .map(|i| i.map_or("-".to_string(), |i| format!("{:+.0} %", i - 100.0)))
        .collect()
}

#[test]
fn vs_mean_in_the_territory_list_follows_the_balance_metric() {
    let mut harness = harness();
    assert!(harness.query_by_label("vs mean\n(workload)").is_some());
    let workload = vs_mean_cells(&harness, BalanceMetric::Workload);
    for text in &workload {
        assert!(harness.query_by_label(text).is_some(), "workload {text}");
    }
    harness.state_mut().apply(
        Command::SetMetric(BalanceMetric::Potential),
        Vec2::new(700.0, 700.0),
    );
    harness.run_steps(2);
    assert!(harness.query_by_label("vs mean\n(potential)").is_some());
    assert!(harness.query_by_label("vs mean\n(workload)").is_none());
    let potential = vs_mean_cells(&harness, BalanceMetric::Potential);
    assert_ne!(potential, workload, "the demo's metrics differ");
    for text in &potential {
        assert!(harness.query_by_label(text).is_some(), "potential {text}");
    }
    for text in workload.iter().filter(|w| !potential.contains(w)) {
        assert!(
            harness.query_by_label(text).is_none(),
            "still workload {text}"
        );
    }
}

#[test]
fn switching_the_balance_metric_shows_the_engines_values() {
    let mut harness = harness();
    harness.state_mut().apply(
        Command::SetMetric(BalanceMetric::Accounts),
        Vec2::new(700.0, 700.0),
    );
    harness.run_steps(2);
    let report = harness.state().session().report().clone();
    for t in &report.territories {
        // The territory list shows the count too: the balance panel makes it two.
        let text = tessera::app::value_text(BalanceMetric::Accounts, t.metrics.accounts as f64);
        assert_eq!(
            harness.query_all_by_label(&text).count(),
            2,
            "{} shows {text}",
            t.name
        );
    }
    // And through the combo box, as a user would.
    harness.get_by_label("Metric").click();
    harness.run_steps(2);
    harness.get_by_label("potential").click();
    harness.run_steps(2);
    assert_eq!(harness.state().metric(), BalanceMetric::Potential);
    for t in &report.territories {
        let text = tessera::app::value_text(BalanceMetric::Potential, t.metrics.potential);
        assert!(
            harness.query_by_label(&text).is_some(),
            "{} shows {text}",
            t.name
        );
    }
}

/// Presses and releases the primary button at `pos`, leaving the pointer there.
fn click_at(harness: &Harness<'static, TesseraApp>, pos: egui::Pos2) {
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
}

/// An account drawn well inside the map (away from panels and buttons), with its screen point.
fn account_on_screen(app: &TesseraApp) -> (usize, egui::Pos2) {
    let screen = app.map().last_screen.expect("the map was drawn");
    let accounts = &app.session().project().accounts;
    let row = (0..accounts.len())
        .find(|&i| {
            let p = screen.to_screen(LonLat::new(accounts.lons()[i], accounts.lats()[i]));
            screen.rect.shrink(60.0).contains(p)
        })
        .expect("an account on screen");
    (
        row,
        screen.to_screen(LonLat::new(accounts.lons()[row], accounts.lats()[row])),
    )
}

#[test]
fn hovering_an_account_shows_its_tooltip() {
    let mut harness = harness();
    let (row, point) = account_on_screen(harness.state());
    let name = harness
        .state()
        .session()
        .project()
        .accounts
        .name(row)
        .to_string();
    harness.hover_at(point);
    // Tooltips wait for the pointer to rest (half a second of frames).
    harness.run_steps(60);
    assert!(
        harness.query_by_label(&name).is_some(),
        "tooltip names {name}"
    );
    assert!(harness.query_by_label_contains("Territory: ").is_some());
}

#[test]
fn a_key_account_is_marked_and_its_tooltip_names_its_territory() {
    let mut harness = harness();
    let (row, point) = account_on_screen(harness.state());
    let session = harness.state().session();
    let scenario = session.current().expect("a plan").clone();
    let id = session.project().accounts.ids()[row];
    // The account becomes a key account of a territory that is not its own.
    let owner = session.assignment().owner(row).expect("an owner");
    let other = (owner + 1) % scenario.territories.len();
    let edit = tessera::edit::set_overrides(&scenario, &[id], Some(scenario.territories[other].id))
        .expect("an edit");
    harness
        .state_mut()
        .apply(Command::Edit(edit), Vec2::new(700.0, 700.0));
    harness.run_steps(2);
    assert!(harness.state().session().assignment().is_overridden(row));
    assert!(
        !harness
            .state()
            .session()
            .assignment()
            .is_overridden((row + 1) % 100)
    );
    harness.hover_at(point);
    harness.run_steps(60);
    let expected = format!("Key account of {}", scenario.territories[other].name);
    assert!(harness.query_by_label(&expected).is_some(), "{expected}");
    common::save_png(&mut harness, "key-account.png");
}

#[test]
fn the_legend_explains_the_map_and_can_be_hidden_from_the_view_menu() {
    let mut harness = harness();
    for row in [
        "Legend",
        "Account (its territory's colour)",
        "Gap: in no territory",
        "Overlap: in two or more",
        "Key account (named for a territory)",
        "Rep's home",
        "Territory with a warning (see Balance)",
    ] {
        assert!(harness.query_by_label(row).is_some(), "{row}");
    }
    // Every territory of the demo is listed (its name shows in the list, on the map and in
    // the legend).
    for t in &harness.state().session().report().territories {
        assert!(
            harness.query_all_by_label(&t.name).count() >= 1,
            "{}",
            t.name
        );
    }
    common::save_png(&mut harness, "legend.png");
    harness.get_by_label("View").click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(egui::accesskit::Role::CheckBox, "Legend")
        .click();
    harness.run_steps(2);
    assert!(harness.state().preferences().hide_legend);
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("Key account (named for a territory)")
            .is_none()
    );
}

/// Opens the search box with Ctrl+F and types `query` into it (the field has the focus).
fn type_search(harness: &mut Harness<'static, TesseraApp>, query: &str) {
    use egui_kittest::kittest::NodeT;
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(3);
    harness
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| n.accesskit_node().is_focused())
        .expect("the search field has the focus")
        .type_text(query);
    harness.run_steps(2);
}

/// Searches `query` and presses Enter.
fn search(harness: &mut Harness<'static, TesseraApp>, query: &str) {
    type_search(harness, query);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
}

/// The map's centre (lon, lat).
fn map_centre(harness: &Harness<'static, TesseraApp>) -> (f64, f64) {
    let p = harness
        .state()
        .map()
        .memory
        .detached()
        .expect("the map was moved");
    (p.x(), p.y())
}

#[test]
fn search_finds_an_account_a_place_and_a_postcode_and_zooms_to_them() {
    let mut harness = harness();
    // An account by its name: selected, the map centred on it.
    let row = 11;
    let (name, lon, lat) = {
        let a = &harness.state().session().project().accounts;
        (a.name(row).to_string(), a.lons()[row], a.lats()[row])
    };
    search(&mut harness, &name);
    assert_eq!(harness.state().selected_account(), Some(row));
    let (x, y) = map_centre(&harness);
    assert!((x - lon).abs() < 1e-6 && (y - lat).abs() < 1e-6, "{x} {y}");
    assert!(harness.state().map().memory.zoom() >= 11.0);
    assert!(harness.query_by_label("Search").is_none(), "the box closes");
    // A place.
    search(&mut harness, "Zwolle");
    let (x, y) = map_centre(&harness);
    assert!(
        (x - 6.09).abs() < 0.05 && (y - 52.51).abs() < 0.05,
        "Zwolle at {x} {y}"
    );
    // A postcode area: 9711 is the centre of Groningen.
    search(&mut harness, "9711");
    let (x, y) = map_centre(&harness);
    assert!(
        (x - 6.57).abs() < 0.05 && (y - 53.22).abs() < 0.05,
        "9711 at {x} {y}"
    );
    // The list shows what was found, before Enter.
    type_search(&mut harness, "West");
    assert!(harness.query_by_label("Territory: West").is_some());
    common::save_png(&mut harness, "search.png");
    harness.get_by_label("Territory: West").click();
    harness.run_steps(3);
    assert_eq!(harness.state().selected_territory(), Some(2));
}

#[test]
fn opening_a_file_that_is_not_a_project_shows_the_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("leads.csv");
    std::fs::write(&path, "name,lat,lon\nA,52,5\n").expect("write");
    let mut harness = harness();
    harness
        .state_mut()
        .apply(Command::Open(path.clone()), Vec2::new(700.0, 700.0));
    // The open runs on another thread: take its outcome, then draw it.
    harness.state_mut().wait_for_background();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("is not a Tessera project")
            .is_some()
    );
    assert_eq!(
        harness.state().session().project().name,
        "Demo: the Netherlands in 4 regions",
        "the demo stays open"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "name,lat,lon\nA,52,5\n"
    );
}

#[test]
fn the_mouse_wheel_zooms_about_the_pointer() {
    let mut harness = harness();
    let utrecht = geo::Coord { x: 5.12, y: 52.09 };
    let at = common::screen_point(&harness, utrecht);
    let before = harness.state().map().memory.zoom();
    harness.event(egui::Event::PointerMoved(at));
    harness.run_steps(1);
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: Vec2::new(0.0, 3.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(20);
    let zoomed = harness.state().map().memory.zoom();
    assert!(zoomed > before + 0.2, "zoom {before} -> {zoomed}");
    let still = common::screen_point(&harness, utrecht);
    assert!(
        (still - at).length() < 3.0,
        "Utrecht moved from {at:?} to {still:?}: the zoom is not about the pointer"
    );
}

#[test]
fn f12_shows_and_hides_the_frame_time() {
    let mut harness = harness();
    assert!(
        harness
            .query_by_label_contains("Frame time (F12)")
            .is_none()
    );
    harness.key_press(egui::Key::F12);
    harness.run_steps(3);
    let overlay = harness.get_by_label_contains("Frame time (F12)");
    let text = {
        use egui_kittest::kittest::NodeT;
        let node = overlay.accesskit_node();
        node.label().or(node.value()).unwrap_or_default()
    };
    let mean: f64 = text
        .split("Tessera: ")
        .nth(1)
        .and_then(|rest| rest.split(" ms").next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no frame time in {text:?}"));
    assert!(mean > 0.0, "{text}");
    common::save_png(&mut harness, "frame-time.png");
    harness.key_press(egui::Key::F12);
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("Frame time (F12)")
            .is_none()
    );
}

#[test]
fn the_rename_dialog_has_fields_wide_enough_to_read() {
    use egui_kittest::kittest::NodeT;
    let mut harness = harness();
    harness.get_by_label("Rename…").click();
    harness.run_steps(3);
    let name = harness
        .state()
        .session()
        .current()
        .expect("a plan")
        .name
        .clone();
    let widths: Vec<f64> = harness
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .chain(harness.query_all_by_role(egui::accesskit::Role::MultilineTextInput))
        .filter(|n| {
            let node = n.accesskit_node();
            node.value()
                .is_some_and(|v| v == name || v.starts_with("The worked example"))
        })
        .filter_map(|n| n.accesskit_node().bounding_box().map(|b| b.width()))
        .collect();
    common::save_png(&mut harness, "rename-dialog.png");
    assert_eq!(widths.len(), 2, "the name and notes fields: {widths:?}");
    for &width in &widths {
        assert!(width >= 300.0, "a field is {width} px wide: {widths:?}");
    }
}

#[test]
fn the_balance_panel_warns_of_reps_over_capacity_and_a_warning_selects_its_territory() {
    let mut harness = harness();
    let report = harness.state().session().report().clone();
    let over: Vec<(usize, String)> = report
        .territories
        .iter()
        .enumerate()
        .filter_map(|(t, row)| {
            let used = row.metrics.capacity_use.filter(|u| *u > 1.0)?;
            let rep = row.rep.clone()?;
            Some((
                t,
                format!(
                    "! {rep} is at {:.0} % of capacity in {}",
                    used * 100.0,
                    row.name
                ),
            ))
        })
        .collect();
    assert!(!over.is_empty(), "the demo has reps over capacity");
    assert!(
        harness
            .query_by_label(&format!("Warnings ({})", over.len()))
            .is_some()
    );
    for (_, text) in &over {
        assert!(harness.query_by_label(text).is_some(), "{text}");
    }
    let (t, text) = &over[0];
    harness.get_by_label(text).click();
    harness.run_steps(2);
    assert_eq!(harness.state().selected_territory(), Some(*t));
    common::save_png(&mut harness, "warnings.png");
}

#[test]
fn help_has_a_getting_started_that_opens_and_closes() {
    let mut harness = harness();
    assert!(
        harness
            .query_by_label("First three things to try")
            .is_none()
    );
    harness.get_by_label("Help").click();
    harness.run_steps(2);
    harness.get_by_label("Getting started").click();
    harness.run_steps(3);
    assert!(
        harness
            .query_by_label("First three things to try")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("Press R (Reshape) and drag a border")
            .is_some()
    );
    common::save_png(&mut harness, "getting-started.png");
    harness.get_by_label("Close window").click();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("First three things to try")
            .is_none()
    );
}

#[test]
fn map_buttons_zoom_in_and_out() {
    let mut harness = harness();
    let before = harness.state().map().memory.zoom();
    harness.get_by_label("+").click();
    harness.run_steps(2);
    let zoomed = harness.state().map().memory.zoom();
    assert!((zoomed - before - 1.0).abs() < 1e-9, "{before} -> {zoomed}");
    harness.get_by_label("-").click();
    harness.run_steps(2);
    assert!((harness.state().map().memory.zoom() - before).abs() < 1e-9);
}

#[test]
fn widening_the_tolerance_updates_the_balance_flags() {
    let mut harness = harness();
    let outside = |app: &TesseraApp| {
        let b = app
            .session()
            .report()
            .balance_of(BalanceMetric::Workload)
            .expect("workload balance");
        b.outside_tolerance.iter().filter(|o| **o).count()
    };
    assert!(
        outside(harness.state()) > 0,
        "the demo has unbalanced workload at 10 %"
    );
    harness
        .state_mut()
        .apply(Command::SetTolerance(0.5), Vec2::new(700.0, 700.0));
    harness.run_steps(2);
    assert_eq!(harness.state().session().report().tolerance, 0.5);
    assert_eq!(
        outside(harness.state()),
        0,
        "every territory is within 50 % of the mean"
    );
    // A settings change like any edit: in History, undoable, redoable.
    assert_eq!(
        harness.state().session().history().next_undo(),
        Some("Set the balance tolerance to ±50 %")
    );
    harness
        .state_mut()
        .apply(Command::Undo, Vec2::new(700.0, 700.0));
    harness.run_steps(2);
    assert_eq!(harness.state().session().report().tolerance, 0.1);
    assert!(outside(harness.state()) > 0, "the flags are back");
    harness
        .state_mut()
        .apply(Command::Redo, Vec2::new(700.0, 700.0));
    assert_eq!(
        harness
            .state()
            .session()
            .project()
            .settings
            .balance_tolerance,
        0.5
    );
}

#[test]
fn a_saved_tolerance_is_in_the_file_and_typing_it_makes_one_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plan.tessera");
    let mut harness = harness();
    let size = Vec2::new(700.0, 700.0);
    harness
        .state_mut()
        .apply(Command::SaveAs(path.clone()), size);
    harness.run_steps(2);
    // Typed into the field, as a planner would: one edit, written at once.
    let field = harness.get_by_value("10 %");
    field.click();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_value("10 %").type_text("25");
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    assert_eq!(harness.state().session().history().undo_len(), 1);
    let (_, on_disk) = tessera::store::ProjectFile::open(&path).expect("open");
    assert_eq!(on_disk.settings.balance_tolerance, 0.25);
}

#[test]
fn clicking_an_account_selects_it_and_its_territory() {
    let mut harness = harness();
    let (row, point) = account_on_screen(harness.state());
    harness.hover_at(point);
    harness.run_steps(2);
    click_at(&harness, point);
    harness.run_steps(2);
    let app = harness.state();
    assert_eq!(app.selected_account(), Some(row));
    assert_eq!(
        app.selected_territory(),
        app.session().assignment().owner(row)
    );
    assert!(
        app.selected_territory().is_some(),
        "demo accounts all have a territory"
    );
    let name = app.session().project().accounts.name(row).to_string();
    assert!(
        harness.query_by_label("Selected account").is_some(),
        "the plan panel shows the selected account"
    );
    assert!(harness.query_by_label(&name).is_some(), "{name} is shown");
}

#[test]
fn clicking_inside_a_territory_away_from_accounts_selects_it() {
    let mut harness = harness();
    // Water off the coast selects nothing; a point of Zuid with no account near selects Zuid.
    let (screen, accounts) = {
        let app = harness.state();
        let a = &app.session().project().accounts;
        let points: Vec<(f64, f64)> = a
            .lons()
            .iter()
            .copied()
            .zip(a.lats().iter().copied())
            .collect();
        (app.map().last_screen.expect("drawn"), points)
    };
    let zuid = harness
        .state()
        .session()
        .current()
        .expect("scenario")
        .territories[3]
        .geometry
        .clone();
    let point = (0..400)
        .map(|k| {
            (
                3.5 + 0.0075 * f64::from(k % 20 * 20 + k / 20),
                51.3 + 0.02 * f64::from(k % 20),
            )
        })
        .find(|&(lon, lat)| {
            use geo::Contains;
            let p = screen.to_screen(LonLat::new(lon, lat));
            zuid.contains(&geo::Point::new(lon, lat))
                && screen.rect.shrink(60.0).contains(p)
                && accounts
                    .iter()
                    .all(|&(x, y)| screen.to_screen(LonLat::new(x, y)).distance(p) > 10.0)
        })
        .map(|(lon, lat)| screen.to_screen(LonLat::new(lon, lat)))
        .expect("a spot of Zuid without accounts");
    harness.hover_at(point);
    harness.run_steps(2);
    click_at(&harness, point);
    harness.run_steps(2);
    assert_eq!(harness.state().selected_territory(), Some(3));
    assert_eq!(harness.state().selected_account(), None);
}

#[test]
fn new_creates_an_empty_project_file_and_continues_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("north-2027.tessera");
    let mut harness = harness();
    harness
        .state_mut()
        .apply(Command::New(path.clone()), Vec2::new(700.0, 700.0));
    harness.run_steps(2);
    let app = harness.state();
    assert_eq!(app.error(), None);
    assert_eq!(app.session().path().as_deref(), Some(path.as_path()));
    assert_eq!(app.session().project().name, "north-2027");
    assert_eq!(app.session().project().accounts.len(), 0);
    assert_eq!(app.preferences().recent.first(), Some(&path));
    // The file is a project of its own: it opens with one empty plan.
    // The window holds the file's lock: read it beside it.
    let reopened = Session::open_read_only(&path).expect("the new file opens");
    assert_eq!(reopened.project().scenarios.len(), 1);
    assert!(reopened.project().scenarios[0].territories.is_empty());
}

#[test]
fn the_map_view_is_restored_for_the_last_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("demo.tessera");
    let mut app = TesseraApp::new(Session::demo().expect("demo"));
    app.apply(Command::SaveAs(path.clone()), Vec2::new(700.0, 700.0));
    app.map_mut().memory.center_at(walkers::lon_lat(4.9, 52.37));
    let _ = app.map_mut().memory.set_zoom(11.5);
    app.remember_view();
    let preferences = app.preferences().clone();
    // The window closes (releasing the project's lock) before the next run.
    drop(app);
    // The next run, without a path, opens that project at that view.
    let mut restored = TesseraApp::start(preferences.clone(), None);
    restored.wait_for_background();
    assert_eq!(restored.session().path().as_deref(), Some(path.as_path()));
    let centre = restored
        .map()
        .memory
        .detached()
        .expect("a remembered centre");
    assert!((centre.x() - 4.9).abs() < 1e-9 && (centre.y() - 52.37).abs() < 1e-9);
    assert!((restored.map().memory.zoom() - 11.5).abs() < 1e-9);
    // Another project starts fitted instead: the view belongs to the last project.
    let other = dir.path().join("other.tessera");
    TesseraApp::new(Session::demo().expect("demo"))
        .apply(Command::SaveAs(other.clone()), Vec2::new(700.0, 700.0));
    let mut elsewhere = TesseraApp::start(preferences, Some(other));
    elsewhere.wait_for_background();
    assert!((elsewhere.map().memory.zoom() - 11.5).abs() > 1e-6);
}

#[test]
fn file_export_and_territory_import_work_from_the_window_and_undo() {
    use tessera::session::ExportKind;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = harness();
    let size = Vec2::new(700.0, 700.0);
    for (kind, name) in [
        (ExportKind::GeoJson, "t.geojson"),
        (ExportKind::Csv, "a.csv"),
        (ExportKind::GeoPackage, "d.gpkg"),
    ] {
        harness
            .state_mut()
            .apply(Command::Export(kind, dir.path().join(name)), size);
        assert_eq!(harness.state().error(), None);
        assert!(dir.path().join(name).exists(), "{name} written");
    }
    harness.state_mut().apply(
        Command::ImportTerritories(dir.path().join("t.geojson"), false),
        size,
    );
    harness.run_steps(2);
    let count = |h: &Harness<'static, TesseraApp>| {
        h.state()
            .session()
            .current()
            .map_or(0, |s| s.territories.len())
    };
    assert_eq!(count(&harness), 8);
    harness.state_mut().apply(Command::Undo, size);
    assert_eq!(count(&harness), 4, "one edit, undone at once");
    // A file that is not GeoJSON: a message, nothing changed.
    std::fs::write(dir.path().join("bad.geojson"), "{ not json").expect("write");
    harness.state_mut().apply(
        Command::ImportTerritories(dir.path().join("bad.geojson"), false),
        size,
    );
    let error = harness.state().error().unwrap_or_default().to_owned();
    assert!(
        error.contains("bad.geojson") && error.contains("not a GeoJSON file"),
        "{error}"
    );
    assert_eq!(count(&harness), 4);
    // The same file as a new scenario: shown at once, named after the file; undo removes it.
    harness.state_mut().apply(
        Command::ImportTerritories(dir.path().join("t.geojson"), true),
        size,
    );
    let app = harness.state();
    assert_eq!(app.session().project().scenarios.len(), 2);
    assert_eq!(app.session().current().map(|s| s.name.as_str()), Some("t"));
    assert_eq!(count(&harness), 4);
    harness.state_mut().apply(Command::Undo, size);
    assert_eq!(harness.state().session().project().scenarios.len(), 1);
}

/// File > Export's units entry is there for a plan built from units, and greyed out (with
/// the reason on hover) for a freehand one. `TESSERA_EXPORT_MENU_PNG=/tmp/m.png` renders
/// the open menu (wgpu, as `tests/snapshot.rs`) to look at it.
#[test]
fn the_units_export_is_offered_for_plans_built_from_units_only() {
    let entry = "Units with their territory (for the CRM)…";
    use egui_kittest::kittest::NodeT;
    let enabled = |session: Session| {
        let mut h = common::window(session, common::WINDOW, 2);
        h.get_by_label("File").click();
        h.run_steps(2);
        h.get_by_label("Export").hover();
        h.run_steps(2);
        if let Some(png) = std::env::var_os("TESSERA_EXPORT_MENU_PNG") {
            h.render().expect("render").save(png).expect("save the PNG");
        }
        !h.get_by_label(entry).accesskit_node().is_disabled()
    };
    assert!(!enabled(Session::demo().expect("demo")), "freehand demo");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("demo.tessera");
    let mut session = Session::demo().expect("demo");
    session.save_as(&path).expect("save");
    session
        .snap_to_units("nl-provincie", None, "Provinces")
        .expect("snap");
    session
        .show_scenario_named(Some("Provinces"))
        .expect("shown");
    assert!(enabled(session), "the snapped plan, shown");
}
