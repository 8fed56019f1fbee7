//! Whether a whole value is a secret of no known format: the statistical test for a random
//! token ([`is_high_entropy`]), the test for a password a person chose
//! ([`is_strong_password`]), and values that look like either but are public by design.
//!
//! Used where the code or a structure already says the value is a credential (an `api_key`
//! binding, a `Password=` key): on its own, a hash or a random test id passes too.

use super::{has_digit, is_placeholder};

/// A password that is not an example: 10 to 128 characters, no whitespace, a digit and a
/// letter and a third kind of lower case, upper case and symbols (`_`, `-`, `.`, `/` and `:`
/// join words and paths, so they are none), not a placeholder and not words joined
/// (`Aladdin:open sesame`, RFC 7617's example, is not one; nor are `max_retry_count_v2`,
/// `Token::StartObject` or `123-key/20090213/us-west-1`).
pub fn is_strong_password(p: &str) -> bool {
    let classes = [
        p.chars().any(char::is_lowercase),
        p.chars().any(char::is_uppercase),
        p.chars().any(|c| c.is_ascii_digit()),
        p.chars()
            .any(|c| !c.is_alphanumeric() && !matches!(c, '_' | '-' | '.' | '/' | ':')),
    ];
    (10..=128).contains(&p.chars().count())
        && !p.chars().any(char::is_whitespace)
        && has_digit(p)
        && classes.iter().filter(|&&c| c).count() >= 3
        && !is_placeholder_password(p)
        && !is_words(p)
}

/// [`is_placeholder`] for a password: `%`, `*`, `$` and braces are symbols a password has, so
/// only whole templates (`${DB_PASS}`, `%s`, `<password>`, `***`) count as placeholders; and
/// a password spelled on a word that says it is made up, in leetspeak too (`pa$$word`,
/// `topS3cr3tP4$$w0rd`, `p@ssw0rd1`).
pub fn is_placeholder_password(p: &str) -> bool {
    let letters = unleet(p);
    ["${", "{{", "{}", "%s", "%(", "***", "..."]
        .iter()
        .any(|t| p.contains(t))
        || (p.starts_with('<') && p.ends_with('>'))
        || has_format_argument(p)
        || MADE_UP_WORDS.iter().any(|w| letters.contains(w))
        || is_placeholder(&p.replace(['%', '*', '$', '{', '}', '<', '>'], ""))
}

/// Words a made-up password is built on.
const MADE_UP_WORDS: &[&str] = &[
    "passw", "secret", "changeme", "example", "letmein", "qwerty",
];

/// `p` in lower case with leetspeak read back (`$` `s`, `@` `a`, `0` `o`, `3` `e`, ...) and
/// everything but letters dropped.
fn unleet(p: &str) -> String {
    p.chars()
        .filter_map(|c| match c.to_ascii_lowercase() {
            '$' | '5' => Some('s'),
            '@' | '4' => Some('a'),
            '0' => Some('o'),
            '1' | '!' => Some('i'),
            '3' => Some('e'),
            '7' => Some('t'),
            c if c.is_ascii_lowercase() => Some(c),
            _ => None,
        })
        .collect()
}

/// `{password}`, `{0}`, `{:?}`: a format string's argument, filled in at run time.
fn has_format_argument(p: &str) -> bool {
    p.match_indices('{').any(|(i, _)| {
        let inner = p[i + 1..].split('}').next().unwrap_or("");
        p[i + 1..].contains('}')
            && inner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'?' | b'.' | b'-'))
    })
}

/// Beginnings of values that are public by design: publishable and public keys, which pages
/// and apps ship to every user.
const PUBLIC_PREFIXES: &[&str] = &[
    // Stripe's card tokens and payment methods: references made with the publishable key.
    "tok_",
    "pm_",
    "pk_live_",
    "pk_test_",
    "pk.eyJ",
    "ssh-rsa ",
    "ssh-ed25519 ",
    "ecdsa-sha2-",
    "age1",
    "npub1",
    "-----BEGIN PUBLIC KEY",
    "-----BEGIN CERTIFICATE",
];

/// Whether `value` is a publishable or public key: high-entropy, and meant to be seen.
pub fn is_public_by_design(value: &str) -> bool {
    PUBLIC_PREFIXES.iter().any(|p| value.starts_with(p))
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
    looks_random(s) && !encodes_made_up_text(s)
}

/// Whether `s` is base64 of text with nothing secret in it: JSON (`eyJ..`, a token's header or
/// claims alone), `id:api_key`, words. Random key bytes never decode to text; an encoded
/// `user:password` or `id:key` whose parts look random is still a secret.
fn encodes_made_up_text(s: &str) -> bool {
    base64_text(s).is_some_and(|text| {
        !text
            .split([':', ' ', ',', '"'])
            .any(|part| looks_random(part) || is_strong_password(part))
    })
}

/// `s` decoded from base64 (standard or URL-safe, padding optional) when that is printable
/// text of four or more characters.
pub fn base64_text(s: &str) -> Option<String> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let bytes = [
        GeneralPurpose::new(&base64::alphabet::STANDARD, config),
        GeneralPurpose::new(&base64::alphabet::URL_SAFE, config),
    ]
    .iter()
    .find_map(|engine| engine.decode(s).ok())?;
    let text = String::from_utf8(bytes).ok()?;
    (text.chars().count() >= 4 && text.chars().all(|c| !c.is_control() || c == '\n'))
        .then_some(text)
}

/// The statistical test alone: the alphabet, letters and digits, entropy (see
/// [`is_high_entropy`]).
fn looks_random(s: &str) -> bool {
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
/// each one case of letters (digits may end one), or all digits.
pub fn is_words(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['_', '-', '/']).collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            // A word may end in digits: `aws4_request`, `sha256`, `v2`.
            let word = p.trim_end_matches(|c: char| c.is_ascii_digit());
            let word = if word.is_empty() { p } else { word };
            word.bytes().all(|b| b.is_ascii_digit())
                || word.bytes().all(|b| b.is_ascii_lowercase())
                || word.bytes().all(|b| b.is_ascii_uppercase())
                || (word.len() > 1
                    && word.as_bytes()[0].is_ascii_uppercase()
                    && word.bytes().skip(1).all(|b| b.is_ascii_lowercase()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const B62: &str = "Q7wE2rT9yU4iO1pA6sD3fG8hJ5kL0zX7cV2bN9mQ4wE1rT6yU3iO8pA5sD0fG7";

    fn body(n: usize) -> &'static str {
        &B62[..n]
    }

    fn k(prefix: &str, body: &str) -> String {
        format!("{prefix}{body}")
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
    fn encoded_text_is_no_key() {
        // `{"oid":"12345678-9abc"}`, `id:api_key`: data in base64, not random bytes.
        for s in ["eyJvaWQiOiIxMjM0NTY3OC05YWJjIn0", "aWQ6YXBpX2tleQ=="] {
            assert!(!is_high_entropy(s), "{s}");
        }
        // `id:` and a random key, encoded: still a secret.
        let encoded = "aWQ6UTd3RTJyVDl5VTRpTzFwQTZzRDNmRzhoSjVrTA==";
        assert!(is_high_entropy(encoded));
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
