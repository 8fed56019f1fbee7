//! The last mile: scrub known secret values out of text before it reaches a log line, a tool's
//! output or a model's context.
//!
//! Values rarely leak verbatim only: an `Authorization: Basic` header carries them in base64, a
//! query string percent-encoded, a JSON body or a `{:?}` escaped. The redactor looks for the
//! value itself; its base64 forms (standard and URL-safe, at each of the three byte alignments a
//! value can have inside a longer encoded string, also wrapped over lines); its
//! percent-encodings as the common encoders write them (in any case of hex digits, and encoded
//! twice); its hex; and its JSON and `{:?}` escapes.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::secret::ResolvedSecret;

/// What replaces a secret.
pub const MASK: &str = "[REDACTED]";

/// Encoded forms shorter than this are not searched for: a 2-character base64 fragment would
/// mask innocent text everywhere. The value itself is always searched for.
const MIN_ENCODED_LEN: usize = 8;

/// Scrubs secret values, and their common encodings, from text.
///
/// ```
/// # use vox_clavis::{MapEnv, Redactor, Resolver, SecretSpec};
/// # static KEY: SecretSpec = SecretSpec::new("OpenAiApiKey", "OPENAI_API_KEY");
/// # let resolver = Resolver::builder().env(MapEnv::from([("OPENAI_API_KEY", "sk-example-key")])).build();
/// let key = resolver.resolve_spec(&KEY)?;
/// let redactor = Redactor::from(&[&key]);
/// let line = format!("request failed: Authorization: Bearer {}", key.expose_secret());
/// assert_eq!(redactor.redact(&line), "request failed: Authorization: Bearer [REDACTED]");
/// # Ok::<(), vox_clavis::Error>(())
/// ```
#[derive(Default, Clone)]
pub struct Redactor {
    /// Every form to mask, longest first. Wiped on drop.
    needles: Vec<Needle>,
}

/// One form of a value, and how to look for it.
#[derive(Clone, PartialEq, Eq)]
struct Needle {
    text: Zeroizing<String>,
    how: Match,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Match {
    /// Byte for byte.
    Exact,
    /// Ignoring ASCII case (stored lowercase): percent-encodings and hex, whose digits a
    /// library may write in either case, or mixed.
    FoldCase,
    /// In the text with its line breaks removed: base64 that was wrapped (MIME at 76, PEM at 64).
    Unwrapped,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("patterns", &self.needles.len())
            .finish()
    }
}

impl Redactor {
    /// A redactor that masks nothing yet.
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Adds a resolved secret.
    pub fn add(&mut self, secret: &ResolvedSecret) -> &mut Self {
        self.add_value(secret.expose_secret())
    }

    /// Adds a secret held as a `SecretString`.
    pub fn add_secret(&mut self, secret: &SecretString) -> &mut Self {
        self.add_value(secret.expose_secret())
    }

    fn add_value(&mut self, value: &str) -> &mut Self {
        if value.is_empty() {
            return self;
        }
        let mut forms = vec![(Zeroizing::new(value.to_owned()), Match::Exact)];
        for escaped in escaped_forms(value) {
            forms.push((escaped, Match::Exact));
        }
        for encoded in base64_forms(value.as_bytes()) {
            forms.push((encoded, Match::Unwrapped));
        }
        for encoded in percent_forms(value) {
            // Encoded twice (a URL inside a URL): every `%` becomes `%25`.
            let twice = Zeroizing::new(encoded.replace('%', "%25"));
            forms.push((encoded, Match::FoldCase));
            forms.push((twice, Match::FoldCase));
        }
        forms.push((
            Zeroizing::new(crate::vault::crypto::hex(value.as_bytes())),
            Match::FoldCase,
        ));
        for (mut text, how) in forms {
            if how == Match::FoldCase {
                text.make_ascii_lowercase();
            }
            let is_value = *text == value;
            let needle = Needle { text, how };
            if (is_value || needle.text.len() >= MIN_ENCODED_LEN) && !self.needles.contains(&needle)
            {
                self.needles.push(needle);
            }
        }
        self.needles
            .sort_by_key(|n| std::cmp::Reverse(n.text.len()));
        self
    }

    /// Whether it masks nothing.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// `text` with every occurrence of a secret, or of one of its encodings, replaced by
    /// [`MASK`]. Overlapping and adjacent occurrences become one mask.
    pub fn redact(&self, text: &str) -> String {
        // Views of the text for the needles that are not matched byte for byte; they may hold
        // a value, so they are wiped too. Lowercasing ASCII keeps every byte offset.
        let folded = Zeroizing::new(text.to_ascii_lowercase());
        let mut unwrapped = Zeroizing::new(String::with_capacity(text.len()));
        let mut offsets = Vec::with_capacity(text.len());
        for (at, byte) in text.bytes().enumerate() {
            if byte != b'\n' && byte != b'\r' {
                offsets.push(at);
            }
        }
        unwrapped.extend(text.chars().filter(|c| *c != '\n' && *c != '\r'));
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for needle in &self.needles {
            let haystack: &str = match needle.how {
                Match::Exact => text,
                Match::FoldCase => &folded,
                Match::Unwrapped => &unwrapped,
            };
            let mut from = 0;
            while let Some(at) = haystack[from..].find(needle.text.as_str()) {
                let start = from + at;
                let end = start + needle.text.len();
                ranges.push(match needle.how {
                    Match::Unwrapped => (offsets[start], offsets[end - 1] + 1),
                    _ => (start, end),
                });
                // Step one character, not the whole needle, to catch overlapping occurrences.
                from = start + haystack[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
        if ranges.is_empty() {
            return text.to_owned();
        }
        ranges.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut iter = ranges.into_iter().peekable();
        while let Some((start, mut end)) = iter.next() {
            while let Some(&(next_start, next_end)) = iter.peek() {
                if next_start > end {
                    break;
                }
                end = end.max(next_end);
                iter.next();
            }
            if start < copied {
                // Merged into the previous mask already.
                continue;
            }
            out.push_str(&text[copied..start]);
            out.push_str(MASK);
            copied = end;
        }
        out.push_str(&text[copied..]);
        out
    }
}

impl From<&[&ResolvedSecret]> for Redactor {
    fn from(secrets: &[&ResolvedSecret]) -> Self {
        let mut redactor = Redactor::new();
        for secret in secrets {
            redactor.add(secret);
        }
        redactor
    }
}

impl<const N: usize> From<&[&ResolvedSecret; N]> for Redactor {
    fn from(secrets: &[&ResolvedSecret; N]) -> Self {
        Redactor::from(&secrets[..])
    }
}

/// The parts of a value's base64 encodings that do not depend on the bytes around it.
///
/// Inside a longer encoded string the value starts at some byte offset; modulo 3 that is 0, 1 or
/// 2, and each gives different characters. For each, encode the value behind that many filler
/// bytes and keep only the characters whose 6 bits all come from the value.
fn base64_forms(value: &[u8]) -> Vec<Zeroizing<String>> {
    let mut forms = Vec::new();
    for shift in 0..3usize {
        let mut input = Zeroizing::new(vec![0u8; shift]);
        input.extend_from_slice(value);
        let first = (shift * 8).div_ceil(6);
        let last = (shift + value.len()) * 8 / 6;
        if last <= first {
            continue;
        }
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let encoded = Zeroizing::new(engine.encode(&*input));
            let core = Zeroizing::new(encoded[first..last].to_owned());
            if !forms.contains(&core) {
                forms.push(core);
            }
        }
    }
    forms
}

/// The value as string escapes write it: JSON (serde_json, `JSON.stringify`), JSON with `\/`
/// (PHP and some Java encoders), JSON with every non-ASCII character as `\uXXXX` (Python's
/// `json.dumps`), and Rust's `{:?}`. Each without the surrounding quotes.
fn escaped_forms(value: &str) -> Vec<Zeroizing<String>> {
    let json = Zeroizing::new(serde_json::to_string(value).expect("a string serializes"));
    let json = Zeroizing::new(json[1..json.len() - 1].to_owned());
    let slashed = Zeroizing::new(json.replace('/', "\\/"));
    let mut ascii = Zeroizing::new(String::with_capacity(json.len()));
    for c in json.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                ascii.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    let debug = Zeroizing::new(format!("{value:?}"));
    let debug = Zeroizing::new(debug[1..debug.len() - 1].to_owned());
    let mut forms: Vec<Zeroizing<String>> = Vec::new();
    for form in [json, slashed, ascii, debug] {
        if *form != value && !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

/// The value percent-encoded as the common encoders do: RFC 3986 (unreserved kept), Python's
/// `quote` (`/` kept too), JavaScript's `encodeURIComponent` (`!'()*` kept too) and `encodeURI`
/// (reserved characters kept too), and form-encoded (space as `+`). The case of the hex digits
/// is matched loosely, so upper, lower and mixed case are all caught.
fn percent_forms(value: &str) -> Vec<Zeroizing<String>> {
    const UNRESERVED: &[u8] = b"-._~";
    let encoders: [(&[u8], bool); 5] = [
        (b"", false),
        (b"/", false),
        (b"!'()*", false),
        (b"!'()*;,/?:@&=+$#", false),
        (b"", true),
    ];
    let mut forms: Vec<Zeroizing<String>> = Vec::new();
    for (keep, plus) in encoders {
        let mut out = Zeroizing::new(String::new());
        for &byte in value.as_bytes() {
            if byte.is_ascii_alphanumeric() || UNRESERVED.contains(&byte) || keep.contains(&byte) {
                out.push(byte as char);
            } else if plus && byte == b' ' {
                out.push('+');
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        if *out != value && !forms.contains(&out) {
            forms.push(out);
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(values: &[&str]) -> Redactor {
        let mut r = Redactor::new();
        for v in values {
            r.add_value(v);
        }
        r
    }

    #[test]
    fn masks_every_occurrence() {
        let r = redactor(&["canary-token-1234"]);
        assert_eq!(
            r.redact("a canary-token-1234 b canary-token-1234"),
            "a [REDACTED] b [REDACTED]"
        );
        assert_eq!(r.redact("nothing here"), "nothing here");
    }

    #[test]
    fn masks_base64_at_every_alignment() {
        let secret = "canary-token-1234";
        let r = redactor(&[secret]);
        let engine = &base64::engine::general_purpose::STANDARD;
        for prefix in ["", "u", "us", "user:", "x"] {
            let header = engine.encode(format!("{prefix}{secret}"));
            let out = r.redact(&format!("Authorization: Basic {header}"));
            assert!(out.contains(MASK), "prefix {prefix:?}: {out}");
            // What is left of the encoded string cannot decode to the secret.
            assert!(!out.contains(&header), "prefix {prefix:?}: {out}");
        }
        let url_safe = URL_SAFE_NO_PAD.encode("\u{ff}\u{fe}canary-token-1234?");
        assert!(r.redact(&url_safe).contains(MASK));
    }

    #[test]
    fn masks_percent_encodings() {
        let r = redactor(&["p@ss w/rd+1"]);
        assert_eq!(
            r.redact("?password=p%40ss%20w%2Frd%2B1&x=1"),
            "?password=[REDACTED]&x=1"
        );
        assert_eq!(
            r.redact("?password=p%40ss+w%2Frd%2B1"),
            "?password=[REDACTED]"
        );
        assert_eq!(
            r.redact("?password=p%40ss%20w%2frd%2b1"),
            "?password=[REDACTED]"
        );
    }

    #[test]
    fn overlapping_and_adjacent_occurrences_become_one_mask() {
        let r = redactor(&["abab", "baba"]);
        assert_eq!(r.redact("xababax"), "x[REDACTED]x");
        assert_eq!(r.redact("ababab"), "[REDACTED]");
    }

    #[test]
    fn non_ascii_text_around_secrets() {
        let r = redactor(&["geheim-wert-42"]);
        assert_eq!(r.redact("ключ=geheim-wert-42 ✓"), "ключ=[REDACTED] ✓");
    }

    #[test]
    fn empty_values_mask_nothing_and_debug_hides_values() {
        let r = redactor(&[""]);
        assert!(r.is_empty());
        let r = redactor(&["canary-token-1234"]);
        assert!(!format!("{r:?}").contains("canary"));
    }

    /// Issue 17, case 4: the encodings a value meets on its way out, each by its real output
    /// (written out by hand, not by the code under test).
    #[test]
    fn masks_hex_url_component_python_quote_mixed_case_and_double_percent() {
        let secret = "k3y/v@l ue!(x)*'~\u{e9}";
        let r = redactor(&[secret]);
        for (what, encoded) in [
            (
                "hex",
                "6b33792f76406c20756521287829\
                     2a277ec3a9",
            ),
            ("HEX", "6B33792F76406C207565212878292A277EC3A9"),
            ("python quote", "k3y/v%40l%20ue%21%28x%29%2A%27~%C3%A9"),
            ("encodeURIComponent", "k3y%2Fv%40l%20ue!(x)*'~%C3%A9"),
            ("mixed case", "k3y%2fv%40l%20ue%21%28x%29%2a%27~%c3%A9"),
            (
                "double",
                "k3y%252Fv%2540l%2520ue%2521%2528x%2529%252A%2527~%25C3%25A9",
            ),
        ] {
            let encoded = encoded.replace(' ', "");
            let out = r.redact(&format!("GET /?t={encoded}&x=1"));
            assert_eq!(out, "GET /?t=[REDACTED]&x=1", "{what}: {out}");
        }
    }

    #[test]
    fn masks_json_and_debug_escaped_forms() {
        let secret = "a\"b\\c\nd/\u{e9}-long-enough";
        let r = redactor(&[secret]);
        for (what, encoded) in [
            (
                "serde_json / JSON.stringify",
                r#"a\"b\\c\nd/é-long-enough"#.to_owned(),
            ),
            ("escaped slash", r#"a\"b\\c\nd\/é-long-enough"#.to_owned()),
            (
                "python json.dumps",
                r#"a\"b\\c\nd/\u00e9-long-enough"#.to_owned(),
            ),
            ("{:?}", format!("{secret:?}").trim_matches('"').to_owned()),
        ] {
            let out = r.redact(&format!("{{\"token\":\"{encoded}\"}}"));
            assert_eq!(out, "{\"token\":\"[REDACTED]\"}", "{what}: {out}");
        }
    }

    #[test]
    fn masks_base64_broken_into_lines() {
        let secret = "canary-token-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789";
        let r = redactor(&[secret]);
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("user:{secret}"));
        for (width, newline) in [(76, "\r\n"), (64, "\n")] {
            let lines: Vec<&str> = encoded
                .as_bytes()
                .chunks(width)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect();
            let text = format!("-----BEGIN-----\n{}\n-----END-----", lines.join(newline));
            let out = r.redact(&text);
            assert!(out.contains(MASK), "{out}");
            for line in &lines {
                let middle = &line[4.min(line.len())..line.len().saturating_sub(4)];
                assert!(middle.len() < 8 || !out.contains(middle), "{width}: {out}");
            }
            assert!(out.starts_with("-----BEGIN-----\n") && out.ends_with("\n-----END-----"));
        }
    }
}
