//! The editing tools driven like a planner would, with egui_kittest: pointer presses, moves
//! and releases on the map, keys, and buttons; asserted on the model, the live metrics and
//! the history.

mod common;

use common::{H, button, click, command, drag, screen_point, territory_count};
use egui::Vec2;
use egui_kittest::kittest::Queryable;
use geo::{Area, Coord, Intersects};
use tessera::app::{Command, LonLat, TesseraApp, Tool};

fn harness() -> H {
    common::demo_window(common::WINDOW, 4)
}

/// A vertex of the Noord/Oost border (no other territory's) that is on screen, away from the map's buttons.
fn shared_vertex_on_screen(h: &H) -> Coord<f64> {
    let app = h.state();
    let s = app.session().current().expect("scenario");
    let screen = app.map().last_screen.expect("drawn");
    let oost = &s.territories[1].geometry;
    s.territories[0]
        .geometry
        .0
        .iter()
        .flat_map(|p| p.exterior().0.iter().copied())
        .find(|c| {
            oost.0.iter().any(|p| p.exterior().0.contains(c))
                && s.territories[2..]
                    .iter()
                    .all(|t| !t.geometry.0.iter().any(|p| p.exterior().0.contains(c)))
                && screen
                    .rect
                    .shrink(80.0)
                    .contains(screen.to_screen((*c).into()))
        })
        .expect("a shared vertex on screen")
}

#[test]
fn dragging_a_shared_vertex_moves_both_territories_live_and_undo_restores_them() {
    let mut h = harness();
    command(&mut h, Command::SetTool(Tool::Reshape));
    let before = h.state().session().project().clone();
    let at = shared_vertex_on_screen(&h);
    let start = screen_point(&h, at);
    h.hover_at(start);
    h.run_steps(2);
    assert!(
        h.state().editing().over_handle,
        "the pointer is on a vertex"
    );
    h.drag_at(start);
    h.run_steps(1);
    // Move in small steps, as a hand does; the live plan follows every frame.
    for k in 1..=10 {
        h.hover_at(start + Vec2::new(4.0 * k as f32, 2.0 * k as f32));
        h.run_steps(1);
    }
    {
        let app = h.state();
        assert!(app.editing().dragging());
        assert!(
            app.editing().baseline.is_some(),
            "the balance panel shows changes"
        );
        assert!(
            app.session().history().undo_len() == 0,
            "nothing is committed during the drag"
        );
        let noord = &app.session().current().expect("s").territories[0].geometry;
        assert!(
            !noord.0.iter().any(|p| p.exterior().0.contains(&at)),
            "the preview moved the vertex"
        );
    }
    let end = start + Vec2::new(40.0, 20.0);
    button(&h, end, false);
    h.run_steps(2);
    let app = h.state();
    assert!(!app.editing().dragging());
    let s = app.session().current().expect("scenario");
    let old = &before.scenarios[0].territories[0].geometry;
    let moved_to = s.territories[0]
        .geometry
        .0
        .iter()
        .flat_map(|p| p.exterior().0.iter().copied())
        .find(|c| !old.0.iter().any(|p| p.exterior().0.contains(c)))
        .expect("Noord has a moved vertex");
    assert!(
        s.territories[1]
            .geometry
            .0
            .iter()
            .any(|p| p.exterior().0.contains(&moved_to)),
        "Oost has the same vertex: the border moved in both"
    );
    assert_eq!(app.session().report().gaps, 0, "no gap opened");
    assert_eq!(app.session().report().overlaps, 0, "no overlap appeared");
    assert_eq!(
        app.session().history().undo_len(),
        1,
        "one gesture, one step"
    );
    assert_eq!(
        app.session()
            .history()
            .undoable()
            .last()
            .map(|e| e.description.as_str())
            .unwrap_or_default(),
        "Moved border Noord/Oost"
    );
    assert!(
        h.query_by_label("Moved border Noord/Oost").is_some(),
        "listed in History"
    );
    // The live metrics (updated incrementally through every frame of the drag) match a fresh
    // computation: counts exactly, sums to rounding.
    let fresh = tessera::engine::report::ScenarioReport::compute(app.session().project(), s);
    for (a, b) in fresh
        .territories
        .iter()
        .zip(&app.session().report().territories)
    {
        assert_eq!(a.metrics.accounts, b.metrics.accounts, "{}", a.name);
        assert_eq!(a.metrics.prospects, b.metrics.prospects, "{}", a.name);
        let (x, y) = (a.metrics.workload_hours, b.metrics.workload_hours);
        assert!((x - y).abs() <= 1e-9 * x.abs(), "{}: {x} vs {y}", a.name);
    }
    command(&mut h, Command::Undo);
    assert_eq!(
        *h.state().session().project(),
        before,
        "undo gives the plan back"
    );
    command(&mut h, Command::Redo);
    assert!(
        h.state().session().current().expect("s").territories[1]
            .geometry
            .0
            .iter()
            .any(|p| p.exterior().0.contains(&moved_to))
    );
}

#[test]
fn drawing_a_territory_at_sea_adds_it_and_undo_removes_it() {
    let mut h = harness();
    command(&mut h, Command::SetTool(Tool::Draw));
    // Off the coast of Holland: no territory there.
    let corners = [(3.4, 52.3), (3.9, 52.3), (3.9, 52.7), (3.4, 52.7)];
    for (x, y) in corners {
        let p = screen_point(&h, Coord { x, y });
        click(&mut h, p);
    }
    assert_eq!(h.state().editing().sketch.len(), 4);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(territory_count(&h), 5);
    let app = h.state();
    let new = app
        .session()
        .current()
        .expect("s")
        .territories
        .last()
        .expect("new");
    assert_eq!(new.name, "Territory");
    assert!(new.geometry.unsigned_area() > 0.1);
    assert_eq!(app.session().history().next_undo(), Some("Drew Territory"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    assert_eq!(territory_count(&h), 4, "Ctrl+Z removes it");
}

#[test]
fn a_drawing_over_territories_asks_and_can_take_their_area() {
    let mut h = harness();
    command(&mut h, Command::SetTool(Tool::Draw));
    // Around Utrecht, across the West/Oost border.
    for (x, y) in [(5.0, 52.0), (5.3, 52.0), (5.3, 52.2), (5.0, 52.2)] {
        let p = screen_point(&h, Coord { x, y });
        click(&mut h, p);
    }
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert!(h.query_by_label_contains("It covers part of").is_some());
    assert_eq!(territory_count(&h), 4, "nothing yet");
    h.get_by_label("Take that area from them").click();
    h.run_steps(3);
    let app = h.state();
    assert_eq!(territory_count(&h), 5);
    let s = app.session().current().expect("s");
    let new = &s.territories[4].geometry;
    let size = new.unsigned_area();
    for t in &s.territories[..4] {
        let shared = t.geometry.intersection_area(new);
        assert!(
            shared < 1e-6 * size,
            "{} gave up the area ({shared})",
            t.name
        );
    }
    assert_eq!(app.session().report().overlaps, 0);
    assert!(
        app.session().report().territories[4].metrics.accounts > 0,
        "Utrecht's accounts moved"
    );
}

trait IntersectionArea {
    fn intersection_area(&self, other: &geo::MultiPolygon<f64>) -> f64;
}

impl IntersectionArea for geo::MultiPolygon<f64> {
    fn intersection_area(&self, other: &geo::MultiPolygon<f64>) -> f64 {
        use geo::BooleanOps;
        if !self.intersects(other) {
            return 0.0;
        }
        self.intersection(other).unsigned_area()
    }
}

#[test]
fn split_along_a_line_then_merge_back() {
    let mut h = harness();
    let zuid_before = h.state().session().current().expect("s").territories[3].clone();
    command(&mut h, Command::PickTerritory(Some(3)));
    command(&mut h, Command::SetTool(Tool::Split));
    let b = geo::BoundingRect::bounding_rect(&zuid_before.geometry).expect("bounds");
    let x = (b.min().x + b.max().x) / 2.0;
    for y in [b.max().y + 0.05, b.min().y - 0.05] {
        let p = screen_point(&h, Coord { x, y });
        click(&mut h, p);
    }
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(territory_count(&h), 5, "Zuid was split");
    {
        let app = h.state();
        let s = app.session().current().expect("s");
        assert_eq!(s.territories[4].name, "Zuid 2");
        let total: u64 = app.session().report().territories[3..]
            .iter()
            .map(|t| t.metrics.accounts)
            .sum();
        assert_eq!(total, 256, "Zuid's accounts are in its two parts");
        assert_eq!(app.session().report().gaps, 0);
    }
    // Select Zuid, Shift+click Zuid 2 (here through the command the click makes), merge.
    command(&mut h, Command::PickTerritory(Some(3)));
    command(&mut h, Command::AlsoSelect(Some(4)));
    h.get_by_label("Merge").click();
    h.run_steps(2);
    let app = h.state();
    assert_eq!(territory_count(&h), 4, "merged back");
    assert_eq!(app.session().report().territories[3].metrics.accounts, 256);
    let merged = &app.session().current().expect("s").territories[3].geometry;
    let (a, b) = (merged.unsigned_area(), zuid_before.geometry.unsigned_area());
    assert!((a - b).abs() < 1e-6 * b, "{a} vs {b}");
    assert_eq!(app.session().history().undo_len(), 2);
    // Undo both: Zuid exactly as before.
    command(&mut h, Command::Undo);
    command(&mut h, Command::Undo);
    assert_eq!(
        h.state().session().current().expect("s").territories[3],
        zuid_before
    );
}

#[test]
fn a_vertex_can_be_removed_with_a_right_click() {
    let mut h = harness();
    command(&mut h, Command::SetTool(Tool::Reshape));
    let at = shared_vertex_on_screen(&h);
    let p = screen_point(&h, at);
    h.hover_at(p);
    h.run_steps(2);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    h.run_steps(2);
    let app = h.state();
    let s = app.session().current().expect("s");
    for t in &s.territories[..2] {
        assert!(
            !t.geometry.0.iter().any(|p| p.exterior().0.contains(&at)),
            "{}",
            t.name
        );
    }
    assert_eq!(app.session().history().undo_len(), 1);
    assert!(
        app.session()
            .history()
            .undoable()
            .last()
            .map(|e| e.description.as_str())
            .unwrap_or_default()
            .starts_with("Removed")
    );
}

#[test]
fn lassoed_accounts_become_key_accounts_of_a_territory() {
    let mut h = harness();
    // West is selected: the dialog offers it first.
    command(&mut h, Command::PickTerritory(Some(2)));
    command(&mut h, Command::SetTool(Tool::Lasso));
    // Circle the accounts around an Oost account.
    let (centre, row) = {
        let app = h.state();
        let a = &app.session().project().accounts;
        let screen = app.map().last_screen.expect("drawn");
        let row = (0..a.len())
            .find(|&r| {
                app.session().assignment().owner(r) == Some(1)
                    && screen
                        .rect
                        .shrink(80.0)
                        .contains(screen.to_screen(LonLat::new(a.lons()[r], a.lats()[r])))
            })
            .expect("an Oost account on screen");
        (
            screen.to_screen(LonLat::new(a.lons()[row], a.lats()[row])),
            row,
        )
    };
    h.hover_at(centre + Vec2::new(25.0, 0.0));
    h.run_steps(2);
    h.drag_at(centre + Vec2::new(25.0, 0.0));
    h.run_steps(1);
    for k in 1..=24 {
        let angle = k as f32 / 24.0 * std::f32::consts::TAU;
        h.hover_at(centre + 25.0 * Vec2::new(angle.cos(), angle.sin()));
        h.run_steps(1);
    }
    button(&h, centre + Vec2::new(25.0, 0.0), false);
    h.run_steps(2);
    let circled = h
        .state()
        .editing()
        .lassoed
        .clone()
        .expect("accounts circled");
    let id = h.state().session().project().accounts.ids()[row];
    assert!(circled.contains(&id));
    assert_eq!(
        h.state().editing().lasso_target,
        2,
        "the dialog offers the selected territory"
    );
    h.get_by_label("Name them key accounts").click();
    h.run_steps(3);
    let app = h.state();
    let s = app.session().current().expect("s");
    assert_eq!(s.overrides.len(), circled.len());
    assert_eq!(
        app.session().assignment().owner(row),
        Some(2),
        "the Oost account now belongs to West"
    );
    command(&mut h, Command::Undo);
    assert!(
        h.state()
            .session()
            .current()
            .expect("s")
            .overrides
            .is_empty()
    );
    assert_eq!(h.state().session().assignment().owner(row), Some(1));
}

#[test]
fn ctrl_drag_moves_a_whole_territory_and_a_rep_marker_drag_moves_a_home() {
    let mut h = harness();
    let before = h.state().session().project().clone();
    command(&mut h, Command::PickTerritory(Some(3)));
    command(&mut h, Command::SetTool(Tool::Reshape));
    // Inside Zuid, away from its border: near its label point.
    let inside = {
        use geo::Centroid;
        let zuid = &before.scenarios[0].territories[3].geometry;
        let c = zuid
            .0
            .iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
            .and_then(|p| p.centroid())
            .expect("centroid");
        screen_point(&h, Coord { x: c.x(), y: c.y() })
    };
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::COMMAND));
    drag(&mut h, inside, inside + Vec2::new(30.0, 0.0), 6);
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.run_steps(1);
    let app = h.state();
    assert_eq!(app.session().history().next_undo(), Some("Moved Zuid"));
    let moved = &app.session().current().expect("s").territories[3].geometry;
    let dx = geo::BoundingRect::bounding_rect(moved).expect("b").min().x
        - geo::BoundingRect::bounding_rect(&before.scenarios[0].territories[3].geometry)
            .expect("b")
            .min()
            .x;
    assert!(dx > 0.05, "Zuid moved east by {dx}");
    command(&mut h, Command::Undo);
    assert_eq!(*h.state().session().project(), before);
    // Select tool: drag Lucas Visser's home marker.
    command(&mut h, Command::SetTool(Tool::Select));
    let rep = before.reps[3].clone();
    let home = home_on_screen(&h, &rep);
    drag(&mut h, home, home + Vec2::new(0.0, 40.0), 6);
    let app = h.state();
    let after = app.session().project().rep(rep.id).expect("rep");
    assert!(after.home_lat < rep.home_lat - 0.05, "the home moved south");
    assert_eq!(
        app.session().history().next_undo(),
        Some("Moved the home base of Lucas Visser")
    );
    let travel = |app: &TesseraApp| app.session().report().territories[3].metrics.travel_hours;
    assert_ne!(travel(app), 0.0);
    command(&mut h, Command::Undo);
    assert_eq!(*h.state().session().project(), before);
}

#[test]
fn escape_during_a_rep_marker_drag_puts_the_home_back_and_makes_no_edit() {
    let mut h = harness();
    command(&mut h, Command::SetTool(Tool::Select));
    let before = h.state().session().project().clone();
    let rep = before.reps[3].clone();
    let home = home_on_screen(&h, &rep);
    // Press on the marker and pull it south: the marker follows (a preview).
    h.hover_at(home);
    h.run_steps(2);
    h.drag_at(home);
    h.run_steps(1);
    for k in 1..=4 {
        h.hover_at(home + Vec2::new(0.0, 10.0 * k as f32));
        h.run_steps(1);
    }
    let moved = h
        .state()
        .session()
        .project()
        .rep(rep.id)
        .expect("rep")
        .home_lat;
    assert!(
        moved < rep.home_lat - 0.02,
        "the marker follows the pointer"
    );
    // Esc drops the gesture; releasing afterwards makes no edit.
    h.key_press(egui::Key::Escape);
    h.run_steps(1);
    common::button(&h, home + Vec2::new(0.0, 40.0), false);
    h.run_steps(2);
    let history: Vec<String> = h
        .state()
        .session()
        .history()
        .undoable()
        .map(|e| e.description.clone())
        .collect();
    assert!(history.is_empty(), "no edit: {history:?}");
    assert_eq!(
        h.state().session().project().reps,
        before.reps,
        "the home is back"
    );
}

#[test]
fn escape_during_a_border_drag_puts_both_territories_back_and_makes_no_edit() {
    let mut h = harness();
    command(&mut h, Command::PickTerritory(Some(1)));
    command(&mut h, Command::SetTool(Tool::Reshape));
    let before = h.state().session().project().clone();
    let from = screen_point(&h, shared_vertex_on_screen(&h));
    h.hover_at(from);
    h.run_steps(2);
    h.drag_at(from);
    h.run_steps(1);
    for k in 1..=4 {
        h.hover_at(from + Vec2::new(8.0 * k as f32, 0.0));
        h.run_steps(1);
    }
    assert_ne!(
        *h.state().session().project(),
        before,
        "the border follows the pointer"
    );
    h.key_press(egui::Key::Escape);
    h.run_steps(1);
    common::button(&h, from + Vec2::new(32.0, 0.0), false);
    h.run_steps(2);
    assert_eq!(h.state().session().history().undo_len(), 0, "no edit");
    assert!(
        *h.state().session().project() == before,
        "both territories are as they were"
    );
}

/// Where a rep's home marker is on the map.
fn home_on_screen(h: &H, rep: &tessera::model::Rep) -> egui::Pos2 {
    screen_point(
        h,
        Coord {
            x: rep.home_lon,
            y: rep.home_lat,
        },
    )
}
