//! Macro calls, which syn leaves as tokens: printing, logging, panics, assertions,
//! `format!`/`write!`, `dbg!`, `json!` and configured macro sinks. Format strings are parsed so
//! each value is reported at its own placeholder and known to land in a URL or not; a macro not
//! known here is still walked for the sinks inside, its value unknown.

use std::collections::HashMap;

use syn::Expr;
use syn::spanned::Spanned;

use super::SinkKind;
use super::syntax::*;
use super::value::{Taint, Text};
use super::walk::Walker;
use crate::analysis::{macro_budget, matchers};
use crate::finding::Location;

/// One value a format string uses.
struct Piece {
    taint: Taint,
    location: Location,
    in_url: bool,
}

impl Walker<'_> {
    pub(super) fn eval_macro(&mut self, mac: &syn::Macro) -> Taint {
        if !macro_budget::allow(&mac.tokens) {
            return Taint::default();
        }
        let whole = self.loc(mac.span());
        let first_token = mac
            .tokens
            .clone()
            .into_iter()
            .next()
            .map(|t| self.loc(t.span()));
        if let Some(t) = self.env_source(whole, first_token) {
            return t;
        }
        let Some((name, written)) = self.macro_name(&mac.path) else {
            return Taint::default();
        };
        if name == "macro_rules" {
            return Taint::default();
        }
        let configured =
            |specs: &[SinkSpec]| specs.iter().any(|s| *s == SinkSpec::Macro(name.clone()));
        if configured(&self.log_sinks) {
            self.all_args_sink(mac, SinkKind::Log, &written);
            return Taint::default();
        }
        if configured(&self.serializers) {
            self.all_args_sink(mac, SinkKind::Serialize, &written);
            return Taint::default();
        }
        let n = name.as_str();
        if PRINT_MACROS.contains(&n) || ERROR_MACROS.contains(&n) {
            self.format_sink(mac, 0, &written);
        } else if ASSERT_MACROS.contains(&n) {
            self.format_sink(mac, 1, &written);
        } else if ASSERT_CMP_MACROS.contains(&n) {
            self.format_sink(mac, 2, &written);
        } else if LOG_MACROS.contains(&n) {
            self.log_macro(mac, &written);
        } else {
            return match n {
                "write" | "writeln" => self.eval_write(mac, &written, n == "writeln"),
                "format" | "format_args" => self.eval_format(mac, &written),
                "dbg" => {
                    let mut out = Taint::default();
                    let mut values = Vec::new();
                    for e in macro_args(mac) {
                        let t = self.eval(&e);
                        out.join(&t);
                        values.push((self.loc(e.span()), t));
                    }
                    self.call_flows(SinkKind::Log, &written, values);
                    out
                }
                "json" => {
                    let mut values = Vec::new();
                    json_values(&mac.tokens, &mut values);
                    let mut out = Taint::default();
                    let mut located = Vec::new();
                    for v in &values {
                        let t = self.eval(v);
                        out.join(&t.whole());
                        located.push((self.loc(v.span()), t));
                    }
                    self.call_flows(SinkKind::Serialize, &written, located);
                    out
                }
                "vec" => {
                    let mut out = Taint::default();
                    for e in macro_args(mac) {
                        out.join(&self.eval(&e).whole());
                    }
                    out
                }
                "matches" | "assert_matches" => {
                    if let Some(first) = split_top(&mac.tokens, ',').into_iter().next()
                        && let Ok(e) = syn::parse2::<Expr>(first.into_iter().collect())
                    {
                        self.eval(&e);
                    }
                    Taint::default()
                }
                "concat" | "stringify" | "include_str" | "include_bytes" | "line" | "column"
                | "file" | "module_path" | "cfg" | "env" | "option_env" => Taint::default(),
                _ => {
                    self.unknown_macro(mac);
                    Taint::default()
                }
            };
        }
        Taint::default()
    }

    /// The name a macro is known by (the last segment, or what a `use` renamed it from:
    /// `use log::warn as log_warn;`) and how messages name it.
    fn macro_name(&self, path: &syn::Path) -> Option<(String, String)> {
        let written = path.segments.last()?.ident.to_string();
        let display = format!("`{}!`", path_segments(path).join("::"));
        let known = |n: &str| {
            [
                PRINT_MACROS,
                ERROR_MACROS,
                ASSERT_MACROS,
                ASSERT_CMP_MACROS,
                LOG_MACROS,
            ]
            .iter()
            .any(|list| list.contains(&n))
                || matches!(
                    n,
                    "write" | "writeln" | "format" | "format_args" | "dbg" | "json" | "vec"
                )
        };
        if known(&written) {
            return Some((written, display));
        }
        let renamed = self.candidates(path).into_iter().find_map(|c| {
            let last = c.rsplit("::").next().filter(|n| known(n))?.to_owned();
            Some((last, format!("`{c}!`")))
        });
        Some(renamed.unwrap_or((written, display)))
    }

    /// A macro this analysis does not know: walked for the sinks inside, its value unknown.
    fn unknown_macro(&mut self, mac: &syn::Macro) {
        if let Some(args) = matchers::macro_exprs(&mac.tokens) {
            for e in &args {
                self.eval(e);
            }
            return;
        }
        if let Ok(stmts) = syn::parse::Parser::parse2(syn::Block::parse_within, mac.tokens.clone())
        {
            self.push(false);
            self.eval_stmts(&stmts);
            self.pop();
            return;
        }
        for chunk in matchers::split_chunks(&mac.tokens) {
            if let Ok(e) = syn::parse2::<Expr>(chunk) {
                self.eval(&e);
            }
        }
    }

    /// A configured macro sink: every tainted argument.
    fn all_args_sink(&mut self, mac: &syn::Macro, kind: SinkKind, sink: &str) {
        let chunks = log_chunks(&mac.tokens);
        let exprs: Vec<&Expr> = chunks.iter().map(|c| &c.expr).collect();
        let args = FmtArgs::new(&exprs);
        let (pieces, _) = self.format_pieces(&args, Text::unknown());
        self.call_flows(kind, sink, located(pieces));
    }

    /// A format-style sink whose message starts after `skip` arguments (the condition of
    /// `assert!`; the compared values of `assert_eq!`, which are printed too).
    fn format_sink(&mut self, mac: &syn::Macro, skip: usize, sink: &str) {
        let exprs = macro_args(mac);
        let mut values = Vec::new();
        for e in exprs.iter().take(skip) {
            let t = self.eval(e);
            if skip == 2 {
                values.push((self.loc(e.span()), t));
            }
        }
        let rest: Vec<&Expr> = exprs.iter().skip(skip).collect();
        let args = FmtArgs::new(&rest);
        let (pieces, _) = self.format_pieces(&args, Text::unknown());
        values.extend(located(pieces));
        self.call_flows(SinkKind::Log, sink, values);
    }

    /// `tracing`/`log` macros: fields and message arguments are all written to the log.
    fn log_macro(&mut self, mac: &syn::Macro, sink: &str) {
        let chunks = log_chunks(&mac.tokens);
        let template = chunks
            .iter()
            .position(|c| !c.field && c.name.is_none() && str_lit(&c.expr).is_some());
        let (fields, message) = match template {
            Some(t) => chunks.split_at(t),
            None => (chunks.as_slice(), &[][..]),
        };
        let mut values = Vec::new();
        for c in fields {
            let t = self.eval(&c.expr);
            values.push((self.loc(c.expr.span()), t));
        }
        if message.is_empty() {
            self.call_flows(SinkKind::Log, sink, values);
            return;
        }
        let mut args = FmtArgs {
            template: message.first().and_then(|c| str_lit(&c.expr)),
            ..FmtArgs::default()
        };
        for c in message.iter().skip(1) {
            match &c.name {
                Some(n) => args.named.push((n.clone(), &c.expr)),
                None => args.positional.push(&c.expr),
            }
        }
        let (pieces, _) = self.format_pieces(&args, Text::unknown());
        values.extend(located(pieces));
        self.call_flows(SinkKind::Log, sink, values);
    }

    /// `format!`: its value carries every argument; a secret placed in a URL is a flow.
    fn eval_format(&mut self, mac: &syn::Macro, sink: &str) -> Taint {
        let exprs = macro_args(mac);
        let refs: Vec<&Expr> = exprs.iter().collect();
        let args = FmtArgs::new(&refs);
        let (pieces, _) = self.format_pieces(&args, Text::empty());
        let mut out = Taint::default();
        for p in &pieces {
            out.join(&p.taint.whole());
        }
        self.call_flows(SinkKind::Url, sink, url_pieces(pieces));
        out
    }

    /// `write!`: into a `String` it builds a string (maybe a URL); into anything else (a
    /// `Formatter`, stdout, a file) it writes the value out.
    fn eval_write(&mut self, mac: &syn::Macro, sink: &str, newline: bool) -> Taint {
        let exprs = macro_args(mac);
        let Some((dest, rest)) = exprs.split_first() else {
            return Taint::default();
        };
        self.eval(dest);
        let buffer = place_root(dest)
            .filter(|(_, fields, _)| fields.is_empty())
            .and_then(|(root, _, _)| {
                self.lookup(&root)
                    .filter(|l| l.buffer)
                    .map(|l| (root, l.text.clone()))
            });
        let refs: Vec<&Expr> = rest.iter().collect();
        let args = FmtArgs::new(&refs);
        match buffer {
            Some((root, text)) => {
                let (pieces, end) = self.format_pieces(&args, text);
                let mut stored = Taint::default();
                for p in &pieces {
                    stored.join(&p.taint.whole());
                }
                self.call_flows(SinkKind::Url, sink, url_pieces(pieces));
                let end = if newline {
                    end.then(&Text::literal("\n"))
                } else {
                    end
                };
                self.set_text(&root, end);
                if stored.is_tainted() {
                    self.assign_place(dest, &stored, false);
                }
            }
            None => {
                let (pieces, _) = self.format_pieces(&args, Text::unknown());
                self.call_flows(SinkKind::Log, sink, located(pieces));
            }
        }
        Taint::default()
    }

    /// The values a format string uses, each with whether it lands in a URL, and the text at
    /// the end. `start`: the text the formatted string is appended to.
    fn format_pieces(&mut self, args: &FmtArgs<'_>, start: Text) -> (Vec<Piece>, Text) {
        let positional: Vec<(Taint, Location)> = args
            .positional
            .iter()
            .map(|e| (self.eval(e), self.loc(e.span())))
            .collect();
        let named: Vec<(String, Taint, Location)> = args
            .named
            .iter()
            .map(|(n, e)| (n.clone(), self.eval(e), self.loc(e.span())))
            .collect();
        let mut used_pos = vec![false; positional.len()];
        let mut used_named = vec![false; named.len()];
        let mut pieces = Vec::new();
        let mut text = start;
        match args.template {
            Some(lit) => {
                let lit_loc = self.loc(lit.span());
                let (placeholders, trailing) = parse_template(&lit.value());
                let mut next = 0;
                let mut captures: HashMap<String, usize> = HashMap::new();
                let positional_piece = |i: usize, used: &mut Vec<bool>| match positional.get(i) {
                    Some((t, l)) => {
                        if let Some(u) = used.get_mut(i) {
                            *u = true;
                        }
                        (t.clone(), *l)
                    }
                    None => (Taint::default(), lit_loc),
                };
                for ph in &placeholders {
                    text = text.then(&Text::literal(&ph.before));
                    if ph.star {
                        positional_piece(next, &mut used_pos);
                        next += 1;
                    }
                    let (taint, location) = match &ph.arg {
                        ArgRef::Next => {
                            next += 1;
                            positional_piece(next - 1, &mut used_pos)
                        }
                        ArgRef::Index(i) => positional_piece(*i, &mut used_pos),
                        ArgRef::Name(name) => match named.iter().position(|(n, ..)| n == name) {
                            Some(j) => {
                                used_named[j] = true;
                                (named[j].1.clone(), named[j].2)
                            }
                            None => {
                                let nth = captures.entry(name.clone()).or_insert(0);
                                let at = placeholder_location(self.source, lit_loc, name, *nth);
                                *nth += 1;
                                let t = self
                                    .lookup(name)
                                    .map(|l| l.taint.clone())
                                    .unwrap_or_default();
                                (t, at)
                            }
                        },
                    };
                    pieces.push(Piece {
                        in_url: text.in_url(),
                        taint,
                        location,
                    });
                    text = text.then(&Text::unknown());
                }
                text = text.then(&Text::literal(&trailing));
            }
            None => text = text.then(&Text::unknown()),
        }
        for (i, (t, l)) in positional.iter().enumerate() {
            if !used_pos[i] {
                pieces.push(Piece {
                    taint: t.clone(),
                    location: *l,
                    in_url: false,
                });
            }
        }
        for (j, (_, t, l)) in named.iter().enumerate() {
            if !used_named[j] {
                pieces.push(Piece {
                    taint: t.clone(),
                    location: *l,
                    in_url: false,
                });
            }
        }
        (pieces, text)
    }
}

fn located(pieces: Vec<Piece>) -> Vec<(Location, Taint)> {
    pieces.into_iter().map(|p| (p.location, p.taint)).collect()
}

/// The pieces of a format string that land in a URL.
fn url_pieces(pieces: Vec<Piece>) -> Vec<(Location, Taint)> {
    pieces
        .into_iter()
        .filter(|p| p.in_url)
        .map(|p| (p.location, p.taint))
        .collect()
}
