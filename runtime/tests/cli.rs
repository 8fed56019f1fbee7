//! The `vox-clavis` binary, run for real (`CARGO_BIN_EXE_vox-clavis`): the procedures of
//! docs/operations.md end to end, and each command's errors.

#[path = "cli/harness.rs"]
mod harness;

#[path = "cli/commands.rs"]
mod commands;
#[path = "cli/procedures.rs"]
mod procedures;
