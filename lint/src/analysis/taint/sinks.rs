//! Sinks reached by calls: serializers, configured sinks, query-string builders and error
//! messages, called as functions or methods; and the recording of a [`Flow`], kept apart so
//! that one sink expression reports each source once however many values carry it.

use std::collections::HashSet;

use syn::Expr;
use syn::spanned::Spanned;

use super::syntax::*;
use super::value::Taint;
use super::walk::Walker;
use super::{Flow, SinkKind};
use crate::finding::Location;
use crate::input::source::ByteSpan;

impl Walker<'_> {
    pub(super) fn flow(&mut self, kind: SinkKind, sink: &str, location: Location, taint: &Taint) {
        if kind == SinkKind::Serialize && self.in_serializer > 0 {
            return;
        }
        for src in &taint.srcs {
            let key = (kind, location.span, src.location.span, sink.to_owned());
            if self.seen.insert(key) {
                self.flows.push(Flow {
                    kind,
                    sink: sink.to_owned(),
                    location,
                    source: src.source.clone(),
                    source_location: src.location,
                });
            }
        }
    }

    /// The flows of one sink call: each source once, at the first value that carries it
    /// (`println!("{key} {key}")` is one finding).
    pub(super) fn call_flows(
        &mut self,
        kind: SinkKind,
        sink: &str,
        values: Vec<(Location, Taint)>,
    ) {
        let mut reported: HashSet<ByteSpan> = HashSet::new();
        for (at, t) in values {
            let mut fresh = t.whole();
            fresh.srcs.retain(|s| reported.insert(s.location.span));
            if fresh.is_tainted() {
                self.flow(kind, sink, at, &fresh);
            }
        }
    }

    /// Serializers, configured sinks and `Url::parse_with_params` called as functions.
    pub(super) fn function_sinks(
        &mut self,
        written: &[String],
        candidates: &[String],
        c: &syn::ExprCall,
        args: &[Taint],
    ) {
        let joined = written.join("::");
        let builtin = SERIALIZERS
            .iter()
            .find(|s| **s == joined || candidates.iter().any(|c| c == *s))
            .map(|s| format!("`{s}`"));
        let configured = self
            .serializers
            .iter()
            .find(|s| s.matches_fn(written, candidates))
            .map(SinkSpec::display);
        if let Some(sink) = builtin.or(configured) {
            self.args_flow(SinkKind::Serialize, &sink, c.args.iter(), args);
        }
        if let Some(spec) = self
            .log_sinks
            .iter()
            .find(|s| s.matches_fn(written, candidates))
        {
            let sink = spec.display();
            self.args_flow(SinkKind::Log, &sink, c.args.iter(), args);
        }
        if written.len() >= 2
            && written.last().is_some_and(|l| l == "parse_with_params")
            && let (Some(arg), Some(t)) = (c.args.iter().nth(1), args.get(1))
        {
            self.url_pairs(arg, "`Url::parse_with_params`", t);
        }
    }

    fn args_flow<'e>(
        &mut self,
        kind: SinkKind,
        sink: &str,
        exprs: impl Iterator<Item = &'e Expr>,
        taints: &[Taint],
    ) {
        let values = exprs
            .zip(taints)
            .map(|(e, t)| (self.loc(e.span()), t.clone()))
            .collect();
        self.call_flows(kind, sink, values);
    }

    /// Query pairs (`&[("key", v)]`): a flow at each tainted value, or at the whole argument
    /// when it is not a literal.
    fn url_pairs(&mut self, arg: &Expr, sink: &str, whole: &Taint) {
        let values = pair_values(arg);
        if values.is_empty() {
            if whole.is_tainted() {
                let at = self.loc(arg.span());
                self.flow(SinkKind::Url, sink, at, whole);
            }
            return;
        }
        let values = values
            .iter()
            .map(|v| (self.loc(v.span()), self.eval(v)))
            .collect();
        self.call_flows(SinkKind::Url, sink, values);
    }

    pub(super) fn method_sinks(
        &mut self,
        m: &syn::ExprMethodCall,
        name: &str,
        recv: &Taint,
        args: &[Taint],
        rets: &Taint,
    ) {
        let first = m.args.first();
        match name {
            "expect" | "context" | "wrap_err" => {
                if let (Some(e), Some(t)) = (first, args.first())
                    && t.is_tainted()
                {
                    let at = self.loc(e.span());
                    self.flow(SinkKind::Log, &format!("`.{name}(..)`"), at, t);
                }
            }
            "with_context" | "wrap_err_with" => {
                if let Some(e) = first
                    && rets.is_tainted()
                {
                    let at = match strip_parens(e) {
                        Expr::Closure(c) => self.loc(c.body.span()),
                        other => self.loc(other.span()),
                    };
                    self.flow(SinkKind::Log, &format!("`.{name}(..)`"), at, rets);
                }
            }
            "serialize" if recv.is_tainted() => {
                let at = self.loc(m.receiver.span());
                self.flow(SinkKind::Serialize, "`.serialize(..)`", at, recv);
            }
            // `form_urlencoded::Serializer::new(..)` builds a form body (an OAuth token
            // request's `client_secret`), not a URL; `url.query_pairs_mut()` builds a query.
            "append_pair" | "extend_pairs" if builds_form_body(&m.receiver) => {}
            "append_pair" => {
                if let (Some(e), Some(t)) = (m.args.iter().nth(1), args.get(1))
                    && t.is_tainted()
                {
                    let at = self.loc(e.span());
                    self.flow(SinkKind::Url, "`.append_pair(..)`", at, t);
                }
            }
            "extend_pairs" | "set_query" => {
                if let (Some(e), Some(t)) = (first, args.first())
                    && t.is_tainted()
                {
                    let at = self.loc(e.span());
                    self.flow(SinkKind::Url, &format!("`.{name}(..)`"), at, t);
                }
            }
            // reqwest's `.query(&[("key", v)])`; ureq's `.query("key", v)` (a parameter name, not
            // an SQL statement with its parameters).
            "query" => match (m.args.len(), first, args.first()) {
                (1, Some(e), Some(t)) => self.url_pairs(e, "`.query(..)`", t),
                (2, Some(e), _)
                    if str_lit(e).is_some_and(|s| !s.value().contains(char::is_whitespace)) =>
                {
                    if let (Some(v), Some(t)) = (m.args.iter().nth(1), args.get(1))
                        && t.is_tainted()
                    {
                        let at = self.loc(v.span());
                        self.flow(SinkKind::Url, "`.query(..)`", at, t);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        let as_written = [name.to_owned()];
        if let Some(spec) = self
            .log_sinks
            .iter()
            .find(|s| s.matches_fn(&as_written, &[]) && matches!(s, SinkSpec::Name(_)))
        {
            let sink = spec.display();
            self.args_flow(SinkKind::Log, &sink, m.args.iter(), args);
        }
        if let Some(spec) = self
            .serializers
            .iter()
            .find(|s| s.matches_fn(&as_written, &[]) && matches!(s, SinkSpec::Name(_)))
        {
            // A serializer method serializes its receiver (`value.to_json()`) or its arguments.
            let sink = spec.display();
            if recv.is_tainted() {
                let at = self.loc(m.receiver.span());
                self.flow(SinkKind::Serialize, &sink, at, recv);
            }
            self.args_flow(SinkKind::Serialize, &sink, m.args.iter(), args);
        }
        if MUTATORS.contains(&name) {
            let mut stored = Taint::default();
            for t in args {
                stored.join(&t.whole());
            }
            // String building; `push` only with a literal `char` (`Vec::push` is not).
            let char_push = name == "push"
                && matches!(
                    m.args.first(),
                    Some(Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Char(_),
                        ..
                    }))
                );
            if (matches!(name, "push_str" | "write_str") || char_push)
                && let Some((root, fields, _)) = place_root(&m.receiver)
                && fields.is_empty()
            {
                let text = self.local_text(&root);
                let value = m.args.iter().last();
                if let Some(v) = value {
                    if stored.is_tainted() && text.in_url() {
                        let at = self.loc(v.span());
                        self.flow(SinkKind::Url, &format!("`{name}`"), at, &stored);
                    }
                    let piece = self.text_of(v);
                    self.set_text(&root, text.then(&piece));
                }
            }
            if stored.is_tainted() {
                self.assign_place(&m.receiver, &stored, false);
            }
        }
    }
}

/// A receiver chain that starts at `Serializer::new(..)` (`url::form_urlencoded`'s), which
/// encodes a request body unless it is handed a URL's query.
fn builds_form_body(mut e: &Expr) -> bool {
    loop {
        match strip_parens(e) {
            Expr::MethodCall(m) => e = &m.receiver,
            Expr::Call(c) => {
                return matches!(strip_parens(&c.func), Expr::Path(p)
                    if p.path.segments.len() >= 2
                        && p.path.segments.iter().rev().nth(1).is_some_and(|s| s.ident == "Serializer")
                        && p.path.segments.last().is_some_and(|s| s.ident == "new"));
            }
            _ => return false,
        }
    }
}
