//! Who changes hands: the per-rep flows and the list of accounts, sortable by any column.

use egui::RichText;

use crate::app::Command;
use crate::engine::compare::{Comparison, Move};
use crate::model::{Project, RepId};
use crate::numbers::whole;

/// Rows of the moves table shown in the window (the CSV export has them all).
const MAX_ROWS: usize = 500;

/// A column of the moves table, to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveColumn {
    /// Account name.
    Account,
    /// Territory in A.
    From,
    /// Territory in B.
    To,
    /// Rep in A.
    FromRep,
    /// Rep in B.
    ToRep,
    /// Potential.
    Potential,
    /// Revenue.
    Revenue,
}

impl MoveColumn {
    /// Every column, in table order.
    pub const ALL: [MoveColumn; 7] = [
        MoveColumn::Account,
        MoveColumn::From,
        MoveColumn::To,
        MoveColumn::FromRep,
        MoveColumn::ToRep,
        MoveColumn::Potential,
        MoveColumn::Revenue,
    ];

    /// The column header.
    pub fn label(self) -> &'static str {
        match self {
            MoveColumn::Account => "Account",
            MoveColumn::From => "From",
            MoveColumn::To => "To",
            MoveColumn::FromRep => "From rep",
            MoveColumn::ToRep => "To rep",
            MoveColumn::Potential => "Potential EUR",
            MoveColumn::Revenue => "Revenue EUR",
        }
    }
}

/// Who changes hands: per rep, then the sortable list of accounts.
pub(super) fn disruption(
    ui: &mut egui::Ui,
    project: &Project,
    c: &Comparison,
    order: &[usize],
    sort: &mut (MoveColumn, bool),
    commands: &mut Vec<Command>,
) {
    let d = &c.disruption;
    ui.horizontal(|ui| {
        ui.heading(format!("{} accounts change hands", whole(d.moved as f64)));
        if ui
            .add_enabled(!d.moves.is_empty(), egui::Button::new("Export CSV…"))
            .clicked()
            && let Some(path) = rfd::FileDialog::new()
                .add_filter("CSV", &["csv"])
                .set_file_name("changes-hands.csv")
                .save_file()
        {
            commands.push(Command::ExportMoves(path));
        }
    });
    if !d.reps.is_empty() {
        super::table(
            ui,
            "compare rep flows",
            &["Rep", "Gained", "Lost", "Net", "Net potential EUR"],
            |ui| {
                for f in &d.reps {
                    ui.label(&f.name);
                    ui.label(whole(f.gained as f64));
                    ui.label(whole(f.lost as f64));
                    ui.label(format!("{:+}", f.net()));
                    ui.label(whole(f.net_potential));
                    ui.end_row();
                }
            },
        );
    }
    let rep = |r: Option<RepId>| {
        r.and_then(|r| project.rep(r))
            .map_or("-".to_owned(), |r| r.name.clone())
    };
    egui::Grid::new("compare moves")
        .striped(true)
        .num_columns(MoveColumn::ALL.len())
        .show(ui, |ui| {
            for column in MoveColumn::ALL {
                let numeric = matches!(column, MoveColumn::Potential | MoveColumn::Revenue);
                let arrow = match (*sort, numeric) {
                    ((c, true), true) if c == column => " (high first)",
                    ((c, false), true) if c == column => " (low first)",
                    ((c, true), false) if c == column => " (Z-A)",
                    ((c, false), false) if c == column => " (A-Z)",
                    _ => "",
                };
                if ui
                    .button(RichText::new(format!("{}{arrow}", column.label())).strong())
                    .clicked()
                {
                    // A second click on the same column reverses the order.
                    *sort = if sort.0 == column {
                        (column, !sort.1)
                    } else {
                        (column, numeric)
                    };
                }
            }
            ui.end_row();
            for &k in order.iter().take(MAX_ROWS) {
                let m = &d.moves[k];
                ui.label(project.accounts.name(m.row));
                ui.label(m.from.as_deref().unwrap_or("-"));
                ui.label(m.to.as_deref().unwrap_or("-"));
                ui.label(rep(m.from_rep));
                ui.label(rep(m.to_rep));
                ui.label(whole(m.potential));
                ui.label(whole(m.revenue));
                ui.end_row();
            }
        });
    if d.moves.len() > MAX_ROWS {
        ui.label(format!(
            "and {} more: Export CSV lists them all",
            whole((d.moves.len() - MAX_ROWS) as f64)
        ));
    }
}

/// The moves' indices sorted by a column (descending when `.1`); ties keep account order.
pub(super) fn sort_moves(
    project: &Project,
    moves: &[Move],
    sort: (MoveColumn, bool),
) -> Vec<usize> {
    let (column, descending) = sort;
    let rep = |r: Option<RepId>| {
        r.and_then(|r| project.rep(r))
            .map_or(String::new(), |r| r.name.to_lowercase())
    };
    let texts: Option<Vec<String>> = match column {
        MoveColumn::Potential | MoveColumn::Revenue => None,
        _ => Some(
            moves
                .iter()
                .map(|m| match column {
                    MoveColumn::Account => project.accounts.name(m.row).to_lowercase(),
                    MoveColumn::From => m.from.as_deref().unwrap_or("").to_lowercase(),
                    MoveColumn::To => m.to.as_deref().unwrap_or("").to_lowercase(),
                    MoveColumn::FromRep => rep(m.from_rep),
                    _ => rep(m.to_rep),
                })
                .collect(),
        ),
    };
    let value = |k: usize| match column {
        MoveColumn::Revenue => moves[k].revenue,
        _ => moves[k].potential,
    };
    let mut order: Vec<usize> = (0..moves.len()).collect();
    order.sort_by(|&x, &y| {
        let o = match &texts {
            Some(t) => t[x].cmp(&t[y]),
            None => value(x).total_cmp(&value(y)),
        };
        (if descending { o.reverse() } else { o }).then(x.cmp(&y))
    });
    order
}
