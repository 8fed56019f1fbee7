//! Propagation: what operators, struct literals, calls and method calls carry of the taint of
//! their inputs, and the calls where a secret value starts (a read of a secret's environment
//! variable, an exposing method). Only known carriers propagate, on purpose: the result of an
//! unknown call is not the secret. Also the fixed text a string expression ends with, which
//! tells whether the next piece lands in a URL.

use std::collections::BTreeMap;

use syn::Expr;
use syn::spanned::Spanned;

use super::syntax::*;
use super::value::{Taint, Text};
use super::walk::Walker;
use super::{SinkKind, TaintSource, is_secret_type, may_be_secret};
use crate::analysis::matchers;
use crate::finding::Location;
use crate::input::source::ByteSpan;

impl Walker<'_> {
    pub(super) fn eval_binary(&mut self, b: &syn::ExprBinary) -> Taint {
        match b.op {
            syn::BinOp::Add(_) => {
                let left = self.eval(&b.left);
                let right = self.eval(&b.right);
                if right.is_tainted() && self.text_of(&b.left).in_url() {
                    let at = self.loc(b.right.span());
                    self.flow(SinkKind::Url, "`+`", at, &right);
                }
                left.whole().joined(&right.whole())
            }
            syn::BinOp::AddAssign(_) => {
                let right = self.eval(&b.right);
                if let Some((root, fields, _)) = place_root(&b.left)
                    && fields.is_empty()
                {
                    let text = self.local_text(&root);
                    if right.is_tainted() && text.in_url() {
                        let at = self.loc(b.right.span());
                        self.flow(SinkKind::Url, "`+=`", at, &right);
                    }
                    let piece = self.text_of(&b.right);
                    self.set_text(&root, text.then(&piece));
                }
                if right.is_tainted() {
                    self.assign_place(&b.left, &right.whole(), false);
                }
                Taint::default()
            }
            _ => {
                self.eval(&b.left);
                self.eval(&b.right);
                Taint::default()
            }
        }
    }

    pub(super) fn eval_struct(&mut self, s: &syn::ExprStruct) -> Taint {
        let mut fields = BTreeMap::new();
        for f in &s.fields {
            let t = self.eval(&f.expr);
            fields.insert(member_key(&f.member), t);
        }
        let mut rest = Vec::new();
        if let Some(base) = &s.rest {
            let b = self.eval(base);
            match &b.parts {
                Some(p) => {
                    for (k, v) in &p.fields {
                        fields.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                    rest = p.rest.clone();
                }
                None => rest = b.srcs.clone(),
            }
        }
        let name = s
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if is_secret_type(&name, self.secret_types()) {
            return Taint::default();
        }
        Taint::aggregate(fields, rest)
    }

    /// The source an environment read at `whole` (or, for reads found in unparsed macro
    /// bodies, at its first argument) stands for; empty taint for a read of a non-secret.
    pub(super) fn env_source(&self, whole: Location, first: Option<Location>) -> Option<Taint> {
        let read = self
            .reads
            .get(&whole.span)
            .or_else(|| first.and_then(|f| self.reads.get(&f.span)))?;
        if read.iterates_all || !may_be_secret(self.settings, &read.name.expr) {
            return Some(Taint::default());
        }
        Some(Taint::source(
            TaintSource::EnvRead {
                reader: read.reader.clone(),
                name: read.name.clone(),
            },
            read.call,
        ))
    }

    pub(super) fn eval_call(&mut self, c: &syn::ExprCall) -> Taint {
        // `Spanned::span` prints the whole call: nested calls `f(f(..))` would cost the
        // square of their depth. The callee and the closing parenthesis give the same span,
        // and an argument's span is wanted only when a read lies inside the call.
        let whole = self.loc(match c.func.span().join(c.paren_token.span.close()) {
            Some(span) if c.attrs.is_empty() => span,
            _ => c.span(),
        });
        let inside = |r: &ByteSpan| r.start > whole.span.start && r.end <= whole.span.end;
        let first = match c.args.first() {
            Some(a) if self.reads.keys().any(inside) => Some(self.loc(a.span())),
            _ => None,
        };
        if let Some(t) = self.env_source(whole, first) {
            for a in &c.args {
                self.eval(a);
            }
            return t;
        }
        let Expr::Path(p) = strip_parens(&c.func) else {
            self.eval(&c.func);
            for a in &c.args {
                self.eval(a);
            }
            return Taint::default();
        };
        // A let-bound closure.
        if let Some(ident) = p.path.get_ident().filter(|_| p.qself.is_none()) {
            let closure = self
                .lookup(&ident.to_string())
                .and_then(|l| l.taint.closure.clone());
            if let Some(closure) = closure {
                let args: Vec<Taint> = c.args.iter().map(|a| self.eval(a)).collect();
                return self.call_closure(&closure, &args);
            }
        }
        let args: Vec<Taint> = c.args.iter().map(|a| self.eval(a)).collect();
        let written = path_segments(&p.path);
        let candidates = self.candidates(&p.path);
        self.function_sinks(&written, &candidates, c, &args);
        let Some(last) = written.last() else {
            return Taint::default();
        };
        if last.starts_with(|ch: char| ch.is_ascii_uppercase()) {
            // `Some(k)`, `Ok(k)`, `Creds(k)`, `Provider::OpenAi(k)`: holds its arguments.
            if is_secret_type(last, self.secret_types()) || last == "Secret" {
                return Taint::default();
            }
            let fields = args
                .iter()
                .enumerate()
                .filter(|(_, t)| t.is_tainted())
                .map(|(i, t)| (i.to_string(), t.clone()))
                .collect();
            return Taint::aggregate(fields, Vec::new());
        }
        let tail = written[written.len().saturating_sub(2)..].join("::");
        if TRANSPARENT_FNS.contains(&tail.as_str()) {
            return args.first().map(Taint::whole).unwrap_or_default();
        }
        resolved_id(last, c.args.first()).map_or_else(Taint::default, |id| Taint::resolved(&id))
    }

    pub(super) fn eval_method(&mut self, m: &syn::ExprMethodCall) -> Taint {
        let name = m.method.to_string();
        let recv = self.eval(&m.receiver);
        let adapter = PARAM_ADAPTERS.contains(&name.as_str());
        let element = recv.unwrapped();
        let n = m.args.len();
        let mut args = Vec::with_capacity(n);
        // What closure (or function) arguments return.
        let mut rets = Taint::default();
        for (i, a) in m.args.iter().enumerate() {
            let gets_element = adapter && i + 1 == n;
            match strip_parens(a) {
                Expr::Closure(c) => {
                    let params = if gets_element {
                        vec![element.clone()]
                    } else {
                        Vec::new()
                    };
                    rets.join(&self.run_closure(c, &params));
                    args.push(Taint::default());
                }
                Expr::Path(p) => {
                    // Point-free: `names.iter().map(std::env::var)`, `.map(String::from)`, `.map(f)`.
                    let at = self.loc(p.span());
                    if let Some(t) = self.env_source(at, None) {
                        rets.join(&t);
                    } else if gets_element {
                        let closure = p
                            .path
                            .get_ident()
                            .and_then(|i| self.lookup(&i.to_string()))
                            .and_then(|l| l.taint.closure.clone());
                        let last = p
                            .path
                            .segments
                            .last()
                            .map(|s| s.ident.to_string())
                            .unwrap_or_default();
                        if let Some(closure) = closure {
                            let r = self.call_closure(&closure, std::slice::from_ref(&element));
                            rets.join(&r);
                        } else if KEEP_METHODS.contains(&last.as_str())
                            || CONVERT_METHODS.contains(&last.as_str())
                            || last == "from"
                        {
                            rets.join(&element.whole());
                        }
                    }
                    args.push(self.eval(a));
                }
                _ => args.push(self.eval(a)),
            }
        }
        if self.settings.taint.expose_methods.contains(&name) {
            if self.in_test > 0 {
                // A test's secret is a fixture unless it came from the environment.
                return recv.whole();
            }
            let start = self.loc(m.method.span()).span.start;
            let end = self.loc(m.span()).span.end.max(start);
            let at = Location::of(self.source, ByteSpan { start, end });
            let id = recv.resolved.as_deref().map(str::to_owned);
            return Taint::source(TaintSource::Expose { method: name, id }, at);
        }
        self.method_sinks(m, &name, &recv, &args, &rets);
        self.method_result(m, &name, &recv, &args, &rets)
    }

    fn method_result(
        &mut self,
        m: &syn::ExprMethodCall,
        name: &str,
        recv: &Taint,
        args: &[Taint],
        rets: &Taint,
    ) -> Taint {
        let mut all_args = Taint::default();
        for t in args {
            all_args.join(&t.whole());
        }
        match name {
            n if KEEP_METHODS.contains(&n) => recv.clone(),
            "get" => match m.args.first() {
                Some(i) if is_range(i) => Taint::default(),
                _ => recv.whole(),
            },
            // With a count, an iterator's prefix or suffix: shown on purpose, like `&k[..4]`.
            "take" | "skip" if !m.args.is_empty() => Taint::default(),
            "take" => recv.clone(),
            n if CONVERT_METHODS.contains(&n) => recv.whole(),
            n if UNWRAP_METHODS.contains(&n) => {
                let mut t = recv.unwrapped();
                if matches!(n, "unwrap_or" | "unwrap_or_else") {
                    t.join(&all_args);
                    t.join(&rets.whole());
                }
                t
            }
            n if UNION_METHODS.contains(&n) => recv.whole().joined(&all_args).joined(&rets.whole()),
            n if CLOSURE_METHODS.contains(&n) => {
                let mut t = rets.whole();
                if matches!(n, "map_or" | "fold") {
                    t.join(&all_args);
                }
                t
            }
            "then_some" => all_args,
            _ => resolved_id(name, m.args.first())
                .map_or_else(Taint::default, |id| Taint::resolved(&id)),
        }
    }

    /// The fixed end of the string `e` builds, as far as it is written in the code.
    pub(super) fn text_of(&self, e: &Expr) -> Text {
        let Some(_level) = self.reading_text.enter() else {
            return Text::unknown();
        };
        match e {
            Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(s) => Text::literal(&s.value()),
                syn::Lit::Char(c) => Text::literal(&c.value().to_string()),
                _ => Text::unknown(),
            },
            Expr::Path(p) => match p.path.get_ident() {
                Some(i) => self.local_text(&i.to_string()),
                None => Text::unknown(),
            },
            Expr::Paren(p) => self.text_of(&p.expr),
            Expr::Group(g) => self.text_of(&g.expr),
            Expr::Reference(r) => self.text_of(&r.expr),
            Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "to_string" | "to_owned" | "into" | "clone" | "as_str" | "as_ref" | "borrow"
                ) =>
            {
                self.text_of(&m.receiver)
            }
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => {
                    let segs = path_segments(&p.path);
                    let tail = segs[segs.len().saturating_sub(2)..].join("::");
                    match tail.as_str() {
                        "String::new" | "String::with_capacity" | "String::default" => {
                            Text::empty()
                        }
                        "String::from" => c
                            .args
                            .first()
                            .map_or_else(Text::unknown, |a| self.text_of(a)),
                        _ => Text::unknown(),
                    }
                }
                _ => Text::unknown(),
            },
            Expr::Macro(m)
                if m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "format") =>
            {
                let Some(template) = matchers::macro_exprs(&m.mac.tokens)
                    .and_then(|a| a.into_iter().next())
                    .and_then(|e| str_lit(&e).map(syn::LitStr::value))
                else {
                    return Text::unknown();
                };
                let (placeholders, trailing) = parse_template(&template);
                let mut t = Text::empty();
                for ph in &placeholders {
                    t = t.then(&Text::literal(&ph.before)).then(&Text::unknown());
                }
                t.then(&Text::literal(&trailing))
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
                self.text_of(&b.left).then(&self.text_of(&b.right))
            }
            _ => Text::unknown(),
        }
    }
}

/// The inventory id a Clavis resolve call names: `resolve(SecretId::ModelName)`,
/// `resolver.resolve_optional(Id::ModelName)`, `resolve_id("ModelName")`.
fn resolved_id(function: &str, first: Option<&Expr>) -> Option<String> {
    if !RESOLVE_FNS.contains(&function) {
        return None;
    }
    match strip_parens(first?) {
        Expr::Path(p) if p.path.segments.len() >= 2 => {
            p.path.segments.last().map(|s| s.ident.to_string())
        }
        e => str_lit(e).map(|s| s.value()),
    }
}
