//! One account's details: name, industry, status, potential, territory and rep; and, for the
//! selected account, its postcode area, municipality and province.

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
    if doc.assignment().is_overridden(row)
        && let Some(t) = territory
    {
        ui.label(egui::RichText::new(format!("Key account of {}", t.name)).strong());
    }
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

/// The embedded layers the account panel names: postcode area, municipality, province.
const PANEL_LAYERS: [&str; 3] = ["nl-pc4", "nl-gemeente", "nl-provincie"];

/// The selected account's postcode area (PC4), municipality and province, found on demand
/// (each layer's units are prepared once per run, then a lookup is microseconds).
pub fn account_units(ui: &mut egui::Ui, doc: &Session, row: usize) {
    let units = match doc.account_units(row, &PANEL_LAYERS) {
        Ok(units) => units,
        Err(e) => {
            ui.label(format!("Units: {e}"));
            return;
        }
    };
    for unit in units {
        let what = match unit.layer {
            "nl-pc4" => "Postcode",
            "nl-gemeente" => "Municipality",
            _ => "Province",
        };
        let text = match &unit.unit {
            Some(u) if unit.layer == "nl-pc4" && u.name != u.code => {
                format!("{what}: {} ({})", u.code, u.name)
            }
            Some(u) => format!("{what}: {}", u.name),
            None => format!("{what}: none"),
        };
        ui.label(text);
    }
}
