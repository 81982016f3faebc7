//! Keys and the actions of the shortcut table: a key, a menu entry and a toolbar button all
//! end in [`TesseraApp::trigger`], which turns an action into commands.

use super::super::shortcuts::{self, Action};
use super::super::{Command, TesseraApp, tools};
use super::files;

impl TesseraApp {
    /// The actions whose keys were pressed this frame, as commands.
    pub(super) fn keyboard(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let typing = ctx.egui_wants_keyboard_input();
        let actions = ctx.input_mut(|i| shortcuts::pressed(i, typing));
        // Dialogs block, so they open after egui's input is released.
        for action in actions {
            self.trigger(action, ctx, commands);
        }
    }

    /// Turns an action (from a key, a menu or a button) into commands, asking for a file
    /// first where the action needs one.
    pub(super) fn trigger(&self, action: Action, ctx: &egui::Context, commands: &mut Vec<Command>) {
        match action {
            Action::New => commands.extend(files::pick_project_to_save().map(Command::New)),
            Action::Open => commands.extend(files::pick_project().map(Command::Open)),
            // Every edit of a saved project is already in its file: Save asks for a path
            // only for the demo (or a project not yet saved).
            Action::Save if self.session.is_saved() => {}
            Action::Save | Action::SaveAs => {
                commands.extend(files::pick_project_to_save().map(Command::SaveAs));
            }
            Action::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Action::Undo => commands.push(Command::Undo),
            Action::Redo => commands.push(Command::Redo),
            Action::ComparePlans => commands.push(Command::Compare(self.compare.is_none())),
            Action::ZoomToFit => commands.push(Command::ZoomToFit),
            Action::ZoomIn => commands.push(Command::Zoom(1.0)),
            Action::ZoomOut => commands.push(Command::Zoom(-1.0)),
            Action::Tool(tool) => commands.push(Command::SetTool(tool)),
            Action::FinishSketch => commands.push(Command::FinishSketch),
            Action::RemoveLastPoint => commands.push(Command::RemoveLastPoint),
            Action::Cancel => commands.push(Command::CancelGesture),
            Action::RemoveVertex => {
                if self.editing.tool == tools::Tool::Reshape
                    && let Some(at) = self.vertex_under_pointer(ctx)
                {
                    commands.push(Command::RemoveVertex(at));
                }
            }
            Action::FrameTime => commands.push(Command::ToggleFrameTime),
            Action::Search => commands.push(Command::OpenSearch),
        }
    }

    /// The vertex within catching distance of the pointer, if any.
    fn vertex_under_pointer(&self, ctx: &egui::Context) -> Option<geo::Coord<f64>> {
        let screen = self.map.last_screen?;
        let p = ctx.pointer_hover_pos()?;
        tools::vertex_near(self.session.current()?, &screen, p)
    }
}
