//! Names stored in slots and read back out: a tuple field or enum variant
//! (`AuthData::FromEnv("KEY")`) or a named field (`key_env: "KEY"`). A slot is how a name
//! travels between a constructor and a read one file cannot connect; the join pairs them.

use syn::Expr;
use syn::spanned::Spanned;

use super::names::CONVERSIONS;
use super::{Collector, FlowSink, SlotStore, Value};
use crate::analysis::reads::Arg;
use crate::analysis::scope::Resolved;

impl Collector<'_> {
    /// The type part of a named-field slot: `KeySpec`, `Source::Env` for a struct variant.
    pub(super) fn struct_key(&self, path: &syn::Path) -> String {
        let candidates = match self.resolve(path) {
            Resolved::Paths(c) => c,
            Resolved::Local(_) => Vec::new(),
        };
        constructor_slot(&candidates, path, 0)
            .and_then(|s| s.strip_suffix(".0").map(str::to_owned))
            .unwrap_or_else(|| "?".to_owned())
    }

    /// The slot a field access reads: `T.field` for `self.field` in an `impl T`, `?.field`
    /// when the type is not known here.
    pub(super) fn field_slot(&self, e: &Expr) -> Option<String> {
        let (base, field) = field_of(e)?;
        let ty = match base {
            Expr::Path(p) if p.path.is_ident("self") => self
                .self_type
                .last()
                .and_then(|t| t.rsplit("::").next())
                .unwrap_or("?"),
            _ => "?",
        };
        Some(format!("{ty}.{field}"))
    }

    /// `AuthData::FromEnv(name)`: a name or parameter stored in a tuple slot.
    pub(super) fn store(&mut self, slot: String, value: &Expr) {
        match self.eval(value) {
            Value::Param { owner, index, each } => {
                self.out.fns[owner].sinks.push(FlowSink::Store {
                    slot,
                    param: index,
                    each,
                })
            }
            Value::Name(n) if self.interesting(&n) => {
                let location = self.loc(value.span());
                self.out.stores.push(SlotStore {
                    slot,
                    name: Arg { expr: n, location },
                });
            }
            Value::Name(_) => {}
        }
    }
}

/// The slot a tuple constructor or pattern path names: `AuthData::FromEnv.0`, `Wrapper.0`;
/// `None` for a path that is not a constructor (`Some` and `Ok` unwrap instead).
pub(super) fn constructor_slot(
    candidates: &[String],
    written: &syn::Path,
    index: usize,
) -> Option<String> {
    let last = written.segments.last()?.ident.to_string();
    let is_type = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase())
    };
    if !(is_type(&last) || last == "Self") || matches!(last.as_str(), "Some" | "Ok" | "Err") {
        return None;
    }
    let full = candidates.first()?;
    let segs: Vec<&str> = full.split("::").collect();
    let key = match segs.as_slice() {
        [.., ty, variant] if is_type(ty) => format!("{ty}::{variant}"),
        [.., last] => (*last).to_owned(),
        [] => return None,
    };
    Some(format!("{key}.{index}"))
}

/// The named field an expression reads (`cfg.token_env`, `&self.key_env`): the expression
/// it is read from, and the field.
fn field_of(mut e: &Expr) -> Option<(&Expr, String)> {
    loop {
        match e {
            Expr::Reference(r) => e = &r.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::MethodCall(m)
                if m.args.is_empty() && CONVERSIONS.contains(&&*m.method.to_string()) =>
            {
                e = &m.receiver
            }
            Expr::Field(f) => {
                return match &f.member {
                    syn::Member::Named(m) => Some((&*f.base, m.to_string())),
                    syn::Member::Unnamed(_) => None,
                };
            }
            _ => return None,
        }
    }
}
