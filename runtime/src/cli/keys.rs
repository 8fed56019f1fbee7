//! `rotate-kek`, `export-kek` and `import-kek`: the key-encryption key's life. The key itself
//! is printed only by `export-kek - --allow-stdout`; everything else names it by its id.

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;

use super::context::Context;
use super::{Exit, Failure, exit, input, out};
use crate::vault::{Kek, KeyFile, KeyProvider};

pub(crate) fn rotate(ctx: &Context, stage: Option<PathBuf>, commit: Option<PathBuf>) -> Exit {
    let vault = ctx.open_vault()?;
    if let Some(new_key_file) = stage {
        if new_key_file.exists() {
            return Err(Failure::Run(format!(
                "`{}` exists: `--stage` writes the new key to a file that does not",
                new_key_file.display()
            )));
        }
        // Keep the key before the vault depends on it: a failed write leaves the vault as it was.
        let new = Kek::generate();
        KeyFile::new(&new_key_file).store(&new)?;
        let staged = match vault.stage_rotation(new) {
            Ok(staged) => staged,
            Err(e) => {
                let _ = std::fs::remove_file(&new_key_file);
                return Err(e.into());
            }
        };
        out(&format!(
            "staged: key ids {} and {} both open the vault ({} records)\n\
             the new key is in {} (mode 0600): install it where the provider reads it, then run\n  \
             vox-clavis rotate-kek --commit {}\n",
            staged.from,
            staged.to,
            staged.records,
            new_key_file.display(),
            new_key_file.display()
        ))?;
        return Ok(exit::OK);
    }
    if let Some(new_key_file) = commit {
        let new = input::read_kek(&new_key_file)?;
        let rotation = vault.commit_rotation(&new)?;
        out(&format!(
            "rotated: key id {} -> {} ({} records); only the new key opens the vault\n",
            rotation.from, rotation.to, rotation.records
        ))?;
        return Ok(exit::OK);
    }
    let rotation = vault.rotate_kek(Kek::generate())?;
    out(&format!(
        "rotated: key id {} -> {} ({} records); the provider holds the new key\n",
        rotation.from, rotation.to, rotation.records
    ))?;
    Ok(exit::OK)
}

pub(crate) fn export(ctx: &Context, to: &Path, allow_stdout: bool) -> Exit {
    if to.as_os_str() == "-" && !allow_stdout {
        return Err(Failure::Run(
            "`export-kek -` prints the key-encryption key: pass `--allow-stdout` to consent, or \
             give a file to create (mode 0600)"
                .to_owned(),
        ));
    }
    let vault = ctx.open_vault()?;
    if to.as_os_str() == "-" {
        let kek = vault.export_kek_in_clear()?;
        out(&format!("{}\n", kek.to_base64().expose_secret()))?;
        return Ok(exit::OK);
    }
    let identity = vault.export_kek(to)?;
    out(&format!(
        "exported key id {} to {} (mode 0600): keep it apart from the vault's backups\n",
        identity.key_id,
        to.display()
    ))?;
    Ok(exit::OK)
}

pub(crate) fn import(ctx: &Context, from: &Path) -> Exit {
    let path = ctx.vault_path()?;
    if !path.exists() {
        return Err(Failure::Run(format!(
            "no vault at `{}`: a key is imported for an existing vault (restore it first)",
            path.display()
        )));
    }
    let kek = input::read_kek(from)?;
    // Not `open_vault`: the provider may not hold a key yet, that is what is being fixed.
    let vault = ctx.audited(ctx.vault_handle()?)?;
    let identity = vault.import_kek(&kek)?;
    out(&format!(
        "installed key id {} in {}; it opens the vault\n",
        identity.key_id, identity.provider
    ))?;
    Ok(exit::OK)
}
