//! Plans of geographic units in the file: written with their scenario, changed unit by unit,
//! released with a territory, and read back as they were; and the change's own rules.

use super::ProjectFile;
use super::tests::{demo, write};
use crate::model::{Change, ChangeError, Edit, Project, TerritoryId};

/// A units change of the demo's plan: unit codes to territories (by index in the plan).
fn give(project: &Project, layer: &str, units: &[(&str, Option<usize>)]) -> Edit {
    let s = &project.scenarios[0];
    let id = |k: Option<usize>| k.map(|k| s.territories[k].id);
    Edit {
        description: "paint".into(),
        changes: vec![Change::Units {
            scenario: s.id,
            layer: layer.into(),
            changes: units
                .iter()
                .map(|(code, k)| {
                    (
                        (*code).to_owned(),
                        s.units.holder.get(*code).copied(),
                        id(*k),
                    )
                })
                .collect(),
        }],
    }
}

#[test]
fn unit_plans_are_written_changed_and_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let mut project = demo();
    let mut file = ProjectFile::create(&path, &project).expect("create");
    let edit = give(
        &project,
        "nl-pc4",
        &[("1011", Some(0)), ("1012", Some(0)), ("3511", Some(1))],
    );
    write(&mut file, &mut project, &edit);
    let plan = &project.scenarios[0].units;
    assert_eq!(plan.layer.as_deref(), Some("nl-pc4"));
    assert_eq!(plan.holder.len(), 3);
    // A stroke moves one unit and releases another.
    let edit = give(&project, "nl-pc4", &[("1012", Some(1)), ("3511", None)]);
    write(&mut file, &mut project, &edit);
    let (_, read) = ProjectFile::open(&path).expect("reopen");
    assert_eq!(read, project, "the file holds the plan as the model does");
    let holder: Vec<(&str, TerritoryId)> = read.scenarios[0]
        .units
        .holder
        .iter()
        .map(|(c, t)| (c.as_str(), *t))
        .collect();
    let t = |k: usize| project.scenarios[0].territories[k].id;
    assert_eq!(holder, [("1011", t(0)), ("1012", t(1))]);
    // Undo of both strokes: the freehand plan again, in the file too.
    for edit in [
        give(&project, "nl-pc4", &[("1012", Some(0)), ("3511", Some(1))]),
        give(
            &project,
            "nl-pc4",
            &[("1011", None), ("1012", None), ("3511", None)],
        ),
    ] {
        write(&mut file, &mut project, &edit);
    }
    assert_eq!(project.scenarios[0].units, Default::default());
    assert_eq!(ProjectFile::open(&path).expect("reopen").1, project);
}

#[test]
fn a_removed_territory_releases_its_units_in_model_and_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let mut project = demo();
    let mut file = ProjectFile::create(&path, &project).expect("create");
    let edit = give(
        &project,
        "nl-gemeente",
        &[("Utrecht", Some(0)), ("Zeist", Some(1))],
    );
    write(&mut file, &mut project, &edit);
    let s = &project.scenarios[0];
    let remove = Edit {
        description: "delete".into(),
        changes: vec![Change::Remove {
            scenario: s.id,
            position: 0,
            territory: s.territories[0].clone(),
        }],
    };
    write(&mut file, &mut project, &remove);
    let holder = &project.scenarios[0].units.holder;
    assert_eq!(holder.keys().collect::<Vec<_>>(), ["Zeist"]);
    assert_eq!(ProjectFile::open(&path).expect("reopen").1, project);
}

#[test]
fn a_plan_holds_units_of_one_layer_and_a_change_undoes() {
    let mut project = demo();
    let edit = give(&project, "nl-pc4", &[("1011", Some(0))]);
    edit.apply(&mut project).expect("applies");
    let other = give(&project, "nl-gemeente", &[("Utrecht", Some(0))]);
    let before = project.clone();
    assert!(matches!(
        other.apply(&mut project),
        Err(ChangeError::OtherLayer(_))
    ));
    assert_eq!(project, before, "refused whole");
    // A unit for a territory the plan does not have is refused too, before anything moves.
    let s = &project.scenarios[0];
    let bad = Edit {
        description: "bad".into(),
        changes: vec![Change::Units {
            scenario: s.id,
            layer: "nl-pc4".into(),
            changes: vec![
                ("1012".into(), None, Some(s.territories[0].id)),
                ("1013".into(), None, Some(TerritoryId(999_999))),
            ],
        }],
    };
    assert!(bad.apply(&mut project).is_err());
    assert_eq!(project, before);
    edit.inverse().apply(&mut project).expect("undo");
    assert_eq!(project, demo(), "undo gives the freehand plan back");
}

#[test]
fn a_version_1_project_is_read_as_it_is_and_upgraded_when_opened_to_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.tessera");
    let project = demo();
    drop(ProjectFile::create(&path, &project).expect("create"));
    // Make it a version 1 file: no units table.
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch(
            "DROP TABLE unit_layers; DROP TABLE scenario_units; PRAGMA user_version = 1;",
        )
        .expect("downgrade");
    }
    let bytes = std::fs::read(&path).expect("read");
    let (_, read) = ProjectFile::open_read_only(&path).expect("a reading command reads it");
    assert_eq!(read, project);
    assert_eq!(
        std::fs::read(&path).expect("read"),
        bytes,
        "not a byte changed"
    );
    // Opened to edit, it is upgraded (after a backup) and takes plans of units.
    let (mut file, mut read) = ProjectFile::open(&path).expect("upgraded");
    assert_eq!(read, project);
    let edit = give(&read, "nl-pc4", &[("1011", Some(0))]);
    write(&mut file, &mut read, &edit);
    assert_eq!(ProjectFile::open_read_only(&path).expect("reopen").1, read);
}
