//! The `vox-clavis-lint` binary: arguments in, exit code out.

fn main() -> std::process::ExitCode {
    vox_clavis_lint::cli::main()
}
