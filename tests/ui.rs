//! The window, driven headless with egui_kittest: selection, the balance panel, tooltips and
//! error messages, asserted against the app state and the engine.

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tessera::app::{Command, Document, TesseraApp};
use tessera::engine::balance::BalanceMetric;

fn harness() -> Harness<'static, TesseraApp> {
    let app = TesseraApp::new(Document::demo().expect("demo"));
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1400.0, 860.0))
        .build_ui_state(|ui, app: &mut TesseraApp| app.show(ui), app);
    harness.run_steps(4);
    harness
}

#[test]
fn clicking_a_territory_selects_it_and_centres_the_map_on_it() {
    let mut harness = harness();
    harness.get_by_label("Zuid\nLucas Visser").click();
    harness.run_steps(3);
    assert_eq!(harness.state().selected, Some(3));
    let centre = harness
        .state()
        .map
        .memory
        .detached()
        .expect("the map moved");
    // Zuid spans roughly 3.4-6.2 E, 50.75-51.9 N.
    assert!(
        centre.x() > 3.3 && centre.x() < 6.3 && centre.y() > 50.7 && centre.y() < 52.0,
        "{centre:?}"
    );
}

#[test]
fn switching_the_balance_metric_shows_the_engines_values() {
    let mut harness = harness();
    harness.state_mut().apply(
        Command::SetMetric(BalanceMetric::Accounts),
        Vec2::new(700.0, 700.0),
    );
    harness.run_steps(2);
    let report = harness.state().doc.report.clone();
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
    assert_eq!(harness.state().metric, BalanceMetric::Potential);
    for t in &report.territories {
        let text = tessera::app::value_text(BalanceMetric::Potential, t.metrics.potential);
        assert!(
            harness.query_by_label(&text).is_some(),
            "{} shows {text}",
            t.name
        );
    }
}

#[test]
fn hovering_an_account_shows_its_tooltip() {
    let mut harness = harness();
    let (name, point) = {
        let app = harness.state();
        let screen = app.map.last_screen.expect("the map was drawn");
        let accounts = &app.doc.project.accounts;
        // An account well inside the map, away from the panels.
        let row = (0..accounts.len())
            .find(|&i| {
                let p = screen.point(accounts.lons()[i], accounts.lats()[i]);
                screen.rect.shrink(60.0).contains(p)
            })
            .expect("an account on screen");
        (
            accounts.name(row).to_string(),
            screen.point(accounts.lons()[row], accounts.lats()[row]),
        )
    };
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
fn opening_a_file_that_is_not_a_project_shows_the_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("leads.csv");
    std::fs::write(&path, "name,lat,lon\nA,52,5\n").expect("write");
    let mut harness = harness();
    harness
        .state_mut()
        .apply(Command::Open(path.clone()), Vec2::new(700.0, 700.0));
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("is not a Tessera project")
            .is_some()
    );
    assert_eq!(
        harness.state().doc.project.name,
        "Demo: the Netherlands in 4 regions",
        "the demo stays open"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "name,lat,lon\nA,52,5\n"
    );
}

#[test]
fn map_buttons_zoom_in_and_out() {
    let mut harness = harness();
    let before = harness.state().map.memory.zoom();
    harness.get_by_label("+").click();
    harness.run_steps(2);
    let zoomed = harness.state().map.memory.zoom();
    assert!((zoomed - before - 1.0).abs() < 1e-9, "{before} -> {zoomed}");
    harness.get_by_label("-").click();
    harness.run_steps(2);
    assert!((harness.state().map.memory.zoom() - before).abs() < 1e-9);
}

#[test]
fn widening_the_tolerance_updates_the_balance_flags() {
    let mut harness = harness();
    let outside = |app: &TesseraApp| {
        let b = app
            .doc
            .report
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
    assert_eq!(harness.state().doc.report.tolerance, 0.5);
    assert_eq!(
        outside(harness.state()),
        0,
        "every territory is within 50 % of the mean"
    );
}
