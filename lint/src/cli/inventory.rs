//! `inventory`: the merged secret inventory (the configuration's `[[secret]]` tables, its JSON
//! contracts and the `#[derive(SecretInventory)]` enums of the checked tree), printed, or kept
//! in sync with a block of a documentation file:
//!
//! ```markdown
//! <!-- vox-clavis-lint:inventory -->
//! (generated: `vox-clavis-lint inventory --write FILE`)
//! <!-- /vox-clavis-lint:inventory -->
//! ```
//!
//! Every format lists the secrets sorted by id (byte order; one id declared twice keeps the
//! order of its sources), so the output depends on what is declared, not on which file or
//! source declares it: moving a secret from the TOML into the enum leaves the docs block
//! unchanged. The Markdown table leaves out where each secret is declared for the same reason.

use std::path::{Path, PathBuf};

use super::args::{ColorChoice, InventoryArgs, InventoryFormat};
use super::check::{self, Failure};
use super::{exit, print_error, write_stderr, write_stdout};
use crate::config::SecretSpec;

/// The line that opens the generated block.
pub const START_MARKER: &str = "<!-- vox-clavis-lint:inventory -->";
/// The line that closes it.
pub const END_MARKER: &str = "<!-- /vox-clavis-lint:inventory -->";

/// Runs `inventory` and returns the exit status.
pub fn run(args: &InventoryArgs) -> u8 {
    match execute(args) {
        Ok(status) => status,
        Err(failure) => {
            failure.print(ColorChoice::Auto);
            exit::FAILURE
        }
    }
}

fn execute(args: &InventoryArgs) -> Result<u8, Failure> {
    let (paths, settings) =
        check::paths_and_settings(&args.paths, args.config.as_deref(), args.no_config)?;
    for warning in &settings.warnings {
        write_stderr(&format!("warning: {warning}\n"));
    }
    let scanned = crate::engine::scan_inventory(&settings, &paths, &args.exclude)
        .map_err(|e| Failure::Message(e.to_string()))?;
    for c in &scanned.conflicts {
        write_stderr(&format!(
            "warning: {}:{}:{}: {} (inventory-conflict)\n",
            c.path, c.location.start.line, c.location.start.column, c.message
        ));
    }
    let specs = sorted(scanned.settings.inventory.specs());

    if let Some(file) = &args.check {
        let text = read(file)?;
        let block = find_block(&text).map_err(|e| Failure::Message(missing(file, &e)))?;
        let expected = block_text(&specs, newline(&text));
        let actual = &text[block.start..block.end];
        if normalize(actual) == normalize(&expected) {
            write_stderr(&format!(
                "the inventory block in `{}` is up to date\n",
                file.display()
            ));
            return Ok(exit::CLEAN);
        }
        let shown = diff(
            &file.display().to_string(),
            block.first_line,
            &normalize(actual),
            &normalize(&expected),
        );
        write_stdout(&shown).map_err(Failure::Message)?;
        print_error(format!(
            "the inventory block in `{}` is out of date: regenerate it with `{}`",
            file.display(),
            write_command(args, file)
        ));
        return Ok(exit::FINDINGS);
    }

    if let Some(file) = &args.write {
        let text = read(file)?;
        let block = find_block(&text).map_err(|e| Failure::Message(missing(file, &e)))?;
        let expected = block_text(&specs, newline(&text));
        if text[block.start..block.end] == expected {
            write_stderr(&format!(
                "the inventory block in `{}` is already up to date\n",
                file.display()
            ));
            return Ok(exit::CLEAN);
        }
        let updated = format!("{}{expected}{}", &text[..block.start], &text[block.end..]);
        write_atomically(file, &updated)
            .map_err(|e| Failure::Message(format!("cannot write `{}`: {e}", file.display())))?;
        write_stderr(&format!(
            "updated the inventory block in `{}` ({} {})\n",
            file.display(),
            specs.len(),
            if specs.len() == 1 {
                "secret"
            } else {
                "secrets"
            }
        ));
        return Ok(exit::CLEAN);
    }

    let out = match args.format {
        InventoryFormat::Table => table(&specs),
        InventoryFormat::Markdown => markdown(&specs, "\n"),
        InventoryFormat::Json => json(&specs),
    };
    write_stdout(&out).map_err(Failure::Message)?;
    Ok(exit::CLEAN)
}

/// The specs sorted by id; a stable sort keeps one id's declarations in source order.
fn sorted(specs: &[SecretSpec]) -> Vec<&SecretSpec> {
    let mut out: Vec<&SecretSpec> = specs.iter().collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn read(file: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(file)
        .map_err(|e| Failure::Message(format!("cannot read `{}`: {e}", file.display())))
}

fn missing(file: &Path, why: &str) -> String {
    format!(
        "`{}` has no inventory block: {why}; put the lines `{START_MARKER}` and `{END_MARKER}` \
         where the table goes",
        file.display()
    )
}

/// The `inventory --write` command that regenerates `file` for these arguments.
fn write_command(args: &InventoryArgs, file: &Path) -> String {
    let mut command = format!("vox-clavis-lint inventory --write {}", file.display());
    if let Some(config) = &args.config {
        command.push_str(&format!(" --config {}", config.display()));
    }
    if args.no_config {
        command.push_str(" --no-config");
    }
    for exclude in &args.exclude {
        command.push_str(&format!(" --exclude '{exclude}'"));
    }
    for path in &args.paths {
        command.push_str(&format!(" {}", path.display()));
    }
    command
}

/// `\r\n` when the file uses it, else `\n`.
fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// The lines between the two markers: byte range, and the 1-based line of the first one.
#[derive(Debug, PartialEq, Eq)]
struct Block {
    start: usize,
    end: usize,
    first_line: usize,
}

/// Finds the block. Markers are whole lines outside fenced code blocks (so documentation can
/// show them in a fence); each must appear once, the opening one first.
fn find_block(text: &str) -> Result<Block, String> {
    let mut fence: Option<&str> = None;
    let mut start: Option<(usize, usize)> = None;
    let mut end: Option<usize> = None;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let at = offset;
        offset += line.len();
        let trimmed = line.trim();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if let Some(open) = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(*f)) {
            fence = Some(open);
            continue;
        }
        if trimmed == START_MARKER {
            if start.is_some() {
                return Err(format!("`{START_MARKER}` appears twice"));
            }
            start = Some((offset, i + 2));
        } else if trimmed == END_MARKER {
            if start.is_none() {
                return Err(format!("`{END_MARKER}` comes before `{START_MARKER}`"));
            }
            if end.is_some() {
                return Err(format!("`{END_MARKER}` appears twice"));
            }
            end = Some(at);
        }
    }
    match (start, end) {
        (Some((start, first_line)), Some(end)) => Ok(Block {
            start,
            end,
            first_line,
        }),
        (Some(_), None) => Err(format!("`{START_MARKER}` is never closed")),
        (None, _) => Err(format!("no `{START_MARKER}` line")),
    }
}

/// What goes between the markers: the Markdown table between blank lines.
fn block_text(specs: &[&SecretSpec], nl: &str) -> String {
    format!("{nl}{}{nl}", markdown(specs, nl))
}

/// `A`, `B` (empty for none).
fn code_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A Markdown table cell: no `|`, no line break.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.replace('\n', " "))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// The Markdown table, columns padded so the source reads as a table too.
fn markdown(specs: &[&SecretSpec], nl: &str) -> String {
    let header = [
        "Secret",
        "Variable",
        "Aliases",
        "Deprecated",
        "Sensitive",
        "Description",
    ]
    .map(str::to_owned);
    let rows: Vec<[String; 6]> = specs
        .iter()
        .map(|s| {
            [
                format!("`{}`", s.id),
                format!("`{}`", s.env),
                code_list(&s.aliases),
                code_list(&s.deprecated),
                if s.sensitive { "yes" } else { "no" }.to_owned(),
                cell(s.description.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..6)
        .map(|c| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
                .max(3)
        })
        .collect();
    let line = |cells: &[String; 6]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        format!("| {} |{nl}", padded.join(" | "))
    };
    let mut out = line(&header);
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w + 2)).collect();
    out.push_str(&format!("|{}|{nl}", rule.join("|")));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// Aligned columns for the terminal.
fn table(specs: &[&SecretSpec]) -> String {
    let dash = |names: &[String]| {
        if names.is_empty() {
            "-".to_owned()
        } else {
            names.join(", ")
        }
    };
    let mut rows: Vec<[String; 6]> =
        vec![["ID", "ENV", "ALIASES", "DEPRECATED", "SENSITIVE", "SOURCE"].map(str::to_owned)];
    rows.extend(specs.iter().map(|s| {
        [
            s.id.clone(),
            s.env.clone(),
            dash(&s.aliases),
            dash(&s.deprecated),
            if s.sensitive { "yes" } else { "no" }.to_owned(),
            s.origin.clone(),
        ]
    }));
    let widths: Vec<usize> = (0..6)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let n = specs.len();
    out.push_str(&format!(
        "{n} {}\n",
        if n == 1 { "secret" } else { "secrets" }
    ));
    out
}

/// The JSON contract format that `[inventory] include` reads, versioned, with each secret's
/// origin (keys a contract reader ignores).
fn json(specs: &[&SecretSpec]) -> String {
    #[derive(serde::Serialize)]
    struct Document<'a> {
        version: u32,
        secrets: Vec<Entry<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        id: &'a str,
        canonical_env: &'a str,
        aliases: &'a [String],
        deprecated_aliases: &'a [String],
        sensitive: bool,
        description: Option<&'a str>,
        origin: &'a str,
    }
    let doc = Document {
        version: 1,
        secrets: specs
            .iter()
            .map(|s| Entry {
                id: &s.id,
                canonical_env: &s.env,
                aliases: &s.aliases,
                deprecated_aliases: &s.deprecated,
                sensitive: s.sensitive,
                description: s.description.as_deref(),
                origin: &s.origin,
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// A unified diff of the block: one hunk around what differs, with a line of context.
/// `first_line` is the file's line number of the block's first line.
fn diff(file: &str, first_line: usize, actual: &str, expected: &str) -> String {
    let a: Vec<&str> = actual.lines().collect();
    let e: Vec<&str> = expected.lines().collect();
    let prefix = a.iter().zip(&e).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(e[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let from = prefix.saturating_sub(1);
    let (a_to, e_to) = (
        (a.len() - suffix + 1).min(a.len()),
        (e.len() - suffix + 1).min(e.len()),
    );
    let mut out = format!("--- {file}\n+++ {file} (generated)\n");
    out.push_str(&format!(
        "@@ -{},{} +{},{} @@\n",
        first_line + from,
        a_to - from,
        first_line + from,
        e_to - from
    ));
    for line in &a[from..prefix] {
        out.push_str(&format!(" {line}\n"));
    }
    for line in &a[prefix..a.len() - suffix] {
        out.push_str(&format!("-{line}\n"));
    }
    for line in &e[prefix..e.len() - suffix] {
        out.push_str(&format!("+{line}\n"));
    }
    for line in &a[a.len() - suffix..a_to] {
        out.push_str(&format!(" {line}\n"));
    }
    out
}

/// Writes `text` to a temporary file beside `file`, then renames it over `file`: a reader sees
/// the old text or the new one, never half of it. The file's permissions are kept.
fn write_atomically(file: &Path, text: &str) -> std::io::Result<()> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{name}.vox-clavis-lint-{}.tmp",
        std::process::id()
    ));
    let result = (|| {
        std::fs::write(&temp, text)?;
        if let Ok(meta) = std::fs::metadata(file) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, file)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str, env: &str) -> SecretSpec {
        SecretSpec {
            id: id.to_owned(),
            env: env.to_owned(),
            aliases: Vec::new(),
            deprecated: Vec::new(),
            description: None,
            sensitive: true,
            origin: "x".to_owned(),
            declared_in: None,
        }
    }

    #[test]
    fn blocks_are_found_outside_fences() {
        let text = format!(
            "# Docs\n```\n{START_MARKER}\n{END_MARKER}\n```\n{START_MARKER}\nold\n{END_MARKER}\n"
        );
        let block = find_block(&text).unwrap();
        assert_eq!(&text[block.start..block.end], "old\n");
        assert_eq!(block.first_line, 7);
        assert!(find_block("no markers\n").unwrap_err().contains("no `"));
        assert!(
            find_block(&format!("{START_MARKER}\n"))
                .unwrap_err()
                .contains("never closed")
        );
        assert!(
            find_block(&format!("{END_MARKER}\n{START_MARKER}\n"))
                .unwrap_err()
                .contains("comes before")
        );
        assert!(
            find_block(&format!("{START_MARKER}\n{START_MARKER}\n{END_MARKER}\n"))
                .unwrap_err()
                .contains("twice")
        );
    }

    #[test]
    fn markdown_cells_are_escaped_and_padded() {
        let mut a = spec("A", "A_TOKEN");
        a.description = Some("one | two\nlines\n\nsecond".to_owned());
        a.aliases = vec!["A_KEY".to_owned()];
        let out = markdown(&[&a], "\n");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[2].contains("one \\| two lines<br>second"),
            "{}",
            lines[2]
        );
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{out}");
    }

    #[test]
    fn diff_shows_one_hunk_with_context() {
        let out = diff("d.md", 10, "a\nb\nc\nd\n", "a\nb\nX\nd\n");
        assert_eq!(
            out,
            "--- d.md\n+++ d.md (generated)\n@@ -11,3 +11,3 @@\n b\n-c\n+X\n d\n"
        );
    }

    #[test]
    fn sorted_by_id_keeps_source_order_for_one_id() {
        let (mut b1, b2, a) = (spec("B", "B1"), spec("B", "B2"), spec("A", "A1"));
        b1.origin = "first".to_owned();
        let specs = [b1, a, b2];
        let ids: Vec<(&str, &str)> = sorted(&specs)
            .iter()
            .map(|s| (s.id.as_str(), s.env.as_str()))
            .collect();
        assert_eq!(ids, [("A", "A1"), ("B", "B1"), ("B", "B2")]);
    }
}
