//! The pipeline kept in memory for an editor: one full run, then each edit re-checks the edited
//! file (from the editor's text, not the disk) and joins its crate again. What every file
//! contributed stays, so the report after an edit is the one [`super::check`] gives for the
//! same texts without the cost of checking every file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::gate::{self, Gate};
use super::{
    CheckOptions, FileResult, RunError, WORKER_STACK, check_bytes, finish, join, walk_files,
};
use crate::analysis::derived::{self, DerivedEnum};
use crate::analysis::prefilter::{Declared, Prefilter};
use crate::config::Settings;
use crate::finding::{Finding, Location};
use crate::input::unit::ModuleUnit;
use crate::input::walk::{self, WalkedFile};
use crate::rules::{self, unparsable_file};
use crate::verdict::baseline::{self, Baseline};
use crate::verdict::report::Report;

/// One configuration's files, checked and kept (see the module docs).
pub struct Session {
    /// The configuration's settings, before the derived inventory is merged in.
    base: Settings,
    /// `base` with the inventory enums of the files merged in: what the rules see.
    settings: Settings,
    enums: Vec<DerivedEnum>,
    options: CheckOptions,
    pool: rayon::ThreadPool,
    prefilter: Prefilter,
    files: Vec<WalkedFile>,
    /// Absolute path to index in `files`.
    index: HashMap<PathBuf, usize>,
    units: Vec<ModuleUnit>,
    results: Vec<FileResult>,
    declared: HashMap<String, Declared>,
    /// Editor texts by index in `files`: read instead of the disk.
    overlays: HashMap<usize, String>,
    /// Findings about paths the walk could not enter.
    walk_errors: Vec<Finding>,
    /// Each crate's part of the report, joined.
    parts: BTreeMap<String, Report>,
    baseline: Option<Baseline>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Checks `options.paths` as [`super::check`] does, reading `options.overlay` instead of
    /// the disk. `options.staged` and `options.changes` are not used.
    pub fn start(settings: &Settings, mut options: CheckOptions) -> Result<Session, RunError> {
        let (files, units, walk_errors) = walk_files(settings, &options)?;
        let index: HashMap<PathBuf, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (walk::absolute(&f.path), i))
            .collect();
        // Kept by index from here on, as edits come.
        let overlays: HashMap<usize, String> = std::mem::take(&mut options.overlay)
            .into_iter()
            .filter_map(|(path, text)| Some((*index.get(&path)?, text)))
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads.unwrap_or(0))
            .stack_size(WORKER_STACK)
            .build()
            .map_err(|e| RunError::Threads(e.to_string()))?;
        let walk_errors = walk_errors
            .into_iter()
            .map(|e| {
                unparsable_file::finding(
                    &e.display,
                    Location::file_start(),
                    format!("cannot read `{}`: {}", e.display, e.message),
                )
                .with_help("fix the permissions, or exclude the path with `--exclude`")
            })
            .collect();
        let baseline = settings
            .scan
            .baseline
            .as_ref()
            .and_then(|file| Baseline::read(file).ok());
        let mut session = Session {
            base: settings.clone(),
            settings: settings.clone(),
            enums: Vec::new(),
            options,
            pool,
            prefilter: rules::prefilter(settings),
            files,
            index,
            units,
            results: Vec::new(),
            declared: HashMap::new(),
            overlays,
            walk_errors,
            parts: BTreeMap::new(),
            baseline,
        };
        session.check_all();
        Ok(session)
    }

    /// How many files the session checks.
    pub fn files(&self) -> usize {
        self.files.len()
    }

    /// Whether the session checks the file at `path` (absolute).
    pub fn contains(&self, path: &Path) -> bool {
        self.index.contains_key(path)
    }

    /// The text the session checks for `path` (absolute): the editor's, or the disk's.
    pub fn text(&self, path: &Path) -> Option<String> {
        let i = *self.index.get(path)?;
        self.load(i)
    }

    /// Checks the file at `path` (absolute) again with `text` (`None`: the disk's), and joins
    /// its crate again. Returns `false` when the session does not check that file.
    pub fn update(&mut self, path: &Path, text: Option<String>) -> bool {
        let Some(&i) = self.index.get(path) else {
            return false;
        };
        match text {
            Some(text) => self.overlays.insert(i, text),
            None => self.overlays.remove(&i),
        };
        // An inventory enum declared or edited changes what every file's rules see.
        let enums = self.enums_of(i);
        let display = &self.files[i].display;
        let before: Vec<&DerivedEnum> = self.enums.iter().filter(|e| &e.path == display).collect();
        if format!("{enums:?}") != format!("{before:?}") {
            self.check_all();
            return true;
        }
        // Walked in full: what a later pass would add to it is there from the start, and a
        // file walked further than it needs gets the same findings.
        let prefilter = &self.prefilter;
        let gate = Gate::Triggers {
            prefilter,
            walk_all: true,
        };
        self.results[i] = self.check_one(i, gate);
        // What a crate declares reaches only its own files: the other crates stand.
        let key = self.units[i].crate_key.clone();
        self.rounds(Some(&key));
        self.join_crate(&key);
        true
    }

    /// The report [`super::check`] gives for the files' current texts.
    pub fn report(&self) -> Report {
        let mut report = Report {
            files_checked: self.files.len(),
            ..Report::default()
        };
        report.findings.extend(self.walk_errors.iter().cloned());
        for part in self.parts.values() {
            report.findings.extend(part.findings.iter().cloned());
            report.suppressed.extend(part.suppressed.iter().cloned());
        }
        finish(&mut report);
        if let Some(accepted) = &self.baseline {
            let checked: HashSet<&str> = self.files.iter().map(|f| f.display.as_str()).collect();
            baseline::apply(&mut report, accepted, &|p| checked.contains(p));
        }
        report
    }

    /// The first run, or another after the inventory changed: every file, every crate.
    fn check_all(&mut self) {
        let memory: Vec<(&str, &str)> = self
            .overlays
            .iter()
            .map(|(&i, text)| (self.files[i].display.as_str(), text.as_str()))
            .collect();
        let on_disk: Vec<WalkedFile> = (0..self.files.len())
            .filter(|i| !self.overlays.contains_key(i))
            .map(|i| self.files[i].clone())
            .collect();
        let mut enums = derived::collect(derived::Sources::Files {
            files: &on_disk,
            staged: None,
        });
        enums.extend(derived::collect(derived::Sources::Memory(&memory)));
        // In walk order, as `check` collects them.
        let order: HashMap<&str, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.display.as_str(), i))
            .collect();
        enums.sort_by_key(|e| order.get(e.path.as_str()).copied());
        self.settings = if enums.iter().all(|e| e.variants.is_empty()) {
            self.base.clone()
        } else {
            derived::merge(&self.base, &enums)
        };
        self.enums = enums;
        self.prefilter = rules::prefilter(&self.settings);
        let walk_all = self.options.no_prefilter;
        let this = &*self;
        let progress = this.options.progress.as_deref();
        if let Some(p) = progress {
            p.start(this.files.len());
        }
        let results: Vec<FileResult> = this.pool.install(|| {
            use rayon::prelude::*;
            (0..this.files.len())
                .into_par_iter()
                .map(|i| {
                    let gate = Gate::Triggers {
                        prefilter: &this.prefilter,
                        walk_all,
                    };
                    let r = this.check_one(i, gate);
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
        self.results = results;
        self.declared = HashMap::new();
        self.rounds(None);
        self.parts = BTreeMap::new();
        let crates: HashSet<String> = self.units.iter().map(|u| u.crate_key.clone()).collect();
        for key in crates {
            self.join_crate(&key);
        }
    }

    fn rounds(&mut self, only: Option<&str>) {
        let mut results = std::mem::take(&mut self.results);
        let mut declared = std::mem::take(&mut self.declared);
        let this = &*self;
        gate::rounds(
            &this.pool,
            &this.settings,
            &this.units,
            &mut results,
            &mut declared,
            only,
            &|i, gate| this.check_one(i, gate),
        );
        self.results = results;
        self.declared = declared;
    }

    /// The `i`th file's inventory enums, from the text the session checks.
    fn enums_of(&self, i: usize) -> Vec<DerivedEnum> {
        let Some(text) = self.load(i) else {
            return Vec::new();
        };
        let display = self.files[i].display.as_str();
        derived::collect(derived::Sources::Memory(&[(display, text.as_str())]))
    }

    fn load(&self, i: usize) -> Option<String> {
        match self.overlays.get(&i) {
            Some(text) => Some(text.clone()),
            None => String::from_utf8(std::fs::read(&self.files[i].path).ok()?).ok(),
        }
    }

    fn check_one(&self, i: usize, gate: Gate<'_>) -> FileResult {
        let bytes = match self.overlays.get(&i) {
            Some(text) => Ok(text.clone().into_bytes()),
            None => std::fs::read(&self.files[i].path),
        };
        let r = check_bytes(
            &self.settings,
            &self.files[i],
            self.units[i].clone(),
            bytes,
            gate,
        );
        proc_macro2::extra::invalidate_current_thread_spans();
        r
    }

    /// Joins the files of crate `key` again into its part of the report.
    fn join_crate(&mut self, key: &str) {
        let members: Vec<usize> = (0..self.files.len())
            .filter(|&i| self.units[i].crate_key == key)
            .collect();
        let results: Vec<FileResult> = members.iter().map(|&i| self.results[i].clone()).collect();
        let mut part = Report::default();
        let this = &*self;
        let load = |j: usize| this.load(members[j]);
        this.pool
            .install(|| join(results, &this.settings, &mut part, &load));
        self.parts.insert(key.to_owned(), part);
    }
}
