//! `status` and `backend-status`: where every secret stands and which stores answer, the
//! runbook's check after provisioning. Rows name sources, never values; the vault is listed
//! once (one audit event) rather than asked once per secret.

use serde_json::json;

use super::args::{Format, Store};
use super::context::{Context, node_name};
use super::{Exit, Failure, exit, note, out, out_json};
use crate::audit::{Action, AuditEvent, Outcome};
use crate::resolver::{Resolver, SecretStatus, State};
use crate::secret::Source;

pub(crate) fn status(ctx: &Context, format: Format) -> Exit {
    let specs = ctx.specs()?;
    let inventory = ctx.inventory()?;
    // The environment through the resolver (its precedence); the vault from one listing.
    let resolver = Resolver::builder().specs(specs).build();
    let mut rows: Vec<SecretStatus> = resolver.status();
    let (vault_note, kek) = match &ctx.global.vault {
        None => ("not configured".to_owned(), None),
        Some(path) if !path.exists() => (format!("{} (missing)", path.display()), None),
        Some(path) => match ctx.open_vault().and_then(|v| {
            let ids = v.list()?;
            Ok((v.key_identity()?, ids))
        }) {
            Ok((identity, ids)) => {
                for row in rows.iter_mut().filter(|r| r.state == State::Missing) {
                    if ids.iter().any(|id| id == row.id) {
                        row.state = State::Present;
                        row.source = Some(Source::Vault);
                    }
                }
                (path.display().to_string(), Some(identity))
            }
            Err(Failure::Run(reason) | Failure::Check(reason)) => {
                for row in rows.iter_mut().filter(|r| r.state == State::Missing) {
                    row.state = State::Unavailable(reason.clone());
                    row.source = Some(Source::Vault);
                }
                (format!("{} (unavailable)", path.display()), None)
            }
        },
    };
    let count = |f: &dyn Fn(&State) -> bool| rows.iter().filter(|r| f(&r.state)).count();
    let present = count(&|s| *s == State::Present);
    let missing = count(&|s| *s == State::Missing);
    let deprecated = count(&|s| *s == State::DeprecatedSource);
    let unavailable = count(&|s| matches!(s, State::Unavailable(_)));
    let required_missing: Vec<&str> = rows
        .iter()
        .filter(|r| r.required && r.state == State::Missing)
        .map(|r| r.id)
        .collect();
    let failed = !required_missing.is_empty() || deprecated > 0 || unavailable > 0;
    ctx.record(
        AuditEvent::new(
            Action::Status,
            if failed {
                Outcome::Warning
            } else {
                Outcome::Ok
            },
        )
        .detail(format!(
            "{} secrets: {present} present, {missing} missing, {deprecated} deprecated-source, \
             {unavailable} unavailable",
            rows.len()
        )),
    )?;
    let origin = inventory.map_or("none".to_owned(), |i| i.origin.clone());
    if format == Format::Json {
        let secrets: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "env": r.env,
                    "state": match &r.state {
                        State::Unavailable(_) => "unavailable".to_owned(),
                        other => other.to_string(),
                    },
                    "reason": match &r.state {
                        State::Unavailable(reason) => Some(reason.clone()),
                        _ => None,
                    },
                    "source": r.source.map(|s| s.to_string()),
                    "required": r.required,
                    "sensitive": r.sensitive,
                })
            })
            .collect();
        out_json(&json!({
            "node": node_name(),
            "inventory": origin,
            "vault": vault_note,
            "kek": kek.as_ref().map(|k| json!({"key_id": k.key_id, "provider": k.provider})),
            "summary": {
                "secrets": rows.len(), "present": present, "missing": missing,
                "deprecated_source": deprecated, "unavailable": unavailable,
                "required_missing": required_missing,
            },
            "secrets": secrets,
        }))?;
    } else {
        let mut text = format!(
            "node: {}\ninventory: {origin} ({} secrets)\nvault: {vault_note}\nkek: {}\n\n",
            node_name(),
            rows.len(),
            kek.as_ref().map_or("not available".to_owned(), |k| format!(
                "key id {} from {}",
                k.key_id, k.provider
            ))
        );
        for row in &rows {
            text.push_str(&row.to_string());
            text.push('\n');
        }
        text.push_str(&format!(
            "\n{present} present, {missing} missing, {deprecated} deprecated-source, \
             {unavailable} unavailable\n"
        ));
        out(&text)?;
    }
    if let Some(inventory) = inventory
        && !inventory.warnings.is_empty()
    {
        note(&format!(
            "warning: the inventory has {} duplicate declarations: `vox-clavis doctor` lists them",
            inventory.warnings.len()
        ));
    }
    if !required_missing.is_empty() {
        note(&format!(
            "required secrets are missing: {}",
            required_missing.join(", ")
        ));
    }
    Ok(if failed { exit::FAILED } else { exit::OK })
}

/// One store or key source: compiled in, configured, answering.
struct Backend {
    name: &'static str,
    compiled: bool,
    configured: Option<String>,
    reachable: Option<Result<String, String>>,
}

pub(crate) fn backend_status(ctx: &Context, format: Format) -> Exit {
    let vault_path = ctx.global.vault.clone();
    let vault_check = vault_path.as_ref().map(|path| {
        if !path.exists() {
            return Err(format!("`{}` does not exist", path.display()));
        }
        let opened = ctx
            .vault_handle()
            .and_then(|v| Ok(v.opened()?.key_identity()?));
        match opened {
            Ok(k) => Ok(format!("opens with key id {}", k.key_id)),
            Err(Failure::Run(e) | Failure::Check(e)) => Err(e),
        }
    });
    let key = ctx.key_provider();
    // Configured when named, or when a vault needs it; a bare machine has none to reach.
    let key_configured = ctx.global.kek_file.is_some()
        || vault_path.is_some()
        || std::env::var_os(crate::vault::DEFAULT_KEK_VAR).is_some();
    let key_check = key_configured.then(|| {
        key.load()
            .map(|k| format!("key id {}", k.id()))
            .map_err(|e| e.to_string())
    });
    let audit = ctx.audit_path();
    let audit_check = audit.as_ref().map(|path| {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => std::path::PathBuf::from("."),
        };
        if path.exists() || dir.is_dir() {
            Ok(if path.exists() {
                "exists".to_owned()
            } else {
                "created on first event".to_owned()
            })
        } else {
            Err(format!("the directory `{}` does not exist", dir.display()))
        }
    });
    let libsql = ctx.global.store == Store::Libsql;
    let configured = |on: bool| {
        vault_path
            .as_ref()
            .filter(|_| on)
            .map(|p| p.display().to_string())
    };
    let (json_check, libsql_check) = if libsql {
        (None, vault_check)
    } else {
        (vault_check, None)
    };
    let backends = [
        Backend {
            name: "vault: JSON file",
            compiled: true,
            configured: configured(!libsql),
            reachable: json_check,
        },
        Backend {
            name: "vault: libSQL database",
            compiled: cfg!(feature = "libsql"),
            configured: configured(libsql),
            reachable: libsql_check,
        },
        Backend {
            name: "key: file / environment",
            compiled: true,
            configured: key_configured.then(|| key.describe()),
            reachable: key_check,
        },
        Backend {
            name: "key: OS keyring",
            compiled: cfg!(feature = "keyring"),
            configured: None,
            reachable: None,
        },
        Backend {
            name: "audit: JSON Lines log",
            compiled: true,
            configured: audit.as_ref().map(|p| p.display().to_string()),
            reachable: audit_check,
        },
    ];
    let failed = backends.iter().any(|b| matches!(b.reachable, Some(Err(_))));
    let unreachable: Vec<&str> = backends
        .iter()
        .filter(|b| matches!(b.reachable, Some(Err(_))))
        .map(|b| b.name)
        .collect();
    ctx.record(
        AuditEvent::new(
            Action::BackendStatus,
            if failed {
                Outcome::Warning
            } else {
                Outcome::Ok
            },
        )
        .detail(if failed {
            format!("unreachable: {}", unreachable.join(", "))
        } else {
            "every configured backend is reachable".to_owned()
        }),
    )?;
    if format == Format::Json {
        let rows: Vec<_> = backends
            .iter()
            .map(|b| {
                json!({
                    "backend": b.name,
                    "compiled": b.compiled,
                    "configured": b.configured,
                    "reachable": b.reachable.as_ref().map(|r| r.is_ok()),
                    "detail": b.reachable.as_ref().map(|r| match r { Ok(s) | Err(s) => s.clone() }),
                })
            })
            .collect();
        out_json(&json!({ "backends": rows }))?;
    } else {
        let mut text = String::new();
        for b in &backends {
            let compiled = if b.compiled {
                "compiled in"
            } else {
                "not compiled in"
            };
            let configured = b
                .configured
                .as_ref()
                .map_or("not configured".to_owned(), |c| format!("configured: {c}"));
            let reachable = match &b.reachable {
                None => String::new(),
                Some(Ok(detail)) => format!(", reachable ({detail})"),
                Some(Err(reason)) => format!(", UNREACHABLE: {reason}"),
            };
            text.push_str(&format!(
                "{}: {compiled}, {configured}{reachable}\n",
                b.name
            ));
        }
        out(&text)?;
    }
    Ok(if failed { exit::FAILED } else { exit::OK })
}
