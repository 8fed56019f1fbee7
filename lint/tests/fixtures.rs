//! The marker harness: every fixture directory is checked with the library, and its findings
//! must equal the expectations written next to the code they are about.
//!
//! Cases:
//! - `fixtures/rules/<rule-name>/`, recursively, checked with the built-in settings (or with the
//!   directory's own `vox-clavis-lint.toml` if it has one);
//! - any sub-directory holding its own `vox-clavis-lint.toml` is a separate case checked with that
//!   configuration, and is left out of its parent's case;
//! - `fixtures/demo/`, with its configuration.
//!
//! Expectations:
//! - `//~ rule-a rule-b` on a line: that line has exactly these findings (a rule named twice means
//!   two findings of it). Markers are found by scanning the raw text, so to the parser they are
//!   ordinary comments.
//! - `//~^ rule-a` (on a line of its own) is about the line above, `//~^^` two lines above, and so
//!   on: for lines whose comment must end where it is (a suppression comment without a reason,
//!   where `//~` would read as the reason).
//! - `expect.txt` in a case, for files that cannot carry a marker (not UTF-8, or a parse error
//!   reported past the last line): lines `file.rs:LINE rule-a [rule-b ...]`, the path relative to
//!   the `expect.txt`, `#` starts a comment.
//!
//! Every finding counts, whatever its rule: a line without an expectation must have none.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use vox_clavis_lint::{CheckOptions, Finding, Report, Settings};

const CONFIG_FILE: &str = "vox-clavis-lint.toml";
const EXPECT_FILE: &str = "expect.txt";
const MARKER: &str = "//~";
/// Rules that cannot be triggered on purpose, so they need no fixture.
const NO_FIXTURE_NEEDED: &[&str] = &["internal-error"];

/// `(path relative to the repository, 1-based line, rule)` -> how many findings.
type Expectations = BTreeMap<(String, usize, String), usize>;

/// One configuration and the files checked with it.
#[derive(Debug)]
struct Case {
    dir: PathBuf,
    config: Option<PathBuf>,
    /// Absolute paths of the `.rs` files, sorted.
    files: Vec<PathBuf>,
    expect_files: Vec<PathBuf>,
}

impl Case {
    fn name(&self) -> String {
        rel(&self.dir)
    }

    fn settings(&self) -> Result<Settings, String> {
        let Some(config) = &self.config else {
            return Ok(Settings::default());
        };
        let settings =
            vox_clavis_lint::config::load(Some(config), false, &self.dir).map_err(|e| {
                let mut message = format!("config: {}: {e}", rel(config));
                for p in e.problems() {
                    message.push_str(&format!("\n    {p}"));
                }
                message
            })?;
        if let Some(w) = settings.warnings.first() {
            return Err(format!("config: {}: unexpected warning: {w}", rel(config)));
        }
        Ok(settings)
    }

    fn run(&self, settings: &Settings, threads: usize) -> Result<Report, String> {
        if self.files.is_empty() {
            // No paths would mean "check the working directory".
            return Ok(Report::default());
        }
        // Explicit files are always checked, and leave the sub-cases out without exclude globs
        // (which `check` resolves against the working directory, `lint/` for integration tests).
        let options = CheckOptions {
            paths: self.files.clone(),
            exclude: Vec::new(),
            threads: Some(threads),
            ..CheckOptions::default()
        };
        vox_clavis_lint::check(settings, &options)
            .map_err(|e| format!("check: {}: {e}", self.name()))
    }

    /// The expectations of this case's markers and `expect.txt` files.
    fn expectations(&self, problems: &mut Vec<String>) -> Expectations {
        let known = rule_names();
        let mut expected = Expectations::new();
        for file in &self.files {
            let bytes = std::fs::read(file).expect("read fixture");
            let text = String::from_utf8_lossy(&bytes);
            for (i, line) in text.lines().enumerate() {
                let Some(at) = line.find(MARKER) else {
                    continue;
                };
                let after = &line[at + MARKER.len()..];
                let up = after.len() - after.trim_start_matches('^').len();
                let rules: Vec<&str> = after[up..].split_whitespace().collect();
                let here = format!("{}:{}", rel(file), i + 1);
                let Some(target) = (i + 1).checked_sub(up).filter(|&l| l > 0) else {
                    problems.push(format!(
                        "bad expectation: {here}: `//~{}` points above the file",
                        "^".repeat(up)
                    ));
                    continue;
                };
                add(
                    &mut expected,
                    &known,
                    &here,
                    &rel(file),
                    target,
                    &rules,
                    problems,
                );
            }
        }
        for expect in &self.expect_files {
            let base = expect.parent().expect("expect.txt has a directory");
            let text = std::fs::read_to_string(expect).expect("read expect.txt");
            for (i, raw) in text.lines().enumerate() {
                let line = raw.split('#').next().unwrap_or("").trim();
                if line.is_empty() {
                    continue;
                }
                let here = format!("{}:{}", rel(expect), i + 1);
                let mut words = line.split_whitespace();
                let location = words.next().unwrap_or("");
                let rules: Vec<&str> = words.collect();
                let parsed = location
                    .rsplit_once(':')
                    .and_then(|(f, l)| Some((f, l.parse::<usize>().ok().filter(|&l| l > 0)?)));
                let Some((file, line_no)) = parsed else {
                    problems.push(format!(
                        "bad expectation: {here}: `{location}` is not `file.rs:LINE`"
                    ));
                    continue;
                };
                let path = normalize(&base.join(file));
                if !self.files.contains(&path) {
                    problems.push(format!(
                        "bad expectation: {here}: `{file}` is not a checked file of case {}",
                        self.name()
                    ));
                    continue;
                }
                add(
                    &mut expected,
                    &known,
                    &here,
                    &rel(&path),
                    line_no,
                    &rules,
                    problems,
                );
            }
        }
        expected
    }
}

fn add(
    expected: &mut Expectations,
    known: &BTreeSet<&'static str>,
    here: &str,
    path: &str,
    line: usize,
    rules: &[&str],
    problems: &mut Vec<String>,
) {
    if rules.is_empty() {
        problems.push(format!("bad expectation: {here}: names no rule"));
    }
    for &rule in rules {
        if known.contains(rule) {
            *expected
                .entry((path.to_owned(), line, rule.to_owned()))
                .or_default() += 1;
        } else {
            problems.push(format!("bad expectation: {here}: unknown rule `{rule}`"));
        }
    }
}

fn rule_names() -> BTreeSet<&'static str> {
    vox_clavis_lint::rules::metas().map(|m| m.name).collect()
}

fn repo_root() -> PathBuf {
    normalize(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
}

fn fixtures_root() -> PathBuf {
    repo_root().join("fixtures")
}

/// Every case: each rule directory (and its sub-directories with their own config), then the demo.
fn cases() -> Vec<Case> {
    let root = fixtures_root();
    let mut roots = sorted_dirs(&root.join("rules"));
    roots.push(root.join("demo"));
    let mut out = Vec::new();
    for dir in roots {
        collect_case(dir, &mut out);
    }
    out
}

fn collect_case(dir: PathBuf, out: &mut Vec<Case>) {
    let config = dir.join(CONFIG_FILE);
    let mut case = Case {
        config: config.is_file().then_some(config),
        dir,
        files: Vec::new(),
        expect_files: Vec::new(),
    };
    let mut nested = Vec::new();
    gather(&case.dir.clone(), &mut case, &mut nested);
    out.push(case);
    for sub in nested {
        collect_case(sub, out);
    }
}

fn gather(dir: &Path, case: &mut Case, nested: &mut Vec<PathBuf>) {
    for entry in sorted_entries(dir) {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if entry.is_dir() {
            if entry.join(CONFIG_FILE).is_file() {
                nested.push(entry);
            } else {
                gather(&entry, case, nested);
            }
        } else if name.ends_with(".rs") {
            case.files.push(entry);
        } else if name == EXPECT_FILE {
            case.expect_files.push(entry);
        }
    }
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    sorted_entries(dir)
        .into_iter()
        .filter(|p| p.is_dir())
        .collect()
}

/// A lexically normalised absolute path (no `.` or `..`).
fn normalize(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().expect("cwd").join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the repository root, with `/` separators (`fixtures/rules/...`).
fn rel(path: &Path) -> String {
    let abs = normalize(path);
    let root = repo_root();
    let rel = abs.strip_prefix(&root).unwrap_or(&abs);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A finding's path (relative to the working directory, or absolute when outside it) as `rel`.
fn finding_path(f: &Finding) -> String {
    rel(Path::new(&f.path))
}

/// One difference between expectations and findings, sortable by place.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Difference {
    path: String,
    line: usize,
    rule: String,
    text: String,
}

/// Compares one case's findings with its expectations.
fn compare(expected: &Expectations, findings: &[Finding], out: &mut Vec<Difference>) {
    let mut actual: BTreeMap<(String, usize, String), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        actual
            .entry((finding_path(f), f.location.start.line, f.rule.to_owned()))
            .or_default()
            .push(f);
    }
    let keys: BTreeSet<&(String, usize, String)> = expected.keys().chain(actual.keys()).collect();
    for key in keys {
        let (path, line, rule) = key;
        let want = expected.get(key).copied().unwrap_or(0);
        let got = actual.get(key).map_or(&[][..], Vec::as_slice);
        let difference = |text: String| Difference {
            path: path.clone(),
            line: *line,
            rule: rule.clone(),
            text,
        };
        for _ in got.len()..want {
            out.push(difference(format!("missing: {path}:{line} {rule}")));
        }
        for f in got.iter().skip(want) {
            out.push(difference(format!(
                "extra: {path}:{line} {rule} ({})",
                f.message
            )));
        }
    }
}

#[test]
fn findings_match_markers() {
    let cases = cases();
    let mut problems = Vec::new();
    let mut differences = Vec::new();
    let (mut expected_total, mut found_total, mut files_total) = (0, 0, 0);
    for case in &cases {
        let expected = case.expectations(&mut problems);
        expected_total += expected.values().sum::<usize>();
        files_total += case.files.len();
        let report = case.settings().and_then(|settings| case.run(&settings, 1));
        match report {
            Ok(report) => {
                found_total += report.findings.len();
                compare(&expected, &report.findings, &mut differences);
            }
            Err(e) => problems.push(e),
        }
    }
    if expected_total == 0 {
        problems.push("no expectations found at all: the harness would pass vacuously".into());
    }
    differences.sort();
    let missing = differences
        .iter()
        .filter(|d| d.text.starts_with("missing"))
        .count();
    let extra = differences.len() - missing;
    if problems.is_empty() && differences.is_empty() {
        return;
    }
    let mut message = format!(
        "fixture findings differ from their expectations: {missing} missing, {extra} extra \
         ({expected_total} expected, {found_total} found, in {files_total} files of {} cases)\n",
        cases.len()
    );
    for p in &problems {
        message.push_str(p);
        message.push('\n');
    }
    for d in &differences {
        message.push_str(&d.text);
        message.push('\n');
    }
    message.push_str(
        "(mark each flagged line with `//~ rule-name`, one name per finding; see lint/tests/fixtures.rs)",
    );
    panic!("{message}");
}

#[test]
fn every_rule_has_a_fixture_with_markers() {
    let known = rule_names();
    let rules_dir = fixtures_root().join("rules");
    let mut problems = Vec::new();
    let dirs = sorted_dirs(&rules_dir);
    for dir in &dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !known.contains(name.as_str()) {
            problems.push(format!("{}: no rule is named `{name}`", rel(dir)));
        }
    }
    let cases = cases();
    for rule in known {
        if NO_FIXTURE_NEEDED.contains(&rule) {
            continue;
        }
        let dir = rules_dir.join(rule);
        if !dir.is_dir() {
            problems.push(format!(
                "rule `{rule}` has no fixture directory {}",
                rel(&dir)
            ));
            continue;
        }
        let mut ignored = Vec::new();
        let marked: usize = cases
            .iter()
            .filter(|c| c.dir.starts_with(&dir))
            .flat_map(|c| c.expectations(&mut ignored))
            .filter(|((_, _, r), _)| r == rule)
            .map(|(_, n)| n)
            .sum();
        if marked == 0 {
            problems.push(format!(
                "rule `{rule}`: no `//~ {rule}` marker (or expect.txt line) in {}",
                rel(&dir)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn findings_do_not_depend_on_thread_count() {
    let summary = |r: &Report| -> Vec<String> {
        r.findings
            .iter()
            .map(|f| {
                format!(
                    "{}:{}:{} {} {} [{}]",
                    f.path,
                    f.location.start.line,
                    f.location.start.column,
                    f.rule,
                    f.message,
                    f.fingerprint
                )
            })
            .collect()
    };
    let mut total = 0;
    for case in cases() {
        let settings = case
            .settings()
            .unwrap_or_else(|e| panic!("case {}: {e}", case.name()));
        let one = case.run(&settings, 1).unwrap();
        let eight = case.run(&settings, 8).unwrap();
        assert_eq!(
            summary(&one),
            summary(&eight),
            "case {}: findings differ between 1 and 8 threads",
            case.name()
        );
        assert_eq!(one.findings, eight.findings, "case {}", case.name());
        assert_eq!(
            one.files_checked,
            eight.files_checked,
            "case {}",
            case.name()
        );
        total += one.findings.len();
    }
    // All cases that use the built-in settings at once: many files, several crates.
    let all = Case {
        dir: fixtures_root(),
        config: None,
        files: cases()
            .into_iter()
            .filter(|c| c.config.is_none())
            .flat_map(|c| c.files)
            .collect(),
        expect_files: Vec::new(),
    };
    let settings = Settings::default();
    let one = all.run(&settings, 1).unwrap();
    let eight = all.run(&settings, 8).unwrap();
    assert_eq!(
        summary(&one),
        summary(&eight),
        "all default-settings fixtures together"
    );
    assert_eq!(one.findings, eight.findings);
    assert!(
        total > 0,
        "no findings at all: the comparison would be vacuous"
    );
}

/// The prefilter (files no rule could fire in are not parsed) changes no finding: every case
/// gives the same report with it and without it. The cases are copied without their `//~`
/// markers first: a marker spells its rule's name, which would make every marked file a
/// trigger match.
#[test]
fn prefilter_changes_no_finding() {
    let mut differences = Vec::new();
    let mut checked = 0;
    for case in cases() {
        if case.files.is_empty() || case.settings().is_err() {
            continue;
        }
        let copy = tempfile::tempdir().expect("temp dir");
        let moved = |p: &Path| {
            copy.path()
                .join(p.strip_prefix(&case.dir).expect("in the case"))
        };
        copy_unmarked(&case.dir, copy.path());
        let settings = match &case.config {
            Some(config) => vox_clavis_lint::config::load(Some(&moved(config)), false, copy.path())
                .expect("config"),
            None => Settings::default(),
        };
        let files: Vec<PathBuf> = case.files.iter().map(|f| moved(f)).collect();
        let run = |no_prefilter| {
            let options = CheckOptions {
                paths: files.clone(),
                threads: Some(2),
                no_prefilter,
                ..CheckOptions::default()
            };
            vox_clavis_lint::check(&settings, &options).expect("check runs")
        };
        let (filtered, all) = (run(false), run(true));
        let lines = |r: &Report| -> Vec<String> {
            r.findings
                .iter()
                .chain(&r.suppressed)
                .map(|f| {
                    format!(
                        "{}:{} {} {}",
                        f.path, f.location.start.line, f.rule, f.message
                    )
                })
                .collect()
        };
        let (a, b) = (lines(&filtered), lines(&all));
        if a != b {
            let only = |x: &[String], y: &[String]| {
                x.iter()
                    .filter(|l| !y.contains(l))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n  ")
            };
            differences.push(format!(
                "{}: only with the prefilter:\n  {}\nonly without:\n  {}",
                case.name(),
                only(&a, &b),
                only(&b, &a)
            ));
        }
        checked += a.len();
    }
    assert!(checked > 300, "only {checked} findings compared");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// Copies the tree `from` into `to` (manifests and configs included: they decide crates and
/// settings), with the `//~` markers cut from the `.rs` files.
fn copy_unmarked(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in sorted_entries(from) {
        let target = to.join(entry.file_name().unwrap());
        if entry.is_dir() {
            copy_unmarked(&entry, &target);
            continue;
        }
        let bytes = std::fs::read(&entry).unwrap();
        let is_rs = entry.extension().is_some_and(|e| e == "rs");
        let bytes = match String::from_utf8(bytes) {
            Ok(text) if is_rs => text
                .lines()
                .map(|l| l.find(MARKER).map_or(l, |at| l[..at].trim_end()))
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes(),
            Ok(text) => text.into_bytes(),
            Err(e) => e.into_bytes(),
        };
        std::fs::write(target, bytes).unwrap();
    }
}
