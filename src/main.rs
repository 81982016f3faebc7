//! The `tessera` binary: see [`tessera::cli`].

fn main() -> std::process::ExitCode {
    tessera::cli::main()
}
