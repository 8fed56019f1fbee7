//! Suppression comments: where each one applies, which findings it silences, and the findings
//! about the comments themselves (`invalid-suppression`, `unused-suppression`).
//!
//! Two steps, because findings arrive in two waves. [`collect`] runs in the per-file pass,
//! while the syntax tree exists, and resolves each comment to the text it covers:
//!
//! - a comment after code on its line covers findings that start or end on that line;
//! - a comment on its own line covers the next statement, item, field, match arm or
//!   expression, to its end (a whole `fn`, `impl` or `mod` when one follows); when the next
//!   token starts none of those (inside a macro call, between an attribute and its item), it
//!   covers that token's line;
//! - an inner doc comment (`//! vox-clavis-lint: allow(..) -- reason`) covers the item it sits
//!   in, or the whole file at its top.
//!
//! [`apply`] runs in the join, once every finding of the file is known (some come from
//! crate-wide answers), and moves the silenced findings aside with their reason.

use crate::finding::{Applicability, Edit, Finding, Fix, Location, RuleMeta, Suppression, closest};
use crate::input::source::{ByteSpan, SourceFile};
use crate::verdict::comments::{self, CommentKind};
use crate::verdict::directives::{self, Parsed};
use crate::verdict::extents;

/// Rules a comment cannot silence: a file that could not be checked must never pass silently,
/// and the findings about suppressions would otherwise silence themselves.
pub const UNSUPPRESSIBLE: &[&str] = &[
    "internal-error",
    "invalid-suppression",
    "unparsable-file",
    "unused-suppression",
];

/// The suppression comments of one file, resolved; empty for most files.
#[derive(Clone, Debug, Default)]
pub struct FileSuppressions {
    comments: Vec<Comment>,
}

impl FileSuppressions {
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty()
    }
}

/// One comment that starts with the marker.
#[derive(Clone, Debug)]
struct Comment {
    location: Location,
    /// `Err(message)` for a malformed comment, which silences nothing.
    rules: Result<Vec<(String, Location)>, String>,
    reason: Option<String>,
    scope: Scope,
    /// What to delete when the whole comment goes: its line when it stands alone, else the
    /// comment and the blanks before it.
    removal: Location,
}

/// What a comment covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// Findings that start or end on this line, of this byte extent.
    Line {
        line: usize,
        extent: ByteSpan,
    },
    /// Findings that start inside this byte range.
    Range(ByteSpan),
    File,
}

impl Scope {
    fn covers(self, finding: &Location) -> bool {
        match self {
            Scope::Line { line, .. } => finding.start.line == line || finding.end.line == line,
            Scope::Range(r) => r.start <= finding.span.start && finding.span.start < r.end,
            Scope::File => true,
        }
    }

    /// Smaller is more specific: the innermost comment gets the credit for a finding.
    fn size(self) -> usize {
        match self {
            Scope::Line { extent, .. } | Scope::Range(extent) => extent.end - extent.start,
            Scope::File => usize::MAX,
        }
    }
}

/// Reads the suppression comments of a parsed file and resolves what each covers.
pub fn collect(source: &SourceFile, file: &syn::File) -> FileSuppressions {
    let text = &source.text;
    if !text.contains(directives::MARKER) {
        return FileSuppressions::default();
    }
    let all = comments::comments(text);
    let mut found: Vec<(comments::Comment, Parsed)> = all
        .iter()
        .filter_map(|c| match directives::parse(c.body(text), c.body.start) {
            Parsed::None => None,
            parsed => Some((*c, parsed)),
        })
        .collect();
    if found.is_empty() {
        return FileSuppressions::default();
    }

    // Where each own-line comment's next token starts, and which inner doc comments need
    // their enclosing item: asked of the syntax tree in one pass each.
    let next: Vec<Option<usize>> = found
        .iter()
        .map(|(c, _)| match c.kind {
            CommentKind::OuterDoc => Some(c.span.start),
            _ => comments::next_token(text, &all, c.span.end),
        })
        .collect();
    let mut starts: Vec<usize> = next.iter().flatten().copied().collect();
    starts.sort_unstable();
    starts.dedup();
    let ends = extents::node_ends(file, source, &starts);
    let inner: Vec<usize> = found
        .iter()
        .filter(|(c, _)| c.kind == CommentKind::InnerDoc)
        .map(|(c, _)| c.span.start)
        .collect();
    let enclosing = if inner.is_empty() {
        Vec::new()
    } else {
        extents::enclosing_items(file, source, &inner)
    };

    let mut inner_index = 0;
    let mut out = Vec::with_capacity(found.len());
    for ((c, parsed), next) in found.drain(..).zip(next) {
        let scope = if c.kind == CommentKind::InnerDoc {
            let item = enclosing.get(inner_index).copied().flatten();
            inner_index += 1;
            item.map_or(Scope::File, Scope::Range)
        } else if !c.own_line {
            line_scope(source, c.span.start)
        } else {
            match next {
                None => Scope::Range(ByteSpan {
                    start: text.len(),
                    end: text.len(),
                }),
                Some(p) => match starts.binary_search(&p).ok().and_then(|i| ends[i]) {
                    Some(end) => Scope::Range(ByteSpan { start: p, end }),
                    None => line_scope(source, p),
                },
            }
        };
        let location = Location::of(source, c.span);
        let (rules, reason) = match parsed {
            Parsed::Directive(d) => (
                Ok(d.rules
                    .into_iter()
                    .map(|(name, span)| (name, Location::of(source, span)))
                    .collect()),
                d.reason,
            ),
            Parsed::Malformed(message) => (Err(message), None),
            Parsed::None => continue,
        };
        out.push(Comment {
            location,
            rules,
            reason,
            scope,
            removal: Location::of(source, removal(text, c.span)),
        });
    }
    FileSuppressions { comments: out }
}

/// The bytes that go with a comment at `span`: its whole line when nothing else is on it,
/// else the comment and the spaces that separate it from the code.
fn removal(text: &str, span: ByteSpan) -> ByteSpan {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..span.start];
    let after_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let after = &text[span.end..after_end];
    if before.trim().is_empty() && after.trim().is_empty() {
        let end = (after_end + 1).min(text.len());
        return ByteSpan {
            start: line_start,
            end,
        };
    }
    let start = span.start - (before.len() - before.trim_end_matches([' ', '\t']).len());
    ByteSpan {
        start,
        end: span.end,
    }
}

/// The line holding byte `offset`.
fn line_scope(source: &SourceFile, offset: usize) -> Scope {
    let text = &source.text;
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    Scope::Line {
        line: source.position(offset).line,
        extent: ByteSpan { start, end },
    }
}

/// What [`apply`] needs to know about the run.
pub struct Policy<'a> {
    /// `[suppressions] require-reason`.
    pub require_reason: bool,
    /// Whether a rule runs for this file (not turned off by configuration).
    pub enabled: &'a dyn Fn(&RuleMeta) -> bool,
    /// The rule a comment names, by its exact name (the registry, handed in by the engine).
    pub rule: &'a dyn Fn(&str) -> Option<&'static RuleMeta>,
    /// Every rule name, for suggesting one when a comment misspells it.
    pub names: &'a [&'static str],
    /// `invalid-suppression` and `unused-suppression`, whose findings this step makes.
    pub invalid: &'static RuleMeta,
    pub unused: &'static RuleMeta,
}

/// Moves the findings of `findings` that a comment covers into `suppressed`, recording the
/// comment's reason, and returns the findings about the comments themselves. `path` is the
/// file's display path; every finding in `findings` belongs to it.
pub fn apply(
    sup: &FileSuppressions,
    path: &str,
    findings: &mut Vec<Finding>,
    suppressed: &mut Vec<Finding>,
    policy: &Policy<'_>,
) -> Vec<Finding> {
    let mut about = Vec::new();
    if sup.is_empty() {
        return about;
    }
    // Every (comment, rule name) that can silence something, with whether it did.
    let mut allowances: Vec<(usize, usize, &'static RuleMeta, bool)> = Vec::new();
    for (ci, comment) in sup.comments.iter().enumerate() {
        let names = match &comment.rules {
            Ok(names) => names,
            Err(message) => {
                about.push(
                    invalid(
                        policy.invalid,
                        path,
                        comment.location,
                        &format!("malformed suppression comment: {message}"),
                    )
                    .with_label("not a suppression")
                    .with_help(
                        "write `// vox-clavis-lint: allow(rule-name, ...) -- reason`; this \
                         comment suppresses nothing",
                    )
                    .with_identity("malformed"),
                );
                continue;
            }
        };
        if policy.require_reason && comment.reason.is_none() {
            about.push(
                invalid(
                    policy.invalid,
                    path,
                    comment.location,
                    "suppression comment gives no reason",
                )
                .with_label("no `-- reason`")
                .with_help(
                    "say why this is safe after `--`: `// vox-clavis-lint: allow(rule) -- why`; \
                     reviewers audit these reasons with `--show-suppressed`",
                )
                .with_identity(format!(
                    "no-reason|{}",
                    names
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                )),
            );
        }
        for (ri, (name, location)) in names.iter().enumerate() {
            match (policy.rule)(name) {
                Some(meta) if UNSUPPRESSIBLE.contains(&name.as_str()) => about.push(
                    invalid(
                        policy.invalid,
                        path,
                        *location,
                        &format!("`{name}` cannot be suppressed by a comment"),
                    )
                    .with_label("not suppressible")
                    .with_help(unsuppressible_help(meta))
                    .with_identity(format!("unsuppressible|{name}")),
                ),
                Some(meta) => allowances.push((ci, ri, meta, false)),
                None => about.push(
                    invalid(
                        policy.invalid,
                        path,
                        *location,
                        &if directives::quotable(name) {
                            format!("unknown rule `{name}` in a suppression comment")
                        } else {
                            "unknown rule name in a suppression comment".to_owned()
                        },
                    )
                    .with_label("no rule has this name")
                    .with_help(unknown_rule_help(policy, name))
                    .with_identity("unknown"),
                ),
            }
        }
    }

    let mut kept = Vec::with_capacity(findings.len());
    for mut finding in findings.drain(..) {
        let best = allowances
            .iter_mut()
            .filter(|(ci, _, meta, _)| {
                meta.name == finding.rule && sup.comments[*ci].scope.covers(&finding.location)
            })
            .min_by_key(|(ci, ..)| sup.comments[*ci].scope.size());
        match best {
            Some((ci, _, _, used)) => {
                *used = true;
                let comment = &sup.comments[*ci];
                finding.suppression = Some(Suppression {
                    reason: comment.reason.clone(),
                    location: comment.location,
                });
                suppressed.push(finding);
            }
            None => kept.push(finding),
        }
    }
    *findings = kept;

    for &(ci, ri, meta, used) in &allowances {
        if used || !(policy.enabled)(meta) {
            continue;
        }
        let comment = &sup.comments[ci];
        let Ok(names) = &comment.rules else { continue };
        let whole = names.len() == 1;
        // A comment none of whose names silenced anything goes whole; otherwise only the
        // name, with the comma that joins it to a neighbour.
        let none_used = !allowances.iter().any(|&(c, _, _, u)| c == ci && u);
        let between = |from: &Location, to: &Location, at_end: bool| {
            let (span, start, end) = if at_end {
                ((from.span.end, to.span.end), from.end, to.end)
            } else {
                ((from.span.start, to.span.start), from.start, to.start)
            };
            Location {
                span: ByteSpan {
                    start: span.0,
                    end: span.1,
                },
                start,
                end,
            }
        };
        let location = if none_used {
            comment.removal
        } else if ri + 1 < names.len() {
            between(&names[ri].1, &names[ri + 1].1, false)
        } else {
            between(&names[ri - 1].1, &names[ri].1, true)
        };
        let fix = Fix::new(
            if none_used {
                "remove the suppression comment".to_owned()
            } else {
                format!("remove `{}` from the comment", meta.name)
            },
            Applicability::Safe,
            vec![Edit {
                location,
                replacement: String::new(),
            }],
        );
        about.push(unused(policy.unused, path, names[ri].1, meta.name, whole).with_fix(fix));
    }
    about
}

/// An `invalid-suppression` finding for a comment at `location` with `problem`.
fn invalid(meta: &RuleMeta, path: &str, location: Location, problem: &str) -> Finding {
    Finding::new(meta.name, meta.default_severity, path, location, problem)
}

/// An `unused-suppression` finding for the name of `rule` at `location`.
fn unused(meta: &RuleMeta, path: &str, location: Location, rule: &str, whole: bool) -> Finding {
    let help = if whole {
        "remove the comment; nothing here needs it".to_owned()
    } else {
        format!("remove `{rule}` from the comment")
    };
    Finding::new(
        meta.name,
        meta.default_severity,
        path,
        location,
        format!("suppression of `{rule}` silences nothing"),
    )
    .with_label("nothing to suppress")
    .with_help(help)
    .with_identity(rule.to_owned())
}

fn unsuppressible_help(meta: &RuleMeta) -> String {
    match meta.name {
        "unparsable-file" | "internal-error" => {
            "a file the linter could not check must never pass silently; fix it, or exclude \
             the file with `[scan] exclude`"
                .to_owned()
        }
        name => format!(
            "remove it from the comment; to quiet `{name}` for some files, use \
             `[[overrides]]` in the configuration"
        ),
    }
}

/// A near spelling (case, `_` for `-`) when there is one, and where the names are listed.
fn unknown_rule_help(policy: &Policy<'_>, name: &str) -> String {
    match closest(name, policy.names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => "`vox-clavis-lint rules` lists the rule names".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    const fn meta(name: &'static str, default_severity: Severity) -> RuleMeta {
        RuleMeta {
            name,
            default_severity,
            summary: "",
            raw_docs: "",
        }
    }

    /// The registry as far as these tests need it.
    static RULES: [RuleMeta; 6] = [
        meta("internal-error", Severity::Error),
        meta("invalid-suppression", Severity::Error),
        meta("secret-env-read", Severity::Error),
        meta("secret-in-log", Severity::Error),
        meta("unparsable-file", Severity::Error),
        meta("unused-suppression", Severity::Warning),
    ];

    const NAMES: [&str; 6] = [
        "internal-error",
        "invalid-suppression",
        "secret-env-read",
        "secret-in-log",
        "unparsable-file",
        "unused-suppression",
    ];

    fn rule(name: &str) -> Option<&'static RuleMeta> {
        RULES.iter().find(|m| m.name == name)
    }

    fn policy<'a>(require_reason: bool, enabled: &'a dyn Fn(&RuleMeta) -> bool) -> Policy<'a> {
        Policy {
            require_reason,
            enabled,
            rule: &rule,
            names: &NAMES,
            invalid: &RULES[1],
            unused: &RULES[5],
        }
    }

    fn source(text: &str) -> (SourceFile, syn::File) {
        let s = SourceFile::new("a.rs".into(), "a.rs".into(), text.to_owned());
        let f = syn::parse_file(text).expect("parses");
        (s, f)
    }

    fn finding_at(s: &SourceFile, needle: &str, rule: &'static str) -> Finding {
        let start = s.text.find(needle).expect("needle");
        let span = ByteSpan {
            start,
            end: start + needle.len(),
        };
        Finding::new(rule, Severity::Error, "a.rs", Location::of(s, span), "m")
    }

    /// Runs `apply` on findings of `secret-env-read` at each needle; returns which needles
    /// were suppressed and the rules of the findings about comments.
    fn run(text: &str, needles: &[&str], require_reason: bool) -> (Vec<bool>, Vec<String>) {
        let (s, f) = source(text);
        let sup = collect(&s, &f);
        let mut findings: Vec<Finding> = needles
            .iter()
            .map(|n| finding_at(&s, n, "secret-env-read"))
            .collect();
        let mut suppressed = Vec::new();
        let enabled = |_: &RuleMeta| true;
        let policy = policy(require_reason, &enabled);
        let about = apply(&sup, "a.rs", &mut findings, &mut suppressed, &policy);
        let flags = needles
            .iter()
            .map(|n| {
                let at = finding_at(&s, n, "secret-env-read").location;
                suppressed.iter().any(|f| f.location == at)
            })
            .collect();
        let mut about: Vec<(usize, String)> = about
            .iter()
            .map(|f| {
                (
                    f.location.start.line,
                    format!("{}@{}", f.rule, f.location.start.line),
                )
            })
            .collect();
        about.sort();
        (flags, about.into_iter().map(|(_, a)| a).collect())
    }

    const ALLOW: &str = "vox-clavis-lint: allow(secret-env-read) -- test key";

    #[test]
    fn trailing_comment_covers_its_line() {
        let text = format!("fn f() {{\n    let a = A_KEY; // {ALLOW}\n    let b = B_KEY;\n}}\n");
        assert_eq!(
            run(&text, &["A_KEY", "B_KEY"], true),
            (vec![true, false], vec![])
        );
    }

    #[test]
    fn own_line_comment_covers_the_next_statement_to_its_end() {
        let text = format!(
            "fn f() {{\n    // {ALLOW}\n    let a = call(\n        A_KEY,\n    );\n    let b = B_KEY;\n}}\n"
        );
        assert_eq!(
            run(&text, &["A_KEY", "B_KEY"], true),
            (vec![true, false], vec![])
        );
    }

    #[test]
    fn own_line_comment_before_an_item_covers_all_of_it() {
        let text = format!(
            "// {ALLOW}\n#[inline]\nfn f() {{\n    let a = A_KEY;\n    let b = B_KEY;\n}}\nfn g() {{ C_KEY; }}\n"
        );
        assert_eq!(
            run(&text, &["A_KEY", "B_KEY", "C_KEY"], true),
            (vec![true, true, false], vec![])
        );
        // Stacked comments and doc comments between the comment and the item.
        let text = format!(
            "// {ALLOW}\n// another comment\n/// Docs.\nimpl S {{\n    fn f() {{ A_KEY; }}\n}}\n"
        );
        assert_eq!(run(&text, &["A_KEY"], true), (vec![true], vec![]));
    }

    #[test]
    fn inner_doc_comment_covers_the_file() {
        let text = format!("//! {ALLOW}\n\nfn f() {{ A_KEY; }}\nfn g() {{ B_KEY; }}\n");
        assert_eq!(
            run(&text, &["A_KEY", "B_KEY"], true),
            (vec![true, true], vec![])
        );
        let text = format!(
            "mod m {{\n    //! {ALLOW}\n    fn f() {{ A_KEY; }}\n}}\nfn g() {{ B_KEY; }}\n"
        );
        assert_eq!(
            run(&text, &["A_KEY", "B_KEY"], true),
            (vec![true, false], vec![])
        );
    }

    #[test]
    fn markers_in_strings_do_not_count() {
        let text = format!("fn f() {{\n    let s = \"// {ALLOW}\"; A_KEY;\n}}\n");
        assert_eq!(run(&text, &["A_KEY"], true), (vec![false], vec![]));
    }

    #[test]
    fn problems_with_comments_are_findings() {
        let text = "fn f() {\n    A_KEY; // vox-clavis-lint: allow(secret-env-read)\n    B_KEY; // vox-clavis-lint: allow(secret-env-red) -- typo\n    C_KEY; // vox-clavis-lint: allow(unparsable-file) -- no\n    // vox-clavis-lint: allow(secret-in-log) -- nothing here\n    D_KEY;\n    // vox-clavis-lint: nope\n}\n";
        let (flags, about) = run(text, &["A_KEY", "B_KEY", "C_KEY", "D_KEY"], true);
        assert_eq!(flags, [true, false, false, false]);
        assert_eq!(
            about,
            [
                "invalid-suppression@2",
                "invalid-suppression@3",
                "invalid-suppression@4",
                "unused-suppression@5",
                "invalid-suppression@7",
            ]
        );
        // Without require-reason the missing reason is fine.
        let (_, about) = run(text, &["A_KEY"], false);
        assert!(
            !about.contains(&"invalid-suppression@2".to_owned()),
            "{about:?}"
        );
    }

    #[test]
    fn messages_do_not_quote_comment_text() {
        let text = "fn f() {\n    A; // vox-clavis-lint: allow(sk-Live-0123) -- r\n    B; // vox-clavis-lint: allowing sk-Live-4567\n}\n";
        let (s, f) = source(text);
        let sup = collect(&s, &f);
        let enabled = |_: &RuleMeta| true;
        let policy = policy(true, &enabled);
        let about = apply(&sup, "a.rs", &mut Vec::new(), &mut Vec::new(), &policy);
        assert_eq!(about.len(), 2, "{about:?}");
        for f in &about {
            let all = format!("{} {:?} {:?}", f.message, f.label, f.help);
            assert!(!all.contains("sk-Live"), "{all}");
        }
    }

    #[test]
    fn the_innermost_comment_gets_the_credit() {
        let text = format!("//! {ALLOW}\nfn f() {{\n    A_KEY; // {ALLOW}\n}}\n");
        let (flags, about) = run(&text, &["A_KEY"], true);
        assert_eq!(flags, [true]);
        assert_eq!(about, ["unused-suppression@1"]);
    }

    #[test]
    fn rules_turned_off_are_not_unused() {
        let text = format!("fn f() {{\n    A_KEY; // {ALLOW}\n}}\n");
        let (s, f) = source(&text);
        let sup = collect(&s, &f);
        let enabled = |m: &RuleMeta| m.name != "secret-env-read";
        let policy = policy(true, &enabled);
        let about = apply(&sup, "a.rs", &mut Vec::new(), &mut Vec::new(), &policy);
        assert!(about.is_empty(), "{about:?}");
    }
}
