//! Random edit sequences on the demo project: after every step the file on disk holds exactly
//! the model; undoing everything gives the original project back and redoing everything
//! gives the final one.

use geo::{BoundingRect, Coord};
use proptest::prelude::*;
use tessera::edit;
use tessera::model::{Change, Edit, Project};
use tessera::session::Session;
use tessera::store::ProjectFile;

/// One step of a random session.
#[derive(Debug, Clone)]
enum Step {
    MoveVertex(usize),
    InsertVertex(usize),
    Split(usize),
    Merge(usize),
    Override(usize, usize),
    Draw(usize, bool),
    Properties(usize),
    NewRep(usize),
    DeleteRep(usize),
    DeleteTerritory(usize),
    DuplicateScenario,
    DeleteScenario(usize),
    RenameScenario(usize),
    SetActive(usize),
    ShowScenario(usize),
    Tolerance(usize),
    Undo,
    Redo,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => any::<usize>().prop_map(Step::MoveVertex),
        2 => any::<usize>().prop_map(Step::InsertVertex),
        1 => any::<usize>().prop_map(Step::Split),
        1 => any::<usize>().prop_map(Step::Merge),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, t)| Step::Override(a, t)),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(a, take)| Step::Draw(a, take)),
        1 => any::<usize>().prop_map(Step::Properties),
        1 => any::<usize>().prop_map(Step::NewRep),
        1 => any::<usize>().prop_map(Step::DeleteRep),
        1 => any::<usize>().prop_map(Step::DeleteTerritory),
        1 => Just(Step::DuplicateScenario),
        1 => any::<usize>().prop_map(Step::DeleteScenario),
        1 => any::<usize>().prop_map(Step::RenameScenario),
        1 => any::<usize>().prop_map(Step::SetActive),
        1 => any::<usize>().prop_map(Step::ShowScenario),
        1 => any::<usize>().prop_map(Step::Tolerance),
        2 => Just(Step::Undo),
        1 => Just(Step::Redo),
    ]
}

/// The edit a step makes on the project as it is now, if it makes one.
fn edit_for(project: &Project, scenario: usize, step: &Step) -> Option<Edit> {
    let s = &project.scenarios[scenario];
    let n = s.territories.len();
    let vertices: Vec<Coord<f64>> = s
        .territories
        .iter()
        .flat_map(|t| t.geometry.0.iter().flat_map(|p| p.exterior().0.clone()))
        .collect();
    match *step {
        Step::MoveVertex(k) => {
            let at = vertices[k % vertices.len()];
            let d = ((k % 7) as f64 - 3.0) * 0.004;
            let to = Coord {
                x: at.x + d,
                y: at.y - d / 2.0,
            };
            let areas = edit::move_vertex(s, at, to);
            edit::check(s, &areas).ok()?;
            Some(edit::areas_edit(s, "Moved", &areas))
        }
        Step::InsertVertex(k) => {
            let t = k % n;
            let ring = &s.territories[t].geometry.0.first()?.exterior().0;
            let i = k % (ring.len() - 1);
            let (a, b) = (ring[i], ring[i + 1]);
            let areas = edit::insert_vertex(s, a, b, edit::midpoint(a, b));
            edit::check(s, &areas).ok()?;
            Some(edit::areas_edit(s, "Added", &areas))
        }
        Step::Split(k) => {
            let t = k % n;
            let b = s.territories[t].geometry.bounding_rect()?;
            let x = b.min().x + b.width() * (0.3 + 0.4 * ((k % 5) as f64 / 4.0));
            let line = [
                Coord {
                    x,
                    y: b.max().y + 0.1,
                },
                Coord {
                    x,
                    y: b.min().y - 0.1,
                },
            ];
            edit::split(project, s, t, &line).ok()
        }
        Step::Merge(k) => (n >= 2)
            .then(|| edit::merge(s, k % n, (k + 1) % n).ok())
            .flatten(),
        Step::Override(a, t) => {
            let accounts = &project.accounts;
            let account = accounts.ids()[a % accounts.len()];
            let before = s.overrides.get(&account).copied();
            let after = (t % 3 != 0).then(|| s.territories[t % n].id);
            (before != after).then(|| Edit {
                description: "Override".into(),
                changes: vec![Change::Overrides {
                    scenario: s.id,
                    changes: vec![(account, before, after)],
                }],
            })
        }
        Step::Draw(a, take) => {
            let accounts = &project.accounts;
            let row = a % accounts.len();
            let (x, y) = (accounts.lons()[row], accounts.lats()[row]);
            let ring = [
                Coord {
                    x: x - 0.05,
                    y: y - 0.03,
                },
                Coord {
                    x: x + 0.05,
                    y: y - 0.03,
                },
                Coord {
                    x: x + 0.05,
                    y: y + 0.03,
                },
                Coord {
                    x: x - 0.05,
                    y: y + 0.03,
                },
            ];
            edit::add_territory(project, s, &ring, take).ok()
        }
        Step::Properties(k) => {
            let mut t = s.territories[k % n].clone();
            t.name = format!("{} {k}", t.name);
            t.target *= 1.1;
            t.rep = project.reps.get(k % (project.reps.len() + 1)).map(|r| r.id);
            t.rule.industries = vec![project.accounts.industries().name(0).to_string()];
            edit::territory_properties(s, &t)
        }
        Step::NewRep(k) => Some(edit::new_rep(project, 4.0 + (k % 30) as f64 * 0.1, 52.0)),
        Step::DeleteRep(k) => {
            let rep = project.reps.get(k % project.reps.len().max(1))?;
            edit::delete_rep(project, rep.id)
        }
        Step::DeleteTerritory(k) => (n > 1).then(|| edit::delete_territory(s, k % n)).flatten(),
        Step::DuplicateScenario => {
            let name = edit::scenarios::unique_scenario_name(project, &format!("{} copy", s.name));
            edit::scenarios::duplicate_scenario(project, s.id, &name)
                .ok()
                .map(|(e, _)| e)
        }
        Step::DeleteScenario(k) => {
            let all = &project.scenarios;
            (all.len() > 1)
                .then(|| edit::scenarios::delete_scenario(project, all[k % all.len()].id).ok())
                .flatten()
        }
        Step::RenameScenario(k) => {
            let all = &project.scenarios;
            let name = format!("Plan {k}");
            edit::scenarios::rename_scenario(project, all[k % all.len()].id, &name, "notes")
                .ok()
                .flatten()
        }
        Step::SetActive(k) => {
            let all = &project.scenarios;
            edit::scenarios::set_active(project, all[k % all.len()].id)
        }
        Step::Tolerance(k) => edit::balance_tolerance(project, (k % 41) as f64 / 100.0),
        Step::Undo | Step::Redo | Step::ShowScenario(_) => None,
    }
}

fn on_disk(path: &std::path::Path) -> Project {
    ProjectFile::open(path).expect("the file opens").1
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_file_follows_every_edit_and_undo_redo_restore_exactly(
        steps in prop::collection::vec(step(), 1..10)
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("plan.tessera");
        let mut doc = Session::demo().expect("demo");
        doc.save_as(&path).expect("save");
        let original = doc.project().clone();
        for step in &steps {
            match step {
                Step::Undo => { doc.undo().expect("undo"); }
                Step::Redo => { doc.redo().expect("redo"); }
                Step::ShowScenario(k) => {
                    let n = doc.project().scenarios.len();
                    doc.show_scenario_at(k % n);
                }

                other => {
                    if let Some(edit) = edit_for(doc.project(), doc.scenario_index(), other) {
                        doc.apply(edit).expect("edit");
                    }
                }
            }
            prop_assert!(on_disk(&path) == *doc.project(), "the file holds the model after {:?}", step);
            // The live plan agrees with a plan computed from scratch.
            let fresh = tessera::engine::report::ScenarioReport::compute(
                doc.project(), &doc.project().scenarios[doc.scenario_index()]);
            prop_assert_eq!(fresh.gaps, doc.report().gaps);
            prop_assert_eq!(fresh.overlaps, doc.report().overlaps);
            for (a, b) in fresh.territories.iter().zip(&doc.report().territories) {
                prop_assert_eq!(a.metrics.accounts, b.metrics.accounts, "{}", a.name);
            }
        }
        // Everything undone during the session is redone first: that is the final plan.
        while doc.redo().expect("redo").is_some() {}
        let last = doc.project().clone();
        prop_assert!(on_disk(&path) == last, "the file holds the final plan");
        while doc.undo().expect("undo").is_some() {}
        prop_assert!(*doc.project() == original, "undo all gives the original project");
        prop_assert!(on_disk(&path) == original, "and the file holds it");
        while doc.redo().expect("redo").is_some() {}
        prop_assert!(*doc.project() == last, "redo all gives the final project");
        prop_assert!(on_disk(&path) == last, "and the file holds it");
    }
}
