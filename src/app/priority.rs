//! The window's thread first: work the window starts on other threads (opening a project,
//! a background change, a comparison, account counts for the map, and rayon's pool that
//! they use) runs at a lower thread priority. On a two-core laptop the frame then rarely
//! waits behind a million-account recount, while the work still has every idle cycle.

use thread_priority::{ThreadPriority, ThreadPriorityValue};

/// The workers' priority on the crate's 0-99 scale: nice 5 on Linux, a third of the
/// window thread's share of a busy core. Not the lowest: other programs at normal priority
/// (a busy browser, a compiler) would then starve the work outright.
const WORKER_PRIORITY: u8 = 35;

/// Lowers the calling thread's priority. Where the system refuses, the thread simply keeps
/// its priority: slower frames under load, nothing worse.
pub fn lower_this_thread() {
    if let Ok(value) = ThreadPriorityValue::try_from(WORKER_PRIORITY) {
        let _ = thread_priority::set_current_thread_priority(ThreadPriority::Crossplatform(value));
    }
}

/// Makes rayon's global pool of the process lower its threads as they start. Call it
/// before any rayon work; if the pool was built already (a test harness), it stays as it is.
pub fn lower_worker_pool() {
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|k| format!("worker {k}"))
        .start_handler(|_| lower_this_thread())
        .build_global();
}
