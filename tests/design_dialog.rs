//! Plan > Design territories… and Plan > Suggest reps… in the window (issue 14): a small
//! design run from the dialog on another thread becomes a new scenario, shown, compared
//! with the active plan in the compare view, with what it achieved in a notice; the
//! suggested reps are listed for the planner to accept.

mod common;

use egui_kittest::kittest::Queryable;
use tessera::app::Command;

#[test]
fn a_design_made_in_the_dialog_is_a_new_plan_opened_in_the_compare_view() {
    let mut harness = common::demo_window(common::WINDOW, 4);
    harness
        .state_mut()
        .apply(Command::OpenDesign(false), common::WINDOW);
    harness.run_steps(3);
    {
        let dialog = harness
            .state_mut()
            .design_dialog_mut()
            .expect("the dialog is open");
        assert_eq!(dialog.territories, 4, "as many as the plan shown");
        dialog.layer = "nl-gemeente".into();
        dialog.tolerance_pct = 10.0;
    }
    harness.run_steps(2);
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("design-dialog.png");
        image.save(&out).expect("png");
    }
    let before = harness.state().session().project().scenarios.len();
    harness.get_by_label("Design").click();
    harness.run_steps(2);
    assert!(
        harness
            .state()
            .design_dialog()
            .is_none_or(|d| d.is_running()),
        "the search runs"
    );
    harness.state_mut().wait_for_design();
    harness.run_steps(4);
    let session = harness.state().session();
    assert_eq!(session.project().scenarios.len(), before + 1);
    let shown = session.current().expect("a plan is shown");
    assert_eq!(shown.name, "Designed");
    assert_eq!(shown.territories.len(), 4);
    assert_eq!(shown.units.layer.as_deref(), Some("nl-gemeente"));
    assert_eq!(
        session.history().next_undo(),
        Some("Designed 4 territories as Designed")
    );
    assert!(harness.state().compare_view().is_some(), "compared");
    let notice = harness.state().notice().expect("a summary");
    assert!(
        notice.starts_with("Designed \u{201c}Designed\u{201d} in"),
        "{notice}"
    );
    assert!(notice.contains("4 of 4 territories connected"), "{notice}");
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("design-compared.png");
        image.save(&out).expect("png");
    }
}

#[test]
fn the_rebalance_dialog_starts_from_the_plan_shown_and_runs_it() {
    let mut harness = common::demo_window(common::WINDOW, 4);
    harness
        .state_mut()
        .apply(Command::OpenDesign(true), common::WINDOW);
    harness.run_steps(3);
    assert!(harness.query_by_label("Rebalance Current plan").is_some());
    assert!(harness.query_by_label("Units that stay").is_some());
    let dialog = harness.state_mut().design_dialog_mut().expect("open");
    assert_eq!(dialog.into, "Current plan (rebalanced)");
    assert!(dialog.rebalance);
    dialog.locked_units = "4202, 9999;1011".into();
    assert_eq!(dialog.request().locked_units, ["4202", "9999", "1011"]);
    harness.run_steps(2);
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("rebalance-dialog.png");
        image.save(&out).expect("png");
    }
    harness.get_by_label("Rebalance").click();
    harness.run_steps(2);
    harness.state_mut().wait_for_design();
    harness.run_steps(3);
    let notice = harness.state().notice().expect("a summary");
    assert!(notice.starts_with("Rebalanced into"), "{notice}");
    assert!(notice.contains("accounts change rep"), "{notice}");
    assert_eq!(
        harness.state().session().current().map(|s| s.name.as_str()),
        Some("Current plan (rebalanced)")
    );
}

#[test]
fn suggested_reps_are_listed_to_accept() {
    let mut harness = common::demo_window(common::WINDOW, 4);
    harness
        .state_mut()
        .apply(Command::SuggestReps, common::WINDOW);
    harness.run_steps(3);
    let suggestion = harness.state().rep_suggestion().expect("shown");
    assert_eq!(suggestion.territories.len(), 4);
    assert!(suggestion.travel_hours_after <= suggestion.travel_hours_before + 1e-6);
    assert!(harness.query_by_label("Suggested").is_some(), "the table");
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    assert!(harness.state().rep_suggestion().is_none());
}

#[test]
fn in_a_big_project_reps_are_suggested_on_another_thread() {
    let mut harness = common::demo_window(common::WINDOW, 4);
    // Every project counts as big: the suggestion is made on another thread.
    harness.state_mut().set_background_from(0);
    harness
        .state_mut()
        .apply(Command::SuggestReps, common::WINDOW);
    assert_eq!(harness.state().status_note(), Some("Suggesting reps…"));
    harness.state_mut().wait_for_background();
    harness.run_steps(2);
    assert!(harness.state().status_note().is_none());
    let suggestion = harness
        .state()
        .rep_suggestion()
        .expect("shown when it arrives");
    assert_eq!(suggestion.territories.len(), 4);
}

#[test]
fn hexagons_can_be_chosen_to_build_from_and_join_the_project_with_the_plan() {
    let mut harness = common::demo_window(common::WINDOW, 4);
    harness
        .state_mut()
        .apply(Command::OpenDesign(false), common::WINDOW);
    harness.run_steps(3);
    let project = harness.state().session().project().clone();
    let layer = harness.state().design_dialog().expect("open").layer.clone();
    let title = tessera::session::layer_list(&project)
        .into_iter()
        .find(|(k, _)| *k == layer)
        .map(|(_, t)| t)
        .expect("the layer is listed");
    // The "Build from" list, showing the layer chosen.
    harness.get_by_value(&title).click();
    harness.run_steps(2);
    harness
        .get_by_label("Hexagons over the accounts (sized to their density)")
        .click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().design_dialog().expect("open").layer,
        tessera::session::HEXAGONS
    );
    harness.get_by_label("Design").click();
    harness.run_steps(2);
    harness.state_mut().wait_for_design();
    harness.run_steps(4);
    let session = harness.state().session();
    let shown = session.current().expect("a plan is shown");
    let key = shown.units.layer.clone().expect("a plan of units");
    assert!(key.starts_with("hexagons-"), "{key}");
    assert!(
        session.project().unit_layer(&key).is_some(),
        "saved with the plan"
    );
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("design-hexagons.png");
        image.save(&out).expect("png");
    }
}

#[test]
fn three_trade_offs_are_made_side_by_side_and_the_one_picked_becomes_the_plan() {
    let mut harness = common::demo_window(common::WINDOW, 4);
    harness
        .state_mut()
        .apply(Command::OpenDesign(false), common::WINDOW);
    harness.run_steps(3);
    {
        let dialog = harness.state_mut().design_dialog_mut().expect("open");
        dialog.layer = "nl-gemeente".into();
        dialog.tolerance_pct = 10.0;
    }
    harness
        .get_by_label("Three trade-offs to pick from")
        .click();
    harness.run_steps(2);
    let before = harness.state().session().project().scenarios.len();
    harness.get_by_label("Design").click();
    harness.run_steps(2);
    harness.state_mut().wait_for_design();
    harness.run_steps(4);
    // Nothing is added until the planner picks.
    assert_eq!(harness.state().session().project().scenarios.len(), before);
    let dialog = harness.state().design_dialog().expect("still open");
    let names: Vec<&str> = dialog
        .candidates
        .iter()
        .map(|(n, _, _)| n.as_str())
        .collect();
    assert_eq!(names, ["Balance only", "Compactness 1", "Compactness 4"]);
    let compactness = |k: usize| dialog.candidates[k].2.polsby_popper_mean;
    assert!(
        compactness(2) >= compactness(0),
        "weighing compactness gives rounder shapes: {} vs {}",
        compactness(2),
        compactness(0)
    );
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("design-trade-offs.png");
        image.save(&out).expect("png");
    }
    harness.get_by_label("Use Compactness 4").click();
    harness.run_steps(4);
    assert!(harness.state().design_dialog().is_none(), "closed");
    let session = harness.state().session();
    assert_eq!(session.project().scenarios.len(), before + 1);
    assert_eq!(session.current().map(|s| s.name.as_str()), Some("Designed"));
    let notice = harness.state().notice().expect("a summary");
    assert!(
        notice.contains("Designed \u{201c}Designed\u{201d}"),
        "{notice}"
    );
}

#[test]
fn the_accounts_own_numeric_columns_are_offered_to_balance() {
    let mut project = tessera::demo::project().expect("demo");
    let mut accounts = tessera::model::Accounts::default();
    for row in 0..project.accounts.len() {
        let mut account = project.accounts.get(row);
        account
            .extra
            .insert("omzet_2025".into(), format!("{}", 1000 + row % 7 * 250));
        account.extra.insert("branche code".into(), "A12".into());
        accounts.push(&account);
    }
    project.accounts = accounts;
    let session = tessera::session::Session::unsaved(project);
    let mut harness = common::window(session, common::WINDOW, 4);
    harness
        .state_mut()
        .apply(Command::OpenDesign(false), common::WINDOW);
    harness.run_steps(3);
    let dialog = harness.state().design_dialog().expect("open");
    assert_eq!(dialog.columns, ["omzet_2025"], "only numeric columns");
    harness.get_by_label("column").click();
    harness.run_steps(2);
    let request = harness.state().design_dialog().expect("open").request();
    assert_eq!(request.column, Some(("omzet_2025".into(), 1.0)));
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("design-column.png");
        image.save(&out).expect("png");
    }
    harness.get_by_label("Design").click();
    harness.run_steps(2);
    harness.state_mut().wait_for_design();
    harness.run_steps(4);
    let notice = harness.state().notice().expect("a summary");
    assert!(notice.contains("omzet_2025"), "{notice}");
}

#[test]
fn limits_per_territory_are_set_in_the_dialog() {
    let mut harness = common::demo_window(common::WINDOW, 4);
    harness
        .state_mut()
        .apply(Command::OpenDesign(false), common::WINDOW);
    harness.run_steps(3);
    harness.get_by_label("Limits per territory").click();
    harness.run_steps(2);
    {
        let dialog = harness.state_mut().design_dialog_mut().expect("open");
        // Workload, at most 2,000 h a year.
        dialog.limits[1].1 = (true, 2000.0);
    }
    harness.run_steps(2);
    let request = harness.state().design_dialog().expect("open").request();
    assert_eq!(
        request.limits,
        [tessera::session::Limit {
            metric: tessera::engine::balance::BalanceMetric::Workload,
            min: None,
            max: Some(2000.0),
        }]
    );
    assert!(harness.query_by_label("workload, h").is_some());
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("design-limits.png");
        image.save(&out).expect("png");
    }
}
