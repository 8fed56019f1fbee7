//! The `vox-clavis-lint` binary: arguments in, exit code out.

// The system allocator, on purpose: mimalloc checked the bench corpus about 12% faster but
// kept about 40% more memory resident (175 MB against 126 MB peak at -j2, over the 150 MB
// target); see bench/analysis.md.

fn main() -> std::process::ExitCode {
    vox_clavis_lint::cli::main()
}
