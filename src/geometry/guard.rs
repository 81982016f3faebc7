//! A fence around geometry libraries: a panic inside them (i_overlay has panicked on
//! hostile rings with "index out of bounds") becomes an error that the caller can name the
//! feature in, instead of taking the program down.
//!
//! While a guarded call runs, the panic message is kept for the error and not printed: a
//! process-wide panic hook, installed once, stays silent for panics on a thread that is
//! inside a guarded call and hands every other panic to the hook that was there before.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// Whether this thread is inside [`guarded`].
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The message of the last panic caught on this thread.
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let text = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown error".to_owned());
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                MESSAGE.with(|m| *m.borrow_mut() = Some(format!("{text}{place}")));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `job`; a panic inside it becomes `Err` with the panic's message and place. The job
/// must leave nothing half-changed that the caller keeps: give it inputs by reference and
/// take only its result.
pub fn guarded<T>(job: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was = GUARDED.with(|g| g.replace(true));
    // AssertUnwindSafe: the job's captured state is either borrowed read-only or dropped with
    // the job, and the caller sees only the result or the error.
    let outcome = catch_unwind(AssertUnwindSafe(job));
    GUARDED.with(|g| g.set(was));
    outcome.map_err(|_| {
        MESSAGE
            .with(|m| m.borrow_mut().take())
            .unwrap_or_else(|| "unknown error".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        let v: Vec<u32> = Vec::new();
        let index = v.len() + 3;
        let outcome = guarded(|| v[index]);
        let error = outcome.unwrap_err();
        assert!(error.contains("index out of bounds"), "{error}");
        assert!(error.contains("guard.rs"), "{error}");
        // Results pass through, and the guard is off again afterwards.
        assert_eq!(guarded(|| 7), Ok(7));
        assert!(!GUARDED.with(Cell::get));
    }
}
