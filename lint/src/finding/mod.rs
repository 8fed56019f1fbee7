//! Findings are plain data from the rules to the renderers: no miette, no clap, no I/O.

mod fix;
mod meta;

pub use fix::{Applicability, Edit, Fix, apply};
pub use meta::{DOCS_BASE_URL, DOCS_URL, RuleMeta, absolute_links, closest};

use serde::Serialize;

use crate::input::source::{ByteSpan, Position, SourceFile};

/// How bad a finding is. Ordered so that `Error > Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding points: byte range for snippets, line/column (1-based, characters) for reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Location {
    pub span: ByteSpan,
    pub start: Position,
    pub end: Position,
}

impl Location {
    pub fn of(source: &SourceFile, span: ByteSpan) -> Self {
        Location {
            span,
            start: source.position(span.start),
            end: source.position(span.end),
        }
    }

    pub fn from_syn(source: &SourceFile, span: proc_macro2::Span) -> Self {
        Self::of(source, source.byte_span(span))
    }

    /// The start of a file, for findings about a whole file that could not be read.
    pub fn file_start() -> Self {
        let p = Position { line: 1, column: 1 };
        Location {
            span: ByteSpan::default(),
            start: p,
            end: p,
        }
    }
}

/// One problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The most this finding may be whatever its rule's level (a managed setting read directly
    /// is a warning at most); `None`: the rule's level.
    pub ceiling: Option<Severity>,
    /// Relative to the working directory, `/` separators.
    pub path: String,
    pub location: Location,
    pub message: String,
    /// Text of the label under the primary span.
    pub label: Option<String>,
    pub help: Option<String>,
    /// Secondary places in the same file, each with its label: where a leaked value came
    /// from, the first declaration of a duplicate.
    pub related: Vec<(Location, String)>,
    /// The environment variable name the finding is about, when the rule knows one (a read
    /// of `OPENAI_API_KEY`): a name, never a value. `init` builds its inventory from these.
    pub secret_name: Option<String>,
    /// What identifies this finding across unrelated edits: the secret name and the normalised
    /// flagged expression. Never a secret value. The engine turns it into `fingerprint`.
    pub identity: String,
    /// Stable hash of rule, path, identity and occurrence index; set by the engine.
    pub fingerprint: String,
    /// Set when a suppression comment silenced this finding (it is then in
    /// [`crate::verdict::report::Report::suppressed`], not in `findings`).
    pub suppression: Option<Suppression>,
    /// Edits that make the finding go away, when the rule knows them.
    pub fix: Option<Fix>,
}

/// The suppression comment that silenced a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The text after `--`, whitespace collapsed; `None` when the comment gave none.
    pub reason: Option<String>,
    /// Where the comment is, in the same file as the finding.
    pub location: Location,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        path: &str,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            ceiling: None,
            path: path.to_owned(),
            location,
            message: message.into(),
            label: None,
            help: None,
            related: Vec::new(),
            secret_name: None,
            identity: String::new(),
            fingerprint: String::new(),
            suppression: None,
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Caps the severity at `ceiling`, whatever the rule's configured level.
    pub fn with_ceiling(mut self, ceiling: Severity) -> Self {
        self.ceiling = Some(ceiling);
        self.severity = self.severity.min(ceiling);
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary labelled place in the same file.
    pub fn with_related(mut self, location: Location, label: impl Into<String>) -> Self {
        self.related.push((location, label.into()));
        self
    }

    pub fn with_secret_name(mut self, name: impl Into<String>) -> Self {
        self.secret_name = Some(name.into());
        self
    }

    pub fn with_identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = identity.into();
        self
    }

    /// The order reports use: path, line, column, rule, then message for ties.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.path,
            self.location.start,
            self.rule,
            &self.message,
            self.location.end,
        )
    }
}
