//! A layer of geographic units ready to build territories from: each unit's code, name and
//! inhabitants, and the layer's clean topology. Stored as TopoJSON (the embedded Dutch
//! layers, and later the planner's own layers in the project file), each unit's properties
//! `code`, `name` and `inhabitants`.

use std::collections::HashMap;
use std::sync::OnceLock;

use geo::MultiPolygon;
use serde_json::{Map, Value};

use super::measure::LayerMeasures;
use super::topology::{TopoJsonOptions, Topology, TopologyError};
use crate::engine::assign::{NO_TERRITORY, RuleFilter, ZoneSet};
use crate::engine::metrics::GeometryMeasures;

/// One unit of a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// What planners and CRMs call it: `1011` (a PC4 postcode), `Utrecht` (a municipality).
    pub code: String,
    /// Its name for people (the place of a postcode), the code when there is none.
    pub name: String,
    /// Inhabitants, when the layer knows them (a proxy of market size).
    pub inhabitants: Option<f64>,
}

/// A layer of units and its topology (unit `i` of both is the same unit).
#[derive(Debug, Clone)]
pub struct UnitLayer {
    /// The layer's key in projects and on the command line (`nl-pc4`).
    pub key: String,
    /// Its title for people ("Postcodes (PC4)").
    pub title: String,
    /// The units, in topology order.
    pub units: Vec<Unit>,
    /// Their shapes, sharing borders exactly.
    pub topology: Topology,
    /// Unit index by code.
    by_code: HashMap<String, u32>,
    /// The units as zones, to find the unit under a point; built on first use (a layer
    /// read for its outlines only never pays for it).
    locator: OnceLock<ZoneSet>,
    /// Every unit's and arc's measures, for measuring sets of units fast; built on first use.
    measures: OnceLock<LayerMeasures>,
    /// A point inside each unit (lon/lat), computed on first use.
    interior: OnceLock<Vec<Option<[f64; 2]>>>,
}

/// Why a layer cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum LayerError {
    /// The TopoJSON is not a usable topology.
    #[error("unit layer {key}: {source}")]
    Topology {
        /// The layer.
        key: String,
        /// What is wrong.
        source: TopologyError,
    },
    /// A unit has no code, or two units share one.
    #[error("unit layer {key}: unit {unit} {problem}")]
    Code {
        /// The layer.
        key: String,
        /// The unit's number (from 1).
        unit: usize,
        /// "has no code", "has the code 1011 of unit 3 too".
        problem: String,
    },
}

impl UnitLayer {
    /// A layer from units and their topology; refuses units without a code or with a code
    /// another unit has.
    pub fn new(
        key: &str,
        title: &str,
        units: Vec<Unit>,
        topology: Topology,
    ) -> Result<UnitLayer, LayerError> {
        let mut by_code = HashMap::with_capacity(units.len());
        for (k, unit) in units.iter().enumerate() {
            let problem = if unit.code.trim().is_empty() {
                Some("has no code".to_owned())
            } else {
                by_code
                    .insert(unit.code.clone(), k as u32)
                    .map(|first| format!("has the code {} of unit {} too", unit.code, first + 1))
            };
            if let Some(problem) = problem {
                return Err(LayerError::Code {
                    key: key.to_owned(),
                    unit: k + 1,
                    problem,
                });
            }
        }
        Ok(UnitLayer {
            key: key.to_owned(),
            title: title.to_owned(),
            units,
            topology,
            by_code,
            locator: OnceLock::new(),
            measures: OnceLock::new(),
            interior: OnceLock::new(),
        })
    }

    /// Reads a layer written by [`UnitLayer::to_topojson`].
    pub fn from_topojson(key: &str, title: &str, text: &str) -> Result<UnitLayer, LayerError> {
        let (topology, properties) =
            Topology::from_topojson(text).map_err(|source| LayerError::Topology {
                key: key.to_owned(),
                source,
            })?;
        let text = |p: &Map<String, Value>, field: &str| match p.get(field) {
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let units = properties
            .iter()
            .map(|p| {
                let code = text(p, "code");
                let name = text(p, "name");
                Unit {
                    name: if name.is_empty() { code.clone() } else { name },
                    code,
                    inhabitants: p.get("inhabitants").and_then(Value::as_f64),
                }
            })
            .collect();
        UnitLayer::new(key, title, units, topology)
    }

    /// The layer as TopoJSON, each unit with its `code`, `name` and `inhabitants`.
    pub fn to_topojson(&self, quantization: u32) -> String {
        let properties: Vec<Map<String, Value>> = self
            .units
            .iter()
            .map(|u| {
                let mut p = Map::new();
                p.insert("code".into(), Value::String(u.code.clone()));
                if u.name != u.code {
                    p.insert("name".into(), Value::String(u.name.clone()));
                }
                if let Some(n) = u.inhabitants.and_then(serde_json::Number::from_f64) {
                    p.insert("inhabitants".into(), Value::Number(n));
                }
                p
            })
            .collect();
        let options = TopoJsonOptions {
            quantization,
            object: self.key.clone(),
        };
        self.topology.to_topojson(&properties, &options)
    }

    /// The index of the unit with this code.
    pub fn unit(&self, code: &str) -> Option<u32> {
        self.by_code.get(code).copied()
    }

    /// The unit under a point (lon/lat), if any.
    pub fn unit_at(&self, lon: f64, lat: f64) -> Option<u32> {
        let owner = self.locator().locate(lon, lat, 0, 0).owner;
        (owner != NO_TERRITORY).then_some(owner)
    }

    /// The unit under each point (lon/lat), on all cores.
    pub fn units_at(&self, lons: &[f64], lats: &[f64]) -> Vec<Option<u32>> {
        let (owner, _) = self.locator().locate_all(lons, lats, |_| (0, 0));
        owner
            .into_iter()
            .map(|u| (u != NO_TERRITORY).then_some(u))
            .collect()
    }

    /// A point inside unit `u` (lon/lat): where an account known only by this unit is
    /// placed. Not the centroid, which falls outside a crescent or a unit of islands; geo's
    /// interior point of the unit's shape, computed for every unit on first use, on all
    /// cores. `None` for an index out of range or a unit without area.
    pub fn interior_point(&self, u: u32) -> Option<[f64; 2]> {
        let points = self.interior.get_or_init(|| {
            use geo::InteriorPoint;
            use rayon::prelude::*;
            (0..self.units.len())
                .into_par_iter()
                .map(|u| {
                    self.topology
                        .unit_polygon(u)
                        .interior_point()
                        .map(|p| [p.x(), p.y()])
                })
                .collect()
        });
        points.get(u as usize).copied().flatten()
    }

    /// The units as zones without rules (built once).
    fn locator(&self) -> &ZoneSet {
        self.locator.get_or_init(|| {
            let shapes: Vec<MultiPolygon<f64>> = (0..self.units.len())
                .map(|u| self.topology.unit_polygon(u))
                .collect();
            let refs: Vec<&MultiPolygon<f64>> = shapes.iter().collect();
            ZoneSet::new(&refs, vec![RuleFilter::default(); refs.len()])
        })
    }

    /// Every unit's and arc's measures (built on first use: a few hundred milliseconds for
    /// PC4).
    pub fn measures(&self) -> &LayerMeasures {
        self.measures
            .get_or_init(|| LayerMeasures::new(&self.topology))
    }

    /// The outline of a set of units (positions in the layer) and its measures, which
    /// equal [`GeometryMeasures::of`] on the outline up to rounding but cost microseconds
    /// (see [`super::measure`]).
    pub fn shape_of(&self, members: &[u32]) -> (MultiPolygon<f64>, GeometryMeasures) {
        let outline = self.topology.outline(members);
        let measures = self.measures().of(&self.topology, members, outline.0.len());
        (outline, measures)
    }

    /// The outline of the units with these codes (codes the layer does not have are
    /// skipped): their union, exact along shared borders.
    pub fn outline<'a>(&self, codes: impl IntoIterator<Item = &'a str>) -> MultiPolygon<f64> {
        let members: Vec<u32> = codes.into_iter().filter_map(|c| self.unit(c)).collect();
        self.topology.outline(&members)
    }
}
