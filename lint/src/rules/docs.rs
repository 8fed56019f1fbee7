//! Rule documentation generated from rule metadata: the pages under `docs/rules/` and the code
//! examples a test runs through the rules.
//!
//! A rule's doc comment is its documentation (see [`crate::declare_rule!`]). It has the sections
//! `## What it does`, `## Why is this bad?`, `## Example` and `Use instead:`. The fenced Rust
//! blocks between `## Example` and `Use instead:` must be flagged by the rule; those after
//! `Use instead:` must not. As in rustdoc, a code line starting with `# ` is hidden from the
//! page but still part of the example (setup the reader does not need to see), and a fence
//! without a language, or with only rustdoc attributes (`ignore`, `no_run`, ...), is Rust.

use crate::finding::RuleMeta;
use crate::finding::Severity;

/// The command that regenerates every page, for messages that ask for it.
pub const REGENERATE: &str = "UPDATE_DOCS=1 cargo test -p vox-clavis-lint --test docs";

/// The Markdown page of a rule (`docs/rules/<name>.md`), generated from its metadata only.
pub fn rule_page(meta: &RuleMeta) -> String {
    let mut page = String::new();
    page.push_str(&format!("# {}\n\n", meta.name));
    page.push_str(&format!(
        "Default severity: **{}** · {}\n\n",
        meta.default_severity, meta.summary,
    ));
    let body = render_body(&meta.docs());
    page.push_str(body.trim());
    page.push_str("\n\n## Configuration\n\n");
    page.push_str(match meta.default_severity {
        Severity::Error => {
            "Findings of this rule are errors: they fail the run (exit code 1) with \
             `--fail-on warning` (the default) and with `--fail-on error`.\n\n"
        }
        Severity::Warning => {
            "Findings of this rule are warnings: they fail the run (exit code 1) with \
             `--fail-on warning` (the default), not with `--fail-on error`.\n\n"
        }
    });
    page.push_str(&format!(
        "Change its severity, or turn it off, in the configuration file:\n\n\
         ```toml\n[rules.{}]\nseverity = \"{}\"  # \"error\", \"warning\" or \"off\"\n```\n\n",
        meta.name,
        match meta.default_severity {
            Severity::Error => "warning",
            Severity::Warning => "error",
        },
    ));
    page.push_str(
        "To keep files out of the check (generated code, fixtures with deliberate violations), \
         exclude them with `--exclude GLOB` on the command line or `[scan] exclude` in \
         `vox-clavis-lint.toml`. Rule options, where a rule has any, live in its \
         `[rules.<name>]` table. See [configuration](../configuration.md).\n\n",
    );
    page.push_str(&format!(
        "`vox-clavis-lint explain {}` prints this documentation in the terminal.\n",
        meta.name,
    ));
    page
}

/// A rule's code examples, each with hidden lines included and their `# ` marker removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Examples {
    /// A ```toml block under `## Example`: the configuration the examples are checked with
    /// (rules that need an inventory to fire). `None`: the built-in defaults.
    pub config: Option<String>,
    /// The Rust blocks under `## Example`, which the rule must flag.
    pub flagged: Vec<String>,
    /// The Rust blocks after `Use instead:`, which it must not.
    pub clean: Vec<String>,
}

/// The rule's code examples.
pub fn examples(meta: &RuleMeta) -> Examples {
    examples_in(&meta.docs())
}

/// Where a line of the doc comment sits relative to the example sections.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Before,
    Example,
    UseInstead,
    After,
}

fn examples_in(markdown: &str) -> Examples {
    let mut out = Examples::default();
    let mut section = Section::Before;
    for segment in segments(markdown) {
        match segment {
            Segment::Text(line) => section = next_section(section, line),
            Segment::Code { info, lines, .. } if is_rust(info) => {
                let code: String = lines
                    .iter()
                    .map(|line| format!("{}\n", code_line(line)))
                    .collect();
                match section {
                    Section::Example => out.flagged.push(code),
                    Section::UseInstead => out.clean.push(code),
                    Section::Before | Section::After => {}
                }
            }
            Segment::Code { info, lines, .. }
                if section == Section::Example && info.trim() == "toml" =>
            {
                out.config = Some(lines.iter().map(|l| format!("{l}\n")).collect());
            }
            Segment::Code { .. } => {}
        }
    }
    out
}

fn next_section(section: Section, line: &str) -> Section {
    let trimmed = line.trim();
    if let Some(heading) = trimmed.strip_prefix("## ") {
        return match heading.trim() {
            "Example" | "Examples" => Section::Example,
            _ if section == Section::Before => Section::Before,
            _ => Section::After,
        };
    }
    if section == Section::Example && trimmed.starts_with("Use instead") {
        return Section::UseInstead;
    }
    section
}

/// The doc comment as it appears on the page: Rust fences say `rust`, hidden lines are dropped.
fn render_body(markdown: &str) -> String {
    let mut out = String::new();
    for segment in segments(markdown) {
        match segment {
            Segment::Text(line) => {
                out.push_str(line);
                out.push('\n');
            }
            Segment::Code {
                info,
                fence,
                lines,
                closed,
            } => {
                let rust = is_rust(info);
                out.push_str(fence);
                out.push_str(if rust { "rust" } else { info });
                out.push('\n');
                for line in lines {
                    match (rust, shown_line(line)) {
                        (false, _) => out.push_str(line),
                        (true, Some(shown)) => out.push_str(&shown),
                        (true, None) => continue,
                    }
                    out.push('\n');
                }
                if closed {
                    out.push_str(fence);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A line of Markdown outside code, or a whole fenced code block.
enum Segment<'a> {
    Text(&'a str),
    Code {
        /// The opening fence with its indentation, e.g. "```".
        fence: &'a str,
        info: &'a str,
        lines: Vec<&'a str>,
        closed: bool,
    },
}

fn segments(markdown: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some((fence, info)) = opening_fence(line) else {
            out.push(Segment::Text(line));
            continue;
        };
        let marker = fence.trim_start();
        let fence_char = marker.chars().next().unwrap_or('`');
        let mut body = Vec::new();
        let mut closed = false;
        for line in lines.by_ref() {
            let t = line.trim();
            if t.len() >= marker.len() && t.chars().all(|c| c == fence_char) {
                closed = true;
                break;
            }
            body.push(line);
        }
        out.push(Segment::Code {
            fence,
            info,
            lines: body,
            closed,
        });
    }
    out
}

/// `Some((fence, info))` when `line` opens a fenced code block (three or more backticks or tildes).
fn opening_fence(line: &str) -> Option<(&str, &str)> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = rest.len() - rest.trim_start_matches(ch).len();
    if run < 3 {
        return None;
    }
    Some((&line[..indent + run], rest[run..].trim()))
}

/// Rustdoc's rule: a block is Rust when its info string is empty or only names Rust and
/// rustdoc attributes.
fn is_rust(info: &str) -> bool {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .all(|t| {
            matches!(
                t,
                "rust" | "ignore" | "no_run" | "should_panic" | "compile_fail" | "test_harness"
            ) || t.starts_with("edition")
                || t.starts_with("ignore-")
        })
}

/// How a code line appears on the page: `None` when hidden (`# ` prefix), `##` unescaped to `#`.
fn shown_line(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    if trimmed == "#" || trimmed.starts_with("# ") {
        return None;
    }
    Some(unescape(line))
}

/// How a code line is checked: hidden lines lose their `# ` marker, `##` unescapes to `#`.
fn code_line(line: &str) -> String {
    let trimmed = line.trim_start();
    if trimmed == "#" {
        return String::new();
    }
    if let Some(hidden) = trimmed.strip_prefix("# ") {
        return hidden.to_owned();
    }
    unescape(line)
}

fn unescape(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    match line[indent..].strip_prefix("##") {
        Some(rest) => format!("{}#{rest}", &line[..indent]),
        None => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = " ## What it does
 Flags things.

 ```text
 not rust
 ```

 ## Example
 ```toml
 [names]
 not-secret = [\"A\"]
 ```

 ```rust,ignore
 # use std::env;
 let a = env::var(\"X_TOKEN\");
 ```

 ```
 let b = 1;
 ```

 Use instead:
 ```rust
 ##[derive(Debug)]
 struct S;
 ```

 ## Known problems
 ```rust
 let after = 1;
 ```
";

    const META: RuleMeta = RuleMeta {
        name: "some-rule",
        default_severity: Severity::Warning,
        summary: "something is wrong",
        raw_docs: DOCS,
    };

    #[test]
    fn examples_are_split_at_use_instead_and_end_at_the_next_section() {
        let Examples {
            config,
            flagged,
            clean,
        } = examples(&META);
        assert_eq!(config.as_deref(), Some("[names]\nnot-secret = [\"A\"]\n"));
        assert_eq!(
            flagged,
            [
                "use std::env;\nlet a = env::var(\"X_TOKEN\");\n",
                "let b = 1;\n"
            ]
        );
        assert_eq!(clean, ["#[derive(Debug)]\nstruct S;\n"]);
    }

    #[test]
    fn page_has_title_severity_docs_and_footer() {
        let page = rule_page(&META);
        assert!(page.starts_with("# some-rule\n\n"), "{page}");
        assert!(page.contains("\nDefault severity: **warning** · something is wrong\n"));
        assert!(page.contains("## What it does\nFlags things.\n"));
        assert!(
            page.contains("```rust\nlet a = env::var(\"X_TOKEN\");\n```"),
            "{page}"
        );
        assert!(page.contains("```rust\n#[derive(Debug)]\n"), "{page}");
        assert!(page.contains("```text\nnot rust\n```"), "{page}");
        assert!(
            !page.contains("use std::env;"),
            "hidden lines stay hidden: {page}"
        );
        assert!(page.ends_with(
            "`vox-clavis-lint explain some-rule` prints this documentation in the terminal.\n"
        ));
    }
}
