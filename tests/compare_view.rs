//! The compare view, driven headless with egui_kittest: opened on the demo with a duplicated
//! and edited scenario, the two maps follow each other, the moves table sorts, and the
//! scenario buttons work with undo.

mod common;

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tessera::app::{Command, MoveColumn, TesseraApp};
use tessera::edit;

const SIZE: Vec2 = Vec2::new(1400.0, 860.0);

fn harness() -> Harness<'static, TesseraApp> {
    common::demo_window(SIZE, 4)
}

/// Duplicates the plan with the Duplicate button, then gives the draft's Noord to Oost's rep
/// and moves part of Noord's border.
fn duplicate_and_edit(h: &mut Harness<'static, TesseraApp>) {
    h.get_by_label("Duplicate").click();
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.session().project().scenarios.len(), 2, "duplicated");
    let draft = app.session().current().expect("draft shown");
    assert!(draft.name.ends_with("copy"), "{}", draft.name);
    let mut noord = draft.territories[0].clone();
    noord.rep = draft.territories[1].rep;
    let edit = edit::territory_properties(draft, &noord).expect("a change");
    h.state_mut().apply(Command::Edit(edit), SIZE);
    h.run_steps(2);
}

fn open_compare(h: &mut Harness<'static, TesseraApp>) {
    h.state_mut().apply(Command::Compare(true), SIZE);
    h.run_steps(4);
}

#[test]
fn duplicate_then_compare_shows_who_changes_hands() {
    let mut h = harness();
    duplicate_and_edit(&mut h);
    open_compare(&mut h);
    let app = h.state();
    let view = app.compare_view().expect("compare open");
    let c = view.comparison().expect("computed");
    assert_eq!(c.a, "Current plan");
    assert!(c.b.ends_with("copy"));
    // Noord's accounts went to another rep: exactly Noord's accounts change hands.
    let noord = &app.session().project().scenarios[0].territories[0];
    let noord_accounts = c.territories[0].metrics[0].a.expect("accounts");
    assert_eq!(c.disruption.moved as f64, noord_accounts);
    assert!(
        c.disruption
            .moves
            .iter()
            .all(|m| m.from.as_deref() == Some(noord.name.as_str()))
    );
    // The overview is on screen, the moves behind their tab.
    h.get_by_label("Plan summary");
    h.get_by_label("Who changes hands").click();
    h.run_steps(2);
    h.get_by_label("Export CSV…");
}

#[test]
fn panning_one_map_moves_the_other() {
    let mut h = harness();
    duplicate_and_edit(&mut h);
    open_compare(&mut h);
    let before = {
        let m = &h.state().compare_view().expect("open").maps[1].memory;
        m.detached().map(|p| (p.x(), p.y()))
    };
    // Drag on the left map.
    let rect = h.state().compare_view().expect("open").maps[0]
        .last_screen
        .expect("drawn")
        .rect;
    let start = rect.center();
    h.drag_at(start);
    h.run_steps(1);
    for k in 1..=10 {
        h.hover_at(start + Vec2::new(12.0 * k as f32, 6.0 * k as f32));
        h.run_steps(1);
    }
    h.drop_at(start + Vec2::new(120.0, 60.0));
    h.run_steps(3);
    let view = h.state().compare_view().expect("open");
    let centre = |k: usize| {
        let p = view.maps[k].memory.detached().expect("detached");
        (p.x(), p.y(), view.maps[k].memory.zoom())
    };
    let (a, b) = (centre(0), centre(1));
    assert_ne!(Some((a.0, a.1)), before, "the dragged map moved");
    assert_eq!(a, b, "the other map followed");
    // Dragging east and south moves the view west and north.
    assert!(a.0 < before.expect("had a view").0 && a.1 > before.expect("had a view").1);
}

#[test]
fn the_moves_table_sorts_by_the_clicked_column() {
    let mut h = harness();
    duplicate_and_edit(&mut h);
    open_compare(&mut h);
    // Sorted by potential, largest first, by default.
    let potentials = |h: &Harness<'static, TesseraApp>| -> Vec<f64> {
        h.state()
            .compare_view()
            .expect("open")
            .sorted_moves()
            .iter()
            .map(|m| m.potential)
            .collect()
    };
    let p = potentials(&h);
    assert!(p.len() > 10);
    assert!(p.windows(2).all(|w| w[0] >= w[1]), "descending");
    // A click on the header reverses it.
    h.get_by_label("Who changes hands").click();
    h.run_steps(2);
    h.get_by_label("Potential EUR (high first)").click();
    h.run_steps(2);
    let p = potentials(&h);
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "ascending");
    assert_eq!(
        h.state().compare_view().expect("open").sort,
        (MoveColumn::Potential, false)
    );
    // Account name, A to Z.
    h.get_by_label("Account").click();
    h.run_steps(2);
    assert_eq!(
        h.state().compare_view().expect("open").sort,
        (MoveColumn::Account, false)
    );
    h.run_steps(2);
    let app = h.state();
    let names: Vec<String> = app
        .compare_view()
        .expect("open")
        .sorted_moves()
        .iter()
        .map(|m| app.session().project().accounts.name(m.row).to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "A to Z");
}

#[test]
fn scenario_buttons_rename_make_active_delete_and_undo() {
    let mut h = harness();
    duplicate_and_edit(&mut h);
    let draft = h.state().session().current().expect("draft").id;
    h.get_by_label("Make active").click();
    h.run_steps(2);
    assert_eq!(h.state().session().project().active_scenario, Some(draft));
    // Rename through the window.
    h.get_by_label("Rename…").click();
    // The window appears one frame later, after its sizing pass.
    h.run_steps(4);
    assert!(
        h.state_mut().rename_draft().is_some(),
        "the rename window opened"
    );
    h.state_mut().rename_draft().expect("window open").name = "2027 draft".into();
    h.get_by_label("OK").click();
    h.run_steps(2);
    assert!(h.state_mut().rename_draft().is_none());
    assert_eq!(
        h.state().session().current().expect("shown").name,
        "2027 draft"
    );
    // Delete the draft: the other plan becomes active and is shown; undo brings it back.
    h.get_by_label("Delete").click();
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.session().project().scenarios.len(), 1);
    assert_eq!(
        app.session().project().active_scenario,
        Some(app.session().project().scenarios[0].id)
    );
    assert_eq!(
        app.session().current().map(|s| s.id),
        Some(app.session().project().scenarios[0].id)
    );
    h.state_mut().apply(Command::Undo, SIZE);
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.session().project().scenarios.len(), 2);
    assert_eq!(app.session().project().active_scenario, Some(draft));
    assert_eq!(
        app.session().project().scenario(draft).expect("back").name,
        "2027 draft"
    );
}
