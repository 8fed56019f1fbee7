//! `rules`: lists every rule with its default severity and summary.

use serde::Serialize;

use super::args::{RulesArgs, RulesFormat};
use super::{exit, print_error, write_stdout};
use crate::finding::RuleMeta;
use crate::finding::Severity;
use crate::rules;

/// Runs `rules` and returns the exit status.
pub fn run(args: &RulesArgs) -> u8 {
    let metas: Vec<&RuleMeta> = rules::metas().collect();
    let text = match args.format {
        RulesFormat::Human => human(&metas),
        RulesFormat::Json => json(&metas),
    };
    match write_stdout(&text) {
        Ok(()) => exit::CLEAN,
        Err(message) => {
            print_error(message);
            exit::FAILURE
        }
    }
}

/// `name  severity  summary`, one aligned line per rule.
fn human(metas: &[&RuleMeta]) -> String {
    let width = metas.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for m in metas {
        out.push_str(&format!(
            "{:<width$}  {:<7}  {}\n",
            m.name,
            m.default_severity.as_str(),
            m.summary
        ));
    }
    out
}

/// `{"version": 1, "rules": [{"name", "default_severity", "summary", "doc"}]}`.
fn json(metas: &[&RuleMeta]) -> String {
    #[derive(Serialize)]
    struct Listing {
        version: u32,
        rules: Vec<Entry>,
    }
    #[derive(Serialize)]
    struct Entry {
        name: &'static str,
        default_severity: Severity,
        summary: &'static str,
        doc: String,
    }
    let listing = Listing {
        version: 1,
        rules: metas
            .iter()
            .map(|m| Entry {
                name: m.name,
                default_severity: m.default_severity,
                summary: m.summary,
                doc: m.doc_path(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&listing).unwrap_or_default();
    text.push('\n');
    text
}
