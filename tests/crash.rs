//! Never lose the planner's work: a child process makes scripted edits, one committed edit at
//! a time, and is killed (SIGKILL) at a random moment, many times. Each time the file must
//! open and hold exactly the edits committed before the kill: the ones the child reported,
//! plus at most the one it was reporting when it died.
//!
//! The child is this test binary itself, run with `TESSERA_CRASH_CHILD` set to the project
//! to edit: the script is test support, not part of the product.

mod common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use tessera::model::Project;
use tessera::rng::SplitMix64;
use tessera::session::Session;
use tessera::store::ProjectFile;

const STEPS: usize = 400;
const CHILD: &str = "TESSERA_CRASH_CHILD";

/// The project after each number of scripted steps (index 0: before any).
fn expected_states(start: &Project) -> Vec<Project> {
    let mut session = Session::unsaved(start.clone());
    let mut states = vec![session.project().clone()];
    for k in 0..STEPS {
        if let Some(edit) = common::scripted(session.project(), session.scenario_index(), k) {
            session.apply(edit).expect("scripted edit");
        }
        states.push(session.project().clone());
    }
    states
}

/// The child: when `TESSERA_CRASH_CHILD` names a project, makes the scripted edits through a
/// session, printing `committed K` after each. Without it (a normal test run) does nothing.
#[test]
fn crash_child_makes_scripted_edits() {
    let Some(path) = std::env::var_os(CHILD) else {
        return;
    };
    let mut session = Session::open(std::path::Path::new(&path)).expect("open");
    let mut out = std::io::stdout().lock();
    for k in 0..STEPS {
        if let Some(edit) = common::scripted(session.project(), session.scenario_index(), k) {
            session.apply(edit).expect("edit");
        }
        writeln!(out, "committed {}", k + 1).expect("stdout");
        out.flush().expect("stdout");
    }
}

#[test]
fn killing_the_editor_at_random_moments_loses_no_committed_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("base.tessera");
    let mut session = Session::demo().expect("demo");
    session.save_as(&base).expect("save");
    // Closing checkpoints the write-ahead log into the file, so a plain copy is complete.
    drop(session);
    let start = ProjectFile::open(&base).expect("open").1;
    let states = expected_states(&start);
    assert!(
        states.windows(2).filter(|w| w[0] != w[1]).count() > STEPS / 2,
        "most scripted steps change the plan"
    );
    let me = std::env::current_exe().expect("this test binary");
    let mut rng = SplitMix64::new(7);
    let mut seen_partial = 0;
    for round in 0..12 {
        let path = dir.path().join(format!("round-{round}.tessera"));
        std::fs::copy(&base, &path).expect("copy");
        let mut child = Command::new(&me)
            .args(["--exact", "crash_child_makes_scripted_edits", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(CHILD, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the editor");
        std::thread::sleep(Duration::from_millis(40 + rng.below(600)));
        // SIGKILL: no destructor, no flush, no clean close of SQLite.
        let _ = child.kill();
        let _ = child.wait();
        let mut out = String::new();
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut out)
            .expect("read");
        let reported = out
            .lines()
            // The first report shares its line with the harness's "test NAME ... ".
            .filter_map(|l| l.rsplit_once("committed ").map(|(_, k)| k))
            .filter_map(|k| k.parse::<usize>().ok())
            .next_back()
            .unwrap_or(0);
        let (_, project) = ProjectFile::open(&path)
            .unwrap_or_else(|e| panic!("round {round}: the file must open after a kill: {e}"));
        let k = if project == states[reported] {
            reported
        } else if reported < STEPS && project == states[reported + 1] {
            reported + 1
        } else {
            panic!(
                "round {round}: after {reported} reported edits the file holds neither state {reported} nor {}",
                reported + 1
            );
        };
        if k < STEPS {
            seen_partial += 1;
        }
    }
    assert!(
        seen_partial > 0,
        "some kills landed before the script finished"
    );
}
