//! `unparsable-file`: a file that could not be read or parsed is reported, never skipped.

use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::finding::{Finding, Location};
use crate::rules::rule::Rule;

/// The finding for a file at `path` that could not be checked.
pub fn finding(path: &str, location: Location, message: impl Into<String>) -> Finding {
    let meta = &UnparsableFile::META;
    Finding::new(meta.name, meta.default_severity, path, location, message)
}

declare_rule! {
    /// ## What it does
    /// Reports a `.rs` file that could not be checked: it could not be read, is not valid
    /// UTF-8, does not parse as Rust, or is past a limit of the analysis. The finding points at the parser's error location.
    ///
    /// Every file is syntax-checked. A file in which some rule could fire (it holds one of
    /// the rule's triggers, see `lint/src/analysis/prefilter.rs`) is parsed with syn, and reported
    /// whenever syn cannot parse it: the rules could not look inside. Any other file is
    /// checked with rust-analyzer's parser, which builds no tree; when that parser rejects
    /// it, syn parses it, and the file is reported with syn's error if syn rejects it as
    /// well. So Rust that syn does not know (cargo-script front matter, edition-2015 bare
    /// trait objects) is not reported in a file no rule needs.
    ///
    /// Limits are findings too, so that no file stops the run. A file nested more than
    /// 10,000 levels deep (brackets, generics, a method chain, a sum, an `else if` chain,
    /// measured on its tokens before anything recursive runs; a `mod` counts 8 levels, as
    /// each holds paths as long as its depth) is reported with its depth
    /// and where it is reached, and not parsed: the parsers and walks recurse once per
    /// level. A file whose nested macro arguments would be parsed again and again past a
    /// budget of 64 times its length, or whose `macro_rules!` macros expand to more than
    /// 250,000 tokens (a macro that calls itself several times), is reported once, and the
    /// macros past the budget are not looked into. A `.rs` entry that is not a regular file (a FIFO, a device), a
    /// dangling link and a link loop are reported where the walk meets them.
    ///
    /// ## Why is this bad?
    /// A file the linter cannot parse is a file it cannot vouch for. Skipping it silently would
    /// let any secret read inside it through; reporting it keeps the gap visible.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn main() {
    ///     let key = std::env::var("OPENAI_API_KEY")
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// fn main() {
    ///     let key = vox_clavis::resolve(SecretId::OpenAiApiKey);
    /// }
    /// ```
    ///
    /// Fix the syntax error, or exclude generated or template files with `--exclude` or
    /// `[scan] exclude` in the configuration.
    pub struct UnparsableFile {
        name: "unparsable-file",
        severity: Error,
        summary: "a file could not be read or parsed, so it was not checked",
    }
}

impl Rule for UnparsableFile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn needs(&self) -> Needs {
        Needs::Tree
    }

    fn triggers(&self, _settings: &Settings) -> Triggers {
        Triggers::never()
    }
}
