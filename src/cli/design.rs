//! `tessera design`, `tessera rebalance` and `tessera assign-reps`: automatic territory
//! design on a unit layer, rebalancing a plan with as little change as it takes, and the
//! optimal reps for a plan's territories.

use std::path::Path;

use anyhow::{Result, bail};

use super::Format;
use super::interrupt::{Interrupt, Interrupted};
use super::terminal::{note, print_out};
use crate::engine::balance::BalanceMetric;
use crate::numbers::whole;
use crate::session::{DesignReport, DesignRequest, EXPERTISE_WEIGHT, RepSuggestion, suggest_reps};

/// Parses `--balance-column NAME[:WEIGHT]`: a numeric column of the accounts' own and its
/// weight (1 when not given). A name may hold colons; only a number after the last one is
/// a weight.
pub fn parse_column(text: &str) -> Result<(String, f64), String> {
    let text = text.trim();
    let weighted = text
        .rsplit_once(':')
        .and_then(|(name, w)| Some((name.trim(), w.trim().parse::<f64>().ok()?)));
    let (name, weight) = weighted.unwrap_or((text, 1.0));
    if name.is_empty() {
        return Err("name the column to balance, e.g. omzet_2025:2".into());
    }
    Ok((name.to_owned(), weight))
}

/// Parses `--min`/`--max METRIC:VALUE` (workload in hours a year): `workload:1600`.
pub fn parse_limit(text: &str) -> Result<(BalanceMetric, f64), String> {
    let Some((name, value)) = text.split_once(':') else {
        return Err(format!(
            "write the limit as METRIC:VALUE, e.g. workload:1600, not \"{text}\""
        ));
    };
    let [(metric, _)] = parse_balance(name)?[..] else {
        return Err(format!("name one metric before the colon, not \"{name}\""));
    };
    let value = crate::io::accounts::parse_number(value).ok_or_else(|| {
        format!(
            "the limit of {name} must be a number, not \"{}\"",
            value.trim()
        )
    })?;
    Ok((metric, value))
}

/// Parses `potential:2,workload,accounts` into metrics and weights (weight 1 when left out).
pub fn parse_balance(text: &str) -> Result<Vec<(BalanceMetric, f64)>, String> {
    let mut out: Vec<(BalanceMetric, f64)> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, weight) = match part.split_once(':') {
            Some((name, w)) => {
                let w: f64 = w.trim().parse().map_err(|_| {
                    format!(
                        "the weight of {name} must be a number, not \"{}\"",
                        w.trim()
                    )
                })?;
                (name.trim(), w)
            }
            None => (part, 1.0),
        };
        let Some(metric) = BalanceMetric::ALL
            .into_iter()
            .find(|m| m.label().eq_ignore_ascii_case(name))
        else {
            return Err(format!(
                "unknown metric \"{name}\"; choose from potential, workload, accounts, \
                 prospects, revenue"
            ));
        };
        if out.iter().any(|(m, _)| *m == metric) {
            return Err(format!("{name} is given twice"));
        }
        out.push((metric, weight));
    }
    if out.is_empty() {
        return Err("choose at least one metric to balance (e.g. potential,workload)".into());
    }
    Ok(out)
}

/// Runs `tessera design` (`rebalance` false) or `tessera rebalance`.
pub fn run(path: &Path, request: &DesignRequest, rebalance: bool, format: Format) -> Result<()> {
    let interrupt = Interrupt::watch();
    let mut session = super::open_to_write(path)?;
    let mut last_note = std::time::Instant::now();
    let mut progress = |iteration: usize, worst: f64| {
        if last_note.elapsed().as_secs_f64() > 1.0 {
            note!(
                "  iteration {iteration}: largest deviation {:.1} %",
                worst * 100.0
            );
            last_note = std::time::Instant::now();
        }
        !interrupt.requested()
    };
    let report = session.design(request, rebalance, &mut progress)?;
    if report.cancelled {
        return Err(Interrupted("nothing was written".into()).into());
    }
    if !report.limits_met {
        note!(
            "some territories are outside the limits (the limits may be too tight for the \
             plan's totals): {} is the best plan found",
            report.scenario
        );
    } else if !report.feasible {
        note!(
            "the tolerance of {:.1} % could not be met (the units may be too coarse, or the \
             locks too tight): {} is the best plan found, with the deviations below",
            report.tolerance_pct,
            report.scenario
        );
    }
    match format {
        Format::Json => print_out(&(serde_json::to_string_pretty(&report)? + "\n")),
        Format::Table | Format::Csv => print_out(&report_text(&report, rebalance)),
    }
}

/// The report as lines for reading.
fn report_text(r: &DesignReport, rebalance: bool) -> String {
    let mut out = format!(
        "{} {}: {} territories in {:.2} s ({} units moved in {} iterations)\n",
        if rebalance { "rebalanced" } else { "designed" },
        r.scenario,
        r.territories,
        r.seconds,
        whole(r.units_moved as f64),
        r.iterations
    );
    for (metric, pct) in &r.max_deviation_pct {
        out.push_str(&format!(
            "  {metric}: largest deviation {pct:.1} % (tolerance {:.1} %)\n",
            r.tolerance_pct
        ));
    }
    out.push_str(&format!(
        "  contiguous territories: {} of {}\n  mean Polsby-Popper: {:.3}\n  within tolerance: {}\n",
        r.contiguous,
        r.territories,
        r.polsby_popper_mean,
        if r.feasible { "yes" } else { "no" }
    ));
    if r.accounts_outside_units > 0 {
        out.push_str(&format!(
            "  accounts in no unit (no territory holds them): {}\n",
            whole(r.accounts_outside_units as f64)
        ));
    }
    if rebalance {
        out.push_str(&format!(
            "  accounts that change rep: {} ({:.1} % of the potential; {} of them by snapping \
             the plan to units alone)\n",
            whole(r.moved_accounts as f64),
            r.moved_potential_pct,
            whole(r.moved_by_snapping as f64)
        ));
        for c in &r.per_rep {
            out.push_str(&format!(
                "    {}: +{} / -{} accounts, +{} / -{} potential\n",
                c.rep,
                whole(c.gained_accounts as f64),
                whole(c.lost_accounts as f64),
                whole(c.gained_potential),
                whole(c.lost_potential)
            ));
        }
    }
    out
}

/// Runs `tessera assign-reps`: prints the suggestion; with `apply`, gives the plan its
/// suggested reps as one edit.
pub fn assign_reps(path: &Path, scenario: Option<&str>, apply: bool, format: Format) -> Result<()> {
    let mut session = if apply {
        super::open_to_write(path)?
    } else {
        super::open_read_only(path)?
    };
    let plan = match scenario {
        Some(name) => match session.project().scenario_by_name(name) {
            Some(s) => s,
            None => bail!("no scenario named {name:?}"),
        },
        None => match session.project().active().or(session.current()) {
            Some(s) => s,
            None => bail!("the project has no scenario"),
        },
    };
    let (edit, suggestion) = suggest_reps(session.project(), plan, EXPERTISE_WEIGHT)?;
    match format {
        Format::Json => print_out(&(serde_json::to_string_pretty(&suggestion)? + "\n"))?,
        Format::Table | Format::Csv => print_out(&suggestion_text(&suggestion))?,
    }
    match (apply, edit) {
        (true, Some(edit)) => {
            session.apply(edit)?;
            note!(
                "gave {} territories their suggested reps",
                suggestion.changes
            );
        }
        (true, None) => note!("every territory has its suggested rep already"),
        (false, Some(_)) => note!("nothing changed; add --apply to give these reps"),
        (false, None) => {}
    }
    Ok(())
}

fn suggestion_text(s: &RepSuggestion) -> String {
    let mut out = String::from("territory\trep now\tsuggested\ttravel h/yr\texpertise %\n");
    for t in &s.territories {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{:.0}\n",
            t.territory,
            t.before.as_deref().unwrap_or("-"),
            t.rep.as_deref().unwrap_or("-"),
            whole(t.travel_hours),
            t.expertise_match_pct
        ));
    }
    out.push_str(&format!(
        "travel: {} h/yr now, {} h/yr with the suggestion ({} territories change rep)\n",
        whole(s.travel_hours_before),
        whole(s.travel_hours_after),
        s.changes
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::parse_column;

    #[test]
    fn a_column_takes_the_number_after_its_last_colon_as_its_weight() {
        assert_eq!(parse_column("omzet"), Ok(("omzet".into(), 1.0)));
        assert_eq!(
            parse_column(" omzet_2025 : 2.5 "),
            Ok(("omzet_2025".into(), 2.5))
        );
        assert_eq!(parse_column("crm:omzet"), Ok(("crm:omzet".into(), 1.0)));
        assert_eq!(parse_column("crm:omzet:3"), Ok(("crm:omzet".into(), 3.0)));
        assert!(parse_column(":2").is_err());
    }

    #[test]
    fn a_limit_is_one_metric_and_a_number() {
        use crate::engine::balance::BalanceMetric;
        assert_eq!(
            super::parse_limit("workload:1600"),
            Ok((BalanceMetric::Workload, 1600.0))
        );
        assert_eq!(
            super::parse_limit("potential:1.250.000"),
            Ok((BalanceMetric::Potential, 1_250_000.0))
        );
        for bad in [
            "workload",
            "workload:lots",
            "speed:3",
            "potential,accounts:3",
        ] {
            assert!(super::parse_limit(bad).is_err(), "{bad}");
        }
    }
}
