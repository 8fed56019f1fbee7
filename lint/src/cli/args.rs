//! The command line, declared with clap's derive: the only place that knows flag names.
//!
//! The names are a contract users script against (`check`, `rules`, `explain`, `--format`,
//! `--fail-on`, ...); change them only with a deprecation.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::finding::Severity;
use crate::render::Format;

/// Keeps secrets inside the Clavis boundary: flags Rust code that reads secret environment
/// variables (and other secret material) outside the resolver.
///
/// Without a subcommand, `vox-clavis-lint [OPTIONS] [PATH]...` runs `check`.
#[derive(Debug, Parser)]
#[command(
    name = "vox-clavis-lint",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 the run failed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// `check` options, when no subcommand is given.
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Rust sources (the default when no subcommand is given)
    Check(CheckArgs),
    /// Run `cargo clippy` and add the findings to its JSON output (for editors)
    ///
    /// Runs `cargo clippy --message-format=json CLIPPY_ARGS`, passes its output through, then
    /// prints one cargo `compiler-message` per finding: one check command for rust-analyzer
    /// (docs/editors.md). Exits with cargo's status when clippy fails, else as `check`.
    Clippy(ClippyArgs),
    /// List the rules with their default severity and summary
    Rules(RulesArgs),
    /// Print the documentation of a rule
    Explain(ExplainArgs),
    /// Scan a tree and write a starter `vox-clavis-lint.toml` listing the secrets it reads
    Init(InitArgs),
    /// Print the merged secret inventory (configuration, contracts and `SecretInventory`
    /// enums), or check or update the inventory block of a documentation file
    Inventory(InventoryArgs),
    /// Run the language server over stdio: diagnostics as you type, fixes as code actions
    ///
    /// Speaks the Language Server Protocol on standard input and output, for editors
    /// (docs/editors.md). Checks the workspace folder once, then each edited file with the
    /// facts of its crate.
    Server(ServerArgs),
}

/// Options of `check`.
#[derive(Clone, Debug, Args)]
#[command(group(clap::ArgGroup::new("edits").args(["fix", "add_suppressions"]).multiple(true)))]
pub struct CheckArgs {
    /// Files and directories to check [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Use this configuration file for every PATH instead of each file's closest one
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files: built-in name patterns only
    #[arg(long)]
    pub no_config: bool,

    /// Output format (`--format` is the same option)
    #[arg(
        long = "output-format",
        visible_alias = "format",
        value_name = "FORMAT",
        default_value = "human",
        value_parser = format_parser(),
    )]
    pub format: Format,

    /// Write the report to FILE instead of standard output
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Run only these rules (comma-separated or repeated; replaces `[rules] select`). The
    /// rules about files that could not be checked always run
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Also run these rules, even when their `[rules.<rule>]` table turns them off
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not run these rules (comma-separated or repeated)
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the run fail (exit status 1)
    #[arg(long, value_name = "SEVERITY", value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Exit with status 0 even when there are findings (2 still reports a failed run)
    #[arg(long)]
    pub exit_zero: bool,

    /// Worker threads [default: all cores]
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,

    /// Skip files and directories matching GLOB, relative to the working directory
    /// (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Print only the findings (and the statistics, when asked for): no summary, no
    /// configuration warnings
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Print the number of findings per rule, most first, before the summary (also with
    /// `--quiet`)
    #[arg(long)]
    pub statistics: bool,

    /// When to use colours: `auto` on a terminal or with CLICOLOR_FORCE or FORCE_COLOR, never
    /// with NO_COLOR
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Also list the findings that suppression comments silenced, with their reasons
    #[arg(long)]
    pub show_suppressed: bool,

    /// Report only findings that are not in this baseline file (overrides `[scan] baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in FILE as the baseline, then report as with
    /// `--baseline FILE`
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Report only findings on lines added or changed since the merge base of REV and HEAD
    /// (as `git diff REV...`, plus uncommitted and untracked files)
    #[arg(long, value_name = "REV")]
    pub diff: Option<String>,

    /// Check the staged content of the files (the git index), and report only findings on
    /// staged changes (since REV's merge base with `--diff REV`)
    #[arg(long)]
    pub staged: bool,

    /// Apply the fixes that keep the code's meaning (renaming a deprecated alias, deleting an
    /// unused suppression), then report what remains
    #[arg(long, conflicts_with_all = ["staged", "write_baseline"])]
    pub fix: bool,

    /// With `--fix`, also apply the fixes that change types or behaviour and need review
    /// (an env read becomes a resolver call, a `String` field a `SecretString`)
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,

    /// With `--fix` or `--add-suppressions`, print the changes as a unified diff and write
    /// nothing
    #[arg(long, requires = "edits")]
    pub dry_run: bool,

    /// Write a suppression comment giving REASON for every current finding (adopting the
    /// linter on old code, beside `--write-baseline`)
    #[arg(long, value_name = "REASON", conflicts_with_all = ["fix", "staged", "write_baseline"])]
    pub add_suppressions: Option<String>,

    /// Run every rule on every file, even those the prefilter shows no rule could fire in
    /// (same findings, slower; for benchmarks and for checking the prefilter)
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
}

/// `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only errors fail the run
    Error,
    /// Any finding fails the run
    Warning,
}

impl FailOn {
    pub fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colours on a terminal, or anywhere with CLICOLOR_FORCE or FORCE_COLOR (non-empty, not
    /// `0`); never with NO_COLOR set to a non-empty value
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream that is (or is not) a terminal.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color_env() && (is_terminal || force_color_env()),
        }
    }
}

/// Set to a non-empty value other than `0`.
fn set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// `NO_COLOR` set to a non-empty value (<https://no-color.org>).
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// `CLICOLOR_FORCE` (<https://bixense.com/clicolors/>) or `FORCE_COLOR` (Node, many CI
/// services): colour even when not on a terminal. `NO_COLOR` still wins, as in `anstream`,
/// which cargo and clap use.
fn force_color_env() -> bool {
    set("CLICOLOR_FORCE") || set("FORCE_COLOR")
}

/// Options of `clippy`: those of `check` that choose what is checked and what fails the run
/// (the output is fixed: cargo's JSON messages).
#[derive(Clone, Debug, Args)]
pub struct ClippyArgs {
    /// Files and directories to check [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Use this configuration file for every PATH instead of each file's closest one
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files: built-in name patterns only
    #[arg(long)]
    pub no_config: bool,

    /// Run only these rules (comma-separated or repeated; replaces `[rules] select`). The
    /// rules about files that could not be checked always run
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Also run these rules, even when their `[rules.<rule>]` table turns them off
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not run these rules (comma-separated or repeated)
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Lowest severity of a finding that makes the run fail (exit status 1)
    #[arg(long, value_name = "SEVERITY", value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Worker threads [default: all cores]
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,

    /// Skip files and directories matching GLOB, relative to the working directory
    /// (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Report only findings that are not in this baseline file (overrides `[scan] baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Arguments for `cargo clippy`, after `--` (e.g. `-- --workspace --all-targets`)
    #[arg(last = true, value_name = "CLIPPY_ARGS")]
    pub clippy_args: Vec<std::ffi::OsString>,
}

/// Options of `rules`.
#[derive(Clone, Debug, Args)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

/// `rules --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One aligned line per rule
    Human,
    /// A JSON document `{"version": 1, "rules": [...]}`
    Json,
}

/// Options of `server`.
#[derive(Clone, Debug, Args)]
pub struct ServerArgs {
    /// Milliseconds without a change before an edited buffer is checked again
    #[arg(long, value_name = "MS", default_value_t = 150)]
    pub debounce_ms: u64,

    /// Talk over standard input and output (the only transport; accepted for editors that
    /// pass it)
    #[arg(long)]
    pub stdio: bool,
}

/// Options of `explain`.
#[derive(Clone, Debug, Args)]
pub struct ExplainArgs {
    /// The rule's name, e.g. `secret-env-read`
    #[arg(value_name = "RULE")]
    pub rule: String,
}

/// Options of `init`.
#[derive(Clone, Debug, Args)]
pub struct InitArgs {
    /// Directory to scan and write `vox-clavis-lint.toml` into [default: .]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Overwrite an existing configuration file
    #[arg(long)]
    pub force: bool,
}

/// Options of `inventory`.
#[derive(Clone, Debug, Args)]
pub struct InventoryArgs {
    /// Files and directories whose `SecretInventory` enums are read [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Use this configuration file instead of discovering one from the first PATH upward
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files: the enums only
    #[arg(long)]
    pub no_config: bool,

    /// Skip files and directories matching GLOB, relative to the working directory
    /// (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Output format
    #[arg(
        long,
        value_name = "FORMAT",
        value_enum,
        default_value_t = InventoryFormat::Table,
        conflicts_with_all = ["check", "write"],
    )]
    pub format: InventoryFormat,

    /// Exit with status 1 when the block between `<!-- vox-clavis-lint:inventory -->` and
    /// `<!-- /vox-clavis-lint:inventory -->` in FILE is not the generated Markdown table
    #[arg(long, value_name = "FILE", conflicts_with = "write")]
    pub check: Option<PathBuf>,

    /// Replace the block between the inventory markers in FILE with the generated table
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
}

/// `inventory --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    /// Aligned columns, with where each secret is declared
    Table,
    /// The Markdown table of the documentation block
    Markdown,
    /// The JSON secret contract format, `{"version": 1, "secrets": [...]}`
    Json,
}

/// Parses `--format` through [`Format`]'s own names, so `--help` and errors list them.
fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.map(Format::as_str)).try_map(|s| s.parse::<Format>())
}

/// `-j N`: a positive number of threads.
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("the number of threads must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("`{s}` is not a number of threads: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bare_paths_mean_check() {
        let cli = Cli::try_parse_from(["vox-clavis-lint", "--format", "json", "src"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.check.format, Format::Json);
        assert_eq!(cli.check.paths, [PathBuf::from("src")]);
    }

    #[test]
    fn threads_must_be_positive() {
        assert!(Cli::try_parse_from(["vox-clavis-lint", "-j0"]).is_err());
        let cli = Cli::try_parse_from(["vox-clavis-lint", "check", "-j", "3"]).unwrap();
        match cli.command {
            Some(Command::Check(args)) => assert_eq!(args.threads, Some(3)),
            other => panic!("expected check, got {other:?}"),
        }
    }
}
