//! What a rule sees while checking one file.

use crate::analysis::facts::FileFacts;
use crate::analysis::join::Question;
use crate::config::Settings;
use crate::finding::RuleMeta;
use crate::finding::{Finding, Location};
use crate::input::source::SourceFile;

/// Per-file state handed to each rule's `check`. Owned by one worker thread; no locks.
pub struct FileContext<'a> {
    pub source: &'a SourceFile,
    pub settings: &'a Settings,
    pub facts: &'a FileFacts,
    pub(crate) findings: Vec<Finding>,
    pub(crate) questions: Vec<Question>,
}

impl<'a> FileContext<'a> {
    pub fn new(source: &'a SourceFile, settings: &'a Settings, facts: &'a FileFacts) -> Self {
        FileContext {
            source,
            settings,
            facts,
            findings: Vec::new(),
            questions: Vec::new(),
        }
    }

    /// A finding of `rule` at `location` in this file, with the rule's default severity.
    pub fn finding(
        &self,
        rule: &'static RuleMeta,
        location: Location,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(
            rule.name,
            rule.default_severity,
            &self.source.display,
            location,
            message,
        )
    }

    pub fn report(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Defers a decision to the crate-wide join (a constant or function in another file).
    pub fn ask(&mut self, question: Question) {
        self.questions.push(question);
    }

    pub fn location(&self, span: proc_macro2::Span) -> Location {
        Location::from_syn(self.source, span)
    }
}
