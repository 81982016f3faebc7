//! A page for the management meeting: a picture of the window's compare view (or plan view)
//! saved as PNG, or as a one-page A4 landscape PDF with a title line.
//!
//! The picture is what the planner sees on screen, taken by egui's screenshot; the PDF wraps
//! it (pdf-writer, lossless Flate compression) so that it prints at the page's full width.

use std::io::Write;
use std::path::Path;

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

use super::export::{ExportError, write_replacing};

/// An RGBA picture, rows top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes: red, green, blue, alpha.
    pub rgba: Vec<u8>,
}

/// A4 landscape, in PDF points (1/72 inch).
const PAGE: (f32, f32) = (842.0, 595.0);
/// Margin around the content, points.
const MARGIN: f32 = 24.0;
/// Height of the title line, points.
const TITLE: f32 = 22.0;

/// Writes the picture as a PNG file.
pub fn write_png(path: &Path, picture: &Picture) -> Result<(), ExportError> {
    write_replacing(path, |partial| {
        image::save_buffer_with_format(
            partial,
            &picture.rgba,
            picture.width,
            picture.height,
            image::ExtendedColorType::Rgba8,
            image::ImageFormat::Png,
        )
        .map_err(|e| io_error(path, std::io::Error::other(e.to_string())))
    })
}

/// Writes a one-page A4 landscape PDF: `title` on top, the picture below, scaled to fit.
pub fn write_pdf(path: &Path, picture: &Picture, title: &str) -> Result<(), ExportError> {
    let bytes = pdf_bytes(picture, title).map_err(|e| io_error(path, e))?;
    write_replacing(path, |partial| {
        std::fs::write(partial, &bytes).map_err(|e| io_error(path, e))
    })
}

fn io_error(path: &Path, source: std::io::Error) -> ExportError {
    ExportError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The PDF file's bytes.
pub fn pdf_bytes(picture: &Picture, title: &str) -> std::io::Result<Vec<u8>> {
    let (catalog, pages, page, image, content, font) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    // PDF images have no alpha here: composite over white (the window is opaque anyway).
    let rgb: Vec<u8> = picture
        .rgba
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let over_white = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
            [over_white(p[0]), over_white(p[1]), over_white(p[2])]
        })
        .collect();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&rgb)?;
    let samples = z.finish()?;

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
    p.parent(pages);
    p.contents(content);
    let mut resources = p.resources();
    resources.x_objects().pair(Name(b"Im1"), image);
    resources.fonts().pair(Name(b"F1"), font);
    resources.finish();
    p.finish();
    pdf.type1_font(font).base_font(Name(b"Helvetica"));
    let mut x = pdf.image_xobject(image, &samples);
    x.filter(Filter::FlateDecode);
    x.width(picture.width as i32);
    x.height(picture.height as i32);
    x.color_space().device_rgb();
    x.bits_per_component(8);
    x.finish();

    // The picture as large as the page allows below the title, keeping its proportions.
    let (room_w, room_h) = (PAGE.0 - 2.0 * MARGIN, PAGE.1 - 2.0 * MARGIN - TITLE);
    let scale = (room_w / picture.width.max(1) as f32).min(room_h / picture.height.max(1) as f32);
    let (w, h) = (picture.width as f32 * scale, picture.height as f32 * scale);
    let mut c = Content::new();
    c.begin_text();
    c.set_font(Name(b"F1"), 13.0);
    c.next_line(MARGIN, PAGE.1 - MARGIN - 13.0);
    c.show(Str(latin_text(title).as_bytes()));
    c.end_text();
    c.save_state();
    c.transform([w, 0.0, 0.0, h, MARGIN, PAGE.1 - MARGIN - TITLE - h]);
    c.x_object(Name(b"Im1"));
    c.restore_state();
    pdf.stream(content, &c.finish());
    Ok(pdf.finish())
}

/// The title in the characters the standard Helvetica font shows for sure (ASCII); others
/// become their base letter where there is one ("é" -> "e"), else "?".
fn latin_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii() {
                return if c.is_ascii_control() { ' ' } else { c };
            }
            let folded = crate::geocode::fold(&c.to_string());
            match folded.chars().next() {
                Some(f) if folded.chars().count() == 1 && f.is_ascii_alphabetic() => f,
                _ => '?',
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture() -> Picture {
        // 3 x 2: red, green, blue / white, black, transparent.
        Picture {
            width: 3,
            height: 2,
            rgba: vec![
                255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, //
                255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0,
            ],
        }
    }

    #[test]
    fn pdf_holds_one_a4_page_with_the_image_and_title() {
        let bytes = pdf_bytes(&picture(), "Plan A vs Plan B").expect("pdf");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("%PDF-"));
        assert!(text.contains("/MediaBox [0 0 842 595]"), "{text}");
        assert!(text.contains("/Width 3") && text.contains("/Height 2"));
        assert!(text.contains("/FlateDecode"));
        assert!(text.contains("/Count 1"));
        assert!(text.trim_end().ends_with("%%EOF"));
    }

    #[test]
    fn titles_keep_to_the_standard_font() {
        assert_eq!(latin_text("Zuid-Holland — café"), "Zuid-Holland ? cafe");
    }

    #[test]
    fn png_round_trips() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("page.png");
        write_png(&path, &picture()).expect("png");
        let back = image::open(&path).expect("reads").to_rgba8();
        assert_eq!(back.dimensions(), (3, 2));
        assert_eq!(back.get_pixel(0, 0).0, [255, 0, 0, 255]);
    }
}
