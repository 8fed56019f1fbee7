//! Whether a file is Rust, without building a syntax tree.
//!
//! Every file is syntax-checked, so that one that does not parse is reported rather than
//! skipped; but most files of a tree hold nothing any rule looks for (see
//! [`crate::analysis::prefilter`]), and for those a syn tree, at about 90 bytes per byte of source, is
//! paid for only to be dropped. rust-analyzer's parser checks the whole grammar while
//! building nothing but a flat list of events: on the benchmark corpus it is about 4 times
//! faster than `syn::parse_file` with a small fraction of the memory (`bench/analysis.md`).
//!
//! The two grammars differ at the edges: rust-analyzer knows cargo-script front matter, which
//! syn rejects, and parses edition-2015 code (`try!`, `async` as a name) as edition 2021,
//! which syn accepts. A file this check rejects is therefore parsed by syn before anything is
//! reported, and its finding carries syn's message, the same as for any other file.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ra_ap_parser::{Edition, LexedStr, Step, TopEntryPoint};

/// The edition the text is lexed and parsed as. Keywords are the only difference that
/// matters here, and 2021's are what most code uses.
const EDITION: Edition = Edition::Edition2021;

/// Whether `text` lexes and parses as a Rust source file. A panic in the parser counts as
/// "does not parse", so that the caller asks syn instead.
pub fn parses(text: &str) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        let lexed = LexedStr::new(EDITION, text);
        if lexed.errors().next().is_some() {
            return false;
        }
        let output = TopEntryPoint::SourceFile.parse(&lexed.to_input(EDITION));
        !output.iter().any(|step| matches!(step, Step::Error { .. }))
    }))
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::parses;

    #[test]
    fn accepts_rust_and_rejects_what_is_not() {
        assert!(parses(""));
        assert!(parses(
            "#![allow(dead_code)]\nfn main() { let x = vec![1, 2]; }\n"
        ));
        assert!(parses("#!/usr/bin/env rust\nfn main() {}\n"));
        assert!(parses("macro_rules! m { ($($t:tt)*) => { $($t)* } }\n"));
        assert!(!parses("fn main() {\n"), "unclosed delimiter");
        assert!(!parses("fn main() { let x = ; }"), "missing expression");
        assert!(
            !parses("fn main() { \"unterminated }"),
            "unterminated string"
        );
        assert!(!parses("/* unterminated comment"), "unterminated comment");
        assert!(!parses("fn f() -> { 1 }"), "missing type");
        assert!(!parses(
            "<<<<<<< HEAD\nfn a() {}\n=======\nfn b() {}\n>>>>>>> x\n"
        ));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // Workers run with a large stack (see `engine`); a test thread has 2 MB.
        let text = format!("fn f() {{ {}1{} }}", "(".repeat(5_000), ")".repeat(5_000));
        let result = std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || parses(&text))
            .expect("thread")
            .join()
            .expect("no panic");
        assert!(result);
    }
}
