//! `snapshot`, `restore` and `export-env` / `import-env`: what leaves the vault, and comes back,
//! as ciphertext only. Every file is created with mode 0600 and never over an existing one.

use std::path::Path;

use super::context::Context;
use super::{Exit, Failure, exit, input, out};
use crate::vault::EnvEntry;

fn refuse_existing(path: &Path, what: &str) -> Result<(), Failure> {
    if path.exists() {
        return Err(Failure::Run(format!(
            "`{}` exists: {what} is written to a new file, never over one",
            path.display()
        )));
    }
    Ok(())
}

pub(crate) fn snapshot(ctx: &Context, to: &Path) -> Exit {
    refuse_existing(to, "a snapshot")?;
    let vault = ctx.open_vault()?;
    let info = vault.snapshot(to)?;
    out(&format!(
        "snapshot {}: {} records, generation {}, key id {}\n\
         sha256 {}\n\
         keep the hash apart from the snapshot: `restore --sha256 {}` refuses any other\n",
        to.display(),
        info.records,
        info.generation,
        info.key_id,
        info.sha256,
        info.sha256
    ))?;
    Ok(exit::OK)
}

pub(crate) fn restore(
    ctx: &Context,
    snapshot: Option<&Path>,
    staged: bool,
    complete: bool,
    sha256: Option<String>,
) -> Exit {
    if complete {
        let vault = ctx.open_vault()?;
        return if vault.complete_restore()? {
            out("restore completed: reads are enabled\n")?;
            Ok(exit::OK)
        } else {
            Err(Failure::Check(
                "the vault is not in a staged restore: nothing to complete".to_owned(),
            ))
        };
    }
    let snapshot = snapshot.expect("clap requires the snapshot without --complete");
    // The vault may be missing or damaged: that is what a restore is for. The snapshot is
    // checked on a handle that touches no storage, so a refused one creates no database.
    let checker = crate::vault::Vault::new(ctx.vault_path()?, ctx.key_provider());
    let checked = checker.check_snapshot(snapshot)?;
    if let Some(expected) = sha256
        && !expected.eq_ignore_ascii_case(&checked.sha256)
    {
        return Err(Failure::Check(format!(
            "the snapshot `{}` has integrity hash {}, not the expected {expected}: nothing was \
             restored",
            snapshot.display(),
            checked.sha256
        )));
    }
    let vault = ctx.audited(ctx.vault_handle()?)?;
    let info = if staged {
        vault.restore_staged(snapshot)?
    } else {
        vault.restore(snapshot)?
    };
    out(&format!(
        "restored {} records from {} (sha256 {}, key id {}){}\n",
        info.records,
        snapshot.display(),
        info.sha256,
        info.key_id,
        if staged {
            "\nstaged: reads are refused; check with `doctor`, then `restore --complete`"
        } else {
            ""
        }
    ))?;
    Ok(exit::OK)
}

pub(crate) fn export_env(ctx: &Context, to: &Path, key: Option<&Path>, ids: &[String]) -> Exit {
    refuse_existing(to, "a payload")?;
    let key = key.map(input::read_kek).transpose()?;
    let vault = ctx.open_vault()?;
    let specs = ctx.specs()?;
    let ids: Vec<String> = if ids.is_empty() {
        vault.list()?
    } else {
        ids.to_vec()
    };
    // Each id under its inventory variable; an id the inventory does not know keeps its name.
    let entries: Vec<EnvEntry> = ids
        .into_iter()
        .map(|id| EnvEntry {
            env: specs
                .iter()
                .find(|s| s.id == id)
                .map_or_else(|| id.clone(), |s| s.env.to_owned()),
            id,
        })
        .collect();
    if entries.is_empty() {
        return Err(Failure::Check(
            "the vault holds no record: nothing to export".to_owned(),
        ));
    }
    let exported = vault.export_env(&entries, to, key.as_ref())?;
    out(&format!(
        "exported {} values to {} (encrypted, mode 0600): {}\n",
        exported.len(),
        to.display(),
        names(&exported)
    ))?;
    Ok(exit::OK)
}

pub(crate) fn import_env(ctx: &Context, from: &Path, key: Option<&Path>) -> Exit {
    let key = key.map(input::read_kek).transpose()?;
    let vault = ctx.open_vault()?;
    let imported = vault.import_env(from, key.as_ref())?;
    out(&format!(
        "imported {} values into the vault: {}\n",
        imported.len(),
        names(&imported)
    ))?;
    Ok(exit::OK)
}

fn names(entries: &[EnvEntry]) -> String {
    entries
        .iter()
        .map(|e| format!("{} ({})", e.id, e.env))
        .collect::<Vec<_>>()
        .join(", ")
}
