//! The real window under Xvfb: `tessera --screenshot` opens the demo, saves a PNG and exits.
//! Needs `xvfb-run` (CI installs it; elsewhere the test says it skipped, unless CI is set).

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn screenshot_of_the_demo_window_is_a_real_picture() {
    if Command::new("xvfb-run").arg("--help").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install xvfb (see .ci/run)"
        );
        eprintln!("skipped: xvfb-run is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let png = dir.path().join("demo.png");
    let mut child = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1600x1000x24"])
        .arg(env!("CARGO_BIN_EXE_tessera"))
        .arg("--screenshot")
        .arg(&png)
        // A fresh configuration directory: no remembered project, so the demo opens.
        .env("XDG_DATA_HOME", dir.path())
        .env("HOME", dir.path())
        .spawn()
        .expect("xvfb-run starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the window did not save a screenshot and exit within 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(status.success(), "{status}");
    let image = image::open(&png).expect("a PNG was written").to_rgba8();
    assert_eq!(
        (image.width(), image.height()),
        (1400, 860),
        "the window's size"
    );
    let mut colours: Vec<[u8; 4]> = image.pixels().step_by(97).map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 50,
        "not blank: {} distinct colours",
        colours.len()
    );
}
