//! `rust_mutated`: the same pipeline as `file_bytes`, on valid UTF-8 only, grown from real
//! Rust (the fixtures, the linter's own source, crates from the cargo registry: see
//! `bench/fuzz/run`) by a mutator that splices token trees ([`vox_clavis_lint_fuzz::splice`])
//! and libFuzzer's byte mutations with a dictionary of Rust tokens (`fuzz/rust.dict`).

#![no_main]

use libfuzzer_sys::{Corpus, fuzz_mutator, fuzz_target};
use vox_clavis_lint_fuzz::{demo_settings, pick, pipeline, splice, split_files};

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(text) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    pipeline(demo_settings(), &split_files(text), pick(data));
    Corpus::Keep
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    splice::mutate(data, size, max_size, seed, |d, s, m| {
        libfuzzer_sys::fuzzer_mutate(d, s, m)
    })
});
