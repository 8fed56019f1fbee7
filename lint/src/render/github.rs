//! `github`: GitHub Actions workflow commands, so a plain `run:` step puts each finding on the
//! pull request's diff as an annotation (SARIF needs code scanning; this needs nothing).
//!
//! One `::error` or `::warning` command per finding, then the trailer of `short` as plain
//! log lines: a `::notice` summary would annotate every run, clean ones included, and
//! annotations are limited per step. Values are escaped as `@actions/core` does
//! (`escapeData`, `escapeProperty`) and the runner undoes (`ActionCommand.TryParseV2`): `%`,
//! CR and LF everywhere, and `:` and `,` in properties, where they would end a property.

use super::{RenderOptions, one_based, push_trailer};
use crate::finding::{Finding, Severity};
use crate::verdict::report::Report;

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&command(f));
        out.push('\n');
    }
    push_trailer(&mut out, report, options);
    out
}

/// `::error file=..,line=..,col=..,endLine=..,endColumn=..,title=..::message`.
fn command(f: &Finding) -> String {
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let (start, end) = (f.location.start, f.location.end);
    let (line, end_line) = (
        one_based(start.line),
        one_based(end.line).max(one_based(start.line)),
    );
    let mut properties = vec![("file", f.path.clone()), ("line", line.to_string())];
    // The runner drops columns from a range over several lines.
    let one_line = line == end_line;
    if one_line {
        properties.push(("col", one_based(start.column).to_string()));
    }
    properties.push(("endLine", end_line.to_string()));
    if one_line {
        let end_column = one_based(end.column).max(one_based(start.column));
        properties.push(("endColumn", end_column.to_string()));
    }
    properties.push(("title", format!("vox-clavis-lint({})", f.rule)));
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    let message = match &f.help {
        Some(help) => format!("{}\nhelp: {help}", f.message),
        None => f.message.clone(),
    };
    format!(
        "::{name} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// The message of a command: `%` first, so the escapes themselves survive.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as data, plus the property delimiters.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::input::source::Position;

    #[test]
    fn escapes_as_the_toolkit_does() {
        assert_eq!(escape_data("100%\r\n: ,"), "100%25%0D%0A: ,");
        assert_eq!(escape_property("a%:b,c\n"), "a%25%3Ab%2Cc%0A");
    }

    #[test]
    fn columns_only_on_one_line() {
        let mut f = Finding::new("r", Severity::Warning, "a.rs", Location::file_start(), "m");
        assert_eq!(
            command(&f),
            "::warning file=a.rs,line=1,col=1,endLine=1,endColumn=1,title=vox-clavis-lint(r)::m"
        );
        f.location.end = Position { line: 3, column: 2 };
        assert_eq!(
            command(&f),
            "::warning file=a.rs,line=1,endLine=3,title=vox-clavis-lint(r)::m"
        );
    }
}
