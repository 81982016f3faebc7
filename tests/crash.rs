//! Never lose the planner's work: a child process makes scripted edits, one committed edit at
//! a time, and is killed (SIGKILL) at a random moment, many times. Each time the file must
//! open and hold exactly the edits committed before the kill: the ones the child reported,
//! plus at most the one it was reporting when it died.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use tessera::app::Document;
use tessera::model::Project;
use tessera::rng::SplitMix64;
use tessera::store::ProjectFile;

const STEPS: usize = 400;

/// The project after each number of scripted steps (index 0: before any).
fn expected_states(start: &Project) -> Vec<Project> {
    let mut doc = Document::unsaved(start.clone());
    let mut states = vec![doc.project.clone()];
    for k in 0..STEPS {
        if let Some(edit) = tessera::edit::scripted(&doc.project, doc.scenario, k) {
            doc.edit(edit).expect("scripted edit");
        }
        states.push(doc.project.clone());
    }
    states
}

#[test]
fn killing_the_editor_at_random_moments_loses_no_committed_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("base.tessera");
    let mut doc = Document::demo().expect("demo");
    doc.save_as(&base).expect("save");
    // Closing checkpoints the write-ahead log into the file, so a plain copy is complete.
    drop(doc);
    let start = ProjectFile::open(&base).expect("open").1;
    let states = expected_states(&start);
    assert!(
        states.windows(2).filter(|w| w[0] != w[1]).count() > STEPS / 2,
        "most scripted steps change the plan"
    );
    let mut rng = SplitMix64::new(7);
    let mut seen_partial = 0;
    for round in 0..12 {
        let path = dir.path().join(format!("round-{round}.tessera"));
        std::fs::copy(&base, &path).expect("copy");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .arg("edit-script")
            .arg(&path)
            .arg("--steps")
            .arg(STEPS.to_string())
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
            .filter_map(|l| l.strip_prefix("committed "))
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
