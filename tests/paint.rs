//! Painting units into territories: random strokes keep the live plan equal to a full
//! recomputation and the file equal to the model, and undo takes every stroke back.

mod tallies;

use std::path::Path;

use proptest::prelude::*;
use tallies::assert_tallies_equal;
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
    assert!(session.paint_unit(&mut stroke, utrecht));
    assert!(!session.paint_unit(&mut stroke, utrecht), "once is enough");
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
