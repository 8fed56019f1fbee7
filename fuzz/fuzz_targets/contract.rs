//! `contract`: the JSON contract loader on arbitrary bytes, both ways it is reached:
//! `config::contract::parse_contract` directly (then `Inventory::new`, which decides the
//! name conflicts), and through a configuration that includes it (`[inventory] include`),
//! where validation labels conflicts inside the contract and against the TOML's `[[secret]]`
//! tables. Settings that load check a small file with the contract's inventory.
//!
//! The loader runs on one input in four (chosen by the input's hash, so always the same ones):
//! each load compiles the default name patterns and reader catalogue, a constant two
//! milliseconds that held the target to 400 runs a second; the direct parse runs on every
//! input.

#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};
use vox_clavis_lint::config::contract::parse_contract;
use vox_clavis_lint::config::{Inventory, from_toml_str};
use vox_clavis_lint_fuzz::{SNIPPET, pick, pipeline, render_config_error, scratch_dir};

/// Includes the fuzzed contract and declares two secrets of the demo, whose names a contract
/// may claim again.
const CONFIG: &str = r#"
[inventory]
include = ["contracts/fuzzed.json"]

[[secret]]
id = "OpenAiApiKey"
env = "OPENAI_API_KEY"
aliases = ["OPENAI_KEY"]

[[secret]]
id = "DbPassword"
env = "VOX_DB_PASSWORD"
"#;

fuzz_target!(|data: &[u8]| -> Corpus {
    if let Ok(specs) = parse_contract(data, "fuzzed.json") {
        let _ = Inventory::new(specs);
    }
    if pick(data) % 4 != 0 {
        return Corpus::Keep;
    }
    let dir = scratch_dir();
    std::fs::write(dir.join("contracts/fuzzed.json"), data).expect("writable scratch dir");
    match from_toml_str(CONFIG, &dir.join("vox-clavis-lint.toml")) {
        Ok(settings) => {
            pipeline(&settings, &[("src/lib.rs", SNIPPET)], pick(data));
        }
        Err(e) => {
            render_config_error(&e);
        }
    }
    Corpus::Keep
});
