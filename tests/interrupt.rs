//! Ctrl-C during `import --accounts` of 200,000 rows: the exit code says what was committed.
//! Either the import is in the file (exit 0, "imported") or nothing is (exit 130,
//! "interrupted; nothing was imported"), whenever the interrupt comes.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tessera::store::ProjectFile;

mod cli_support;
use cli_support::s;

const ROWS: usize = 200_000;

/// A demo project and a CSV of `ROWS` new accounts inside the Netherlands.
fn setup(dir: &Path) -> (PathBuf, PathBuf, usize) {
    let project = dir.join("p.tessera");
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["demo", s(&project)])
        .output()
        .expect("run");
    assert!(out.status.success());
    let csv = dir.join("big.csv");
    let mut text = String::from("external_id,name,lat,lon\n");
    for i in 0..ROWS {
        let lat = 51.5 + (i % 1000) as f64 * 0.0015;
        let lon = 4.5 + (i / 1000) as f64 * 0.0075;
        text.push_str(&format!("N{i},Account {i},{lat:.5},{lon:.5}\n"));
    }
    std::fs::write(&csv, text).expect("write");
    let before = ProjectFile::open(&project).expect("open").1.accounts.len();
    (project, csv, before)
}

fn start_import(project: &Path, csv: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["import", s(project), "--accounts", s(csv)])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn")
}

fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

/// The child's exit code (`None`: ended by a signal), its standard error, and the accounts
/// in the project afterwards.
fn finish(mut child: Child, project: &Path) -> (Option<i32>, String, usize) {
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        std::io::Read::read_to_string(&mut pipe, &mut stderr).expect("read stderr");
    }
    let status = child.wait().expect("wait");
    let accounts = ProjectFile::open(project)
        .expect("open after")
        .1
        .accounts
        .len();
    (status.code(), stderr, accounts)
}

#[test]
fn ctrl_c_while_reading_or_planning_imports_nothing_and_exits_130() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (project, csv, before) = setup(dir.path());
    let mut child = start_import(&project, &csv);
    // The column lines are printed once the file is read, before planning and writing.
    let mut pipe = BufReader::new(child.stderr.take().expect("stderr"));
    let mut seen = String::new();
    while !seen.contains("column") {
        let mut line = String::new();
        if pipe.read_line(&mut line).expect("read") == 0 {
            break;
        }
        seen.push_str(&line);
    }
    interrupt(&child);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut pipe, &mut rest).expect("read");
    let status = child.wait().expect("wait");
    let accounts = ProjectFile::open(&project).expect("open").1.accounts.len();
    let stderr = seen + &rest;
    match status.code() {
        Some(130) => {
            assert!(
                stderr.contains("interrupted; nothing was imported"),
                "{stderr}"
            );
            assert_eq!(accounts, before, "nothing was imported");
        }
        // A very slow interrupt can only come after the write began: then all of it.
        Some(0) => {
            assert!(stderr.contains("the import is committed"), "{stderr}");
            assert_eq!(accounts, before + ROWS);
        }
        other => panic!("exit {other:?}: {stderr}"),
    }
}

#[test]
fn whenever_ctrl_c_comes_the_exit_code_matches_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (project, csv, before) = setup(dir.path());
    let mut expected = before;
    let mut outcomes = Vec::new();
    for delay_ms in [30, 150, 400, 700, 1000, 1300, 1700, 2500] {
        let child = start_import(&project, &csv);
        std::thread::sleep(Duration::from_millis(delay_ms));
        interrupt(&child);
        let (code, stderr, accounts) = finish(child, &project);
        match code {
            Some(0) => {
                assert!(stderr.contains("imported into"), "{stderr}");
                // The rows are new the first time; a second import updates nothing new.
                if expected == before {
                    expected = before + ROWS;
                }
                assert_eq!(accounts, expected, "exit 0 after {delay_ms} ms: {stderr}");
            }
            Some(130) => {
                assert!(
                    stderr.contains("interrupted; nothing was imported"),
                    "{stderr}"
                );
                assert_eq!(accounts, expected, "exit 130 after {delay_ms} ms");
            }
            // Before the handler is installed, Ctrl-C ends the process (nothing written).
            None => assert_eq!(accounts, expected, "killed after {delay_ms} ms"),
            other => panic!("exit {other:?} after {delay_ms} ms: {stderr}"),
        }
        outcomes.push((delay_ms, code));
    }
    eprintln!("outcomes (delay ms, exit code): {outcomes:?}");
}
