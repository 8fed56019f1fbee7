//! What the fuzz targets share: the settings they check with, and "the pipeline a user sees"
//! (check, then render the report in every output format), run the way the binary runs it.
//!
//! The targets live in `fuzz_targets/`; `bench/fuzz/run` runs them and bench/fuzz/RESULTS.md
//! records what they found.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};
use vox_clavis_lint::config::{ConfigError, from_toml_str};
use vox_clavis_lint::engine::check_sources;
use vox_clavis_lint::render::{self, Format, RenderOptions};
use vox_clavis_lint::{Report, Settings};

pub mod splice;

/// The demo's configuration (six secrets, one of them not sensitive), so the inventory-driven
/// rules and the taint flows run, not only the name heuristics.
pub fn demo_settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let text = include_str!("../../fixtures/demo/vox-clavis-lint.toml");
        from_toml_str(text, &scratch_dir().join("vox-clavis-lint.toml"))
            .expect("the demo configuration loads")
    })
}

/// A directory of this process for the files the loaders read (a config file, a contract).
pub fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // In memory when the machine has /dev/shm: a file on disk made a fifth of each run.
        let shm = Path::new("/dev/shm");
        let parent = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("vox-clavis-lint-fuzz")
            .tempdir_in(parent)
            .expect("a temporary directory")
            .keep();
        std::fs::create_dir_all(dir.join("contracts")).expect("contracts/");
        std::fs::write(dir.join("contracts/small.json"), SMALL_CONTRACT).expect("a contract");
        dir
    })
}

/// The contract a fuzzed configuration may include (`contracts/small.json`).
const SMALL_CONTRACT: &str = r#"{"secrets": [{"id": "OpenAiApiKey", "canonical_env": "OPENAI_API_KEY",
"aliases": ["OPENAI_KEY"], "deprecated_aliases": ["OAI_KEY"], "description": "OpenAI"},
{"id": "Model", "canonical_env": "VOX_MODEL", "sensitive": false}]}"#;

/// A small file with a finding for most rules: what a fuzzed configuration is tried on.
pub const SNIPPET: &str = r#"use std::env;
#[derive(Debug, serde::Serialize)]
struct Config { api_key: String, password: String }
fn main() {
    let key = env::var("OPENAI_API_KEY").unwrap();
    let old = std::env::var("OAI_API_KEY");
    println!("{key} {old:?}");
    let url = format!("https://u:{}@host/", key);
    unsafe { env::set_var("VOX_DB_PASSWORD", "hunter2") };
    let token = "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    // vox-clavis-lint: allow(secret-in-log) reason
    tracing::info!(?token, %url);
}
"#;

/// The worker the pipeline runs on: one thread (the campaign uses one core) with the
/// engine's stack (`WORKER_STACK` in lint/src/engine.rs), so a recursion the binary survives
/// does not overflow here on the main thread's 8 MiB.
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(256 * 1024 * 1024)
            .build()
            .expect("the worker thread starts")
    })
}

/// Checks `sources` as one crate and renders the report in one output format. Which one, and
/// with which options, `pick` decides (a hash of the input: the same input always renders the
/// same way, and over a campaign every format gets every variant): the CLI's defaults or every
/// option on; SARIF's tool rules the whole catalogue as in the CLI, or (three times in four)
/// only the rules the report names. Rendering every format of every input took three quarters
/// of each run, most of it SARIF's catalogue, which is the same for every input (and checked by
/// lint/tests/render_sarif.rs). Panics when a machine-readable format is not valid JSON.
pub fn pipeline(settings: &Settings, sources: &[(&str, &str)], pick: u64) -> Report {
    pool().install(|| {
        let report = check_sources(settings, sources);
        render_one(&report, pick);
        report
    })
}

/// The `pick` of [`pipeline`] for `data` (FNV-1a).
pub fn pick(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Splits fuzz input into up to three files at NUL bytes (`a.rs`, `b.rs`, `c.rs`), so the
/// crate-wide join sees flows across files; a NUL cannot be in the middle of a real token.
pub fn split_files(text: &str) -> Vec<(&'static str, &str)> {
    const NAMES: [&str; 3] = ["src/a.rs", "src/b.rs", "src/c.rs"];
    text.splitn(NAMES.len(), '\0')
        .enumerate()
        .map(|(i, t)| (NAMES[i], t))
        .collect()
}

fn render_one(report: &Report, pick: u64) {
    let formats = Format::ALL.len() as u64;
    let format = Format::ALL[(pick % formats) as usize];
    let (all_options, catalogue) = ((pick / formats) % 2 == 1, (pick / formats / 2) % 4 == 0);
    let named = |name: &str| {
        report
            .findings
            .iter()
            .chain(&report.suppressed)
            .any(|f| f.rule == name)
    };
    let mut options = RenderOptions {
        rules: vox_clavis_lint::rules::metas()
            .filter(|m| catalogue || named(m.name))
            .collect(),
        ..RenderOptions::default()
    };
    if all_options {
        options = RenderOptions {
            color: true,
            statistics: true,
            show_suppressed: true,
            width: Some(40),
            repo_prefix: "crates/a/".to_owned(),
            ..options
        };
    }
    let text = render::render(report, format, &options);
    match format {
        Format::Json | Format::Sarif | Format::Gitlab => valid_json(format, &text),
        Format::RustcJson => text.lines().for_each(|l| valid_json(format, l)),
        Format::Human | Format::Short | Format::Github => {}
    }
}

fn valid_json(format: Format, text: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("`{format}` output is not JSON ({e}):\n{text}");
    }
}

/// Draws a configuration error the way `check` does (lint/src/cli/check.rs,
/// `render_diagnostic`, private there): miette's graphical handler, then each related
/// diagnostic against the parent's source.
pub fn render_config_error(error: &ConfigError) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .with_links(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    let mut out = String::new();
    let _ = handler.render_report(
        &mut out,
        &Part {
            inner: error,
            parent_src: None,
        },
    );
    for related in error.related().into_iter().flatten() {
        let _ = handler.render_report(
            &mut out,
            &Part {
                inner: related,
                parent_src: error.source_code(),
            },
        );
    }
    out
}

/// One diagnostic with its parent's source code when it has none of its own (as in the CLI).
struct Part<'a> {
    inner: &'a dyn Diagnostic,
    parent_src: Option<&'a dyn miette::SourceCode>,
}

impl fmt::Debug for Part<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for Part<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for Part<'_> {}

impl Diagnostic for Part<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.help()
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.inner.source_code().or(self.parent_src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
}
