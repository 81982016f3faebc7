//! Saving what the window shows as a page for the management meeting: a frame drawn in the
//! light theme (paper is white), its pixels cropped to the page's area, written as PDF (A4
//! landscape) or PNG by [`crate::io::page`].

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Asks where to save a page (PDF or PNG), suggesting `name`.
pub fn pick_page_path(name: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter("PDF page", &["pdf"])
        .add_filter("PNG picture", &["png"])
        .set_file_name(name)
        .save_file()
}

/// A page export under way: it takes three frames (switch to light, take the pixels, write).
pub struct PageShot {
    path: PathBuf,
    image: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
    /// The theme to go back to; set once the light frame was asked for.
    theme_before: Option<egui::ThemePreference>,
    requested: bool,
}

impl PageShot {
    /// A page to save at `path`: PDF when it ends in `.pdf`, else PNG.
    pub fn new(path: PathBuf) -> PageShot {
        PageShot {
            path,
            image: Arc::new(Mutex::new(None)),
            theme_before: None,
            requested: false,
        }
    }

    /// Moves the export on by one frame; returns the outcome ("Saved PATH" or why not) once
    /// the file is written. `page` is the area to keep, in points; `title` heads the PDF.
    pub fn step(&mut self, ctx: &egui::Context, page: egui::Rect, title: &str) -> Option<String> {
        if self.theme_before.is_none() {
            self.theme_before = Some(ctx.options(|o| o.theme_preference));
            ctx.set_theme(egui::ThemePreference::Light);
            ctx.request_repaint();
            return None;
        }
        if !self.requested {
            self.requested = true;
            let slot = Arc::clone(&self.image);
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                if let Ok(mut s) = slot.lock() {
                    *s = Some(image);
                }
                repaint.request_repaint();
            });
            return None;
        }
        let Some(image) = self.image.lock().ok().and_then(|mut s| s.take()) else {
            ctx.request_repaint();
            return None;
        };
        if let Some(theme) = self.theme_before {
            ctx.set_theme(theme);
        }
        let picture = crop(&image, page, ctx.pixels_per_point());
        let pdf = self
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        let written = if pdf {
            crate::io::page::write_pdf(&self.path, &picture, title)
        } else {
            crate::io::page::write_png(&self.path, &picture)
        };
        Some(match written {
            Ok(()) => format!("Saved {}", self.path.display()),
            Err(e) => format!("Could not save the page: {e}"),
        })
    }
}

/// The part of a screenshot inside `rect` (points), as a picture.
fn crop(image: &egui::ColorImage, rect: egui::Rect, ppp: f32) -> crate::io::page::Picture {
    let [w, h] = image.size;
    let px = |v: f32, max: usize| ((v * ppp).round().max(0.0) as usize).min(max);
    let (x0, y0) = (px(rect.min.x, w), px(rect.min.y, h));
    let (x1, y1) = (px(rect.max.x, w).max(x0), px(rect.max.y, h).max(y0));
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for c in &image.pixels[y * w + x0..y * w + x1] {
            rgba.extend_from_slice(&c.to_array());
        }
    }
    crate::io::page::Picture {
        width: (x1 - x0) as u32,
        height: (y1 - y0) as u32,
        rgba,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crop_keeps_the_pixels_inside_the_rect_at_the_screen_scale() {
        // 4 x 2 pixels at 2 pixels per point; pixel (x, y) has red = 10 x + y.
        let pixels = (0..2)
            .flat_map(|y| (0..4).map(move |x| egui::Color32::from_rgb(10 * x + y, 0, 0)))
            .collect();
        let image = egui::ColorImage::new([4, 2], pixels);
        let rect = egui::Rect::from_min_max(egui::pos2(1.0, 0.0), egui::pos2(2.0, 1.0));
        let p = crop(&image, rect, 2.0);
        assert_eq!((p.width, p.height), (2, 2));
        let reds: Vec<u8> = p.rgba.chunks(4).map(|c| c[0]).collect();
        assert_eq!(reds, vec![20, 30, 21, 31]);
    }
}
