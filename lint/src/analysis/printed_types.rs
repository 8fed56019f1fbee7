//! Whether a type's `Debug` prints its contents as they are ([`plain_type`]): strings and
//! bytes (`String`, `&str`, `Vec<u8>`, `[u8; N]`, shared and small-string types such as
//! `Arc<str>`, `Cow<str>` and `SmolStr`), and those inside transparent wrappers (`Option`,
//! `Box`, `Mutex`, `Zeroizing`, ...), collections, map values and tuples, also through the
//! file's own `type` aliases ([`Aliases`]). Any type not listed (`SecretString`, `Secret<..>`,
//! `ResolvedSecret`) is taken to redact itself.
//!
//! Used by `secret-debug-derive` to judge a field's type. It is a question about syntax, not a
//! finding, so it lives in the analysis and the rule keeps its walk and its reporting.

use std::collections::HashMap;

use syn::visit::Visit;

/// How deep `type` aliases and wrappers are followed.
pub const MAX_DEPTH: usize = 8;

/// `type Name = Ty;` declared anywhere in the file (without generics).
#[derive(Default)]
pub struct Aliases(pub HashMap<String, syn::Type>);

impl<'ast> Visit<'ast> for Aliases {
    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        if t.generics.params.is_empty() {
            self.0.insert(t.ident.to_string(), (*t.ty).clone());
        }
    }
}

/// Types whose `Debug` prints a string or bytes as they are.
const PLAIN_LEAVES: &[&str] = &[
    "String",
    "str",
    "OsString",
    "OsStr",
    "SmolStr",
    "CompactString",
    "EcoString",
    "ArcStr",
    "KString",
    "FlexStr",
    "HipStr",
    "ImString",
    "SharedString",
    "Bytes",
    "BytesMut",
    "Url",
    "Uri",
];

/// Types whose `Debug` prints their (first) type argument.
const TRANSPARENT_WRAPPERS: &[&str] = &[
    "Option",
    "Box",
    "Rc",
    "Arc",
    "Cow",
    "RefCell",
    "Cell",
    "Mutex",
    "RwLock",
    "OnceCell",
    "OnceLock",
    "Zeroizing",
    "ManuallyDrop",
    "Pin",
];

/// Collections whose `Debug` prints their elements.
const SEQUENCES: &[&str] = &[
    "Vec", "VecDeque", "HashSet", "BTreeSet", "IndexSet", "SmallVec",
];

/// Maps whose `Debug` prints their values.
const MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap"];

/// Whether `ty` prints its contents with `Debug`: a string or byte type, or one of those in a
/// transparent wrapper or collection.
pub fn plain_type(ty: &syn::Type, aliases: &HashMap<String, syn::Type>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let next = |t: &syn::Type| plain_type(t, aliases, depth + 1);
    match ty {
        syn::Type::Reference(r) => next(&r.elem),
        syn::Type::Paren(p) => next(&p.elem),
        syn::Type::Group(g) => next(&g.elem),
        syn::Type::Slice(s) => is_u8(&s.elem) || next(&s.elem),
        syn::Type::Array(a) => is_u8(&a.elem) || next(&a.elem),
        syn::Type::Tuple(t) => t.elems.iter().any(next),
        syn::Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            let name = last.ident.to_string();
            let args: Vec<&syn::Type> = match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|a| match a {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if p.path.segments.len() == 1
                && args.is_empty()
                && let Some(aliased) = aliases.get(&name)
            {
                return next(aliased);
            }
            let n = name.as_str();
            if PLAIN_LEAVES.contains(&n) {
                return true;
            }
            if n == "Value" {
                let segs = &p.path.segments;
                return segs.len() >= 2 && segs[segs.len() - 2].ident == "serde_json";
            }
            if TRANSPARENT_WRAPPERS.contains(&n) {
                return args.first().is_some_and(|t| next(t));
            }
            if SEQUENCES.contains(&n) {
                return args.first().is_some_and(|t| is_u8(t) || next(t));
            }
            if MAPS.contains(&n) {
                return args.get(1).is_some_and(|t| next(t));
            }
            false
        }
        _ => false,
    }
}

fn is_u8(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("u8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(src: &str) -> bool {
        let ty: syn::Type = syn::parse_str(src).expect("type");
        plain_type(&ty, &HashMap::new(), 0)
    }

    #[test]
    fn plain_types() {
        for yes in [
            "String",
            "std::string::String",
            "&str",
            "&'a str",
            "&'static str",
            "Box<str>",
            "Arc<str>",
            "std::sync::Arc<str>",
            "Rc<str>",
            "Cow<'a, str>",
            "Cow<'static, str>",
            "Vec<u8>",
            "&[u8]",
            "[u8; 32]",
            "Box<[u8]>",
            "Option<String>",
            "Option<&'a str>",
            "Option<Box<str>>",
            "Option<Vec<u8>>",
            "SmolStr",
            "compact_str::CompactString",
            "ecow::EcoString",
            "kstring::KString",
            "Rc<str>",
            "zeroize::Zeroizing<String>",
            "Mutex<Option<String>>",
            "OsString",
            "Vec<String>",
            "HashMap<String, String>",
            "serde_json::Value",
            "bytes::Bytes",
            "(String, String)",
            "Option<(u64, String)>",
        ] {
            assert!(plain(yes), "{yes} should be plain");
        }
        for no in [
            "SecretString",
            "secrecy::SecretString",
            "Secret<String>",
            "SecretBox<str>",
            "vox_clavis::ResolvedSecret",
            "Option<SecretString>",
            "Arc<ResolvedSecret>",
            "u32",
            "usize",
            "bool",
            "PathBuf",
            "Option<PathBuf>",
            "T",
            "Vec<u32>",
            "HashMap<String, SecretString>",
            "Value",
            "HeaderValue",
            "fn() -> String",
            "impl Fn() -> String",
            "<T as Trait>::Output",
            "()",
            "(u8, u16)",
        ] {
            assert!(!plain(no), "{no} should not be plain");
        }
    }

    #[test]
    fn aliases_are_followed() {
        let mut aliases = HashMap::new();
        aliases.insert("Key".to_owned(), syn::parse_str("String").unwrap());
        aliases.insert("Loop".to_owned(), syn::parse_str("Loop").unwrap());
        let ty: syn::Type = syn::parse_str("Option<Key>").unwrap();
        assert!(plain_type(&ty, &aliases, 0));
        let ty: syn::Type = syn::parse_str("Loop").unwrap();
        assert!(!plain_type(&ty, &aliases, 0));
    }
}
