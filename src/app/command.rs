//! What the user asked for: panels, menus, tools and keys push [`Command`]s, and
//! [`super::TesseraApp::apply`] carries them out after the frame.

use std::path::PathBuf;

use crate::engine::balance::BalanceMetric;
use crate::session::ExportKind;

use super::scenarios::RenameDraft;
use super::tools::Tool;

/// Something the user asked for, applied after the frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Create a new, empty project file and continue there.
    New(PathBuf),
    /// Open a project file.
    Open(PathBuf),
    /// Open a project file read-only (another program edits it): changes are refused.
    OpenReadOnly(PathBuf),
    /// Show the embedded demo project.
    OpenDemo,
    /// Save the project under a new path and continue there.
    SaveAs(PathBuf),
    /// Show scenario `n`.
    SelectScenario(usize),
    /// Select territory `n` and zoom to it.
    SelectTerritory(usize),
    /// Select an account (row) and its territory, without moving the map; `None` clears.
    SelectAccount(Option<usize>),
    /// Select a territory without moving the map (a click on it); `None` clears.
    PickTerritory(Option<usize>),
    /// Show this metric in the balance panel.
    SetMetric(BalanceMetric),
    /// Change the balance tolerance (a fraction), as an undoable edit.
    SetTolerance(f64),
    /// Fit the map to the project.
    ZoomToFit,
    /// Zoom in or out one step.
    Zoom(f64),
    /// Show OpenStreetMap tiles under the map (true) or the embedded basemap only.
    SetOsmTiles(bool),
    /// Size account dots by potential (true) or draw them all alike.
    SizeByPotential(bool),
    /// Show (true) or hide the map's legend.
    ShowLegend(bool),
    /// Use another editing tool.
    SetTool(Tool),
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Merge the second selected territory into the selected one.
    Merge,
    /// Answer for a drawn territory over others: take their area (true), keep the overlap
    /// (false), or drop the drawing (`None`).
    ResolveDrawing(Option<bool>),
    /// Add a second territory to the selection (Shift+click), or clear it.
    AlsoSelect(Option<usize>),
    /// Make this edit (a tool finished a gesture).
    Edit(crate::model::Edit),
    /// Zoom the map to an account (row) and select it.
    FocusAccount(usize),
    /// Zoom the map to a point (lon, lat).
    FocusPoint(f64, f64),
    /// Look for holes between the territories (listed in the validation panel).
    FindHoles,
    /// Write the current scenario to a file for other programs.
    Export(ExportKind, PathBuf),
    /// Add the territories of a GeoJSON file to the current scenario (false) or to a new
    /// scenario named after the file (true), as one edit.
    ImportTerritories(PathBuf, bool),
    /// [`Command::ImportTerritories`] with territories named by this feature property
    /// (`None`: guessed).
    ImportTerritoriesNamed(PathBuf, bool, Option<String>),
    /// Ask which feature property names the territories of a GeoJSON file, then import
    /// them (to a new scenario when true).
    ChooseTerritoryNames(PathBuf, bool),
    /// Ask for the key, title and fields of a unit layer file, then clean and add it.
    ChooseUnitLayer(PathBuf),
    /// Store a cleaned unit layer in the project, as one edit.
    AddUnitLayer(Box<crate::session::PreparedLayer>),
    /// Open Plan > Design territories… (false) or Plan > Rebalance… (true) for the plan
    /// shown.
    OpenDesign(bool),
    /// A design or rebalance finished: add its plan (one edit), show it, compare it with
    /// the active plan, and say what it achieved.
    Designed(Box<(crate::model::Edit, crate::session::DesignReport)>),
    /// Suggest the reps for the plan shown (Plan > Suggest reps…).
    SuggestReps,
    /// Open the mapping dialog for an accounts file.
    ImportAccounts(PathBuf),
    /// An edit the session made itself (an accounts import, a paint stroke) was written:
    /// redraw what it changed.
    Changed(crate::session::Effects),
    /// Copy the plan shown into a new scenario built from units of this layer, and show it.
    SnapToUnits(String),
    /// Draw this unit layer under freehand plans (`None`: none).
    ShowUnitLayer(Option<String>),
    /// Colour the units by this measure (`None`: not at all).
    ColourUnitsBy(Option<crate::units::stats::UnitMeasure>),
    /// Add a territory without area, select it, and paint into it.
    NewTerritoryToPaint,
    /// Show a message in the error window.
    ShowError(String),
    /// Make this edit, then show scenario `id` (a new or duplicated scenario).
    EditAndShow(crate::model::Edit, crate::model::ScenarioId),
    /// Open the rename window for a scenario.
    RenameScenario(RenameDraft),
    /// Open (true) or close the side-by-side compare view.
    Compare(bool),
    /// Save the compare view as a page: PDF when the path ends in `.pdf`, else PNG.
    SavePage(PathBuf),
    /// Write the accounts that change hands between the compared plans as CSV.
    ExportMoves(PathBuf),
    /// Give the overlap at a point (lon, lat) to territory `n`, by geometry.
    ResolveOverlap(usize, f64, f64),
    /// Finish the drawing or split line under way.
    FinishSketch,
    /// Remove the last point of the drawing under way.
    RemoveLastPoint,
    /// Drop the gesture, drawing or question under way.
    CancelGesture,
    /// Remove the vertex at this place (lon, lat) from every territory that has it.
    RemoveVertex(geo::Coord<f64>),
    /// Show or hide the frame time.
    ToggleFrameTime,
    /// Open the search box (accounts, territories, places, postcodes).
    OpenSearch,
    /// Open Help > Getting started.
    GettingStarted,
}
