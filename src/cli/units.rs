//! `tessera units`: the layers of geographic units a project can build plans from (the
//! embedded ones and the planner's own, added from a file and removed), and snapping a plan
//! to one of them into a new scenario.

use std::path::Path;

use anyhow::{Result, anyhow, bail};

use super::terminal::{note, print_out};
use crate::io::layers::read_layer;
use crate::numbers::whole;
use crate::session::{LayerChoice, check_new_key, layer_in, layer_key_from, prepare_layer};
use crate::units::embedded;

/// Runs `tessera units`: `--list`, or `--layer K --from-plan --into NAME`.
pub fn run(
    path: &Path,
    list: bool,
    layer: Option<&str>,
    from_plan: bool,
    scenario: Option<&str>,
    into: Option<&str>,
) -> Result<()> {
    if list {
        return print_list(path);
    }
    let (Some(layer), true, Some(into)) = (layer, from_plan, into) else {
        bail!(
            "say what to do: --list, or --layer LAYER --from-plan [--scenario S] --into NAME \
             (a new scenario of plan S snapped to the layer)"
        );
    };
    let mut session = super::open_to_write(path)?;
    let snap = session.snap_to_units(layer, scenario, into)?;
    note!(
        "made scenario {}: plan {} snapped to {} ({} units, {} of them by area; {} units no \
         territory covers left out)",
        snap.into,
        snap.from,
        snap.layer,
        whole(snap.units as f64),
        whole(snap.by_area as f64),
        whole(snap.left_out as f64)
    );
    if snap.lost > 0 {
        note!(
            "{} accounts lie in no unit of the plan (often geocoded in water just off the \
             coast) and are in no territory now: see the gaps",
            whole(snap.lost as f64)
        );
    }
    if !snap.without_units.is_empty() {
        note!(
            "territories without any unit (no area now): {}",
            snap.without_units.join(", ")
        );
    }
    print_out(&format!(
        "{} accounts changed territory by the snapping alone\n",
        whole(snap.moved as f64)
    ))
}

/// The layers (key, title, units) and, per scenario, the layer its plan is built from.
fn print_list(path: &Path) -> Result<()> {
    let session = super::open_read_only(path)?;
    let mut out = String::from("layer\tunits\ttitle\n");
    for (key, title) in embedded::keys() {
        let units = match embedded::layer(key) {
            Some(Ok(layer)) => whole(layer.units.len() as f64),
            Some(Err(e)) => format!("unreadable: {e}"),
            None => String::new(),
        };
        out.push_str(&format!("{key}\t{units}\t{title}\n"));
    }
    let project = session.project();
    for own in &project.unit_layers {
        let units = match layer_in(project, &own.key) {
            Ok(layer) => whole(layer.units.len() as f64),
            Err(e) => format!("unreadable: {e}"),
        };
        out.push_str(&format!(
            "{}\t{units}\t{} (the project's own)\n",
            own.key, own.title
        ));
    }
    out.push_str("\nscenario\tlayer\tunits held\n");
    for s in &session.project().scenarios {
        let layer = s.units.layer.as_deref().unwrap_or("(freehand)");
        out.push_str(&format!(
            "{}\t{layer}\t{}\n",
            s.name,
            whole(s.units.holder.len() as f64)
        ));
    }
    print_out(&out)
}

/// What `tessera units --add` was told; what is not given is derived or guessed.
#[derive(Debug, Default)]
pub struct AddOptions {
    /// `--key`.
    pub key: Option<String>,
    /// `--title`.
    pub title: Option<String>,
    /// `--code-field`.
    pub code_field: Option<String>,
    /// `--name-field`.
    pub name_field: Option<String>,
}

/// Runs `tessera units P --add FILE`: reads the layer, picks (or guesses, and says so) its
/// fields, cleans its topology, prints what cleaning did and stores it as one edit. All of
/// it is checked before the project is opened to write, so a bad file leaves the project
/// as it was, byte for byte.
pub fn add(path: &Path, file: &Path, options: AddOptions) -> Result<()> {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let key = options.key.unwrap_or_else(|| layer_key_from(&stem));
    let title = options.title.unwrap_or_else(|| stem.clone());
    let prepared = {
        let session = super::open_read_only(path)?;
        check_new_key(session.project(), &key)?;
        // Their messages say all (file, feature, field, CRS): not their causes again.
        let raw = read_layer(file).map_err(|e| anyhow!("{e}"))?;
        for n in &raw.notes {
            note!("{}: {n}", file.display());
        }
        let choice = LayerChoice {
            key: key.clone(),
            title,
            code_field: options.code_field,
            name_field: options.name_field,
        };
        prepare_layer(session.project(), &raw, &choice)
            .map_err(|e| anyhow!("{}: {e}", file.display()))?
    };
    let guessed = |g: bool| if g { "guessed" } else { "as given" };
    note!(
        "units coded by field {} ({}), named by {} ({})",
        prepared.code_field.0,
        guessed(prepared.code_field.1),
        prepared
            .name_field
            .0
            .as_deref()
            .map_or("their code".to_owned(), |f| format!("field {f}")),
        guessed(prepared.name_field.1)
    );
    let r = &prepared.report;
    note!(
        "cleaned: {} invalid units repaired, {} sliver gaps filled ({} m2), {} overlaps \
         resolved ({} m2), {} holes kept, {} vertices snapped",
        whole(r.invalid_repaired as f64),
        whole(r.slivers_filled as f64),
        whole(r.sliver_m2),
        whole(r.overlaps_resolved as f64),
        whole(r.overlap_m2),
        whole(r.holes_kept as f64),
        whole(r.vertices_snapped as f64)
    );
    if !r.units_lost.is_empty() {
        note!(
            "{} units have no area left after cleaning (they lie under other units): features {}",
            r.units_lost.len(),
            r.units_lost
                .iter()
                .map(|u| (u + 1).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let units = prepared.units;
    let mut session = super::open_to_write(path)?;
    session
        .add_unit_layer(prepared.layer)
        .map_err(|e| anyhow!("{e}"))?;
    print_out(&format!(
        "added unit layer {key} ({} units)\n",
        whole(units as f64)
    ))
}

/// Runs `tessera units P --remove K`, as one undoable edit.
pub fn remove(path: &Path, key: &str) -> Result<()> {
    let mut session = super::open_to_write(path)?;
    session.remove_unit_layer(key).map_err(|e| anyhow!("{e}"))?;
    print_out(&format!("removed unit layer {key}\n"))
}
