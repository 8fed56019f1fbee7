//! `check`: configuration -> engine -> renderer -> report file or stdout -> exit status.

use std::collections::HashMap;
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

use super::args::{CheckArgs, Cli, ColorChoice, FailOn};
use super::{exit, print_error, write_stderr, write_stdout};
use crate::config::selection::Selection;
use crate::config::{self, ConfigError, Settings};
use crate::engine::{self, CheckOptions};
use crate::finding::Applicability;
use crate::input::changes::Changes;
use crate::input::git::Repo;
use crate::input::walk::WalkSetupError;
use crate::render::{self, RenderOptions, redact};
use crate::verdict::baseline::{self, Baseline};
use crate::verdict::report::Report;

/// Width of configuration diagnostics: fixed, so output does not depend on the terminal.
const DIAGNOSTIC_WIDTH: usize = 100;

/// Runs `check` and returns the exit status.
pub fn run(args: &CheckArgs) -> u8 {
    match execute(args) {
        Ok(status) => status,
        Err(failure) => {
            failure.print(args.color);
            exit::FAILURE
        }
    }
}

/// Why `check` could not produce a report.
pub(super) enum Failure {
    /// Shown as a miette diagnostic pointing into the TOML.
    Config(Box<ConfigError>),
    /// Shown as `error: <message>`.
    Message(String),
}

impl Failure {
    pub(super) fn print(&self, color: ColorChoice) {
        match self {
            Failure::Message(message) => print_error(message),
            Failure::Config(err) => {
                write_stderr(&render_diagnostic(
                    err.as_ref(),
                    color.enabled(std::io::stderr().is_terminal()),
                ));
            }
        }
    }
}

fn execute(args: &CheckArgs) -> Result<u8, Failure> {
    if args.fix || args.add_suppressions.is_some() {
        return edit(args);
    }
    let report = report(args)?;
    print(args, &report)?;
    // Machine formats keep standard error for failures.
    if !args.quiet && matches!(args.format, render::Format::Human) {
        write_stderr(&fixable(&report));
    }
    if args.exit_zero {
        return Ok(exit::CLEAN);
    }
    Ok(status(&report, args.fail_on))
}

/// `--fix`, `--add-suppressions`: the edited code's report (or the diff with `--dry-run`),
/// then what was done on standard error.
fn edit(args: &CheckArgs) -> Result<u8, Failure> {
    let outcome = super::fix::run(args)?;
    let report = &outcome.report;
    match &outcome.diff {
        Some(diff) => write_stdout(diff).map_err(Failure::Message)?,
        None => print(args, report)?,
    }
    if !args.quiet {
        let done = match (args.add_suppressions.is_some(), args.dry_run) {
            (true, false) => "added",
            (true, true) => "would add",
            (false, false) => "applied",
            (false, true) => "would apply",
        };
        let what = if args.add_suppressions.is_some() {
            plural(outcome.applied, "suppression comment")
        } else {
            plural(outcome.applied, "fix")
        };
        let left = plural(report.findings.len(), "finding");
        let mut line = format!("{done} {what}, {left} left");
        if outcome.unsafe_left > 0 {
            line.push_str(&format!(
                " ({} fixable with `--unsafe-fixes`)",
                outcome.unsafe_left
            ));
        }
        write_stderr(&format!("{line}\n"));
    }
    if args.exit_zero {
        return Ok(exit::CLEAN);
    }
    if outcome.diff.as_ref().is_some_and(|d| !d.is_empty()) {
        return Ok(exit::FINDINGS);
    }
    Ok(status(report, args.fail_on))
}

fn plural(n: usize, what: &str) -> String {
    let s = match (n, what.ends_with('x')) {
        (1, _) => "",
        (_, true) => "es",
        _ => "s",
    };
    format!("{n} {what}{s}")
}

/// How many findings `--fix` would take care of, when any: Ruff's `[*] N fixable`.
fn fixable(report: &Report) -> String {
    let count = |a: Applicability| {
        report
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability == a))
            .count()
    };
    let are = |n: usize| {
        format!(
            "{n} {} fixable",
            if n == 1 { "finding is" } else { "findings are" }
        )
    };
    match (count(Applicability::Safe), count(Applicability::Unsafe)) {
        (0, 0) => String::new(),
        (0, u) => format!("{} with `--fix --unsafe-fixes`\n", are(u)),
        (s, 0) => format!("{} with `--fix`\n", are(s)),
        (s, u) => format!("{} with `--fix` ({u} more with `--unsafe-fixes`)\n", are(s)),
    }
}

/// Renders the report to `-o FILE` or standard output.
fn print(args: &CheckArgs, report: &Report) -> Result<(), Failure> {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let render_options = RenderOptions {
        color: args.color.enabled(to_terminal),
        quiet: args.quiet,
        statistics: args.statistics,
        width: None,
        show_suppressed: args.show_suppressed,
        rules: crate::rules::metas().collect(),
        repo_prefix: repo_prefix(),
    };
    let text = render::render(report, args.format, &render_options);
    match &args.output {
        Some(file) => std::fs::write(file, text).map_err(|e| {
            Failure::Message(format!(
                "cannot write the report to `{}`: {e}",
                file.display()
            ))
        })?,
        None => write_stdout(&text).map_err(Failure::Message)?,
    }
    Ok(())
}

/// Checks what `args` name (the report every format renders; also `clippy`'s): each path
/// under its closest configuration ([`config::per_path`]), or all of them under `--config`.
pub(super) fn report(args: &CheckArgs) -> Result<Report, Failure> {
    report_with(args, &HashMap::new())
}

/// [`report`] with `overlay`'s texts standing in for the files at those absolute paths.
pub(super) fn report_with(
    args: &CheckArgs,
    overlay: &HashMap<PathBuf, String>,
) -> Result<Report, Failure> {
    let paths = existing_paths(&args.paths)?;
    let groups = if args.config.is_some() || args.no_config {
        let settings = config::load(args.config.as_deref(), args.no_config, &paths[0])
            .map_err(|e| Failure::Config(Box::new(e)))?;
        vec![config::per_path::Group {
            settings,
            paths,
            skip: Vec::new(),
        }]
    } else {
        let cwd = std::env::current_dir().map_err(|e| {
            Failure::Message(format!("cannot determine the working directory: {e}"))
        })?;
        config::per_path::groups(&paths, &args.exclude, &cwd)
            .map_err(|e| Failure::Config(Box::new(e)))?
    };
    let mut warned = Vec::new();
    let mut reports = Vec::new();
    for mut group in groups {
        if !args.quiet {
            for warning in &group.settings.warnings {
                if !warned.contains(warning) {
                    write_stderr(&format!("warning: {warning}\n"));
                    warned.push(warning.clone());
                }
            }
        }
        group
            .settings
            .select(&Selection {
                select: args.select.clone(),
                extend_select: args.extend_select.clone(),
                ignore: args.ignore.clone(),
            })
            .map_err(|e| Failure::Message(e.to_string()))?;
        reports.push(check_group(args, group, overlay)?);
    }
    let mut report = if reports.len() == 1 {
        reports.remove(0)
    } else {
        Report::merge(reports)
    };
    if let Some(file) = &args.write_baseline {
        let written = Baseline::from_findings(file, &report.findings);
        written
            .write()
            .map_err(|e| Failure::Message(e.to_string()))?;
        if !args.quiet {
            let n = written.entries.len();
            write_stderr(&format!(
                "wrote {n} {} to baseline `{}`\n",
                if n == 1 { "finding" } else { "findings" },
                file.display()
            ));
        }
        baseline::apply(&mut report, &written, &|_| true);
    }
    Ok(report)
}

/// One configuration's run over its paths.
fn check_group(
    args: &CheckArgs,
    group: config::per_path::Group,
    overlay: &HashMap<PathBuf, String>,
) -> Result<Report, Failure> {
    let settings = group.settings;
    // `--write-baseline` records every finding, so it checks without one.
    let accepted = match (&args.write_baseline, &args.baseline) {
        (Some(_), _) => None,
        (None, Some(file)) => Some(file.clone()),
        (None, None) => settings.scan.baseline.clone(),
    };
    let accepted = accepted
        .map(|file| Baseline::read(&file))
        .transpose()
        .map_err(|e| Failure::Message(e.to_string()))?;
    let (staged, changes) = new_code(args)?;
    let options = CheckOptions {
        paths: group.paths,
        exclude: args.exclude.clone(),
        threads: args.threads,
        baseline: accepted,
        staged,
        changes,
        progress: super::progress::bar(args.quiet),
        no_prefilter: args.no_prefilter,
        skip: group.skip,
        overlay: overlay.clone(),
    };
    engine::check(&settings, &options).map_err(|e| Failure::Message(e.to_string()))
}

/// The paths a command was given (`.` when none) and the settings for them: `--config FILE`,
/// none with `--no-config`, or the configuration discovered from the first path upward. A
/// missing path fails the run before configuration is discovered from it.
pub(super) fn paths_and_settings(
    given: &[PathBuf],
    config: Option<&Path>,
    no_config: bool,
) -> Result<(Vec<PathBuf>, Settings), Failure> {
    let paths = existing_paths(given)?;
    let settings =
        config::load(config, no_config, &paths[0]).map_err(|e| Failure::Config(Box::new(e)))?;
    Ok((paths, settings))
}

/// The paths a command was given (`.` when none), or the error for the first that does not
/// exist.
fn existing_paths(given: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let paths = if given.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        given.to_vec()
    };
    if let Some(missing) = paths.iter().find(|p| std::fs::metadata(p).is_err()) {
        let mut message = WalkSetupError::Missing(missing.display().to_string()).to_string();
        if let Some(name) = missing.to_str().filter(|n| is_subcommand(n)) {
            // `vox-clavis-lint --format json check`: the subcommand came after an option.
            message.push_str(&format!(
                " (to run `{name}`, put it first: `vox-clavis-lint {name} [OPTIONS]`)"
            ));
        }
        return Err(Failure::Message(message));
    }
    Ok(paths)
}

/// `--diff REV` and `--staged`: the lines to report on, and the repository whose index to
/// read. The repository is the one holding the working directory.
fn new_code(args: &CheckArgs) -> Result<(Option<Repo>, Option<Changes>), Failure> {
    if args.diff.is_none() && !args.staged {
        return Ok((None, None));
    }
    let message = |e: crate::input::git::GitError| Failure::Message(e.to_string());
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Message(format!("cannot determine the working directory: {e}")))?;
    let repo = Repo::discover(&cwd).map_err(message)?;
    let base = match &args.diff {
        Some(rev) => Some(repo.merge_base(rev).map_err(message)?),
        None => None,
    };
    let changes = repo
        .changes(base.as_deref(), args.staged)
        .map_err(message)?;
    Ok((args.staged.then_some(repo), Some(changes)))
}

/// The working directory relative to the closest directory above it holding `.git` (a
/// directory, or a file in a worktree or submodule), with a trailing `/`; empty at the root
/// or outside a repository.
fn repo_prefix() -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return String::new();
    };
    let Some(root) = cwd.ancestors().find(|d| d.join(".git").exists()) else {
        return String::new();
    };
    let rel = cwd.strip_prefix(root).unwrap_or(Path::new(""));
    rel.components()
        .map(|c| format!("{}/", c.as_os_str().to_string_lossy()))
        .collect()
}

/// Whether `name` is a subcommand (which reads as a path after an option).
fn is_subcommand(name: &str) -> bool {
    Cli::command()
        .get_subcommands()
        .any(|c| c.get_name() == name)
}

/// [`exit::FINDINGS`] when a finding is at or above `fail_on`, else [`exit::CLEAN`].
pub(super) fn status(report: &Report, fail_on: FailOn) -> u8 {
    let threshold = fail_on.threshold();
    if report.findings.iter().any(|f| f.severity >= threshold) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

/// Renders a diagnostic the way miette draws it (snippet, labels, help, causes), headed
/// `error: <message>` like every other failure. Related diagnostics (every validation problem
/// of a config file) follow, each drawn the same way against the parent's source. Diagnostic
/// codes are left out: they are for programs, and this text is for people.
fn render_diagnostic(diagnostic: &dyn Diagnostic, color: bool) -> String {
    let mut theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    theme.characters.error = "error:".to_owned();
    theme.characters.warning = "warning:".to_owned();
    theme.characters.advice = "note:".to_owned();
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(DIAGNOSTIC_WIDTH)
        .with_links(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    let render = |part: &Part<'_>| {
        let mut out = String::new();
        if handler.render_report(&mut out, part).is_err() {
            // A snippet could not be drawn (say, a span past the end of the text): the
            // message alone still says what is wrong.
            out = format!("error: {}\n", part.inner);
        }
        // miette indents the heading by two columns; `error:` starts at column one.
        let mut out = out.strip_prefix("  ").map(str::to_owned).unwrap_or(out);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    };
    let mut out = render(&Part {
        inner: diagnostic,
        parent_src: None,
    });
    // The quoted configuration can hold a credential (a key pasted in the wrong place):
    // every shape of one is masked in what is shown, as in a finding's snippet.
    for related in diagnostic.related().into_iter().flatten() {
        out.push('\n');
        out.push_str(&render(&Part {
            inner: related,
            parent_src: diagnostic.source_code(),
        }));
    }
    redact::text(&out)
}

/// One diagnostic drawn on its own: no code or URL heading, no related diagnostics (drawn
/// separately), and the parent's source code when it has none of its own.
struct Part<'a> {
    inner: &'a dyn Diagnostic,
    parent_src: Option<&'a dyn miette::SourceCode>,
}

impl fmt::Debug for Part<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for Part<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for Part<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

impl Diagnostic for Part<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.help()
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.inner.source_code().or(self.parent_src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Location, Severity};

    fn report(severities: &[Severity]) -> Report {
        Report {
            findings: severities
                .iter()
                .map(|&s| Finding::new("some-rule", s, "a.rs", Location::file_start(), "m"))
                .collect(),
            ..Report::default()
        }
    }

    #[test]
    fn fail_on_sets_the_threshold() {
        use Severity::{Error, Warning};
        assert_eq!(status(&report(&[]), FailOn::Warning), exit::CLEAN);
        assert_eq!(status(&report(&[]), FailOn::Error), exit::CLEAN);
        assert_eq!(status(&report(&[Warning]), FailOn::Warning), exit::FINDINGS);
        assert_eq!(status(&report(&[Warning]), FailOn::Error), exit::CLEAN);
        assert_eq!(status(&report(&[Error]), FailOn::Error), exit::FINDINGS);
        assert_eq!(
            status(&report(&[Warning, Error]), FailOn::Error),
            exit::FINDINGS
        );
    }
}
