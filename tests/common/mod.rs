//! Test support shared by the integration tests: the window harness on the demo, and the
//! fixed edit script that the crash test replays in a child process.
//!
//! Each test binary uses part of it, so unused items are expected per binary.
#![allow(dead_code)]

use egui::Vec2;
use egui_kittest::Harness;
use geo::Coord;
use tessera::app::TesseraApp;
use tessera::model::{Change, Edit, Project};
use tessera::session::Session;

/// The window size most UI tests use.
pub const WINDOW: Vec2 = Vec2::new(1400.0, 860.0);

/// The window on the embedded demo at `size`, after `steps` frames (the map fits the project
/// and the layout settles over the first frames).
pub fn demo_window(size: Vec2, steps: usize) -> Harness<'static, TesseraApp> {
    window(Session::demo().expect("the demo builds"), size, steps)
}

/// The window on `session` at `size`, after `steps` frames.
pub fn window(session: Session, size: Vec2, steps: usize) -> Harness<'static, TesseraApp> {
    let app = TesseraApp::new(session);
    let mut harness = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut TesseraApp| app.show(ui), app);
    harness.run_steps(steps);
    harness
}

/// Step `k` of a fixed edit script (a vertex move, an inserted vertex or a named-account
/// override, chosen from `k` and the project as it is), for the crash test, which replays
/// the script in a child process and must know what each step did. `None` when the step is
/// refused.
pub fn scripted(project: &Project, scenario: usize, k: usize) -> Option<Edit> {
    use tessera::edit::{areas_edit, check, insert_vertex, midpoint, move_vertex};
    let s = project.scenarios.get(scenario)?;
    let n = s.territories.len();
    if n == 0 {
        return None;
    }
    let ring = &s.territories[k % n].geometry.0.first()?.exterior().0;
    let at = ring[(k * 7) % (ring.len() - 1)];
    let areas = match k % 3 {
        0 => {
            let d = 0.002 * ((k % 5) as f64 - 2.0);
            move_vertex(
                s,
                at,
                Coord {
                    x: at.x + d,
                    y: at.y - d / 2.0,
                },
            )
        }
        1 => {
            let next = ring[(k * 7) % (ring.len() - 1) + 1];
            insert_vertex(s, at, next, midpoint(at, next))
        }
        _ => {
            let accounts = project.accounts.ids();
            let account = *accounts.get((k * 31) % accounts.len().max(1))?;
            let before = s.overrides.get(&account).copied();
            let after = Some(s.territories[(k / 3) % n].id).filter(|t| Some(*t) != before);
            return Some(Edit {
                description: format!("Named account {}", account.0),
                changes: vec![Change::Overrides {
                    scenario: s.id,
                    changes: vec![(account, before, after)],
                }],
            });
        }
    };
    check(s, &areas).ok()?;
    Some(areas_edit(s, "Moved", &areas))
}
