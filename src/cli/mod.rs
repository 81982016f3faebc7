//! The command line: headless commands for automation, and the entry point of the binary.

mod commands;
mod compare;
mod design;
mod format;
mod import;
mod interrupt;
mod terminal;
mod units;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, ValueEnum};

use crate::io::output::check_output;
use crate::io::route::{RoutingTable, route_csv};
use crate::io::territories::read_territories;
use crate::model::Project;
use crate::session::{ExportKind, Session, SessionError, TerritoryTarget};
use crate::store::ProjectFile;
use commands::Command;
use terminal::{note, print_out, shown};

/// Opens the window on a project (`None`: the last one, or the demo), optionally saving a
/// screenshot and exiting; gives a line to print (a screenshot's frame times), or says why
/// the window could not open or the screenshot could not be saved.
pub type WindowLauncher = fn(Option<PathBuf>, Option<PathBuf>) -> Result<Option<String>, String>;

/// Tessera: design sales territories on a map, offline.
#[derive(Debug, Parser)]
#[command(name = "tessera", version, about, long_about = None)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A project file to open in the window. Without one, Tessera opens the last project, or
    /// its embedded demo project.
    project: Option<PathBuf>,
    /// Open the window, let the map settle, save the window as a PNG here, and exit.
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,
    /// The command to run; without one Tessera opens the window.
    #[command(subcommand)]
    command: Option<Command>,
}

/// The most accounts `synth` makes: about 1.6 GB in memory while it writes them.
pub(crate) const MAX_SYNTH_ACCOUNTS: u64 = 10_000_000;

/// The most territories `synth` makes (each has a rep and a tile of the grid).
pub(crate) const MAX_SYNTH_TERRITORIES: u64 = 10_000;

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for reading.
    Table,
    /// One row per territory, for spreadsheets.
    Csv,
    /// One object, for programs.
    Json,
}

/// Runs the command line and returns the process exit code.
///
/// `window` opens the window on a project (or the last one, or the demo) with an optional
/// screenshot path; the binary passes the window module's `run`, so that the command line
/// itself knows nothing of the window.
pub fn main(window: WindowLauncher) -> ExitCode {
    let cli = Cli::parse();
    match run(cli, window) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<interrupt::Interrupted>().is_some() => {
            note!("{e:#}");
            ExitCode::from(interrupt::EXIT_CODE)
        }
        Err(e) => {
            note!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, window: WindowLauncher) -> Result<()> {
    let open = |project, screenshot| match window(project, screenshot) {
        Ok(note) => {
            // One message line per line (the screenshot's frame times are two).
            for line in note.iter().flat_map(|n| n.lines()) {
                note!("{line}");
            }
            Ok(())
        }
        Err(e) => Err(anyhow!("window: {e}")),
    };
    match cli.command {
        None => open(cli.project, cli.screenshot),
        Some(Command::Open { path, screenshot }) => open(path, screenshot),
        Some(Command::Demo { path, force }) => {
            let project = crate::demo::project()?;
            write_new(&path, &project, force)?;
            note!("wrote the demo project to {}", path.display());
            Ok(())
        }
        Some(Command::Report {
            path,
            scenario,
            format,
        }) => {
            let mut session = open_read_only(&path)?;
            session.show_scenario_named(scenario.as_deref())?;
            print_out(&format::report(session.report(), format)?)
        }
        Some(Command::Route {
            accounts,
            territories,
            project,
            scenario,
            out,
            timings,
        }) => route(
            &accounts,
            territories.as_deref(),
            project.as_deref(),
            scenario.as_deref(),
            out.as_deref(),
            timings,
        ),
        Some(Command::Export {
            path,
            geojson,
            csv,
            gpkg,
            units,
            scenario,
        }) => {
            if geojson.is_none() && csv.is_none() && gpkg.is_none() && units.is_none() {
                bail!(
                    "say what to export: --geojson FILE, --csv FILE, --gpkg FILE and/or \
                     --units FILE"
                );
            }
            let outputs: Vec<&Path> = [&geojson, &csv, &gpkg, &units]
                .into_iter()
                .filter_map(|o| o.as_deref())
                .collect();
            for (k, out) in outputs.iter().enumerate() {
                let others: Vec<(&Path, &str)> = outputs[k + 1..]
                    .iter()
                    .map(|o| (*o, "another output of this command"))
                    .collect();
                check_output(out, &others)?;
            }
            let mut session = open_read_only(&path)?;
            session.show_scenario_named(scenario.as_deref())?;
            // Every output is checked before the first is written, so a refused one leaves
            // none written (each export checks its own again).
            for out in &outputs {
                session.check_output(out, &[])?;
            }
            let (territories, accounts) = (
                session.current().map_or(0, |s| s.territories.len()),
                session.project().accounts.len(),
            );
            if let Some(out) = &geojson {
                session.export(ExportKind::GeoJson, out)?;
                note!("wrote {territories} territories to {}", out.display());
            }
            if let Some(out) = &csv {
                session.export(ExportKind::Csv, out)?;
                note!("wrote {accounts} assignments to {}", out.display());
            }
            if let Some(out) = &units {
                session.export(ExportKind::Units, out)?;
                let (layer, held) = session.current().map_or(("", 0), |s| {
                    (s.units.layer.as_deref().unwrap_or(""), s.units.holder.len())
                });
                note!(
                    "wrote the units of {layer} ({held} in a territory) to {}",
                    out.display()
                );
            }
            if let Some(out) = &gpkg {
                session.export(ExportKind::GeoPackage, out)?;
                note!(
                    "wrote {territories} territories and {accounts} accounts to {}",
                    out.display()
                );
            }
            Ok(())
        }
        Some(Command::Import {
            path,
            accounts: Some(accounts),
            mapping,
            save_mapping,
            dry_run,
            timings,
            statuses,
            match_by_name,
            potential_from_territory,
            visits,
            ..
        }) => import::import_accounts(
            &path,
            &accounts,
            mapping.as_deref(),
            save_mapping.as_deref(),
            &import::Answers {
                statuses,
                match_by_name,
                potential_from_territory,
                visits,
            },
            dry_run,
            timings,
        ),
        Some(Command::Import {
            path,
            territories: Some(territories),
            scenario,
            name_property,
            ..
        }) => {
            let mut session = open_to_write(&path)?;
            let target = match scenario {
                Some(name) => TerritoryTarget::Named(name),
                None => TerritoryTarget::Shown,
            };
            let import =
                session.import_territories(&territories, target, name_property.as_deref())?;
            for note in &import.read.repaired {
                note!("  {}: {note}", territories.display());
            }
            note!("{}", import.read.summary());
            Ok(())
        }
        Some(Command::Import { .. }) => {
            bail!("say what to import: --accounts FILE or --territories FILE")
        }
        Some(Command::Compare {
            path,
            a,
            b,
            format,
            moves,
        }) => compare::run(&path, &a, &b, format, moves.as_deref()),
        Some(Command::Units {
            path,
            add: Some(file),
            key,
            title,
            code_field,
            name_field,
            ..
        }) => units::add(
            &path,
            &file,
            units::AddOptions {
                key,
                title,
                code_field,
                name_field,
            },
        ),
        Some(Command::Units {
            path,
            remove: Some(key),
            ..
        }) => units::remove(&path, &key),
        Some(Command::Units {
            path,
            list,
            layer,
            from_plan,
            scenario,
            into,
            ..
        }) => units::run(
            &path,
            list,
            layer.as_deref(),
            from_plan,
            scenario.as_deref(),
            into.as_deref(),
        ),
        Some(Command::Design {
            path,
            territories,
            per_rep,
            design: args,
        }) => {
            let count = match (territories, per_rep) {
                (Some(k), false) => crate::session::TerritoryCount::Count(k),
                _ => crate::session::TerritoryCount::PerRep,
            };
            design::run(&path, &args.request(None, count), false, args.format)
        }
        Some(Command::Rebalance {
            path,
            scenario,
            design: args,
        }) => {
            let request = args.request(scenario, crate::session::TerritoryCount::PerRep);
            design::run(&path, &request, true, args.format)
        }
        Some(Command::AssignReps {
            path,
            scenario,
            apply,
            format,
        }) => design::assign_reps(&path, scenario.as_deref(), apply, format),
        Some(Command::Repair { path, out }) => {
            check_output(&out, &[(&path, "the project")])?;
            let left_out = ProjectFile::repair(&path, &out)?;
            for object in &left_out {
                note!("  left out: {object}");
            }
            note!(
                "wrote a clean copy of {} to {} ({} objects left out); {} was not changed",
                path.display(),
                out.display(),
                left_out.len(),
                path.display()
            );
            Ok(())
        }
        Some(Command::Synth {
            path,
            accounts,
            territories,
            seed,
            force,
        }) => {
            let started = Instant::now();
            let project = crate::synth::project(accounts, territories, seed);
            write_new(&path, &project, force)?;
            note!(
                "wrote {} accounts and {} territories to {} in {:.1} s",
                project.accounts.len(),
                project.scenarios[0].territories.len(),
                path.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

/// Opens a project for a command that only reads it: nothing on disk changes. Says so when
/// an interrupted write had to be rolled back first.
pub(crate) fn open_read_only(path: &Path) -> Result<Session> {
    let session = Session::open_read_only(path)?;
    for notice in session.notices() {
        note!("note: {}: {notice}", path.display());
    }
    Ok(session)
}

/// Opens a project to change it, taking its lock: refused, naming who edits it, while
/// another program holds it (the file is then not touched); a stale lock of a program that
/// died is taken over, and the user told.
pub(crate) fn open_to_write(path: &Path) -> Result<Session> {
    match Session::open(path) {
        Ok(session) => {
            if let Some(takeover) = session.lock_takeover() {
                note!("note: {}: {takeover}", path.display());
            }
            for notice in session.notices() {
                note!("note: {}: {notice}", path.display());
            }
            Ok(session)
        }
        Err(e @ SessionError::Locked { .. }) => Err(anyhow!(
            "{e}; nothing was changed. Try again when it is closed there"
        )),
        Err(e) => Err(e.into()),
    }
}

/// Writes a new project file; with `force` it replaces a file there, but only once the new
/// one is complete (the old file stays whole if writing fails). A file someone edits (its
/// lock is held) is not replaced.
fn write_new(path: &Path, project: &Project, force: bool) -> Result<()> {
    let _lock = match crate::store::lock::ProjectLock::acquire(path) {
        Ok(lock) => lock,
        Err(e @ crate::store::lock::LockError::Held { .. }) => {
            bail!("{e}; nothing was written")
        }
        Err(e) => return Err(e.into()),
    };
    if force {
        ProjectFile::create_replacing(path, project)?;
    } else {
        ProjectFile::create(path, project)?;
    }
    Ok(())
}

fn route(
    accounts: &Path,
    territories: Option<&Path>,
    project: Option<&Path>,
    scenario: Option<&str>,
    out: Option<&Path>,
    timings: bool,
) -> Result<()> {
    if let Some(out) = out {
        let mut inputs = vec![(accounts, "the accounts file this command reads")];
        inputs.extend(territories.map(|t| (t, "the territories file this command reads")));
        inputs.extend(project.map(|p| (p, "the project")));
        check_output(out, &inputs)?;
    }
    let started = Instant::now();
    let table = match (territories, project) {
        (Some(file), _) => {
            let text = crate::io::input::read_text(file)?;
            let areas = read_territories(&text, &file.display().to_string())?;
            RoutingTable::from_areas(&areas)
        }
        (None, Some(path)) => {
            let mut session = open_read_only(path)?;
            session.show_scenario_named(scenario)?;
            let current = session.current().ok_or(SessionError::NoScenario)?;
            RoutingTable::from_scenario(session.project(), current)
        }
        (None, None) => bail!("give --territories FILE.geojson or --project FILE.tessera"),
    };
    let index = started.elapsed();
    const SHOWN: usize = 20;
    let mut warnings = 0usize;
    let result = route_csv(accounts, out, &table, |message| {
        warnings += 1;
        if warnings <= SHOWN {
            note!("warning: {message}");
        }
    });
    if warnings > SHOWN {
        note!(
            "warning: ... and {} more rows with unusable coordinates",
            warnings - SHOWN
        );
    }
    let mut stats = result?;
    stats.index = index;
    note!(
        "routed {} of {} rows ({} outside every territory, {} with unusable coordinates)",
        stats.routed,
        stats.rows,
        stats.outside,
        stats.bad
    );
    if stats.by_postcode > 0 {
        note!(
            "{} rows without coordinates were routed by their postcode area (PC4)",
            stats.by_postcode
        );
    }
    if timings {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        note!(
            "timings: read {:.1} ms, index {:.1} ms, assign {:.1} ms, write {:.1} ms, total {:.1} ms",
            ms(stats.read),
            ms(stats.index),
            ms(stats.assign),
            ms(stats.write),
            ms(started.elapsed())
        );
    }
    Ok(())
}
