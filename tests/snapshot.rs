//! A pixel snapshot of the demo window, rendered by wgpu (on Mesa's software Vulkan,
//! lavapipe, on CI) and compared with `tests/snapshots/demo.png`.
//!
//! After an intended change of the look, regenerate with
//! `UPDATE_SNAPSHOTS=force cargo test --test snapshot`, open the PNG and commit it.

mod common;

use egui::Vec2;
use egui_kittest::{Harness, SnapshotOptions};
use tessera::app::TesseraApp;
use tessera::session::Session;

#[test]
fn the_demo_looks_as_it_did() {
    // Six frames: the map fits the project and the layout settles.
    let mut harness = common::demo_window(Vec2::new(1100.0, 680.0), 6);
    // Software rasterisers differ in the last bit of anti-aliased edges: allow a little.
    harness.snapshot_options(
        "demo",
        &SnapshotOptions::new().threshold(2.0).max_failed_pixels(400),
    );
}

#[test]
fn a_border_drag_shows_handles_recoloured_accounts_and_changes() {
    use tessera::app::{Command, Tool};
    let mut harness = common::window(Session::demo().expect("demo"), Vec2::new(1100.0, 680.0), 6);
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
        let screen = app.map().last_screen.expect("drawn");
        let s = app.session().current().expect("scenario");
        let west = &s.territories[2].geometry;
        s.territories[1]
            .geometry
            .0
            .iter()
            .flat_map(|p| p.exterior().0.iter().copied())
            .filter(|c| west.0.iter().any(|p| p.exterior().0.contains(c)))
            .map(|c| (screen.to_screen(c.into()), c))
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
    assert!(harness.state().editing().dragging());
    let app = harness.state();
    let baseline = app.editing().baseline.as_ref().expect("changes are shown");
    let accounts = |r: &[tessera::engine::report::TerritoryReport]| -> Vec<u64> {
        r.iter().map(|t| t.metrics.accounts).collect()
    };
    assert_ne!(
        accounts(baseline),
        accounts(&app.session().report().territories),
        "the drag moved accounts between Oost and West"
    );
    harness.snapshot_options(
        "reshape-drag",
        &SnapshotOptions::new().threshold(2.0).max_failed_pixels(400),
    );
}

/// The demo with a duplicated scenario whose Noord went to Oost's rep and whose Noord/Oost
/// border moved, in the compare view.
fn compare_harness() -> Harness<'static, TesseraApp> {
    use tessera::app::Command;
    let mut harness = common::window(Session::demo().expect("demo"), Vec2::new(1400.0, 860.0), 4);
    let size = Vec2::new(800.0, 600.0);
    let project = harness.state().session().project().clone();
    let (dup, id) =
        tessera::edit::scenarios::duplicate_scenario(&project, project.scenarios[0].id, "Draft")
            .expect("duplicate");
    harness
        .state_mut()
        .apply(Command::EditAndShow(dup, id), size);
    let draft = harness.state().session().current().expect("draft").clone();
    let mut noord = draft.territories[0].clone();
    noord.rep = draft.territories[1].rep;
    let edit = tessera::edit::territory_properties(&draft, &noord).expect("a change");
    harness.state_mut().apply(Command::Edit(edit), size);
    // Move the Noord/Oost border: the first shared vertex whose move gives Oost accounts.
    let draft = harness.state().session().current().expect("draft").clone();
    let accounts_of_oost = |s: &tessera::model::Scenario| {
        tessera::engine::report::ScenarioReport::compute(&project, s).territories[1]
            .metrics
            .accounts
    };
    let before = accounts_of_oost(&draft);
    let oost = &draft.territories[1].geometry;
    let areas = draft.territories[0]
        .geometry
        .0
        .iter()
        .flat_map(|p| p.exterior().0.clone())
        .filter(|c| oost.0.iter().any(|p| p.exterior().0.contains(c)))
        .flat_map(|c| [(c, 0.3), (c, -0.3), (c, 0.15), (c, -0.15)])
        .find_map(|(c, d)| {
            let to = geo::Coord { x: c.x, y: c.y + d };
            let areas = tessera::edit::move_vertex(&draft, c, to);
            tessera::edit::check(&draft, &areas).ok()?;
            let mut after = draft.clone();
            for (t, area) in &areas {
                after.territories[*t].geometry = area.clone();
            }
            (accounts_of_oost(&after) != before).then_some(areas)
        })
        .expect("a border vertex whose move changes Oost");
    let moved = tessera::edit::areas_edit(&draft, "Moved border", &areas);
    harness.state_mut().apply(Command::Edit(moved), size);
    harness.state_mut().apply(Command::Compare(true), size);
    harness.run_steps(6);
    harness
}

#[test]
fn the_compare_view_looks_as_it_did() {
    let mut harness = compare_harness();
    harness.snapshot_options(
        "compare",
        &SnapshotOptions::new().threshold(2.0).max_failed_pixels(600),
    );
}

#[test]
fn the_compare_page_saves_as_pdf_and_png() {
    use tessera::app::Command;
    let mut harness = compare_harness();
    let dir = tempfile::tempdir().expect("tempdir");
    let size = Vec2::new(800.0, 600.0);
    let keep = std::env::var_os("TESSERA_KEEP_PAGES").map(std::path::PathBuf::from);
    let out = keep.as_deref().unwrap_or(dir.path());
    for name in ["compare-page.pdf", "compare-page.png"] {
        let path = out.join(name);
        harness
            .state_mut()
            .apply(Command::SavePage(path.clone()), size);
        harness.run_steps(6);
        let notice = harness
            .state()
            .compare_view()
            .and_then(|c| c.notice.clone());
        assert_eq!(notice, Some(format!("Saved {}", path.display())));
        let bytes = std::fs::read(&path).expect("written");
        if name.ends_with(".pdf") {
            assert!(bytes.starts_with(b"%PDF-"));
            let text = String::from_utf8_lossy(&bytes);
            assert!(text.contains("Current plan (A) against Draft (B)"));
        } else {
            // The page is the compare view: the whole window below the menu bar.
            let page = image::load_from_memory(&bytes).expect("a PNG").to_rgba8();
            assert!(
                page.width() >= 1300 && page.height() >= 700,
                "{:?}",
                page.dimensions()
            );
            let distinct: std::collections::HashSet<[u8; 4]> =
                page.pixels().step_by(97).map(|p| p.0).collect();
            assert!(distinct.len() > 20, "not blank");
        }
    }
}

#[test]
fn a_plan_page_saves_as_pdf() {
    use tessera::app::Command;
    let mut harness = common::window(Session::demo().expect("demo"), Vec2::new(1400.0, 860.0), 6);
    let dir = tempfile::tempdir().expect("tempdir");
    let keep = std::env::var_os("TESSERA_KEEP_PAGES").map(std::path::PathBuf::from);
    let path = keep.as_deref().unwrap_or(dir.path()).join("plan-page.pdf");
    let theme = harness.ctx.options(|o| o.theme_preference);
    harness
        .state_mut()
        .apply(Command::SavePage(path.clone()), Vec2::new(800.0, 600.0));
    harness.run_steps(6);
    assert_eq!(
        harness.state().status_note(),
        Some(format!("Saved {}", path.display()).as_str())
    );
    let text = String::from_utf8_lossy(&std::fs::read(&path).expect("written")).into_owned();
    assert!(text.contains("Current plan with its balance"));
    // Back in the theme it was in.
    assert_eq!(harness.ctx.options(|o| o.theme_preference), theme);
    // Where poppler is installed (CI installs it), the PDF renders as one A4 landscape page.
    if std::process::Command::new("pdftoppm")
        .arg("-v")
        .output()
        .is_ok()
    {
        let out = dir.path().join("page");
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", "36", "-png", "-singlefile"])
            .arg(&path)
            .arg(&out)
            .status()
            .expect("pdftoppm runs");
        assert!(status.success());
        let page = image::open(out.with_extension("png"))
            .expect("a page")
            .to_rgba8();
        // A4 landscape at 36 dpi: 842 x 595 points / 2.
        assert_eq!(page.dimensions(), (421, 298));
        let dark = page.pixels().filter(|p| p.0[0] < 128).count();
        assert!(dark > 1000, "the page shows the plan, not a blank sheet");
    }
}
