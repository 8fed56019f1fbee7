//! Every credential format of the catalog is tested from its own description: keys generated
//! from its prefix and body (with its checksum) are found where they are, by the text search
//! and by `hardcoded-secret` in a Rust file; look-alikes of each are not.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use vox_clavis_lint::Settings;
use vox_clavis_lint::analysis::credentials::catalog::{CATALOG, Checksum, Format, base62_6};
use vox_clavis_lint::analysis::credentials::{Match, find, find_near, is_placeholder_of};
use vox_clavis_lint::engine::check_sources;

const KEYS_PER_FORMAT: usize = 8;

/// A key of `f`'s format: a prefix, a random body, its checksum.
fn generate(f: &Format, rng: &mut StdRng) -> String {
    let body = rand_regex::Regex::compile(&f.body, 8).expect("the body generates");
    for _ in 0..1000 {
        let prefix = match f.prefixes.len() {
            0 => "",
            n => f.prefixes[rng.random_range(0..n)].as_str(),
        };
        let mut secret: String = rng.sample(&body);
        if f.checksum == Some(Checksum::GithubCrc32) {
            secret.truncate(secret.len().saturating_sub(6));
            secret += &base62_6(crc32fast::hash(secret.as_bytes()));
        }
        let mixed = secret.bytes().any(|b| b.is_ascii_digit())
            && secret.bytes().any(|b| b.is_ascii_alphabetic());
        if !is_placeholder_of(f, &secret) && (!(f.mixed || f.prefixes.is_empty()) || mixed) {
            return format!("{prefix}{secret}");
        }
    }
    panic!("format `{}`: no key that is not a placeholder", f.id);
}

fn ids(found: &[Match]) -> Vec<&'static str> {
    found.iter().map(|m| m.kind.id()).collect()
}

#[test]
fn every_generated_key_is_found_as_its_format() {
    let mut rng = StdRng::seed_from_u64(7);
    for f in &CATALOG.formats {
        let keyword = f.keywords.first().map_or("", String::as_str);
        for _ in 0..KEYS_PER_FORMAT {
            let key = generate(f, &mut rng);
            let found = find_near(&key, keyword);
            assert_eq!(ids(&found), [f.id.as_str()], "{}: {key}", f.id);
            assert_eq!(found[0].range, 0..key.len(), "{}: {key}", f.id);
            // In a line of code, the keyword before it.
            let line = format!("let v = (\"{keyword}\", \"{key}\");");
            assert_eq!(ids(&find_near(&line, "")), [f.id.as_str()], "{line}");
            if f.keywords.is_empty() {
                assert_eq!(ids(&find(&key)), [f.id.as_str()], "{}: {key}", f.id);
            }
        }
    }
}

#[test]
fn look_alikes_of_every_format_are_not_found() {
    let mut rng = StdRng::seed_from_u64(11);
    for f in &CATALOG.formats {
        let keyword = f.keywords.first().map_or("", String::as_str);
        let key = generate(f, &mut rng);
        let prefix = f
            .prefixes
            .iter()
            .find(|p| key.starts_with(p.as_str()))
            .map_or("", String::as_str);
        let is_this = |text: &str, near: &str| ids(&find_near(text, near)).contains(&f.id.as_str());
        // The body a placeholder of the same length.
        let blank = format!("{prefix}{}", "x".repeat(key.len() - prefix.len()));
        assert!(!is_this(&blank, keyword), "{}: {blank}", f.id);
        // A weak format without its keyword nearby.
        if !f.keywords.is_empty() && f.checksum.is_none() {
            assert!(!is_this(&key, ""), "{}: found without a keyword", f.id);
        }
        // A checksum that does not hold.
        if f.checksum.is_some() {
            let mut broken = key.clone();
            let last = broken.pop().expect("a key has characters");
            broken.push(if last == 'A' { 'B' } else { 'A' });
            assert!(!is_this(&broken, keyword), "{}: bad checksum found", f.id);
        }
    }
}

#[test]
fn weak_patterns_need_a_keyword_or_a_checksum() {
    let mut rng = StdRng::seed_from_u64(13);
    for f in &CATALOG.formats {
        let shortest = f.prefixes.iter().map(String::len).min().unwrap_or(0);
        let key = generate(f, &mut rng);
        let body = &key[f
            .prefixes
            .iter()
            .find(|p| key.starts_with(p.as_str()))
            .map_or(0, String::len)..];
        let plain = body.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
        if shortest < 3 || (plain && shortest < 5) {
            assert!(
                !f.keywords.is_empty() || f.checksum.is_some(),
                "format `{}` is too weak to fire alone: give it keywords",
                f.id
            );
        }
    }
}

#[test]
fn entries_are_well_formed() {
    let mut seen = std::collections::HashSet::new();
    for f in &CATALOG.formats {
        assert!(seen.insert(f.id.as_str()), "duplicate id `{}`", f.id);
        assert!(
            f.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "id `{}` is not kebab-case",
            f.id
        );
        assert!(
            f.docs.starts_with("https://"),
            "format `{}`: docs is not a link",
            f.id
        );
        assert!(
            f.what.starts_with("a ") || f.what.starts_with("an "),
            "format `{}`: what",
            f.id
        );
        assert!(
            f.keywords.iter().all(|k| !k.is_empty()),
            "format `{}`: empty keyword",
            f.id
        );
    }
    for id in [
        "openai",
        "anthropic",
        "github",
        "aws-access-key-id",
        "slack",
        "stripe-live",
        "stripe-test",
        "google-api-key",
    ] {
        assert!(seen.contains(id), "the catalog lost `{id}`");
    }
}

#[test]
fn every_format_is_a_finding_in_a_rust_file_and_its_look_alike_is_not() {
    let settings = Settings::default();
    let mut rng = StdRng::seed_from_u64(17);
    for f in &CATALOG.formats {
        let keyword = f.keywords.first().map_or("key", String::as_str);
        let key = generate(f, &mut rng);
        let code = format!(
            "fn client(b: Builder) -> Builder {{\n    b.header(\"{keyword}\", \"{key}\")\n}}\n"
        );
        let report = check_sources(&settings, &[("src/lib.rs", &code)]);
        let found: Vec<&str> = report
            .findings
            .iter()
            .filter(|x| x.rule == "hardcoded-secret")
            .map(|x| x.identity.split('|').next().unwrap_or(""))
            .collect();
        assert_eq!(found, [f.id.as_str()], "format `{}` in a Rust file", f.id);
        let prefix = f
            .prefixes
            .iter()
            .find(|p| key.starts_with(p.as_str()))
            .map_or("", String::as_str);
        let blank = format!("{prefix}{}", "x".repeat(key.len() - prefix.len()));
        let quiet = code.replace(&key, &blank);
        let report = check_sources(&settings, &[("src/lib.rs", &quiet)]);
        assert!(
            report.findings.iter().all(|x| x.rule != "hardcoded-secret"),
            "format `{}`: its placeholder look-alike is flagged",
            f.id
        );
    }
}

#[test]
fn the_prefilter_patterns_compile_as_the_prefilter_builds_them() {
    let alternatives = vox_clavis_lint::analysis::credentials::triggers();
    let matches = |text: &[u8]| {
        alternatives.iter().any(|(strings, pattern)| {
            let lower = String::from_utf8_lossy(text).to_ascii_lowercase();
            strings
                .iter()
                .any(|s| lower.contains(&s.to_ascii_lowercase()))
                && pattern.as_ref().is_none_or(|p| {
                    let built = regex::bytes::RegexBuilder::new(p).unicode(false).build();
                    assert!(built.is_ok(), "{p}: {:?}", built.err());
                    built.expect("checked").is_match(text)
                })
        })
    };
    // A short prefix alone in a word is no trigger; with its body, or as a piece, it is.
    assert!(!matches(b"let pattern = path_pattern(pat);"));
    assert!(!matches(b"static DATA: [u16; 2] = [0xAAD8, 0x1234];"));
    assert!(!matches(b"/// See https://encoding.spec.whatwg.org/"));
    assert!(!matches(b"let client = Client::new(linear_config);"));
    assert!(matches(b"concat!(\"AKIA\", \"Q7WE2RT9YU4IO1PA\")"));
    assert!(matches(b"let k = \"AKIAQ7WE2RT9YU4IO1PA\";"));
    assert!(matches(
        b"let mistral = \"Q7wE2rT9yU4iO1pA6sD3fG8hJ5kL0zX7\";"
    ));
}
