//! The requests about findings already made: code actions (each finding's own fix, and a
//! suppression comment) and hover (the rule's page). Both read the findings last published, on the text they were made on.

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind, Range,
};

use std::path::Path;

use super::convert::{self, Lines};
use super::workspace::Workspace;
use crate::finding::{Applicability, Finding, Fix};
use crate::input::source::SourceFile;
use crate::rules::{self, docs};
use crate::verdict::add_suppression;

/// The code actions for the findings in `params.range`.
pub fn code_actions(workspace: &Workspace, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let Some(path) = convert::uri_path(uri) else {
        return Vec::new();
    };
    let findings = workspace.findings(&path);
    if findings.is_empty() {
        return Vec::new();
    }
    let wanted = |kind: &CodeActionKind| {
        params
            .context
            .only
            .as_ref()
            .is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
    };
    if !wanted(&CodeActionKind::QUICKFIX) {
        return Vec::new();
    }
    let text = workspace.text(&path).unwrap_or_default();
    let lines = Lines::new(&text);
    let mut actions = Vec::new();
    for finding in in_range(findings, &lines, &params.range) {
        let diagnostic = convert::diagnostic(finding, uri, &lines);
        let fixes = finding
            .fix
            .iter()
            .cloned()
            .chain(suppression(finding, &path, &text));
        for fix in fixes {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(convert::workspace_edit(&fix, uri, &lines)),
                is_preferred: Some(fix.applicability == Applicability::Safe),
                ..CodeAction::default()
            }));
        }
    }
    actions
}

/// The comment that silences `finding`, with a reason for the author to write.
fn suppression(finding: &Finding, path: &Path, text: &str) -> Option<Fix> {
    let source = SourceFile::new(path.to_path_buf(), finding.path.clone(), text.to_owned());
    add_suppression::suppression_fix(
        &source,
        &finding.location,
        &[finding.rule],
        add_suppression::REASON_PLACEHOLDER,
    )
}

/// The pages of the rules whose findings cover the hovered position.
pub fn hover(workspace: &Workspace, params: &HoverParams) -> Option<Hover> {
    let at = &params.text_document_position_params;
    let path = convert::uri_path(&at.text_document.uri)?;
    let findings = workspace.findings(&path);
    if findings.is_empty() {
        return None;
    }
    let text = workspace.text(&path).unwrap_or_default();
    let lines = Lines::new(&text);
    let point = Range::new(at.position, at.position);
    let mut pages: Vec<String> = Vec::new();
    let mut range = None;
    for finding in in_range(findings, &lines, &point) {
        let Some(rule) = rules::by_name(finding.rule) else {
            continue;
        };
        let page = crate::finding::absolute_links(&docs::rule_page(rule.meta()));
        let page = format!("**{}**\n\n{page}", finding.message);
        if !pages.contains(&page) {
            pages.push(page);
        }
        range.get_or_insert(lines.range(finding.location.span));
    }
    if pages.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: pages.join("\n\n---\n\n"),
        }),
        range,
    })
}

fn in_range<'f>(
    findings: &'f [Finding],
    lines: &'f Lines<'_>,
    range: &'f Range,
) -> impl Iterator<Item = &'f Finding> {
    findings
        .iter()
        .filter(move |f| convert::overlap(&lines.range(f.location.span), range))
}
