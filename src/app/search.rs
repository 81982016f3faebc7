//! Search (Ctrl+F): accounts by name or external id, the plan's territories, places (the
//! embedded gazetteer) and Dutch postcodes (PC4). Picking a match zooms the map to it and
//! selects it.

use std::sync::Arc;

use super::Command;
use crate::geocode::Gazetteer;
use crate::session::Session;
use crate::units::postcode::Postcodes;

/// The most accounts listed for one query.
const MAX_ACCOUNTS: usize = 8;
/// The most territories listed.
const MAX_TERRITORIES: usize = 5;
/// The most places listed.
const MAX_PLACES: usize = 5;

/// One match.
#[derive(Debug, Clone, PartialEq)]
pub enum Hit {
    /// An account (its row).
    Account(usize),
    /// A territory of the plan shown (its position).
    Territory(usize),
    /// A place or a postcode area: what to call it and where it is.
    Point {
        /// What the list shows.
        label: String,
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
    },
}

impl Hit {
    /// What the list shows for the match.
    pub fn label(&self, doc: &Session) -> String {
        let a = &doc.project().accounts;
        match self {
            Hit::Account(row) => format!("Account: {} ({})", a.name(*row), a.external_id(*row)),
            Hit::Territory(t) => format!(
                "Territory: {}",
                doc.current()
                    .and_then(|s| s.territories.get(*t))
                    .map_or("?", |t| t.name.as_str())
            ),
            Hit::Point { label, .. } => label.clone(),
        }
    }

    /// What picking the match does: zoom to it and select it.
    pub fn command(&self) -> Command {
        match self {
            Hit::Account(row) => Command::FocusAccount(*row),
            Hit::Territory(t) => Command::SelectTerritory(*t),
            Hit::Point { lon, lat, .. } => Command::FocusPoint(*lon, *lat),
        }
    }
}

/// Whether `hay` contains `needle` (already lower case), ignoring ASCII case, without
/// allocating: it runs over every account name at each keystroke.
fn contains_folded(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    needle.is_empty()
        || hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The matches of `query`: territories, then a postcode area, places and accounts.
/// `gazetteer` and `postcodes` are the lookups for places and postcodes (`None`: skipped).
pub fn find(
    doc: &Session,
    query: &str,
    gazetteer: Option<&Gazetteer>,
    postcodes: Option<&Postcodes>,
) -> Vec<Hit> {
    let query = query.trim();
    if query.chars().count() < 2 {
        return Vec::new();
    }
    let lower = query.to_lowercase();
    let mut hits = Vec::new();
    if let Some(scenario) = doc.current() {
        hits.extend(
            scenario
                .territories
                .iter()
                .enumerate()
                .filter(|(_, t)| contains_folded(&t.name, &lower))
                .take(MAX_TERRITORIES)
                .map(|(k, _)| Hit::Territory(k)),
        );
    }
    if let Some(place) = postcodes.and_then(|p| p.locate(query).ok()) {
        hits.push(Hit::Point {
            label: format!("Postcode: {} {}", place.pc4, place.place),
            lon: place.lon,
            lat: place.lat,
        });
    }
    if let Some(g) = gazetteer {
        // Dutch places first (the planners are Dutch), each group by inhabitants.
        let mut places = g.starting_with(query, 500);
        places.sort_by_key(|p| p.country != "NL");
        places.truncate(MAX_PLACES);
        hits.extend(places.into_iter().map(|p| {
            let region = if p.municipality.is_empty() {
                &p.admin1
            } else {
                &p.municipality
            };
            Hit::Point {
                label: format!("Place: {} ({region}, {})", p.name, p.country),
                lon: p.lon,
                lat: p.lat,
            }
        }));
    }
    let a = &doc.project().accounts;
    hits.extend(
        (0..a.len())
            .filter(|&i| a.external_id(i).eq_ignore_ascii_case(query))
            .chain((0..a.len()).filter(|&i| contains_folded(a.name(i), &lower)))
            .take(MAX_ACCOUNTS)
            .map(Hit::Account),
    );
    hits.dedup();
    hits
}

/// The search box's state while it is open.
#[derive(Default)]
pub struct SearchBox {
    /// What the planner typed.
    pub query: String,
    /// The query the matches are for.
    searched: String,
    hits: Vec<Hit>,
    /// The lookups, loaded when the box first opens (a third of a second, once).
    gazetteer: Option<Arc<Gazetteer>>,
    postcodes: Option<Postcodes>,
    /// Why a lookup could not be loaded (the search goes on without it).
    note: Option<String>,
}

impl SearchBox {
    /// A box with its lookups loaded.
    pub fn open() -> SearchBox {
        let mut note = Vec::new();
        let gazetteer = Gazetteer::load()
            .map(Arc::new)
            .map_err(|e| note.push(format!("places: {e}")))
            .ok();
        let postcodes = Postcodes::embedded()
            .map_err(|e| note.push(format!("postcodes: {e}")))
            .ok();
        SearchBox {
            gazetteer,
            postcodes,
            note: (!note.is_empty()).then(|| note.join("; ")),
            ..SearchBox::default()
        }
    }

    /// The box over the map; returns false when it closes (a match picked, Esc, or the
    /// window's close button).
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        doc: &Session,
        commands: &mut Vec<Command>,
    ) -> bool {
        let mut keep = true;
        let mut open = true;
        egui::Window::new("Search")
            .collapsible(false)
            .resizable(false)
            .open(&mut open)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 70.0))
            .show(ctx, |ui| {
                let field = ui.add(
                    egui::TextEdit::singleline(&mut self.query)
                        .hint_text("Account, external id, place, postcode or territory")
                        .desired_width(360.0),
                );
                if !field.has_focus() && self.searched.is_empty() {
                    field.request_focus();
                }
                if self.query != self.searched {
                    self.hits = find(
                        doc,
                        &self.query,
                        self.gazetteer.as_deref(),
                        self.postcodes.as_ref(),
                    );
                    self.searched.clone_from(&self.query);
                }
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    keep = false;
                }
                let mut picked = None;
                if enter && field.lost_focus() {
                    picked = self.hits.first().cloned();
                }
                for hit in &self.hits {
                    if ui.selectable_label(false, hit.label(doc)).clicked() {
                        picked = Some(hit.clone());
                    }
                }
                if self.hits.is_empty() && self.query.trim().chars().count() >= 2 {
                    ui.label(egui::RichText::new("Nothing found").weak());
                }
                if let Some(note) = &self.note {
                    ui.label(egui::RichText::new(format!("Not searched: {note}")).weak());
                }
                if let Some(hit) = picked {
                    commands.push(hit.command());
                    keep = false;
                }
            });
        keep && open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_accounts_territories_places_and_postcodes() {
        let session = Session::demo().expect("demo");
        let gazetteer = Gazetteer::load().expect("gazetteer");
        let postcodes = Postcodes::embedded().expect("postcodes");
        let find = |q: &str| find(&session, q, Some(&gazetteer), Some(&postcodes));
        // An account by a part of its name, in any case, and by its external id.
        let a = &session.project().accounts;
        let name = a.name(7).to_string();
        let part = &name[..name.len().min(10)];
        assert!(
            find(&part.to_uppercase()).contains(&Hit::Account(7)),
            "{part}"
        );
        let id = a.external_id(7).to_string();
        assert_eq!(find(&id).first(), Some(&Hit::Account(7)), "{id}");
        // A territory.
        assert_eq!(find("oost").first(), Some(&Hit::Territory(1)));
        // Dutch places come first.
        let west = find("West");
        let first_place = west.iter().find_map(|h| match h {
            Hit::Point { label, .. } if label.starts_with("Place") => Some(label.clone()),
            _ => None,
        });
        assert!(
            first_place.as_deref().is_some_and(|l| l.ends_with(", NL)")),
            "{west:?}"
        );
        // A place: Utrecht, the city, first.
        let utrecht = find("Utrecht");
        let Some(Hit::Point { label, lat, lon }) = utrecht
            .iter()
            .find(|h| matches!(h, Hit::Point { label, .. } if label.starts_with("Place")))
        else {
            panic!("{utrecht:?}");
        };
        assert!(label.contains("Utrecht"), "{label}");
        assert!(
            (lat - 52.09).abs() < 0.1 && (lon - 5.12).abs() < 0.1,
            "{lat} {lon}"
        );
        // A postcode: 3511 is in the centre of Utrecht.
        let pc = find("3511");
        let Some(Hit::Point { label, lat, lon }) = pc.first() else {
            panic!("{pc:?}");
        };
        assert!(label.starts_with("Postcode: 3511"), "{label}");
        assert!(
            (lat - 52.09).abs() < 0.05 && (lon - 5.12).abs() < 0.05,
            "{lat} {lon}"
        );
        // Too short, or nothing: no matches.
        assert!(find("o").is_empty());
        assert!(find("zzzqqq").is_empty());
    }

    #[test]
    fn picking_a_match_zooms_to_it() {
        assert_eq!(Hit::Account(3).command(), Command::FocusAccount(3));
        assert_eq!(Hit::Territory(2).command(), Command::SelectTerritory(2));
    }
}
