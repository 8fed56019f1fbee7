//! The catalog of library entry points that read secrets from the environment for their
//! caller (`teloxide::Bot::from_env()` reads `TELOXIDE_TOKEN`): built in (`readers.toml`, each
//! entry checked against the crate's published source) and extended by `[[readers]]` in the
//! configuration. `secret-env-read` reports a call to one of these paths.
//!
//! A call matches an entry when one of the absolute paths the call may resolve to (after `use`
//! renames, globs and, through the crate-wide join, the scanned crate's own re-exports) is the
//! entry's path, or, for the library's own re-exports (`teloxide::prelude::Bot` is
//! `teloxide::Bot`), when it is in the same crate and ends in the same `Type::function` tail and
//! no other entry of that crate has that tail.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::config::is_screaming_snake;
use crate::config::options::ReaderOptions;

/// The built-in catalog, as shipped.
pub const BUILTIN_TOML: &str = include_str!("readers.toml");

/// One catalogued entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reader {
    /// `teloxide::Bot::from_env`; a macro ends in `!` (`sqlx::query!`).
    pub path: String,
    /// Every variable it reads; the secrets among them make a call a finding.
    pub reads: Vec<String>,
    pub note: Option<String>,
    /// The explicit constructor to pass a resolved value to.
    pub instead: Option<String>,
    /// Which releases were read to verify the entry.
    pub versions: Option<String>,
    /// Where in the crate's source the read happens.
    pub source: Option<String>,
    /// From the built-in catalog (not the configuration).
    pub builtin: bool,
}

impl Reader {
    /// The crate part of the path (`teloxide`).
    pub fn krate(&self) -> &str {
        self.path.split("::").next().unwrap_or(&self.path)
    }

    pub fn is_macro(&self) -> bool {
        self.path.ends_with('!')
    }
}

/// The catalog a run uses: configured entries first (they win over a built-in entry of the
/// same path), then the built-in ones.
#[derive(Clone, Debug)]
pub struct Readers {
    inner: Arc<Index>,
}

#[derive(Debug, Default)]
struct Index {
    entries: Vec<Reader>,
    exact: HashMap<String, usize>,
    /// `(crate, tail)` -> the one entry with that tail, `None` when several share it.
    tails: HashMap<(String, String), Option<usize>>,
    /// Last path segments (with `!` for macros), a cheap filter before any lookup.
    last: HashSet<String>,
}

impl Default for Readers {
    fn default() -> Self {
        static BUILTIN: OnceLock<Readers> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Readers::new(Vec::new(), builtin_entries()))
            .clone()
    }
}

impl Readers {
    /// The catalog of `configured` entries followed by `builtin` ones.
    pub fn new(configured: Vec<Reader>, builtin: Vec<Reader>) -> Self {
        let mut index = Index::default();
        for r in configured.into_iter().chain(builtin) {
            if index.exact.contains_key(&r.path) {
                continue;
            }
            let i = index.entries.len();
            index.exact.insert(r.path.clone(), i);
            let segs: Vec<&str> = r.path.split("::").collect();
            if let (Some(krate), Some(tail)) = (segs.first(), tail(&segs)) {
                index
                    .tails
                    .entry(((*krate).to_owned(), tail))
                    .and_modify(|e| *e = None)
                    .or_insert(Some(i));
            }
            if let Some(last) = segs.last() {
                index.last.insert((*last).to_owned());
            }
            index.entries.push(r);
        }
        Readers {
            inner: Arc::new(index),
        }
    }

    /// The built-in catalog with `configured` entries added in front.
    pub fn with_configured(configured: Vec<Reader>) -> Self {
        if configured.is_empty() {
            return Readers::default();
        }
        Readers::new(configured, builtin_entries())
    }

    pub fn entries(&self) -> &[Reader] {
        &self.inner.entries
    }

    pub fn get(&self, i: usize) -> &Reader {
        &self.inner.entries[i]
    }

    /// Whether a function or macro (`name!`) of this name is catalogued under any path.
    pub fn has_last_segment(&self, name: &str) -> bool {
        self.inner.last.contains(name)
    }

    /// The entry one of `candidates` (absolute paths, most likely first; a macro's end in `!`)
    /// calls, if any.
    pub fn find(&self, candidates: &[String]) -> Option<usize> {
        let index = &*self.inner;
        if !candidates.iter().any(|c| {
            index
                .last
                .contains(c.rsplit("::").next().unwrap_or(c.as_str()))
        }) {
            return None;
        }
        if let Some(&i) = candidates.iter().find_map(|c| index.exact.get(c)) {
            return Some(i);
        }
        candidates.iter().find_map(|c| {
            let segs: Vec<&str> = c.split("::").collect();
            if segs.len() < 2 {
                return None;
            }
            let tail = tail(&segs)?;
            let key = (segs[0].to_owned(), tail.clone());
            let i = index.tails.get(&key).copied().flatten()?;
            // A re-export lifts a type to the crate root or a prelude; a type of the same name
            // in another module is another type (`credentials::mds::Builder` is not
            // `credentials::Builder`).
            let module = |p: &str| -> Option<String> {
                let s: Vec<&str> = p.split("::").collect();
                let n = s.len().saturating_sub(tail.split("::").count());
                (n > 1).then(|| s[n - 1].to_owned())
            };
            match (module(c), module(&index.entries[i].path)) {
                (Some(mine), Some(theirs)) if mine != theirs && mine != "prelude" => None,
                _ => Some(i),
            }
        })
    }
}

/// `Type::function` (from the last type-like segment on), or the function alone; `None` for
/// a path without a crate.
fn tail(segs: &[&str]) -> Option<String> {
    let (last, rest) = segs.split_last()?;
    if rest.is_empty() {
        return None;
    }
    let ty = rest
        .iter()
        .skip(1)
        .rposition(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
    Some(match ty {
        Some(p) => segs[p + 1..].join("::"),
        None => (*last).to_owned(),
    })
}

/// `[[readers]]` in the built-in catalog file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    readers: Vec<ReaderOptions>,
}

/// What is wrong with an entry, and which of its keys says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryProblem {
    /// `path` is not `crate::item` made of Rust identifiers (a macro ending in `!`).
    Path(String),
    /// `reads` is empty.
    NoReads,
    /// A name in `reads` (its index) is not SCREAMING_SNAKE_CASE.
    Name(usize, String),
}

/// Checks one entry as written.
pub fn check_entry(path: &str, reads: &[&str]) -> Vec<EntryProblem> {
    let mut out = Vec::new();
    let body = path.strip_suffix('!').unwrap_or(path);
    let segs: Vec<&str> = body.split("::").collect();
    let ident = |s: &&str| {
        !s.is_empty()
            && !s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
            && *s != "_"
    };
    if segs.len() < 2 {
        out.push(EntryProblem::Path(
            "a path names the crate and the item: `crate::Type::function`, `crate::function` or `crate::macro!`".to_owned(),
        ));
    } else if !segs.iter().all(ident) {
        out.push(EntryProblem::Path(
            "each segment is a Rust identifier, separated by `::` (a macro ends in `!`)".to_owned(),
        ));
    } else if matches!(segs[0], "crate" | "self" | "super" | "std" | "core") {
        out.push(EntryProblem::Path(format!(
            "`{}` is not a library crate: name the crate the entry point belongs to",
            segs[0]
        )));
    }
    if reads.is_empty() {
        out.push(EntryProblem::NoReads);
    }
    for (i, name) in reads.iter().enumerate() {
        if !is_screaming_snake(name) {
            out.push(EntryProblem::Name(i, (*name).to_owned()));
        }
    }
    out
}

impl Reader {
    /// An entry from its options (assumed checked with [`check_entry`]).
    pub fn from_options(o: &ReaderOptions, builtin: bool) -> Self {
        Reader {
            path: o.path.get_ref().clone(),
            reads: o
                .reads
                .get_ref()
                .iter()
                .map(|r| r.get_ref().clone())
                .collect(),
            note: o.note.clone(),
            instead: o.instead.clone(),
            versions: o.versions.clone(),
            source: o.source.clone(),
            builtin,
        }
    }
}

/// Parses and checks the built-in catalog.
pub fn parse_builtin() -> Result<Vec<Reader>, String> {
    let file: CatalogFile = toml::from_str(BUILTIN_TOML).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for o in &file.readers {
        let reads: Vec<&str> = o
            .reads
            .get_ref()
            .iter()
            .map(|r| r.get_ref().as_str())
            .collect();
        let problems = check_entry(o.path.get_ref(), &reads);
        if !problems.is_empty() {
            return Err(format!("{}: {problems:?}", o.path.get_ref()));
        }
        out.push(Reader::from_options(o, true));
    }
    Ok(out)
}

fn builtin_entries() -> Vec<Reader> {
    // A test parses the file; a broken catalog never ships.
    parse_builtin().unwrap_or_default()
}

/// The catalog page, `docs/readers.md`, generated from the built-in entries.
pub fn catalog_page() -> String {
    let entries = builtin_entries();
    let mut page = String::from(
        "# Library entry points that read secrets\n\n\
         <!-- Generated from lint/src/config/readers.toml by \
         `UPDATE_DOCS=1 cargo test -p vox-clavis-lint --test docs`; edit that file, not this page. -->\n\n\
         Some libraries read a credential from the environment for their caller: \
         `teloxide::Bot::from_env()` reads `TELOXIDE_TOKEN`, `aws_config::load_from_env()` reads \
         `AWS_SECRET_ACCESS_KEY`. `secret-env-read` reports a call to any of the paths below \
         (also through `use` renames, globs and re-exports) when a variable it reads is a secret \
         (inventory or name patterns), and its help names the explicit constructor to hand a \
         resolved value to instead.\n\n\
         Each entry was checked against the crate's source as published on crates.io: *Versions* \
         says which releases were read, *Source* where the read happens (`file:line` inside the \
         crate's package). More entries can be added in the configuration with `[[readers]]` \
         (see [configuration](configuration.md#readers-library-entry-points-that-read-secrets)).\n",
    );
    let mut krate = "";
    for r in &entries {
        if r.krate() != krate {
            krate = r.krate();
            page.push_str(&format!(
                "\n## `{krate}`\n\n| Entry point | Reads | Versions | Source |\n|---|---|---|---|\n"
            ));
        }
        let reads = r
            .reads
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let call = if r.is_macro() {
            format!("`{}(..)`", r.path)
        } else {
            format!("`{}()`", r.path)
        };
        let note = r
            .note
            .as_deref()
            .map(|n| format!("<br>{n}"))
            .unwrap_or_default();
        let instead = r
            .instead
            .as_deref()
            .map(|i| format!("<br>Instead: `{i}`"))
            .unwrap_or_default();
        page.push_str(&format!(
            "| {call}{note}{instead} | {reads} | {} | {} |\n",
            cell(r.versions.as_deref().unwrap_or("")),
            cell(r.source.as_deref().unwrap_or("")),
        ));
    }
    page
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(path: &str) -> Reader {
        Reader {
            path: path.to_owned(),
            reads: vec!["X_TOKEN".to_owned()],
            note: None,
            instead: None,
            versions: None,
            source: None,
            builtin: false,
        }
    }

    #[test]
    fn the_builtin_catalog_is_valid_and_documented() {
        let entries = parse_builtin().expect("lint/src/config/readers.toml is valid");
        assert!(entries.len() >= 20);
        for r in &entries {
            assert!(r.note.is_some(), "{}: note", r.path);
            assert!(r.instead.is_some(), "{}: instead", r.path);
            assert!(r.versions.is_some(), "{}: versions", r.path);
            assert!(r.source.is_some(), "{}: source", r.path);
        }
        let paths: HashSet<&str> = entries.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths.len(), entries.len(), "a path is listed twice");
    }

    #[test]
    fn exact_paths_and_unique_tails_match() {
        let readers = Readers::new(
            Vec::new(),
            vec![
                reader("teloxide::Bot::from_env"),
                reader("rig::providers::openai::Client::from_env"),
                reader("rig::providers::groq::Client::from_env"),
                reader("aws_config::load_from_env"),
                reader("sqlx::query!"),
                reader("google_cloud_auth::credentials::Builder::default"),
            ],
        );
        let find = |c: &[&str]| {
            readers
                .find(&c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
                .map(|i| readers.get(i).path.clone())
        };
        assert_eq!(
            find(&["teloxide::prelude::Bot::from_env", "Bot::from_env"]).as_deref(),
            Some("teloxide::Bot::from_env")
        );
        assert_eq!(
            find(&["rig::providers::groq::Client::from_env"]).as_deref(),
            Some("rig::providers::groq::Client::from_env")
        );
        // Two rig entries share `Client::from_env`: only exact paths match.
        assert_eq!(find(&["rig::Client::from_env"]), None);
        assert_eq!(
            find(&["aws_config::load_from_env"]).as_deref(),
            Some("aws_config::load_from_env")
        );
        assert_eq!(find(&["sqlx::query!"]).as_deref(), Some("sqlx::query!"));
        assert_eq!(find(&["sqlx::query"]), None);
        assert_eq!(find(&["other::Bot::from_env"]), None);
        assert_eq!(find(&["Bot::from_env"]), None);
        // Re-exported at the root, or in another module: another type of the same name.
        assert!(find(&["google_cloud_auth::Builder::default"]).is_some());
        assert!(find(&["google_cloud_auth::credentials::Builder::default"]).is_some());
        assert_eq!(
            find(&["google_cloud_auth::credentials::mds::Builder::default"]),
            None
        );
    }

    #[test]
    fn configured_entries_win() {
        let mut mine = reader("teloxide::Bot::from_env");
        mine.reads = vec!["MY_BOT_TOKEN".to_owned()];
        let readers = Readers::new(vec![mine], vec![reader("teloxide::Bot::from_env")]);
        assert_eq!(readers.entries().len(), 1);
        assert_eq!(readers.get(0).reads, ["MY_BOT_TOKEN"]);
    }

    #[test]
    fn entries_are_checked() {
        assert!(check_entry("teloxide::Bot::from_env", &["TELOXIDE_TOKEN"]).is_empty());
        assert!(check_entry("sqlx::query!", &["DATABASE_URL"]).is_empty());
        assert!(matches!(
            check_entry("from_env", &["A_TOKEN"])[..],
            [EntryProblem::Path(_)]
        ));
        assert!(matches!(
            check_entry("a::b c", &["A_TOKEN"])[..],
            [EntryProblem::Path(_)]
        ));
        assert!(matches!(
            check_entry("std::env::var", &["A_TOKEN"])[..],
            [EntryProblem::Path(_)]
        ));
        assert_eq!(check_entry("a::b", &[]), [EntryProblem::NoReads]);
        assert_eq!(
            check_entry("a::b", &["A_TOKEN", "lower"]),
            [EntryProblem::Name(1, "lower".to_owned())]
        );
    }
}
