//! The planner's unit layers in the file (schema version 3): written gzipped with the
//! project and by their edits, read back as they were, undone and redone; the rules of the
//! change (reserved and taken keys, a layer a plan uses); a version 2 file read as it is and
//! upgraded, after a byte-identical backup, when opened to edit.

use super::tests::{demo, write};
use super::{ProjectFile, backup_path};
use crate::model::{Change, ChangeError, Edit, Project, ProjectLayer};

/// A layer whose TopoJSON text is long and repetitive (the store keeps it as it is).
fn layer(key: &str, units: usize) -> ProjectLayer {
    let geometries: Vec<String> = (0..units)
        .map(|k| format!(r#"{{"type":"Polygon","arcs":[[{k}]],"properties":{{"code":"U{k}"}}}}"#))
        .collect();
    ProjectLayer::new(
        key,
        format!("Layer {key}"),
        format!(
            r#"{{"type":"Topology","objects":{{"{key}":{{"type":"GeometryCollection","geometries":[{}]}}}},"arcs":[]}}"#,
            geometries.join(",")
        ),
    )
}

fn add(l: ProjectLayer) -> Edit {
    Edit {
        description: "add layer".into(),
        changes: vec![Change::UnitLayer {
            before: None,
            after: Some(l),
        }],
    }
}

#[test]
fn layers_are_written_gzipped_read_back_and_undone_in_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let mut project = demo();
    project.unit_layers.push(layer("kreise", 400));
    let mut file = ProjectFile::create(&path, &project).expect("create");
    assert_eq!(ProjectFile::open_read_only(&path).expect("read").1, project);
    let text_len = project.unit_layers[0].topojson().len();
    let stored: i64 = file
        .conn
        .query_row(
            "SELECT length(topojson_gz) FROM unit_layers WHERE key = 'kreise'",
            [],
            |r| r.get(0),
        )
        .expect("stored");
    assert!(
        (stored as usize) < text_len / 5,
        "gzipped: {stored} bytes of {text_len}"
    );
    // Added by an edit (sorted before kreise), then the edit undone and redone.
    let edit = add(layer("bezirke", 3));
    write(&mut file, &mut project, &edit);
    assert_eq!(project.unit_layers[0].key, "bezirke");
    assert_eq!(ProjectFile::open_read_only(&path).expect("read").1, project);
    let with_both = project.clone();
    write(&mut file, &mut project, &edit.inverse());
    assert_eq!(project.unit_layers.len(), 1);
    assert_eq!(ProjectFile::open_read_only(&path).expect("read").1, project);
    write(&mut file, &mut project, &edit);
    assert_eq!(project, with_both);
    // Removed, and the removal undone: back in its place, in the file too.
    let remove = add(layer("kreise", 400)).inverse();
    write(&mut file, &mut project, &remove);
    assert_eq!(ProjectFile::open_read_only(&path).expect("read").1, project);
    assert!(project.unit_layer("kreise").is_none());
    write(&mut file, &mut project, &remove.inverse());
    assert_eq!(project, with_both);
    assert_eq!(ProjectFile::open(&path).expect("reopen").1, with_both);
}

#[test]
fn reserved_taken_and_used_keys_are_refused_whole() {
    let mut project = demo();
    add(layer("kreise", 2)).apply(&mut project).expect("added");
    let before = project.clone();
    for key in ["nl-pc4", "NL-mine", "kreise", "two words", ""] {
        let err = add(layer(key, 1)).apply(&mut project).expect_err(key);
        assert!(matches!(err, ChangeError::LayerKey(_)), "{key}: {err}");
        assert_eq!(project, before, "{key}: nothing changed");
    }
    // A plan built from the layer holds it in the project.
    let s = &project.scenarios[0];
    let paint = Edit {
        description: "paint".into(),
        changes: vec![Change::Units {
            scenario: s.id,
            layer: "kreise".into(),
            changes: vec![("U0".into(), None, Some(s.territories[0].id))],
        }],
    };
    paint.apply(&mut project).expect("painted");
    let remove = add(layer("kreise", 2)).inverse();
    let err = remove.apply(&mut project).expect_err("in use");
    let message = err.to_string();
    assert!(
        message.contains("kreise") && message.contains(&project.scenarios[0].name),
        "{message}"
    );
    paint.inverse().apply(&mut project).expect("unpainted");
    remove.apply(&mut project).expect("free to go now");
    assert_eq!(project.unit_layers, Project::default().unit_layers);
}

#[test]
fn a_version_2_project_is_read_as_it_is_and_upgraded_when_opened_to_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.tessera");
    let project = demo();
    drop(ProjectFile::create(&path, &project).expect("create"));
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch("DROP TABLE unit_layers; PRAGMA user_version = 2;")
            .expect("downgrade");
    }
    let bytes = std::fs::read(&path).expect("read");
    let (file, read) = ProjectFile::open_read_only(&path).expect("a reading command reads it");
    assert_eq!(read, project);
    drop(file);
    assert!(
        std::fs::read(&path).expect("read") == bytes,
        "not a byte changed"
    );
    // Opened to edit: a backup (SQLite's backup API, as every migration makes it) of the
    // version 2 file, then the upgrade, and layers can be added.
    let (mut file, mut read) = ProjectFile::open(&path).expect("upgraded");
    assert_eq!(read, project);
    let backup = backup_path(&path, 2);
    let old = rusqlite::Connection::open(&backup).expect("backup");
    let version: i32 = old
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert_eq!(version, 2, "the backup is the version 2 file");
    drop(old);
    assert_eq!(
        ProjectFile::open_read_only(&backup).expect("backup").1,
        project
    );
    write(&mut file, &mut read, &add(layer("kreise", 5)));
    drop(file);
    assert_eq!(ProjectFile::open_read_only(&path).expect("reopen").1, read);
}
