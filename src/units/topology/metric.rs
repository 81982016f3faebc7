//! Metres from lon/lat, for tolerances and areas: a local equirectangular scale around the
//! layer's middle latitude. Coordinates themselves stay in lon/lat (snapping moves a vertex
//! onto another existing vertex, never onto a computed one), so nothing is reprojected.

/// Metres per degree of latitude (mean).
const M_PER_DEG_LAT: f64 = 110_574.0;
/// Metres per degree of longitude at the equator.
const M_PER_DEG_LON: f64 = 111_320.0;

/// A local scale from lon/lat to metres.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    origin: [f64; 2],
    kx: f64,
    ky: f64,
}

impl Scale {
    /// The scale at the middle of the points' latitudes.
    pub(super) fn around<'a>(points: impl Iterator<Item = &'a [f64; 2]>) -> Scale {
        let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in points {
            for k in 0..2 {
                min[k] = min[k].min(p[k]);
                max[k] = max[k].max(p[k]);
            }
        }
        if !min[0].is_finite() {
            return Scale::at([0.0, 0.0]);
        }
        Scale::at([(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0])
    }

    /// The scale at one point.
    pub(super) fn at(origin: [f64; 2]) -> Scale {
        Scale {
            origin,
            kx: M_PER_DEG_LON * origin[1].to_radians().cos().max(0.01),
            ky: M_PER_DEG_LAT,
        }
    }

    /// The point in metres from the origin.
    pub(super) fn metres(&self, p: [f64; 2]) -> [f64; 2] {
        [
            (p[0] - self.origin[0]) * self.kx,
            (p[1] - self.origin[1]) * self.ky,
        ]
    }
}

/// Twice the signed area of a closed ring in lon/lat (positive counter-clockwise), in
/// degrees squared.
pub(super) fn twice_signed_area(ring: &[[f64; 2]]) -> f64 {
    let Some(first) = ring.first() else {
        return 0.0;
    };
    let mut sum = 0.0;
    for w in ring.windows(2) {
        sum += (w[0][0] - first[0]) * (w[1][1] - first[1])
            - (w[1][0] - first[0]) * (w[0][1] - first[1]);
    }
    sum
}

/// The mean radius of the Earth, metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The signed area of a ring in square metres on the sphere, as Lambert's cylindrical
/// equal-area projection measures it (x = longitude, y = sine of latitude): additive, so
/// the areas of units add up exactly to the area of their union.
pub(super) fn signed_area_m2(ring: &[[f64; 2]]) -> f64 {
    let projected: Vec<[f64; 2]> = ring
        .iter()
        .map(|p| [p[0].to_radians(), p[1].to_radians().sin()])
        .collect();
    twice_signed_area(&projected) / 2.0 * EARTH_RADIUS_M * EARTH_RADIUS_M
}

/// The area of a shape in square metres (on the sphere, see [`signed_area_m2`]).
pub fn area_m2(shape: &geo::MultiPolygon<f64>) -> f64 {
    let ring_area = |ring: &geo::LineString<f64>| {
        let points: Vec<[f64; 2]> = ring.0.iter().map(|c| [c.x, c.y]).collect();
        signed_area_m2(&points).abs()
    };
    shape
        .0
        .iter()
        .map(|p| ring_area(p.exterior()) - p.interiors().iter().map(ring_area).sum::<f64>())
        .sum()
}

/// The length of a segment in metres.
pub(super) fn length_m(scale: &Scale, a: [f64; 2], b: [f64; 2]) -> f64 {
    let (a, b) = (scale.metres(a), scale.metres(b));
    (a[0] - b[0]).hypot(a[1] - b[1])
}
