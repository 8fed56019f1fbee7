//! The real binary on inputs made to break it: each ends as a finding or a reported skip,
//! never a panic, an abort (a stack overflow is exit 134) or a silent "0 files".
//!
//! The inputs are generated here rather than committed: most are megabytes of brackets.
//! Speed on them is measured by `bench/nesting`, not here: a test asserts outcomes only.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_vox-clavis-lint");
/// A read in every file, so that every file is one the rules walk.
const READ: &str = "fn read() { let k = std::env::var(\"OPENAI_API_KEY\"); }\n";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], cwd: &Path) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Checks a directory holding `files` and returns the run; fails on a crash.
fn check(files: &[(&str, &[u8])], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    let mut all = vec!["check", "--no-config"];
    all.extend_from_slice(args);
    all.push(".");
    let r = run(&all, dir.path());
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("overflow"),
        "crashed: {}",
        &r.stderr[..r.stderr.len().min(2_000)]
    );
    r
}

fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!(
        "{READ}fn f() {{ let x = {}{inner}{}; }}\n",
        open.repeat(n),
        close.repeat(n)
    )
}

#[test]
fn files_nested_past_the_limit_are_reported_and_the_run_goes_on() {
    let n = 100_000;
    let families = [
        ("paren", nested("(", "1", ")", n)),
        ("brace", nested("{", "1", "}", n)),
        ("bracket", nested("[", "1", "]", n)),
        (
            "generic",
            format!("{READ}type T = {}u8{};\n", "Vec<".repeat(n), ">".repeat(n)),
        ),
        (
            "if",
            format!(
                "{READ}fn f() {{ {}{} }}\n",
                "if x {".repeat(n),
                "}".repeat(n)
            ),
        ),
        (
            "mod",
            format!("{READ}{}{}\n", "mod m {".repeat(n), "}".repeat(n)),
        ),
        (
            "chain",
            format!("{READ}fn f() {{ a{}; }}\n", ".b()".repeat(n)),
        ),
        ("macro", nested("m!(", "1", ")", n)),
        (
            "unary",
            format!("{READ}fn f() {{ let x = {}a; }}\n", "!".repeat(n)),
        ),
        (
            "sum",
            format!("{READ}fn f() {{ let x = a{}; }}\n", " + a".repeat(n)),
        ),
    ];
    for (name, text) in &families {
        let file = format!("{name}.rs");
        let r = check(
            &[(&file, text.as_bytes()), ("ok.rs", READ.as_bytes())],
            &["--format", "short"],
        );
        assert_eq!(r.code, Some(1), "{name}: {}", r.stderr);
        assert!(
            r.stdout.contains(&format!("{file}:"))
                && r.stdout.contains("nested too deeply to analyze"),
            "{name}: {}",
            r.stdout
        );
        assert!(
            r.stdout.contains("ok.rs:1:"),
            "{name}: the other file was still checked: {}",
            r.stdout
        );
    }
}

#[test]
fn deep_but_allowed_nesting_is_analysed_without_a_crash() {
    // Just under the limit, every family is parsed and walked: the stack holds.
    let n = 9_000;
    for (name, text) in [
        ("paren", nested("(", "k", ")", n)),
        ("bracket", nested("[", "k", "]", n)),
        ("call", nested("f(", "k", ")", n)),
        (
            "chain",
            format!("{READ}fn f() {{ let x = k{}; }}\n", ".b()".repeat(n)),
        ),
        ("macro", nested("m!(", "k", ")", n)),
        ("closure", nested("|| ", "k", "", n / 2)),
        (
            "mod",
            format!("{READ}{}{}\n", "mod m {".repeat(n / 20), "}".repeat(n / 20)),
        ),
    ] {
        let file = format!("{name}.rs");
        let r = check(&[(&file, text.as_bytes())], &["--format", "short"]);
        assert_eq!(r.code, Some(1), "{name}: {}", r.stderr);
        assert!(
            r.stdout.contains("secret-env-read"),
            "{name}: the read is found: {}",
            r.stdout
        );
    }
}

#[test]
fn a_line_of_70_000_columns_is_rendered_clipped_in_every_format() {
    let text = format!(
        "fn f() {{ let s = \"{}\"; let k = std::env::var(\"OPENAI_API_KEY\"); }}\n",
        "x".repeat(70_000)
    );
    for format in ["human", "short", "json", "sarif", "rustc-json", "github"] {
        let r = check(&[("long.rs", text.as_bytes())], &["--format", format]);
        assert_eq!(r.code, Some(1), "{format}: {}", r.stderr);
        assert!(r.stdout.contains("OPENAI_API_KEY"), "{format}");
    }
    let r = check(&[("long.rs", text.as_bytes())], &[]);
    assert!(r.stdout.len() < 5_000, "human shows the line clipped");
    assert!(r.stdout.contains('…'), "and says where it was cut");
}

#[test]
fn odd_bytes_end_as_findings_or_clean_runs() {
    let bom = format!("\u{feff}{READ}");
    let crlf = READ.replace('\n', "\r\n");
    let nul = format!("{READ}\0\0\0");
    let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    for (name, bytes, found) in [
        ("bom.rs", bom.as_bytes(), "secret-env-read"),
        ("crlf.rs", crlf.as_bytes(), "secret-env-read"),
        ("nul.rs", nul.as_bytes(), "unparsable-file"),
        ("junk.rs", &junk[..], "unparsable-file"),
    ] {
        let r = check(&[(name, bytes)], &["--format", "short"]);
        assert_eq!(r.code, Some(1), "{name}: {}", r.stderr);
        assert!(r.stdout.contains(found), "{name}: {}", r.stdout);
    }
    let r = check(&[("empty.rs", b"")], &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn links_are_followed_once_and_loops_and_dangling_links_are_reported() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temp dir");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("real.rs"), READ).expect("write");
    std::fs::create_dir(dir.path().join("src")).expect("mkdir");
    symlink(
        outside.path().join("real.rs"),
        dir.path().join("src/linked.rs"),
    )
    .expect("link");
    symlink(outside.path(), dir.path().join("vendored")).expect("link a directory");
    symlink(dir.path(), dir.path().join("src/loop")).expect("link a loop");
    symlink(dir.path().join("gone.rs"), dir.path().join("dangling.rs")).expect("dangle");
    let r = run(
        &["check", "--no-config", "--format", "short", "."],
        dir.path(),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let reads = r.stdout.matches("secret-env-read").count();
    assert_eq!(reads, 1, "one real file, checked once: {}", r.stdout);
    assert!(r.stdout.contains("src/linked.rs:1:"), "{}", r.stdout);
    assert!(r.stdout.contains("dangling.rs"), "{}", r.stdout);
    assert!(
        r.stdout.contains("src/loop"),
        "the loop is reported: {}",
        r.stdout
    );
}

#[cfg(unix)]
#[test]
fn paths_that_are_not_files_or_directories_fail_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    for path in ["/dev/zero", "/dev/null"] {
        let r = run(&["check", "--no-config", path], dir.path());
        assert_eq!(r.code, Some(2), "{path}: {}", r.stdout);
        assert!(
            r.stderr.contains("not a regular file or a directory"),
            "{}",
            r.stderr
        );
    }
    let fifo = dir.path().join("pipe.rs");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let r = run(
            &["check", "--no-config", "--format", "short", "."],
            dir.path(),
        );
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert!(r.stdout.contains("pipe.rs") && r.stdout.contains("not a regular file"));
        let r = run(&["check", "--no-config", "pipe.rs"], dir.path());
        assert_eq!(
            r.code,
            Some(2),
            "a FIFO named on the command line: {}",
            r.stdout
        );
    }
}

#[test]
fn a_huge_one_line_configuration_is_not_echoed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = format!("[scan]\nexclude = 1{}\n", " ".repeat(5_000_000));
    std::fs::write(dir.path().join("vox-clavis-lint.toml"), config).expect("write");
    std::fs::write(dir.path().join("a.rs"), READ).expect("write");
    let r = run(&["check", "."], dir.path());
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(r.stderr.len() < 5_000, "stderr is {} bytes", r.stderr.len());
    assert!(r.stderr.contains("vox-clavis-lint.toml"), "{}", r.stderr);
}

#[test]
fn a_configuration_error_quotes_one_line_of_context_around_the_fault() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = "[names]\nnot-secret = [\"NEIGHBOUR_ABOVE\"]\n\n[scan]\nexclude = 1\nfollow = 1\ntests = true\n";
    std::fs::write(dir.path().join("vox-clavis-lint.toml"), config).expect("write");
    let r = run(&["check", "."], dir.path());
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(r.stderr.contains("exclude = 1"), "{}", r.stderr);
    assert!(!r.stderr.contains("NEIGHBOUR_ABOVE"), "{}", r.stderr);
    assert!(!r.stderr.contains("tests = true"), "{}", r.stderr);
    assert!(r.stderr.len() < 1_500, "{}", r.stderr);
}
