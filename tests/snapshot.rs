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
