//! `tessera compare`: two scenarios side by side as a table, CSV or JSON, and the accounts
//! that change hands as CSV.

use std::fmt::Write;
use std::path::Path;

use anyhow::Result;

use super::Format;
use crate::engine::balance::BalanceMetric;
use crate::engine::compare::{Comparison, RowDelta, summary_lines};
use crate::io::csv_cell::write_record;
use crate::numbers::{summary_value, whole};

use super::terminal::{note, print_out, shown};

/// Runs `tessera compare`.
pub fn run(path: &Path, a: &str, b: &str, format: Format, moves: Option<&Path>) -> Result<()> {
    let session = super::open_read_only(path)?;
    if let Some(out) = moves {
        session.check_output(out, &[])?;
    }
    let comparison = session.compare(a, b)?;
    let project = session.project();
    print_out(&formatted(&comparison, format)?)?;
    if let Some(out) = moves {
        crate::io::export::write_moves_csv(out, project, &comparison.disruption.moves)?;
        note!(
            "wrote {} accounts that change hands to {}",
            comparison.disruption.moved,
            out.display()
        );
    }
    Ok(())
}

/// The comparison in the chosen format.
pub fn formatted(c: &Comparison, format: Format) -> Result<String> {
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(c)? + "\n",
        Format::Csv => csv(c)?,
        Format::Table => table(c),
    })
}

/// Long format: one line per row and metric, then the plan summary and the rep flows.
fn csv(c: &Comparison) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    write_record(
        &mut w,
        [
            "kind",
            "name",
            "metric",
            "a",
            "b",
            "difference",
            "percent",
            "a_out_of_tolerance",
            "b_out_of_tolerance",
        ],
    )?;
    let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for (kind, rows) in [("territory", &c.territories), ("rep", &c.reps)] {
        for row in rows {
            for (m, d) in BalanceMetric::ALL.iter().zip(&row.metrics) {
                write_record(
                    &mut w,
                    [
                        kind,
                        &row.name,
                        m.label(),
                        &opt(d.a),
                        &opt(d.b),
                        &opt(d.difference()),
                        &opt(d.percent()),
                        &d.out_a.to_string(),
                        &d.out_b.to_string(),
                    ],
                )?;
            }
        }
    }
    for (label, a, b) in summary_lines(&c.summary) {
        write_record(
            &mut w,
            [
                "plan",
                "",
                label,
                &a.to_string(),
                &b.to_string(),
                &(b - a).to_string(),
                "",
                "",
                "",
            ],
        )?;
    }
    for f in &c.disruption.reps {
        for (label, v) in [
            ("gained", f.gained as f64),
            ("lost", f.lost as f64),
            ("net", f.net() as f64),
            ("net_potential", f.net_potential),
        ] {
            write_record(
                &mut w,
                [
                    "changes_hands",
                    &f.name,
                    label,
                    "",
                    "",
                    &v.to_string(),
                    "",
                    "",
                    "",
                ],
            )?;
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn table(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "A: {}\nB: {}\n", shown(&c.a), shown(&c.b));
    let _ = writeln!(out, "* = outside the balance tolerance\n");
    for (title, rows) in [("Territory", &c.territories), ("Rep", &c.reps)] {
        rows_table(&mut out, title, rows);
    }
    let _ = writeln!(out, "{:<29}{:>16}{:>16}{:>16}", "Plan", "A", "B", "B - A");
    for (label, a, b) in summary_lines(&c.summary) {
        let f = |v: f64| summary_value(label, v);
        let _ = writeln!(out, "  {label:<27}{:>16}{:>16}{:>16}", f(a), f(b), f(b - a));
    }
    let d = &c.disruption;
    let _ = writeln!(
        out,
        "\nChanging hands: {} accounts, potential EUR {}, revenue EUR {}",
        whole(d.moved as f64),
        whole(d.potential_moved),
        whole(d.revenue_moved)
    );
    if !d.reps.is_empty() {
        let _ = writeln!(
            out,
            "  {:<24}{:>10}{:>10}{:>10}{:>20}",
            "rep", "gained", "lost", "net", "net potential EUR"
        );
        for f in &d.reps {
            let _ = writeln!(
                out,
                "  {:<24}{:>10}{:>10}{:>10}{:>20}",
                shown(&f.name),
                whole(f.gained as f64),
                whole(f.lost as f64),
                format!("{:+}", f.net()),
                whole(f.net_potential)
            );
        }
    }
    out
}

fn rows_table(out: &mut String, title: &str, rows: &[RowDelta]) {
    let cell = |metric: BalanceMetric, v: Option<f64>, flagged: bool| {
        v.map_or_else(
            || "-".to_owned(),
            |v| format!("{}{}", metric.text(v), if flagged { "*" } else { "" }),
        )
    };
    for row in rows {
        let _ = writeln!(
            out,
            "{title}: {}\n  {:<14}{:>18}{:>18}{:>18}{:>10}",
            shown(&row.name),
            "metric",
            "A",
            "B",
            "B - A",
            "%"
        );
        for (&m, d) in BalanceMetric::ALL.iter().zip(&row.metrics) {
            let (diff, pct) = d.texts(m);
            let _ = writeln!(
                out,
                "  {:<14}{:>18}{:>18}{:>18}{:>10}",
                m.label(),
                cell(m, d.a, d.out_a),
                cell(m, d.b, d.out_b),
                diff,
                pct
            );
        }
        let _ = writeln!(out);
    }
}
