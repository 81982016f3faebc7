//! The side panels driven like a planner would, with egui_kittest: the Properties panel
//! (territory and rep fields), the validation panel (overlaps, gaps, holes); asserted on the
//! model, the live metrics and the history.

mod common;

use common::{H, command};

use egui_kittest::kittest::Queryable;
use geo::Coord;
use tessera::app::Command;

fn harness() -> H {
    common::demo_window(common::WINDOW, 4)
}

#[test]
fn renaming_and_reassigning_a_territory_in_properties_is_undoable() {
    let mut h = harness();
    command(&mut h, Command::PickTerritory(Some(0)));
    assert!(
        h.query_by_label("Delete territory").is_some(),
        "the panel shows"
    );
    // Type a new name and press Enter.
    // The name field is the only text field shown.
    let text_input = egui::accesskit::Role::TextInput;
    h.get_by_role(text_input).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role(text_input).type_text("Noord-Holland");
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    let name = |h: &H| {
        h.state().session().current().expect("s").territories[0]
            .name
            .clone()
    };
    assert_eq!(name(&h), "Noord-Holland");
    assert_eq!(
        h.state().session().history().next_undo(),
        Some("Changed name of Noord")
    );
    // Give Noord no rep: its travel is then measured from its centroid.
    let travel_before = h.state().session().report().territories[0]
        .metrics
        .travel_hours;
    h.get_by_value("Sanne de Vries").click();
    h.run_steps(2);
    h.get_by_label("(none)").click();
    h.run_steps(3);
    let app = h.state();
    assert_eq!(app.session().current().expect("s").territories[0].rep, None);
    assert_ne!(
        app.session().report().territories[0].metrics.travel_hours,
        travel_before
    );
    command(&mut h, Command::Undo);
    command(&mut h, Command::Undo);
    assert_eq!(name(&h), "Noord");
    assert!(
        h.state().session().current().expect("s").territories[0]
            .rep
            .is_some()
    );
}

/// Types `text` into the number field showing `value` and tabs out of it, which finishes
/// the field. (A focused field shows its number without the unit.)
fn type_into(h: &mut H, value: &str, text: &str) {
    use egui_kittest::kittest::NodeT;
    h.get_by_value(value).focus();
    h.run_steps(1);
    let number = value.trim_end_matches(" %");
    let field = h
        .get_all_by_role(egui::accesskit::Role::SpinButton)
        .find(|n| n.accesskit_node().is_focused())
        .expect("the field has the focus");
    assert!(
        field
            .accesskit_node()
            .value()
            .is_some_and(|v| v.starts_with(number)),
        "the focused field is not {value}"
    );
    field.type_text(text);
    h.run_steps(1);
    h.key_press(egui::Key::Tab);
    h.run_steps(3);
}

#[test]
fn an_average_deal_of_zero_is_refused_with_a_message_next_to_the_field() {
    let mut h = harness();
    command(&mut h, Command::PickTerritory(Some(0)));
    let deal = |h: &H| h.state().session().current().expect("s").territories[0].average_deal;
    let leads = |h: &H| {
        h.state().session().report().territories[0]
            .metrics
            .required_leads
    };
    let (deal_before, leads_before) = (deal(&h), leads(&h));
    let shown = format!("{deal_before}");
    type_into(&mut h, &shown, "0");
    assert_eq!(deal(&h), deal_before, "nothing changed silently");
    assert_eq!(leads(&h), leads_before);
    assert_eq!(h.state().session().history().undo_len(), 0);
    common::save_png(&mut h, "average-deal-0.png");
    assert!(
        h.query_by_label_contains("Average deal must be more than EUR 0")
            .is_some(),
        "the refusal is shown"
    );
    assert!(
        h.query_by_value(&shown).is_some(),
        "the field shows the saved value"
    );
    // A valid value is saved, and the message goes.
    type_into(&mut h, &shown, "50000");
    assert_eq!(deal(&h), 50_000.0);
    assert!(
        h.query_by_label_contains("Average deal must be more than EUR 0")
            .is_none(),
        "the refusal is gone"
    );
    // A conversion of 0 % is refused too. (The Tab above left the conversion field being
    // edited; Escape leaves it unchanged.)
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    let conversion = h.state().session().current().expect("s").territories[0].conversion;
    type_into(&mut h, &format!("{:.1} %", conversion * 100.0), "0");
    assert_eq!(
        h.state().session().current().expect("s").territories[0].conversion,
        conversion
    );
    assert!(
        h.query_by_label_contains("Conversion must be more than 0 %")
            .is_some()
    );
}

#[test]
fn a_long_territory_name_does_not_widen_the_panels() {
    use egui_kittest::kittest::NodeT;
    let mut h = harness();
    let left_of = |h: &H, label: &str| {
        h.get_by_label(label)
            .accesskit_node()
            .bounding_box()
            .map(|b| b.x0)
            .expect("laid out")
    };
    let (accounts, coverage) = (left_of(&h, "Accounts"), left_of(&h, "Coverage"));
    let long = "Noord-Nederland met de Waddeneilanden en de Kop van Overijssel";
    let scenario = h.state().session().current().expect("a plan").clone();
    let mut renamed = scenario.territories[0].clone();
    renamed.name = long.to_string();
    let edit = tessera::edit::territory_properties(&scenario, &renamed).expect("an edit");
    command(&mut h, Command::Edit(edit));
    h.run_steps(3);
    assert_eq!(h.state().session().report().territories[0].name, long);
    assert_eq!(
        left_of(&h, "Accounts"),
        accounts,
        "the Plan panel's columns stay"
    );
    assert_eq!(
        left_of(&h, "Coverage"),
        coverage,
        "the Balance panel's columns stay"
    );
    assert!(
        h.query_all_by_label_contains("Noord-Nederland met de W")
            .next()
            .is_some()
    );
    common::save_png(&mut h, "long-name.png");
}

#[test]
fn deleting_a_rep_leaves_its_territory_without_rep_and_undo_brings_both_back() {
    let mut h = harness();
    let before = h.state().session().project().clone();
    let rep = before.reps[1].id;
    let edit = tessera::edit::delete_rep(&before, rep).expect("edit");
    command(&mut h, Command::Edit(edit));
    let app = h.state();
    assert_eq!(app.session().project().reps.len(), 3);
    assert_eq!(app.session().current().expect("s").territories[1].rep, None);
    assert_eq!(app.session().report().territories[1].rep, None);
    // Oost, without a rep, is left out of the mean: the others are measured against theirs.
    let report = app.session().report();
    let workload = report
        .balance_of(tessera::engine::balance::BalanceMetric::Workload)
        .expect("workload");
    let others: Vec<f64> = [0, 2, 3]
        .iter()
        .map(|&t| report.territories[t].metrics.workload_hours)
        .collect();
    assert!((workload.mean - others.iter().sum::<f64>() / 3.0).abs() < 1e-6);
    assert_eq!(workload.left_out, 1);
    assert!(
        !workload.outside_tolerance[1],
        "a territory left out is not flagged"
    );
    assert!(
        h.query_by_label("Left out of the mean until they have a rep: Oost")
            .is_some()
    );
    command(&mut h, Command::Undo);
    assert_eq!(*h.state().session().project(), before);
}

#[test]
fn the_validation_panel_resolves_an_overlap_by_geometry_and_assigns_a_gap() {
    let mut h = harness();
    // A territory drawn over Utrecht that keeps the overlap.
    let project = h.state().session().project().clone();
    let ring = [
        Coord { x: 5.0, y: 52.0 },
        Coord { x: 5.3, y: 52.0 },
        Coord { x: 5.3, y: 52.2 },
        Coord { x: 5.0, y: 52.2 },
    ];
    let edit =
        tessera::edit::add_territory(&project, &project.scenarios[0], &ring, false).expect("draw");
    command(&mut h, Command::Edit(edit));
    let overlaps = h.state().session().report().overlaps;
    assert!(overlaps > 0);
    assert!(
        h.query_by_label_contains("in two or more territories")
            .is_some()
    );
    // Keep the first listed overlap in the new territory: the territory there gives up the
    // area it shares with the new one (one answer per territory it covers).
    for _ in 0..3 {
        if h.state().session().report().overlaps == 0 {
            break;
        }
        h.get_all_by_role_and_label(egui::accesskit::Role::Button, "Territory")
            .next()
            .expect("a keep-in button")
            .click();
        h.run_steps(3);
    }
    let app = h.state();
    assert_eq!(
        app.session().report().overlaps,
        0,
        "the overlap is resolved by geometry"
    );
    assert!(
        app.session().history().undo_len() >= 2,
        "drawing and resolution"
    );
    assert!(
        app.session().current().expect("s").overrides.is_empty(),
        "not by override"
    );
    // A gap: delete Noord, then assign its first listed account to the nearest territory.
    let s = app.session().current().expect("s").clone();
    command(
        &mut h,
        Command::Edit(tessera::edit::delete_territory(&s, 0).expect("delete")),
    );
    let gaps = h.state().session().report().gaps;
    assert!(gaps > 0);
    let label = {
        let app = h.state();
        let a = &app.session().project().accounts;
        let row = (0..a.len())
            .find(|&r| app.session().assignment().is_gap(r))
            .expect("a gap");
        let s = app.session().current().expect("s");
        let t = tessera::edit::nearest_territory(s, a.lons()[row], a.lats()[row]).expect("near");
        format!("to {}", s.territories[t].name)
    };
    h.get_all_by_label(&label)
        .next()
        .expect("an assign button")
        .click();
    h.run_steps(3);
    let app = h.state();
    assert_eq!(app.session().report().gaps, gaps - 1);
    assert_eq!(app.session().current().expect("s").overrides.len(), 1);
}

#[test]
fn find_holes_lists_a_hole_and_zooms_to_it() {
    use geo::BooleanOps;
    let mut h = harness();
    let s = h.state().session().current().expect("s").clone();
    let square = geo::MultiPolygon(vec![geo::Polygon::new(
        geo::LineString::from(vec![
            (6.0, 52.2),
            (6.1, 52.2),
            (6.1, 52.3),
            (6.0, 52.3),
            (6.0, 52.2),
        ]),
        vec![],
    )]);
    let cut = vec![(1, s.territories[1].geometry.difference(&square))];
    command(
        &mut h,
        Command::Edit(tessera::edit::areas_edit(&s, "Cut", &cut)),
    );
    h.get_by_label("Find holes").click();
    h.run_steps(2);
    assert!(h.query_by_label("1 holes:").is_some());
    h.get_by_label_contains("hole of").click();
    h.run_steps(2);
    let centre = h.state().map().memory.detached().expect("moved");
    assert!((centre.x() - 6.05).abs() < 0.01 && (centre.y() - 52.25).abs() < 0.01);
    // An edit makes the list stale: it goes until asked again.
    command(&mut h, Command::Undo);
    assert!(h.state().holes().is_none());
}

#[test]
fn the_account_panel_names_the_selected_accounts_postcode_area_municipality_and_province() {
    let mut h = harness();
    // The demo account nearest Amsterdam's Dam square.
    let row = {
        let a = &h.state().session().project().accounts;
        (0..a.len())
            .min_by(|&i, &j| {
                let d = |k: usize| (a.lons()[k] - 4.893).powi(2) + (a.lats()[k] - 52.373).powi(2);
                d(i).total_cmp(&d(j))
            })
            .expect("accounts")
    };
    command(&mut h, Command::SelectAccount(Some(row)));
    h.run_steps(2);
    // What geo says the account lies in, layer by layer (not the locator the panel uses).
    let (lon, lat) = {
        let a = &h.state().session().project().accounts;
        (a.lons()[row], a.lats()[row])
    };
    let containing = |key: &str| {
        let layer = tessera::units::embedded::layer(key)
            .expect("layer")
            .expect("decodes");
        let point = geo::Point::new(lon, lat);
        (0..layer.units.len())
            .find(|&u| geo::Contains::contains(&layer.topology.unit_polygon(u), &point))
            .map(|u| layer.units[u].clone())
            .expect("inside")
    };
    let pc4 = containing("nl-pc4");
    assert_eq!(pc4.name, "Amsterdam");
    for label in [
        format!("Postcode: {} (Amsterdam)", pc4.code),
        format!("Municipality: {}", containing("nl-gemeente").name),
        "Province: Noord-Holland".to_owned(),
    ] {
        assert!(h.query_by_label(&label).is_some(), "{label} shown");
    }
    common::save_png(&mut h, "account-panel.png");
}
