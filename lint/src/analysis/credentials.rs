//! Recognising credentials in text: known key formats found anywhere in a string
//! ([`find`]), and the statistical test for a whole literal that holds some unknown kind of
//! key ([`is_high_entropy`]).
//!
//! Used by the `hardcoded-secret` rule on string literal values, and by the renderers'
//! redaction on whole files (so the text may be Rust source: escapes, comments, anything).
//!
//! Both tests reject placeholders ([`is_placeholder`]): `sk-...`, `ghp_xxxx`, `<token>`,
//! `your-api-key`, `changeme`, AWS's documented `...EXAMPLE` keys, runs of one character,
//! `${VAR}` and `{}` templates never count as credentials.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// A known credential format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `sk-` + 32 or more alphanumerics (classic), `sk-proj-`, `sk-svcacct-`, `sk-admin-`.
    OpenAi,
    /// `sk-ant-<kind>-` (`api03`, `admin01`, ...).
    Anthropic,
    /// `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 alphanumerics; `github_pat_`.
    GitHub,
    /// `AKIA`/`ASIA` + 16 upper-case letters or digits.
    AwsAccessKeyId,
    /// `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-`.
    Slack,
    /// `sk_live_`, `rk_live_`.
    StripeLive,
    /// `sk_test_`, `rk_test_`: test-mode keys still open the account's test data and settings.
    StripeTest,
    /// `AIza` + 35.
    GoogleApiKey,
    /// `-----BEGIN ... PRIVATE KEY-----` with a body.
    PrivateKey,
    /// `eyJ...` `.` `eyJ...` `.` signature.
    Jwt,
}

impl Kind {
    /// The kind as a message says it: "an OpenAI API key".
    pub fn describe(self) -> &'static str {
        match self {
            Kind::OpenAi => "an OpenAI API key",
            Kind::Anthropic => "an Anthropic API key",
            Kind::GitHub => "a GitHub token",
            Kind::AwsAccessKeyId => "an AWS access key ID",
            Kind::Slack => "a Slack token",
            Kind::StripeLive => "a Stripe live secret key",
            Kind::StripeTest => "a Stripe test-mode secret key",
            Kind::GoogleApiKey => "a Google API key",
            Kind::PrivateKey => "a PEM private key",
            Kind::Jwt => "a JSON Web Token",
        }
    }

    /// A short stable name, for finding identities.
    pub fn id(self) -> &'static str {
        match self {
            Kind::OpenAi => "openai",
            Kind::Anthropic => "anthropic",
            Kind::GitHub => "github",
            Kind::AwsAccessKeyId => "aws-access-key-id",
            Kind::Slack => "slack",
            Kind::StripeLive => "stripe-live",
            Kind::StripeTest => "stripe-test",
            Kind::GoogleApiKey => "google-api-key",
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
            Kind::OpenAi => {
                let second = upto("-", 1);
                if second > 0 && second <= "sk-svcacct-".len() {
                    second
                } else {
                    3
                }
            }
            Kind::Anthropic => upto("-", 2),
            Kind::GitHub if credential.starts_with("github_pat_") => "github_pat_".len(),
            Kind::GitHub | Kind::AwsAccessKeyId | Kind::GoogleApiKey => 4,
            Kind::Slack => 5,
            Kind::StripeLive | Kind::StripeTest => 8,
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

/// The fixed beginnings of the known formats below: a file without one of them holds no
/// key of a known format (the prefilter's triggers).
pub const PREFIXES: &[&str] = &[
    "sk-",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "AKIA",
    "ASIA",
    "xoxa-",
    "xoxb-",
    "xoxp-",
    "xoxr-",
    "xoxs-",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "AIza",
    "-----BEGIN",
    "eyJ",
];

/// Every known format, as one alternation so the text is scanned once. Word boundaries are
/// ASCII (`(?-u)`), so `my_ghp_...` or `xAKIA...` are not keys, and non-ASCII text does not
/// slow the scan down. Tokens whose alphabet includes `-` run greedily to their end.
static KNOWN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(KNOWN_PATTERN).expect("the credential patterns compile"));

/// The pattern of [`KNOWN`], for the prefilter to look for in a file's text.
pub const KNOWN_PATTERN: &str = r"(?x-u)
          \bsk-ant-[A-Za-z0-9]{2,16}-[A-Za-z0-9_-]{32,}
        | \bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{32,}
        | \bsk-[A-Za-z0-9]{32,}\b
        | \bgh[pousr]_[A-Za-z0-9]{36,251}\b
        | \bgithub_pat_[A-Za-z0-9_]{50,}\b
        | \b(?:AKIA|ASIA)[A-Z0-9]{16}\b
        | \bxox[abprs]-[A-Za-z0-9-]{10,}
        | \b[sr]k_(?:live|test)_[A-Za-z0-9]{20,}\b
        | \bAIza[A-Za-z0-9_-]{35}
        | -----BEGIN\x20[A-Z0-9\x20]*PRIVATE\x20KEY(?:\x20BLOCK)?-----
        | \beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}
        ";

/// Every credential of a known format in `text`, in order, placeholders left out.
pub fn find(text: &str) -> Vec<Match> {
    let mut out = Vec::new();
    for m in KNOWN.find_iter(text) {
        let s = m.as_str();
        let range = m.range();
        if let Some(found) = verify(text, s, range) {
            // A PEM body can extend past a later match; never report overlapping ranges.
            if out
                .last()
                .is_none_or(|last: &Match| last.range.end <= found.range.start)
            {
                out.push(found);
            }
        }
    }
    out
}

/// Whether `text` holds a credential of a known format.
pub fn contains_known(text: &str) -> bool {
    !find(text).is_empty()
}

/// The kind of a regex match and its final range, or `None` if it is a look-alike.
fn verify(text: &str, s: &str, range: Range<usize>) -> Option<Match> {
    let kind = kind_of(s)?;
    if kind == Kind::PrivateKey {
        return private_key(text, range);
    }
    let body = &s[kind.public_prefix_len(s).min(s.len())..];
    let well_formed = match kind {
        // Classic keys (no second `-`) mix letters and digits.
        Kind::OpenAi if !s[3..].contains('-') => {
            has_digit(body) && body.bytes().any(|b| b.is_ascii_alphabetic())
        }
        // Exactly 35 characters after `AIza`: the next one must not continue the token.
        Kind::GoogleApiKey => !text[range.end..]
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
        // `xoxb-<team>-<user>-<secret>`: digits and at least two parts.
        Kind::Slack => s.len() >= 20 && has_digit(body) && body.contains('-'),
        _ => true,
    };
    (well_formed && !is_placeholder(body)).then_some(Match { kind, range })
}

fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
}

/// The kind a regex match belongs to, from its prefix.
fn kind_of(s: &str) -> Option<Kind> {
    let b = s.as_bytes();
    Some(match b.first()? {
        b's' if s.starts_with("sk-ant-") => Kind::Anthropic,
        b's' if s.starts_with("sk-") => Kind::OpenAi,
        b's' | b'r' if s[3..].starts_with("live_") => Kind::StripeLive,
        b's' | b'r' => Kind::StripeTest,
        b'g' => Kind::GitHub,
        b'A' if s.starts_with("AIza") => Kind::GoogleApiKey,
        b'A' => Kind::AwsAccessKeyId,
        b'x' => Kind::Slack,
        b'-' => Kind::PrivateKey,
        b'e' => Kind::Jwt,
        _ => return None,
    })
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
    let window = &rest[..floor_char_boundary(rest, MAX_PEM_LEN)];
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

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Words that mark a value as made up. Checked case-insensitively anywhere in a token's
/// secret part: a random key holds one of them by chance about once in a thousand.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
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
    distinct < (s.len() / 6).max(5)
}

/// Shannon entropy of `s` in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::<char, usize>::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Shortest literal the statistical test considers.
pub const MIN_SECRET_LEN: usize = 16;
/// Longest: beyond this a literal is data, not a key (PEM blocks are a known format).
pub const MAX_SECRET_LEN: usize = 256;

/// Whether a whole literal looks like a randomly generated secret: 16 to 256 characters of a
/// token alphabet (`A-Z a-z 0-9 + / = _ -`), no whitespace, letters and digits mixed, high
/// Shannon entropy; and none of: a placeholder, an environment variable name
/// (`OPENAI_API_KEY`), a path or URL, words joined by `_`/`-` (`max_retry_count_v2`).
///
/// Lower-case hexadecimal (digests, UUIDs, many providers' keys) qualifies from 32 characters
/// with a lower entropy bar, as its alphabet is smaller. Only meaningful where the literal is
/// known to be assigned to something that names a credential: on its own, a hash or a random
/// test id passes too.
pub fn is_high_entropy(s: &str) -> bool {
    let n = s.len();
    if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&n) {
        return false;
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-'))
    {
        return false;
    }
    let lower = s.bytes().any(|b| b.is_ascii_lowercase());
    let upper = s.bytes().any(|b| b.is_ascii_uppercase());
    let digit = has_digit(s);
    if !digit || !(lower || upper) {
        return false;
    }
    // `OPENAI_API_KEY_2`, `SCREAMING_SNAKE`: a name, not a value.
    if !lower && s.contains('_') {
        return false;
    }
    if s.starts_with('/') || s.starts_with("./") || s.starts_with("../") || s.contains("//") {
        return false;
    }
    if is_words(s) || is_placeholder(s) {
        return false;
    }
    let entropy = shannon_entropy(s);
    let hex = s
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-');
    if hex {
        return n >= 32 && entropy >= 3.0;
    }
    let classes = usize::from(lower) + usize::from(upper) + usize::from(digit);
    if classes < 3 && n < 20 {
        return false;
    }
    entropy >= 3.5
}

/// `max_retry_count`, `user-id-2`, `path/to/file`: parts separated by `_`, `-`, `/` that are
/// each one case of letters, or all digits.
fn is_words(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['_', '-', '/']).collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            p.bytes().all(|b| b.is_ascii_digit())
                || p.bytes().all(|b| b.is_ascii_lowercase())
                || p.bytes().all(|b| b.is_ascii_uppercase())
                || (p.len() > 1
                    && p.as_bytes()[0].is_ascii_uppercase()
                    && p.bytes().skip(1).all(|b| b.is_ascii_lowercase()))
        })
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

    fn body(n: usize) -> &'static str {
        &B62[..n]
    }

    fn upper(n: usize) -> String {
        B62.to_ascii_uppercase()[..n].to_owned()
    }

    fn kinds(text: &str) -> Vec<Kind> {
        find(text).into_iter().map(|m| m.kind).collect()
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
        let cases: Vec<(String, Kind)> = vec![
            (k("sk-", body(48)), Kind::OpenAi),
            (k("sk-proj-", body(60)), Kind::OpenAi),
            (k("sk-svcacct-", body(60)), Kind::OpenAi),
            (k("sk-admin-", body(60)), Kind::OpenAi),
            (k("sk-ant-api03-", body(60)), Kind::Anthropic),
            (k("sk-ant-admin01-", body(60)), Kind::Anthropic),
            (k("ghp_", body(36)), Kind::GitHub),
            (k("gho_", body(36)), Kind::GitHub),
            (k("ghu_", body(36)), Kind::GitHub),
            (k("ghs_", body(36)), Kind::GitHub),
            (k("ghr_", body(36)), Kind::GitHub),
            (
                k("github_pat_", &format!("{}_{}", body(22), &B62[3..62])),
                Kind::GitHub,
            ),
            (k("AKIA", &upper(16)), Kind::AwsAccessKeyId),
            (k("ASIA", &upper(16)), Kind::AwsAccessKeyId),
            (
                k("xoxb-", &format!("2417390421-3917539125-{}", body(24))),
                Kind::Slack,
            ),
            (k("sk_live_", body(24)), Kind::StripeLive),
            (k("rk_live_", body(24)), Kind::StripeLive),
            (k("sk_test_", body(24)), Kind::StripeTest),
            (k("AIza", body(35)), Kind::GoogleApiKey),
            (pem("RSA ", 4), Kind::PrivateKey),
            (pem("", 4), Kind::PrivateKey),
            (pem("OPENSSH ", 4), Kind::PrivateKey),
            (jwt(), Kind::Jwt),
        ];
        for (key, kind) in cases {
            let found = find(&key);
            assert_eq!(found.len(), 1, "{key}");
            assert_eq!(found[0].kind, kind, "{key}");
            assert_eq!(found[0].range, 0..key.len(), "{key}");
            // Inside other text, with word boundaries around.
            let text = format!("Authorization: Bearer {key}\n");
            let found = find(&text);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(&text[found[0].range.clone()], key);
        }
    }

    #[test]
    fn public_prefixes() {
        let cases = [
            (k("sk-proj-", body(40)), Kind::OpenAi, "sk-proj-"),
            (k("sk-", body(48)), Kind::OpenAi, "sk-"),
            (
                k("sk-ant-api03-", body(40)),
                Kind::Anthropic,
                "sk-ant-api03-",
            ),
            (k("ghp_", body(36)), Kind::GitHub, "ghp_"),
            (k("sk_live_", body(24)), Kind::StripeLive, "sk_live_"),
        ];
        for (key, kind, prefix) in cases {
            assert_eq!(&key[..kind.public_prefix_len(&key)], prefix);
        }
        let p = pem("EC ", 3);
        let len = Kind::PrivateKey.public_prefix_len(&p);
        assert!(p[..len].ends_with("PRIVATE KEY-----"), "{}", &p[..len]);
        let j = jwt();
        assert_eq!(Kind::Jwt.public_prefix_len(&j), j.find('.').unwrap() + 1);
    }

    #[test]
    fn several_in_one_text_in_order() {
        let text = format!(
            "a={} b={} c=\"{}\"",
            k("ghp_", body(36)),
            k("AKIA", &upper(16)),
            k("sk-ant-api03-", body(50))
        );
        assert_eq!(
            kinds(&text),
            [Kind::GitHub, Kind::AwsAccessKeyId, Kind::Anthropic]
        );
    }

    #[test]
    fn anthropic_keys_are_not_openai_keys() {
        assert_eq!(kinds(&k("sk-ant-api03-", body(60))), [Kind::Anthropic]);
        // Too short for Anthropic, and never an OpenAI key either.
        assert!(kinds(&k("sk-ant-api03-", body(10))).is_empty());
    }

    #[test]
    fn word_boundaries() {
        for text in [
            k("my_ghp_", body(36)),
            k("xghp_", body(36)),
            k("ghp_", body(40)) + "_suffix",
            k("ghp_", body(35)),
            k("AKIA", &upper(17)),
            k("XAKIA", &upper(16)),
            k("AIza", body(36)),
            k("ask-", body(48)),
            k("task_live_", body(24)),
        ] {
            assert!(find(&text).is_empty(), "{text}");
        }
        // Longer GitHub tokens are allowed (their length may grow).
        assert_eq!(kinds(&k("ghp_", body(40))), [Kind::GitHub]);
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
        assert_eq!(kinds(&src), [Kind::PrivateKey]);
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

    #[test]
    fn high_entropy_values() {
        let yes = [
            body(16).to_owned(),
            body(40).to_owned(),
            // base64 with padding, as an AWS secret access key or a random 32-byte key.
            k(&B62[5..25], "/+Tz9Lm2Qp8Xv4Rn6Ws0Ky=="),
            // 40 lower-case hex digits.
            "9f3b2c7d1e8a4f6b0c5d2e9a7b3f1c8d4e6a2b0f".to_owned(),
            // A UUID used as an API key.
            "3f2b9c1e-7d4a-4e8b-9a6c-1d5e7f3b2a90".to_owned(),
            // Base32 (upper case and digits).
            "JBSW3DPEHPK3PXPQ7WE2RT9Y".to_owned(),
        ];
        for s in &yes {
            assert!(is_high_entropy(s), "{s} ({})", shannon_entropy(s));
        }
        let no = [
            "short1A",
            "OPENAI_API_KEY_2",
            "SCREAMING_SNAKE_CASE_NAME",
            "plainlowercasewordsonly",
            "max_retry_count_v2",
            "user-id-12345-abc",
            "https://api.example.com/v1/chat",
            "/usr/local/bin/tool2x",
            "src/main/rust/file2",
            "hello world 12345 with spaces",
            "aaaaaaaaaaaaaaaaaaaaaaaa1",
            "your-api-key-goes-here-123",
            "changeme1234567890XYZ",
            "${OPENAI_API_KEY}_123abc",
            "sk-...",
            "12345678901234567890",
            "abcdabcdabcdabcd1234",
            // Hex shorter than 32 characters: too little to tell from an id.
            "9f3b2c7d1e8a4f6b0c5d",
            // Dots and colons: versions, hosts, URLs.
            "v1.2.3-beta.4+build.5678",
            "localhost:8080:abc123XYZ",
        ];
        for s in no {
            assert!(!is_high_entropy(s), "{s} ({})", shannon_entropy(s));
        }
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
