//! `tessera import --accounts`: the command line's answers to what a file leaves open, and
//! the import itself (read, plan, report, write in one transaction).

use super::*;

/// The answers to what an accounts file leaves open, from the command line.
pub(super) struct Answers {
    pub(super) statuses: Vec<String>,
    pub(super) match_by_name: bool,
    pub(super) potential_from_territory: bool,
    pub(super) visits: Vec<String>,
}

impl Answers {
    /// Adds the answers to the mapping (they win over the mapping file's).
    fn apply(&self, mapping: &mut crate::io::accounts::Mapping) -> Result<()> {
        for answer in &self.statuses {
            let (value, status) =
                crate::io::accounts::parse_status_answer(answer).ok_or_else(|| {
                    anyhow!("--status {answer:?}: expected VALUE=customer or VALUE=prospect")
                })?;
            mapping.statuses.insert(value, status);
        }
        for answer in &self.visits {
            let parsed = answer.rsplit_once('=').and_then(|(size, visits)| {
                let v = crate::io::accounts::parse_decimal(visits.trim())?;
                (v.is_finite() && (0.0..=10_000.0).contains(&v))
                    .then(|| (size.trim().to_owned(), v as f32))
            });
            let (size, visits) = parsed.ok_or_else(|| {
                anyhow!("--visits {answer:?}: expected SIZE=VISITS, visits from 0 to 10000")
            })?;
            mapping.defaults.visits_by_size.insert(size, visits);
        }
        mapping.match_by_name |= self.match_by_name;
        mapping.defaults.potential_from_territory |= self.potential_from_territory;
        Ok(())
    }
}

/// `import --accounts`: reads, plans, reports, then writes in one transaction.
pub(super) fn import_accounts(
    path: &Path,
    file: &Path,
    mapping: Option<&Path>,
    save_mapping: Option<&Path>,
    answers: &Answers,
    dry_run: bool,
    timings: bool,
) -> Result<()> {
    use crate::io::accounts::{
        AccountsError, Mapping, plan_with_progress, read_accounts_file_with_progress,
    };
    const NOTHING: &str = "nothing was imported";
    let interrupt = interrupt::Interrupt::watch();
    // Ctrl-C while reading or planning stops the job at its next check.
    let stopped = |e: AccountsError| match e {
        AccountsError::Cancelled { .. } => {
            anyhow::Error::new(interrupt::Interrupted(NOTHING.into()))
        }
        e => e.into(),
    };
    // The mapping is never saved over the project or a file this command reads; refused
    // before anything is read or written.
    if let Some(out) = save_mapping {
        let mut inputs = vec![
            (path, "the project"),
            (file, "the accounts file this command reads"),
        ];
        inputs.extend(mapping.map(|m| (m, "the mapping this command reads")));
        check_output(out, &inputs)?;
    }
    let started = Instant::now();
    let name = file.display().to_string();
    let table = read_accounts_file_with_progress(file, interrupt.progress()).map_err(stopped)?;
    let read = started.elapsed();
    let mut mapping = match mapping {
        Some(m) => {
            let text = std::fs::read_to_string(m)
                .with_context(|| format!("cannot read the mapping {}", m.display()))?;
            let mapping: Mapping = ron::from_str(&text)
                .with_context(|| format!("{}: not a column mapping", m.display()))?;
            if mapping.roles.len() != table.headers.len() {
                bail!(
                    "{}: the mapping has {} columns but {name} has {}",
                    m.display(),
                    mapping.roles.len(),
                    table.headers.len()
                );
            }
            mapping
        }
        None => Mapping::guess(&table.headers),
    };
    answers.apply(&mut mapping)?;
    if let Some(out) = save_mapping {
        let text = ron::ser::to_string_pretty(&mapping, Default::default())?;
        std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
    }
    for (header, role) in table.headers.iter().zip(&mapping.roles) {
        note!("  column \"{}\": {role:?}", shown(header));
    }
    // A dry run only reads; an import needs the project to itself.
    let mut session = if dry_run {
        open_read_only(path)?
    } else {
        open_to_write(path)?
    };
    let gazetteer = if mapping.roles.contains(&crate::io::accounts::Role::City) {
        Some(crate::geocode::Gazetteer::load().map_err(|e| anyhow!(e))?)
    } else {
        None
    };
    let opened = started.elapsed();
    interrupt.check(NOTHING)?;
    let mut planned = plan_with_progress(
        &table,
        &mapping,
        &session.project().accounts,
        gazetteer.as_ref(),
        &name,
        interrupt.progress(),
    )
    .map_err(stopped)?;
    drop(table);
    if mapping.defaults.potential_from_territory
        && let Some(scenario) = session.current()
    {
        planned.fill_potential(&session.project().accounts, scenario);
    }
    let planned_at = started.elapsed();
    for s in &planned.skipped {
        note!("  skipped {s}");
    }
    note!("{name}: {}", planned.summary());
    for warning in planned.warnings() {
        note!("warning: {warning}");
    }
    if !planned.is_ready() {
        let answers: Vec<String> = planned
            .unknown_statuses
            .keys()
            .map(|v| format!("--status '{v}=customer'"))
            .collect();
        bail!(
            "{name}: nothing imported: say what each status value means, e.g. {} (or =prospect), or map them in the mapping file",
            answers.join(" ")
        );
    }
    if dry_run {
        note!("dry run: nothing imported");
        return Ok(());
    }
    let edit = planned.into_edit(&session.project().accounts, &name);
    // The last point where Ctrl-C stops the import; from here the write is finished.
    interrupt.check(NOTHING)?;
    session.apply(edit)?;
    if interrupt.requested() {
        note!(
            "imported into {}: Ctrl-C came while the import was being written; the write was completed, so the import is committed",
            path.display()
        );
    } else {
        note!("imported into {}", path.display());
    }
    if timings {
        let s = |d: std::time::Duration| d.as_secs_f64();
        note!(
            "timings: read {:.2} s, open project {:.2} s, plan {:.2} s, write {:.2} s, total {:.2} s",
            s(read),
            s(opened - read),
            s(planned_at - opened),
            s(started.elapsed() - planned_at),
            s(started.elapsed())
        );
    }
    Ok(())
}
