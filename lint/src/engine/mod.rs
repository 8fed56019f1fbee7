//! The pipeline, and the only place that knows its order:
//! walk -> read -> parse -> facts -> rules -> join (levels, suppressions) -> sort ->
//! fingerprint -> baseline.

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::analysis::derived;
use crate::analysis::facts::{self, FileFacts};
use crate::analysis::join::{CrateFacts, Question};
use crate::analysis::macro_budget;
use crate::analysis::prefilter::Needs;
use crate::config::{PathLevels, Settings};
use crate::finding::RuleMeta;
use crate::finding::{Finding, Location};
use crate::input::changes::Changes;
use crate::input::git::{GitError, Repo};
use crate::input::nesting;
use crate::input::source::{ByteSpan, SourceFile};
use crate::input::unit::{ModuleUnit, UnitFinder};
use crate::input::walk::{self, Excludes, WalkSetupError, WalkedFile};
use crate::rules::context::FileContext;
use crate::rules::{self, internal_error, unparsable_file};
use crate::verdict::baseline::Baseline;
use crate::verdict::diff;
use crate::verdict::report::Report;
use crate::verdict::same_place;
use crate::verdict::suppress::{self, FileSuppressions};
use crate::verdict::{baseline, fingerprint};

mod gate;
mod session;

use gate::{Gate, Plan};
pub use session::Session;

/// syn's parser recurses per nesting level; deep inputs need far more than the default stack.
const WORKER_STACK: usize = 256 * 1024 * 1024;

/// What to check, beyond the configuration.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// Extra exclude globs, relative to the working directory.
    pub exclude: Vec<String>,
    /// Worker threads; `None` for all cores.
    pub threads: Option<usize>,
    /// Findings to leave out of the report (accepted earlier).
    pub baseline: Option<Baseline>,
    /// Check what the index of this repository holds instead of the files on disk
    /// (`--staged`); files the index does not hold are not checked.
    pub staged: Option<Repo>,
    /// Keep only the findings on these changed lines (`--diff`, `--staged`).
    pub changes: Option<Changes>,
    /// Told as files are checked, for a progress bar.
    pub progress: Option<Arc<dyn Progress>>,
    /// Run the facts and rules on every file, even those no rule could fire in (see
    /// [`crate::analysis::prefilter`]): the findings are the same, only slower. For the tests that prove
    /// it, and benchmarks.
    pub no_prefilter: bool,
    /// Directories under `paths` not to walk: another configuration governs them
    /// ([`crate::config::per_path`]).
    pub skip: Vec<PathBuf>,
    /// Texts that stand in for files on disk, by absolute path: the edits of `check --fix`
    /// between its rounds, an editor's unsaved buffers.
    pub overlay: HashMap<PathBuf, String>,
}

/// Receives a run's progress (a progress bar). Called from the worker threads.
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// `files` files are about to be checked.
    fn start(&self, files: usize);
    /// One more file is checked.
    fn file_done(&self);
    /// Every file is checked; only the crate-wide join and the sort remain.
    fn finish(&self);
}

/// Why a run could not be carried out (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Walk(#[from] WalkSetupError),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    #[error("cannot determine the working directory: {0}")]
    Cwd(std::io::Error),
}

/// Everything one file contributed.
#[derive(Clone)]
struct FileResult {
    findings: Vec<Finding>,
    questions: Vec<Question>,
    facts: FileFacts,
    unit: ModuleUnit,
    text: KeptText,
    suppressions: FileSuppressions,
    /// Rule levels for this file after `[[overrides]]`.
    levels: PathLevels,
    /// How far the facts and rules walked it; `None`: only syntax-checked, nothing in it
    /// could be a finding (see [`crate::analysis::prefilter`]).
    walked: Option<Needs>,
    /// A later pass found it needs no more than it got: the earlier result stands.
    unchanged: bool,
}

/// A file's text, for the join to fingerprint and mask findings with. Kept in memory only
/// when the file has findings already: most files with deferred questions get no finding
/// from them, and keeping all their text made peak memory grow with the tree.
#[derive(Clone)]
enum KeptText {
    None,
    Kept(String),
    /// Read again if the answers add findings, and used only if it still hashes the same
    /// (a file edited during the run must not have the wrong spans masked).
    Reread(u64),
}

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl FileResult {
    fn new(display: &str, unit: ModuleUnit) -> Self {
        FileResult {
            findings: Vec::new(),
            questions: Vec::new(),
            facts: FileFacts::empty(display),
            unit,
            text: KeptText::None,
            suppressions: FileSuppressions::default(),
            levels: PathLevels::default(),
            walked: None,
            unchanged: false,
        }
    }
}

/// The files `options.paths` hold that `settings` and `options` do not exclude, each with its
/// module, and the paths the walk could not enter.
type Walked = (Vec<WalkedFile>, Vec<ModuleUnit>, Vec<walk::WalkError>);

fn walk_files(settings: &Settings, options: &CheckOptions) -> Result<Walked, RunError> {
    let cwd = std::env::current_dir().map_err(RunError::Cwd)?;
    let mut excludes = Excludes::default();
    excludes.add(&cwd, &options.exclude)?;
    excludes.add(&settings.base_dir, &settings.scan.exclude)?;
    for dir in &options.skip {
        excludes.add(dir, &["**".to_owned()])?;
    }
    let roots = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let (files, walk_errors) = walk::walk(&roots, &excludes, &cwd)?;
    let mut finder = UnitFinder::default();
    let (files, units): (Vec<WalkedFile>, Vec<ModuleUnit>) = files
        .into_iter()
        .map(|f| {
            let unit = finder.unit(&walk::absolute(&f.path));
            (f, unit)
        })
        .filter(|(_, unit)| settings.scan.tests || !unit.in_test_dir)
        .unzip();
    Ok((files, units, walk_errors))
}

/// Checks `options.paths` with `settings` and returns the sorted report.
pub fn check(settings: &Settings, options: &CheckOptions) -> Result<Report, RunError> {
    let (files, units, walk_errors) = walk_files(settings, options)?;
    // `--staged`: what the next commit holds, fetched in one batch.
    let staged = match &options.staged {
        Some(repo) => {
            let paths: Vec<PathBuf> = files.iter().map(|f| walk::absolute(&f.path)).collect();
            Some(repo.index_blobs(&paths)?)
        }
        None => None,
    };
    let (files, units): (Vec<WalkedFile>, Vec<ModuleUnit>) = match &staged {
        Some(blobs) => files
            .into_iter()
            .zip(units)
            .filter(|(f, _)| blobs.contains_key(&walk::absolute(&f.path)))
            .unzip(),
        None => (files, units),
    };
    // Enums deriving `SecretInventory` add to the inventory before any rule runs.
    let sources = derived::Sources::Files {
        files: &files,
        staged: staged.as_ref(),
    };
    let derived = derived::settings(settings, sources);
    let settings = &*derived;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    let progress = options.progress.as_deref();
    if let Some(p) = progress {
        p.start(files.len());
    }
    let prefilter = rules::prefilter(settings);
    let check_one = |i: usize, gate: Gate<'_>| {
        let r = check_file(
            settings,
            &files[i],
            units[i].clone(),
            (staged.as_ref(), &options.overlay),
            gate,
        );
        proc_macro2::extra::invalidate_current_thread_spans();
        r
    };
    let mut results: Vec<FileResult> = pool.install(|| {
        (0..files.len())
            .into_par_iter()
            .map(|i| {
                let gate = Gate::Triggers {
                    prefilter: &prefilter,
                    walk_all: options.no_prefilter,
                };
                let r = check_one(i, gate);
                if let Some(p) = progress {
                    p.file_done();
                }
                r
            })
            .collect()
    });
    if let Some(p) = progress {
        p.finish();
    }
    gate::rounds(
        &pool,
        settings,
        &units,
        &mut results,
        &mut HashMap::new(),
        None,
        &check_one,
    );

    let mut report = Report {
        files_checked: files.len(),
        ..Report::default()
    };
    for e in walk_errors {
        report.findings.push(
            unparsable_file::finding(
                &e.display,
                Location::file_start(),
                format!("cannot read `{}`: {}", e.display, e.message),
            )
            .with_help("fix the permissions, or exclude the path with `--exclude`"),
        );
    }
    let load = |i: usize| {
        let bytes = read(&files[i], (staged.as_ref(), &options.overlay)).ok()?;
        String::from_utf8(bytes).ok()
    };
    pool.install(|| join(results, settings, &mut report, &load));
    finish(&mut report);
    if let Some(accepted) = &options.baseline {
        let checked: std::collections::HashSet<&str> =
            files.iter().map(|f| f.display.as_str()).collect();
        baseline::apply(&mut report, accepted, &|p| checked.contains(p));
    }
    if let Some(changed) = &options.changes {
        diff::retain_changed(&mut report, changed);
    }
    Ok(report)
}

/// Answers deferred questions per crate, drops findings in test-only modules when tests are
/// not scanned, and keeps the text of files that have findings. Crates, then files, in
/// parallel; each file's part of the report is merged in file order.
/// `load(i)` reads the text of the `i`th file again.
fn join(
    results: Vec<FileResult>,
    settings: &Settings,
    report: &mut Report,
    load: &(dyn Fn(usize) -> Option<String> + Sync),
) {
    let (files, outputs): (Vec<_>, Vec<_>) = results
        .into_iter()
        .map(|r| {
            let per_file = (r.findings, r.questions, r.text, r.suppressions, r.levels);
            ((r.unit, r.facts), per_file)
        })
        .unzip();
    let mut by_crate: BTreeMap<&str, Vec<&FileFacts>> = BTreeMap::new();
    for (unit, facts) in &files {
        by_crate.entry(&unit.crate_key).or_default().push(facts);
    }
    let crates: HashMap<&str, CrateFacts> = by_crate
        .into_par_iter()
        .map(|(k, files)| (k, CrateFacts::build(files)))
        .collect();
    let parts: Vec<Report> = files
        .par_iter()
        .zip(outputs)
        .enumerate()
        .map(|(i, ((unit, facts), mut output))| {
            let krate = &crates[unit.crate_key.as_str()];
            let mut part = Report::default();
            let test_module = is_test_module(&unit.module, krate);
            if settings.scan.tests || !test_module {
                if unit.in_test_dir || test_module {
                    output
                        .0
                        .retain(|f| !rules::ABOUT_FIXTURES.contains(&f.rule));
                }
                join_file(
                    settings,
                    krate,
                    &facts.display,
                    output,
                    &|| load(i),
                    &mut part,
                );
            }
            part
        })
        .collect();
    for part in parts {
        report.findings.extend(part.findings);
        report.suppressed.extend(part.suppressed);
        report.sources.extend(part.sources);
    }
}

type FileOutput = (
    Vec<Finding>,
    Vec<Question>,
    KeptText,
    FileSuppressions,
    PathLevels,
);

/// One file's findings, answers, levels and suppressions, into `report` (empty before).
fn join_file(
    settings: &Settings,
    krate: &CrateFacts,
    display: &str,
    (findings, questions, text, suppressions, levels): FileOutput,
    load: &dyn Fn() -> Option<String>,
    report: &mut Report,
) {
    report.findings.extend(findings);
    for q in &questions {
        if let Some(rule) = rules::by_name(q.rule) {
            rule.answer(settings, krate, q, &mut report.findings);
        }
    }
    apply_levels(settings, &levels, &mut report.findings, 0);
    // Merged before comments silence anything: one place is one finding for a comment too.
    same_place::merge(
        &mut report.findings,
        rules::DeprecatedSecretAlias::META.name,
        rules::SecretEnvRead::META.name,
    );
    silence(settings, &levels, &suppressions, display, report, 0);
    let found = !report.findings.is_empty() || !report.suppressed.is_empty();
    let source = match text {
        KeptText::Kept(text) => Some(text),
        KeptText::Reread(hash) if found => load().filter(|t| text_hash(t) == hash),
        KeptText::Reread(_) | KeptText::None => None,
    };
    if let Some(text) = &source {
        let (kept, silenced) = (&mut report.findings, &mut report.suppressed);
        for f in kept
            .iter_mut()
            .chain(silenced.iter_mut())
            .filter(|f| f.identity.is_empty())
        {
            f.identity = fingerprint::fallback_identity(text, f.location.span);
        }
    }
    if let Some(text) = source
        && !report.findings.is_empty()
    {
        let masked = crate::render::redact::file(&text, &mut report.findings);
        report.sources.insert(display.to_owned(), masked);
    }
}

/// Moves the findings from `from` on that suppression comments cover into
/// `report.suppressed`, and adds the findings about the comments themselves.
fn silence(
    settings: &Settings,
    levels: &PathLevels,
    suppressions: &FileSuppressions,
    path: &str,
    report: &mut Report,
    from: usize,
) {
    if suppressions.is_empty() {
        return;
    }
    let mut mine = report.findings.split_off(from);
    let enabled = |m: &RuleMeta| levels.severity(&settings.rules, m).is_some();
    let rule = |name: &str| rules::by_name(name).map(|r| r.meta());
    let policy = suppress::Policy {
        require_reason: settings.suppressions.require_reason,
        enabled: &enabled,
        rule: &rule,
        names: &crate::config::options::RULE_NAMES,
        invalid: &rules::InvalidSuppression::META,
        unused: &rules::UnusedSuppression::META,
    };
    let about = suppress::apply(
        suppressions,
        path,
        &mut mine,
        &mut report.suppressed,
        &policy,
    );
    report.findings.extend(mine);
    let at = report.findings.len();
    report.findings.extend(about);
    apply_levels(settings, levels, &mut report.findings, at);
}

/// Gives the findings from `from` on their configured severity in their file (`levels`),
/// dropping rules turned off.
fn apply_levels(
    settings: &Settings,
    levels: &PathLevels,
    findings: &mut Vec<Finding>,
    from: usize,
) {
    let mut i = from;
    while i < findings.len() {
        let level = rules::by_name(findings[i].rule).map_or(Some(findings[i].severity), |r| {
            levels.severity(&settings.rules, r.meta())
        });
        match level {
            Some(severity) => {
                let ceiling = findings[i].ceiling.unwrap_or(severity);
                findings[i].severity = severity.min(ceiling);
                i += 1;
            }
            None => {
                findings.swap_remove(i);
            }
        }
    }
}

fn is_test_module(module: &[String], krate: &CrateFacts) -> bool {
    (2..=module.len()).any(|n| krate.test_modules.contains(&module[..n].join("::")))
}

/// Sorts, removes exact duplicates, and assigns fingerprints that survive unrelated edits.
fn finish(report: &mut Report) {
    report.sort();
    fingerprint::assign(&mut report.findings, &mut report.suppressed);
}

/// Where a file's bytes come from besides the disk: the index (`--staged`), an overlay.
type Contents<'a> = (
    Option<&'a HashMap<PathBuf, Vec<u8>>>,
    &'a HashMap<PathBuf, String>,
);

/// A file's bytes: from the overlay, from the index with `--staged`, from disk otherwise.
fn read(file: &WalkedFile, (staged, overlay): Contents<'_>) -> std::io::Result<Vec<u8>> {
    if !overlay.is_empty()
        && let Some(text) = overlay.get(&walk::absolute(&file.path))
    {
        return Ok(text.clone().into_bytes());
    }
    match staged {
        Some(blobs) => blobs
            .get(&walk::absolute(&file.path))
            .cloned()
            .ok_or_else(|| std::io::Error::other("not in the index")),
        None => std::fs::read(&file.path),
    }
}

fn check_file(
    settings: &Settings,
    file: &WalkedFile,
    unit: ModuleUnit,
    contents: Contents<'_>,
    gate: Gate<'_>,
) -> FileResult {
    check_bytes(settings, file, unit, read(file, contents), gate)
}

/// [`check_file`] on bytes already read: from disk, the index, or an editor's buffer.
fn check_bytes(
    settings: &Settings,
    file: &WalkedFile,
    unit: ModuleUnit,
    bytes: std::io::Result<Vec<u8>>,
    gate: Gate<'_>,
) -> FileResult {
    let mut result = FileResult::new(&file.display, unit);
    result.levels = settings.levels_at(&file.path);
    let unparsable =
        |message: String, location| unparsable_file::finding(&file.display, location, message);
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            result.findings.push(
                unparsable(format!("cannot read file: {e}"), Location::file_start())
                    .with_help("fix the permissions, or exclude the file with `--exclude`"),
            );
            return result;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            let source = SourceFile::new(file.path.clone(), file.display.clone(), prefix);
            let end = source.text.len();
            result.findings.push(
                unparsable(
                    format!("file is not valid UTF-8 (invalid byte at offset {at})"),
                    Location::of(&source, ByteSpan { start: end, end }),
                )
                .with_help("Rust sources must be UTF-8; re-encode the file"),
            );
            return result;
        }
    };
    let Some(plan) = gate.plan(&text) else {
        // Checked as far as it needs in an earlier pass.
        result.unchanged = true;
        return result;
    };
    let source = SourceFile::new(file.path.clone(), file.display.clone(), text);
    analyze(settings, source, result, plan)
}

/// Parses and checks one file's text; parse errors and panics become findings. A file the
/// plan does not walk is only syntax-checked: it is still reported when it does not parse,
/// but gets no facts and no rule walks it (it is not `walked`).
fn analyze(
    settings: &Settings,
    source: SourceFile,
    mut result: FileResult,
    plan: Plan,
) -> FileResult {
    result.walked = plan.walk;
    let unparsable =
        |message: String, location| unparsable_file::finding(&source.display, location, message);
    let deepest = nesting::deepest(&source.text);
    if deepest.depth > nesting::LIMIT {
        let at = ByteSpan {
            start: deepest.offset,
            end: deepest.offset + 1,
        };
        result.findings.push(
            unparsable(
                format!(
                    "file is nested too deeply to analyze: depth {} exceeds the limit of {}",
                    deepest.depth,
                    nesting::LIMIT
                ),
                Location::of(&source, at),
            )
            .with_label("nesting exceeds the limit here")
            .with_help("generated code this deep is best excluded with `--exclude`"),
        );
        result.text = KeptText::Kept(source.text);
        return result;
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if let Some(needs) = plan.walk {
            match run_rules(settings, &source, &result.unit, &result.levels, needs) {
                // syn's grammar is narrower than Rust's at the edges; a file no rule needs is
                // reported only when it is not Rust at all.
                Err(_) if !plan.needed && crate::input::syntax::parses(&source.text) => Ok(None),
                outcome => outcome.map(Some),
            }
        } else if crate::input::syntax::parses(&source.text) {
            Ok(None)
        } else {
            // The error to report, in syn's words (or none: see `crate::input::syntax`).
            syn::parse_file(&source.text).map(|_| None)
        }
    }));
    match outcome {
        Ok(Ok(None)) => result.walked = None,
        Ok(Ok(Some((facts, findings, questions, suppressions)))) => {
            result.facts = facts;
            result.findings = findings;
            result.questions = questions;
            result.suppressions = suppressions;
        }
        Ok(Err(err)) => {
            let location = Location::from_syn(&source, err.span());
            // proc-macro2's lexer error says nothing useful on its own.
            let what = match err.to_string() {
                m if m == "cannot parse string into token stream" => {
                    "unbalanced delimiters or an invalid token".to_owned()
                }
                m => m,
            };
            result.findings.push(
                unparsable(format!("file does not parse: {what}"), location)
                    .with_label(what)
                    .with_help("fix the syntax error, or exclude the file with `--exclude`"),
            );
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            result
                .findings
                .push(internal_error::finding(&source.display, &what));
        }
    }
    if !result.findings.is_empty() {
        result.text = KeptText::Kept(source.text);
    } else if !result.questions.is_empty() || !result.suppressions.is_empty() {
        result.text = KeptText::Reread(text_hash(&source.text));
    }
    result
}

/// Checks in-memory sources as one crate (each `(display path, text)` a file of it), on the
/// current thread: for tests, documentation examples and editor buffers.
pub fn check_sources(settings: &Settings, sources: &[(&str, &str)]) -> Report {
    let derived = derived::settings(settings, derived::Sources::Memory(sources));
    let settings = &*derived;
    let unit = ModuleUnit {
        crate_key: "<memory>".to_owned(),
        module: vec!["crate".to_owned()],
        in_test_dir: false,
    };
    let results: Vec<FileResult> = sources
        .iter()
        .map(|&(display, text)| {
            let source = SourceFile::new(display.into(), display.to_owned(), text.to_owned());
            let mut result = FileResult::new(display, unit.clone());
            result.levels = settings.levels_at(std::path::Path::new(display));
            let plan = Plan {
                walk: Some(Needs::Flows),
                needed: true,
            };
            analyze(settings, source, result, plan)
        })
        .collect();
    let mut report = Report {
        files_checked: sources.len(),
        ..Report::default()
    };
    join(results, settings, &mut report, &|i| {
        Some(sources[i].1.to_owned())
    });
    finish(&mut report);
    report
}

type RuleOutput = (FileFacts, Vec<Finding>, Vec<Question>, FileSuppressions);

fn run_rules(
    settings: &Settings,
    source: &SourceFile,
    unit: &ModuleUnit,
    levels: &PathLevels,
    needs: Needs,
) -> Result<RuleOutput, syn::Error> {
    let file = syn::parse_file(&source.text)?;
    macro_budget::start(source.text.len());
    let mut facts = match needs {
        Needs::Tree => FileFacts::empty(&source.display),
        Needs::Facts | Needs::Flows => {
            facts::collect(source, settings, unit, &file, needs == Needs::Flows)
        }
    };
    let mut cx = FileContext::new(source, settings, &facts);
    for rule in rules::all() {
        if levels.severity(&settings.rules, rule.meta()).is_some() {
            rule.check(&mut cx, &file);
        }
    }
    let (mut findings, questions) = (cx.findings, cx.questions);
    if macro_budget::ran_out() {
        findings.push(
            unparsable_file::finding(
                &source.display,
                Location::file_start(),
                "macros nest or expand past what the analysis reads (nested arguments, \
                 recursive expansions); the macros past the limit were not checked",
            )
            .with_help("generated code this deep is best excluded with `--exclude`"),
        );
    }
    // Suppression comments need the tree for the extent of the item or statement they
    // precede; the tree is dropped right after.
    let suppressions = suppress::collect(source, &file);
    drop(file);
    // Each became a question, which carries it to the join; no need to keep it twice.
    facts.macro_calls = Vec::new();
    Ok((facts, findings, questions, suppressions))
}

/// What `vox-clavis-lint inventory` needs: the merged settings and every conflict.
#[derive(Debug)]
pub struct Scanned {
    /// The configuration's settings with the derived inventory merged in.
    pub settings: Settings,
    /// The enums found, in walk order.
    pub enums: Vec<derived::DerivedEnum>,
    /// Every conflict, by file and position.
    pub conflicts: Vec<derived::Conflict>,
}

/// Walks `paths` as `check` does (the configuration's `[scan] exclude`, and `exclude`
/// relative to the working directory) and reads their inventory enums.
pub fn scan_inventory(
    settings: &Settings,
    paths: &[PathBuf],
    exclude: &[String],
) -> Result<Scanned, RunError> {
    let cwd = std::env::current_dir().map_err(RunError::Cwd)?;
    let mut excludes = Excludes::default();
    excludes.add(&cwd, exclude)?;
    excludes.add(&settings.base_dir, &settings.scan.exclude)?;
    let roots = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let (files, _) = walk::walk(&roots, &excludes, &cwd)?;
    let enums = derived::collect(derived::Sources::Files {
        files: &files,
        staged: None,
    });
    let merged = derived::merge(settings, &enums);
    let mut found = Vec::new();
    for decl in &enums {
        let same_file: Vec<derived::DerivedEnum> = enums
            .iter()
            .filter(|e| e.path == decl.path && e.origin != decl.origin)
            .cloned()
            .collect();
        found.extend(derived::conflicts(&merged.inventory, decl, &same_file));
    }
    found.sort_by(|a, b| (&a.path, a.location.start).cmp(&(&b.path, b.location.start)));
    Ok(Scanned {
        settings: merged,
        enums,
        conflicts: found,
    })
}
