//! Ctrl-C during a command that writes a project: the exit code must say what was committed.
//!
//! An import is all or nothing (one transaction), so Ctrl-C is turned into a request: the
//! first press cancels the job's [`Progress`], which reading and planning check between
//! chunks of rows; the command then stops before it writes and exits with 130 (the shell's
//! code for Ctrl-C), saying nothing was imported. Once the write has begun it is finished
//! (stopping it midway would only roll it back later) and the command exits 0, saying the
//! import is committed. Commands that only read, or write a new file through a temporary
//! one, keep the default: Ctrl-C ends them at once and leaves nothing half-written.

use std::sync::Arc;

use crate::progress::Progress;

use super::terminal::note;

/// The exit code of a command stopped by Ctrl-C.
pub const EXIT_CODE: u8 = 130;

/// The error of a command stopped by Ctrl-C before it committed anything; `main` exits
/// with [`EXIT_CODE`].
#[derive(Debug, thiserror::Error)]
#[error("interrupted; {0}")]
pub struct Interrupted(pub String);

/// Ctrl-C watched for the rest of the process, as a cancel request on a [`Progress`].
pub struct Interrupt {
    progress: Arc<Progress>,
}

impl Interrupt {
    /// Starts watching Ctrl-C (SIGINT, or the console's Ctrl-C on Windows). If the handler
    /// cannot be installed, Ctrl-C keeps its default (the process ends; the transaction in
    /// progress, if any, is rolled back on the next open).
    pub fn watch() -> Interrupt {
        let progress = Arc::new(Progress::new());
        let flag = Arc::clone(&progress);
        let installed = ctrlc::set_handler(move || {
            if !flag.is_cancelled() {
                note!("Ctrl-C: stopping (a write already under way is finished first)");
            }
            flag.cancel();
        });
        if let Err(e) = installed {
            note!("warning: Ctrl-C cannot be caught ({e}); it will end the command at once");
        }
        Interrupt { progress }
    }

    /// The progress whose cancel request Ctrl-C sets, for the job to check.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Whether Ctrl-C was pressed.
    pub fn requested(&self) -> bool {
        self.progress.is_cancelled()
    }

    /// `Err(Interrupted)` with `what` (what was left undone) if Ctrl-C was pressed.
    pub fn check(&self, what: &str) -> Result<(), Interrupted> {
        if self.requested() {
            Err(Interrupted(what.to_owned()))
        } else {
            Ok(())
        }
    }
}
