//! The `vox-clavis` operator command: the runbook's procedures over the runtime library. All
//! of it lives in `vox_clavis::cli`, so a program can build the same command with its own
//! `SecretInventory` compiled in (`vox_clavis::cli::main_with_inventory::<SecretId>()`).

fn main() -> std::process::ExitCode {
    vox_clavis::cli::main()
}
