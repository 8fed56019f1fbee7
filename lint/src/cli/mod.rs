//! Command line: arguments, subcommands and exit codes. Nothing below this module knows clap.
//!
//! Exit status: [`exit::CLEAN`] (0) when no finding reaches `--fail-on`, [`exit::FINDINGS`] (1)
//! when one does, [`exit::FAILURE`] (2) when the run itself failed (bad arguments, bad or
//! unreadable configuration, a missing path, an unwritable `--output`). `clippy` passes on
//! cargo's status when `cargo clippy` fails.

mod args;
mod check;
mod clippy;
mod explain;
mod fix;
mod init;
mod inventory;
mod progress;
mod rules;
mod server;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use args::{
    CheckArgs, Cli, ClippyArgs, ColorChoice, Command, ExplainArgs, FailOn, InitArgs, InventoryArgs,
    InventoryFormat, RulesArgs, RulesFormat, ServerArgs,
};

/// The process exit statuses.
pub mod exit {
    /// No finding at or above `--fail-on`.
    pub const CLEAN: u8 = 0;
    /// At least one finding at or above `--fail-on`.
    pub const FINDINGS: u8 = 1;
    /// The run itself failed.
    pub const FAILURE: u8 = 2;
}

/// Runs the CLI with the process arguments and returns its exit code.
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

/// Runs the CLI with the given arguments (the first is the program name).
pub fn run<I, T>(argv: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(err) => {
            // Usage errors exit 2; `--help` and `--version` exit 0.
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(exit::FAILURE));
        }
    };
    let dispatch = || match &cli.command {
        None => check::run(&cli.check),
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Clippy(args)) => clippy::run(args),
        Some(Command::Rules(args)) => rules::run(args),
        Some(Command::Explain(args)) => explain::run(args),
        Some(Command::Init(args)) => init::run(args),
        Some(Command::Inventory(args)) => inventory::run(args),
        Some(Command::Server(args)) => server::run(args),
    };
    // The engine turns a panic in one file into a finding; this is the last line of defence
    // for anything else, so a bug still ends in exit status 2 rather than an abort.
    let status =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(dispatch)).unwrap_or_else(|_| {
            print_error("internal error (a bug in vox-clavis-lint; please report it)");
            exit::FAILURE
        });
    ExitCode::from(status)
}

/// Prints `error: <message>` to standard error.
fn print_error(message: impl std::fmt::Display) {
    write_stderr(&format!("error: {message}\n"));
}

/// Writes to standard error, ignoring failures (there is nowhere left to report them).
fn write_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Writes to standard output; a closed pipe (`| head`) is not an error worth a panic.
fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to standard output: {e}")),
    }
}
