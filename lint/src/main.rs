//! The `vox-clavis-lint` binary: arguments in, exit code out.

/// Parsing allocates a node per token and frees whole trees per file: glibc's malloc and free
/// took about a quarter of a run (`perf record` on the bench corpus). With mimalloc the corpus
/// checks in 9.2 s instead of 10.1 s, at 491 MB peak instead of 544 MB (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    vox_clavis_lint::cli::main()
}
