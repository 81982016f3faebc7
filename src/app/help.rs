//! Help > Getting started: what the window shows, and the first three things to try.

/// What the window shows, panel by panel.
const WHAT_YOU_SEE: &str = "\
The map: your accounts as dots in their territory's colour, the territories with their rep, \
and each rep's home (a house). The legend in the corner says what each sign means.
The Plan panel (left): every territory's accounts, potential and workload, and how far it \
is from the mean of the metric chosen under Balance.
The Balance panel (right): a bar per territory against the mean and the tolerance band, \
the warnings (reps over capacity, homes outside their territory, territories without a \
rep), and whether each territory holds enough leads for its target.";

/// The first three things a new planner should try.
const FIRST_STEPS: [&str; 3] = [
    "Press R (Reshape) and drag a border between two territories: both territories' numbers \
     change while you drag. Ctrl+Z undoes it.",
    "Plan > Design territories… makes a balanced plan from postcode areas; Ctrl+K compares \
     it with yours, side by side.",
    "Ctrl+F finds an account, a place, a postcode or a territory and zooms to it.",
];

/// The Getting started window, while `open`.
pub fn getting_started(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("Getting started")
        .open(open)
        .collapsible(false)
        .default_width(460.0)
        .show(ctx, |ui| {
            ui.label(egui::RichText::new("What you see").strong());
            for paragraph in WHAT_YOU_SEE.lines() {
                ui.label(paragraph);
            }
            ui.add_space(6.0);
            ui.label(egui::RichText::new("First three things to try").strong());
            for (k, step) in FIRST_STEPS.iter().enumerate() {
                ui.label(format!("{}. {step}", k + 1));
            }
            ui.add_space(6.0);
            ui.label(
                egui::RichText::new(
                    "Every edit is in the project file at once; there is nothing to save.",
                )
                .weak(),
            );
        });
}
