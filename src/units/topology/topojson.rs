//! TopoJSON in and out. Written quantized with a transform and delta-encoded arcs, as the
//! TopoJSON specification describes, one `GeometryCollection` of (Multi)Polygons with the
//! caller's properties; read from ours or from others' (e.g. us-atlas), checking that rings
//! join up and that no arc is walked twice in one direction.

use std::fmt::Write;

use serde_json::{Map, Value};

use super::metric::twice_signed_area;
use super::outline::ring_points;
use super::{ArcRef, NO_UNIT, Topology, TopologyError};

/// How a topology is written.
#[derive(Debug, Clone, PartialEq)]
pub struct TopoJsonOptions {
    /// Grid steps across the layer's extent on each axis (the spec's quantization). 1e6
    /// keeps the Netherlands to about 0.3 m; 1e5 to about 3 m.
    pub quantization: u32,
    /// The name of the object holding the units.
    pub object: String,
}

impl Default for TopoJsonOptions {
    fn default() -> TopoJsonOptions {
        TopoJsonOptions {
            quantization: 1_000_000,
            object: "units".into(),
        }
    }
}

fn bad(message: impl Into<String>) -> TopologyError {
    TopologyError::TopoJson(message.into())
}

impl Topology {
    /// The topology as TopoJSON text, unit `i` carrying `properties[i]` (missing ones
    /// written as empty).
    pub fn to_topojson(
        &self,
        properties: &[Map<String, Value>],
        options: &TopoJsonOptions,
    ) -> String {
        let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in self.arcs.iter().flatten() {
            for k in 0..2 {
                min[k] = min[k].min(p[k]);
                max[k] = max[k].max(p[k]);
            }
        }
        if !min[0].is_finite() {
            (min, max) = ([0.0; 2], [1.0; 2]);
        }
        let steps = f64::from(options.quantization.max(2) - 1);
        let scale = [0, 1].map(|k| {
            if max[k] > min[k] {
                (max[k] - min[k]) / steps
            } else {
                1.0
            }
        });
        let mut out = String::with_capacity(self.vertex_count() * 12);
        let object = Value::String(options.object.clone()).to_string();
        let _ = write!(
            out,
            r#"{{"type":"Topology","transform":{{"scale":[{},{}],"translate":[{},{}]}},"objects":{{{object}:{{"type":"GeometryCollection","geometries":["#,
            scale[0], scale[1], min[0], min[1]
        );
        let empty = Map::new();
        for (u, polygons) in self.units.iter().enumerate() {
            if u > 0 {
                out.push(',');
            }
            if polygons.is_empty() {
                out.push_str(r#"{"type":null"#);
            } else {
                out.push_str(r#"{"type":"MultiPolygon","arcs":["#);
                for (i, rings) in polygons.iter().enumerate() {
                    out.push_str(if i > 0 { ",[" } else { "[" });
                    for (j, ring) in rings.iter().enumerate() {
                        out.push_str(if j > 0 { ",[" } else { "[" });
                        for (k, r) in ring.iter().enumerate() {
                            let _ =
                                write!(out, "{}{}", if k > 0 { "," } else { "" }, r.to_topojson());
                        }
                        out.push(']');
                    }
                    out.push(']');
                }
                out.push(']');
            }
            let props = Value::Object(properties.get(u).unwrap_or(&empty).clone());
            let _ = write!(out, r#","properties":{props}}}"#);
        }
        out.push_str(r#"]}},"arcs":["#);
        for (a, arc) in self.arcs.iter().enumerate() {
            out.push_str(if a > 0 { ",[" } else { "[" });
            let mut last = [0i64; 2];
            let mut written = 0;
            for (i, p) in arc.iter().enumerate() {
                let q = [0, 1].map(|k| ((p[k] - min[k]) / scale[k]).round() as i64);
                let delta = if written == 0 {
                    q
                } else {
                    [q[0] - last[0], q[1] - last[1]]
                };
                let is_last = i + 1 == arc.len();
                if written > 0 && delta == [0, 0] && !(is_last && written < 2) {
                    continue;
                }
                let _ = write!(
                    out,
                    "{}[{},{}]",
                    if written > 0 { "," } else { "" },
                    delta[0],
                    delta[1]
                );
                last = q;
                written += 1;
            }
            out.push(']');
        }
        out.push_str("]}");
        out
    }

    /// Reads a TopoJSON topology: the object holding the units is the only one, or else the
    /// one with the most geometries (us-atlas files also hold coarser objects). Returns the
    /// topology and, per unit, its properties (with the feature's `id` added as `"id"` when
    /// it has one and the properties do not).
    pub fn from_topojson(text: &str) -> Result<(Topology, Vec<Map<String, Value>>), TopologyError> {
        let root: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if root.get("type").and_then(Value::as_str) != Some("Topology") {
            return Err(bad("the type is not \"Topology\""));
        }
        let arcs = read_arcs(&root)?;
        let objects = root
            .get("objects")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("no objects"))?;
        let geometries = objects
            .values()
            .filter_map(|o| o.get("geometries").and_then(Value::as_array))
            .max_by_key(|g| g.len())
            .ok_or_else(|| bad("no GeometryCollection among the objects"))?;
        let mut units = Vec::with_capacity(geometries.len());
        let mut properties = Vec::with_capacity(geometries.len());
        for (feature, geometry) in geometries.iter().enumerate() {
            let mut props = geometry
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if let Some(id) = geometry.get("id") {
                props.entry("id").or_insert_with(|| id.clone());
            }
            properties.push(props);
            units.push(read_geometry(geometry, feature, arcs.len())?);
        }
        let mut topology = Topology::from_parts(arcs, Vec::new(), Vec::new());
        let mut sides = vec![[NO_UNIT; 2]; topology.arcs.len()];
        let mut owners = vec![[usize::MAX; 2]; topology.arcs.len()];
        for (feature, polygons) in units.iter_mut().enumerate() {
            for rings in polygons.iter_mut() {
                check_joins(&topology, rings, feature)?;
                // An arc that is a single point (topojson-server writes some) bounds nothing,
                // nor does a spike (an arc walked out and straight back).
                for ring in rings.iter_mut() {
                    ring.retain(|r| {
                        let arc = &topology.arcs[r.arc as usize];
                        arc.first() != arc.last() || arc.len() > 3
                    });
                    cancel_spikes(ring);
                }
                rings.retain(|ring| !ring.is_empty());
                // Outer rings counter-clockwise (d3 writes them clockwise): flip the polygon.
                // A polygon without area (quantization can fold one onto a line) bounds
                // nothing and would claim both sides of its arcs: it is dropped.
                let outer = rings
                    .first()
                    .map(|r| twice_signed_area(&ring_points(&topology, r)));
                if outer.is_none_or(|area| area == 0.0) {
                    rings.clear();
                    continue;
                }
                if outer.is_some_and(|area| area < 0.0) {
                    for ring in rings.iter_mut() {
                        ring.reverse();
                        for r in ring.iter_mut() {
                            r.reversed = !r.reversed;
                        }
                    }
                }
                for r in rings.iter().flatten() {
                    let side = usize::from(r.reversed);
                    let first = owners[r.arc as usize][side];
                    if first != usize::MAX {
                        return Err(TopologyError::ArcUsedTwice {
                            arc: r.arc,
                            first,
                            second: feature,
                        });
                    }
                    owners[r.arc as usize][side] = feature;
                    sides[r.arc as usize][side] = feature as u32;
                }
            }
        }
        topology.sides = sides;
        units
            .iter_mut()
            .for_each(|polygons| polygons.retain(|rings| !rings.is_empty()));
        topology.units = units;
        Ok((topology, properties))
    }
}

/// Removes arcs walked forwards and straight back (`a, ~a`), also across the ring's start.
fn cancel_spikes(ring: &mut Vec<ArcRef>) {
    let mut kept: Vec<ArcRef> = Vec::with_capacity(ring.len());
    for &r in ring.iter() {
        match kept.last() {
            Some(top) if top.arc == r.arc && top.reversed != r.reversed => {
                kept.pop();
            }
            _ => kept.push(r),
        }
    }
    while kept.len() >= 2 {
        let (first, last) = (kept[0], kept[kept.len() - 1]);
        if first.arc == last.arc && first.reversed != last.reversed {
            kept.pop();
            kept.remove(0);
        } else {
            break;
        }
    }
    *ring = kept;
}

fn read_arcs(root: &Value) -> Result<Vec<Vec<[f64; 2]>>, TopologyError> {
    let transform = match root.get("transform") {
        None | Some(Value::Null) => None,
        Some(t) => {
            let pair = |key: &str| -> Result<[f64; 2], TopologyError> {
                let values = t
                    .get(key)
                    .and_then(Value::as_array)
                    .ok_or_else(|| bad(format!("transform without {key}")))?;
                match values.as_slice() {
                    [x, y] => Ok([x.as_f64(), y.as_f64()]).and_then(|[x, y]| match (x, y) {
                        (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Ok([x, y]),
                        _ => Err(bad(format!("transform {key} is not two numbers"))),
                    }),
                    _ => Err(bad(format!("transform {key} is not two numbers"))),
                }
            };
            Some((pair("scale")?, pair("translate")?))
        }
    };
    let list = root
        .get("arcs")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no arcs"))?;
    let mut arcs = Vec::with_capacity(list.len());
    for (a, arc) in list.iter().enumerate() {
        let positions = arc
            .as_array()
            .ok_or_else(|| bad(format!("arc {a} is not a list")))?;
        let mut points: Vec<[f64; 2]> = Vec::with_capacity(positions.len());
        let mut sum = [0.0f64; 2];
        for p in positions {
            let xy = p
                .as_array()
                .and_then(|v| Some([v.first()?.as_f64()?, v.get(1)?.as_f64()?]));
            let Some(xy) = xy.filter(|v| v[0].is_finite() && v[1].is_finite()) else {
                return Err(bad(format!(
                    "arc {a} has a position that is not two numbers"
                )));
            };
            let point = match transform {
                Some((scale, translate)) => {
                    sum = [sum[0] + xy[0], sum[1] + xy[1]];
                    [
                        sum[0] * scale[0] + translate[0],
                        sum[1] * scale[1] + translate[1],
                    ]
                }
                None => xy,
            };
            if points.last() != Some(&point) {
                points.push(point);
            }
        }
        if points.len() == 1 {
            points.push(points[0]);
        }
        if points.is_empty() {
            return Err(bad(format!("arc {a} has no positions")));
        }
        arcs.push(points);
    }
    Ok(arcs)
}

fn read_ring(value: &Value, feature: usize, arcs: usize) -> Result<Vec<ArcRef>, TopologyError> {
    let list = value
        .as_array()
        .ok_or_else(|| bad(format!("feature {feature} has a ring that is not a list")))?;
    list.iter()
        .map(|i| {
            let index = i.as_i64().ok_or_else(|| {
                bad(format!(
                    "feature {feature} has an arc index that is not an integer"
                ))
            })?;
            ArcRef::from_topojson(index)
                .filter(|r| (r.arc as usize) < arcs)
                .ok_or(TopologyError::ArcOutOfRange {
                    feature,
                    arc: index,
                    arcs,
                })
        })
        .collect()
}

fn read_geometry(
    geometry: &Value,
    feature: usize,
    arcs: usize,
) -> Result<Vec<Vec<Vec<ArcRef>>>, TopologyError> {
    let list = |v: Option<&Value>| -> Result<Vec<Value>, TopologyError> {
        v.and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| bad(format!("feature {feature} has no arcs")))
    };
    let rings = |v: &Value| -> Result<Vec<Vec<ArcRef>>, TopologyError> {
        list(Some(v))?
            .iter()
            .map(|r| read_ring(r, feature, arcs))
            .collect()
    };
    match geometry.get("type").and_then(Value::as_str) {
        None => Ok(Vec::new()),
        Some("Polygon") => Ok(vec![rings(geometry.get("arcs").unwrap_or(&Value::Null))?]),
        Some("MultiPolygon") => list(geometry.get("arcs"))?.iter().map(rings).collect(),
        Some(other) => Err(bad(format!(
            "feature {feature} is a {other}, not a polygon"
        ))),
    }
}

/// Each arc of a ring must start where the previous one ends, and the ring must close.
fn check_joins(
    topology: &Topology,
    rings: &[Vec<ArcRef>],
    feature: usize,
) -> Result<(), TopologyError> {
    let end = |r: &ArcRef, last: bool| {
        let arc = &topology.arcs[r.arc as usize];
        if last != r.reversed {
            arc[arc.len() - 1]
        } else {
            arc[0]
        }
    };
    for ring in rings {
        let (Some(first), Some(last)) = (ring.first(), ring.last()) else {
            return Err(TopologyError::RingNotClosed { feature });
        };
        let joined = ring
            .windows(2)
            .all(|w| end(&w[0], true) == end(&w[1], false));
        if !joined || end(last, true) != end(first, false) {
            return Err(TopologyError::RingNotClosed { feature });
        }
    }
    Ok(())
}
