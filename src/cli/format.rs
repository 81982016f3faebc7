//! Printing a plan report as a table, CSV or JSON.

use std::fmt::Write;

use anyhow::Result;

use super::Format;
use crate::engine::balance::BalanceMetric;
use crate::engine::report::ScenarioReport;
use crate::io::csv_cell::write_record;
use crate::numbers::whole;

use super::terminal::shown;

/// The report in the chosen format.
pub fn report(report: &ScenarioReport, format: Format) -> Result<String> {
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(report)? + "\n",
        Format::Csv => csv(report)?,
        Format::Table => table(report),
    })
}

fn optional(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "-".into(), f)
}

const COLUMNS: [&str; 19] = [
    "name",
    "rep",
    "accounts",
    "prospects",
    "customers",
    "potential",
    "revenue",
    "pipeline",
    "win_rate",
    "workload_hours",
    "capacity_use",
    "mean_distance_km",
    "max_distance_km",
    "area_km2",
    "polsby_popper",
    "parts",
    "required_deals",
    "required_leads",
    "coverage",
];

fn csv(report: &ScenarioReport) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    write_record(&mut writer, COLUMNS)?;
    for t in &report.territories {
        let m = &t.metrics;
        let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        write_record(
            &mut writer,
            [
                t.name.clone(),
                t.rep.clone().unwrap_or_default(),
                m.accounts.to_string(),
                m.prospects.to_string(),
                m.customers.to_string(),
                m.potential.to_string(),
                m.revenue.to_string(),
                m.pipeline.to_string(),
                opt(m.win_rate),
                m.workload_hours.to_string(),
                opt(m.capacity_use),
                m.mean_distance_km.to_string(),
                m.max_distance_km.to_string(),
                m.area_km2.to_string(),
                m.polsby_popper.to_string(),
                m.parts.to_string(),
                m.required_deals.to_string(),
                m.required_leads.to_string(),
                opt(m.coverage),
            ],
        )?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

fn table(report: &ScenarioReport) -> String {
    let header = [
        "Territory",
        "Rep",
        "Accounts",
        "Prospects",
        "Customers",
        "Potential EUR",
        "Revenue EUR",
        "Pipeline EUR",
        "Win rate",
        "Workload h",
        "Capacity",
        "Mean km",
        "Max km",
        "Area km2",
        "Compact",
        "Parts",
        "Req. deals",
        "Req. leads",
        "Coverage",
    ];
    let rows: Vec<Vec<String>> = report
        .territories
        .iter()
        .map(|t| {
            let m = &t.metrics;
            // Names are echoed input: escaped and cut (a 65,536-character name also passed
            // the formatter's width limit and panicked).
            vec![
                shown(&t.name),
                t.rep.as_deref().map_or_else(|| "-".into(), shown),
                whole(m.accounts as f64),
                whole(m.prospects as f64),
                whole(m.customers as f64),
                whole(m.potential),
                whole(m.revenue),
                whole(m.pipeline),
                optional(m.win_rate, |w| format!("{:.0} %", 100.0 * w)),
                whole(m.workload_hours),
                optional(m.capacity_use, |c| format!("{:.0} %", 100.0 * c)),
                format!("{:.1}", m.mean_distance_km),
                format!("{:.1}", m.max_distance_km),
                whole(m.area_km2),
                format!("{:.2}", m.polsby_popper),
                m.parts.to_string(),
                format!("{:.1}", m.required_deals),
                format!("{:.1}", m.required_leads),
                optional(m.coverage, |c| {
                    format!("{:.2}{}", c, if c >= 1.0 { "" } else { " (short)" })
                }),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Scenario: {}   ({} accounts, {} territories)",
        shown(&report.scenario),
        whole(report.accounts as f64),
        report.territories.len()
    );
    let line = |cells: &[String], out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            // Names left-aligned, numbers right-aligned.
            .map(|(k, (c, w))| {
                if k < 2 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(&header.map(String::from), &mut out);
    for row in &rows {
        line(row, &mut out);
    }
    let _ = writeln!(
        out,
        "\nGaps (accounts in no territory): {}   Overlaps (accounts in two or more): {}",
        report.gaps, report.overlaps
    );
    let _ = writeln!(
        out,
        "\nBalance (index, 100 = mean; * = outside +-{:.0} %):",
        report.tolerance * 100.0
    );
    let names: Vec<String> = report.territories.iter().map(|t| shown(&t.name)).collect();
    let _ = writeln!(
        out,
        "  {:<14}{:>10}  {}",
        "metric",
        "max dev.",
        names.iter().map(|n| format!("{n:>10}")).collect::<String>()
    );
    for metric in BalanceMetric::ALL {
        if let Some(b) = report.balance_of(metric) {
            let cells: String = b
                .index
                .iter()
                .zip(&b.outside_tolerance)
                .map(|(i, out)| {
                    let text = optional(*i, |v| format!("{v:.0}{}", if *out { "*" } else { "" }));
                    format!("{text:>10}")
                })
                .collect();
            let _ = writeln!(
                out,
                "  {:<14}{:>9.1}%  {cells}",
                metric.label(),
                b.max_deviation_pct
            );
        }
    }
    out
}
