//! Opening a file others touch: hot journals of interrupted writes (ours rolled back, a
//! stranger's left alone), read-only opens that change nothing and see committed writes,
//! refusals that leave nothing beside the file, and writers that wait for each other.

use super::tests::{demo, folder, hash_file, import_edit, names};
use super::*;

#[test]
fn a_hot_journal_is_rolled_back_on_open_and_said() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let project = demo();
    drop(ProjectFile::create(&path, &project).expect("create"));
    // A large import as the bulk path writes it: rollback journal, and a page cache so small
    // that changed pages reach the file before the commit.
    let conn = Connection::open(&path).expect("open");
    conn.pragma_update(None, "journal_mode", "DELETE")
        .expect("journal");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("sync");
    conn.pragma_update(None, "cache_size", 10).expect("cache");
    conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) \
         INSERT INTO accounts (id, external_id, name, lon, lat, status) \
         SELECT 100000 + i, 'X' || i, 'New ' || i, 5.0, 52.0, 'prospect' FROM n; \
         DELETE FROM territories;",
    )
    .expect("write");
    // What a kill leaves on disk at this moment: the file with half-written pages and the
    // journal holding the pages as they were. Copied elsewhere, no process holds their locks.
    let journal = connect::sidecar(&path, "-journal");
    assert!(journal.exists(), "the transaction has a journal");
    let crashed = dir.path().join("crashed");
    std::fs::create_dir(&crashed).expect("dir");
    let copy = crashed.join("p.tessera");
    std::fs::copy(&path, &copy).expect("copy");
    std::fs::copy(&journal, connect::sidecar(&copy, "-journal")).expect("copy journal");
    conn.execute_batch("ROLLBACK").expect("rollback");
    drop(conn);
    assert_ne!(
        hash_file(&copy),
        hash_file(&path),
        "the crashed file holds half-written pages"
    );
    let (file, read) = ProjectFile::open(&copy).expect("opens after recovery");
    assert_eq!(
        read, project,
        "the unfinished import is gone, the rest intact"
    );
    assert_eq!(file.notices().len(), 1);
    assert!(
        file.notices()[0].contains("interrupted write"),
        "{:?}",
        file.notices()
    );
    assert!(!connect::sidecar(&copy, "-journal").exists());
    drop(file);
    // Opened again, nothing more to say.
    let (file, _) = ProjectFile::open(&copy).expect("opens");
    assert!(file.notices().is_empty());

    // The same through a read-only open: recovered, then read without another change.
    let again = dir.path().join("again");
    std::fs::create_dir(&again).expect("dir");
    let copy = again.join("p.tessera");
    let conn = Connection::open(&path).expect("open");
    conn.pragma_update(None, "journal_mode", "DELETE")
        .expect("journal");
    conn.pragma_update(None, "cache_size", 10).expect("cache");
    conn.execute_batch(
        "BEGIN IMMEDIATE; DELETE FROM accounts; DELETE FROM territories; \
         INSERT INTO accounts (id, external_id, name, lon, lat, status) VALUES (1, 'a', 'b', 1, 1, 'prospect')",
    )
    .expect("write");
    std::fs::copy(&path, &copy).expect("copy");
    std::fs::copy(&journal, connect::sidecar(&copy, "-journal")).expect("copy journal");
    drop(conn);
    let (file, read) = ProjectFile::open_read_only(&copy).expect("read-only open recovers");
    assert_eq!(read, project);
    assert!(file.notices()[0].contains("rolled back"));
}

#[test]
fn another_programs_hot_journal_is_not_touched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("other.sqlite");
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch(
        "PRAGMA cache_size = 5; CREATE TABLE t (x); \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) \
         INSERT INTO t SELECT randomblob(100) FROM n; \
         BEGIN IMMEDIATE; UPDATE t SET x = zeroblob(100);",
    )
    .expect("write");
    let crashed = dir.path().join("crashed");
    std::fs::create_dir(&crashed).expect("dir");
    let copy = crashed.join("other.sqlite");
    std::fs::copy(&path, &copy).expect("copy");
    let journal = connect::sidecar(&copy, "-journal");
    std::fs::copy(connect::sidecar(&path, "-journal"), &journal).expect("copy journal");
    drop(conn);
    let before = folder(&crashed);
    let err = ProjectFile::open(&copy).expect_err("refused");
    assert!(err.to_string().contains("another program"), "{err}");
    assert_eq!(folder(&crashed), before, "file and journal untouched");
}

#[test]
fn reading_read_only_changes_nothing_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo();
    // (a) a WAL-mode project, closed.
    let wal = dir.path().join("wal");
    std::fs::create_dir(&wal).expect("dir");
    let wal_path = wal.join("p.tessera");
    drop(ProjectFile::create(&wal_path, &project).expect("create"));
    // (b) the same in DELETE journal mode.
    let delete = dir.path().join("delete");
    std::fs::create_dir(&delete).expect("dir");
    let delete_path = delete.join("p.tessera");
    std::fs::copy(&wal_path, &delete_path).expect("copy");
    Connection::open(&delete_path)
        .expect("open")
        .pragma_update(None, "journal_mode", "DELETE")
        .expect("delete mode");
    // (c) a WAL-mode project marked read-only.
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).expect("dir");
    let locked_path = locked.join("p.tessera");
    std::fs::copy(&wal_path, &locked_path).expect("copy");
    let mut perms = std::fs::metadata(&locked_path).expect("meta").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&locked_path, perms.clone()).expect("chmod");
    for (folder_path, path) in [
        (&wal, &wal_path),
        (&delete, &delete_path),
        (&locked, &locked_path),
    ] {
        let before = folder(folder_path);
        let (file, read) = ProjectFile::open_read_only(path).expect("opens read-only");
        assert_eq!(read, project);
        assert!(file.notices().is_empty());
        // A read-only file refuses writes, and says why.
        let mut file = file;
        let err = file
            .write_edit(&import_edit(3), &project)
            .expect_err("read-only");
        assert!(matches!(err, StoreError::OpenedReadOnly { .. }), "{err}");
        drop(file);
        assert_eq!(folder(folder_path), before, "{}", path.display());
    }
    // The read-only file is still a normal project once writable again: nothing was left
    // beside it that would break the next write.
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&locked_path, perms).expect("chmod");
    let (mut file, mut read) = ProjectFile::open(&locked_path).expect("opens for writing");
    let edit = import_edit(3);
    edit.apply(&mut read).expect("applies");
    file.write_edit(&edit, &read).expect("writes");
}

#[test]
fn reading_read_only_sees_what_an_open_window_committed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let mut project = demo();
    let mut window = ProjectFile::create(&path, &project).expect("create");
    let edit = import_edit(5);
    edit.apply(&mut project).expect("applies");
    window.write_edit(&edit, &project).expect("written");
    assert!(
        connect::sidecar(&path, "-wal").exists(),
        "the edit sits in the WAL"
    );
    let before = names(&folder(dir.path()))
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let (_, read) = ProjectFile::open_read_only(&path).expect("read-only");
    assert_eq!(read, project, "the reader sees the committed import");
    assert_eq!(
        names(&folder(dir.path())),
        before,
        "no file made or removed"
    );
}

#[test]
fn refusals_leave_no_file_beside_the_refused_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let other = dir.path().join("other.sqlite");
    {
        let conn = Connection::open(&other).expect("sqlite");
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);",
        )
        .expect("sql");
    }
    assert_eq!(names(&folder(dir.path())), ["other.sqlite"]);
    let before = folder(dir.path());
    for open in [ProjectFile::open, ProjectFile::open_read_only] {
        let err = open(&other).expect_err("refused");
        assert!(err.to_string().contains("another program"), "{err}");
        assert_eq!(folder(dir.path()), before);
    }
}

#[test]
fn a_bulk_import_succeeds_while_another_connection_idles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let mut project = demo();
    drop(ProjectFile::create(&path, &project).expect("create"));
    // Another window (or a report) has the project open and is doing nothing.
    let (idle, _) = ProjectFile::open(&path).expect("open");
    let (mut writer, _) = ProjectFile::open(&path).expect("open");
    let edit = import_edit(12_000);
    edit.apply(&mut project).expect("applies");
    writer
        .write_edit(&edit, &project)
        .expect("written despite the idle reader");
    drop((idle, writer));
    assert_eq!(ProjectFile::open(&path).expect("opens").1, project);
}

#[test]
fn a_writer_waits_for_another_writer_instead_of_failing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    let mut project = demo();
    drop(ProjectFile::create(&path, &project).expect("create"));
    let (mut file, _) = ProjectFile::open(&path).expect("open");
    let other = connect::connect(&path, connect::Access::ReadWrite).expect("connect");
    other
        .execute_batch("BEGIN IMMEDIATE; UPDATE project SET name = 'held'")
        .expect("hold the write lock");
    let holder = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        other.execute_batch("ROLLBACK").expect("release");
    });
    let edit = import_edit(2);
    edit.apply(&mut project).expect("applies");
    file.write_edit(&edit, &project)
        .expect("waited, then wrote");
    holder.join().expect("holder");
}
