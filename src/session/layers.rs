//! The planner's own unit layers in a session: finding a layer by key (the project's first,
//! then the embedded Dutch ones), making a project layer from a file's features (fields
//! chosen or guessed, codes checked, topology cleaned), and adding or removing one as an
//! undoable edit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::{Session, SessionError, units::unit_layer};
use crate::io::layers::{RawLayer, guess_fields};
use crate::model::{Change, Edit, Project, ProjectLayer, key_problem};
use crate::units::layer::{Unit, UnitLayer};
use crate::units::topology::{CleanOptions, CleanReport, Topology};
use crate::units::{embedded, hexagons};

/// Coordinates kept to 1e-7 degrees (about 1 cm) in the stored TopoJSON, as the embedded
/// layers are: far below the cleaning's 1 m snap tolerance.
const QUANTIZATION: u32 = 10_000_000;

/// Fields that count inhabitants, tried in order (case-insensitive).
const INHABITANT_FIELDS: [&str; 5] = [
    "inwoners",
    "aant_inw",
    "inhabitants",
    "population",
    "pop_est",
];

/// Decoded project layers kept: a few, since a session uses one or two at a time.
const CACHED: usize = 8;

/// The unit layer `key`: the project's own layer of that key (decoded once per content and
/// kept), else the embedded one; or why there is none, naming the layers there are.
pub fn layer_in(project: &Project, key: &str) -> Result<Arc<UnitLayer>, SessionError> {
    let Some(own) = project.unit_layer(key) else {
        return unit_layer(key).map_err(|e| match e {
            SessionError::Units(_) if embedded::layer(key).is_none() => {
                SessionError::Units(format!(
                    "there is no unit layer {key}; the layers are {}",
                    layer_list(project)
                        .iter()
                        .map(|(k, _)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
            e => e,
        });
    };
    type Cache = Mutex<HashMap<(String, u64), Arc<UnitLayer>>>;
    static DECODED: OnceLock<Cache> = OnceLock::new();
    let cache = DECODED.get_or_init(Default::default);
    let id = (own.key.clone(), own.digest());
    // A poisoned lock only means another thread panicked while holding a finished map.
    if let Some(layer) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&id) {
        return Ok(layer.clone());
    }
    // Decoded outside the lock: two threads may both decode a new layer once, rather than
    // one waiting on the other.
    let layer = UnitLayer::from_topojson(&own.key, &own.title, own.topojson())
        .map(Arc::new)
        .map_err(|e| SessionError::Units(e.to_string()))?;
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    if cache.len() >= CACHED {
        cache.clear();
    }
    cache.insert(id, layer.clone());
    Ok(layer)
}

/// The layer a design asks for to build from a grid of hexagons over the accounts (see
/// [`hexagon_layer`]).
pub const HEXAGONS: &str = "hexagons";

/// A grid of hexagons over the project's accounts, sized for a design of `territories`:
/// the project's own layer of that size when it has one, else a new layer, returned with
/// the project layer to add (in the same edit as the plan built from it).
pub fn hexagon_layer(
    project: &Project,
    territories: usize,
) -> Result<(Arc<UnitLayer>, Option<ProjectLayer>), SessionError> {
    let accounts = &project.accounts;
    let points = accounts
        .lons()
        .iter()
        .copied()
        .zip(accounts.lats().iter().copied());
    let grid = hexagons::grid_over(points, hexagons::cells_for(territories))
        .map_err(|e| SessionError::Units(e.to_string()))?;
    let (key, title) = hexagons::key_and_title(grid.size_km);
    if project.unit_layer(&key).is_some() {
        return Ok((layer_in(project, &key)?, None));
    }
    let (own, _) = cleaned_layer(&key, &title, grid.units, &grid.shapes)?;
    // Read back from what the project will store, so that the plan is built from exactly
    // the layer a reopened project has.
    let layer = UnitLayer::from_topojson(&key, &title, own.topojson())
        .map_err(|e| SessionError::Units(e.to_string()))?;
    Ok((Arc::new(layer), Some(own)))
}

/// Key and title of every layer a plan of `project` can be built from: the embedded ones
/// first (finest first), then the project's own, by key.
pub fn layer_list(project: &Project) -> Vec<(String, String)> {
    embedded::keys()
        .map(|(k, t)| (k.to_owned(), t.to_owned()))
        .chain(
            project
                .unit_layers
                .iter()
                .map(|l| (l.key.clone(), l.title.clone())),
        )
        .collect()
}

/// What the planner chose for a new layer; fields left `None` are guessed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerChoice {
    /// Key plans will refer to it by.
    pub key: String,
    /// Title shown in menus.
    pub title: String,
    /// The property that codes a unit (unique per unit).
    pub code_field: Option<String>,
    /// The property that names a unit.
    pub name_field: Option<String>,
}

/// A layer made ready to add: the project layer, and what was chosen and cleaned.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedLayer {
    /// The layer to store.
    pub layer: ProjectLayer,
    /// Units in it.
    pub units: usize,
    /// The field that codes units, and whether it was guessed.
    pub code_field: (String, bool),
    /// The field that names units (`None`: units are named by their code), and whether
    /// it was guessed.
    pub name_field: (Option<String>, bool),
    /// What cleaning the topology did.
    pub report: CleanReport,
}

/// Checks that `key` can name a new layer of `project`: not reserved, not embedded, not
/// taken.
pub fn check_new_key(project: &Project, key: &str) -> Result<(), SessionError> {
    if let Some(problem) = key_problem(key) {
        return Err(SessionError::Units(problem));
    }
    if embedded::layer(key).is_some() || project.unit_layer(key).is_some() {
        return Err(SessionError::Units(format!(
            "the project has a unit layer {key} already; choose another key (--key)"
        )));
    }
    Ok(())
}

/// Makes a project layer of the features of `raw`: the code and name fields as chosen (or
/// guessed), every unit's code present and unique (a duplicate names its features), the
/// topology cleaned (invalid units repaired, slivers and overlaps given to one unit).
/// Cleaning a PC4-sized layer takes about a second and a half.
pub fn prepare_layer(
    project: &Project,
    raw: &RawLayer,
    choice: &LayerChoice,
) -> Result<PreparedLayer, SessionError> {
    check_new_key(project, &choice.key)?;
    if raw.features.is_empty() {
        return Err(SessionError::Units("the layer has no features".into()));
    }
    let (guessed_name, guessed_code) = guess_fields(raw);
    let field = |f: &Option<String>| -> Result<(), SessionError> {
        match f {
            Some(f) if !raw.fields.contains(f) => Err(SessionError::Units(format!(
                "the layer has no field {f}; its fields are {}",
                raw.fields.join(", ")
            ))),
            _ => Ok(()),
        }
    };
    field(&choice.code_field)?;
    field(&choice.name_field)?;
    let code_field = match (&choice.code_field, guessed_code, &guessed_name) {
        (Some(f), _, _) => (f.clone(), false),
        (None, Some(f), _) => (f, true),
        // A layer whose names are unique (world countries) can be coded by them.
        (None, None, Some(name)) if distinct(raw, name) => (name.clone(), true),
        (None, None, _) => {
            return Err(SessionError::Units(format!(
                "cannot tell which field codes the units; choose one (--code-field) of {}",
                raw.fields.join(", ")
            )));
        }
    };
    let name_field = match &choice.name_field {
        Some(f) => (Some(f.clone()), false),
        None => (guessed_name, true),
    };
    let inhabitants = INHABITANT_FIELDS.iter().find_map(|want| {
        raw.fields
            .iter()
            .find(|f| f.eq_ignore_ascii_case(want))
            .cloned()
    });
    let mut first_of: HashMap<String, usize> = HashMap::new();
    let mut units = Vec::with_capacity(raw.features.len());
    for f in &raw.features {
        let code = f
            .text(&code_field.0)
            .map(|c| c.trim().to_owned())
            .unwrap_or_default();
        if code.is_empty() {
            return Err(SessionError::Units(format!(
                "feature {} has no code in field {}",
                f.feature, code_field.0
            )));
        }
        if let Some(first) = first_of.insert(code.clone(), f.feature) {
            return Err(SessionError::Units(format!(
                "code {code} in field {} is held by features {first} and {}; a code must \
                 name one unit (choose another field, or merge those features first)",
                code_field.0, f.feature
            )));
        }
        let name = name_field
            .0
            .as_ref()
            .and_then(|n| f.text(n))
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| code.clone());
        units.push(Unit {
            code,
            name,
            inhabitants: inhabitants
                .as_ref()
                .and_then(|field| f.property(field))
                .and_then(serde_json::Value::as_f64),
        });
    }
    let shapes: Vec<_> = raw.features.iter().map(|f| f.geometry.clone()).collect();
    let count = units.len();
    let (layer, report) = cleaned_layer(&choice.key, &choice.title, units, &shapes)?;
    Ok(PreparedLayer {
        units: count,
        layer,
        code_field,
        name_field,
        report,
    })
}

/// A project layer of `units` with their `shapes`, the topology cleaned once, as the
/// project stores it (TopoJSON), with what the cleaning did.
fn cleaned_layer(
    key: &str,
    title: &str,
    units: Vec<Unit>,
    shapes: &[geo::MultiPolygon<f64>],
) -> Result<(ProjectLayer, CleanReport), SessionError> {
    let (topology, report) = Topology::build(shapes, &CleanOptions::default())
        .map_err(|e| SessionError::Units(format!("cleaning the layer failed: {e}")))?;
    let layer = UnitLayer::new(key, title, units, topology)
        .map_err(|e| SessionError::Units(e.to_string()))?;
    let own = ProjectLayer::new(key, title, layer.to_topojson(QUANTIZATION));
    Ok((own, report))
}

/// A layer key from a file name: lower case, runs of anything but letters and digits made
/// one dash.
pub fn layer_key_from(stem: &str) -> String {
    let mut key = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with('-') {
            key.push('-');
        }
    }
    key.trim_end_matches('-').to_owned()
}

/// Whether every feature has a value of `field` and no two the same.
fn distinct(raw: &RawLayer, field: &str) -> bool {
    let mut seen = std::collections::HashSet::new();
    raw.features
        .iter()
        .all(|f| f.text(field).is_some_and(|v| seen.insert(v)))
}

impl Session {
    /// The unit layer `key` for this session's project (its own layers first, then the
    /// embedded ones).
    pub fn unit_layer(&self, key: &str) -> Result<Arc<UnitLayer>, SessionError> {
        layer_in(&self.project, key)
    }

    /// Adds a prepared layer to the project, as one undoable edit.
    pub fn add_unit_layer(&mut self, layer: ProjectLayer) -> Result<(), SessionError> {
        check_new_key(&self.project, &layer.key)?;
        let description = format!("Added unit layer {}", layer.title);
        self.apply(Edit {
            description,
            changes: vec![Change::UnitLayer {
                before: None,
                after: Some(layer),
            }],
        })?;
        Ok(())
    }

    /// Removes the planner's layer `key`, as one undoable edit; refused while a plan is
    /// built from it.
    pub fn remove_unit_layer(&mut self, key: &str) -> Result<(), SessionError> {
        let Some(layer) = self.project.unit_layer(key).cloned() else {
            let own: Vec<&str> = self
                .project
                .unit_layers
                .iter()
                .map(|l| l.key.as_str())
                .collect();
            return Err(SessionError::Units(if embedded::layer(key).is_some() {
                format!("{key} is embedded in Tessera and cannot be removed")
            } else if own.is_empty() {
                format!("the project has no unit layer {key} (it has no layers of its own)")
            } else {
                format!(
                    "the project has no unit layer {key}; its own layers are {}",
                    own.join(", ")
                )
            }));
        };
        self.apply(Edit {
            description: format!("Removed unit layer {}", layer.title),
            changes: vec![Change::UnitLayer {
                before: Some(layer),
                after: None,
            }],
        })?;
        Ok(())
    }
}
