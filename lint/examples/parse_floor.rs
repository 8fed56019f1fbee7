//! The floor under the linter's speed: walk, read and `syn::parse_file` every file (or, with
//! `--prefilter`, only the files the linter's prefilter wants), visit each AST once, and do
//! nothing else. With `--check-rest` as well, the other files get the syntax check the
//! linter gives them ([`vox_clavis_lint::input::syntax`]): the least the linter itself can do.
//! `bench/run` times it beside the linter, so the report can say how far the linter is from
//! what parsing alone costs.
//!
//! `cargo run --release -p vox-clavis-lint --example parse_floor -- [--prefilter [--check-rest]] [-jN] DIR...`

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use syn::visit::Visit;
use vox_clavis_lint::analysis::prefilter::Prefilter;
use vox_clavis_lint::config;

/// Counts expressions, so the visit cannot be optimised away.
struct Count(usize);

impl<'ast> Visit<'ast> for Count {
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        self.0 += 1;
        syn::visit::visit_expr(self, e);
    }
}

fn main() {
    let mut prefilter = false;
    let mut check_rest = false;
    let mut threads = 0;
    let mut roots = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--prefilter" {
            prefilter = true;
        } else if arg == "--check-rest" {
            check_rest = true;
        } else if let Some(n) = arg.strip_prefix("-j") {
            threads = n.parse().expect("-jN");
        } else {
            roots.push(PathBuf::from(arg));
        }
    }
    let mut files = Vec::new();
    for root in &roots {
        for entry in ignore::WalkBuilder::new(root).build().flatten() {
            if entry.file_type().is_some_and(|t| t.is_file())
                && entry.path().extension().is_some_and(|e| e == "rs")
            {
                files.push(entry.into_path());
            }
        }
    }
    let settings = config::Settings::default();
    let filter = if prefilter {
        vox_clavis_lint::rules::prefilter(&settings)
    } else {
        Prefilter::off()
    };
    let parsed = AtomicUsize::new(0);
    let exprs = AtomicUsize::new(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(256 * 1024 * 1024)
        .build()
        .expect("thread pool");
    pool.install(|| {
        files.par_iter().for_each(|path| {
            let Ok(text) = std::fs::read_to_string(path) else {
                return;
            };
            if !filter.wants(text.as_bytes()) {
                if check_rest {
                    std::hint::black_box(vox_clavis_lint::input::syntax::parses(&text));
                }
                return;
            }
            parsed.fetch_add(1, Ordering::Relaxed);
            if let Ok(file) = syn::parse_file(&text) {
                let mut count = Count(0);
                count.visit_file(&file);
                exprs.fetch_add(count.0, Ordering::Relaxed);
            }
            proc_macro2::extra::invalidate_current_thread_spans();
        });
    });
    println!(
        "{} files, {} parsed, {} expressions",
        files.len(),
        parsed.into_inner(),
        exprs.into_inner()
    );
}
