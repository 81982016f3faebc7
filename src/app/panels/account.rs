//! One account's details: name, industry, status, potential, territory and rep.

use crate::numbers::whole;
use crate::session::Session;

/// Name, industry, status, potential, territory and rep of one account.
pub fn account_details(ui: &mut egui::Ui, doc: &Session, row: usize) {
    let a = &doc.project().accounts;
    let territory = doc
        .assignment()
        .owner(row)
        .and_then(|t| doc.current().and_then(|s| s.territories.get(t)));
    let rep = territory
        .and_then(|t| t.rep)
        .and_then(|r| doc.project().rep(r))
        .map(|r| r.name.as_str());
    ui.label(egui::RichText::new(a.name(row)).strong());
    ui.label(format!(
        "{} · {}",
        a.industries().name(a.industry_codes()[row]),
        a.status(row).as_str()
    ));
    ui.label(format!("Potential EUR {}", whole(a.potential(row))));
    ui.label(format!(
        "Territory: {}",
        territory.map_or("none (gap)", |t| t.name.as_str())
    ));
    ui.label(format!("Rep: {}", rep.unwrap_or("-")));
}
