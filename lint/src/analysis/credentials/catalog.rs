//! The catalog of credential formats ([`formats.toml`](formats.toml)), read once; each
//! format's pattern compiles the first time a text could match it.
//!
//! Formats are data, so a provider's new token is an entry with its documentation link rather
//! than code, and the rule page and the catalog's tests are generated from the same entries.
//! Each entry is one regular expression (word boundary, prefix, body) plus the checks a regex
//! cannot make: what may follow the match, a checksum the key carries, a keyword that must be
//! near a pattern too weak to stand alone, and the placeholder test on the secret part.

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::analysis::matchers::CREDENTIAL_WORDS;

/// One credential format, as `formats.toml` describes it (see its header for each field).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub id: String,
    pub provider: String,
    pub what: String,
    #[serde(default)]
    pub prefixes: Vec<String>,
    pub body: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub checksum: Option<Checksum>,
    /// The body mixes letters and digits (a random body of its length always does).
    #[serde(default)]
    pub mixed: bool,
    pub docs: String,
    #[serde(default)]
    pub source: Option<String>,
}

/// A check a key's own characters carry.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// The last 6 characters are the CRC32 of the 30 before them, in base62 (`0-9A-Za-z`),
    /// left-padded with `0`: GitHub's and npm's tokens.
    GithubCrc32,
}

impl Format {
    /// The length of the longest of the format's prefixes `s` begins with (0 for none).
    pub fn prefix_len(&self, s: &str) -> usize {
        self.prefixes
            .iter()
            .filter(|p| s.starts_with(p.as_str()))
            .map(String::len)
            .max()
            .unwrap_or(0)
    }

    /// Whether the checksum the format carries holds for a key's secret part (true for a
    /// format without one).
    pub fn checksum_holds(&self, body: &str) -> bool {
        match self.checksum {
            Some(Checksum::GithubCrc32) => github_crc32(body),
            None => true,
        }
    }

    /// Whether a match begins with a word character, so that it needs a word boundary before
    /// it (`my_ghp_..` is no token); a format without prefixes begins with its body's.
    fn begins_with_word(&self) -> bool {
        self.prefixes
            .first()
            .is_none_or(|p| p.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: Vec<Format>,
}

/// The formats with their compiled patterns. A format is looked for only where it can be: a
/// format with keywords where one of them is (in the text or beside it), any other one where
/// one of its prefixes is, its body then matched from there. One automaton finds all the
/// prefixes; a set of two hundred patterns run over every literal was four times slower.
pub struct Catalog {
    pub formats: Vec<Format>,
    /// The prefixes of the formats without keywords.
    prefixes: AhoCorasick,
    /// For each pattern of `prefixes`: its format and its length.
    prefix_of: Vec<(usize, usize)>,
    /// Each format's body, anchored at the end of its prefix.
    bodies: Vec<Lazy>,
    /// The keywords of the formats that need one, case-insensitive.
    keywords: AhoCorasick,
    /// For each pattern of `keywords`: the formats it is a keyword of.
    keyword_of: Vec<Vec<usize>>,
    /// Each format's whole pattern, for the formats with keywords.
    whole: Vec<Option<Lazy>>,
}

/// A format's pattern, compiled the first time a text could match it: most runs meet a few
/// of the catalog's formats, and three hundred compiled patterns cost megabytes.
struct Lazy {
    pattern: String,
    regex: OnceLock<Regex>,
}

impl Lazy {
    fn new(pattern: String) -> Self {
        Lazy {
            pattern,
            regex: OnceLock::new(),
        }
    }

    /// The compiled pattern. Every pattern of the built-in catalog compiles (its tests compile
    /// each one), and one catalog always compiles the same way.
    fn get(&self) -> &Regex {
        self.regex.get_or_init(|| {
            // Small caches: each pattern runs on short literals, on every thread.
            RegexBuilder::new(&self.pattern)
                .size_limit(1 << 22)
                .dfa_size_limit(1 << 16)
                .build()
                .expect("a catalog pattern compiles (tested)")
        })
    }
}

/// The catalog built into the linter.
pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::parse(include_str!("formats.toml")).expect("formats.toml is a valid catalog")
});

/// Keywords too common to make a file worth parsing on their own.
const GENERIC_KEYWORDS: &[&str] = &[
    "key",
    "api_key",
    "apikey",
    "api-key",
    "auth",
    "bearer",
    "access_token",
];

/// A catalog match before its format's checks.
pub struct Candidate {
    pub format: usize,
    pub range: Range<usize>,
    /// Where the secret part begins (after the prefix).
    pub body_start: usize,
}

impl Catalog {
    /// The catalog in `text` (TOML); its patterns compile when first needed.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut prefixes: Vec<&str> = Vec::new();
        let mut prefix_of = Vec::new();
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_of: Vec<Vec<usize>> = Vec::new();
        let mut bodies = Vec::new();
        let mut whole = Vec::new();
        for f in &mut file.format {
            for k in &mut f.keywords {
                k.make_ascii_lowercase();
            }
        }
        for (i, f) in file.format.iter().enumerate() {
            bodies.push(Lazy::new(format!("^(?:{})", f.body)));
            if f.keywords.is_empty() {
                if f.prefixes.is_empty() {
                    return Err(format!(
                        "format `{}` has neither prefixes nor keywords",
                        f.id
                    ));
                }
                for p in &f.prefixes {
                    prefixes.push(p);
                    prefix_of.push((i, p.len()));
                }
                whole.push(None);
            } else {
                for k in &f.keywords {
                    match keywords.iter().position(|x| x == k) {
                        Some(at) => keyword_of[at].push(i),
                        None => {
                            keywords.push(k.clone());
                            keyword_of.push(vec![i]);
                        }
                    }
                }
                whole.push(Some(Lazy::new(pattern(f))));
            }
        }
        let prefixes = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&prefixes)
            .map_err(|e| e.to_string())?;
        let keywords_ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&keywords)
            .map_err(|e| e.to_string())?;
        Ok(Catalog {
            formats: file.format,
            prefixes,
            prefix_of,
            bodies,
            keywords: keywords_ac,
            keyword_of,
            whole,
        })
    }

    /// Every match of every format in `text`, overlapping ones included, unchecked; a format
    /// with keywords only when one is in `text` or `near`.
    pub fn candidates(&self, text: &str, near: &str) -> Vec<Candidate> {
        let mut out = Vec::new();
        for m in self.prefixes.find_overlapping_iter(text) {
            let (format, len) = self.prefix_of[m.pattern().as_usize()];
            let start = m.start();
            if self.formats[format].begins_with_word()
                && text[..start]
                    .bytes()
                    .next_back()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                continue;
            }
            let body_start = start + len;
            if let Some(b) = self.bodies[format].get().find(&text[body_start..]) {
                out.push(Candidate {
                    format,
                    range: start..body_start + b.end(),
                    body_start,
                });
            }
        }
        let mut wanted = vec![false; self.formats.len()];
        for hay in [text, near] {
            for m in self.keywords.find_overlapping_iter(hay) {
                for &f in &self.keyword_of[m.pattern().as_usize()] {
                    wanted[f] = true;
                }
            }
        }
        for (format, _) in wanted.iter().enumerate().filter(|(_, w)| **w) {
            let Some(regex) = &self.whole[format] else {
                continue;
            };
            for m in regex.get().find_iter(text) {
                out.push(Candidate {
                    format,
                    range: m.range(),
                    body_start: m.start() + self.formats[format].prefix_len(m.as_str()),
                });
            }
        }
        out
    }

    /// Whether `text` is, whole, a format that carries a checksum with a checksum that fails:
    /// a look-alike such as a documentation example, never an issued key.
    pub fn fails_checksum(&self, text: &str) -> bool {
        self.formats.iter().enumerate().any(|(i, f)| {
            f.checksum == Some(Checksum::GithubCrc32)
                && f.prefixes.iter().any(|p| {
                    text.strip_prefix(p.as_str()).is_some_and(|body| {
                        self.bodies[i]
                            .get()
                            .find(body)
                            .is_some_and(|m| m.end() == body.len())
                            && !f.checksum_holds(body)
                    })
                })
        })
    }

    /// What a text holds when it may hold a key of some format, as the prefilter's
    /// alternatives: strings one of which must be in the text, and a regular expression (ASCII,
    /// case-insensitive) it must then match. Each weak prefix is its own alternative, so a
    /// file with `path` in it runs Airtable's `pat` pattern alone, not the whole catalog's.
    ///
    /// - a long prefix alone (`sk-proj-`, `github_pat_`): rare in code;
    /// - a short one with its body (`pattern` is no `pat` key, `next_token` no `ext_` key);
    /// - a keyword with a token of a key's length and a digit after it on its line (a keyword
    ///   is often a common word: `client`, `linear`, `vault`);
    /// - any prefix as a literal of its own: the first piece of a key assembled from pieces.
    pub fn trigger_alternatives(&'static self) -> Vec<(Vec<&'static str>, Option<String>)> {
        let mut long: Vec<&'static str> = Vec::new();
        let mut every: Vec<&'static str> = Vec::new();
        let mut keywords: Vec<&'static str> = Vec::new();
        let mut out: Vec<(Vec<&'static str>, Option<String>)> = Vec::new();
        for f in &self.formats {
            if !f.keywords.is_empty() {
                keywords.extend(trigger_keywords(f));
                continue;
            }
            let prefixes: Vec<&'static str> = f.prefixes.iter().map(String::as_str).collect();
            every.extend(&prefixes);
            // A scheme (`https://`) is in every other file: a URL format needs its body.
            if prefixes
                .iter()
                .all(|p| p.len() >= LONG_PREFIX && !p.ends_with("://"))
            {
                long.extend(prefixes);
            } else {
                out.push((prefixes, Some(format!("(?i-u){}", pattern(f)))));
            }
        }
        for list in [&mut long, &mut every, &mut keywords] {
            list.sort_unstable();
            list.dedup();
        }
        // The strings only decide which patterns run; their beginnings do as well and keep the
        // prefilter's automaton small enough to be a DFA.
        let heads = |list: &[&'static str], n: usize| {
            let mut out: Vec<&'static str> = list.iter().map(|s| &s[..s.len().min(n)]).collect();
            out.sort_unstable_by_key(|s| s.to_ascii_lowercase());
            out.dedup_by_key(|s| s.to_ascii_lowercase());
            out
        };
        let escaped = |list: &[&str]| list.iter().map(|s| regex::escape(s)).collect::<Vec<_>>();
        // `aad` in `0xAAD8` is no keyword: a short one stands as a word.
        let words: Vec<String> = keywords
            .iter()
            .map(|k| match k.len() {
                n if n < LONG_PREFIX => format!(r"\b{}\b", regex::escape(k)),
                _ => regex::escape(k),
            })
            .collect();
        out.push((
            heads(&keywords, 4),
            Some(format!(
                r"(?i-u)(?:{})[^\n]{{0,64}}?(?:[A-Za-z0-9+/=_.~-]{{8,}}[0-9]|[0-9][A-Za-z0-9+/=_.~-]{{8,}})",
                words.join("|")
            )),
        ));
        out.push((
            heads(&every, LONG_PREFIX),
            Some(format!(r#"(?i-u)"(?:{})""#, escaped(&every).join("|"))),
        ));
        out.push((
            heads(&long, LONG_PREFIX),
            Some(format!(r"(?i-u)\b(?:{})", escaped(&long).join("|"))),
        ));
        out
    }
}

/// Prefixes this long are rare enough in code to make a file worth parsing on their own.
const LONG_PREFIX: usize = 5;

/// A format's keywords but the generic ones: a credential word alone (`token`) is in every
/// other file, and a key beside one is the high-entropy test's, which has triggers of its own.
fn trigger_keywords(f: &Format) -> impl Iterator<Item = &str> {
    f.keywords
        .iter()
        .map(String::as_str)
        .filter(|k| !GENERIC_KEYWORDS.contains(k) && !CREDENTIAL_WORDS.contains(k))
}

/// A format's regular expression: an ASCII word boundary where the match begins with a word
/// character, the prefixes, the body.
fn pattern(f: &Format) -> String {
    let prefixes: Vec<String> = f.prefixes.iter().map(|p| regex::escape(p)).collect();
    let boundary = if f.begins_with_word() {
        r"(?-u:\b)"
    } else {
        ""
    };
    let prefix = if prefixes.is_empty() {
        String::new()
    } else {
        format!("(?:{})", prefixes.join("|"))
    };
    format!("{boundary}{prefix}(?:{})", f.body)
}

/// Whether a token's secret part ends in the base62 CRC32 of the characters before its last 6.
pub fn github_crc32(body: &str) -> bool {
    let b = body.as_bytes();
    if b.len() < 7 {
        return false;
    }
    let (random, check) = b.split_at(b.len() - 6);
    base62_6(crc32fast::hash(random)).as_bytes() == check
}

/// `n` in base62 (`0-9A-Za-z`), left-padded with `0` to 6 characters.
pub fn base62_6(mut n: u32) -> String {
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}
