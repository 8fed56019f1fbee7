//! `vault init|put|get|list|delete` and `reset`: the records, one command each. Only
//! `vault get --reveal` prints a value, and only to a terminal unless `--reveal=pipe`.

use std::io::IsTerminal;

use secrecy::ExposeSecret;

use super::args::{Reveal, VaultCommand};
use super::context::Context;
use super::{Exit, Failure, exit, input, note, out};
use crate::audit::{Action, AuditEvent, Outcome};
use crate::vault::KeyFile;

pub(crate) fn run(ctx: &Context, command: VaultCommand) -> Exit {
    match command {
        VaultCommand::Init => init(ctx),
        VaultCommand::Put { id, .. } => put(ctx, &id),
        VaultCommand::Get { id, reveal } => get(ctx, &id, reveal),
        VaultCommand::List => list(ctx),
        VaultCommand::Delete { id } => delete(ctx, &id),
    }
}

fn init(ctx: &Context) -> Exit {
    let path = ctx.vault_path()?;
    if path.exists() {
        return Err(Failure::Run(format!(
            "a vault already exists at `{}`: nothing was changed",
            path.display()
        )));
    }
    let mut created_key = false;
    if let Some(key_file) = &ctx.global.kek_file
        && !key_file.exists()
    {
        KeyFile::create(key_file)?;
        created_key = true;
    }
    let vault = match ctx.vault_handle().and_then(|v| Ok(v.init()?)) {
        Ok(vault) => vault,
        Err(e) => {
            if created_key && let Some(key_file) = &ctx.global.kek_file {
                // A key that seals nothing is only a liability.
                let _ = std::fs::remove_file(key_file);
            }
            return Err(e);
        }
    };
    let identity = vault.key_identity()?;
    ctx.record(
        AuditEvent::new(Action::VaultInit, Outcome::Ok)
            .source("vault")
            .detail(format!(
                "sealed with key id {} from {}{}",
                identity.key_id,
                identity.provider,
                if created_key {
                    " (key file created)"
                } else {
                    ""
                }
            )),
    )?;
    out(&format!(
        "created vault {} sealed with key id {} from {}{}\n",
        path.display(),
        identity.key_id,
        identity.provider,
        if created_key {
            " (new key file, mode 0600)"
        } else {
            ""
        }
    ))?;
    Ok(exit::OK)
}

/// Warns when `id` is not in the inventory: the resolver would never look it up.
fn check_known(ctx: &Context, id: &str) -> Result<(), Failure> {
    if let Some(inventory) = ctx.inventory()?
        && !inventory.specs.iter().any(|s| s.id == id)
    {
        note(&format!(
            "warning: `{id}` is not in the inventory ({}): no resolve will read it",
            inventory.origin
        ));
    }
    Ok(())
}

fn put(ctx: &Context, id: &str) -> Exit {
    let vault = ctx.open_vault()?;
    check_known(ctx, id)?;
    let value = input::read_value(id)?;
    let version = vault.put(id, &value)?;
    out(&format!("stored {id} (version {version})\n"))?;
    Ok(exit::OK)
}

fn get(ctx: &Context, id: &str, reveal: Option<Reveal>) -> Exit {
    // Refuse before reading, so a refused reveal is not a read.
    if reveal == Some(Reveal::Tty) && !std::io::stdout().is_terminal() {
        return Err(Failure::Run(
            "standard output is not a terminal: `--reveal` prints a secret only to a terminal; \
             pass `--reveal=pipe` to print it to a pipe or a file"
                .to_owned(),
        ));
    }
    let vault = ctx.open_vault()?;
    let Some(value) = vault.get(id)? else {
        return Err(Failure::Check(format!("the vault holds no record `{id}`")));
    };
    match reveal {
        Some(_) => out(&format!("{}\n", value.expose_secret()))?,
        None => out(&format!(
            "{id}: stored, decrypts (value not shown: pass --reveal to print it)\n"
        ))?,
    }
    Ok(exit::OK)
}

fn list(ctx: &Context) -> Exit {
    let vault = ctx.open_vault()?;
    let ids = vault.list()?;
    let mut text = String::new();
    for id in &ids {
        text.push_str(id);
        text.push('\n');
    }
    out(&text)?;
    Ok(exit::OK)
}

fn delete(ctx: &Context, id: &str) -> Exit {
    let vault = ctx.open_vault()?;
    if vault.delete(id)? {
        out(&format!("deleted {id}\n"))?;
        Ok(exit::OK)
    } else {
        Err(Failure::Check(format!("the vault holds no record `{id}`")))
    }
}

pub(crate) fn reset(ctx: &Context, id: &str, force: bool, generate: bool) -> Exit {
    if !force {
        return Err(Failure::Run(format!(
            "`reset` replaces the value of `{id}` and drops its old version: pass `--force`"
        )));
    }
    let vault = ctx.open_vault()?;
    if !vault.contains(id)? {
        return Err(Failure::Check(format!(
            "the vault holds no record `{id}`: nothing to reset"
        )));
    }
    let value = if generate {
        input::generate_value()
    } else {
        input::read_value(id)?
    };
    let info = vault.reset(id, &value)?;
    out(&format!(
        "reset {id}: version {} shredded, new version {}{}\n",
        info.old_version,
        info.new_version,
        if generate {
            " (generated; install it at the provider from `vault get --reveal`)"
        } else {
            ""
        }
    ))?;
    Ok(exit::OK)
}
