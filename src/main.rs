//! The `tessera` binary: the command line ([`tessera::cli`]), which opens the window
//! ([`tessera::app`]) when asked to.

/// mimalloc rather than the system allocator: a frame builds and drops meshes of a few
/// megabytes, which glibc hands back to the kernel and faults in again every frame (a third
/// of the frame time at 1M accounts, measured with `cargo bench --bench frame`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tessera::cli::main(tessera::app::run)
}
