//! Turns a [`Report`] into text: the only place that knows output formats (and miette's
//! report handler, in [`human`]).
//!
//! Every format is a pure function of the report and the options, so the same report always
//! renders to the same bytes. Only `human` and `rustc-json` print source text, and only from
//! the masked copies in [`Report::sources`].

mod github;
mod gitlab;
mod human;
mod json;
pub mod redact;
pub(crate) mod rustc_json;
mod sarif;
pub use sarif::TOOL_RULES;
mod short;

use std::fmt;
use std::str::FromStr;

use crate::finding::{DOCS_BASE_URL, RuleMeta};
use crate::verdict::report::Report;

/// An output format, named on the command line by [`Format::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Graphical reports with source snippets (miette), then the summary.
    Human,
    /// One `path:line:col: severity[rule]: message` line per finding, then the summary.
    Short,
    /// One JSON document (see `docs/output.md`), versioned.
    Json,
    /// SARIF 2.1.0, for code scanning services.
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding, then the summary.
    Github,
    /// A GitLab Code Quality report (a JSON array).
    Gitlab,
    /// One rustc JSON diagnostic per line, for editors (rust-analyzer's check command).
    RustcJson,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 7] = [
        Format::Human,
        Format::Short,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::RustcJson,
    ];

    /// The name used on the command line and in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Short => "short",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::RustcJson => "rustc-json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is none of [`Format::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown output format `{}` (expected one of ", self.0)?;
        for (i, format) in Format::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{format}`")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// How to render. `quiet`, `statistics` and `show_suppressed` only apply to the formats that
/// end with the summary line (`human`, `short`, `github`); the others are documents for
/// programs and always carry the same fields.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colors in `human` output (the caller decides from the terminal and `--color`).
    pub color: bool,
    /// Print only the findings: no statistics, no summary line.
    pub quiet: bool,
    /// Print a per-rule count table before the summary line.
    pub statistics: bool,
    /// Width `human` wraps and draws to; [`DEFAULT_WIDTH`] when `None`.
    pub width: Option<usize>,
    /// List the findings suppression comments silenced, with their reasons, before the
    /// summary (`human`, `short`, `github`; `json` and `sarif` always include them, `gitlab`
    /// and `rustc-json` never: their consumers have no notion of a suppressed finding).
    pub show_suppressed: bool,
    /// Every rule, in registry order: SARIF lists them as the tool's rules and points each
    /// result at its index. The caller hands the registry in; renderers know no rule.
    pub rules: Vec<&'static RuleMeta>,
    /// The working directory relative to the repository root (`crates/a/`; empty at the root
    /// or outside a repository): SARIF paths are relative to the root, as code scanning wants.
    pub repo_prefix: String,
}

/// The width of `human` output when none is given: fixed, so output does not depend on the
/// terminal unless the caller asks for it.
pub const DEFAULT_WIDTH: usize = 100;

/// Renders the report in the given format. The text ends with a newline unless it is empty
/// (`quiet` with no findings, or `rustc-json` with none).
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, options),
        Format::Short => short::render(report, options),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report, options),
        Format::Github => github::render(report, options),
        Format::Gitlab => gitlab::render(report),
        Format::RustcJson => rustc_json::render(report),
    }
}

/// The published documentation page of a rule (SARIF `helpUri`, rustc-json's note).
fn doc_url(rule: &str) -> String {
    format!("{}{rule}.md", DOCS_BASE_URL)
}

/// The lines `human`, `short` and `github` print after the findings: the suppressed findings (with
/// `show_suppressed`), the per-rule table, most findings first (with `statistics`), the summary
/// line, and a note when baseline entries went stale; only the first two with `quiet`.
fn push_trailer(out: &mut String, report: &Report, options: &RenderOptions) {
    if options.show_suppressed {
        for f in &report.suppressed {
            let reason = f
                .suppression
                .as_ref()
                .and_then(|s| s.reason.as_deref())
                .map_or_else(|| "no reason given".to_owned(), |r| format!("reason: {r}"));
            out.push_str(&format!(
                "{}:{}:{}: suppressed {}[{}]: {} ({reason})\n",
                f.path,
                one_based(f.location.start.line),
                one_based(f.location.start.column),
                f.severity,
                f.rule,
                f.message,
            ));
        }
    }
    if options.statistics {
        let mut rows: Vec<(&str, usize)> = report.per_rule().into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (rule, count) in rows {
            out.push_str(&format!("{count:>4}  {rule}\n"));
        }
    }
    if options.quiet {
        return;
    }
    out.push_str(&report.summary_line());
    out.push('\n');
    if let Some(b) = report.baseline.as_ref().filter(|b| !b.stale.is_empty()) {
        let n = b.stale.len();
        out.push_str(&format!(
            "note: {n} {} of baseline `{}` no longer {} any finding; rewrite it with \
             `--write-baseline {}` to drop {}\n",
            if n == 1 { "entry" } else { "entries" },
            b.path,
            if n == 1 { "matches" } else { "match" },
            b.path,
            if n == 1 { "it" } else { "them" },
        ));
    }
}

/// A 1-based line or column, never 0 (a default [`crate::finding::Location`] has zeros).
fn one_based(n: usize) -> usize {
    n.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown output format `xml` (expected one of `human`, `short`, `json`, `sarif`, \
             `github`, `gitlab`, `rustc-json`)"
        );
    }

    #[test]
    fn quiet_prints_nothing_without_findings() {
        let report = Report::default();
        let quiet = RenderOptions {
            quiet: true,
            statistics: true,
            ..RenderOptions::default()
        };
        assert_eq!(render(&report, Format::Human, &quiet), "");
        assert_eq!(render(&report, Format::Short, &quiet), "");
        assert_eq!(
            render(&report, Format::Short, &RenderOptions::default()),
            "no findings in 0 files\n"
        );
    }
}
