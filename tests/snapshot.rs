//! A pixel snapshot of the demo window, rendered by wgpu (on Mesa's software Vulkan,
//! lavapipe, on CI) and compared with `tests/snapshots/demo.png`.
//!
//! After an intended change of the look, regenerate with
//! `UPDATE_SNAPSHOTS=force cargo test --test snapshot`, open the PNG and commit it.

use egui::Vec2;
use egui_kittest::{Harness, SnapshotOptions};
use tessera::app::{Document, TesseraApp};

#[test]
fn the_demo_looks_as_it_did() {
    let app = TesseraApp::new(Document::demo().expect("demo"));
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1100.0, 680.0))
        .build_ui_state(|ui, app: &mut TesseraApp| app.show(ui), app);
    // Let the map fit the project and the layout settle.
    harness.run_steps(6);
    // Software rasterisers differ in the last bit of anti-aliased edges: allow a little.
    harness.snapshot_options(
        "demo",
        &SnapshotOptions::new().threshold(2.0).max_failed_pixels(400),
    );
}

#[test]
fn a_border_drag_shows_handles_recoloured_accounts_and_changes() {
    use tessera::app::{Command, Tool};
    let app = TesseraApp::new(Document::demo().expect("demo"));
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1100.0, 680.0))
        .build_ui_state(|ui, app: &mut TesseraApp| app.show(ui), app);
    harness.run_steps(6);
    let size = Vec2::new(700.0, 600.0);
    harness
        .state_mut()
        .apply(Command::PickTerritory(Some(1)), size);
    harness
        .state_mut()
        .apply(Command::SetTool(Tool::Reshape), size);
    harness.run_steps(4);
    // The Oost vertex nearest the map's centre that West shares too (on screen).
    let (start, _) = {
        let app = harness.state();
        let screen = app.map.last_screen.expect("drawn");
        let s = app.doc.current().expect("scenario");
        let west = &s.territories[2].geometry;
        s.territories[1]
            .geometry
            .0
            .iter()
            .flat_map(|p| p.exterior().0.iter().copied())
            .filter(|c| west.0.iter().any(|p| p.exterior().0.contains(c)))
            .map(|c| (screen.point(c.x, c.y), c))
            .filter(|(p, _)| screen.rect.shrink(60.0).contains(*p))
            .min_by(|a, b| {
                let centre = screen.rect.center();
                a.0.distance(centre).total_cmp(&b.0.distance(centre))
            })
            .expect("a shared vertex")
    };
    harness.hover_at(start);
    harness.run_steps(2);
    harness.drag_at(start);
    for k in 1..=12 {
        harness.hover_at(start + Vec2::new(6.0 * k as f32, 2.0 * k as f32));
        harness.run_steps(1);
    }
    assert!(harness.state().editing.dragging());
    let app = harness.state();
    let baseline = app.editing.baseline.as_ref().expect("changes are shown");
    let accounts = |r: &[tessera::engine::report::TerritoryReport]| -> Vec<u64> {
        r.iter().map(|t| t.metrics.accounts).collect()
    };
    assert_ne!(
        accounts(baseline),
        accounts(&app.doc.report.territories),
        "the drag moved accounts between Oost and West"
    );
    harness.snapshot_options(
        "reshape-drag",
        &SnapshotOptions::new().threshold(2.0).max_failed_pixels(400),
    );
}
