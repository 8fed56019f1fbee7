//! Inventories declared in code: enums deriving `vox_clavis::SecretInventory`.
//!
//! ```rust,ignore
//! #[derive(Clone, Copy, SecretInventory)]
//! pub enum SecretId {
//!     /// OpenAI API key for the chat client.
//!     #[secret(env = "OPENAI_API_KEY", aliases("OPENAI_KEY"), deprecated("OAI_API_KEY"))]
//!     OpenAiApiKey,
//! }
//! ```
//!
//! Such an enum is an inventory source like the configuration's `[[secret]]` tables and its
//! JSON contracts. Which names are secrets must be known before any rule runs on any file, so
//! this is a pre-pass over the files a run checks: a byte search keeps the files that contain
//! `SecretInventory` (few, in any codebase), only those are parsed, and their enums are read
//! into [`SecretSpec`]s. [`settings`] is the one call the engine makes (in `check` and
//! `check_sources`): it returns the settings with those specs merged into the inventory.
//! Enums in test code are not read (see [`enums`]): a test's fake inventory is not the
//! program's.
//!
//! Merging: the configured specs come first (TOML, then the included contracts), then the
//! enums' variants, files in the walk's (sorted) order and variants in declaration order. A
//! variant declared exactly like an earlier spec (same id, same canonical name, same aliases
//! and deprecated aliases in any order, same sensitivity) is the same secret and is not added
//! again; the first declaration's description is kept. Every other variant is added, so a
//! conflicting one stays visible to the other side of the conflict. A name claimed twice keeps
//! its first owner, as in [`Inventory::new`].
//!
//! Conflicts (see [`conflicts`]) are not decided here but where the enum is: the
//! `inventory-conflict` rule compares each enum of the file it checks with the merged
//! inventory, so its findings get the file's levels, overrides and suppression comments like
//! any other. Two declarations conflict when one environment variable names two different
//! ids, or when one id is declared with different names (or sensitivity). Duplicates inside
//! one enum are the compiler's to report (the derive rejects them) and are not conflicts here.
//!
//! The reading follows the derive's grammar (`macros/src/attr.rs`) but never fails: what the
//! compiler would reject (a variant without `env`, a value that is not a string literal, an
//! unknown key) is skipped, and the rest of the enum still counts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use rayon::prelude::*;
use syn::visit::{self, Visit};

use crate::analysis::matchers;
use crate::config::{Inventory, SecretSpec, Settings};
use crate::finding::Location;
use crate::input::source::SourceFile;
use crate::input::unit::UnitFinder;
use crate::input::walk::{self, WalkedFile};

/// The bytes a file must contain to be parsed by the pre-pass.
pub const NEEDLE: &str = "SecretInventory";

/// The derive's name, matched on a derive path's last segment (`vox_clavis::SecretInventory`).
const DERIVE: &str = NEEDLE;

/// Stack of the thread that parses the candidate files: syn recurses per nesting level (as in
/// the engine's workers; only reserved, not committed).
const PARSER_STACK: usize = 256 * 1024 * 1024;

/// The texts a run checks.
#[derive(Clone, Copy, Debug)]
pub enum Sources<'a> {
    /// Walked files, read from disk, or from the git index when `staged` holds them.
    Files {
        files: &'a [WalkedFile],
        staged: Option<&'a HashMap<PathBuf, Vec<u8>>>,
    },
    /// In-memory `(display path, text)` pairs ([`crate::engine::check_sources`]).
    Memory(&'a [(&'a str, &'a str)]),
}

/// `settings` with the inventories declared by `#[derive(SecretInventory)]` enums in `sources`
/// merged in; borrowed unchanged when there are none.
pub fn settings<'s>(settings: &'s Settings, sources: Sources<'_>) -> Cow<'s, Settings> {
    let enums = collect(sources);
    if enums.iter().all(|e| e.variants.is_empty()) {
        return Cow::Borrowed(settings);
    }
    Cow::Owned(merge(settings, &enums))
}

/// One `#[derive(SecretInventory)]` enum.
#[derive(Clone, Debug)]
pub struct DerivedEnum {
    /// The enum's name.
    pub name: String,
    /// The file, as reports print it.
    pub path: String,
    /// `path:line` of the enum's name: the [`SecretSpec::origin`] of its variants.
    pub origin: String,
    /// The variants that declare a secret (with an `env`), in declaration order.
    pub variants: Vec<DerivedVariant>,
}

/// One variant of an inventory enum.
#[derive(Clone, Debug)]
pub struct DerivedVariant {
    pub spec: SecretSpec,
    /// The variant's name.
    pub id_at: Location,
    /// Where each of [`SecretSpec::names`] is written, in the same order.
    pub names_at: Vec<Location>,
}

/// Two declarations that disagree, seen from a variant of an enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The file of the enum.
    pub path: String,
    /// The name literal or the variant at fault.
    pub location: Location,
    pub message: String,
    pub label: String,
    pub help: String,
    /// `id` or `id:NAME`: what identifies the conflict across edits.
    pub identity: String,
    /// The other declaration, when it is in the same file.
    pub related: Option<(Location, String)>,
}

/// The inventory enums of one parsed file: the enums deriving `SecretInventory`, except in
/// test code (a file under a package's `tests/` or `benches/`, `#[cfg(test)]` items, `#[test]`
/// functions), whatever `[scan] tests` says. An inventory declared in a test is that test's
/// fake, not the program's: merged, it would make the test's names secrets everywhere and
/// conflict with the real inventory.
pub fn enums(source: &SourceFile, file: &syn::File) -> Vec<DerivedEnum> {
    if UnitFinder::default()
        .unit(&walk::absolute(&source.path))
        .in_test_dir
    {
        return Vec::new();
    }
    let mut finder = Finder {
        source,
        out: Vec::new(),
    };
    finder.visit_file(file);
    finder.out
}

/// The enums of every source that mentions [`NEEDLE`], in source order.
pub fn collect(sources: Sources<'_>) -> Vec<DerivedEnum> {
    let candidates: Vec<SourceFile> = match sources {
        Sources::Files { files, staged } => files
            .par_iter()
            .filter_map(|f| {
                let bytes = match staged {
                    Some(blobs) => blobs.get(&walk::absolute(&f.path))?.clone(),
                    None => std::fs::read(&f.path).ok()?,
                };
                memchr::memmem::find(&bytes, NEEDLE.as_bytes())?;
                // A file that is not UTF-8 is reported by the main pass.
                let text = String::from_utf8(bytes).ok()?;
                Some(SourceFile::new(f.path.clone(), f.display.clone(), text))
            })
            .collect(),
        Sources::Memory(sources) => sources
            .iter()
            .filter(|(_, text)| text.contains(NEEDLE))
            .map(|&(display, text)| {
                SourceFile::new(display.into(), display.to_owned(), text.to_owned())
            })
            .collect(),
    };
    if candidates.is_empty() {
        return Vec::new();
    }
    let parse_all = || {
        candidates
            .iter()
            .flat_map(|source| {
                // A file that does not parse (or trips a bug) is reported by the main pass.
                catch_unwind(AssertUnwindSafe(|| {
                    syn::parse_file(&source.text).map(|file| enums(source, &file))
                }))
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default()
            })
            .collect::<Vec<_>>()
    };
    // A thread of its own: a large stack for deep inputs, and the spans it creates die with it.
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("derived-inventory".to_owned())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, parse_all)
        {
            Ok(handle) => handle.join().unwrap_or_default(),
            Err(_) => parse_all(),
        }
    })
}

/// `settings` with the variants of `enums` merged into the inventory (see the module docs).
pub fn merge(settings: &Settings, enums: &[DerivedEnum]) -> Settings {
    let mut specs = settings.inventory.specs().to_vec();
    for variant in enums.iter().flat_map(|e| &e.variants) {
        let known = specs
            .iter()
            .any(|s| s.id == variant.spec.id && same_declaration(s, &variant.spec));
        if !known {
            specs.push(variant.spec.clone());
        }
    }
    // Names claimed twice among the configured specs were reported when the configuration was
    // loaded; those involving an enum are the `inventory-conflict` rule's.
    let (inventory, _) = Inventory::new(specs);
    Settings {
        inventory,
        ..settings.clone()
    }
}

/// Whether two specs declare the same secret the same way (ids aside): same canonical name,
/// same aliases and deprecated aliases whatever their order, same sensitivity.
pub fn same_declaration(a: &SecretSpec, b: &SecretSpec) -> bool {
    a.env == b.env
        && same_set(&a.aliases, &b.aliases)
        && same_set(&a.deprecated, &b.deprecated)
        && a.sensitive == b.sensitive
}

/// The conflicts between `decl` and the other declarations of `inventory` (which includes
/// `decl`'s own variants, recognised by their origin). `same_file` are the other enums of
/// `decl`'s file, to point at a conflicting declaration there.
pub fn conflicts(
    inventory: &Inventory,
    decl: &DerivedEnum,
    same_file: &[DerivedEnum],
) -> Vec<Conflict> {
    let mut out = Vec::new();
    let others: Vec<&SecretSpec> = inventory
        .specs()
        .iter()
        .filter(|s| s.origin != decl.origin)
        .collect();
    for variant in &decl.variants {
        let spec = &variant.spec;
        let id = &spec.id;
        for ((name, kind), at) in spec.names().zip(&variant.names_at) {
            let Some((other, other_kind)) = others
                .iter()
                .filter(|o| o.id != *id)
                .find_map(|o| o.names().find(|(n, _)| *n == name).map(|(_, k)| (*o, k)))
            else {
                continue;
            };
            let related = locate(same_file, other, Some(name)).map(|l| {
                (
                    l,
                    format!("also the {} of `{}` here", other_kind.describe(), other.id),
                )
            });
            out.push(Conflict {
                path: decl.path.clone(),
                location: *at,
                message: format!(
                    "environment variable `{name}` names two secrets: `{id}` here and `{}` in `{}`",
                    other.id, other.origin
                ),
                label: format!(
                    "the {} of `{id}`; also the {} of `{}`",
                    kind.describe(),
                    other_kind.describe(),
                    other.id
                ),
                help: format!(
                    "a name belongs to one secret only: remove `{name}` from one of the two \
                     declarations, or give both the same id if they are one secret"
                ),
                identity: format!("{id}:{name}"),
                related,
            });
        }
        if let Some(other) = others
            .iter()
            .find(|o| o.id == *id && !same_declaration(o, spec))
        {
            let related = locate(same_file, other, None)
                .map(|l| (l, format!("`{id}` declared differently here")));
            out.push(Conflict {
                path: decl.path.clone(),
                location: variant.id_at,
                message: format!(
                    "secret `{id}` is declared differently in `{}`: {}",
                    other.origin,
                    difference(spec, other)
                ),
                label: format!("`{id}` declared here"),
                help: "declare each secret in one place (an enum can replace the configuration's \
                       `[[secret]]`), or give both declarations the same names and sensitivity: \
                       otherwise the linter and the runtime disagree about the secret"
                    .to_owned(),
                identity: id.clone(),
                related,
            });
        }
    }
    out
}

/// What differs between `here` and `there`, which have the same id: the first difference.
fn difference(here: &SecretSpec, there: &SecretSpec) -> String {
    let list = |names: &[String]| {
        if names.is_empty() {
            "none".to_owned()
        } else {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    if here.env != there.env {
        format!("canonical name `{}` here, `{}` there", here.env, there.env)
    } else if !same_set(&here.aliases, &there.aliases) {
        format!(
            "aliases {} here, {} there",
            list(&here.aliases),
            list(&there.aliases)
        )
    } else if !same_set(&here.deprecated, &there.deprecated) {
        format!(
            "deprecated aliases {} here, {} there",
            list(&here.deprecated),
            list(&there.deprecated)
        )
    } else {
        let what = |s: &SecretSpec| {
            if s.sensitive {
                "sensitive"
            } else {
                "not sensitive"
            }
        };
        format!("{} here, {} there", what(here), what(there))
    }
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<&String> = a.iter().collect();
    let mut b: Vec<&String> = b.iter().collect();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// Where `spec` is declared among `enums` (by origin and id): the literal of `name`, or the
/// variant.
fn locate(enums: &[DerivedEnum], spec: &SecretSpec, name: Option<&str>) -> Option<Location> {
    let variant = enums
        .iter()
        .filter(|e| e.origin == spec.origin)
        .flat_map(|e| &e.variants)
        .find(|v| v.spec.id == spec.id)?;
    let at_name = name.and_then(|name| {
        variant
            .spec
            .names()
            .zip(&variant.names_at)
            .find(|((n, _), _)| *n == name)
            .map(|(_, at)| *at)
    });
    Some(at_name.unwrap_or(variant.id_at))
}

/// Finds inventory enums outside test code.
struct Finder<'s> {
    source: &'s SourceFile,
    out: Vec<DerivedEnum>,
}

impl Finder<'_> {
    fn skipped(&self, attrs: &[syn::Attribute]) -> bool {
        attrs.iter().any(matchers::is_test_attr)
    }

    fn location(&self, span: proc_macro2::Span) -> Location {
        Location::from_syn(self.source, span)
    }

    fn read_enum(&self, item: &syn::ItemEnum) -> DerivedEnum {
        let at = self.location(item.ident.span());
        let origin = format!("{}:{}", self.source.display, at.start.line);
        let variants = item
            .variants
            .iter()
            .filter_map(|v| self.read_variant(v, &origin, &item.ident.to_string()))
            .collect();
        DerivedEnum {
            name: item.ident.to_string(),
            path: self.source.display.clone(),
            origin,
            variants,
        }
    }

    fn read_variant(
        &self,
        variant: &syn::Variant,
        origin: &str,
        enum_name: &str,
    ) -> Option<DerivedVariant> {
        let mut keys = Keys::default();
        for meta in matchers::attr_lists(&variant.attrs, "secret") {
            if let syn::Meta::List(list) = meta {
                // A syntax error ends this attribute's keys; those read so far count.
                let _ = list.parse_nested_meta(|meta| keys.read(meta));
            }
        }
        let env = keys.env?;
        let description = keys
            .description
            .map(|d| d.value())
            .unwrap_or_else(|| doc(&variant.attrs));
        let spec = SecretSpec {
            id: variant
                .ident
                .to_string()
                .trim_start_matches("r#")
                .to_owned(),
            env: env.value(),
            aliases: keys.aliases.iter().map(syn::LitStr::value).collect(),
            deprecated: keys.deprecated.iter().map(syn::LitStr::value).collect(),
            description: (!description.is_empty()).then_some(description),
            sensitive: keys.sensitive.unwrap_or(true),
            origin: origin.to_owned(),
            declared_in: Some((self.source.display.clone(), enum_name.to_owned())),
        };
        let names_at = std::iter::once(&env)
            .chain(&keys.aliases)
            .chain(&keys.deprecated)
            .map(|lit| self.location(lit.span()))
            .collect();
        Some(DerivedVariant {
            spec,
            id_at: self.location(variant.ident.span()),
            names_at,
        })
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            _ => &[],
        };
        if self.skipped(attrs) {
            return;
        }
        if let syn::Item::Enum(e) = item
            && matchers::derives(&e.attrs, DERIVE)
        {
            let found = self.read_enum(e);
            self.out.push(found);
        }
        visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !self.skipped(&f.attrs) {
            visit::visit_impl_item_fn(self, f);
        }
    }
}

/// The keys of one variant's `#[secret(...)]` attributes; a key given twice keeps its first
/// value (the compiler rejects the second).
#[derive(Default)]
struct Keys {
    env: Option<syn::LitStr>,
    aliases: Vec<syn::LitStr>,
    deprecated: Vec<syn::LitStr>,
    sensitive: Option<bool>,
    description: Option<syn::LitStr>,
}

impl Keys {
    fn read(&mut self, meta: syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        match key.as_str() {
            "env" => {
                let value: syn::LitStr = meta.value()?.parse()?;
                self.env.get_or_insert(value);
            }
            "description" => {
                let value: syn::LitStr = meta.value()?.parse()?;
                self.description.get_or_insert(value);
            }
            "aliases" | "deprecated" => {
                let names = names(&meta)?;
                let list = if key == "aliases" {
                    &mut self.aliases
                } else {
                    &mut self.deprecated
                };
                if list.is_empty() {
                    *list = names;
                }
            }
            "sensitive" => {
                let value = flag(&meta)?;
                self.sensitive.get_or_insert(value);
            }
            // `required`, and keys the compiler rejects: read past the value.
            _ => skip_value(&meta)?,
        }
        Ok(())
    }
}

/// `("A", "B")` after a key.
fn names(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Vec<syn::LitStr>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let names =
        syn::punctuated::Punctuated::<syn::LitStr, syn::Token![,]>::parse_terminated(&content)?;
    Ok(names.into_iter().collect())
}

/// `key` alone (true) or `key = bool`.
fn flag(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        Ok(meta.value()?.parse::<syn::LitBool>()?.value)
    } else {
        Ok(true)
    }
}

/// Consumes `= expr` or `(...)` after a key that is not read.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

/// The doc comment as the derive reads it: lines trimmed, a paragraph's lines joined with a
/// space, paragraphs with a blank line.
fn doc(attrs: &[syn::Attribute]) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for meta in matchers::attr_lists(attrs, "doc") {
        let syn::Meta::NameValue(name_value) = meta else {
            continue;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &name_value.value
        else {
            continue;
        };
        for line in text.value().split('\n') {
            let line = line.trim();
            if line.is_empty() {
                if !current.is_empty() {
                    paragraphs.push(std::mem::take(&mut current));
                }
            } else {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(line);
            }
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<DerivedEnum> {
        let source = SourceFile::new("x.rs".into(), "x.rs".to_owned(), text.to_owned());
        enums(&source, &syn::parse_file(text).unwrap())
    }

    fn names(spec: &SecretSpec) -> Vec<String> {
        spec.names().map(|(n, k)| format!("{n}:{k:?}")).collect()
    }

    #[test]
    fn reads_the_derive_grammar() {
        let found = read(
            r#"
            #[cfg_attr(feature = "x", derive(Clone, Copy, vox_clavis::SecretInventory))]
            pub enum SecretId {
                /// First line
                /// of a paragraph.
                ///
                /// Second.
                #[secret(env = "A_TOKEN", aliases("A_KEY", "A_K",), required)]
                #[secret(deprecated("OLD_A"), sensitive)]
                A,
                /// Ignored: the key wins.
                #[cfg_attr(feature = "b", secret(env = "B_URL", sensitive = false, description = "B"))]
                B,
                /// No `env`: declares nothing, as the compiler rejects it.
                #[secret(aliases("C_KEY"))]
                C,
                #[secret(env = NOT_A_STRING)]
                D,
                #[secret(env = "E_KEY", unknown = 3, aliases("E_ALIAS"))]
                E,
                #[secret(env = "F_KEY", env = "F_AGAIN")]
                F,
            }
            mod inner {
                fn f() {
                    #[derive(SecretInventory)]
                    enum Local { #[secret(env = "LOCAL_KEY")] L }
                }
            }
            #[derive(Debug)]
            enum NotAnInventory { #[secret(env = "NOT_KEY")] N }
            "#,
        );
        assert_eq!(found.len(), 2);
        let e = &found[0];
        assert_eq!((e.name.as_str(), e.origin.as_str()), ("SecretId", "x.rs:3"));
        let ids: Vec<&str> = e.variants.iter().map(|v| v.spec.id.as_str()).collect();
        assert_eq!(ids, ["A", "B", "E", "F"]);
        let a = &e.variants[0];
        assert_eq!(
            names(&a.spec),
            [
                "A_TOKEN:Canonical",
                "A_KEY:Alias",
                "A_K:Alias",
                "OLD_A:Deprecated"
            ]
        );
        assert!(a.spec.sensitive);
        assert_eq!(
            a.spec.description.as_deref(),
            Some("First line of a paragraph.\n\nSecond.")
        );
        assert_eq!(a.names_at.len(), 4);
        assert_eq!(a.names_at[3].start.line, 9);
        assert_eq!(a.id_at.start.line, 10);
        let b = &e.variants[1].spec;
        assert!(!b.sensitive);
        assert_eq!(b.description.as_deref(), Some("B"));
        assert_eq!(
            names(&e.variants[2].spec),
            ["E_KEY:Canonical", "E_ALIAS:Alias"]
        );
        assert_eq!(e.variants[3].spec.env, "F_KEY");
        assert_eq!(found[1].name, "Local");
    }

    #[test]
    fn test_code_declares_no_inventory() {
        let found = read(
            r#"
            #[cfg(test)]
            mod tests {
                #[derive(SecretInventory)]
                enum Fake { #[secret(env = "FAKE_TOKEN")] F }
            }
            #[test]
            fn t() {
                #[derive(SecretInventory)]
                enum Fake { #[secret(env = "FAKE_TOKEN")] F }
            }
            "#,
        );
        assert!(found.is_empty());
    }

    fn spec(id: &str, env: &str, aliases: &[&str], origin: &str) -> SecretSpec {
        SecretSpec {
            id: id.to_owned(),
            env: env.to_owned(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            deprecated: Vec::new(),
            description: None,
            sensitive: true,
            origin: origin.to_owned(),
            declared_in: None,
        }
    }

    #[test]
    fn identical_declarations_merge_and_others_conflict() {
        let (config, _) = Inventory::new(vec![
            spec("A", "A_TOKEN", &["A_KEY", "A_K"], "vox-clavis-lint.toml"),
            spec("B", "B_TOKEN", &[], "vox-clavis-lint.toml"),
        ]);
        let settings = Settings {
            inventory: config,
            ..Settings::default()
        };
        let found = read(
            r#"
            #[derive(SecretInventory)]
            enum SecretId {
                #[secret(env = "A_TOKEN", aliases("A_K", "A_KEY"))]
                A,
                #[secret(env = "C_TOKEN", aliases("B_TOKEN"))]
                C,
                #[secret(env = "B_TOKEN", sensitive = false)]
                B,
            }
            "#,
        );
        let merged = merge(&settings, &found);
        let ids: Vec<(&str, &str)> = merged
            .inventory
            .specs()
            .iter()
            .map(|s| (s.id.as_str(), s.origin.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("A", "vox-clavis-lint.toml"),
                ("B", "vox-clavis-lint.toml"),
                ("C", "x.rs:3"),
                ("B", "x.rs:3"),
            ]
        );
        // The first declaration keeps a name.
        assert_eq!(
            merged.inventory.lookup("B_TOKEN").unwrap().0.origin,
            "vox-clavis-lint.toml"
        );
        let messages: Vec<String> = conflicts(&merged.inventory, &found[0], &[])
            .into_iter()
            .map(|c| format!("{}: {}", c.location.start.line, c.message))
            .collect();
        assert_eq!(
            messages,
            [
                "6: environment variable `B_TOKEN` names two secrets: `C` here and `B` in \
                 `vox-clavis-lint.toml`",
                "9: secret `B` is declared differently in `vox-clavis-lint.toml`: not sensitive \
                 here, sensitive there",
            ]
        );
    }
}
