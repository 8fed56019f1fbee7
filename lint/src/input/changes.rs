//! Which lines of which files changed (`--diff REV`, `--staged`), for
//! [`crate::verdict::diff`] to keep only the findings on them: pull requests are gated on new
//! code, not on what was there.
//!
//! The sets come from a unified diff with no context lines ([`crate::input::git`] produces it). A
//! file that is new as a whole (untracked, or added) counts everywhere. A hunk that only
//! removes lines marks the line after the removal as changed: removing a suppression comment
//! then shows what it silenced when that starts on the next line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Changed lines per file (absolute paths).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    files: HashMap<PathBuf, Changed>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Changed {
    /// Every line (a file git does not track).
    Whole,
    /// These 1-based inclusive line ranges (possibly none: an added empty file).
    Lines(Vec<(usize, usize)>),
}

impl Changes {
    /// The added lines of a `git diff --unified=0` with `a/` and `b/` prefixes; paths are
    /// relative to `root`.
    pub fn from_unified_diff(diff: &str, root: &Path) -> Self {
        let mut changes = Changes::default();
        let mut current: Option<PathBuf> = None;
        for line in diff.lines() {
            if line.starts_with("diff --git ") {
                current = None;
            } else if let Some(target) = line.strip_prefix("+++ ") {
                current = match unquote(target).strip_prefix("b/") {
                    Some(rel) => {
                        let path = root.join(rel);
                        changes
                            .files
                            .entry(path.clone())
                            .or_insert(Changed::Lines(Vec::new()));
                        Some(path)
                    }
                    None => None, // `/dev/null`: the file was deleted
                };
            } else if let Some(header) = line.strip_prefix("@@ ") {
                let (Some(path), Some((start, count))) = (&current, added_range(header)) else {
                    continue;
                };
                let range = if count == 0 {
                    (start + 1, start + 1)
                } else {
                    (start, start + count - 1)
                };
                if let Some(Changed::Lines(ranges)) = changes.files.get_mut(path) {
                    ranges.push(range);
                }
            }
        }
        changes
    }

    /// Marks every line of `path` as changed.
    pub fn add_whole_file(&mut self, path: &Path) {
        self.files.insert(path.to_path_buf(), Changed::Whole);
    }

    /// Whether `line` of `path` (absolute) changed.
    pub fn line_changed(&self, path: &Path, line: usize) -> bool {
        match self.files.get(path) {
            Some(Changed::Whole) => true,
            Some(Changed::Lines(ranges)) => ranges.iter().any(|&(a, b)| a <= line && line <= b),
            None => false,
        }
    }

    /// Whether `path` (absolute) changed at all.
    pub fn file_changed(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }
}

/// `+c,d` (or `+c`) from the rest of a hunk header `-a,b +c,d @@ ...`.
fn added_range(header: &str) -> Option<(usize, usize)> {
    let plus = header.split_whitespace().find(|w| w.starts_with('+'))?;
    let mut parts = plus[1..].splitn(2, ',');
    let start = parts.next()?.parse().ok()?;
    let count = match parts.next() {
        Some(n) => n.parse().ok()?,
        None => 1,
    };
    Some((start, count))
}

/// A path as git prints it: bare, or in double quotes with C escapes when it holds unusual
/// characters (octal escapes are UTF-8 bytes).
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return path.trim_end_matches('\t').to_owned();
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'r') => bytes.push(b'\r'),
            Some(d @ b'0'..=b'7') => {
                let mut value = u32::from(d - b'0');
                for _ in 0..2 {
                    match chars.peek() {
                        Some(&o @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(o - b'0');
                            chars.next();
                        }
                        _ => break,
                    }
                }
                bytes.push(u8::try_from(value).unwrap_or(b'?'));
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF: &str = "diff --git a/src/a.rs b/src/a.rs
index 1..2 100644
--- a/src/a.rs
+++ b/src/a.rs
@@ -3,0 +4,2 @@ fn f() {
+    let a = 1;
+    let b = 2;
@@ -10 +12 @@ fn g() {
-    old();
+    new();
@@ -20,2 +21,0 @@ fn h() {
-    gone();
-    gone();
diff --git a/src/old.rs b/src/new.rs
similarity index 90%
rename from src/old.rs
rename to src/new.rs
--- a/src/old.rs
+++ b/src/new.rs
@@ -1 +1 @@
-x
+y
diff --git a/src/deleted.rs b/src/deleted.rs
--- a/src/deleted.rs
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git a/src/empty.rs b/src/empty.rs
new file mode 100644
diff --git \"a/src/sp\\303\\251cial \\\"q\\\".rs\" \"b/src/sp\\303\\251cial \\\"q\\\".rs\"
--- \"a/src/sp\\303\\251cial \\\"q\\\".rs\"
+++ \"b/src/sp\\303\\251cial \\\"q\\\".rs\"
@@ -0,0 +1 @@
+z
";

    #[test]
    fn unified_diff_gives_added_lines() {
        let root = Path::new("/r");
        let c = Changes::from_unified_diff(DIFF, root);
        let a = root.join("src/a.rs");
        let changed: Vec<usize> = (1..=25).filter(|&l| c.line_changed(&a, l)).collect();
        // 4-5 added, 12 changed, 22: the line after two removed lines.
        assert_eq!(changed, [4, 5, 12, 22]);
        assert!(c.line_changed(&root.join("src/new.rs"), 1));
        assert!(!c.file_changed(&root.join("src/old.rs")));
        assert!(!c.file_changed(&root.join("src/deleted.rs")));
        assert!(c.line_changed(&root.join("src/spécial \"q\".rs"), 1));
        let mut c = c;
        c.add_whole_file(&root.join("src/untracked.rs"));
        assert!(c.line_changed(&root.join("src/untracked.rs"), 999));
    }

    #[test]
    fn hunk_headers_and_quoted_paths() {
        assert_eq!(added_range("-3,0 +4,2 @@ fn f()"), Some((4, 2)));
        assert_eq!(added_range("-10 +12 @@"), Some((12, 1)));
        assert_eq!(added_range("garbage"), None);
        assert_eq!(unquote("b/plain.rs"), "b/plain.rs");
        assert_eq!(unquote("\"b/a\\tb.rs\""), "b/a\tb.rs");
        assert_eq!(unquote("\"b/\\303\\251.rs\""), "b/é.rs");
        assert_eq!(unquote("\"b/\\777\""), "b/?");
    }
}
