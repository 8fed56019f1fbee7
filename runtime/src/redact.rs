//! The last mile: scrub known secret values out of text before it reaches a log line, a tool's
//! output or a model's context.
//!
//! Values rarely leak verbatim only: an `Authorization: Basic` header carries them in base64, a
//! query string percent-encoded. The redactor looks for the value itself, its base64 forms
//! (standard and URL-safe, at each of the three byte alignments a value can have inside a longer
//! encoded string) and its percent-encodings.

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
    needles: Vec<Zeroizing<String>>,
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
        let mut forms = vec![Zeroizing::new(value.to_owned())];
        for encoded in base64_forms(value.as_bytes()) {
            forms.push(encoded);
        }
        for encoded in percent_forms(value) {
            forms.push(encoded);
        }
        for form in forms {
            let is_value = *form == value;
            if (is_value || form.len() >= MIN_ENCODED_LEN) && !self.needles.contains(&form) {
                self.needles.push(form);
            }
        }
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        self
    }

    /// Whether it masks nothing.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// `text` with every occurrence of a secret, or of one of its encodings, replaced by
    /// [`MASK`]. Overlapping and adjacent occurrences become one mask.
    pub fn redact(&self, text: &str) -> String {
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for needle in &self.needles {
            let mut from = 0;
            while let Some(at) = text[from..].find(needle.as_str()) {
                let start = from + at;
                ranges.push((start, start + needle.len()));
                // Step one character, not the whole needle, to catch overlapping occurrences.
                from = start + text[start..].chars().next().map_or(1, char::len_utf8);
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

/// The value percent-encoded (RFC 3986, upper- and lower-case hex), and form-encoded.
fn percent_forms(value: &str) -> Vec<Zeroizing<String>> {
    let mut upper = Zeroizing::new(String::new());
    let mut lower = Zeroizing::new(String::new());
    let mut form = Zeroizing::new(String::new());
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            upper.push(byte as char);
            lower.push(byte as char);
            form.push(byte as char);
        } else {
            upper.push_str(&format!("%{byte:02X}"));
            lower.push_str(&format!("%{byte:02x}"));
            if byte == b' ' {
                form.push('+');
            } else {
                form.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    let mut forms = Vec::new();
    for encoded in [upper, lower, form] {
        if *encoded != value && !forms.contains(&encoded) {
            forms.push(encoded);
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
}
