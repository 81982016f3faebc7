//! One writer per project: the lock file with two real processes, read-only sessions, and
//! noticing what another connection wrote.
//!
//! The holding process is this test binary itself, run with `TESSERA_LOCK_CHILD` naming the
//! project: it opens the project to edit it through a session, says `locked`, and waits for
//! its standard input to close (or to be killed).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use tessera::model::{Change, Edit};
use tessera::session::{Session, SessionError};
use tessera::store::ProjectFile;
use tessera::store::lock::ProjectLock;

mod cli_support;
use cli_support::{tessera, text};

const CHILD: &str = "TESSERA_LOCK_CHILD";

/// The demo saved at `dir/name`, closed (its write-ahead log checkpointed into it).
fn demo_file(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let mut session = Session::demo().expect("demo");
    session.save_as(&path).expect("save");
    drop(session);
    path
}

fn crm() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/crm-export-nl.csv").to_owned()
}

/// The child: holds the project named by `TESSERA_LOCK_CHILD` open for editing until its
/// standard input closes. Without the variable (a normal test run) does nothing.
#[test]
fn lock_child_holds_the_project() {
    let Some(path) = std::env::var_os(CHILD) else {
        return;
    };
    let session = Session::open(Path::new(&path)).expect("open to edit");
    println!("locked");
    let mut rest = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut rest);
    drop(session);
}

/// Starts the child on `project` and waits until it holds the lock.
fn holder(project: &Path) -> Child {
    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "lock_child_holds_the_project", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(CHILD, project)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the holder");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    // The harness may print "test NAME ... " on the same line first.
    let locked = lines.any(|l| l.is_ok_and(|l| l.trim_end().ends_with("locked")));
    assert!(locked, "the child took the lock");
    child
}

#[test]
fn a_second_writer_is_refused_naming_the_holder_until_the_holder_dies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo_file(dir.path(), "shared.tessera");
    let p = project.to_str().expect("utf-8");
    let accounts_before = ProjectFile::open(&project).expect("open").1.accounts.len();
    let mut child = holder(&project);
    let held = ProjectLock::holder_of(&project).expect("a lock file names the holder");
    assert_eq!(held.pid, child.id());
    let bytes_before = std::fs::read(&project).expect("read");

    // A writer is refused, naming who holds it, and changes nothing.
    let out = tessera(&["import", p, "--accounts", &crm()]);
    assert!(!out.status.success(), "the import must fail");
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("is being edited by {held}")),
        "names user, host and since: {err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(std::fs::read(&project).expect("read"), bytes_before);
    // `demo --force` over it is refused too.
    let out = tessera(&["demo", p, "--force"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("is being edited by"));
    assert_eq!(std::fs::read(&project).expect("read"), bytes_before);

    // Readers do not need the lock.
    let out = tessera(&["report", p]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = dir.path().join("out.csv");
    let out = tessera(&["export", p, "--csv", csv.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = tessera(&["import", p, "--accounts", &crm(), "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The holder dies without cleaning up: its lock stays, stale.
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    assert!(ProjectLock::lock_path(&project).exists(), "left behind");
    let out = tessera(&["import", p, "--accounts", &crm()]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!("took over a stale lock of {held}"))
            && err.contains("is no longer running"),
        "the user is told: {err}"
    );
    assert!(
        !ProjectLock::lock_path(&project).exists(),
        "released on exit"
    );
    let after = ProjectFile::open(&project).expect("open").1.accounts.len();
    assert!(after > accounts_before, "{accounts_before} -> {after}");
}

/// A small edit of the demo's first territory: a new name.
fn rename(session: &Session, name: &str) -> Edit {
    let s = session.current().expect("a scenario");
    let mut after = s.territories[0].clone();
    after.name = name.to_owned();
    tessera::edit::territory_properties(s, &after).expect("an edit")
}

#[test]
fn a_read_only_session_refuses_every_change_and_leaves_the_file_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo_file(dir.path(), "p.tessera");
    let before = std::fs::read(&project).expect("read");
    {
        let mut session = Session::open_read_only(&project).expect("open read-only");
        assert!(session.is_read_only());
        assert!(
            session.title().contains("(read-only)"),
            "{}",
            session.title()
        );
        // No lock taken: a writer can open it meanwhile.
        assert!(!ProjectLock::lock_path(&project).exists());
        let name = session.current().expect("s").territories[0].name.clone();
        let edit = rename(&session, "Elsewhere");
        assert!(matches!(
            session.apply(edit),
            Err(SessionError::ReadOnly { .. })
        ));
        assert_eq!(session.current().expect("s").territories[0].name, name);
        assert!(session.history().next_undo().is_none());
        assert!(matches!(session.undo(), Ok(None)));
        let geojson = dir.path().join("t.geojson");
        session
            .export(tessera::session::ExportKind::GeoJson, &geojson)
            .expect("exports are reads");
        let imported = session.import_territories(
            &geojson,
            tessera::session::TerritoryTarget::Named("Copy".into()),
            None,
        );
        assert!(matches!(imported, Err(SessionError::ReadOnly { .. })));
        assert!(matches!(
            session.save_as(&project),
            Err(SessionError::ReadOnly { .. })
        ));
        // A background (large) import is refused too, and the model stays.
        let accounts = session.project().accounts.clone();
        let lent = session.lend_file();
        let added = Edit {
            description: "Imported".into(),
            changes: vec![Change::Accounts {
                added: vec![accounts.get(0)],
                removed: Vec::new(),
                updated: Vec::new(),
            }],
        };
        let written = lent.write_edit(added, &tessera::progress::Progress::new());
        assert!(matches!(
            written.error(),
            Some(SessionError::ReadOnly { .. })
        ));
        assert!(session.finish_background_edit(Some(written)).is_err());
        assert_eq!(session.project().accounts.len(), accounts.len());
        // A gesture's preview does not show a change that could not be kept.
        let t = session.current().expect("s").territories[1].clone();
        let moved = geo::MapCoords::map_coords(&t.geometry, |c| geo::Coord {
            x: c.x + 0.1,
            y: c.y,
        });
        session.preview_geometry(t.id, &moved);
        assert_eq!(
            session.current().expect("s").territories[1].geometry,
            t.geometry
        );
    }
    assert_eq!(
        std::fs::read(&project).expect("read"),
        before,
        "byte-identical"
    );
}

#[test]
fn a_session_opened_to_edit_is_refused_while_another_holds_it_and_can_read_instead() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo_file(dir.path(), "p.tessera");
    let writer = Session::open(&project).expect("the first writer");
    match Session::open(&project) {
        Err(SessionError::Locked { path, holder }) => {
            assert_eq!(path, project);
            assert_eq!(holder.pid, std::process::id());
        }
        other => panic!("expected Locked, got {:?}", other.map(|s| s.title())),
    }
    let reader = Session::open_read_only(&project).expect("reading is allowed");
    assert_eq!(reader.project(), writer.project());
    drop(writer);
    assert!(!ProjectLock::lock_path(&project).exists(), "released");
    let again = Session::open(&project).expect("free again");
    assert!(again.lock_takeover().is_none());
}

#[test]
fn a_read_only_session_sees_what_the_writer_committed_after_a_poll() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo_file(dir.path(), "p.tessera");
    let mut writer = Session::open(&project).expect("writer");
    let mut reader = Session::open_read_only(&project).expect("reader");
    assert!(reader.poll_outside_change().expect("poll").is_none());
    let edit = rename(&writer, "Noordkop");
    writer.apply(edit).expect("written");
    // The writer's own commit is not an outside change for itself.
    assert!(writer.poll_outside_change().expect("poll").is_none());
    let revision = reader.revision();
    let effects = reader
        .poll_outside_change()
        .expect("poll")
        .expect("the reader notices the change");
    assert!(effects.accounts, "every cache is rebuilt");
    assert_eq!(reader.current().expect("s").territories[0].name, "Noordkop");
    assert_eq!(reader.project(), writer.project());
    assert!(reader.revision() > revision);
    assert!(reader.is_read_only(), "still read-only after the reload");
    // Once seen, it is not seen again.
    assert!(reader.poll_outside_change().expect("poll").is_none());
}

#[test]
fn save_as_takes_the_copys_lock_and_a_read_only_session_continues_writable_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo_file(dir.path(), "p.tessera");
    let _writer = Session::open(&project).expect("writer");
    let mut reader = Session::open_read_only(&project).expect("reader");
    let copy = dir.path().join("copy.tessera");
    reader.save_as(&copy).expect("a copy");
    assert!(!reader.is_read_only());
    assert_eq!(
        ProjectLock::holder_of(&copy).map(|h| h.pid),
        Some(std::process::id())
    );
    let edit = rename(&reader, "Mine");
    reader.apply(edit).expect("the copy is ours");
    // Save As over a project someone edits is refused, leaving it alone.
    let before = std::fs::read(&project).expect("read");
    let mut other = Session::demo().expect("demo");
    assert!(matches!(
        other.save_as(&project),
        Err(SessionError::Locked { .. })
    ));
    assert_eq!(std::fs::read(&project).expect("read"), before);
}

mod window {
    //! The window over a project another program edits.

    use super::*;
    use egui_kittest::kittest::Queryable;
    use tessera::app::{Command, Preferences, RELOADED, TesseraApp, Tool};

    type H = egui_kittest::Harness<'static, TesseraApp>;

    fn harness(app: TesseraApp) -> H {
        let mut h = egui_kittest::Harness::builder()
            .with_size(egui::Vec2::new(1400.0, 860.0))
            .build_ui_state(|ui, app: &mut TesseraApp| app.show(ui), app);
        h.run_steps(3);
        h
    }

    #[test]
    fn a_locked_project_asks_and_opens_read_only_with_the_tools_off() {
        let dir = tempfile::tempdir().expect("tempdir");
        let project = demo_file(dir.path(), "p.tessera");
        let writer = Session::open(&project).expect("another window edits it");
        let app = TesseraApp::start(Preferences::default(), Some(project.clone()));
        let mut h = harness(app);
        let asked = h.state().in_use().expect("the question is asked").clone();
        assert_eq!(asked.holder.pid, std::process::id());
        assert!(
            asked
                .message()
                .contains(&format!("is being edited by {}", asked.holder.user)),
            "{}",
            asked.message()
        );
        assert!(h.query_by_label("Project in use").is_some());
        h.get_by_label("Open read-only").click();
        h.run_steps(1);
        // The project opens on another thread.
        h.state_mut().wait_for_background();
        h.run_steps(3);
        let app = h.state();
        assert!(app.in_use().is_none());
        assert!(app.session().is_read_only());
        assert_eq!(app.session().path().as_deref(), Some(project.as_path()));
        assert!(app.session().title().contains("(read-only)"));
        assert!(
            h.query_by_label_contains("READ-ONLY").is_some(),
            "the status bar says so"
        );
        // Tools that change the plan are off; an edit is refused with a message.
        h.state_mut().apply(
            Command::SetTool(Tool::Reshape),
            egui::Vec2::new(700.0, 600.0),
        );
        assert_eq!(h.state().editing().tool, Tool::Select);
        let edit = rename(h.state().session(), "Refused");
        h.state_mut()
            .apply(Command::Edit(edit), egui::Vec2::new(700.0, 600.0));
        let error = h.state().error().expect("an error is shown").to_owned();
        assert!(error.contains("read-only"), "{error}");
        drop(writer);
    }

    #[test]
    fn cancel_keeps_the_current_project() {
        let dir = tempfile::tempdir().expect("tempdir");
        let project = demo_file(dir.path(), "p.tessera");
        let _writer = Session::open(&project).expect("another window edits it");
        let mut h = harness(TesseraApp::new(Session::demo().expect("demo")));
        h.state_mut().apply(
            Command::Open(project.clone()),
            egui::Vec2::new(700.0, 600.0),
        );
        // The project opens on another thread; the lock refuses it there.
        h.state_mut().wait_for_background();
        h.run_steps(2);
        assert!(h.state().in_use().is_some());
        h.get_by_label("Cancel").click();
        h.run_steps(2);
        assert!(h.state().in_use().is_none());
        assert_eq!(h.state().session().path(), None, "still the demo");
    }

    #[test]
    fn the_window_reloads_what_another_program_wrote_and_says_so() {
        let dir = tempfile::tempdir().expect("tempdir");
        let project = demo_file(dir.path(), "p.tessera");
        let mut writer = Session::open(&project).expect("writer");
        let reader = Session::open_read_only(&project).expect("reader");
        let mut app = TesseraApp::new(reader);
        assert!(!app.poll_file(), "nothing changed yet");
        let edit = rename(&writer, "Kop van Noord");
        writer.apply(edit).expect("written");
        assert!(app.poll_file(), "the change is noticed");
        assert_eq!(app.status_note(), Some(RELOADED));
        assert_eq!(
            app.session().current().expect("s").territories[0].name,
            "Kop van Noord"
        );
    }
}
