//! Recognising credentials in text: keys of a known format found anywhere in a string
//! ([`find`]: the formats of the [`catalog`], PEM private keys, JSON Web Tokens), and the tests
//! for a whole value that is a secret of no known format ([`values`]).
//!
//! Used by the `hardcoded-secret` rule on string literal values, and by the renderers'
//! redaction on whole files (so the text may be Rust source: escapes, comments, anything).
//!
//! Every test rejects placeholders ([`is_placeholder`]): `sk-...`, `ghp_xxxx`, `<token>`,
//! `your-api-key`, `changeme`, AWS's documented `...EXAMPLE` keys, runs of one character,
//! `${VAR}` and `{}` templates never count as credentials.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

pub mod catalog;
pub mod page;
mod values;

pub use values::{
    MAX_SECRET_LEN, MIN_SECRET_LEN, base64_text, is_high_entropy, is_placeholder_password,
    is_public_by_design, is_strong_password, is_words, shannon_entropy,
};

use catalog::CATALOG;

/// What a credential is: a format of the catalog, or one of the two shapes the code knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The index of a [`catalog::Format`] in [`CATALOG`].
    Format(usize),
    /// `-----BEGIN ... PRIVATE KEY-----` with a body.
    PrivateKey,
    /// `eyJ...` `.` `eyJ...` `.` signature.
    Jwt,
}

impl Kind {
    /// The kind as a message says it: "an OpenAI API key".
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Format(i) => &CATALOG.formats[i].what,
            Kind::PrivateKey => "a PEM private key",
            Kind::Jwt => "a JSON Web Token",
        }
    }

    /// A short stable name, for finding identities.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Format(i) => &CATALOG.formats[i].id,
            Kind::PrivateKey => "private-key",
            Kind::Jwt => "jwt",
        }
    }

    /// How many leading bytes of a credential of this kind are its public, format-defined
    /// part (`sk-proj-`, `ghp_`, the PEM header, a JWT's header segment): the rest is secret.
    pub fn public_prefix_len(self, credential: &str) -> usize {
        let upto = |pat: &str, nth: usize| {
            credential
                .match_indices(pat)
                .nth(nth)
                .map_or(0, |(i, p)| i + p.len())
        };
        match self {
            Kind::Format(i) => CATALOG.formats[i].prefix_len(credential),
            Kind::PrivateKey => upto("-----", 1),
            Kind::Jwt => upto(".", 0),
        }
    }
}

/// A credential of a known format: where it is in the searched text (bytes, on char
/// boundaries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub kind: Kind,
    pub range: Range<usize>,
}

/// What a text holds when it may hold a key of a known format: the prefilter's alternatives
/// (strings one of which it holds, and a pattern it then matches).
pub fn triggers() -> Vec<(Vec<&'static str>, Option<String>)> {
    let mut out = CATALOG.trigger_alternatives();
    out.push((vec!["-----BEGIN"], None));
    out.push((
        vec!["eyJ"],
        Some(r"(?-u)\beyJ[A-Za-z0-9_-]{8,}\.eyJ".to_owned()),
    ));
    out
}

/// PEM private keys and JSON Web Tokens, whose checks are code rather than catalog entries.
static SHAPES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x-u)
          -----BEGIN\x20[A-Z0-9\x20]*PRIVATE\x20KEY(?:\x20BLOCK)?-----
        | \beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}
        ",
    )
    .expect("the shape patterns compile")
});

/// How far before a match its keyword may be, on the same line.
const KEYWORD_REACH: usize = 64;

/// Every credential of a known format in `text`, in order, placeholders and look-alikes left
/// out; a format that needs a keyword matches only with one on its line shortly before it.
pub fn find(text: &str) -> Vec<Match> {
    find_near(text, "")
}

/// [`find`], a keyword also counting in `near` (the name the text is assigned to, the code
/// before it on its line).
pub fn find_near(text: &str, near: &str) -> Vec<Match> {
    scan(text, &near.to_ascii_lowercase())
}

fn scan(text: &str, near: &str) -> Vec<Match> {
    // With the length of its public prefix: of two formats matching the same text, the one
    // with the longer prefix is the more specific.
    let mut found: Vec<(Match, usize)> = CATALOG
        .candidates(text, near)
        .into_iter()
        .filter(|c| verify(text, c, near))
        .map(|c| {
            let prefix = c.body_start - c.range.start;
            let m = Match {
                kind: Kind::Format(c.format),
                range: c.range,
            };
            (m, prefix)
        })
        .collect();
    for m in SHAPES.find_iter(text) {
        let shape = if m.as_str().starts_with('-') {
            private_key(text, m.range())
        } else {
            let body = &m.as_str()[m.as_str().find('.').map_or(0, |d| d + 1)..];
            // A signature that decodes to text (`invalid_signature`) was never computed.
            let signature = body.rsplit('.').next().unwrap_or("");
            (!is_placeholder(body) && base64_text(signature).is_none()).then(|| Match {
                kind: Kind::Jwt,
                range: m.range(),
            })
        };
        found.extend(shape.map(|m| (m, usize::MAX)));
    }
    // Leftmost first, the longest at a start, then the most specific; never overlapping
    // ranges (a PEM body can hold what looks like another key).
    found.sort_by_key(|(m, prefix)| {
        (
            m.range.start,
            std::cmp::Reverse(m.range.end),
            std::cmp::Reverse(*prefix),
            m.kind,
        )
    });
    let mut out: Vec<Match> = Vec::with_capacity(found.len());
    for (m, _) in found {
        if out
            .last()
            .is_none_or(|last| last.range.end <= m.range.start)
        {
            out.push(m);
        }
    }
    out
}

/// Whether `text` holds a credential of a known format.
pub fn contains_known(text: &str) -> bool {
    !find(text).is_empty()
}

/// The checks of a candidate's format: what follows it, its checksum, its letters and digits,
/// the placeholder test on its secret part, and its keyword.
fn verify(text: &str, c: &catalog::Candidate, near: &str) -> bool {
    let f = &CATALOG.formats[c.format];
    let body = &text[c.body_start..c.range.end];
    // A longer token is another thing.
    if text[c.range.end..]
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        || !f.checksum_holds(body)
    {
        return false;
    }
    // A random body of a format without a prefix mixes letters and digits; `select-menu-
    // object-structure` in a URL does not.
    let mixed = has_digit(body) && body.bytes().any(|b| b.is_ascii_alphabetic());
    if ((f.mixed || f.prefixes.is_empty()) && !mixed) || is_words(body) {
        return false;
    }
    if is_placeholder_of(f, body) {
        return false;
    }
    if f.checksum.is_some() || f.keywords.is_empty() {
        return true;
    }
    let line = text[..c.range.start].rfind('\n').map_or(0, |n| n + 1);
    let from = text.floor_char_boundary(c.range.start.saturating_sub(KEYWORD_REACH));
    let before = text[from.max(line)..c.range.start].to_ascii_lowercase();
    f.keywords
        .iter()
        .any(|k| near.contains(k.as_str()) || before.contains(k.as_str()))
}

/// Whether the secret part of a match of `f` is a placeholder.
pub fn is_placeholder_of(f: &catalog::Format, body: &str) -> bool {
    is_placeholder(&without_fixed_run(body, &f.body))
}

/// `body` without the run of one character its format's pattern spells out (Dropbox's
/// `AAAAAAAAAA`), which is no sign of a placeholder there.
fn without_fixed_run(body: &str, pattern: &str) -> String {
    let b = pattern.as_bytes();
    let run = (0..b.len()).find_map(|i| {
        let n = b[i..].iter().take_while(|&&c| c == b[i]).count();
        (n >= 6 && b[i].is_ascii_alphanumeric()).then(|| &pattern[i..i + n])
    });
    match run {
        Some(run) => body.replacen(run, "", 1),
        None => body.to_owned(),
    }
}

pub(super) fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
}

/// Bytes a PEM body may contain in a file or a literal: base64, whitespace, and the `\n`
/// escapes, quotes and commas of a key spelled as Rust string literals.
fn pem_body_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || b.is_ascii_whitespace()
        || matches!(b, b'+' | b'/' | b'=' | b'\\' | b'"' | b',' | b':' | b'-')
}

/// Fewest base64 characters a private key body has (the smallest real keys have hundreds).
const MIN_PEM_BODY: usize = 64;
/// How far to look for the `-----END` line.
const MAX_PEM_LEN: usize = 16 * 1024;

/// A PEM private key whose header is at `header`: the whole block up to its `-----END ..-----`
/// line (or the run of body characters when there is none), if it has a real body.
fn private_key(text: &str, header: Range<usize>) -> Option<Match> {
    let rest = &text[header.end..];
    let window = &rest[..rest.floor_char_boundary(MAX_PEM_LEN)];
    let (body, end) = match window.find("-----END") {
        Some(p) if window.as_bytes()[..p].iter().all(|&b| pem_body_byte(b)) => {
            let after = &window[p + "-----END".len()..];
            let label = after
                .bytes()
                .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b' ')
                .count();
            let close = if after[label..].starts_with("-----") {
                label + 5
            } else {
                0
            };
            (&window[..p], header.end + p + "-----END".len() + close)
        }
        _ => {
            let n = window
                .bytes()
                .take_while(|&b| b != b'-' && pem_body_byte(b))
                .count();
            let run = window[..n].trim_end_matches(|c: char| {
                c.is_ascii_whitespace() || matches!(c, '"' | ',' | '\\')
            });
            (run, header.end + run.len())
        }
    };
    let base64: Vec<u8> = body
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .collect();
    let mut distinct = [false; 256];
    for &b in &base64 {
        distinct[usize::from(b)] = true;
    }
    let distinct = distinct.iter().filter(|&&d| d).count();
    let lower = body.to_ascii_lowercase();
    if base64.len() < MIN_PEM_BODY
        || distinct < 16
        || ["example", "redacted", "placeholder", "xxxx"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return None;
    }
    Some(Match {
        kind: Kind::PrivateKey,
        range: header.start..end,
    })
}

/// Words that mark a value as made up. Checked case-insensitively anywhere in a token's
/// secret part: a random key holds one of them by chance about once in a thousand.
const PLACEHOLDER_WORDS: &[&str] = &[
    // `EXAMPL` too: AWS's example key IDs are cut to `..EXAMPL` where a format is shorter.
    "exampl",
    "notreal",
    "dummy",
    "fake",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "your",
    "sample",
    "test",
    "xxxx",
];

/// Whether the secret part of a token (or a whole literal) is a placeholder: a placeholder
/// word, template syntax (`<token>`, `${VAR}`, `{}`, `%s`, `...`), a run of six or more of
/// the same character, eight ascending characters (`12345678`, `abcdefgh`), or too few
/// distinct characters for its length.
pub fn is_placeholder(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    if s.contains(['<', '>', '{', '}', '$', '%', '*'])
        || s.contains("...")
        || s.contains('\u{2026}')
    {
        return true;
    }
    let bytes = lower.as_bytes();
    let (mut same, mut ascending) = (1, 1);
    for w in bytes.windows(2) {
        same = if w[1] == w[0] { same + 1 } else { 1 };
        ascending = if w[1] == w[0].wrapping_add(1) && w[1].is_ascii_alphanumeric() {
            ascending + 1
        } else {
            1
        };
        if same >= 6 || ascending >= 8 {
            return true;
        }
    }
    let mut seen = [false; 256];
    for &b in s.as_bytes() {
        seen[usize::from(b)] = true;
    }
    let distinct = seen.iter().filter(|&&d| d).count();
    // Hex and base32 bodies have 16 or 32 symbols however long they are.
    distinct < (s.len() / 6).clamp(5, 12)
}

#[cfg(test)]
mod tests {
    //! Keys here are glued together from pieces at run time, so this file holds no
    //! credential-shaped literal (the linter checks its own repository).

    use super::*;

    /// A fake key: `prefix` + `body`.
    fn k(prefix: &str, body: &str) -> String {
        format!("{prefix}{body}")
    }

    /// 62 characters of a non-repeating, non-ascending alphanumeric pattern.
    const B62: &str = "Q7wE2rT9yU4iO1pA6sD3fG8hJ5kL0zX7cV2bN9mQ4wE1rT6yU3iO8pA5sD0fG7";

    /// A GitHub token: `prefix`, 30 characters, their checksum.
    fn gh(prefix: &str) -> String {
        let random = body(30);
        k(
            prefix,
            &format!(
                "{random}{}",
                catalog::base62_6(crc32fast::hash(random.as_bytes()))
            ),
        )
    }

    fn body(n: usize) -> &'static str {
        &B62[..n]
    }

    fn upper(n: usize) -> String {
        B62.to_ascii_uppercase()[..n].to_owned()
    }

    fn kinds(text: &str) -> Vec<&'static str> {
        find(text).into_iter().map(|m| m.kind.id()).collect()
    }

    fn pem(label: &str, lines: usize) -> String {
        let mut s = k("-----BEGIN ", &format!("{label}PRIVATE KEY-----\n"));
        for i in 0..lines {
            s.push_str(&B62[i..i + 48]);
            s.push('\n');
        }
        s.push_str(&k("-----END ", &format!("{label}PRIVATE KEY-----")));
        s
    }

    fn jwt() -> String {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"1234567890"} . signature
        format!(
            "{}.{}.{}",
            k("ey", "JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"),
            k("ey", "JzdWIiOiIxMjM0NTY3ODkwIn0"),
            body(43)
        )
    }

    #[test]
    fn known_formats_are_found() {
        let cases: Vec<(String, &str)> = vec![
            (k("sk-", body(48)), "openai"),
            (k("sk-proj-", body(60)), "openai-project"),
            (k("sk-svcacct-", body(60)), "openai-project"),
            (k("sk-admin-", body(60)), "openai-project"),
            (k("sk-ant-api03-", body(60)), "anthropic"),
            (k("sk-ant-admin01-", body(60)), "anthropic"),
            (gh("ghp_"), "github"),
            (gh("gho_"), "github"),
            (gh("ghu_"), "github"),
            (gh("ghs_"), "github"),
            (gh("ghr_"), "github"),
            (
                k("github_pat_", &format!("{}_{}", body(22), &B62[3..62])),
                "github-fine-grained-pat",
            ),
            (k("AKIA", &upper(16)), "aws-access-key-id"),
            (k("ASIA", &upper(16)), "aws-access-key-id"),
            (
                k("xoxb-", &format!("2417390421-3917539125-{}", body(24))),
                "slack",
            ),
            (k("sk_live_", body(24)), "stripe-live"),
            (k("rk_live_", body(24)), "stripe-live"),
            (k("sk_test_", body(24)), "stripe-test"),
            (k("AIza", body(35)), "google-api-key"),
            (pem("RSA ", 4), "private-key"),
            (pem("", 4), "private-key"),
            (pem("OPENSSH ", 4), "private-key"),
            (jwt(), "jwt"),
        ];
        for (key, kind) in cases {
            let found = find(&key);
            assert_eq!(found.len(), 1, "{key}");
            assert_eq!(found[0].kind.id(), kind, "{key}");
            assert_eq!(found[0].range, 0..key.len(), "{key}");
            // Inside other text, with word boundaries around.
            let text = format!("Authorization: Bearer {key}\n");
            let found = find(&text);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(&text[found[0].range.clone()], key);
        }
    }

    #[test]
    fn several_in_one_text_in_order() {
        let text = format!(
            "a={} b={} c=\"{}\"",
            gh("ghp_"),
            k("AKIA", &upper(16)),
            k("sk-ant-api03-", body(50))
        );
        assert_eq!(kinds(&text), ["github", "aws-access-key-id", "anthropic"]);
    }

    #[test]
    fn anthropic_keys_are_not_openai_keys() {
        assert_eq!(kinds(&k("sk-ant-api03-", body(60))), ["anthropic"]);
        // Too short for Anthropic, and never an OpenAI key either.
        assert!(kinds(&k("sk-ant-api03-", body(10))).is_empty());
    }

    #[test]
    fn word_boundaries() {
        for text in [
            format!("my_{}", gh("ghp_")),
            format!("x{}", gh("ghp_")),
            gh("ghp_") + "_suffix",
            k("ghp_", body(35)),
            // A checksum that does not hold.
            k("ghp_", body(36)),
            k("AKIA", &upper(17)),
            k("XAKIA", &upper(16)),
            k("AIza", body(36)),
            k("ask-", body(48)),
            k("task_live_", body(24)),
        ] {
            assert!(find(&text).is_empty(), "{text}");
        }
    }

    #[test]
    fn placeholders_are_not_credentials() {
        let mut texts: Vec<String> = [
            "sk-...",
            "sk-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "ghp_xxx",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "<token>",
            "your-api-key",
            "changeme",
            "${OPENAI_API_KEY}",
            "sk-{}",
            "Bearer {token}",
            "-----BEGIN PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        texts.extend([
            k("AKIA", "IOSFODNN7EXAMPLE"),
            k("sk-", &"a".repeat(48)),
            k("sk-proj-", &"0".repeat(48)),
            k("ghp_", "1234567890abcdefghijklmnopqrstuvwxyz"),
            k("ghp_", "0123456789ABCDEF0123456789ABCDEF0123"),
            k("sk-proj-", "your-key-goes-here-your-key-goes-here"),
            k("sk-", "dummy0key0dummy0key0dummy0key0dummy0key0dum"),
            k("sk_test_", "FakeKeyForUnitTests000000"),
            k("sk-", "abababababababababababababababababab12"),
            k("sk_live_", "ThisIsAnExampleKeyOnly24"),
            // Classic OpenAI keys mix letters and digits.
            k(
                "sk-",
                &"qwertyuiopasdfghjklzxcvbnmQWERTYUIOPASDFGHJKLZ"[..40],
            ),
            // A PEM body of one repeated character.
            format!(
                "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
                "A".repeat(200)
            ),
        ]);
        for text in &texts {
            assert!(find(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn pem_in_source_form() {
        // As written in a Rust file: `\n` escapes and string concatenation.
        let mut src = k("let key = \"-----BEGIN ", "PRIVATE KEY-----\\n\\\n");
        for i in 0..3 {
            src.push_str(&format!("    {}\\n\\\n", &B62[i..i + 48]));
        }
        src.push_str(&k("    -----END ", "PRIVATE KEY-----\";\nlet x = 1;"));
        let found = find(&src);
        assert_eq!(kinds(&src), ["private-key"]);
        let masked = &src[found[0].range.clone()];
        assert!(masked.ends_with("PRIVATE KEY-----"), "{masked}");
        // Without an END line: the header and the run of body characters.
        let open = format!(
            "{}\n{}\n{}",
            k("-----BEGIN ", "EC PRIVATE KEY-----"),
            body(60),
            body(40)
        );
        assert_eq!(find(&open)[0].range, 0..open.len());
    }

    #[test]
    fn never_panics_on_odd_text() {
        let texts = [
            String::new(),
            "é".repeat(100),
            k("-----BEGIN ", "PRIVATE KEY-----é"),
            format!(
                "{}{}",
                k("-----BEGIN ", "PRIVATE KEY-----\n"),
                "é".repeat(9000)
            ),
            k("AIza", body(35)) + "é",
            k("eyJ", "abcdefgh.eyJ"),
            "-".repeat(10_000),
        ];
        for t in &texts {
            let _ = find(t);
            let _ = is_high_entropy(t);
            let _ = is_placeholder(t);
        }
    }
}
