//! `config`: the configuration loader on arbitrary text, as `check --config FILE` reaches it:
//! when the first byte is even, the rest is a standalone `vox-clavis-lint.toml`
//! (`config::from_toml_str`, what `load_file` calls after reading it; text that is not UTF-8
//! never gets past that read); when odd, a `Cargo.toml` with the
//! `[workspace.metadata.vox-clavis-lint]` table, written to a file and read by `load_file`. An
//! error is drawn the way `check` draws it (miette, related problems against the file);
//! settings that load check a small file, so what the loader accepts must also work for the
//! engine and the renderers.

#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};
use vox_clavis_lint::config::{from_toml_str, load_file};
use vox_clavis_lint_fuzz::{SNIPPET, pick, pipeline, render_config_error, scratch_dir};

fuzz_target!(|data: &[u8]| -> Corpus {
    let Some((&mode, text)) = data.split_first() else {
        return Corpus::Reject;
    };
    let loaded = if mode % 2 == 0 {
        let Ok(text) = std::str::from_utf8(text) else {
            return Corpus::Reject;
        };
        from_toml_str(text, &scratch_dir().join("vox-clavis-lint.toml"))
    } else {
        let path = scratch_dir().join("Cargo.toml");
        std::fs::write(&path, text).expect("the scratch directory is writable");
        load_file(&path)
    };
    match loaded {
        Ok(settings) => {
            pipeline(&settings, &[("src/lib.rs", SNIPPET)], pick(data));
        }
        Err(e) => {
            render_config_error(&e);
        }
    }
    Corpus::Keep
});
