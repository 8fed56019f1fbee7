//! Configuration errors: plain data with spans into the TOML text, rendered by miette at the
//! edge (the CLI). Validation collects every problem before failing, so one run shows them all.

use std::path::PathBuf;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use thiserror::Error;

/// Why configuration could not be loaded.
#[derive(Debug, Error, Diagnostic)]
pub enum ConfigError {
    /// The config file (explicit, or discovered) could not be read.
    #[error("cannot read config file `{}`", path.display())]
    #[diagnostic(code(vox_clavis_lint::config::io))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The TOML is malformed, has an unknown key, a missing key or a value of the wrong type.
    /// Serde stops at the first such problem, so there is exactly one.
    #[error("{message}")]
    #[diagnostic(
        code(vox_clavis_lint::config::parse),
        help(
            "the configuration format is described in {}configuration.md",
            crate::finding::DOCS_URL
        )
    )]
    Parse {
        #[source_code]
        src: NamedSource<String>,
        message: String,
        #[label("here")]
        span: Option<SourceSpan>,
    },

    /// `--config Cargo.toml` names a manifest without a `vox-clavis-lint` metadata table.
    #[error("`{}` has no `[workspace.metadata.vox-clavis-lint]` or `[package.metadata.vox-clavis-lint]` table", path.display())]
    #[diagnostic(
        code(vox_clavis_lint::config::no_metadata),
        help("add one of the tables, or put the configuration in `vox-clavis-lint.toml`")
    )]
    NoMetadata { path: PathBuf },

    /// The TOML parsed, but validation found problems; every one is in `problems`.
    #[error("invalid configuration in `{}` ({})", src.name(), count(problems.len()))]
    #[diagnostic(code(vox_clavis_lint::config::invalid))]
    Invalid {
        #[source_code]
        src: NamedSource<String>,
        #[related]
        problems: Vec<ConfigProblem>,
    },
}

impl ConfigError {
    /// The validation problems (empty for the other variants).
    pub fn problems(&self) -> &[ConfigProblem] {
        match self {
            ConfigError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 error".to_owned()
    } else {
        format!("{n} errors")
    }
}

/// What a [`ConfigProblem`] is about, for callers and tests that match on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// `env`, `aliases` or `deprecated` holds a name that is not SCREAMING_SNAKE_CASE.
    MalformedName,
    /// `id = ""`.
    EmptyId,
    /// `id` is not a Rust identifier.
    InvalidId,
    /// Two `[[secret]]` entries share an id.
    DuplicateId,
    /// A name is claimed twice among the `[[secret]]` entries (or twice in one entry).
    DuplicateName,
    /// A glob in `[names]` or `[scan] exclude` does not compile.
    InvalidGlob,
    /// An `[inventory] include` file is missing or unreadable.
    IncludeUnreadable,
    /// An `[inventory] include` file is not a valid JSON contract.
    IncludeInvalid,
    /// The same file is included twice.
    DuplicateInclude,
    /// A value the key does not accept here (`severity = "off"` for `unparsable-file`).
    InvalidValue,
    /// A rule name that no rule has (in `[[overrides]] rules`).
    UnknownRule,
}

/// One validation problem, with a primary label into the TOML text and, for duplicates, a
/// secondary label at the first declaration.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
pub struct ConfigProblem {
    pub kind: ProblemKind,
    pub message: String,
    #[label(collection)]
    pub labels: Vec<LabeledSpan>,
    #[help]
    pub help: Option<String>,
}

impl ConfigProblem {
    pub(crate) fn new(
        kind: ProblemKind,
        message: impl Into<String>,
        span: std::ops::Range<usize>,
        label: impl Into<String>,
    ) -> Self {
        ConfigProblem {
            kind,
            message: message.into(),
            labels: vec![LabeledSpan::new_primary_with_span(
                Some(label.into()),
                SourceSpan::from(span),
            )],
            help: None,
        }
    }

    /// Adds the secondary "first declared here" label.
    pub(crate) fn first_declared(mut self, span: std::ops::Range<usize>) -> Self {
        self.labels.push(LabeledSpan::new_with_span(
            Some("first declared here".to_owned()),
            SourceSpan::from(span),
        ));
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// The byte range of the primary label.
    pub fn primary_span(&self) -> std::ops::Range<usize> {
        let label = self
            .labels
            .iter()
            .find(|l| l.primary())
            .unwrap_or(&self.labels[0]);
        label.offset()..label.offset() + label.len()
    }

    /// The byte range of the "first declared here" label, for duplicates.
    pub fn first_span(&self) -> Option<std::ops::Range<usize>> {
        self.labels
            .iter()
            .find(|l| !l.primary())
            .map(|l| l.offset()..l.offset() + l.len())
    }
}
