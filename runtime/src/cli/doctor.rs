//! `doctor`: every check the runbook asks for before trusting a node, each reported as ok,
//! warning or error; any error fails the run (exit 1). It reads and verifies, and writes only
//! its own audit event (which is the audit-append check).

use std::path::Path;

use serde_json::json;

use super::args::Format;
use super::audit_cmd::check_chain;
use super::context::Context;
use super::{Exit, Failure, exit, out, out_json};
use crate::audit::{Action, AuditEvent, Outcome};
use crate::vault::Vault;

/// The variable that scopes a node to its account.
const ACCOUNT_VAR: &str = "VOX_ACCOUNT_ID";
/// The placeholder an unprovisioned node carries.
const PLACEHOLDER_ACCOUNT: &str = "default-account";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Ok,
    Warning,
    Error,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

struct Check {
    level: Level,
    name: &'static str,
    message: String,
}

#[derive(Default)]
struct Checks(Vec<Check>);

impl Checks {
    fn push(&mut self, level: Level, name: &'static str, message: impl Into<String>) {
        self.0.push(Check {
            level,
            name,
            message: message.into(),
        });
    }

    fn worst(&self) -> Level {
        self.0.iter().map(|c| c.level).max().unwrap_or(Level::Ok)
    }
}

pub(crate) fn doctor(ctx: &Context, format: Format) -> Exit {
    let mut checks = Checks::default();
    inventory(ctx, &mut checks);
    account(&mut checks);
    let vault = vault(ctx, &mut checks);
    permissions(ctx, &mut checks);
    audit(ctx, &mut checks, vault.is_some());
    let worst = checks.worst();
    if format == Format::Json {
        let rows: Vec<_> = checks
            .0
            .iter()
            .map(|c| json!({"check": c.name, "level": c.level.name(), "message": c.message}))
            .collect();
        out_json(&json!({"ok": worst != Level::Error, "checks": rows}))?;
    } else {
        let mut text = String::new();
        for c in &checks.0 {
            text.push_str(&format!(
                "{:<8}{:<12}{}\n",
                c.level.name(),
                c.name,
                c.message
            ));
        }
        let errors = checks.0.iter().filter(|c| c.level == Level::Error).count();
        let warnings = checks
            .0
            .iter()
            .filter(|c| c.level == Level::Warning)
            .count();
        text.push_str(&format!("\n{errors} errors, {warnings} warnings\n"));
        out(&text)?;
    }
    Ok(if worst == Level::Error {
        exit::FAILED
    } else {
        exit::OK
    })
}

fn inventory(ctx: &Context, checks: &mut Checks) {
    match ctx.inventory() {
        Ok(Some(inventory)) => {
            checks.push(
                Level::Ok,
                "inventory",
                format!(
                    "{} secrets from {}",
                    inventory.specs.len(),
                    inventory.origin
                ),
            );
            for warning in &inventory.warnings {
                checks.push(Level::Warning, "inventory", warning.clone());
            }
            if inventory.specs.is_empty() {
                checks.push(
                    Level::Warning,
                    "inventory",
                    "the inventory declares no secret",
                );
            }
        }
        Ok(None) => checks.push(
            Level::Warning,
            "inventory",
            "no inventory: pass `--inventory` (a vox-clavis-lint.toml or a JSON contract)",
        ),
        Err(Failure::Run(e) | Failure::Check(e)) => checks.push(Level::Error, "inventory", e),
    }
}

fn account(checks: &mut Checks) {
    // The account id is configuration that names the node's tenant; its value is not printed.
    let value = std::env::var(ACCOUNT_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let why = "every node without its own account id shares one, so its secrets, audit events \
               and synced ciphertext are attributed to (and readable under) the same account";
    match value.as_deref() {
        None => checks.push(
            Level::Error,
            "account",
            format!("{ACCOUNT_VAR} is not set: set it to this node's account id ({why})"),
        ),
        Some(PLACEHOLDER_ACCOUNT) => checks.push(
            Level::Error,
            "account",
            format!(
                "{ACCOUNT_VAR}={PLACEHOLDER_ACCOUNT} is the unprovisioned placeholder: set the \
                 real account id ({why})"
            ),
        ),
        Some(_) => checks.push(Level::Ok, "account", format!("{ACCOUNT_VAR} is set")),
    }
}

fn vault(ctx: &Context, checks: &mut Checks) -> Option<Vault> {
    let Some(path) = ctx.global.vault.as_deref() else {
        checks.push(
            Level::Warning,
            "vault",
            "no vault configured (`--vault` or VOX_CLAVIS_VAULT)",
        );
        return None;
    };
    let handle = Vault::new(path, ctx.key_provider());
    let key_ok = match handle.key_identity() {
        Ok(k) => {
            checks.push(
                Level::Ok,
                "kek",
                format!("key id {} from {} is reachable", k.key_id, k.provider),
            );
            true
        }
        Err(e) => {
            checks.push(Level::Error, "kek", e.to_string());
            false
        }
    };
    if key_ok {
        match handle.self_test() {
            Ok(()) => checks.push(
                Level::Ok,
                "roundtrip",
                "a random value sealed, wrapped, unwrapped and opened again",
            ),
            Err(e) => checks.push(Level::Error, "roundtrip", e.to_string()),
        }
    }
    if !path.exists() {
        checks.push(
            Level::Error,
            "vault",
            format!(
                "no vault at `{}`: `vault init`, or restore a snapshot",
                path.display()
            ),
        );
        return None;
    }
    if !key_ok {
        return None;
    }
    let vault = match ctx.open_vault() {
        Ok(vault) => vault,
        Err(Failure::Run(e) | Failure::Check(e)) => {
            checks.push(Level::Error, "vault", e);
            return None;
        }
    };
    match vault.verify() {
        Ok(report) => {
            checks.push(
                Level::Ok,
                "vault",
                format!(
                    "{} records decrypt, generation {}",
                    report.records, report.generation
                ),
            );
            if report.rotation_pending {
                checks.push(
                    Level::Warning,
                    "vault",
                    "a key rotation is staged: `rotate-kek --commit` once the new key is installed",
                );
            }
        }
        Err(e) => checks.push(Level::Error, "vault", e.to_string()),
    }
    if vault.is_staged().unwrap_or(false) {
        checks.push(
            Level::Warning,
            "vault",
            "restored staged: reads are refused until `restore --complete`",
        );
    }
    Some(vault)
}

fn permissions(ctx: &Context, checks: &mut Checks) {
    let files = [
        ("vault", ctx.global.vault.clone()),
        ("key file", ctx.global.kek_file.clone()),
        ("audit log", ctx.audit_path()),
        ("audit key", ctx.global.audit_key_file.clone()),
    ];
    let mut checked = 0;
    for (what, path) in files {
        let Some(path) = path.filter(|p| p.exists()) else {
            continue;
        };
        checked += 1;
        if let Some(problem) = loose(&path) {
            checks.push(
                Level::Error,
                "permissions",
                format!("the {what} `{}` {problem}: chmod 600 it", path.display()),
            );
        }
    }
    if !checks
        .0
        .iter()
        .any(|c| c.name == "permissions" && c.level == Level::Error)
    {
        checks.push(
            Level::Ok,
            "permissions",
            format!("{checked} files readable by their owner only"),
        );
    }
}

/// What is wrong with a file's mode, if anything (Unix; elsewhere nothing is checked).
fn loose(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| format!("has mode {mode:o}"))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn audit(ctx: &Context, checks: &mut Checks, vault_ok: bool) {
    let Some(path) = ctx.audit_path() else {
        checks.push(
            Level::Warning,
            "audit",
            "no audit log configured: commands run unaudited",
        );
        return;
    };
    let before = if path.exists() {
        match check_chain(ctx, &path) {
            Ok(summary) => {
                checks.push(
                    Level::Ok,
                    "audit",
                    format!(
                        "{}: {} entries, chain intact",
                        path.display(),
                        summary.entries
                    ),
                );
                Some(summary.entries)
            }
            Err(Failure::Run(e) | Failure::Check(e)) => {
                checks.push(Level::Error, "audit", e);
                return;
            }
        }
    } else {
        None
    };
    if !vault_ok && before.is_none() {
        // Nothing to append to, and creating a log beside a missing vault would write on failure.
        return;
    }
    let outcome = if checks.worst() == Level::Error {
        Outcome::Error
    } else {
        Outcome::Ok
    };
    let appended = ctx
        .record(AuditEvent::new(Action::Doctor, outcome).detail("health checks"))
        .and_then(|()| check_chain(ctx, &path));
    match appended {
        Ok(after) if after.entries > before.unwrap_or(0) => checks.push(
            Level::Ok,
            "audit",
            "an event was appended and the chain still verifies",
        ),
        Ok(_) => checks.push(
            Level::Error,
            "audit",
            "an event was appended but the log did not grow",
        ),
        Err(Failure::Run(e) | Failure::Check(e)) => {
            checks.push(Level::Error, "audit", format!("cannot append: {e}"))
        }
    }
}
