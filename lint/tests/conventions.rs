//! One rule, one file, one name (ARCHITECTURE.md): the rule `secret-env-read` is module
//! `lint/src/rules/secret_env_read.rs`, type `SecretEnvRead`, fixture folder
//! `fixtures/rules/secret-env-read/` and page `docs/rules/secret-env-read.md`, and it is
//! registered in `lint/src/rules/mod.rs`, whose list is alphabetical. And the layout of
//! `lint/src/` (docs/architecture.md): folders by pipeline stage, imports one way down the
//! pipeline, no circle of imports across a folder, no source file over 800 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use vox_clavis_lint::rules;
use vox_clavis_lint::rules::docs::REGENERATE;

/// The files of `lint/src/rules/` that are not rules: the registry, the rule contract, what a
/// rule sees of a file, the generated documentation, and the reporting the flow rules share.
const RULES_INFRASTRUCTURE: &[&str] = &["context", "docs", "flows", "mod", "rule"];

/// Rules that cannot be triggered on purpose, so they have no fixture folder.
const NO_FIXTURES: &[&str] = &["internal-error"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .to_path_buf()
}

fn names() -> Vec<&'static str> {
    rules::metas().map(|m| m.name).collect()
}

fn module(name: &str) -> String {
    name.replace('-', "_")
}

fn type_name(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn is_kebab_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
        && !name.contains("--")
}

fn assert_none(problems: Vec<String>, what: &str) {
    assert!(
        problems.is_empty(),
        "{what}:\n{}\nSee \"Adding a rule, in five steps\" in README.md.",
        problems
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

#[test]
fn names_are_kebab_case_unique_and_sorted() {
    let names = names();
    let mut problems: Vec<String> = names
        .iter()
        .filter(|n| !is_kebab_case(n))
        .map(|n| format!("`{n}` is not kebab-case (lowercase words joined by `-`)"))
        .collect();
    for pair in names.windows(2) {
        if pair[0] >= pair[1] {
            problems.push(format!(
                "`{}` comes before `{}` in rules::all(): {}",
                pair[0],
                pair[1],
                if pair[0] == pair[1] {
                    "duplicate name"
                } else {
                    "keep the registry alphabetical"
                },
            ));
        }
    }
    assert_none(problems, "rule names");
}

#[test]
fn summaries_are_one_lowercase_line_without_final_period() {
    let problems: Vec<String> = rules::metas()
        .filter(|m| {
            m.summary.is_empty()
                || m.summary.contains('\n')
                || m.summary.ends_with('.')
                || m.summary.starts_with(|c: char| c.is_uppercase())
        })
        .map(|m| format!("{}: summary {:?}", m.name, m.summary))
        .collect();
    assert_none(
        problems,
        "rule summaries must be one line, start lowercase and have no final period",
    );
}

#[test]
fn each_rule_has_its_module_and_type() {
    let dir = root().join("lint/src/rules");
    let mut problems = Vec::new();
    for name in names() {
        let file = format!("lint/src/rules/{}.rs", module(name));
        let ty = type_name(name);
        match fs::read_to_string(dir.join(format!("{}.rs", module(name)))) {
            Err(_) => problems.push(format!("{name}: no module file {file}")),
            Ok(text) if !text.contains(&format!("pub struct {ty}")) => {
                problems.push(format!("{name}: {file} does not declare `pub struct {ty}`"));
            }
            Ok(_) => {}
        }
    }
    let names: BTreeSet<String> = names().into_iter().map(module).collect();
    for entry in fs::read_dir(&dir).expect("read lint/src/rules") {
        let path = entry.expect("read lint/src/rules").path();
        let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs")
            && !RULES_INFRASTRUCTURE.contains(&stem.as_str())
            && !names.contains(&stem)
        {
            problems.push(format!(
                "lint/src/rules/{stem}.rs is not a registered rule (add it to rules/mod.rs, or \
                 move what it detects to lint/src/analysis/)"
            ));
        }
    }
    assert_none(problems, "rule modules");
}

#[test]
fn each_rule_is_registered_in_rules_mod() {
    let text = fs::read_to_string(root().join("lint/src/rules/mod.rs")).expect("read rules/mod.rs");
    let compact: String = text.split_whitespace().collect();
    let mut problems = Vec::new();
    for name in names() {
        let (module, ty) = (module(name), type_name(name));
        for line in [format!("mod {module};"), format!("pub use {module}::{ty};")] {
            let found = text
                .lines()
                .any(|l| l.trim() == line || l.trim().strip_prefix("pub ") == Some(line.as_str()));
            if !found {
                problems.push(format!("{name}: rules/mod.rs has no line `{line}`"));
            }
        }
        if !compact.contains(&format!("&{ty},")) && !compact.contains(&format!("&{ty}]")) {
            problems.push(format!(
                "{name}: rules/mod.rs does not list `&{ty}` in all()"
            ));
        }
    }
    assert_none(problems, "rule registry");
}

#[test]
fn each_rule_has_fixtures_and_each_fixture_folder_a_rule() {
    let dir = root().join("fixtures/rules");
    let mut problems = Vec::new();
    for name in names() {
        if !NO_FIXTURES.contains(&name) && !dir.join(name).is_dir() {
            problems.push(format!(
                "{name}: no fixture folder fixtures/rules/{name}/ (write the fixture first: \
                 `//~ {name}` on each line to flag, quiet look-alikes beside them)"
            ));
        }
    }
    if let Ok(entries) = fs::read_dir(&dir) {
        for entry in entries {
            let path = entry.expect("read fixtures/rules").path();
            let folder = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() && rules::by_name(&folder).is_none() {
                problems.push(format!("fixtures/rules/{folder}/ is named after no rule"));
            }
        }
    }
    assert_none(problems, "rule fixtures");
}

#[test]
fn each_rule_has_a_doc_page() {
    let problems: Vec<String> = names()
        .into_iter()
        .filter(|name| !root().join(format!("docs/rules/{name}.md")).is_file())
        .map(|name| format!("{name}: no docs/rules/{name}.md (generate it: {REGENERATE})"))
        .collect();
    assert_none(problems, "rule pages");
}

#[test]
fn readme_lists_every_rule() {
    let readme = fs::read_to_string(root().join("README.md")).expect("read README.md");
    let problems: Vec<String> = rules::metas()
        .filter_map(|meta| {
            let name = meta.name;
            let link = format!("[`{name}`](docs/rules/{name}.md)");
            let expected = format!("| {} | {} |", meta.default_severity, meta.summary);
            let row = readme
                .lines()
                .find(|l| l.starts_with('|') && l.contains(&link));
            let squeezed = row.map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "));
            match squeezed {
                None => Some(format!("{name}: add a row {link} to the rules table")),
                Some(r) if !r.contains(&expected) => Some(format!(
                    "{name}: the row must say `{}` and `{}` (the rule's metadata)",
                    meta.default_severity, meta.summary
                )),
                Some(_) => None,
            }
        })
        .collect();
    assert_none(problems, "README.md rule table");
}

#[test]
fn type_names_follow_the_rule_names() {
    assert_eq!(type_name("secret-env-read"), "SecretEnvRead");
    assert_eq!(module("secret-env-read"), "secret_env_read");
    assert!(is_kebab_case("secret-env-read"));
    for bad in [
        "Secret-env",
        "secret_env",
        "-secret",
        "secret-",
        "secret--env",
        "",
    ] {
        assert!(!is_kebab_case(bad), "{bad:?}");
    }
}

// The layout of `lint/src/` (docs/architecture.md): folders by pipeline stage, imports one
// way, no file over 800 lines.

/// Each top-level module of `lint/src/` and the ones it may import, from the top of the
/// pipeline down. An import not listed here runs against the order.
const LAYERS: &[(&str, &[&str])] = &[
    ("main", &["cli"]),
    (
        "cli",
        &[
            "engine", "render", "verdict", "rules", "analysis", "config", "input", "finding",
        ],
    ),
    (
        "engine",
        &[
            "render", "verdict", "rules", "analysis", "config", "input", "finding",
        ],
    ),
    (
        "render",
        &["verdict", "analysis", "config", "input", "finding"],
    ),
    (
        "rules",
        &["verdict", "analysis", "config", "input", "finding"],
    ),
    ("verdict", &["input", "finding"]),
    ("analysis", &["config", "input", "finding"]),
    ("config", &["input", "finding"]),
    ("finding", &["input"]),
    ("input", &[]),
];

const MAX_LINES: usize = 800;

/// A module of `lint/src/`: its path from the crate root and its file.
struct SrcModule {
    path: Vec<String>,
    file: PathBuf,
}

fn src_modules(dir: &Path, prefix: &[String], out: &mut Vec<SrcModule>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read lint/src")
        .map(|e| e.expect("read lint/src").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            let mut inner = prefix.to_vec();
            inner.push(name);
            src_modules(&path, &inner, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut module = prefix.to_vec();
            if name != "mod" && !(prefix.is_empty() && name == "lib") {
                module.push(name);
            }
            out.push(SrcModule {
                path: module,
                file: path,
            });
        }
    }
}

/// Collects every `crate::`, `super::` and `self::` path a file uses (imports, expressions,
/// types), resolved to absolute segments.
struct PathCollector {
    module: Vec<String>,
    found: Vec<Vec<String>>,
}

impl PathCollector {
    fn resolve(&self, segments: &[String]) -> Option<Vec<String>> {
        let mut base = match segments.first().map(String::as_str) {
            Some("crate") => return Some(segments[1..].to_vec()),
            Some("super" | "self") => self.module.clone(),
            _ => return None,
        };
        let mut rest = segments;
        while let Some(first) = rest.first() {
            match first.as_str() {
                "self" => {}
                "super" => {
                    base.pop()?;
                }
                _ => break,
            }
            rest = &rest[1..];
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.add(prefix, Some(n.ident.to_string())),
            syn::UseTree::Rename(r) => self.add(prefix, Some(r.ident.to_string())),
            syn::UseTree::Glob(_) => self.add(prefix, None),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(prefix, item);
                }
            }
        }
    }

    fn add(&mut self, prefix: &[String], last: Option<String>) {
        let mut segments = prefix.to_vec();
        segments.extend(last);
        if let Some(path) = self.resolve(&segments) {
            self.found.push(path);
        }
    }
}

impl<'ast> syn::visit::Visit<'ast> for PathCollector {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.module.push(item.ident.to_string());
        syn::visit::visit_item_mod(self, item);
        self.module.pop();
    }

    /// `pub(crate)` and `pub(super)` name who may see an item, not an import.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.add(&segments, None);
        syn::visit::visit_path(self, path);
    }
}

/// `#[macro_export]` macros by name, with the path of the module that defines them.
fn exported_macros(modules: &[SrcModule]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for module in modules {
        let text = fs::read_to_string(&module.file).expect("read a source file");
        let Ok(file) = syn::parse_file(&text) else {
            continue;
        };
        for item in file.items {
            if let syn::Item::Macro(m) = item
                && m.attrs.iter().any(|a| a.path().is_ident("macro_export"))
                && let Some(ident) = m.ident
            {
                out.insert(ident.to_string(), module.path.clone());
            }
        }
    }
    out
}

/// Each module's imports of other modules: (importer index, imported index).
fn import_edges(modules: &[SrcModule]) -> Vec<(usize, usize)> {
    let mut edges = BTreeSet::new();
    let macros = exported_macros(modules);
    for (i, module) in modules.iter().enumerate() {
        let text = fs::read_to_string(&module.file).expect("read a source file");
        let file = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", module.file.display()));
        let mut collector = PathCollector {
            module: module.path.clone(),
            found: Vec::new(),
        };
        syn::visit::visit_file(&mut collector, &file);
        for mut path in collector.found {
            // `crate::declare_rule!` is exported at the root but lives in its module.
            if let [name] = &path[..]
                && let Some(home) = macros.get(name)
            {
                path = home.clone();
            }
            // The longest module prefix of the path is the module it reaches into.
            let target = (0..=path.len())
                .rev()
                .find_map(|n| modules.iter().position(|m| m.path == path[..n]));
            if let Some(j) = target.filter(|&j| j != i) {
                edges.insert((i, j));
            }
        }
    }
    edges.into_iter().collect()
}

fn display(module: &SrcModule) -> String {
    module
        .file
        .strip_prefix(root())
        .unwrap_or(&module.file)
        .display()
        .to_string()
}

fn all_src_modules() -> Vec<SrcModule> {
    let mut modules = Vec::new();
    src_modules(&root().join("lint/src"), &[], &mut modules);
    modules
}

/// The top-level unit of a module: its folder, or its own name for a file at the root;
/// `None` for `lib.rs`, which only declares and re-exports.
fn layer(module: &SrcModule) -> Option<&str> {
    module
        .path
        .first()
        .map(String::as_str)
        .or_else(|| (module.file.file_stem().is_some_and(|s| s == "main")).then_some("main"))
}

#[test]
fn imports_run_one_way_down_the_pipeline() {
    let modules = all_src_modules();
    let mut problems = Vec::new();
    for module in &modules {
        let Some(layer) = layer(module) else { continue };
        if !LAYERS.iter().any(|(name, _)| *name == layer) {
            problems.push(format!(
                "{}: `{layer}` is not a stage listed in LAYERS (lint/tests/conventions.rs) \
                 or docs/architecture.md",
                display(module)
            ));
        }
    }
    for (i, j) in import_edges(&modules) {
        let (Some(from), Some(to)) = (layer(&modules[i]), layer(&modules[j])) else {
            if layer(&modules[i]).is_some() {
                problems.push(format!(
                    "{} imports the crate root (lib.rs): name the module instead",
                    display(&modules[i])
                ));
            }
            continue;
        };
        if from == to {
            continue;
        }
        let allowed = LAYERS
            .iter()
            .find(|(name, _)| *name == from)
            .is_some_and(|(_, below)| below.contains(&to));
        if !allowed {
            problems.push(format!(
                "{} (`{from}`) imports {} (`{to}`): imports run cli -> engine -> render -> \
                 rules -> verdict and analysis -> config -> finding -> input",
                display(&modules[i]),
                display(&modules[j]),
            ));
        }
    }
    assert_none(problems, "imports against the pipeline order");
}

/// Groups of modules that import each other in a circle, where the circle crosses a folder:
/// in each folder, its files and its subfolders (each taken whole) must not import each other
/// in a circle that includes a subfolder.
fn folder_cycles(modules: &[SrcModule], edges: &[(usize, usize)]) -> Vec<String> {
    let mut folders: BTreeSet<Vec<String>> = BTreeSet::new();
    for m in modules {
        let dir = m.file.parent().expect("a file has a folder");
        let rel = dir
            .strip_prefix(root().join("lint/src"))
            .expect("under lint/src");
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        for n in 0..=parts.len() {
            folders.insert(parts[..n].to_vec());
        }
    }
    let mut problems = Vec::new();
    for folder in &folders {
        // The node of a module within `folder`: (name, is a subfolder), or None outside it.
        let node = |m: &SrcModule| -> Option<(String, bool)> {
            let rel = m.file.strip_prefix(root().join("lint/src")).ok()?;
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.len() <= folder.len() || parts[..folder.len()] != folder[..] {
                return None;
            }
            let next = parts[folder.len()].clone();
            Some((next.clone(), parts.len() > folder.len() + 1))
        };
        let mut graph: BTreeMap<(String, bool), BTreeSet<(String, bool)>> = BTreeMap::new();
        for &(i, j) in edges {
            if let (Some(a), Some(b)) = (node(&modules[i]), node(&modules[j]))
                && a != b
            {
                graph.entry(a).or_default().insert(b);
            }
        }
        for component in strongly_connected(&graph) {
            if component.len() > 1 && component.iter().any(|(_, dir)| *dir) {
                let names: Vec<String> = component
                    .iter()
                    .map(|(n, dir)| if *dir { format!("{n}/") } else { n.clone() })
                    .collect();
                problems.push(format!(
                    "lint/src/{}: {} import each other in a circle",
                    folder.iter().map(|f| format!("{f}/")).collect::<String>(),
                    names.join(", ")
                ));
            }
        }
    }
    problems
}

/// Tarjan's strongly connected components, each sorted, in a sorted order.
fn strongly_connected<N: Ord + Clone>(graph: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    let nodes: BTreeSet<N> = graph
        .iter()
        .flat_map(|(a, bs)| std::iter::once(a.clone()).chain(bs.iter().cloned()))
        .collect();
    let index_of: BTreeMap<N, usize> = nodes.iter().cloned().zip(0..).collect();
    let nodes: Vec<N> = nodes.into_iter().collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            graph
                .get(n)
                .map(|bs| bs.iter().map(|b| index_of[b]).collect())
                .unwrap_or_default()
        })
        .collect();
    // Kosaraju: order by finish time, then collect on the reversed graph.
    let mut seen = vec![false; nodes.len()];
    let mut order = Vec::new();
    for start in 0..nodes.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0)];
        while let Some((n, k)) = stack.pop() {
            if let Some(&next) = succ[n].get(k) {
                stack.push((n, k + 1));
                if !seen[next] {
                    seen[next] = true;
                    stack.push((next, 0));
                }
            } else {
                order.push(n);
            }
        }
    }
    let mut pred = vec![Vec::new(); nodes.len()];
    for (a, bs) in succ.iter().enumerate() {
        for &b in bs {
            pred[b].push(a);
        }
    }
    let mut component = vec![usize::MAX; nodes.len()];
    let mut out: Vec<Vec<N>> = Vec::new();
    for &start in order.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        let id = out.len();
        let mut members = Vec::new();
        let mut stack = vec![start];
        component[start] = id;
        while let Some(n) = stack.pop() {
            members.push(nodes[n].clone());
            for &p in &pred[n] {
                if component[p] == usize::MAX {
                    component[p] = id;
                    stack.push(p);
                }
            }
        }
        members.sort();
        out.push(members);
    }
    out.sort();
    out
}

#[test]
fn no_import_circle_crosses_a_folder() {
    let modules = all_src_modules();
    let edges = import_edges(&modules);
    assert_none(
        folder_cycles(&modules, &edges),
        "import circles across folders of lint/src/",
    );
}

#[test]
fn no_source_file_over_800_lines() {
    let problems: Vec<String> = all_src_modules()
        .iter()
        .filter_map(|m| {
            let lines = fs::read_to_string(&m.file).ok()?.lines().count();
            (lines > MAX_LINES).then(|| {
                format!(
                    "{}: {lines} lines (at most {MAX_LINES}: split it by job)",
                    display(m)
                )
            })
        })
        .collect();
    assert_none(problems, "source files over 800 lines");
}

/// The checks above fail on what they are meant to catch.
#[test]
fn layout_checks_catch_a_circle_and_resolve_relative_paths() {
    let m = |path: &[&str], file: &str| SrcModule {
        path: path.iter().map(|s| s.to_string()).collect(),
        file: root().join("lint/src").join(file),
    };
    let modules = [
        m(&["analysis", "facts"], "analysis/facts.rs"),
        m(&["analysis", "taint"], "analysis/taint/mod.rs"),
        m(&["analysis", "scope"], "analysis/scope.rs"),
    ];
    // facts <-> scope: one folder, no subfolder in the circle.
    assert!(folder_cycles(&modules, &[(0, 2), (2, 0)]).is_empty());
    // facts <-> taint/: the circle crosses the folder taint/.
    let found = folder_cycles(&modules, &[(0, 1), (1, 0)]);
    assert_eq!(
        found,
        ["lint/src/analysis/: facts.rs, taint/ import each other in a circle"]
    );
    let collector = PathCollector {
        module: vec!["analysis".into(), "taint".into(), "walk".into()],
        found: Vec::new(),
    };
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        collector.resolve(&s(&["super", "super", "facts", "X"])),
        Some(s(&["analysis", "facts", "X"]))
    );
    assert_eq!(collector.resolve(&s(&["std", "fs"])), None);
}
