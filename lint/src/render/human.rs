//! `human`: one miette graphical report per finding, then statistics and the summary line.
//!
//! The only module that knows miette's report handler. Source text comes from
//! [`Report::sources`] and nowhere else; a finding whose file has no text (it could not be
//! read) is rendered without a snippet, with its location in words. Long lines are cut
//! around the finding first ([`clip`]).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{DEFAULT_WIDTH, RenderOptions, one_based, push_trailer};
use crate::finding::{Finding, Severity};
use crate::input::clip;
use crate::verdict::report::Report;

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    let handler = handler(options);
    // One shared copy of each file's text, however many findings point into it.
    let mut sources: BTreeMap<&str, Arc<str>> = BTreeMap::new();
    let mut out = String::new();
    for (i, finding) in report.findings.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let text = report.sources.get(&finding.path).map(|text| {
            sources
                .entry(&finding.path)
                .or_insert_with(|| Arc::from(text.as_str()))
                .clone()
        });
        let diagnostic = FindingDiagnostic::new(finding, text);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            // miette only fails on a span it cannot read; spans are clamped, so this is a
            // bug, but the finding must still be shown.
            out.push_str(&diagnostic.header);
            out.push('\n');
        }
    }
    if !report.findings.is_empty() && !options.quiet {
        out.push('\n');
    }
    push_trailer(&mut out, report, options);
    out
}

fn handler(options: &RenderOptions) -> GraphicalReportHandler {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width.unwrap_or(DEFAULT_WIDTH))
        .with_links(false)
        // Rule names, paths and URLs are words: broken only at spaces, never inside.
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
        // miette counts the header's column in bytes; the source name carries ours instead.
        .without_primary_span_start();
    if options.color {
        handler
    } else {
        handler.without_syntax_highlighting()
    }
}

/// A finding as miette sees it. The header (`error[rule]: message`) is the diagnostic's
/// `Display`; miette's `code()` stays unset because the graphical handler would print it
/// again on a line of its own above the header.
struct FindingDiagnostic<'a> {
    header: String,
    severity: Severity,
    help: Option<&'a str>,
    /// Present when the file's text is known: the snippet, the primary label first, then
    /// the secondary ones (where a leaked value came from).
    snippet: Option<(NamedSource<Arc<str>>, Vec<LabeledSpan>)>,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding, text: Option<Arc<str>>) -> Self {
        let header = format!(
            "{}[{}]: {}",
            finding.severity, finding.rule, finding.message
        );
        // `path:line:col` with the column in characters, as `short`, JSON and SARIF say it
        // (miette would count bytes).
        let position = format!(
            "{}:{}:{}",
            finding.path,
            one_based(finding.location.start.line),
            one_based(finding.location.start.column)
        );
        let snippet = text.map(|text| {
            let spans: Vec<Range<usize>> = std::iter::once(&finding.location)
                .chain(finding.related.iter().map(|(location, _)| location))
                .map(|location| {
                    let (start, end) = clamp_span(&text, location.span.start, location.span.end);
                    start..end
                })
                .collect();
            let (text, spans) = match clip::around(&text, &spans) {
                Some((cut, spans)) => (Arc::from(cut), spans),
                None => (text, spans),
            };
            let span = |i: usize| (spans[i].start, spans[i].len());
            let mut labels = vec![LabeledSpan::new_primary_with_span(
                finding.label.clone(),
                span(0),
            )];
            labels.extend(
                finding
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, (_, label))| LabeledSpan::at(span(i + 1), label.clone())),
            );
            (NamedSource::new(&position, text), labels)
        });
        let header = if snippet.is_some() {
            header
        } else {
            // No snippet means miette prints no location: say it in the header's second line.
            format!("{header}\nat {position}")
        };
        FindingDiagnostic {
            header,
            severity: finding.severity,
            help: finding.help.as_deref(),
            snippet,
        }
    }
}

/// A byte range inside `text` on character boundaries, so miette can always read it.
fn clamp_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let start = text.floor_char_boundary(start);
    (start, text.floor_char_boundary(end).max(start))
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .map(|help| Box::new(help) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet
            .as_ref()
            .map(|(source, _)| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, labels) = self.snippet.as_ref()?;
        Some(Box::new(labels.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::input::source::SourceFile;

    const TEXT: &str =
        "fn main() {\n    let key = std::env::var(\"OPENAI_API_KEY\").unwrap();\n}\n";

    fn report() -> Report {
        let file = SourceFile::new("src/main.rs".into(), "src/main.rs".into(), TEXT.into());
        let start = TEXT.find("std::env").unwrap();
        let end = TEXT.find(".unwrap").unwrap();
        let span = crate::input::source::ByteSpan { start, end };
        let finding = Finding::new(
            "secret-env-read",
            Severity::Error,
            "src/main.rs",
            Location::of(&file, span),
            "secret `OPENAI_API_KEY` is read from the environment directly",
        )
        .with_label("read here")
        .with_related(
            Location::of(&file, crate::input::source::ByteSpan { start: 4, end: 8 }),
            "in here",
        )
        .with_help("resolve it with `vox_clavis::resolve(SecretId::OpenAiApiKey)`");
        let warning = Finding::new(
            "unparsable-file",
            Severity::Warning,
            "src/gone.rs",
            Location::file_start(),
            "file could not be read",
        );
        Report {
            findings: vec![finding, warning],
            files_checked: 2,
            sources: [("src/main.rs".to_owned(), TEXT.to_owned())].into(),
            ..Report::default()
        }
    }

    #[test]
    fn no_ansi_escapes_without_color() {
        let options = RenderOptions {
            statistics: true,
            ..RenderOptions::default()
        };
        let out = render(&report(), &options);
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(
            out.contains("error[secret-env-read]: secret `OPENAI_API_KEY`"),
            "{out}"
        );
        assert!(out.contains("read here"), "{out}");
        assert!(out.contains("in here"), "{out}");
        assert!(out.contains("at src/gone.rs:1:1"), "{out}");
    }

    #[test]
    fn color_uses_ansi_escapes() {
        let options = RenderOptions {
            color: true,
            ..RenderOptions::default()
        };
        assert!(render(&report(), &options).contains('\u{1b}'));
    }

    #[test]
    fn spans_outside_the_text_are_clamped() {
        let mut report = report();
        report.findings[0].location.span = crate::input::source::ByteSpan {
            start: 10_000,
            end: 20_000,
        };
        let out = render(&report, &RenderOptions::default());
        assert!(out.contains("error[secret-env-read]"), "{out}");
        assert_eq!(clamp_span("é", 1, 2), (0, 2));
        assert_eq!(clamp_span("ab", 5, 1), (2, 2));
    }

    /// A rule name that reaches the edge moves to the next line whole.
    #[test]
    fn rule_names_are_not_split_at_their_hyphens() {
        let mut report = report();
        for width in 40..90 {
            report.findings[0].help = Some(format!(
                "{} then `deprecated-secret-alias` and `secret-serialization`",
                "x ".repeat(width / 4)
            ));
            let options = RenderOptions {
                width: Some(width),
                ..RenderOptions::default()
            };
            let out = render(&report, &options);
            for name in ["deprecated-secret-alias", "secret-serialization"] {
                assert!(out.contains(name), "width {width}: {name} split in\n{out}");
            }
        }
    }
}
