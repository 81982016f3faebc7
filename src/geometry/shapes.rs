//! Shapes at any size for tests and benches: an ordinary large territory (a circle of many
//! vertices, a spiky star) and hostile ones (a random scribble that crosses itself almost
//! everywhere, a zigzag that crosses itself once per stroke). All lie around 5°E 52°N and
//! fit in one degree square, as a Dutch territory would.

use geo::{Coord, LineString, Polygon};

use crate::rng::SplitMix64;

const CENTRE: Coord<f64> = Coord { x: 5.0, y: 52.0 };

fn closed(mut coords: Vec<Coord<f64>>) -> Polygon<f64> {
    if let Some(&first) = coords.first() {
        coords.push(first);
    }
    Polygon::new(LineString(coords), vec![])
}

/// A valid circle of radius 0.5° with `n` vertices, counter-clockwise.
pub fn circle(n: usize) -> Polygon<f64> {
    closed(
        (0..n)
            .map(|k| {
                let a = std::f64::consts::TAU * k as f64 / n as f64;
                Coord {
                    x: CENTRE.x + 0.5 * a.cos(),
                    y: CENTRE.y + 0.5 * a.sin(),
                }
            })
            .collect(),
    )
}

/// A valid star of `n` vertices: evenly spaced angles, random radii between 0.1° and 0.5°.
pub fn star(n: usize, seed: u64) -> Polygon<f64> {
    let mut rng = SplitMix64::new(seed);
    closed(
        (0..n)
            .map(|k| {
                let a = std::f64::consts::TAU * k as f64 / n as f64;
                let r = rng.range_f64(0.1, 0.5);
                Coord {
                    x: CENTRE.x + r * a.cos(),
                    y: CENTRE.y + r * a.sin(),
                }
            })
            .collect(),
    )
}

/// `n` random points in a one-degree square, joined in random order: a ring that crosses
/// itself about n²/10 times.
pub fn random_polygon(n: usize, seed: u64) -> Polygon<f64> {
    let mut rng = SplitMix64::new(seed);
    closed(
        (0..n)
            .map(|_| Coord {
                x: CENTRE.x + rng.range_f64(-0.5, 0.5),
                y: CENTRE.y + rng.range_f64(-0.5, 0.5),
            })
            .collect(),
    )
}

/// A ring of `n` vertices (n even, at least 4) that zigzags east between two latitudes and
/// back west half a stroke out of step, so that every stroke back crosses the strokes out:
/// about `n` crossings, each a small triangle.
pub fn zigzag(n: usize) -> Polygon<f64> {
    let half = (n / 2).max(2);
    let step = 1.0 / half as f64;
    let out = (0..half).map(|k| Coord {
        x: CENTRE.x - 0.5 + k as f64 * step,
        y: CENTRE.y - 0.5 + (k % 2) as f64,
    });
    let back = (0..half).map(|k| Coord {
        x: CENTRE.x - 0.5 + (half - 1 - k) as f64 * step + step / 2.0,
        y: CENTRE.y - 0.5 + ((k + 1) % 2) as f64,
    });
    closed(out.chain(back).collect())
}

/// A GeoJSON FeatureCollection of one Polygon feature named `name`.
pub fn feature_collection(name: &str, polygon: &Polygon<f64>) -> String {
    let ring = |r: &LineString<f64>| {
        let positions: Vec<String> = r.0.iter().map(|c| format!("[{},{}]", c.x, c.y)).collect();
        format!("[{}]", positions.join(","))
    };
    let rings: Vec<String> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(ring)
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":{}}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}]}}"#,
        serde_json::Value::String(name.to_owned()),
        rings.join(",")
    )
}
