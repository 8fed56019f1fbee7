//! `rustc-json`: findings as rustc's JSON diagnostics, one per line, so editors show them as
//! they show compiler errors. rust-analyzer runs `rust-analyzer.check.overrideCommand` and
//! reads each line of its output as a cargo message or, failing that, a bare rustc
//! diagnostic (`cargo_metadata`'s types); `vox-clavis-lint clippy` wraps the same diagnostics
//! in cargo's `compiler-message` objects (see [`compiler_messages`]).
//!
//! Lines and columns are 1-based, columns count characters (as rustc's do) and end columns
//! are exclusive; byte offsets are into the file. The code is `vox-clavis-lint::<rule>`:
//! rust-analyzer splits a scoped code, as clippy's `clippy::<lint>`, into the diagnostic's
//! source and code, so editors show `vox-clavis-lint(secret-env-read)`, not `rustc(..)`.
//! Span `text` and `rendered` quote lines of [`Report::sources`], the copies
//! [`super::redact`] masked, exactly as `human` does. Suppressed findings are left out, as
//! rustc leaves out allowed lints.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{doc_url, one_based};
use crate::finding::{Applicability, Finding, Fix, Location, Severity};
use crate::verdict::report::Report;

/// Prefix of every diagnostic code, in the `tool::lint` form of scoped lints.
const TOOL: &str = "vox-clavis-lint";
/// A span over more lines than this is drawn in `rendered` by its first and last two lines.
const MAX_DRAWN_LINES: usize = 4;

#[derive(Serialize)]
struct Diagnostic<'a> {
    /// Only on top-level diagnostics, as rustc writes it.
    #[serde(rename = "$message_type", skip_serializing_if = "Option::is_none")]
    message_type: Option<&'static str>,
    message: String,
    code: Option<Code>,
    level: &'static str,
    spans: Vec<Span<'a>>,
    children: Vec<Diagnostic<'a>>,
    rendered: Option<String>,
}

#[derive(Serialize)]
struct Code {
    code: String,
    explanation: Option<String>,
}

#[derive(Serialize)]
struct Span<'a> {
    file_name: &'a str,
    byte_start: usize,
    byte_end: usize,
    line_start: usize,
    line_end: usize,
    column_start: usize,
    column_end: usize,
    is_primary: bool,
    /// The source lines the span covers, each with the covered characters (1-based,
    /// exclusive end); empty when the file's text is unknown.
    text: Vec<SpanLine>,
    label: Option<&'a str>,
    suggested_replacement: Option<String>,
    suggestion_applicability: Option<&'static str>,
    expansion: Option<()>,
}

#[derive(Serialize)]
struct SpanLine {
    text: String,
    highlight_start: usize,
    highlight_end: usize,
}

/// The cargo package (and one of its targets) a finding is reported under, as cargo's own
/// JSON messages name them.
#[derive(Clone, Debug)]
pub(crate) struct CargoPackage {
    pub package_id: String,
    pub manifest_path: String,
    /// A `target` object as cargo writes it.
    pub target: serde_json::Value,
}

#[derive(Serialize)]
struct CompilerMessage<'a> {
    reason: &'static str,
    package_id: &'a str,
    manifest_path: &'a str,
    target: &'a serde_json::Value,
    message: Diagnostic<'a>,
}

/// One bare diagnostic per line.
pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    for (_, diagnostic) in diagnostics(report) {
        push_line(&mut out, &diagnostic);
    }
    out
}

/// One cargo `compiler-message` per line, each under the package `package_of` names: bare
/// diagnostics appended to cargo's output would make rust-analyzer clear every diagnostic of
/// the check so far (it treats a diagnostic without a package as a whole-workspace check).
pub(crate) fn compiler_messages<'p>(
    report: &Report,
    package_of: impl Fn(&Finding) -> &'p CargoPackage,
) -> String {
    let mut out = String::new();
    for (finding, message) in diagnostics(report) {
        let package = package_of(finding);
        push_line(
            &mut out,
            &CompilerMessage {
                reason: "compiler-message",
                package_id: &package.package_id,
                manifest_path: &package.manifest_path,
                target: &package.target,
                message,
            },
        );
    }
    out
}

fn push_line(out: &mut String, value: &impl Serialize) {
    out.push_str(&serde_json::to_string(value).expect("serializing plain structs cannot fail"));
    out.push('\n');
}

/// Each finding with its diagnostic, in report order.
fn diagnostics(report: &Report) -> impl Iterator<Item = (&Finding, Diagnostic<'_>)> {
    let texts: BTreeMap<&str, Vec<&str>> = report
        .sources
        .iter()
        .map(|(path, text)| (path.as_str(), lines(text)))
        .collect();
    report.findings.iter().map(move |f| {
        let lines = texts.get(f.path.as_str()).map(Vec::as_slice);
        (f, diagnostic(f, lines))
    })
}

/// The lines of a text, without their line breaks.
fn lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

fn diagnostic<'a>(f: &'a Finding, lines: Option<&[&str]>) -> Diagnostic<'a> {
    let mut spans = vec![span(f, &f.location, true, f.label.as_deref(), lines)];
    spans.extend(
        f.related
            .iter()
            .map(|(location, label)| span(f, location, false, Some(label), lines)),
    );
    let mut notes: Vec<String> = f.help.iter().cloned().collect();
    notes.push(format!("for further information visit {}", doc_url(f.rule)));
    Diagnostic {
        message_type: Some("diagnostic"),
        message: f.message.clone(),
        code: Some(Code {
            code: format!("{TOOL}::{}", f.rule),
            explanation: None,
        }),
        level: match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        rendered: Some(rendered(f, &spans, &notes)),
        spans,
        children: notes
            .into_iter()
            .map(help)
            .chain(f.fix.as_ref().map(|fix| suggestion(f, fix, lines)))
            .collect(),
    }
}

/// The fix as rustc writes a suggestion: a `help` child whose spans carry the replacement.
/// rust-analyzer turns it into a quick fix; `cargo fix`-style tools apply the
/// machine-applicable ones.
fn suggestion<'a>(f: &'a Finding, fix: &Fix, lines: Option<&[&str]>) -> Diagnostic<'a> {
    let applicability = match fix.applicability {
        Applicability::Safe => "MachineApplicable",
        Applicability::Unsafe => "MaybeIncorrect",
    };
    let spans = fix
        .edits
        .iter()
        .map(|edit| Span {
            suggested_replacement: Some(edit.replacement.clone()),
            suggestion_applicability: Some(applicability),
            ..span(f, &edit.location, true, None, lines)
        })
        .collect();
    Diagnostic {
        message_type: None,
        message: fix.message.clone(),
        code: None,
        level: "help",
        spans,
        children: Vec::new(),
        rendered: None,
    }
}

/// A `help` child without spans: rust-analyzer adds its text to the diagnostic's message.
fn help<'a>(message: String) -> Diagnostic<'a> {
    Diagnostic {
        message_type: None,
        message,
        code: None,
        level: "help",
        spans: Vec::new(),
        children: Vec::new(),
        rendered: None,
    }
}

fn span<'a>(
    f: &'a Finding,
    location: &Location,
    is_primary: bool,
    label: Option<&'a str>,
    lines: Option<&[&str]>,
) -> Span<'a> {
    let (line_start, column_start) = (
        one_based(location.start.line),
        one_based(location.start.column),
    );
    let line_end = one_based(location.end.line).max(line_start);
    let column_end = if line_end == line_start {
        one_based(location.end.column).max(column_start)
    } else {
        one_based(location.end.column)
    };
    let text = lines
        .map(|lines| {
            (line_start..=line_end)
                .filter_map(|n| {
                    let text = *lines.get(n - 1)?;
                    Some(SpanLine {
                        text: text.to_owned(),
                        highlight_start: if n == line_start { column_start } else { 1 },
                        highlight_end: if n == line_end {
                            column_end
                        } else {
                            text.chars().count() + 1
                        },
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Span {
        file_name: &f.path,
        byte_start: location.span.start,
        byte_end: location.span.end.max(location.span.start),
        line_start,
        line_end,
        column_start,
        column_end,
        is_primary,
        text,
        label,
        suggested_replacement: None,
        suggestion_applicability: None,
        expansion: None,
    }
}

/// The diagnostic as rustc draws it: header, `-->` location, the covered lines underlined
/// (`^` for the finding, `-` for related places) from the spans' masked `text`, then the
/// notes. No colours.
fn rendered(f: &Finding, spans: &[Span<'_>], notes: &[String]) -> String {
    // Lines drawn: all of a short span, the first and last two of a long one.
    let mut shown = BTreeSet::new();
    for s in spans.iter().filter(|s| !s.text.is_empty()) {
        let all = s.line_start..=s.line_end;
        if s.line_end - s.line_start < MAX_DRAWN_LINES {
            shown.extend(all);
        } else {
            shown.extend([s.line_start, s.line_start + 1, s.line_end - 1, s.line_end]);
        }
    }
    let primary = &spans[0];
    let last = shown.last().copied().unwrap_or(primary.line_start);
    let width = last.to_string().len();
    let pad = " ".repeat(width);
    let mut out = format!(
        "{}[{}]: {}\n{pad}--> {}:{}:{}\n",
        f.severity, f.rule, f.message, f.path, primary.line_start, primary.column_start
    );
    if !shown.is_empty() {
        out.push_str(&format!("{pad} |\n"));
        let mut previous: Option<usize> = None;
        for &n in &shown {
            if previous.is_some_and(|p| n > p + 1) {
                out.push_str("...\n");
            }
            previous = Some(n);
            let Some(line) = spans
                .iter()
                .find_map(|s| s.text.get(n.checked_sub(s.line_start)?))
            else {
                continue;
            };
            let text = expand_tabs(&line.text);
            out.push_str(format!("{n:>width$} | {text}").trim_end());
            out.push('\n');
            for s in spans {
                let Some(l) = n.checked_sub(s.line_start).and_then(|i| s.text.get(i)) else {
                    continue;
                };
                // A span's later lines are underlined from their code, not their indentation.
                let from = if n == s.line_start {
                    l.highlight_start
                } else {
                    let indent = l.text.chars().take_while(|c| c.is_whitespace()).count();
                    l.highlight_start.max(indent + 1).min(l.highlight_end)
                };
                let lead = display_width(&l.text, 1, from);
                let len = display_width(&l.text, from, l.highlight_end).max(1);
                let mark = if s.is_primary { "^" } else { "-" };
                let label = match s.label {
                    Some(label) if n == s.line_end => format!(" {label}"),
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "{pad} | {}{}{label}\n",
                    " ".repeat(lead),
                    mark.repeat(len)
                ));
            }
        }
        out.push_str(&format!("{pad} |\n"));
    }
    for note in notes {
        out.push_str(&format!("{pad} = help: {note}\n"));
    }
    out
}

/// Columns as drawn: a tab is four columns, as rustc draws it.
fn expand_tabs(text: &str) -> String {
    text.replace('\t', "    ")
}

/// The drawn width of the characters of `text` in the 1-based columns `from..to`.
fn display_width(text: &str, from: usize, to: usize) -> usize {
    text.chars()
        .skip(from.saturating_sub(1))
        .take(to.saturating_sub(from))
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_characters_and_tabs() {
        assert_eq!(display_width("\tlet é = x;", 1, 3), 5);
        assert_eq!(display_width("abc", 2, 2), 0);
        assert_eq!(display_width("abc", 3, 10), 1);
    }

    #[test]
    fn lines_lose_their_breaks() {
        assert_eq!(lines("a\r\nb\n"), ["a", "b", ""]);
    }
}
