//! `tessera units`: the layers of geographic units a project can build plans from, and
//! snapping a plan to one of them into a new scenario.

use std::path::Path;

use anyhow::{Result, bail};

use super::terminal::{note, print_out};
use crate::numbers::whole;
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
