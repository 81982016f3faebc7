//! Painting units into territories: random strokes keep the live plan equal to a full
//! recomputation and the file equal to the model, and undo takes every stroke back.

mod common;
mod tallies;

use std::path::Path;

use proptest::prelude::*;
use tallies::assert_tallies_equal;
use tessera::app::{Command, Tool};
use tessera::engine::live::LiveAssignment;
use tessera::model::Scenario;
use tessera::session::{Brush, Session, unit_layer};

/// The demo in a file, with a plan of municipalities shown (the scenario "Gemeenten").
fn painted_demo(dir: &Path) -> Session {
    let path = dir.join("demo.tessera");
    let mut session = Session::demo().expect("demo");
    session.save_as(&path).expect("saved");
    session
        .snap_to_units("nl-gemeente", None, "Gemeenten")
        .expect("snapped");
    session
        .show_scenario_named(Some("Gemeenten"))
        .expect("shown");
    session
}

/// The live plan equals a plan computed from scratch, and every territory is exactly the
/// outline of its units.
fn assert_live_plan_is_exact(session: &Session) {
    let project = session.project();
    let scenario = session.current().expect("a plan");
    let live = session.assignment();
    let full = LiveAssignment::new(project, scenario, live.shared_grid());
    assert_eq!(live.owners_by_position(), full.owners_by_position());
    assert_eq!(
        (live.gaps(), live.overlaps()),
        (full.gaps(), full.overlaps())
    );
    assert_tallies_equal(live.tallies(), full.tallies());
    let layer = unit_layer("nl-gemeente").expect("layer");
    for t in &scenario.territories {
        assert_eq!(
            t.geometry,
            layer.outline(scenario.units.units_of(t.id)),
            "{} is the outline of its units",
            t.name
        );
    }
}

/// The plan as the file holds it.
fn plan_in_file(session: &Session) -> Scenario {
    let path = session.path().expect("a file");
    let id = session.current().expect("a plan").id;
    let (_, project) = tessera::store::ProjectFile::open_read_only(&path).expect("read");
    project.scenario(id).expect("in the file").clone()
}

/// One stroke: the territory (by position), whether Shift is held, the units crossed (by
/// position in the layer, modulo its size), and whether Esc cancels it.
#[derive(Debug, Clone)]
struct Stroke {
    territory: usize,
    remove: bool,
    units: Vec<usize>,
    cancel: bool,
}

fn strokes() -> impl Strategy<Value = Vec<Stroke>> {
    prop::collection::vec(
        (
            0usize..4,
            prop::bool::weighted(0.3),
            prop::collection::vec(0usize..10_000, 1..8),
            prop::bool::weighted(0.15),
        )
            .prop_map(|(territory, remove, units, cancel)| Stroke {
                territory,
                remove,
                units,
                cancel,
            }),
        1..6,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_strokes_keep_plan_file_and_history_exact(sequence in strokes()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut session = painted_demo(dir.path());
        let layer = unit_layer("nl-gemeente").expect("layer");
        let original = session.current().expect("plan").clone();
        let mut made = 0;
        for stroke in &sequence {
            let before = session.current().expect("plan").clone();
            let t = before.territories[stroke.territory % before.territories.len()].id;
            let brush = if stroke.remove { Brush::Remove(t) } else { Brush::Add(t) };
            let mut s = session.begin_stroke("nl-gemeente", brush).expect("begun");
            for &u in &stroke.units {
                session.paint_unit(&mut s, (u % layer.units.len()) as u32);
                // The plan follows every step, not just the end of the stroke.
                assert_live_plan_is_exact(&session);
            }
            if stroke.cancel {
                session.cancel_stroke(s);
                prop_assert_eq!(session.current().expect("plan"), &before);
            } else if session.end_stroke(s).expect("written").is_some() {
                made += 1;
            }
            assert_live_plan_is_exact(&session);
            prop_assert_eq!(&plan_in_file(&session), session.current().expect("plan"));
        }
        prop_assert_eq!(session.history().undo_len(), made + 1, "one edit per stroke");
        let last = session.current().expect("plan").clone();
        for _ in 0..made {
            session.undo().expect("undone");
        }
        prop_assert_eq!(session.current().expect("plan"), &original);
        assert_live_plan_is_exact(&session);
        prop_assert_eq!(&plan_in_file(&session), &original);
        for _ in 0..made {
            session.redo().expect("redone");
        }
        prop_assert_eq!(session.current().expect("plan"), &last);
        assert_live_plan_is_exact(&session);
    }
}

#[test]
fn a_painted_unit_takes_its_accounts_to_the_territory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut session = painted_demo(dir.path());
    let layer = unit_layer("nl-gemeente").expect("layer");
    let scenario = session.current().expect("plan").clone();
    // Utrecht (the municipality) and the territory holding it; paint it into another one.
    let utrecht = layer.unit("Utrecht").expect("Utrecht is a gemeente");
    let holder = scenario.units.holder["Utrecht"];
    let other = scenario
        .territories
        .iter()
        .find(|t| t.id != holder)
        .expect("another territory");
    let accounts = |session: &Session, t| {
        let k = session
            .current()
            .expect("plan")
            .territory_index(t)
            .expect("t");
        session.report().territories[k].metrics.accounts as usize
    };
    let in_utrecht = (0..session.project().accounts.len())
        .filter(|&i| {
            let a = session.project().accounts.get(i);
            layer.unit_at(a.lon, a.lat) == Some(utrecht)
                && session.assignment().owner(i) == scenario.territory_index(holder)
        })
        .count();
    assert!(in_utrecht > 0, "the demo has accounts in Utrecht");
    let (had, got) = (accounts(&session, holder), accounts(&session, other.id));
    let mut stroke = session
        .begin_stroke("nl-gemeente", Brush::Add(other.id))
        .expect("begun");
    assert_eq!(
        session.paint_unit(&mut stroke, utrecht),
        vec![holder, other.id]
    );
    assert!(
        session.paint_unit(&mut stroke, utrecht).is_empty(),
        "once is enough"
    );
    assert_eq!(accounts(&session, holder), had - in_utrecht);
    assert_eq!(accounts(&session, other.id), got + in_utrecht);
    let effects = session
        .end_stroke(stroke)
        .expect("written")
        .expect("an edit");
    assert_eq!(
        effects.description,
        format!("Painted unit Utrecht into {}", other.name)
    );
    assert_eq!(
        session.current().expect("plan").units.holder["Utrecht"],
        other.id
    );
}

#[test]
fn a_freehand_territory_or_another_layer_cannot_be_painted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut session = painted_demo(dir.path());
    let err = session
        .begin_stroke(
            "nl-pc4",
            Brush::Add(session.current().expect("plan").territories[0].id),
        )
        .expect_err("another layer");
    assert!(err.to_string().contains("built from nl-gemeente"), "{err}");
    session.show_scenario_at(0);
    let freehand = session.current().expect("plan").territories[0].clone();
    let err = session
        .begin_stroke("nl-gemeente", Brush::Add(freehand.id))
        .expect_err("freehand");
    assert!(err.to_string().contains("drawn freehand"), "{err}");
}

/// The window on the demo with its plan copied into municipalities ("To units"), the Paint
/// tool on (as the snap leaves it) and territory `selected` selected.
fn painting_window(selected: usize) -> common::H {
    let mut h = common::demo_window(common::WINDOW, 4);
    common::command(&mut h, Command::SnapToUnits("nl-gemeente".into()));
    common::command(&mut h, Command::ZoomToFit);
    common::command(&mut h, Command::SelectTerritory(selected));
    h.run_steps(2);
    assert_eq!(
        h.state().editing().tool,
        Tool::Paint,
        "the snap turns Paint on"
    );
    h
}

/// Municipalities another territory holds next to territory `t`, with accounts in them, well
/// inside the map on screen: the units a planner would paint into `t`. With each, a point
/// inside it and the number of its accounts.
fn units_next_to(h: &common::H, t: usize, count: usize) -> Vec<(String, geo::Coord<f64>, usize)> {
    use geo::InteriorPoint;
    let app = h.state();
    let session = app.session();
    let scenario = session.current().expect("plan");
    let id = scenario.territories[t].id;
    let layer = unit_layer("nl-gemeente").expect("layer");
    let neighbours = layer.topology.neighbours();
    let screen = app.map().last_screen.expect("drawn");
    let accounts = &session.project().accounts;
    let mut per_unit = vec![0usize; layer.units.len()];
    for u in layer
        .units_at(accounts.lons(), accounts.lats())
        .into_iter()
        .flatten()
    {
        per_unit[u as usize] += 1;
    }
    let held = |u: usize| scenario.units.holder.get(&layer.units[u].code).copied();
    (0..layer.units.len())
        .filter(|&u| held(u).is_some_and(|h| h != id) && per_unit[u] > 0)
        .filter(|&u| neighbours[u].iter().any(|&n| held(n as usize) == Some(id)))
        .filter_map(|u| {
            let inside = layer.topology.unit_polygon(u).interior_point()?;
            let on_screen = screen
                .rect
                .shrink(120.0)
                .contains(screen.to_screen(inside.0.into()));
            on_screen.then(|| (layer.units[u].code.clone(), inside.0, per_unit[u]))
        })
        .take(count)
        .collect()
}

fn accounts_of(h: &common::H, t: usize) -> u64 {
    h.state().session().report().territories[t].metrics.accounts
}

/// `TESSERA_PAINT_PNG=/tmp/p.png` renders the window after the three clicks (wgpu, as
/// `tests/snapshot.rs`) to look at it.
#[test]
fn clicking_three_units_paints_them_into_the_selected_territory_live_and_undoably() {
    let mut h = painting_window(0);
    let units = units_next_to(&h, 0, 3);
    assert_eq!(
        units.len(),
        3,
        "three units to paint next to the first territory"
    );
    let before = accounts_of(&h, 0);
    let total: usize = units.iter().map(|u| u.2).sum();
    let edits = h.state().session().history().undo_len();
    for (_, at, _) in &units {
        let p = common::screen_point(&h, *at);
        common::click(&mut h, p);
    }
    let app = h.state();
    let scenario = app.session().current().expect("plan");
    for (code, ..) in &units {
        assert_eq!(
            scenario.units.holder[code], scenario.territories[0].id,
            "{code}"
        );
    }
    assert_eq!(
        app.session().history().undo_len(),
        edits + 3,
        "one edit per click"
    );
    assert_eq!(
        accounts_of(&h, 0),
        before + total as u64,
        "the metrics follow"
    );
    if let Some(png) = std::env::var_os("TESSERA_PAINT_PNG") {
        let p = common::screen_point(&h, units[0].1);
        h.hover_at(p);
        h.run_steps(2);
        h.render().expect("render").save(png).expect("save the PNG");
    }
    // Shift+click takes the last one out again.
    let last = common::screen_point(&h, units[2].1);
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::SHIFT));
    common::click(&mut h, last);
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.run_steps(1);
    assert_eq!(accounts_of(&h, 0), before + (total - units[2].2) as u64);
    assert!(
        !h.state()
            .session()
            .current()
            .expect("plan")
            .units
            .holder
            .contains_key(&units[2].0)
    );
    // Undo takes every stroke back.
    for _ in 0..4 {
        common::command(&mut h, Command::Undo);
    }
    assert_eq!(accounts_of(&h, 0), before);
}

#[test]
fn a_drag_paints_every_unit_it_crosses_as_one_edit_and_alt_click_picks_a_territory() {
    let mut h = painting_window(1);
    let units = units_next_to(&h, 1, 2);
    assert_eq!(units.len(), 2);
    let edits = h.state().session().history().undo_len();
    let (from, to) = (
        common::screen_point(&h, units[0].1),
        common::screen_point(&h, units[1].1),
    );
    common::drag(&mut h, from, to, 12);
    let app = h.state();
    let scenario = app.session().current().expect("plan");
    let id = scenario.territories[1].id;
    assert!(
        units
            .iter()
            .all(|(code, ..)| scenario.units.holder[code] == id)
    );
    assert_eq!(
        app.session().history().undo_len(),
        edits + 1,
        "one stroke, one edit"
    );
    // Alt+click on the first territory selects it, painting nothing.
    let first = scenario.territories[0].id;
    let inside = scenario
        .units
        .holder
        .iter()
        .find(|(_, t)| **t == first)
        .map(|(code, _)| code.clone())
        .expect("a unit of the first territory");
    let layer = unit_layer("nl-gemeente").expect("layer");
    let point = {
        use geo::InteriorPoint;
        let u = layer.unit(&inside).expect("unit") as usize;
        layer
            .topology
            .unit_polygon(u)
            .interior_point()
            .expect("point")
            .0
    };
    let p = common::screen_point(&h, point);
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::ALT));
    common::click(&mut h, p);
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.run_steps(1);
    assert_eq!(h.state().selected_territory(), Some(0));
    assert_eq!(h.state().session().history().undo_len(), edits + 1);
}

/// `TESSERA_UNITS_PNG=/tmp/u.png` renders the choropleth (wgpu) to look at it.
#[test]
fn hovering_a_unit_tells_what_it_holds_and_the_choropleth_draws_under_a_freehand_plan() {
    use tessera::units::stats::UnitMeasure;
    let mut h = common::demo_window(common::WINDOW, 4);
    common::command(&mut h, Command::ShowUnitLayer(Some("nl-gemeente".into())));
    common::command(&mut h, Command::ColourUnitsBy(Some(UnitMeasure::Potential)));
    h.run_steps(3);
    if let Some(png) = std::env::var_os("TESSERA_UNITS_PNG") {
        h.render().expect("render").save(png).expect("save the PNG");
    }
    let layer = unit_layer("nl-gemeente").expect("layer");
    let utrecht = layer.unit("Utrecht").expect("Utrecht");
    let at = {
        use geo::InteriorPoint;
        layer
            .topology
            .unit_polygon(utrecht as usize)
            .interior_point()
            .expect("point")
            .0
    };
    let p = common::screen_point(&h, at);
    h.hover_at(p);
    h.run_steps(2);
    assert_eq!(h.state().map().hovered_unit, Some(utrecht));
    let accounts = &h.state().session().project().accounts;
    let inside = layer
        .units_at(accounts.lons(), accounts.lats())
        .into_iter()
        .filter(|u| *u == Some(utrecht))
        .count();
    let details = h
        .state_mut()
        .hovered_unit_details()
        .expect("a unit is hovered");
    assert!(details.contains("Utrecht (Municipalities"), "{details}");
    assert!(
        details.contains(&format!("Accounts: {inside} ")),
        "{details}"
    );
    let holder = {
        use geo::Contains;
        let scenario = h.state().session().current().expect("plan");
        let point = geo::Point::from(at);
        scenario
            .territories
            .iter()
            .find(|t| t.geometry.contains(&point))
            .map(|t| t.name.clone())
            .expect("a territory")
    };
    assert!(
        details.ends_with(&format!("Territory: {holder}")),
        "{details}"
    );
    if let Some(png) = std::env::var_os("TESSERA_UNITS_PNG") {
        // Postcodes close up, with their codes, and the hover.
        common::command(&mut h, Command::ShowUnitLayer(Some("nl-pc4".into())));
        common::command(&mut h, Command::ColourUnitsBy(None));
        let memory = &mut h.state_mut().map_mut().memory;
        memory.center_at(walkers::lon_lat(5.12, 52.09));
        let _ = memory.set_zoom(12.0);
        h.run_steps(3);
        h.hover_at(p);
        h.run_steps(3);
        let mut close = std::path::PathBuf::from(&png);
        close.set_extension("pc4.png");
        h.render()
            .expect("render")
            .save(close)
            .expect("save the PNG");
        // All of the country's postcodes, as the frame bench draws them.
        let memory = &mut h.state_mut().map_mut().memory;
        memory.center_at(walkers::lon_lat(5.3, 52.2));
        let _ = memory.set_zoom(8.0);
        h.run_steps(3);
        let mut country = std::path::PathBuf::from(png);
        country.set_extension("country.png");
        h.render()
            .expect("render")
            .save(country)
            .expect("save the PNG");
    }
}

#[test]
fn merging_or_deleting_a_territory_of_units_moves_its_units_and_undo_gives_them_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut session = painted_demo(dir.path());
    let plan = session.current().expect("plan").clone();
    let (a, b) = (plan.territories[0].id, plan.territories[1].id);
    let of_b: Vec<String> = plan.units.units_of(b).map(str::to_owned).collect();
    assert!(!of_b.is_empty());
    let merge = tessera::edit::merge(&plan, 0, 1).expect("merged");
    session.apply(merge).expect("applied");
    let merged = session.current().expect("plan");
    assert!(
        of_b.iter().all(|code| merged.units.holder[code] == a),
        "b's units are a's"
    );
    session.undo().expect("undone");
    assert_eq!(session.current().expect("plan"), &plan);
    let delete = tessera::edit::delete_territory(&plan, 1).expect("deleted");
    session.apply(delete).expect("applied");
    let left = session.current().expect("plan");
    assert!(
        of_b.iter()
            .all(|code| !left.units.holder.contains_key(code)),
        "released"
    );
    session.undo().expect("undone");
    assert_eq!(session.current().expect("plan"), &plan);
    assert_eq!(plan_in_file(&session), plan);
    // Reshaping a territory of units would part it from its units: refused.
    let moved: tessera::edit::NewAreas = vec![(0, plan.territories[0].geometry.clone())];
    let refusal = tessera::edit::check(&plan, &moved).expect_err("refused");
    assert!(refusal.0.contains("built from units"), "{}", refusal.0);
}

#[test]
fn a_new_territory_starts_empty_and_takes_the_units_painted_into_it() {
    let mut h = painting_window(0);
    let before = common::territory_count(&h);
    common::command(&mut h, Command::NewTerritoryToPaint);
    assert_eq!(common::territory_count(&h), before + 1);
    assert_eq!(
        h.state().selected_territory(),
        Some(before),
        "the new one is selected"
    );
    let fresh = h.state().session().current().expect("plan").territories[before].clone();
    assert!(fresh.geometry.0.is_empty(), "no area until painted");
    let (code, at, accounts) = units_next_to(&h, 0, 1).pop().expect("a unit");
    let p = common::screen_point(&h, at);
    common::click(&mut h, p);
    let plan = h.state().session().current().expect("plan");
    assert_eq!(plan.units.holder[&code], fresh.id);
    assert_eq!(accounts_of(&h, before), accounts as u64);
    assert!(!plan.territories[before].geometry.0.is_empty());
}

#[test]
fn a_big_projects_plan_is_built_from_units_on_another_thread_and_shown_when_done() {
    let mut h = common::demo_window(common::WINDOW, 4);
    // The demo counts as big: the snap and its edit go to other threads.
    h.state_mut().set_background_from(0);
    let scenarios = h.state().session().project().scenarios.len();
    common::command(&mut h, Command::SnapToUnits("nl-provincie".into()));
    h.state_mut().wait_for_background();
    h.run_steps(2);
    h.state_mut().wait_for_background();
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.session().project().scenarios.len(), scenarios + 1);
    let shown = app.session().current().expect("plan");
    assert_eq!(
        shown.units.layer.as_deref(),
        Some("nl-provincie"),
        "the new plan is shown"
    );
    assert_eq!(app.editing().tool, Tool::Paint);
    assert!(
        app.notice()
            .is_some_and(|n| n.contains("accounts changed territory"))
    );
}
