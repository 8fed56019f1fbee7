//! The locals of the body being walked: frames of bindings with their taint and string text,
//! and how patterns and assignments store into them. A frame entered only sometimes (a branch,
//! a loop or closure body) makes assignments join instead of replace: that is what keeps the
//! walk a may-analysis.

use std::collections::HashMap;

use syn::punctuated::Punctuated;
use syn::{Expr, Pat, Token};

use super::secret_type_in;
use super::syntax::*;
use super::value::{Taint, Text};
use super::walk::Walker;

/// A local binding.
#[derive(Clone, Debug, Default)]
pub(super) struct Local {
    pub(super) taint: Taint,
    /// Its text so far, when it is a string being built.
    pub(super) text: Text,
    /// A `String` (writing to it with `write!` builds a string, it prints nothing).
    pub(super) buffer: bool,
}

#[derive(Debug, Default)]
pub(super) struct Frame {
    vars: HashMap<String, Local>,
    /// Entered only sometimes (a branch, a loop or closure body): assignments join.
    conditional: bool,
}

impl Walker<'_> {
    pub(super) fn push(&mut self, conditional: bool) {
        self.frames.push(Frame {
            vars: HashMap::new(),
            conditional,
        });
    }

    pub(super) fn pop(&mut self) {
        self.frames.pop();
    }

    pub(super) fn lookup(&self, name: &str) -> Option<&Local> {
        self.frames.iter().rev().find_map(|f| f.vars.get(name))
    }

    pub(super) fn bind(&mut self, name: String, local: Local) {
        if let Some(f) = self.frames.last_mut() {
            f.vars.insert(name, local);
        }
    }

    fn local_mut(&mut self, name: &str) -> Option<(&mut Local, bool)> {
        let idx = self
            .frames
            .iter()
            .rposition(|f| f.vars.contains_key(name))?;
        let conditional = self
            .frames
            .get(idx + 1..)
            .is_some_and(|fs| fs.iter().any(|f| f.conditional));
        let local = self.frames.get_mut(idx)?.vars.get_mut(name)?;
        Some((local, conditional))
    }

    /// Stores `value` into a place: replaces when the assignment always happens and the place
    /// is exact, joins otherwise.
    pub(super) fn assign_place(&mut self, place: &Expr, value: &Taint, replace: bool) {
        let Some((root, fields, exact)) = place_root(place) else {
            return;
        };
        if let Some((local, conditional)) = self.local_mut(&root) {
            let replace = replace && exact && !conditional;
            local.taint = local.taint.with_part(&fields, value, replace);
        }
    }

    pub(super) fn local_text(&self, name: &str) -> Text {
        self.lookup(name)
            .map(|l| l.text.clone())
            .unwrap_or_default()
    }

    pub(super) fn set_text(&mut self, name: &str, text: Text) {
        if let Some((local, _)) = self.local_mut(name) {
            local.text = text;
        }
    }

    pub(super) fn bind_pat(&mut self, pat: &Pat, taint: &Taint, top: Option<(Text, bool)>) {
        match pat {
            Pat::Ident(p) => {
                let name = p.ident.to_string();
                // `None`, `MAX`: a unit variant or a constant, not a binding.
                if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    return;
                }
                let (text, buffer) = top.unwrap_or_default();
                self.bind(
                    name,
                    Local {
                        taint: taint.clone(),
                        text,
                        buffer,
                    },
                );
                if let Some((_, sub)) = &p.subpat {
                    self.bind_pat(sub, taint, None);
                }
            }
            Pat::Type(t) => {
                let (text, buffer) = top.unwrap_or_default();
                let top = Some((text, buffer || is_string_type(&t.ty)));
                // `let k: SecretString = ..`: wrapped again, no longer exposed.
                if secret_type_in(&t.ty, self.secret_types()).is_some() {
                    self.bind_pat(&t.pat, &Taint::default(), top);
                } else {
                    self.bind_pat(&t.pat, taint, top);
                }
            }
            Pat::Reference(r) => self.bind_pat(&r.pat, taint, top),
            Pat::Paren(p) => self.bind_pat(&p.pat, taint, top),
            Pat::Tuple(t) => self.bind_elems(&t.elems, taint),
            Pat::TupleStruct(ts) => {
                let last = ts.path.segments.last().map(|s| s.ident.to_string());
                // The error of a `Result` is not the value it failed to give.
                if last.as_deref() == Some("Err") {
                    self.bind_elems(&ts.elems, &Taint::default());
                } else {
                    self.bind_elems(&ts.elems, taint);
                }
            }
            Pat::Struct(s) => {
                for f in &s.fields {
                    let part = taint.part(&member_key(&f.member));
                    self.bind_pat(&f.pat, &part, None);
                }
            }
            Pat::Slice(s) => {
                let whole = taint.whole();
                for e in &s.elems {
                    self.bind_pat(e, &whole, None);
                }
            }
            Pat::Or(o) => {
                for c in &o.cases {
                    self.bind_pat(c, taint, None);
                }
            }
            _ => {}
        }
    }

    fn bind_elems(&mut self, elems: &Punctuated<Pat, Token![,]>, taint: &Taint) {
        let mut after_rest = false;
        for (i, e) in elems.iter().enumerate() {
            if matches!(e, Pat::Rest(_)) {
                after_rest = true;
                continue;
            }
            let t = if after_rest {
                taint.whole()
            } else {
                taint.part(&i.to_string())
            };
            self.bind_pat(e, &t, None);
        }
    }
}
