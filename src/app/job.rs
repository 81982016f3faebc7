//! Work on another thread whose result the window picks up in a later frame, with a shared
//! [`Progress`] for the progress bar and Cancel. The window polls once per frame; a
//! cancelled job is dropped at once and stops at its next check, its result discarded.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::progress::Progress;

/// A job under way.
pub struct Job<T> {
    progress: Arc<Progress>,
    result: Receiver<T>,
}

/// What a poll found.
pub enum Poll<T> {
    /// Still working.
    Running,
    /// Finished with this result.
    Done(T),
    /// The thread ended without a result (it panicked).
    Lost,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a new thread.
    pub fn spawn(work: impl FnOnce(&Progress) -> T + Send + 'static) -> Job<T> {
        let progress = Arc::new(Progress::new());
        let (send, result) = channel();
        let shared = Arc::clone(&progress);
        std::thread::spawn(move || {
            super::priority::lower_this_thread();
            // The receiver is gone when the job was cancelled: the result is not wanted.
            let _ = send.send(work(&shared));
        });
        Job { progress, result }
    }

    /// The job's counts.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Takes the result if the job has finished.
    pub fn poll(&self) -> Poll<T> {
        match self.result.try_recv() {
            Ok(value) => Poll::Done(value),
            Err(TryRecvError::Empty) => Poll::Running,
            Err(TryRecvError::Disconnected) => Poll::Lost,
        }
    }

    /// Waits for the job to finish and takes its result (never [`Poll::Running`]).
    pub fn wait(&self) -> Poll<T> {
        match self.result.recv() {
            Ok(value) => Poll::Done(value),
            Err(_) => Poll::Lost,
        }
    }

    /// Asks the job to stop; its result, if it still comes, is dropped with the job.
    pub fn cancel(&self) {
        self.progress.cancel();
    }
}
