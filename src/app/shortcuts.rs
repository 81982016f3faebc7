//! One table of what the planner can ask for from a menu, a button or a key: the menus,
//! the toolbar, the tooltips and the keyboard all read it, so a shortcut is written once.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::tools::Tool;

/// Something the planner can ask for from a menu, a button or a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// File > New.
    New,
    /// File > Open.
    Open,
    /// Save: every edit is already in the file, so this asks for a path only for a project
    /// not yet saved.
    Save,
    /// File > Save As.
    SaveAs,
    /// File > Quit.
    Quit,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Open or close the compare view.
    ComparePlans,
    /// Fit the map to the plan.
    ZoomToFit,
    /// Zoom in one step.
    ZoomIn,
    /// Zoom out one step.
    ZoomOut,
    /// Use an editing tool.
    Tool(Tool),
    /// Finish the drawing or split line.
    FinishSketch,
    /// Remove the last point of the drawing.
    RemoveLastPoint,
    /// Drop the gesture, drawing or question under way.
    Cancel,
    /// Remove the vertex under the pointer (Reshape).
    RemoveVertex,
    /// Show or hide the frame time.
    FrameTime,
    /// Open the search box.
    Search,
}

/// The keys of one action.
pub struct Shortcut {
    /// What the keys do.
    pub action: Action,
    /// The key combinations, the first one shown in menus and tooltips.
    pub keys: &'static [(Modifiers, Key)],
    /// A key without Ctrl: it counts only while no text field has the keyboard.
    pub plain: bool,
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::COMMAND
};
const NONE: Modifiers = Modifiers::NONE;

/// Every shortcut. Order matters where one combination extends another: egui matches
/// Ctrl+S also when Shift is held, so Ctrl+Shift+S comes first (and Ctrl+Shift+Z before
/// Ctrl+Z).
pub const SHORTCUTS: &[Shortcut] = &[
    command(Action::New, &[(CTRL, Key::N)]),
    command(Action::Open, &[(CTRL, Key::O)]),
    command(Action::SaveAs, &[(CTRL_SHIFT, Key::S)]),
    command(Action::Save, &[(CTRL, Key::S)]),
    command(Action::Quit, &[(CTRL, Key::Q)]),
    command(Action::Redo, &[(CTRL_SHIFT, Key::Z), (CTRL, Key::Y)]),
    command(Action::Undo, &[(CTRL, Key::Z)]),
    command(Action::ComparePlans, &[(CTRL, Key::K)]),
    command(Action::FrameTime, &[(NONE, Key::F12)]),
    command(Action::Search, &[(CTRL, Key::F)]),
    plain(Action::Tool(Tool::Select), &[(NONE, Key::V)]),
    plain(Action::Tool(Tool::Draw), &[(NONE, Key::D)]),
    plain(Action::Tool(Tool::Reshape), &[(NONE, Key::R)]),
    plain(Action::Tool(Tool::Split), &[(NONE, Key::X)]),
    plain(Action::Tool(Tool::Lasso), &[(NONE, Key::L)]),
    plain(Action::Tool(Tool::Paint), &[(NONE, Key::P)]),
    plain(Action::ZoomToFit, &[(NONE, Key::F)]),
    plain(Action::ZoomIn, &[(NONE, Key::Plus), (NONE, Key::Equals)]),
    plain(Action::ZoomOut, &[(NONE, Key::Minus)]),
    plain(Action::FinishSketch, &[(NONE, Key::Enter)]),
    plain(Action::RemoveLastPoint, &[(NONE, Key::Backspace)]),
    plain(Action::Cancel, &[(NONE, Key::Escape)]),
    plain(Action::RemoveVertex, &[(NONE, Key::Delete)]),
];

const fn command(action: Action, keys: &'static [(Modifiers, Key)]) -> Shortcut {
    Shortcut {
        action,
        keys,
        plain: false,
    }
}

const fn plain(action: Action, keys: &'static [(Modifiers, Key)]) -> Shortcut {
    Shortcut {
        action,
        keys,
        plain: true,
    }
}

/// The first key combination of an action as people read it ("Ctrl+Shift+S", "V"), or
/// `None` when it has no key.
pub fn key_text(action: Action) -> Option<String> {
    let shortcut = SHORTCUTS.iter().find(|s| s.action == action)?;
    let &(modifiers, key) = shortcut.keys.first()?;
    let is_mac = cfg!(target_os = "macos");
    Some(KeyboardShortcut::new(modifiers, key).format(&egui::ModifierNames::NAMES, is_mac))
}

/// A label with its key after it, for buttons whose text names the key ("Select (V)").
pub fn with_key(label: &str, action: Action) -> String {
    match key_text(action) {
        Some(key) => format!("{label} ({key})"),
        None => label.to_owned(),
    }
}

/// The actions whose keys were pressed this frame (their key events are consumed). Plain
/// keys count only when `typing` is false and neither Ctrl nor Alt is held.
pub fn pressed(input: &mut egui::InputState, typing: bool) -> Vec<Action> {
    let mut actions = Vec::new();
    for shortcut in SHORTCUTS {
        let hit = shortcut.keys.iter().any(|&(modifiers, key)| {
            if shortcut.plain {
                !typing
                    && !input.modifiers.command
                    && !input.modifiers.ctrl
                    && !input.modifiers.alt
                    && input.key_pressed(key)
            } else if modifiers.is_none() {
                input.key_pressed(key)
            } else {
                input.consume_shortcut(&KeyboardShortcut::new(modifiers, key))
            }
        });
        if hit {
            actions.push(shortcut.action);
        }
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_one_entry_and_readable_keys() {
        for (k, s) in SHORTCUTS.iter().enumerate() {
            assert!(
                SHORTCUTS[k + 1..].iter().all(|t| t.action != s.action),
                "{:?} is listed twice",
                s.action
            );
            assert!(!s.keys.is_empty(), "{:?} has no key", s.action);
        }
        assert_eq!(key_text(Action::Tool(Tool::Select)).as_deref(), Some("V"));
        let save_as = key_text(Action::SaveAs).unwrap_or_default();
        assert!(
            save_as.contains("Shift") && save_as.ends_with('S'),
            "{save_as}"
        );
    }

    #[test]
    fn a_longer_combination_comes_before_the_shorter_one_it_extends() {
        let position = |a: Action| SHORTCUTS.iter().position(|s| s.action == a);
        assert!(position(Action::SaveAs) < position(Action::Save));
        assert!(position(Action::Redo) < position(Action::Undo));
    }
}
