//! The custom mutator of `rust_mutated`: splices token trees, so mutated Rust mostly still
//! parses and reaches the rules and the taint analysis instead of stopping at the parser.
//!
//! A token tree here is a balanced `(...)`, `[...]` or `{...}` found by counting brackets,
//! ignoring strings and comments ("structure-aware-ish": a bracket in a string can make a
//! wrong tree, which is just one more mutation). Half the mutations are libFuzzer's own byte
//! mutations (which use the `-dict=` of Rust tokens), the other half replace a tree of the
//! input with another tree of the input or with one of [`DONORS`].

use std::ops::Range;

/// Code the rules care about: secret reads, writes, sinks, derives, suppressions and macros.
pub const DONORS: &[&str] = &[
    r#"(std::env::var("OPENAI_API_KEY").unwrap())"#,
    r#"{ let k = env::var_os("VOX_DB_PASSWORD"); println!("{k:?}"); }"#,
    r#"{ unsafe { std::env::set_var("DATABASE_URL", "postgres://u:p@h/db") } }"#,
    r#"{ tracing::info!(token = %secret.expose_secret(), "sent"); }"#,
    r#"(format!("https://user:{}@example.com", password))"#,
    r#"{ #[derive(Debug, Serialize)] struct Creds { api_key: String, token: Secret<String> } }"#,
    r#"{ #[derive(SecretInventory)] enum SecretId { #[secret(env = "X_TOKEN", aliases("Y"))] X } }"#,
    r#"{ // vox-clavis-lint: allow(secret-in-log) because
    log::debug!("{:?}", creds); }"#,
    r#"{ macro_rules! m { ($e:expr) => { println!("{}", $e) }; } m!(key); }"#,
    r#"(req.header("Authorization", format!("Bearer {}", token)))"#,
    r#"{ let api_key = "sk-live-0123456789abcdefghijABCDEFGHIJ"; }"#,
    r#"{ match env::var("ANTHROPIC_API_KEY") { Ok(v) => eprintln!("{v}"), Err(_) => {} } }"#,
    r#"{ let s: SecretString = clavis.resolve(SecretId::OpenAiApiKey)?; dbg!(&s); }"#,
    r#"[env!("OAI_API_KEY"), option_env!("VOX_WEBHOOK_SIGNING_SECRET").unwrap()]"#,
    r#"{ impl fmt::Debug for Creds { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, "{}", self.key) } } }"#,
];

/// A small deterministic generator: libFuzzer hands the mutator a seed and expects the same
/// mutation from the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as usize
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.next() % n }
    }
}

/// Mutates `data[..size]` in place and returns the new size (at most `max_size`);
/// `byte_mutate` is libFuzzer's own mutator (`libfuzzer_sys::fuzzer_mutate`).
pub fn mutate(
    data: &mut [u8],
    size: usize,
    max_size: usize,
    seed: u32,
    byte_mutate: impl FnOnce(&mut [u8], usize, usize) -> usize,
) -> usize {
    let mut rng = Rng(u64::from(seed) | 1 << 40);
    if rng.below(2) == 0 || size == 0 {
        return byte_mutate(data, size, max_size);
    }
    let input = &data[..size];
    let Some(target) = tree(input, &mut rng) else {
        return byte_mutate(data, size, max_size);
    };
    let replacement: Vec<u8> = if rng.below(3) == 0 {
        match tree(input, &mut rng) {
            Some(r) => input[r].to_vec(),
            None => return byte_mutate(data, size, max_size),
        }
    } else {
        let donor = DONORS[rng.below(DONORS.len())].as_bytes();
        // Sometimes a subtree of the donor, so small pieces travel too.
        match rng.below(2) {
            0 => donor.to_vec(),
            _ => tree(donor, &mut rng).map_or(donor, |r| &donor[r]).to_vec(),
        }
    };
    let mut out = Vec::with_capacity(size + replacement.len());
    out.extend_from_slice(&input[..target.start]);
    out.extend_from_slice(&replacement);
    out.extend_from_slice(&input[target.end..]);
    if out.len() > max_size {
        return byte_mutate(data, size, max_size);
    }
    data[..out.len()].copy_from_slice(&out);
    out.len()
}

/// A random balanced token tree of `text`, or an empty range at a random line start when
/// `text` has no bracket (so a donor can be inserted rather than replace something).
fn tree(text: &[u8], rng: &mut Rng) -> Option<Range<usize>> {
    let opens: Vec<usize> = (0..text.len())
        .filter(|&i| matches!(text[i], b'(' | b'[' | b'{'))
        .collect();
    if opens.is_empty() {
        let lines: Vec<usize> = std::iter::once(0)
            .chain((0..text.len()).filter(|&i| text[i] == b'\n').map(|i| i + 1))
            .collect();
        let at = lines[rng.below(lines.len())];
        return Some(at..at);
    }
    let start = opens[rng.below(opens.len())];
    let mut depth = 0usize;
    for (i, &b) in text.iter().enumerate().skip(start) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(start..i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_are_balanced() {
        let text = b"fn f() { g(a[1], {b}); }";
        for seed in 0..200 {
            let r = tree(text, &mut Rng(seed | 1 << 40)).unwrap();
            let t = &text[r];
            assert!(
                t.iter().filter(|&&b| b == b'{').count()
                    == t.iter().filter(|&&b| b == b'}').count()
            );
        }
    }
}
