//! Intra-procedural taint: where a secret's plain value (`.expose_secret()`, the value of a
//! secret environment read) flows into a sink that publishes it (a log macro, a serializer, a
//! URL). Computed once per file; `secret-in-log`, `secret-serialization` and `secret-in-url`
//! each read the flows of their kind.
//!
//! The analysis walks every function, method, closure and constant initializer once, in
//! statement order, keeping for each local binding the sources its value may carry. It is a
//! may-analysis: branches and loops join, assignments under a condition add to a binding
//! instead of replacing it, and loop bodies are walked twice so taint added late in an
//! iteration is seen at the top of the next. It is deliberately conservative about what carries
//! the secret: only known conversions, wrappers and string building propagate; an unknown
//! function or method call, a length, a hash or a comparison is not the secret.
//!
//! Which sources are secrets is the flow rules' call (`crate::rules::flows`): only sensitive
//! secrets count, and a name held in a constant is decided by the crate-wide join, which reads
//! these flows; so this module names secrets ([`secret_named`]) but imports neither.
//!
//! `walk` does the walking, split by job into `items`, `locals`, `propagate` (taint through
//! expressions, and where a secret value starts), `sinks` and `macros`; `value` is what a value
//! may carry, `syntax` is the syntax recognized (sinks, carriers, macro bodies).

mod items;
mod locals;
mod macros;
mod propagate;
mod sinks;
mod syntax;
mod value;
mod walk;

use syn::visit::{self, Visit};

use crate::analysis::reads::{Arg, EnvRead, NameExpr};
use crate::config::names::PATH_VALUED;
use crate::config::{SecretName, Settings};
use crate::finding::Location;
use crate::input::source::SourceFile;
use crate::input::unit::ModuleUnit;

/// Where a secret value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaintSource {
    /// A call of an exposing method (`.expose_secret()`, `[taint] expose-methods`); `id`: the
    /// inventory id of the `ResolvedSecret` exposed, when the walk saw it resolved.
    Expose { method: String, id: Option<String> },
    /// The value returned by an environment read; a secret only if `name` is a sensitive
    /// secret, which the rules decide (through the join for constants).
    EnvRead { reader: String, name: Arg },
}

/// What kind of sink a value reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SinkKind {
    /// Printing, logging, panics, error messages, configured AI-context sinks.
    Log,
    /// A serializer (`serde_json::to_string`, `json!`, `.serialize(..)`).
    Serialize,
    /// A URL or query string.
    Url,
}

/// A secret value reaching a sink.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    pub kind: SinkKind,
    /// The sink as the message names it: "`tracing::info!`", "`serde_json::to_string`".
    pub sink: String,
    /// The tainted expression at the sink (where the finding is reported).
    pub location: Location,
    pub source: TaintSource,
    /// Where the value was exposed or read (the finding's secondary label).
    pub source_location: Location,
}

/// The flows of secret values into sinks in `file`. `reads` are the file's environment reads
/// (from [`crate::analysis::facts`]), matched by their call location.
pub fn flows(
    source: &SourceFile,
    settings: &Settings,
    unit: &ModuleUnit,
    file: &syn::File,
    reads: &[EnvRead],
) -> Vec<Flow> {
    walk::Walker::new(source, settings, unit, reads).file(file)
}

// ---------------------------------------------------------------------------------------------
// What counts as a secret: the walk prunes sources by it, and `rules::flows` decides with it.

/// A secret as a finding names it; never its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRef {
    /// For messages: "the value of `OPENAI_API_KEY`", "the value of `.expose_secret()`".
    pub what: String,
    /// For the finding's identity: the variable name or the exposing method.
    pub key: String,
}

/// A variable name that holds a sensitive secret; `template`: a `format!` name (`X_API_KEY`),
/// which only patterns can match.
pub fn secret_named(settings: &Settings, name: &str, template: bool) -> Option<SecretRef> {
    if PATH_VALUED.contains(&name) {
        return None;
    }
    if template {
        let pattern = settings.names.matching(name)?;
        return Some(SecretRef {
            what: format!("the value of a variable named like `{name}` (matches `{pattern}`)"),
            key: name.to_owned(),
        });
    }
    match settings.classify(name)? {
        SecretName::Inventory { spec, .. } if !spec.sensitive => None,
        SecretName::Inventory { spec, .. } => Some(SecretRef {
            what: format!("the value of `{name}` (secret `{}`)", spec.id),
            key: spec.env.clone(),
        }),
        SecretName::Pattern { .. } => Some(SecretRef {
            what: format!("the value of `{name}`"),
            key: name.to_owned(),
        }),
    }
}

/// Whether a name expression may name a secret; cheap pruning before a flow is recorded.
pub(super) fn may_be_secret(settings: &Settings, expr: &NameExpr) -> bool {
    match expr {
        NameExpr::Lit(n) => secret_named(settings, n, false).is_some(),
        NameExpr::Format(t) => secret_named(settings, t, true).is_some(),
        NameExpr::Const(_)
        | NameExpr::Concat(_)
        | NameExpr::Element(_)
        | NameExpr::Dynamic(_)
        | NameExpr::Case(..) => true,
        NameExpr::List(_) | NameExpr::Slot(_) | NameExpr::Unknown => false,
    }
}

/// Types that hold a secret without exposing it. `Secret` counts only with type arguments
/// (`secrecy::Secret<String>`), so an unrelated `Secret` enum does not.
const SECRET_TYPES: &[&str] = &[
    "ResolvedSecret",
    "SecretString",
    "SecretBox",
    "SecretVec",
    "SecretSlice",
];

/// The first secret type `ty` mentions anywhere (`Option<SecretString>`), with `extra` names
/// from `[rules.secret-serialization] secret-types`.
pub fn secret_type_in(ty: &syn::Type, extra: &[String]) -> Option<String> {
    struct Find<'n> {
        extra: &'n [String],
        found: Option<String>,
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_type_path(&mut self, p: &'ast syn::TypePath) {
            if self.found.is_some() {
                return;
            }
            if let Some(last) = p.path.segments.last() {
                let name = last.ident.to_string();
                let generic = !matches!(last.arguments, syn::PathArguments::None);
                if is_secret_type(&name, self.extra) || (name == "Secret" && generic) {
                    self.found = Some(name);
                    return;
                }
            }
            visit::visit_type_path(self, p);
        }
    }
    let mut f = Find { extra, found: None };
    f.visit_type(ty);
    f.found
}

pub(super) fn is_secret_type(name: &str, extra: &[String]) -> bool {
    SECRET_TYPES.contains(&name) || extra.iter().any(|e| e == name)
}

#[cfg(test)]
mod tests {
    use super::syntax::{ArgRef, parse_template};
    use super::value::Text;

    #[test]
    fn templates_and_query_tails() {
        let (phs, trailing) = parse_template("a{}b{0}{name:?}{{x}}{:.*}c");
        assert_eq!(
            phs.iter().map(|p| p.arg.clone()).collect::<Vec<_>>(),
            vec![
                ArgRef::Next,
                ArgRef::Index(0),
                ArgRef::Name("name".into()),
                ArgRef::Next
            ]
        );
        assert!(phs[3].star);
        assert_eq!(phs[3].before, "{x}");
        assert_eq!(trailing, "c");
        for yes in ["https://h/p?key=", "?token=", "x&api_key=", "/v1?a=1&key="] {
            assert!(Text::literal(yes).in_url(), "{yes}");
        }
        for no in ["key=", "a && b=", "?=", "Bearer ", "see https://x.io for "] {
            assert!(!Text::literal(no).in_url(), "{no}");
        }
    }
}
