//! Calls that may reach the environment: calls of the crate's own functions with an argument
//! that may be a secret name (resolved crate-wide by the join), and calls of catalogued
//! library entry points or of crate paths that may re-export one.

use syn::Expr;
use syn::spanned::Spanned;

use super::{CallSite, Callee, Collector, FlowSink, LibraryCall, PathCall, Value};
use crate::analysis::reads::{Arg, NameExpr};

impl Collector<'_> {
    /// A call of a catalogued library entry point (`Bot::from_env()`, `sqlx::query!`), or of a
    /// crate path that may re-export one.
    pub(super) fn library_call(&mut self, candidates: &[String], span: proc_macro2::Span) -> bool {
        let readers = &self.settings.readers;
        if let Some(entry) = readers.find(candidates) {
            let location = self.loc(span);
            self.out.library_calls.push(LibraryCall { entry, location });
            return true;
        }
        if let Some(first) = candidates.first() {
            let last = first.rsplit("::").next().unwrap_or(first);
            if first.starts_with("crate::") && readers.has_last_segment(last) {
                let location = self.loc(span);
                self.out.path_calls.push(PathCall {
                    candidates: candidates.to_vec(),
                    location,
                });
            }
        }
        false
    }

    pub(super) fn call<'e>(
        &mut self,
        callee: Callee,
        args: impl Iterator<Item = &'e Expr>,
        site: &dyn Spanned,
    ) {
        // Spans are printed from whole token trees: taken only for a call that is kept, or
        // a chain `a.b().b()..` costs the square of its length.
        let mut out = Vec::new();
        let mut keep = false;
        for (j, a) in args.enumerate() {
            let expr = match self.eval(a) {
                Value::Param { owner, index, each } => {
                    self.out.fns[owner].sinks.push(FlowSink::Forward {
                        callee: callee.clone(),
                        arg: j,
                        param: index,
                        each,
                    });
                    NameExpr::Unknown
                }
                Value::Name(n) => n,
            };
            keep |= self.interesting(&expr);
            out.push((expr, a));
        }
        if keep {
            let args = out
                .into_iter()
                .map(|(expr, a)| Arg {
                    expr,
                    location: self.loc(a.span()),
                })
                .collect();
            let location = self.loc(site.span());
            self.out.calls.push(CallSite {
                callee,
                args,
                location,
            });
        }
    }
}
