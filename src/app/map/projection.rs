//! The map's coordinate spaces and the conversions between them.
//!
//! Three spaces meet on the map: geographic lon/lat (the model's), Web Mercator (where
//! shapes and accounts are kept once projected, so that a frame only scales and shifts
//! them) and screen points (`egui::Pos2`). Each has its own type so that a value of one can
//! not be passed where another is meant; they are plain `f64` pairs, converted inline.

use egui::{Pos2, Rect};
use walkers::Projector;

use crate::engine::index::Bounds;

/// Web-map pixels of the whole world at zoom 0 (walkers' tile size).
pub const WORLD_PIXELS: f64 = 256.0;

/// Web Mercator's latitude limit: beyond it the projection runs off to infinity.
const MAX_LATITUDE: f64 = 85.05;

/// A geographic position in degrees (WGS 84): the model's coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LonLat {
    /// Degrees east.
    pub lon: f64,
    /// Degrees north.
    pub lat: f64,
}

impl LonLat {
    /// From degrees east and north.
    #[inline]
    pub const fn new(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }
}

/// geo's coordinates of territories and edits are lon/lat as x/y.
impl From<geo::Coord<f64>> for LonLat {
    #[inline]
    fn from(c: geo::Coord<f64>) -> LonLat {
        LonLat { lon: c.x, lat: c.y }
    }
}

impl From<LonLat> for geo::Coord<f64> {
    #[inline]
    fn from(p: LonLat) -> geo::Coord<f64> {
        geo::Coord { x: p.lon, y: p.lat }
    }
}

impl From<LonLat> for walkers::Position {
    #[inline]
    fn from(p: LonLat) -> walkers::Position {
        walkers::lon_lat(p.lon, p.lat)
    }
}

/// Web Mercator, normalised to 0..1 in both directions, y growing southwards (as on screen).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Mercator {
    /// 0 at 180° W, 1 at 180° E.
    pub x: f64,
    /// 0 at the northern limit, 1 at the southern.
    pub y: f64,
}

/// The forward projection; latitudes beyond Web Mercator's limit are clamped to it.
impl From<LonLat> for Mercator {
    #[inline]
    fn from(p: LonLat) -> Mercator {
        let lat = p.lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
        Mercator {
            x: (p.lon + 180.0) / 360.0,
            y: (1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0,
        }
    }
}

/// The inverse projection.
impl From<Mercator> for LonLat {
    #[inline]
    fn from(m: Mercator) -> LonLat {
        let lat = (std::f64::consts::PI * (1.0 - 2.0 * m.y))
            .sinh()
            .atan()
            .to_degrees();
        LonLat {
            lon: m.x * 360.0 - 180.0,
            lat,
        }
    }
}

/// A lon/lat box: its south-west and north-east corners.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatBounds {
    /// The south-west corner (least lon and lat).
    pub min: LonLat,
    /// The north-east corner (greatest lon and lat).
    pub max: LonLat,
}

impl LonLatBounds {
    /// The middle of the box in degrees (not in Mercator: the centre the map is asked for).
    pub fn centre(self) -> LonLat {
        LonLat {
            lon: (self.min.lon + self.max.lon) / 2.0,
            lat: (self.min.lat + self.max.lat) / 2.0,
        }
    }

    /// Whether two boxes share any point (touching edges count).
    pub fn intersects(self, other: LonLatBounds) -> bool {
        self.min.lon <= other.max.lon
            && self.max.lon >= other.min.lon
            && self.min.lat <= other.max.lat
            && self.max.lat >= other.min.lat
    }
}

/// From the engine's box tuple: (min lon, min lat, max lon, max lat).
impl From<Bounds> for LonLatBounds {
    fn from((lon0, lat0, lon1, lat1): Bounds) -> LonLatBounds {
        LonLatBounds {
            min: LonLat::new(lon0, lat0),
            max: LonLat::new(lon1, lat1),
        }
    }
}

/// To the engine's box tuple, for the account grid's queries.
impl From<LonLatBounds> for Bounds {
    fn from(b: LonLatBounds) -> Bounds {
        (b.min.lon, b.min.lat, b.max.lon, b.max.lat)
    }
}

/// geo's boxes of countries and territories are lon/lat as x/y.
impl From<geo::Rect<f64>> for LonLatBounds {
    fn from(r: geo::Rect<f64>) -> LonLatBounds {
        LonLatBounds {
            min: r.min().into(),
            max: r.max().into(),
        }
    }
}

/// The lon/lat box a Mercator box covers (its top is the north).
impl From<MercatorRect> for LonLatBounds {
    fn from(r: MercatorRect) -> LonLatBounds {
        LonLatBounds {
            min: Mercator {
                x: r.min.x,
                y: r.max.y,
            }
            .into(),
            max: Mercator {
                x: r.max.x,
                y: r.min.y,
            }
            .into(),
        }
    }
}

/// A box in Web Mercator. As y grows southwards, `min` is the north-west corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MercatorRect {
    /// The north-west corner (least x and y).
    pub min: Mercator,
    /// The south-east corner (greatest x and y).
    pub max: Mercator,
}

impl MercatorRect {
    /// A box around nothing, to grow with [`MercatorRect::include`].
    pub const NOTHING: MercatorRect = MercatorRect {
        min: Mercator {
            x: f64::INFINITY,
            y: f64::INFINITY,
        },
        max: Mercator {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        },
    };

    /// Grows the box to take in a point.
    #[inline]
    pub fn include(&mut self, p: Mercator) {
        self.min = Mercator {
            x: self.min.x.min(p.x),
            y: self.min.y.min(p.y),
        };
        self.max = Mercator {
            x: self.max.x.max(p.x),
            y: self.max.y.max(p.y),
        };
    }

    /// East-west extent.
    pub fn width(self) -> f64 {
        self.max.x - self.min.x
    }

    /// North-south extent.
    pub fn height(self) -> f64 {
        self.max.y - self.min.y
    }

    /// Whether the boxes overlap (touching counts).
    pub fn intersects(self, other: MercatorRect) -> bool {
        self.min.x <= other.max.x
            && other.min.x <= self.max.x
            && self.min.y <= other.max.y
            && other.min.y <= self.max.y
    }

    /// Whether `other` lies wholly inside this box.
    pub fn contains(self, other: MercatorRect) -> bool {
        other.min.x >= self.min.x
            && other.min.y >= self.min.y
            && other.max.x <= self.max.x
            && other.max.y <= self.max.y
    }
}

/// The Mercator box of a lon/lat box (its north edge is the top).
impl From<LonLatBounds> for MercatorRect {
    fn from(b: LonLatBounds) -> MercatorRect {
        MercatorRect {
            min: LonLat::new(b.min.lon, b.max.lat).into(),
            max: LonLat::new(b.max.lon, b.min.lat).into(),
        }
    }
}

/// Maps lon/lat and Mercator to screen points and back for one frame, without going through
/// walkers per point: Mercator to screen is one multiply-add per axis.
#[derive(Debug, Clone, Copy)]
pub struct Screen {
    /// Screen points per Mercator unit.
    scale: f64,
    /// Screen position of Mercator's (0, 0), in points.
    origin_x: f64,
    origin_y: f64,
    /// The map's rectangle on screen.
    pub rect: Rect,
}

impl Screen {
    /// From walkers' projector for this frame.
    pub fn new(projector: &Projector) -> Screen {
        let rect = projector.clip_rect();
        let scale = WORLD_PIXELS * 2f64.powf(projector.zoom());
        let centre = projector.unproject(rect.center().to_vec2());
        let m = Mercator::from(LonLat::new(centre.x(), centre.y()));
        Screen {
            scale,
            origin_x: f64::from(rect.center().x) - m.x * scale,
            origin_y: f64::from(rect.center().y) - m.y * scale,
            rect,
        }
    }

    /// Screen points per Mercator unit (the whole world's width in points).
    pub fn points_per_unit(&self) -> f64 {
        self.scale
    }

    /// Screen point of a lon/lat.
    #[inline]
    pub fn to_screen(&self, p: LonLat) -> Pos2 {
        self.mercator_to_screen(p.into())
    }

    /// Screen point of a Mercator position.
    #[inline]
    pub fn mercator_to_screen(&self, m: Mercator) -> Pos2 {
        Pos2::new(
            (self.origin_x + m.x * self.scale) as f32,
            (self.origin_y + m.y * self.scale) as f32,
        )
    }

    /// Mercator position of a screen point.
    #[inline]
    pub fn to_mercator(&self, p: Pos2) -> Mercator {
        Mercator {
            x: (f64::from(p.x) - self.origin_x) / self.scale,
            y: (f64::from(p.y) - self.origin_y) / self.scale,
        }
    }

    /// Lon/lat of a screen point.
    #[inline]
    pub fn to_lon_lat(&self, p: Pos2) -> LonLat {
        self.to_mercator(p).into()
    }

    /// Screen points between two lon/lats: how far apart the planner sees them.
    pub fn distance(&self, a: LonLat, b: LonLat) -> f64 {
        f64::from(self.to_screen(a).distance(self.to_screen(b)))
    }

    /// The Mercator box the screen shows.
    pub fn view_mercator(&self) -> MercatorRect {
        MercatorRect {
            min: self.to_mercator(self.rect.min),
            max: self.to_mercator(self.rect.max),
        }
    }

    /// The lon/lat box the screen shows.
    pub fn view(&self) -> LonLatBounds {
        self.view_mercator().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_round_trips_and_boxes_keep_their_corners() {
        let utrecht = LonLat::new(5.12, 52.09);
        let back = LonLat::from(Mercator::from(utrecht));
        assert!((back.lon - utrecht.lon).abs() < 1e-9 && (back.lat - utrecht.lat).abs() < 1e-9);
        // Beyond the limit the projection clamps instead of running off to infinity.
        assert!(Mercator::from(LonLat::new(0.0, 90.0)).y.is_finite());
        let nl = LonLatBounds::from((3.36, 50.75, 7.23, 53.55));
        let m = MercatorRect::from(nl);
        assert!(m.width() > 0.0 && m.height() > 0.0, "north is the top");
        let again = LonLatBounds::from(m);
        assert!((again.min.lat - 50.75).abs() < 1e-9 && (again.max.lon - 7.23).abs() < 1e-9);
        assert_eq!(Bounds::from(nl), (3.36, 50.75, 7.23, 53.55));
    }
}
