//! Gaps and overlaps: the accounts in no territory or in several, with fixes, and holes.

use egui::RichText;

use super::super::Command;
use crate::numbers::whole;
use crate::session::Session;

/// Gaps (accounts in no territory) and overlaps (accounts in two or more): the first ones of
/// each listed with their fixes; a name zooms the map to the account.
pub fn validation(
    ui: &mut egui::Ui,
    doc: &Session,
    holes: Option<&[((f64, f64), f64)]>,
    commands: &mut Vec<Command>,
) {
    const LISTED: usize = 30;
    let (gaps, overlaps) = (doc.report().gaps, doc.report().overlaps);
    ui.label(RichText::new("Gaps and overlaps").strong());
    ui.horizontal(|ui| {
        if ui
            .small_button("Find holes")
            .on_hover_text("Areas enclosed by territories but in none of them")
            .clicked()
        {
            commands.push(Command::FindHoles);
        }
        match holes {
            None => {}
            Some([]) => {
                ui.label("no holes between territories");
            }
            Some(list) => {
                ui.label(format!("{} holes:", list.len()));
            }
        }
    });
    for &((lon, lat), km2) in holes.unwrap_or_default().iter().take(LISTED) {
        if ui
            .link(format!("hole of {km2:.1} km² at {lat:.3} N {lon:.3} E"))
            .clicked()
        {
            commands.push(Command::FocusPoint(lon, lat));
        }
    }
    if gaps == 0 && overlaps == 0 {
        ui.label("None: every account is in exactly one territory.");
        return;
    }
    let Some(scenario) = doc.current() else {
        return;
    };
    let accounts = &doc.project().accounts;
    let rows = |wanted: &dyn Fn(usize) -> bool| -> Vec<usize> {
        (0..accounts.len())
            .filter(|&r| wanted(r))
            .take(LISTED)
            .collect()
    };
    if gaps > 0 {
        ui.label(format!("{} accounts in no territory", whole(gaps as f64)));
        let listed = rows(&|r| doc.assignment().is_gap(r));
        let ids: Vec<_> = listed.iter().map(|&r| accounts.ids()[r]).collect();
        for (&row, _) in listed.iter().zip(&ids) {
            ui.horizontal(|ui| {
                if ui.link(accounts.name(row)).clicked() {
                    commands.push(Command::FocusAccount(row));
                }
                let (lon, lat) = (accounts.lons()[row], accounts.lats()[row]);
                if let Some(t) = crate::edit::nearest_territory(scenario, lon, lat)
                    && ui
                        .small_button(format!("to {}", scenario.territories[t].name))
                        .on_hover_text("Name it a key account of the nearest territory")
                        .clicked()
                    && let Some(e) = crate::edit::set_overrides(
                        scenario,
                        &[accounts.ids()[row]],
                        Some(scenario.territories[t].id),
                    )
                {
                    commands.push(Command::Edit(e));
                }
            });
        }
    }
    if overlaps > 0 {
        ui.label(format!(
            "{} accounts in two or more territories",
            whole(overlaps as f64)
        ));
        for row in rows(&|r| doc.assignment().is_overlap(r)) {
            let (lon, lat) = (accounts.lons()[row], accounts.lats()[row]);
            ui.horizontal_wrapped(|ui| {
                if ui.link(accounts.name(row)).clicked() {
                    commands.push(Command::FocusAccount(row));
                }
                ui.label("keep in:");
                for t in crate::edit::territories_at(scenario, lon, lat) {
                    if ui
                        .small_button(&scenario.territories[t].name)
                        .on_hover_text(
                            "The other territories here give up the area they share with this one",
                        )
                        .clicked()
                    {
                        commands.push(Command::ResolveOverlap(t, lon, lat));
                    }
                }
            });
        }
    }
}
