//! A small `macro_rules!` expander, so the facts walk can see what an invocation of a macro
//! defined in the same file produces: `config_get_fn!(api_key, get_api_key)` expanding to a
//! read of `format!("{}_{}", prefix, stringify!(api_key))`.
//!
//! It matches an invocation against each rule in order (literal tokens, `$name:fragment`,
//! `$( .. ) sep op` repetitions, fragments parsed with syn) and transcribes the first rule
//! that matches, substituting `$name`, repeating `$( .. )` and turning `$crate` into `crate`.
//! Matching is greedy without backtracking inside a rule, as rustc's is for the macros real
//! code writes. Anything it does not understand makes the rule not match; a macro no rule of
//! which matches is simply not expanded.

use std::collections::HashMap;

use proc_macro2::{Delimiter, Group, Ident, Spacing, Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};

/// Expansions larger than this are abandoned (a recursive macro gone wild).
const MAX_TOKENS: usize = 50_000;

/// A parsed `macro_rules!` definition.
#[derive(Debug)]
pub struct MacroDef {
    rules: Vec<MacroRule>,
}

#[derive(Debug)]
struct MacroRule {
    matcher: Vec<Matcher>,
    body: TokenStream,
}

#[derive(Debug)]
enum Matcher {
    Token(TokenTree),
    Group(Delimiter, Vec<Matcher>),
    Var(String, String),
    Repeat {
        inner: Vec<Matcher>,
        sep: Option<TokenTree>,
        op: char,
    },
}

/// What a metavariable matched: one fragment, or one per repetition.
#[derive(Clone, Debug)]
enum Frag {
    One(TokenStream),
    Many(Vec<Frag>),
}

type Bindings = HashMap<String, Frag>;

impl MacroDef {
    /// Parses the body of `macro_rules! name { .. }`.
    pub fn parse(tokens: &TokenStream) -> Option<MacroDef> {
        let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let mut rules = Vec::new();
        let mut i = 0;
        while i < tts.len() {
            let TokenTree::Group(m) = &tts[i] else {
                return None;
            };
            match (tts.get(i + 1), tts.get(i + 2)) {
                (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                    if a.as_char() == '=' && b.as_char() == '>' => {}
                _ => return None,
            }
            let Some(TokenTree::Group(body)) = tts.get(i + 3) else {
                return None;
            };
            let matcher = parse_matcher(&m.stream().into_iter().collect::<Vec<_>>())?;
            rules.push(MacroRule {
                matcher,
                body: body.stream(),
            });
            i += 4;
            if matches!(tts.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
                i += 1;
            }
        }
        Some(MacroDef { rules })
    }

    /// The expansion of an invocation with `input` between its delimiters.
    pub fn expand(&self, input: &TokenStream) -> Option<TokenStream> {
        let input: Vec<TokenTree> = input.clone().into_iter().collect();
        for rule in &self.rules {
            let mut bindings = Bindings::new();
            if match_all(&rule.matcher, &input, &mut bindings) {
                let mut out = Vec::new();
                let mut budget = MAX_TOKENS;
                transcribe(
                    &rule.body,
                    &bindings,
                    &mut Vec::new(),
                    &mut out,
                    &mut budget,
                )?;
                return Some(out.into_iter().collect());
            }
        }
        None
    }
}

fn is_dollar(t: &TokenTree) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == '$')
}

fn parse_matcher(tts: &[TokenTree]) -> Option<Vec<Matcher>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tts.len() {
        match (&tts[i], tts.get(i + 1)) {
            (d, Some(TokenTree::Ident(name))) if is_dollar(d) => {
                if name == "crate" {
                    out.push(Matcher::Token(tts[i + 1].clone()));
                    i += 2;
                    continue;
                }
                let colon =
                    matches!(tts.get(i + 2), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                let Some(TokenTree::Ident(frag)) = tts.get(i + 3).filter(|_| colon) else {
                    return None;
                };
                out.push(Matcher::Var(name.to_string(), frag.to_string()));
                i += 4;
            }
            (d, Some(TokenTree::Group(g)))
                if is_dollar(d) && g.delimiter() == Delimiter::Parenthesis =>
            {
                let inner = parse_matcher(&g.stream().into_iter().collect::<Vec<_>>())?;
                let (sep, op, used) = repetition_tail(tts, i + 2)?;
                out.push(Matcher::Repeat { inner, sep, op });
                i += 2 + used;
            }
            (TokenTree::Group(g), _) => {
                let inner = parse_matcher(&g.stream().into_iter().collect::<Vec<_>>())?;
                out.push(Matcher::Group(g.delimiter(), inner));
                i += 1;
            }
            (t, _) => {
                out.push(Matcher::Token(t.clone()));
                i += 1;
            }
        }
    }
    Some(out)
}

/// The separator and operator after `$( .. )`: `*`, `,*`, `;+`, `?`.
fn repetition_tail(tts: &[TokenTree], at: usize) -> Option<(Option<TokenTree>, char, usize)> {
    let op = |t: Option<&TokenTree>| match t {
        Some(TokenTree::Punct(p)) if matches!(p.as_char(), '*' | '+' | '?') => Some(p.as_char()),
        _ => None,
    };
    if let Some(o) = op(tts.get(at)) {
        return Some((None, o, 1));
    }
    let sep = tts.get(at)?.clone();
    let o = op(tts.get(at + 1))?;
    Some((Some(sep), o, 2))
}

fn same_token(a: &TokenTree, b: &TokenTree) -> bool {
    match (a, b) {
        (TokenTree::Ident(x), TokenTree::Ident(y)) => x == y,
        (TokenTree::Punct(x), TokenTree::Punct(y)) => x.as_char() == y.as_char(),
        (TokenTree::Literal(x), TokenTree::Literal(y)) => x.to_string() == y.to_string(),
        _ => false,
    }
}

/// Matches the whole of `input`.
fn match_all(ms: &[Matcher], input: &[TokenTree], b: &mut Bindings) -> bool {
    match_prefix(ms, input, b) == Some(input.len())
}

/// Matches a prefix of `input`; returns how many token trees it took.
fn match_prefix(ms: &[Matcher], input: &[TokenTree], b: &mut Bindings) -> Option<usize> {
    let mut pos = 0;
    for m in ms {
        match m {
            Matcher::Token(t) => {
                if !same_token(t, input.get(pos)?) {
                    return None;
                }
                pos += 1;
            }
            Matcher::Group(delim, inner) => {
                let TokenTree::Group(g) = input.get(pos)? else {
                    return None;
                };
                if g.delimiter() != *delim {
                    return None;
                }
                let tts: Vec<TokenTree> = g.stream().into_iter().collect();
                if !match_all(inner, &tts, b) {
                    return None;
                }
                pos += 1;
            }
            Matcher::Var(name, frag) => {
                let n = fragment(frag, &input[pos..])?;
                let tokens: TokenStream = input[pos..pos + n].iter().cloned().collect();
                let tokens = if frag == "expr" && n > 1 {
                    TokenStream::from(TokenTree::Group(Group::new(Delimiter::None, tokens)))
                } else {
                    tokens
                };
                b.insert(name.clone(), Frag::One(tokens));
                pos += n;
            }
            Matcher::Repeat { inner, sep, op } => {
                let mut iterations: Vec<Bindings> = Vec::new();
                loop {
                    if *op == '?' && !iterations.is_empty() {
                        break;
                    }
                    let mut at = pos;
                    if let (Some(s), false) = (sep, iterations.is_empty()) {
                        match input.get(at) {
                            Some(t) if same_token(s, t) => at += 1,
                            _ => break,
                        }
                    }
                    let mut ib = Bindings::new();
                    match match_prefix(inner, &input[at..], &mut ib) {
                        Some(n) if n > 0 => {
                            iterations.push(ib);
                            pos = at + n;
                        }
                        _ => break,
                    }
                }
                if *op == '+' && iterations.is_empty() {
                    return None;
                }
                let mut names = Vec::new();
                var_names(inner, &mut names);
                for name in names {
                    let seq = iterations
                        .iter()
                        .filter_map(|ib| ib.get(&name).cloned())
                        .collect();
                    b.insert(name, Frag::Many(seq));
                }
            }
        }
    }
    Some(pos)
}

fn var_names(ms: &[Matcher], out: &mut Vec<String>) {
    for m in ms {
        match m {
            Matcher::Var(n, _) => out.push(n.clone()),
            Matcher::Group(_, inner) | Matcher::Repeat { inner, .. } => var_names(inner, out),
            Matcher::Token(_) => {}
        }
    }
}

/// How many token trees at the start of `input` make one fragment of kind `frag`.
fn fragment(frag: &str, input: &[TokenTree]) -> Option<usize> {
    match frag {
        "tt" => input.first().map(|_| 1),
        "ident" => matches!(input.first()?, TokenTree::Ident(i) if i != "_").then_some(1),
        "literal" => match input.first()? {
            TokenTree::Literal(_) => Some(1),
            TokenTree::Ident(i) if i == "true" || i == "false" => Some(1),
            TokenTree::Punct(p) if p.as_char() == '-' => {
                matches!(input.get(1)?, TokenTree::Literal(_)).then_some(2)
            }
            _ => None,
        },
        "lifetime" => match (input.first()?, input.get(1)?) {
            (TokenTree::Punct(p), TokenTree::Ident(_))
                if p.as_char() == '\'' && p.spacing() == Spacing::Joint =>
            {
                Some(2)
            }
            _ => None,
        },
        "expr" => syn_prefix(input, |s| s.parse::<syn::Expr>().map(drop)),
        "ty" => syn_prefix(input, |s| s.parse::<syn::Type>().map(drop)),
        "path" => syn_prefix(input, |s| s.parse::<syn::Path>().map(drop)),
        "pat" | "pat_param" => syn_prefix(input, |s| syn::Pat::parse_single(s).map(drop)),
        "stmt" => syn_prefix(input, |s| s.parse::<syn::Stmt>().map(drop)),
        "block" => syn_prefix(input, |s| s.parse::<syn::Block>().map(drop)),
        "item" => syn_prefix(input, |s| s.parse::<syn::Item>().map(drop)),
        "vis" => syn_prefix(input, |s| s.parse::<syn::Visibility>().map(drop)),
        "meta" => syn_prefix(input, |s| s.parse::<syn::Meta>().map(drop)),
        _ => None,
    }
}

/// How many token trees a syn parser takes from the start of `input`.
fn syn_prefix(
    input: &[TokenTree],
    parse: impl FnOnce(ParseStream<'_>) -> syn::Result<()>,
) -> Option<usize> {
    let stream: TokenStream = input.iter().cloned().collect();
    let rest = (|s: ParseStream<'_>| {
        parse(s)?;
        s.parse::<TokenStream>()
    })
    .parse2(stream)
    .ok()?;
    Some(input.len() - rest.into_iter().count())
}

/// Writes the transcription of `body` to `out`; `None` when a metavariable cannot be
/// substituted or the expansion grows too large.
fn transcribe(
    body: &TokenStream,
    b: &Bindings,
    at: &mut Vec<usize>,
    out: &mut Vec<TokenTree>,
    budget: &mut usize,
) -> Option<()> {
    let tts: Vec<TokenTree> = body.clone().into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        *budget = budget.checked_sub(1)?;
        match (&tts[i], tts.get(i + 1)) {
            (d, Some(TokenTree::Ident(name))) if is_dollar(d) => {
                if name == "crate" {
                    out.push(TokenTree::Ident(Ident::new("crate", name.span())));
                } else {
                    match lookup(b, &name.to_string(), at)? {
                        Frag::One(tokens) => out.extend(tokens.clone()),
                        Frag::Many(_) => return None,
                    }
                }
                i += 2;
            }
            (d, Some(TokenTree::Group(g)))
                if is_dollar(d) && g.delimiter() == Delimiter::Parenthesis =>
            {
                let (sep, _, used) = repetition_tail(&tts, i + 2)?;
                let count = repeat_count(&g.stream(), b, at)?;
                for k in 0..count {
                    if k > 0
                        && let Some(s) = &sep
                    {
                        out.push(s.clone());
                    }
                    at.push(k);
                    transcribe(&g.stream(), b, at, out, budget)?;
                    at.pop();
                }
                i += 2 + used;
            }
            (TokenTree::Group(g), _) => {
                let mut inner = Vec::new();
                transcribe(&g.stream(), b, at, &mut inner, budget)?;
                let mut ng = Group::new(g.delimiter(), inner.into_iter().collect());
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
                i += 1;
            }
            (t, _) => {
                out.push(t.clone());
                i += 1;
            }
        }
    }
    Some(())
}

/// A metavariable at the current repetition indices.
fn lookup<'b>(b: &'b Bindings, name: &str, at: &[usize]) -> Option<&'b Frag> {
    let mut f = b.get(name)?;
    for &k in at {
        match f {
            Frag::Many(v) => f = v.get(k)?,
            Frag::One(_) => break,
        }
    }
    Some(f)
}

/// How many times a `$( .. )` of the body repeats: the length of the first metavariable in it
/// that still repeats at this depth.
fn repeat_count(body: &TokenStream, b: &Bindings, at: &[usize]) -> Option<usize> {
    let tts: Vec<TokenTree> = body.clone().into_iter().collect();
    for (i, t) in tts.iter().enumerate() {
        match (t, tts.get(i + 1)) {
            (d, Some(TokenTree::Ident(name))) if is_dollar(d) => {
                if let Some(Frag::Many(v)) = lookup(b, &name.to_string(), at) {
                    return Some(v.len());
                }
            }
            (TokenTree::Group(g), _) => {
                if let Some(n) = repeat_count(&g.stream(), b, at) {
                    return Some(n);
                }
            }
            _ => {}
        }
    }
    None
}

/// The `macro_rules!` definitions anywhere in `file` whose transcribers mention one of `words`
/// (`Debug`: a macro that declares types deriving it), by name. The last definition of a
/// name wins, as the textual scope of the file's end sees it.
pub fn defs_mentioning(file: &syn::File, words: &[&str]) -> HashMap<String, MacroDef> {
    struct Defs<'w> {
        words: &'w [&'w str],
        found: HashMap<String, MacroDef>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Defs<'_> {
        fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
            if let (true, Some(name)) = (m.mac.path.is_ident("macro_rules"), &m.ident)
                && mentions(&m.mac.tokens, self.words)
                && let Some(def) = MacroDef::parse(&m.mac.tokens)
            {
                self.found.insert(name.to_string(), def);
            }
            syn::visit::visit_item_macro(self, m);
        }
    }
    let mut defs = Defs {
        words,
        found: HashMap::new(),
    };
    syn::visit::Visit::visit_file(&mut defs, file);
    defs.found
}

fn mentions(tokens: &TokenStream, words: &[&str]) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => words.iter().any(|w| i == w),
        TokenTree::Group(g) => mentions(&g.stream(), words),
        _ => false,
    })
}

/// Every token of `tokens`, groups' contents included: what an expansion costs.
pub fn token_count(tokens: &TokenStream) -> usize {
    tokens
        .clone()
        .into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => 1 + token_count(&g.stream()),
            _ => 1,
        })
        .sum()
}

/// The transcribers of a `macro_rules!` definition as plain Rust: each `$name` becomes the
/// identifier `name` (spanned where it is written), `$crate` becomes `crate`, and each
/// `$( .. )` repetition is written once. For rules that look at what a macro declares
/// whatever it is invoked with (a `#[derive(Debug)] struct $name { api_key: String }`).
pub fn bodies(tokens: &TokenStream) -> Vec<TokenStream> {
    let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 3 < tts.len() {
        if let (TokenTree::Group(_), TokenTree::Group(body)) = (&tts[i], &tts[i + 3]) {
            out.push(placeholders(&body.stream()));
            i += 4;
            if matches!(tts.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
                i += 1;
            }
        } else {
            break;
        }
    }
    out
}

fn placeholders(tokens: &TokenStream) -> TokenStream {
    let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tts.len() {
        match (&tts[i], tts.get(i + 1)) {
            (d, Some(TokenTree::Ident(name))) if is_dollar(d) => {
                out.push(TokenTree::Ident(name.clone()));
                i += 2;
            }
            (d, Some(TokenTree::Group(g)))
                if is_dollar(d) && g.delimiter() == Delimiter::Parenthesis =>
            {
                out.extend(placeholders(&g.stream()));
                let used = repetition_tail(&tts, i + 2).map_or(0, |(_, _, n)| n);
                i += 2 + used;
            }
            (TokenTree::Group(g), _) => {
                let mut ng = Group::new(g.delimiter(), placeholders(&g.stream()));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
                i += 1;
            }
            (t, _) => {
                out.push(t.clone());
                i += 1;
            }
        }
    }
    out.into_iter().collect()
}

/// The body of a `paste!` invocation with each `[< .. >]` replaced by the identifier it
/// pastes together (`[<$p:upper _API_KEY>]` with `p` = `openai` is `OPENAI_API_KEY`).
pub fn paste(tokens: &TokenStream) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => {
                if g.delimiter() == Delimiter::Bracket
                    && let Some(ident) = pasted(&g.stream())
                {
                    return TokenTree::Ident(ident);
                }
                let mut ng = Group::new(g.delimiter(), paste(&g.stream()));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            other => other,
        })
        .collect()
}

/// `< a :upper _B >` -> `A_B`.
fn pasted(inner: &TokenStream) -> Option<Ident> {
    let tts: Vec<TokenTree> = inner.clone().into_iter().collect();
    let is =
        |t: Option<&TokenTree>, c: char| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c);
    if tts.len() < 3 || !is(tts.first(), '<') || !is(tts.last(), '>') {
        return None;
    }
    let mut out = String::new();
    let mut span = None;
    let mut i = 1;
    while i < tts.len() - 1 {
        let mut piece = match &tts[i] {
            TokenTree::Ident(id) => {
                span.get_or_insert(id.span());
                id.to_string().trim_start_matches("r#").to_owned()
            }
            TokenTree::Literal(l) => l.to_string().trim_matches('"').to_owned(),
            TokenTree::Punct(p) if p.as_char() == '_' => "_".to_owned(),
            _ => return None,
        };
        if is(tts.get(i + 1), ':')
            && let Some(TokenTree::Ident(m)) = tts.get(i + 2)
        {
            piece = match m.to_string().as_str() {
                "upper" => piece.to_uppercase(),
                "lower" => piece.to_lowercase(),
                _ => piece,
            };
            i += 2;
        }
        out.push_str(&piece);
        i += 1;
    }
    let name = if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        return None;
    } else {
        out
    };
    syn::parse_str::<Ident>(&name)
        .ok()
        .map(|_| Ident::new(&name, span.unwrap_or_else(Span::call_site)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(def: &str, input: &str) -> Option<String> {
        let def = MacroDef::parse(&def.parse().unwrap())?;
        def.expand(&input.parse().unwrap()).map(|t| {
            t.to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    #[test]
    fn fragments_and_repetitions() {
        let def = "($name:ident, $key:expr) => { const $name: &str = $key; }";
        assert_eq!(
            expand(def, r#"OPENAI, "OPENAI_API_KEY""#).as_deref(),
            Some(r#"const OPENAI : & str = "OPENAI_API_KEY" ;"#)
        );
        let def = "($($p:ident => $k:literal),* $(,)?) => { [$(($k, stringify!($p))),*] }";
        assert_eq!(
            expand(def, r#"openai => "A_KEY", groq => "B_KEY","#).as_deref(),
            Some(r#"[("A_KEY" , stringify ! (openai)) ,("B_KEY" , stringify ! (groq))]"#)
        );
        let def = "() => { 1 }; (@x $e:expr) => { $crate::f($e) }";
        assert_eq!(
            expand(def, "@x a + b").as_deref(),
            Some("crate :: f (a + b)")
        );
        assert_eq!(expand(def, "nope"), None);
    }

    #[test]
    fn bodies_with_placeholders() {
        let def: TokenStream =
            "($name:ident, $($f:ident),*) => { struct $name { $($f: String),* } };"
                .parse()
                .unwrap();
        let b = bodies(&def);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].to_string(), "struct name { f : String }");
    }

    #[test]
    fn paste_joins_and_converts_case() {
        let pasted = paste(
            &r#"env::var(stringify!([<openai:upper _API_KEY>]))"#
                .parse()
                .unwrap(),
        );
        assert_eq!(
            pasted.to_string(),
            "env :: var (stringify ! (OPENAI_API_KEY))"
        );
        let untouched = paste(&"[a, b]".parse().unwrap());
        assert_eq!(untouched.to_string(), "[a , b]");
    }
}
