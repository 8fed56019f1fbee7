//! The `vox-clavis` operator command (feature `cli`): the runbook's procedures as commands over
//! this library, each audited with the operator and the reason. Exit statuses are the
//! linter's: 0 ok, 1 a check failed, 2 a usage or run error. No command prints a secret value,
//! except `vault get --reveal`.
//!
//! The binary calls [`main`], which reads the inventory from the linter's file;
//! [`main_with_inventory`] builds the same command with a `SecretInventory` compiled in.

mod args;
mod audit_cmd;
mod backup;
mod context;
mod doctor;
mod input;
mod inventory;
mod keys;
mod status;
mod vault_cmd;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;
use args::Command;

use crate::spec::{SecretInventory, SecretSpec};

/// Exit statuses, as the linter's.
pub(crate) mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const ERROR: u8 = 2;
}

/// Why a command did not succeed: a check that failed (exit 1) or an error (exit 2). Messages
/// hold ids, names, paths and reasons, never a value.
#[derive(Debug)]
pub(crate) enum Failure {
    Check(String),
    Run(String),
}

impl From<crate::Error> for Failure {
    fn from(e: crate::Error) -> Self {
        Failure::Run(e.to_string())
    }
}

pub(crate) type Exit = Result<u8, Failure>;

/// Runs the command line of this process, with the inventory from the linter's file.
pub fn main() -> ExitCode {
    ExitCode::from(run(std::env::args_os(), None))
}

/// Runs the command line of this process with `I`'s inventory compiled in (an inventory file
/// given with `--inventory` still wins).
pub fn main_with_inventory<I: SecretInventory>() -> ExitCode {
    ExitCode::from(run(std::env::args_os(), Some(I::specs())))
}

/// Parses `args` and runs the command; returns the exit status.
pub fn run<A, T>(args: A, compiled: Option<&'static [SecretSpec]>) -> u8
where
    A: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
        }
    };
    let ctx = context::Context::new(cli.global, compiled);
    let result = match cli.command {
        Command::Reset { value, .. } | Command::Vault(args::VaultCommand::Put { value, .. })
            if !value.is_empty() =>
        {
            Err(Failure::Run(
                "a value is never taken as an argument (`ps` and the shell's history keep it): \
                 pipe it on standard input, or type it at the prompt"
                    .to_owned(),
            ))
        }
        Command::Status { format } => status::status(&ctx, format),
        Command::Doctor { format } => doctor::doctor(&ctx, format),
        Command::Vault(command) => vault_cmd::run(&ctx, command),
        Command::BackendStatus { format } => status::backend_status(&ctx, format),
        Command::RotateKek { stage, commit } => keys::rotate(&ctx, stage, commit),
        Command::ExportKek { out, allow_stdout } => keys::export(&ctx, &out, allow_stdout),
        Command::ImportKek { key } => keys::import(&ctx, &key),
        Command::Snapshot { out } => backup::snapshot(&ctx, &out),
        Command::Restore {
            snapshot,
            staged,
            complete,
            sha256,
        } => backup::restore(&ctx, snapshot.as_deref(), staged, complete, sha256),
        Command::ExportEnv {
            encrypted,
            key,
            ids,
        } => backup::export_env(&ctx, &encrypted, key.as_deref(), &ids),
        Command::ImportEnv { payload, key } => backup::import_env(&ctx, &payload, key.as_deref()),
        Command::Reset {
            id,
            force,
            generate,
            ..
        } => vault_cmd::reset(&ctx, &id, force, generate),
        Command::Audit(command) => audit_cmd::run(&ctx, command),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Check(message)) => {
            eprintln_error(&message);
            exit::FAILED
        }
        Err(Failure::Run(message)) => {
            eprintln_error(&message);
            exit::ERROR
        }
    }
}

fn eprintln_error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
}

/// Writes to standard output; a closed pipe (`| head`) is not an error worth a panic.
pub(crate) fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Run(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// A line on standard error: warnings and notes that are not the command's output.
pub(crate) fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Pretty JSON on standard output.
pub(crate) fn out_json(value: &serde_json::Value) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    text.push('\n');
    out(&text)
}
