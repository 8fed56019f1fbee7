//! `init`: scans a tree and writes a starter `vox-clavis-lint.toml`, so adopting the linter
//! starts from the secrets the code already reads instead of an empty inventory.
//!
//! The scan is `secret-env-read` alone with the built-in name patterns; each name it reports
//! becomes one `[[secret]]`, with the places that read it as comments for the reviewer. The
//! text is loaded back through the real configuration loader before it is written, so `init`
//! can never leave a file that fails the next run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::args::InitArgs;
use super::{exit, print_error, write_stderr};
use crate::config::{self, CONFIG_FILE_NAMES, discover, is_screaming_snake, suggested_id};
use crate::engine::{self, CheckOptions};
use crate::rules;

/// What every starter config excludes: build output and vendored code are not the team's to fix.
const DEFAULT_EXCLUDES: [&str; 2] = ["target/**", "vendor/**"];

/// Places listed per secret before the rest is summarised as a count.
const MAX_PLACES: usize = 5;

/// Runs `init` and returns the exit status.
pub fn run(args: &InitArgs) -> u8 {
    match execute(args) {
        Ok(()) => exit::CLEAN,
        Err(message) => {
            print_error(message);
            exit::FAILURE
        }
    }
}

fn execute(args: &InitArgs) -> Result<(), String> {
    let dir = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        return Err(format!("`{}` is not a directory", dir.display()));
    }
    let target = dir.join(CONFIG_FILE_NAMES[0]);
    if !args.force
        && let Some(existing) = existing_config(&dir)
    {
        return Err(format!(
            "{existing} already configures vox-clavis-lint here; pass `--force` to write `{}` anyway",
            target.display()
        ));
    }

    let found = scan(&dir)?;
    let text = starter_config(&found);
    // Never write a file the next run would reject.
    if let Err(e) = config::from_toml_str(&text, &target) {
        return Err(format!(
            "the generated configuration does not load ({e}); this is a bug, please report it"
        ));
    }
    std::fs::write(&target, &text)
        .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    let n = found.secrets.len();
    write_stderr(&format!(
        "wrote `{}` with {n} {} found in {} {}\n",
        target.display(),
        if n == 1 { "secret" } else { "secrets" },
        found.files,
        if found.files == 1 { "file" } else { "files" },
    ));
    if !found.unchecked.is_empty() {
        write_stderr(&format!(
            "warning: {} {} could not be checked, so names read there are missing: {}\n",
            found.unchecked.len(),
            if found.unchecked.len() == 1 {
                "file"
            } else {
                "files"
            },
            found.unchecked.join(", ")
        ));
    }
    Ok(())
}

/// A configuration in `dir` that a new file would overwrite or shadow: either config file
/// name, or a `Cargo.toml` with our metadata table (a standalone file takes precedence).
fn existing_config(dir: &Path) -> Option<String> {
    if let Some(file) = CONFIG_FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.exists())
    {
        return Some(format!("`{}`", file.display()));
    }
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).ok()?;
    matches!(discover::cargo_table_kind(&text), Ok(Some(_))).then(|| {
        format!(
            "the `vox-clavis-lint` metadata table of `{}`",
            manifest.display()
        )
    })
}

/// What the scan found.
#[derive(Debug, Default)]
struct Found {
    /// Secret name -> places (`path:line`, relative to the config's directory) that read it.
    secrets: BTreeMap<String, BTreeSet<Place>>,
    /// Names that look secret but cannot be inventory names (not SCREAMING_SNAKE_CASE).
    skipped: BTreeSet<String>,
    /// Files the linter could not read or parse.
    unchecked: Vec<String>,
    files: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    path: String,
    line: usize,
}

/// Runs `secret-env-read` alone, with built-in patterns only, over `dir`.
fn scan(dir: &Path) -> Result<Found, String> {
    let mut settings = config::load(None, true, dir).map_err(|e| e.to_string())?;
    settings.base_dir = std::path::absolute(dir).map_err(|e| e.to_string())?;
    settings.scan.exclude = DEFAULT_EXCLUDES.map(str::to_owned).to_vec();
    for meta in rules::metas() {
        if !matches!(
            meta.name,
            "secret-env-read" | "unparsable-file" | "internal-error"
        ) {
            settings.rules.levels.insert(meta.name, None);
        }
    }
    let options = CheckOptions {
        paths: vec![dir.to_path_buf()],
        ..CheckOptions::default()
    };
    let report = engine::check(&settings, &options).map_err(|e| e.to_string())?;

    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let base = &settings.base_dir;
    let mut found = Found {
        files: report.files_checked,
        ..Found::default()
    };
    for f in report.findings.iter().chain(&report.suppressed) {
        if f.rule != "secret-env-read" {
            found.unchecked.push(f.path.clone());
            continue;
        }
        let Some(name) = &f.secret_name else { continue };
        if !is_screaming_snake(name) {
            found.skipped.insert(name.clone());
            continue;
        }
        let absolute = cwd.join(&f.path);
        let path = absolute
            .strip_prefix(base)
            .map_or_else(|_| f.path.clone(), slash_path);
        found
            .secrets
            .entry(name.clone())
            .or_default()
            .insert(Place {
                path,
                line: f.location.start.line,
            });
    }
    found.unchecked.sort();
    found.unchecked.dedup();
    Ok(found)
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The starter configuration's text: deterministic for the same tree.
fn starter_config(found: &Found) -> String {
    let mut out = format!(
        "# vox-clavis-lint configuration, written by `vox-clavis-lint init`. The format is described in\n\
         # {}configuration.md.\n\
         #\n\
         # Review it before committing. Each `[[secret]]` is a variable the code reads whose name looks\n\
         # like a secret: keep the real secrets (and resolve them with `vox_clavis::resolve(SecretId::..)`\n\
         # instead of reading them), add their `aliases` and `deprecated` names, give them better ids,\n\
         # and move names that are not secrets to `[names] not-secret`.\n\
         \n\
         [scan]\n\
         # Build output and vendored code are not yours to fix.\n",
        crate::finding::DOCS_URL
    );
    let excludes: Vec<String> = DEFAULT_EXCLUDES
        .iter()
        .map(|g| format!("\"{g}\""))
        .collect();
    out.push_str(&format!("exclude = [{}]\n", excludes.join(", ")));

    if !found.skipped.is_empty() {
        out.push_str(
            "\n# Read in the code and secret-looking, but not SCREAMING_SNAKE_CASE, so not listed:\n",
        );
        for name in &found.skipped {
            out.push_str(&format!("#   {}\n", comment_safe(name)));
        }
    }
    if found.secrets.is_empty() {
        out.push_str(
            "\n# No secret-looking environment reads were found. Declare secrets as:\n\
             # [[secret]]\n\
             # id = \"OpenAiApiKey\"\n\
             # env = \"OPENAI_API_KEY\"\n",
        );
    }

    let mut ids = BTreeSet::new();
    for (name, places) in &found.secrets {
        let id = unique_id(&mut ids, suggested_id(name));
        out.push_str(&format!("\n[[secret]]\nid = \"{id}\"\nenv = \"{name}\"\n"));
        let listed: Vec<String> = places
            .iter()
            .take(MAX_PLACES)
            .map(|p| format!("{}:{}", comment_safe(&p.path), p.line))
            .collect();
        let more = places.len().saturating_sub(MAX_PLACES);
        out.push_str(&format!("# read in {}", listed.join(", ")));
        if more > 0 {
            out.push_str(&format!(" and {more} more"));
        }
        out.push('\n');
    }
    out
}

/// `id`, or `id2`, `id3`, ... when two names suggest the same id (`A1_TOKEN` and `A_1_TOKEN`).
fn unique_id(taken: &mut BTreeSet<String>, id: String) -> String {
    let mut candidate = id.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{id}{n}");
        n += 1;
    }
    candidate
}

/// A path or name in a TOML comment: a newline would end the comment and start garbage.
fn comment_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(names: &[(&str, &[(&str, usize)])]) -> Found {
        Found {
            secrets: names
                .iter()
                .map(|(n, places)| {
                    let set = places
                        .iter()
                        .map(|(p, l)| Place {
                            path: (*p).to_owned(),
                            line: *l,
                        })
                        .collect();
                    ((*n).to_owned(), set)
                })
                .collect(),
            ..Found::default()
        }
    }

    #[test]
    fn every_starter_config_loads() {
        let many: Vec<(&str, usize)> = (1..=8).map(|l| ("src/a.rs", l)).collect();
        let cases = [
            found(&[]),
            found(&[
                ("OPENAI_API_KEY", &[("src/llm.rs", 3)]),
                ("GITHUB_TOKEN", &many),
            ]),
            found(&[
                ("A1_TOKEN", &[("a\nb.rs", 1)]),
                ("A_1_TOKEN", &[("x.rs", 2)]),
            ]),
        ];
        for case in cases {
            let text = starter_config(&case);
            let settings = config::from_toml_str(&text, Path::new("/tmp/vox-clavis-lint.toml"))
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(
                settings.inventory.specs().len(),
                case.secrets.len(),
                "{text}"
            );
        }
    }

    #[test]
    fn colliding_ids_get_numbered() {
        let text = starter_config(&found(&[
            ("A1_TOKEN", &[("x.rs", 1)]),
            ("A_1_TOKEN", &[("x.rs", 2)]),
        ]));
        assert!(
            text.contains("id = \"A1Token\"\nenv = \"A1_TOKEN\""),
            "{text}"
        );
        assert!(
            text.contains("id = \"A1Token2\"\nenv = \"A_1_TOKEN\""),
            "{text}"
        );
    }

    #[test]
    fn long_place_lists_are_summarised() {
        let many: Vec<(&str, usize)> = (1..=8).map(|l| ("src/a.rs", l)).collect();
        let text = starter_config(&found(&[("GITHUB_TOKEN", &many)]));
        assert!(
            text.contains(
                "# read in src/a.rs:1, src/a.rs:2, src/a.rs:3, src/a.rs:4, src/a.rs:5 and 3 more\n"
            ),
            "{text}"
        );
    }
}
