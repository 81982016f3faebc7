//! What the window and the command line both do with a session, written once: importing
//! territories from a file, exporting the scenario shown, comparing two scenarios.

use std::path::Path;

use super::{Effects, Session, SessionError};
use crate::engine::compare::{Comparison, compare_plans};

/// Which scenario imported territories go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerritoryTarget {
    /// The scenario shown.
    Shown,
    /// The scenario of this name; a name the project does not have makes a new scenario of
    /// the imported territories.
    Named(String),
    /// A new scenario named after the file (numbered when the name is taken).
    NewFromFile,
}

/// What an import of territories did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerritoryImport {
    /// What the edit changed.
    pub effects: Effects,
    /// What the file gave.
    pub read: TerritoriesRead,
}

/// What a file of territories gives, as its import reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerritoriesRead {
    /// How many territories were imported.
    pub count: usize,
    /// One line per repaired feature ("feature 3 (Noord): ring crossed itself; repaired").
    pub repaired: Vec<String>,
    /// The scenario they went to.
    pub scenario: String,
    /// Whether that scenario was made by the import.
    pub new_scenario: bool,
    /// Rep names the file gives that the project does not have (those territories have no
    /// rep), each once.
    pub unknown_reps: Vec<String>,
    /// How many territories got their rep from the file.
    pub reps: usize,
}

impl TerritoriesRead {
    /// One line for the planner: how many, where, and how many were repaired.
    pub fn summary(&self) -> String {
        let to = if self.new_scenario {
            format!("the new scenario {}", self.scenario)
        } else {
            self.scenario.clone()
        };
        let mut line = format!(
            "added {} territories to {to} ({} repaired)",
            self.count,
            self.repaired.len(),
        );
        if self.reps > 0 {
            line.push_str(&format!("; {} with their rep", self.reps));
        }
        if !self.unknown_reps.is_empty() {
            line.push_str(&format!(
                "; the project has no rep named {} (left without a rep)",
                self.unknown_reps.join(", ")
            ));
        }
        line
    }
}

/// What an export writes from the scenario shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// Territories as GeoJSON with every metric.
    GeoJson,
    /// Assignments as CSV for the CRM.
    Csv,
    /// Territories and accounts as a GeoPackage.
    GeoPackage,
    /// The plan's units as CSV for the CRM's assignment rules: `unit_code,unit_name,
    /// territory,rep` for every unit of the plan's layer (a plan built from units only).
    Units,
}

/// An import of territories read and made into an edit, not yet applied: the window applies
/// it on another thread in a large project.
#[derive(Debug, Clone)]
pub struct PreparedTerritories {
    /// The edit that adds them (and makes their scenario, if new).
    pub edit: crate::model::Edit,
    /// The scenario to show after the edit: the new one.
    pub show: Option<crate::model::ScenarioId>,
    /// What the file gives.
    pub read: TerritoriesRead,
}

impl Session {
    /// Adds the territories of a GeoJSON file to a scenario as one undoable edit, and shows
    /// that scenario. Each territory is named by `name_property` (`None`: guessed, see
    /// [`crate::io::territories::NAME_PROPERTIES`]) and takes the rep (by name), colour and
    /// targets the file gives. Rings that cross themselves are repaired and reported; rep
    /// names the project does not know are reported; a file that cannot be read or used
    /// changes nothing.
    pub fn import_territories(
        &mut self,
        path: &Path,
        target: TerritoryTarget,
        name_property: Option<&str>,
    ) -> Result<TerritoryImport, SessionError> {
        let shown = self.current().map(|s| s.id);
        let prepared = self.prepare_territory_import(path, target, name_property)?;
        let mut effects = self.apply(prepared.edit)?;
        if let Some(id) = prepared.show {
            self.show_scenario(id);
        }
        effects.scenario_shown = self.current().map(|s| s.id) != shown;
        Ok(TerritoryImport {
            effects,
            read: prepared.read,
        })
    }

    /// Reads a GeoJSON file of territories and makes the edit that
    /// [`Session::import_territories`] applies. Changes nothing, except that a
    /// [`TerritoryTarget::Named`] scenario that exists is shown.
    pub fn prepare_territory_import(
        &mut self,
        path: &Path,
        target: TerritoryTarget,
        name_property: Option<&str>,
    ) -> Result<PreparedTerritories, SessionError> {
        let file = path.display().to_string();
        let text =
            crate::io::input::read_text(path).map_err(|e| SessionError::Read(e.to_string()))?;
        let areas = crate::io::territories::read_territories_named(&text, &file, name_property)
            .map_err(|e| SessionError::Read(e.to_string()))?;
        let mut unknown_reps: Vec<String> = Vec::new();
        let mut reps = 0;
        for rep in areas.iter().filter_map(|a| a.properties.rep.as_deref()) {
            if crate::edit::rep_named(&self.project, rep).is_some() {
                reps += 1;
            } else if !unknown_reps.iter().any(|r| r == rep) {
                unknown_reps.push(rep.to_owned());
            }
        }
        let repaired: Vec<String> = areas
            .iter()
            .enumerate()
            .filter_map(|(k, a)| a.repair_note(k + 1))
            .collect();
        let count = areas.len();
        let new_name = match target {
            TerritoryTarget::Shown => None,
            TerritoryTarget::Named(name) => match self.project.scenario_by_name(&name) {
                Some(s) => {
                    let id = s.id;
                    self.show_scenario(id);
                    None
                }
                None => Some(name),
            },
            TerritoryTarget::NewFromFile => {
                let stem = path
                    .file_stem()
                    .map_or("Imported".into(), |s| s.to_string_lossy().into_owned());
                Some(crate::edit::scenarios::unique_scenario_name(
                    &self.project,
                    &stem,
                ))
            }
        };
        let (edit, scenario) = match &new_name {
            Some(name) => {
                let (edit, id) = crate::edit::scenarios::import_as_new_scenario(
                    &self.project,
                    name,
                    areas,
                    &file,
                )
                .map_err(|r| SessionError::Read(r.0))?;
                (edit, Some(id))
            }
            None => {
                let s = self.current().ok_or(SessionError::NoScenario)?;
                (
                    crate::edit::import_territories(&self.project, s, areas, &file),
                    None,
                )
            }
        };
        let scenario_name = match (&new_name, self.current()) {
            (Some(name), _) => name.clone(),
            (None, Some(s)) => s.name.clone(),
            (None, None) => String::new(),
        };
        Ok(PreparedTerritories {
            edit,
            show: scenario,
            read: TerritoriesRead {
                count,
                repaired,
                scenario: scenario_name,
                new_scenario: new_name.is_some(),
                unknown_reps,
                reps,
            },
        })
    }

    /// Writes the scenario shown for other programs; never over the project's own file.
    pub fn export(&self, kind: ExportKind, path: &Path) -> Result<(), SessionError> {
        let s = self.current().ok_or(SessionError::NoScenario)?;
        self.check_output(path, &[])?;
        let (project, report, assignment) = (&self.project, &self.report, &self.assignment);
        match kind {
            ExportKind::GeoJson => {
                crate::io::export::write_territories_geojson(path, project, s, report)
            }
            ExportKind::Csv => {
                crate::io::export::write_assignments_csv(path, project, s, assignment)
            }
            ExportKind::GeoPackage => {
                crate::io::geopackage::write_geopackage(path, project, s, report, assignment)
            }
            ExportKind::Units => {
                let rows = super::units::unit_rows(project, s)?;
                crate::io::export::write_csv(
                    path,
                    ["unit_code", "unit_name", "territory", "rep"],
                    rows,
                )
            }
        }
        .map_err(SessionError::from)
    }

    /// Compares two scenarios of the project by name (plan A against plan B): per-territory
    /// and per-rep deltas, the plan summary, and who changes hands.
    pub fn compare(&self, a: &str, b: &str) -> Result<Comparison, SessionError> {
        let find = |name: &str| {
            self.project
                .scenario_by_name(name)
                .ok_or_else(|| SessionError::UnknownScenario {
                    name: name.to_owned(),
                    known: self.scenario_names(),
                })
        };
        // The session's account grid serves both plans: no second grid of every account.
        let grid = self.assignment.shared_grid();
        Ok(compare_plans(&self.project, find(a)?, find(b)?, grid).comparison)
    }

    /// Checks that `out` may take an output: not the project's file, not one of `inputs`
    /// (each with what it is), and a regular file if it exists.
    pub fn check_output(&self, out: &Path, inputs: &[(&Path, &str)]) -> Result<(), SessionError> {
        let project = self.path();
        let mut protected: Vec<(&Path, &str)> = inputs.to_vec();
        if let Some(p) = &project {
            protected.push((p.as_path(), "the project"));
        }
        crate::io::output::check_output(out, &protected).map_err(|e| SessionError::Export(e.into()))
    }
}
