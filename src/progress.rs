//! Progress and cancellation of a long job run on another thread (an accounts import): the
//! worker counts what it has done and checks whether it should stop; the window reads the
//! counts for its progress bar and asks it to stop. Atomics rather than a channel, because
//! the window only ever wants the latest count, once per frame.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Counts of a job's current stage, and its stop request.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
    cancelled: AtomicBool,
}

impl Progress {
    /// A job not started: nothing done, nothing to do.
    pub fn new() -> Progress {
        Progress::default()
    }

    /// Starts a stage of `total` units (rows, bytes) with none done.
    pub fn start(&self, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// Counts `n` more units done.
    pub fn add(&self, n: usize) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// Sets the units done (for stages that know their position, like bytes read).
    pub fn set(&self, done: usize) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// Units done and the stage's total.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// The fraction done, 0 to 1 (0 while the total is unknown).
    pub fn fraction(&self) -> f32 {
        let (done, total) = self.counts();
        if total == 0 {
            0.0
        } else {
            (done as f64 / total as f64).clamp(0.0, 1.0) as f32
        }
    }

    /// Asks the job to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether the job was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fraction_and_cancel() {
        let p = Progress::new();
        assert_eq!(p.fraction(), 0.0, "unknown total");
        p.start(200);
        p.add(50);
        assert_eq!(p.counts(), (50, 200));
        assert_eq!(p.fraction(), 0.25);
        p.set(400);
        assert_eq!(p.fraction(), 1.0, "clamped");
        assert!(!p.is_cancelled());
        p.cancel();
        assert!(p.is_cancelled());
    }
}
