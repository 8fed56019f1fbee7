//! The fix for a direct environment read of an inventory secret: the read becomes
//! `vox_clavis::resolve(SecretId::X)`, and the inventory enum is imported when the crate
//! declares it. Unsafe: the value's type changes (`ResolvedSecret`, read with
//! `.expose_secret()`), so the code around the read may need editing.

use syn::spanned::Spanned;

use crate::analysis::matchers::{EnvFn, env_fn};
use crate::analysis::reads::EnvRead;
use crate::config::SecretSpec;
use crate::finding::{Applicability, Edit, Fix};
use crate::input::source::{ByteSpan, SourceFile};

/// Only a call that reads one variable (`std::env::var`, `var_os`, `dotenvy::var`) is an
/// expression a resolver call can stand in for: not `env!` (evaluated at compile time) nor
/// clap's `#[arg(env)]`.
pub fn resolver_fix(
    source: &SourceFile,
    file: &syn::File,
    read: &EnvRead,
    spec: &SecretSpec,
) -> Option<Fix> {
    if !matches!(env_fn(&read.reader), Some(EnvFn::Var)) {
        return None;
    }
    let ty = spec
        .declared_in
        .as_ref()
        .map_or("SecretId", |(_, name)| name.as_str());
    let mut edits = vec![Edit::new(
        source,
        read.call.span,
        format!("vox_clavis::resolve({ty}::{})", spec.id),
    )];
    let mut message = format!("resolve `{}` through the Clavis runtime", spec.env);
    match import(source, file, spec) {
        Import::Have => {}
        Import::Add(at, text) => edits.push(Edit::new(source, at, text)),
        Import::Unknown => message.push_str(&format!(" (import your `{ty}` enum)")),
    }
    Some(Fix::new(message, Applicability::Unsafe, edits))
}

enum Import {
    Have,
    Add(ByteSpan, String),
    Unknown,
}

/// The `use` that brings the inventory enum into `file`, when the enum is declared in the
/// same crate (`src/secrets.rs` beside `src/db.rs` is `crate::secrets::SecretId`).
fn import(source: &SourceFile, file: &syn::File, spec: &SecretSpec) -> Import {
    let Some((declared, name)) = &spec.declared_in else {
        return Import::Unknown;
    };
    if *declared == source.display || names(file, name) {
        return Import::Have;
    }
    let (Some((here, _)), Some((root, module))) =
        (module_path(&source.display), module_path(declared))
    else {
        return Import::Unknown;
    };
    if here != root {
        return Import::Unknown;
    }
    let line = format!("use {module}::{name};");
    let last_use = file
        .items
        .iter()
        .filter(|i| matches!(i, syn::Item::Use(_)))
        .map(|i| source.byte_span(i.span()).end)
        .max();
    match (last_use, file.items.first()) {
        (Some(end), _) => Import::Add(ByteSpan { start: end, end }, format!("\n{line}")),
        (None, Some(first)) => {
            let start = source.byte_span(first.span()).start;
            Import::Add(ByteSpan { start, end: start }, format!("{line}\n\n"))
        }
        (None, None) => Import::Unknown,
    }
}

/// Whether a top-level `use` or item of `file` names `name`.
fn names(file: &syn::File, name: &str) -> bool {
    fn tree(t: &syn::UseTree, name: &str) -> bool {
        match t {
            syn::UseTree::Path(p) => tree(&p.tree, name),
            syn::UseTree::Name(n) => n.ident == name,
            syn::UseTree::Rename(r) => r.rename == name,
            syn::UseTree::Group(g) => g.items.iter().any(|t| tree(t, name)),
            syn::UseTree::Glob(_) => false,
        }
    }
    file.items.iter().any(|i| match i {
        syn::Item::Use(u) => tree(&u.tree, name),
        syn::Item::Enum(e) => e.ident == name,
        _ => false,
    })
}

/// A file's crate (the path up to its `src/`) and module path (`crate::a::b`); `None` outside
/// a library or main binary's `src/` (a `src/bin/` target is a crate of its own).
fn module_path(display: &str) -> Option<(&str, String)> {
    let at = if display.starts_with("src/") {
        0
    } else {
        display.rfind("/src/")? + 1
    };
    let (root, rest) = display.split_at(at + "src/".len());
    let rest = rest.strip_suffix(".rs")?;
    if rest.starts_with("bin/") {
        return None;
    }
    let rest = rest.strip_suffix("/mod").unwrap_or(rest);
    let module = match rest {
        "lib" | "main" => "crate".to_owned(),
        _ => format!("crate::{}", rest.replace('/', "::")),
    };
    Some((root, module))
}

#[cfg(test)]
mod tests {
    use super::module_path;

    #[test]
    fn module_paths_follow_the_file_layout() {
        assert_eq!(
            module_path("app/src/secrets.rs"),
            Some(("app/src/", "crate::secrets".to_owned()))
        );
        assert_eq!(
            module_path("src/a/mod.rs"),
            Some(("src/", "crate::a".to_owned()))
        );
        assert_eq!(
            module_path("src/lib.rs"),
            Some(("src/", "crate".to_owned()))
        );
        assert_eq!(module_path("src/bin/tool.rs"), None);
        assert_eq!(module_path("tests/it.rs"), None);
    }
}
