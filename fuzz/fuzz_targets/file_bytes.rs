//! `file_bytes`: the per-file pipeline on arbitrary bytes. The input is up to three files of
//! one crate (split at NUL bytes), checked with the demo's inventory so every rule and the
//! taint flows run, and the report rendered in every output format.
//!
//! Bytes that are not UTF-8 are decoded lossily: the engine's own read path turns them into
//! one `unparsable-file` finding and stops (lint/src/engine.rs, `check_one`), while decoding
//! keeps the rest of the mutated bytes meaningful to the parser and the rules.

#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};
use vox_clavis_lint_fuzz::{demo_settings, pick, pipeline, split_files};

fuzz_target!(|data: &[u8]| -> Corpus {
    let text = String::from_utf8_lossy(data);
    pipeline(demo_settings(), &split_files(&text), pick(data));
    Corpus::Keep
});
