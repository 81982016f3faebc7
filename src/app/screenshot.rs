//! `--screenshot PATH`: after the map settles, save the window as a PNG and quit. What
//! happened (the frame time, or why the picture could not be saved) goes back to the
//! command line, which prints it: the window itself prints nothing.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// When the first frame came and the project appeared, and the longest frame since: the
/// window's responsiveness as `--screenshot` reports it (the first frame must come within a
/// second, and no frame may take over 100 ms, even while a big project opens).
#[derive(Debug, Default, Clone)]
pub struct FrameLog {
    launched: Option<Instant>,
    first: Option<Duration>,
    shown: Option<Duration>,
    last: Option<Instant>,
    /// The longest time between two frames (what the planner sees as a stall).
    longest_gap: Duration,
    /// The longest CPU time of one frame (eframe's measure of our update and painting).
    longest_cpu: f32,
    frames: usize,
}

impl FrameLog {
    /// A log whose first frame counts from `launched`.
    pub fn since(launched: Instant) -> FrameLog {
        FrameLog {
            launched: Some(launched),
            ..FrameLog::default()
        }
    }

    /// Notes a frame: its CPU seconds if known, and whether the project is still opening.
    pub fn frame(&mut self, cpu: Option<f32>, opening: bool) {
        let now = Instant::now();
        let since = self.launched.map(|l| now - l);
        if self.first.is_none() {
            self.first = since;
        }
        if !opening && self.shown.is_none() {
            self.shown = since;
        }
        if let Some(last) = self.last {
            self.longest_gap = self.longest_gap.max(now - last);
        }
        self.last = Some(now);
        self.longest_cpu = self.longest_cpu.max(cpu.unwrap_or(0.0));
        self.frames += 1;
    }

    /// "first frame after .. ms, project shown after .. ms; longest frame .. ms CPU, .. ms
    /// between frames, over N frames".
    pub fn summary(&self) -> String {
        let ms = |d: Option<Duration>| d.map_or_else(|| "?".into(), |d| d.as_millis().to_string());
        format!(
            "first frame after {} ms, project shown after {} ms; longest frame {:.1} ms CPU, \
             {} ms between frames, over {} frames",
            ms(self.first),
            ms(self.shown),
            self.longest_cpu * 1000.0,
            self.longest_gap.as_millis(),
            self.frames
        )
    }
}

/// How a screenshot run ended: a line about frame times, or why the PNG was not saved.
#[derive(Debug, Default, Clone)]
pub struct ScreenshotOutcome {
    /// "frame CPU time over N frames: mean .. ms, max .. ms".
    pub frame_times: Option<String>,
    /// Set when the PNG could not be written.
    pub error: Option<String>,
    /// Whether the PNG was written (or failed): the window may close.
    pub done: bool,
}

/// A screenshot under way.
pub struct ScreenshotJob {
    path: PathBuf,
    frames: u32,
    requested: bool,
    outcome: Arc<Mutex<ScreenshotOutcome>>,
}

impl ScreenshotJob {
    /// A job saving the window to `path`, reporting into `outcome`.
    pub fn new(path: PathBuf, outcome: Arc<Mutex<ScreenshotOutcome>>) -> ScreenshotJob {
        ScreenshotJob {
            path,
            frames: 0,
            requested: false,
            outcome,
        }
    }

    /// One frame of the job: 10 frames after the project is shown and nothing runs in the
    /// background (the map has settled), ask egui for the picture; once it is saved, close
    /// the window. `frame_times` are the recent frames' CPU seconds, `log` the whole run's.
    pub fn step(&mut self, ctx: &egui::Context, frame_times: &[f32], log: &FrameLog, busy: bool) {
        ctx.request_repaint();
        if busy {
            self.frames = 0;
            return;
        }
        self.frames += 1;
        let done = self.outcome.lock().is_ok_and(|o| o.done);
        if done {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else if self.frames >= 10 && !self.requested {
            self.requested = true;
            // Frame 1 includes loading and fitting; report the settled frames.
            let settled: Vec<f32> = frame_times.iter().skip(2).copied().collect();
            if !settled.is_empty()
                && let Ok(mut outcome) = self.outcome.lock()
            {
                let mean = settled.iter().sum::<f32>() / settled.len() as f32;
                let max = settled.iter().copied().fold(0.0, f32::max);
                outcome.frame_times = Some(format!(
                    "frame CPU time over {} frames: mean {:.1} ms, max {:.1} ms\n{}",
                    settled.len(),
                    mean * 1000.0,
                    max * 1000.0,
                    log.summary()
                ));
            }
            let (path, outcome) = (self.path.clone(), Arc::clone(&self.outcome));
            ctx.request_screenshot(move |image| {
                let saved = save_png(&path, &image);
                if let Ok(mut outcome) = outcome.lock() {
                    if let Err(e) = saved {
                        outcome.error = Some(format!(
                            "cannot save the screenshot {}: {e}",
                            path.display()
                        ));
                    }
                    outcome.done = true;
                }
            });
        }
    }
}

fn save_png(path: &Path, image: &egui::ColorImage) -> Result<(), image::ImageError> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    image::save_buffer(
        path,
        &bytes,
        w as u32,
        h as u32,
        image::ExtendedColorType::Rgba8,
    )
}
