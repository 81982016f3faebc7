//! The `tessera` binary: the command line ([`tessera::cli`]), which opens the window
//! ([`tessera::app`]) when asked to.

/// mimalloc rather than the system allocator: a frame builds and drops meshes of a few
/// megabytes, which glibc hands back to the kernel and faults in again every frame (a third
/// of the frame time at 1M accounts, measured with `cargo bench --bench frame`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tessera::cli::main(launcher())
}

#[cfg(feature = "window")]
fn launcher() -> tessera::cli::WindowLauncher {
    tessera::app::run
}

/// A build without the `window` feature (headless) runs every command but cannot open the
/// window, and says so.
#[cfg(not(feature = "window"))]
fn launcher() -> tessera::cli::WindowLauncher {
    |_, _| {
        Err("this build of Tessera has no window (built without the `window` feature); use its commands, see `tessera --help`".to_owned())
    }
}
