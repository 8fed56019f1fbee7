//! `explain RULE`: prints a rule's documentation page.

use super::args::ExplainArgs;
use super::{exit, print_error, write_stdout};
use crate::rules::{self, docs};

/// Runs `explain` and returns the exit status.
pub fn run(args: &ExplainArgs) -> u8 {
    let Some(rule) = rules::by_name(&args.rule) else {
        print_error(unknown_rule(&args.rule));
        return exit::FAILURE;
    };
    // The page's links are relative to `docs/rules/`, which an installed binary has not.
    let page = crate::finding::absolute_links(&docs::rule_page(rule.meta()));
    match write_stdout(&page) {
        Ok(()) => exit::CLEAN,
        Err(message) => {
            print_error(message);
            exit::FAILURE
        }
    }
}

/// `unknown rule `x`` with a suggestion for a near spelling, and every known name.
fn unknown_rule(name: &str) -> String {
    let known: Vec<&str> = rules::metas().map(|m| m.name).collect();
    let mut message = format!("unknown rule `{name}`");
    if let Some(near) = crate::finding::closest(name, known.iter().copied()) {
        message.push_str(&format!(" (did you mean `{near}`?)"));
    }
    message.push_str(&format!("; known rules: {}", known.join(", ")));
    message
}
