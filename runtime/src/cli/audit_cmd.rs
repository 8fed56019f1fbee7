//! `audit verify` and `audit tail`: the audit log's integrity and its last events. Events hold
//! no values, so showing them is safe; `tail` is the one command that records nothing, since
//! it only reads the log it would append to.

use std::path::{Path, PathBuf};

use super::args::{AuditCommand, Format};
use super::context::Context;
use super::{Exit, Failure, exit, out, out_json};
use crate::audit::{Action, AuditEvent, ChainSummary, Outcome, verify_chain, verify_keyed};
use crate::vault::{KeyFile, KeyProvider};

pub(crate) fn run(ctx: &Context, command: AuditCommand) -> Exit {
    match command {
        AuditCommand::Verify => verify(ctx),
        AuditCommand::Tail { lines, format } => tail(ctx, lines, format),
    }
}

fn log_path(ctx: &Context) -> Result<PathBuf, Failure> {
    let path = ctx.audit_path().ok_or_else(|| {
        Failure::Run(
            "no audit log configured: pass `--audit-log PATH` (or `--vault`, whose log is \
             `<vault>.audit.jsonl`)"
                .to_owned(),
        )
    })?;
    if !path.exists() {
        return Err(Failure::Run(format!(
            "no audit log at `{}`",
            path.display()
        )));
    }
    Ok(path)
}

/// Verifies the chain (keyed when an audit key file is configured).
pub(crate) fn check_chain(ctx: &Context, path: &Path) -> Result<ChainSummary, Failure> {
    match &ctx.global.audit_key_file {
        Some(key) => {
            let kek = KeyFile::new(key).load()?;
            verify_keyed(path, &kek)
        }
        None => verify_chain(path),
    }
    .map_err(|e| Failure::Check(format!("the audit log `{}` is broken: {e}", path.display())))
}

fn verify(ctx: &Context) -> Exit {
    let path = log_path(ctx)?;
    let summary = check_chain(ctx, &path)?;
    let keyed = if ctx.global.audit_key_file.is_some() {
        "keyed chain and head intact"
    } else {
        "chain intact (unkeyed: keep the head hash elsewhere)"
    };
    ctx.record(
        AuditEvent::new(Action::AuditVerify, Outcome::Ok)
            .detail(format!("{} entries, {keyed}", summary.entries)),
    )?;
    out(&format!(
        "audit log {}: {} entries, {keyed}{}\nhead {}\n",
        path.display(),
        summary.entries,
        if summary.torn_tail {
            "; a line torn by a crash follows (the next append removes it)"
        } else {
            ""
        },
        summary.head
    ))?;
    Ok(exit::OK)
}

fn tail(ctx: &Context, lines: usize, format: Format) -> Exit {
    let path = log_path(ctx)?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Failure::Run(format!("cannot read `{}`: {e}", path.display())))?;
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let last = &all[all.len().saturating_sub(lines)..];
    if format == Format::Json {
        let events: Vec<serde_json::Value> = last
            .iter()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect();
        return out_json(&serde_json::Value::Array(events)).map(|()| exit::OK);
    }
    let mut text = String::new();
    for line in last {
        let Ok(event) = serde_json::from_str::<serde_json::Value>(line) else {
            text.push_str("(not an audit entry)\n");
            continue;
        };
        let field = |name: &str| event.get(name).and_then(|v| v.as_str()).unwrap_or("");
        let mut row = format!("{} {} {}", field("time"), field("action"), field("outcome"));
        for (label, name) in [
            ("id", "id"),
            ("actor", "actor"),
            ("reason", "reason"),
            ("detail", "detail"),
        ] {
            if !field(name).is_empty() {
                row.push_str(&format!(" {label}={:?}", field(name)));
            }
        }
        text.push_str(&row);
        text.push('\n');
    }
    out(&text)?;
    Ok(exit::OK)
}
