//! Store tests: round trips, refusals, migrations and per-change writes.

use super::*;
use crate::model::{AccountId, SegmentRule};
use geo::{MultiPolygon, polygon};

pub(super) fn demo() -> Project {
    crate::demo::project().expect("demo builds")
}

pub(super) fn hash_file(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("readable")
}

fn sidecars_absent(path: &Path) -> bool {
    ["-wal", "-shm"].iter().all(|s| {
        let mut p = path.as_os_str().to_owned();
        p.push(s);
        !PathBuf::from(p).exists()
    })
}

#[test]
fn write_then_read_gives_the_same_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut project = crate::synth::project(2_000, 9, 7);
    // Exercise every optional field: overrides, rules, a territory without rep, extras.
    let scenario = &mut project.scenarios[0];
    scenario
        .overrides
        .insert(AccountId(5), scenario.territories[2].id);
    scenario.territories[1].rule = SegmentRule {
        industries: vec!["Healthcare".into()],
        size_classes: vec!["SME".into(), "Enterprise".into()],
    };
    scenario.territories[3].rep = None;
    let path = dir.path().join("synth.tessera");
    ProjectFile::create(&path, &project).expect("create");
    let (_, read) = ProjectFile::open(&path).expect("open");
    assert_eq!(read, project);

    let demo = demo();
    let path = dir.path().join("demo.tessera");
    drop(ProjectFile::create(&path, &demo).expect("create demo"));
    let (_, read) = ProjectFile::open(&path).expect("open demo");
    assert_eq!(read, demo, "extras, minutes per visit and names survive");
}

#[test]
fn create_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("keep.tessera");
    std::fs::write(&path, b"precious").expect("write");
    let err = ProjectFile::create(&path, &demo()).expect_err("must refuse");
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err}");
    assert_eq!(hash_file(&path), b"precious");
}

#[test]
fn non_projects_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("accounts.csv");
    std::fs::write(&text, "name,lat,lon\nA,52,5\n".repeat(300)).expect("write");
    let empty = dir.path().join("empty.tessera");
    std::fs::write(&empty, b"").expect("write");
    let other_db = dir.path().join("other.sqlite");
    {
        let conn = Connection::open(&other_db).expect("sqlite");
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .expect("sql");
    }
    let cases = [
        (&text, "not an SQLite database"),
        (&empty, "the file is empty"),
        (&other_db, "another program"),
    ];
    for (path, reason) in cases {
        let before = hash_file(path);
        let err = ProjectFile::open(path).expect_err("must refuse");
        let message = err.to_string();
        assert!(matches!(err, StoreError::NotAProject { .. }), "{message}");
        assert!(message.contains(reason), "{message}");
        assert!(message.contains("left untouched"), "{message}");
        assert_eq!(hash_file(path), before, "{} changed", path.display());
        assert!(sidecars_absent(path));
    }
    let missing = ProjectFile::open(&dir.path().join("nope.tessera")).expect_err("missing");
    assert!(matches!(missing, StoreError::NotFound { .. }));
    let folder = ProjectFile::open(dir.path()).expect_err("directory");
    assert!(folder.to_string().contains("directory"), "{folder}");
}

#[test]
fn newer_versions_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("future.tessera");
    drop(ProjectFile::create(&path, &demo()).expect("create"));
    {
        let conn = Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("bump");
        conn.pragma_update(None, "journal_mode", "DELETE")
            .expect("checkpoint");
    }
    let before = hash_file(&path);
    let err = ProjectFile::open(&path).expect_err("must refuse");
    assert!(
        matches!(err, StoreError::NewerVersion { found, supported, .. } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
        "{err}"
    );
    assert!(err.to_string().contains("newer version of Tessera"));
    assert_eq!(hash_file(&path), before);
    assert!(sidecars_absent(&path));
}

#[test]
fn older_versions_are_migrated_after_a_backup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.tessera");
    let project = demo();
    drop(ProjectFile::create(&path, &project).expect("create"));
    // Pretend this build knows a version 4 that adds a column.
    let v4 = "ALTER TABLE reps ADD COLUMN phone TEXT NOT NULL DEFAULT ''";
    let migrations = [
        schema::MIGRATIONS[0],
        schema::MIGRATIONS[1],
        schema::MIGRATIONS[2],
        v4,
    ];
    let (file, read) = ProjectFile::open_with(&path, &migrations).expect("migrate");
    assert_eq!(read, project, "data survives the migration");
    let version: i32 = file
        .conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert_eq!(version, 4);
    let phones: i64 = file
        .conn
        .query_row("SELECT count(phone) FROM reps", [], |r| r.get(0))
        .expect("column");
    assert_eq!(phones, 4);
    let backup = backup_path(&path, 3);
    let (_, from_backup) = ProjectFile::open(&backup).expect("the backup is a version 3 project");
    assert_eq!(from_backup, project);
}

#[test]
fn each_edit_is_on_disk_when_the_call_returns() {
    use crate::model::{Change, Edit};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("edit.tessera");
    let mut project = demo();
    let mut file = ProjectFile::create(&path, &project).expect("create");
    let scenario = project.scenarios[0].id;
    let noord = project.scenarios[0].territories[0].clone();
    let shape = MultiPolygon(vec![
        polygon![(x: 6.0, y: 53.0), (x: 6.5, y: 53.0), (x: 6.5, y: 53.3)],
    ]);
    let mut settings = project.settings.clone();
    settings.speed_kmh = 75.0;
    let worked_by_2 = project.scenarios[0].territories[1].clone();
    let rep_2 = project.reps[1].clone();
    assert_eq!(
        worked_by_2.rep,
        Some(rep_2.id),
        "the demo's second rep works Oost"
    );
    let edits = [
        vec![Change::Geometry {
            scenario,
            territory: noord.id,
            before: noord.geometry.clone(),
            after: shape,
        }],
        vec![Change::Overrides {
            scenario,
            changes: vec![(AccountId(3), None, Some(noord.id))],
        }],
        // A rep deleted: its territory first loses it, as the edit module does it.
        vec![
            Change::Properties {
                scenario,
                before: worked_by_2.clone(),
                after: crate::model::Territory {
                    rep: None,
                    ..worked_by_2
                },
            },
            Change::Rep {
                before: Some(rep_2),
                after: None,
            },
        ],
        vec![Change::Settings {
            before: project.settings.clone(),
            after: settings,
        }],
    ];
    for changes in edits {
        let edit = Edit {
            description: "test".into(),
            changes,
        };
        edit.apply(&mut project).expect("applies");
        file.write_edit(&edit, &project).expect("written");
        // Read through a second connection while the first stays open: nothing is buffered.
        let (_, read) = ProjectFile::open(&path).expect("reopen");
        assert_eq!(read, project, "after {:?}", edit.changes[0]);
    }
}

#[test]
fn save_as_copies_a_live_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.tessera");
    let project = demo();
    let file = ProjectFile::create(&path, &project).expect("create");
    let copy_path = dir.path().join("b.tessera");
    let copy = file.save_as(&copy_path, false).expect("save as");
    assert_eq!(copy.path(), copy_path);
    let (_, read) = ProjectFile::open(&copy_path).expect("open copy");
    assert_eq!(read, project);
    assert!(matches!(
        file.save_as(&copy_path, false),
        Err(StoreError::AlreadyExists { .. })
    ));
    assert!(
        file.save_as(&copy_path, true).is_ok(),
        "replace when confirmed"
    );
}

#[test]
fn damaged_rows_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.tessera");
    drop(ProjectFile::create(&path, &demo()).expect("create"));
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute(
            "UPDATE territories SET geometry = '{\"type\":\"Point\"' WHERE id = 2",
            [],
        )
        .expect("break");
    }
    let err = ProjectFile::open(&path).expect_err("damaged");
    let message = err.to_string();
    assert!(
        message.contains("territories row id 2, column geometry"),
        "{message}"
    );
}

/// Found by fuzzing (`fuzz/run`, target project_open): geojson's conversion indexed the
/// second number of a one-number position and panicked.
#[test]
fn a_position_with_one_number_is_damage_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.tessera");
    drop(ProjectFile::create(&path, &demo()).expect("create"));
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute(
            r#"UPDATE territories SET geometry = '{"type":"Polygon","coordinates":[[[4,52],[5],[5,53],[4,52]]]}' WHERE id = 3"#,
            [],
        )
        .expect("break");
    }
    let message = ProjectFile::open(&path).expect_err("damaged").to_string();
    assert!(
        message.contains("territories row id 3, column geometry")
            && message.contains("position 2 has fewer than 2 numbers"),
        "{message}"
    );
}

#[test]
fn a_bulk_import_is_written_whole_and_the_file_stays_in_wal_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let mut file = ProjectFile::create(&path, &demo()).expect("create");
    let big = crate::synth::project(20_000, 4, 3);
    let before = demo().accounts.len();
    // New ids above the demo's, as an import gives them.
    let rows: Vec<crate::model::Account> = (0..big.accounts.len())
        .map(|i| {
            let mut a = big.accounts.get(i);
            a.id = AccountId((before + 1 + i) as u32);
            a
        })
        .collect();
    let edit = crate::model::Edit {
        description: "import".into(),
        changes: vec![crate::model::Change::Accounts {
            added: rows.clone(),
            removed: Vec::new(),
            updated: Vec::new(),
        }],
    };
    let mut project = demo();
    edit.apply(&mut project).expect("applies");
    file.write_edit(&edit, &project).expect("import");
    let mode: String = file
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(mode, "wal", "back in WAL mode after the bulk write");
    drop(file);
    let (_, read) = ProjectFile::open(&path).expect("opens");
    assert_eq!(read.accounts.len(), before + rows.len());
}

#[test]
fn replacing_a_project_keeps_the_old_file_until_the_new_one_is_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let old = crate::synth::project(300, 4, 1);
    drop(ProjectFile::create(&path, &old).expect("create"));
    let new = demo();
    // Something in the way of the new file (here a folder where it is written): the
    // replacement fails and the old file is untouched.
    let blocker = dir.path().join("p.tessera.new");
    std::fs::create_dir(&blocker).expect("dir");
    let before = hash_file(&path);
    assert!(ProjectFile::create_replacing(&path, &new).is_err());
    assert_eq!(hash_file(&path), before, "the old file is whole");
    assert_eq!(ProjectFile::open(&path).expect("opens").1, old);
    // Without it, the new project replaces the old one, with no file left beside it.
    std::fs::remove_dir(&blocker).expect("rmdir");
    ProjectFile::create_replacing(&path, &new).expect("replace");
    assert_eq!(ProjectFile::open(&path).expect("opens").1, new);
    assert!(!blocker.exists());
    assert!(sidecars_absent(&blocker));
}

/// Every file in `dir` with its bytes: what a command left on disk.
pub(super) fn folder(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let e = e.expect("entry");
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

pub(super) fn names(files: &[(String, Vec<u8>)]) -> Vec<&str> {
    files.iter().map(|(n, _)| n.as_str()).collect()
}

/// An import edit of `n` new accounts after the demo's.
/// Applies `edit` to `project` and writes it through `file`.
pub(super) fn write(file: &mut ProjectFile, project: &mut Project, edit: &crate::model::Edit) {
    edit.apply(project).expect("applies");
    file.write_edit(edit, project).expect("written");
}

pub(super) fn import_edit(n: usize) -> crate::model::Edit {
    let big = crate::synth::project(n, 4, 3);
    let first = demo().accounts.len();
    let rows: Vec<crate::model::Account> = (0..big.accounts.len())
        .map(|i| {
            let mut a = big.accounts.get(i);
            a.id = AccountId((first + 1 + i) as u32);
            a
        })
        .collect();
    crate::model::Edit {
        description: "import".into(),
        changes: vec![crate::model::Change::Accounts {
            added: rows,
            removed: Vec::new(),
            updated: Vec::new(),
        }],
    }
}

#[test]
fn foreign_schema_objects_are_refused_by_name_and_a_clean_copy_can_be_made() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let project = demo();
    drop(ProjectFile::create(&path, &project).expect("create"));
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch(
            "CREATE TRIGGER wipe AFTER INSERT ON accounts BEGIN DELETE FROM territories; END;
             CREATE VIEW everything AS SELECT * FROM accounts;
             CREATE TABLE notes (x);
             CREATE INDEX by_name ON accounts(name);
             PRAGMA journal_mode = DELETE;",
        )
        .expect("plant");
    }
    let before = folder(dir.path());
    for open in [ProjectFile::open, ProjectFile::open_read_only] {
        let err = open(&path).expect_err("refused");
        let message = err.to_string();
        let StoreError::ForeignSchema { objects, .. } = &err else {
            panic!("{message}");
        };
        assert_eq!(
            objects,
            &[
                "trigger wipe (on accounts)",
                "view everything",
                "table notes",
                "index by_name (on accounts)"
            ]
        );
        assert!(message.contains("left untouched"), "{message}");
        assert_eq!(folder(dir.path()), before);
    }
    let clean = dir.path().join("clean.tessera");
    let left_out = ProjectFile::repair(&path, &clean).expect("repair");
    assert_eq!(left_out.len(), 4);
    assert_eq!(folder(&dir.path().join("")).len(), 2);
    assert_eq!(
        before,
        folder(dir.path())
            .into_iter()
            .filter(|(n, _)| n != "clean.tessera")
            .collect::<Vec<_>>(),
        "the original is untouched"
    );
    let (mut file, mut read) = ProjectFile::open(&clean).expect("the copy opens");
    assert_eq!(read, project);
    // The copy's writes run no planted code.
    let edit = import_edit(3);
    edit.apply(&mut read).expect("applies");
    file.write_edit(&edit, &read).expect("writes");
    drop(file);
    let (_, again) = ProjectFile::open(&clean).expect("opens");
    assert_eq!(again.scenarios, project.scenarios, "territories kept");
    assert!(matches!(
        ProjectFile::repair(&path, &clean),
        Err(StoreError::AlreadyExists { .. })
    ));
}

#[test]
fn a_truncated_project_is_called_truncated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    drop(ProjectFile::create(&path, &demo()).expect("create"));
    let bytes = hash_file(&path);
    for len in [50, 4096 * 3, bytes.len() / 2 + 100] {
        let cut = dir.path().join(format!("cut-{len}.tessera"));
        std::fs::write(&cut, &bytes[..len]).expect("write");
        for open in [ProjectFile::open, ProjectFile::open_read_only] {
            let err = open(&cut).expect_err("refused");
            let message = err.to_string();
            assert!(matches!(err, StoreError::Damaged { .. }), "{message}");
            assert!(message.contains("truncated"), "{message}");
            assert!(!message.contains("not an SQLite database"), "{message}");
            assert_eq!(hash_file(&cut), &bytes[..len]);
            assert!(sidecars_absent(&cut));
        }
    }
}

#[test]
fn impossible_numbers_are_named_by_table_row_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "UPDATE accounts SET id = 4294967296 WHERE id = 1",
            "accounts row id 4294967296: the id is out of range",
        ),
        (
            "UPDATE accounts SET deals_won = 4294967296 WHERE id = 2",
            "accounts row id 2, column deals_won: 4294967296 is out of range",
        ),
        (
            "UPDATE reps SET capacity_hours = x'00' WHERE id = 1",
            "reps row id 1, column capacity_hours",
        ),
        (
            "UPDATE territories SET rep_id = -1 WHERE id = 1",
            "territories row id 1, column rep_id: -1 is out of range",
        ),
    ];
    for (k, (sql, expected)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("{k}.tessera"));
        drop(ProjectFile::create(&path, &demo()).expect("create"));
        Connection::open(&path)
            .expect("open")
            .execute_batch(&format!("PRAGMA foreign_keys = OFF; {sql}"))
            .expect("break");
        let err = ProjectFile::open_read_only(&path).expect_err("damaged");
        let message = err.to_string();
        assert!(matches!(err, StoreError::Damaged { .. }), "{message}");
        assert!(message.contains(expected), "{message}");
        assert!(!message.contains("at index"), "{message}");
    }
}

#[test]
fn a_read_only_folder_or_file_is_named_as_such() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("shared");
    std::fs::create_dir(&sub).expect("dir");
    let path = sub.join("p.tessera");
    let project = demo();
    drop(ProjectFile::create(&path, &project).expect("create"));
    let set_mode = |p: &Path, readonly: bool| {
        let mut perms = std::fs::metadata(p).expect("meta").permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(readonly);
        std::fs::set_permissions(p, perms).expect("chmod");
    };
    set_mode(&sub, true);
    // Root (and some file systems) write regardless of the mode: nothing to see there.
    let probe = sub.join("probe");
    if std::fs::write(&probe, b"").is_ok() {
        let _ = std::fs::remove_file(&probe);
        set_mode(&sub, false);
        eprintln!("skipped: this user writes to read-only folders");
        return;
    }
    let before = folder(&sub);
    let err = ProjectFile::open(&path).expect_err("refused");
    assert!(
        matches!(err, StoreError::ReadOnly { folder: true, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("the folder is read-only"), "{err}");
    assert_eq!(folder(&sub), before);
    let (_, read) = ProjectFile::open_read_only(&path).expect("reading still works");
    assert_eq!(read, project);
    assert_eq!(folder(&sub), before);
    set_mode(&sub, false);
    set_mode(&path, true);
    let err = ProjectFile::open(&path).expect_err("refused");
    assert!(err.to_string().contains("the file is read-only"), "{err}");
    set_mode(&path, false);
}
