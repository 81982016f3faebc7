//! Test support shared by the integration tests: the window harness on the demo, pointer
//! gestures on the map, and the fixed edit script that the crash test replays in a child
//! process.
//!
//! Each test binary uses part of it, so unused items are expected per binary.
#![allow(dead_code)]

use egui::{Pos2, Vec2};
use egui_kittest::Harness;
use geo::Coord;
use tessera::app::{Command, TesseraApp};
use tessera::model::{Change, Edit, Project};
use tessera::session::Session;

/// Renders the window and saves it as `name` in cargo's test temp folder
/// (`target/tmp`), to look at; where no GPU renders, nothing is saved.
pub fn save_png(harness: &mut Harness<'static, TesseraApp>, name: &str) {
    if let Ok(image) = harness.render() {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        image.save(&out).expect("save the PNG");
    }
}

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

/// The window harness the tool tests drive.
pub type H = Harness<'static, TesseraApp>;

/// Carries out a command as the window would after a frame, then lets two frames pass.
pub fn command(h: &mut H, c: Command) {
    h.state_mut().apply(c, Vec2::new(700.0, 700.0));
    h.run_steps(2);
}

/// Presses (or releases) the primary pointer button at `pos`.
pub fn button(h: &H, pos: Pos2, pressed: bool) {
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    });
}

/// A click at `pos` after hovering there, as a planner's mouse does it.
pub fn click(h: &mut H, pos: Pos2) {
    h.hover_at(pos);
    h.run_steps(1);
    button(h, pos, true);
    button(h, pos, false);
    h.run_steps(2);
}

/// Where a lon/lat coordinate is on the map, as last drawn.
pub fn screen_point(h: &H, c: Coord<f64>) -> Pos2 {
    let screen = h.state().map().last_screen.expect("drawn");
    screen.to_screen(c.into())
}

/// How many territories the scenario shown has.
pub fn territory_count(h: &H) -> usize {
    h.state()
        .session()
        .current()
        .expect("scenario")
        .territories
        .len()
}

/// Presses at `from`, moves to `to` in steps, releases there.
pub fn drag(h: &mut H, from: Pos2, to: Pos2, steps: usize) {
    h.hover_at(from);
    h.run_steps(2);
    h.drag_at(from);
    h.run_steps(1);
    for k in 1..=steps {
        h.hover_at(from + (to - from) * (k as f32 / steps as f32));
        h.run_steps(1);
    }
    button(h, to, false);
    h.run_steps(2);
}
