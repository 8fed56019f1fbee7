//! The syntax the walk recognizes, kept apart from the walk itself: which macros, functions and
//! methods are sinks or carry a value, configured sinks, and the parsing of macro bodies syn
//! leaves as tokens (format strings, `tracing` fields, `json!`).

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::Expr;

use crate::analysis::matchers;
use crate::finding::Location;
use crate::input::source::{ByteSpan, SourceFile};

pub(super) use crate::analysis::matchers::path_segments;

/// A configured sink or serializer, as written in the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum SinkSpec {
    /// `name!`
    Macro(String),
    /// `a::b`: a function whose path ends with these segments.
    Path(Vec<String>),
    /// `name`: a method or function of that name.
    Name(String),
}

impl SinkSpec {
    pub(super) fn parse(s: &str) -> Option<SinkSpec> {
        let s = s.trim();
        if let Some(m) = s.strip_suffix('!') {
            let last = m.rsplit("::").next().unwrap_or("").trim();
            return (!last.is_empty()).then(|| SinkSpec::Macro(last.to_owned()));
        }
        let segs: Vec<String> = s
            .split("::")
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect();
        match segs.len() {
            0 => None,
            1 => segs.into_iter().next().map(SinkSpec::Name),
            _ => Some(SinkSpec::Path(segs)),
        }
    }

    pub(super) fn display(&self) -> String {
        match self {
            SinkSpec::Macro(m) => format!("`{m}!`"),
            SinkSpec::Path(p) => format!("`{}`", p.join("::")),
            SinkSpec::Name(n) => format!("`{n}`"),
        }
    }

    /// A call of the function `written`, which may resolve to `candidates`.
    pub(super) fn matches_fn(&self, written: &[String], candidates: &[String]) -> bool {
        match self {
            SinkSpec::Macro(_) => false,
            SinkSpec::Name(n) => written.last() == Some(n),
            SinkSpec::Path(p) => {
                ends_with(written, p)
                    || candidates.iter().any(|c| {
                        let segs: Vec<String> = c.split("::").map(str::to_owned).collect();
                        ends_with(&segs, p)
                    })
            }
        }
    }
}

pub(super) fn ends_with(path: &[String], tail: &[String]) -> bool {
    path.len() >= tail.len() && path[path.len() - tail.len()..] == *tail
}

/// Serializer functions, by absolute path.
pub(super) const SERIALIZERS: &[&str] = &[
    "serde_json::to_string",
    "serde_json::to_string_pretty",
    "serde_json::to_vec",
    "serde_json::to_vec_pretty",
    "serde_json::to_writer",
    "serde_json::to_writer_pretty",
    "serde_json::to_value",
    "toml::to_string",
    "toml::to_string_pretty",
    "serde_yaml::to_string",
    "serde_yaml::to_value",
    "serde_yaml::to_writer",
    "bincode::serialize",
    "bincode::serialize_into",
    "ron::to_string",
    "ron::ser::to_string_pretty",
    "rmp_serde::to_vec",
    "rmp_serde::to_vec_named",
    "serde_urlencoded::to_string",
];

/// Format-style macros that print or panic with their arguments.
pub(super) const PRINT_MACROS: &[&str] = &[
    "print",
    "println",
    "eprint",
    "eprintln",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
];
/// Format-style macros that build an error message.
pub(super) const ERROR_MACROS: &[&str] = &["anyhow", "bail", "eyre", "format_err"];
/// A condition, then a message.
pub(super) const ASSERT_MACROS: &[&str] = &["assert", "debug_assert", "ensure"];
/// Two values printed with `Debug` when they differ, then a message.
pub(super) const ASSERT_CMP_MACROS: &[&str] = &[
    "assert_eq",
    "assert_ne",
    "debug_assert_eq",
    "debug_assert_ne",
];
/// `tracing` and `log`: fields, then a message.
pub(super) const LOG_MACROS: &[&str] = &[
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "event",
    "log",
    "span",
    "trace_span",
    "debug_span",
    "info_span",
    "warn_span",
    "error_span",
];

/// Methods whose result is the receiver itself or a view of it, parts included.
pub(super) const KEEP_METHODS: &[&str] = &[
    "clone",
    "to_owned",
    "borrow",
    "borrow_mut",
    "as_ref",
    "as_mut",
    "deref",
    "deref_mut",
    "as_deref",
    "as_deref_mut",
    "into",
    "ok",
    "map_err",
    "ok_or",
    "ok_or_else",
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "cloned",
    "copied",
    "by_ref",
];
/// Methods whose result is the receiver's text (or its pieces) in another form.
pub(super) const CONVERT_METHODS: &[&str] = &[
    "to_string",
    "as_str",
    "as_bytes",
    "as_slice",
    "to_vec",
    "into_bytes",
    "into_boxed_str",
    "into_string",
    "to_str",
    "to_string_lossy",
    "to_os_string",
    "as_os_str",
    "into_owned",
    "trim",
    "trim_start",
    "trim_end",
    "trim_matches",
    "trim_start_matches",
    "trim_end_matches",
    "trim_left",
    "trim_right",
    "strip_prefix",
    "strip_suffix",
    "to_lowercase",
    "to_uppercase",
    "to_ascii_lowercase",
    "to_ascii_uppercase",
    "replace",
    "replacen",
    "repeat",
    "chars",
    "bytes",
    "char_indices",
    "split",
    "split_whitespace",
    "splitn",
    "rsplit",
    "rsplitn",
    "split_once",
    "rsplit_once",
    "split_terminator",
    "lines",
    "iter",
    "into_iter",
    "iter_mut",
    "drain",
    "rev",
    "collect",
    "concat",
    "join",
    "flatten",
    "filter",
    "inspect",
    "peekable",
    "enumerate",
    "first",
    "last",
    "nth",
    "values",
    "next",
    "next_back",
    "pop",
    "pop_back",
    "pop_front",
    "remove",
    "swap_remove",
    "encode",
    "into_inner",
];
/// Methods that give the content of an `Option`/`Result`.
pub(super) const UNWRAP_METHODS: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_default",
    "unwrap_unchecked",
    "unwrap_or",
    "unwrap_or_else",
];
/// Methods whose result may be the receiver or one of the arguments.
pub(super) const UNION_METHODS: &[&str] = &[
    "or",
    "or_else",
    "xor",
    "chain",
    "zip",
    "get_or_insert",
    "get_or_insert_with",
    "get_or_init",
];
/// Methods that return what their closure returns.
pub(super) const CLOSURE_METHODS: &[&str] = &[
    "map",
    "and_then",
    "filter_map",
    "flat_map",
    "map_while",
    "then",
    "map_or",
    "map_or_else",
    "fold",
];
/// Methods whose (last) closure argument receives the receiver's content.
pub(super) const PARAM_ADAPTERS: &[&str] = &[
    "map",
    "and_then",
    "filter",
    "filter_map",
    "flat_map",
    "inspect",
    "for_each",
    "try_for_each",
    "map_or",
    "map_or_else",
    "is_some_and",
    "is_ok_and",
    "is_none_or",
    "any",
    "all",
    "find",
    "position",
    "take_while",
    "skip_while",
    "map_while",
];
/// Methods that store their argument in the receiver.
pub(super) const MUTATORS: &[&str] = &[
    "push_str",
    "push",
    "extend",
    "extend_from_slice",
    "insert",
    "insert_str",
    "append",
    "push_back",
    "push_front",
    "write_str",
    "write_all",
    "replace_range",
];
/// Methods through which a place is mutated (`s.borrow_mut().push_str(..)`).
pub(super) const VIEW_METHODS: &[&str] = &[
    "borrow_mut",
    "as_mut",
    "get_mut",
    "lock",
    "write",
    "unwrap",
    "expect",
    "deref_mut",
    "as_mut_str",
    "last_mut",
    "first_mut",
];
/// Functions (by their last two segments) whose result is their first argument, wrapped.
pub(super) const TRANSPARENT_FNS: &[&str] = &[
    "String::from",
    "String::from_utf8",
    "String::from_utf8_lossy",
    "OsString::from",
    "PathBuf::from",
    "Box::new",
    "Box::from",
    "Rc::new",
    "Rc::from",
    "Arc::new",
    "Arc::from",
    "Cow::from",
    "Vec::from",
    "Cell::new",
    "RefCell::new",
    "Mutex::new",
    "RwLock::new",
    "Zeroizing::new",
    "str::from_utf8",
    "base64::encode",
    "hex::encode",
    "Into::into",
    "From::from",
    "ToString::to_string",
    "ToOwned::to_owned",
    "Clone::clone",
    "AsRef::as_ref",
];

/// The Clavis runtime's resolve calls (`vox_clavis::resolve`, `Resolver::resolve_optional`, ..):
/// their first argument names the inventory entry whose `ResolvedSecret` they return.
pub(super) const RESOLVE_FNS: &[&str] = &[
    "resolve",
    "resolve_optional",
    "resolve_with_reason",
    "resolve_id",
];

/// The arguments of a format-style macro.
#[derive(Default)]
pub(super) struct FmtArgs<'e> {
    pub(super) template: Option<&'e syn::LitStr>,
    pub(super) positional: Vec<&'e Expr>,
    pub(super) named: Vec<(String, &'e Expr)>,
}

impl<'e> FmtArgs<'e> {
    pub(super) fn new(exprs: &[&'e Expr]) -> Self {
        let mut out = FmtArgs::default();
        let mut rest = exprs;
        if let Some((
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }),
            tail,
        )) = rest.split_first().map(|(f, t)| (*f, t))
        {
            out.template = Some(s);
            rest = tail;
        }
        for e in rest {
            match e {
                Expr::Assign(a) => match &*a.left {
                    Expr::Path(p) if p.path.get_ident().is_some() => {
                        let name = p
                            .path
                            .get_ident()
                            .map(|i| i.to_string())
                            .unwrap_or_default();
                        out.named.push((name, &a.right));
                    }
                    _ => out.positional.push(e),
                },
                _ => out.positional.push(e),
            }
        }
        out
    }
}

/// What a placeholder refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ArgRef {
    Next,
    Index(usize),
    Name(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Placeholder {
    pub(super) arg: ArgRef,
    /// The literal text between the previous placeholder and this one.
    pub(super) before: String,
    /// `{:.*}` takes its precision from the next positional argument first.
    pub(super) star: bool,
}

/// The placeholders of a format string and the text after the last one.
pub(super) fn parse_template(t: &str) -> (Vec<Placeholder>, String) {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut inner = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    inner.push(c);
                }
                let (arg, spec) = inner.split_once(':').unwrap_or((&inner, ""));
                let arg = arg.trim();
                let arg = if arg.is_empty() {
                    ArgRef::Next
                } else if let Ok(i) = arg.parse::<usize>() {
                    ArgRef::Index(i)
                } else {
                    ArgRef::Name(arg.trim_start_matches("r#").to_owned())
                };
                out.push(Placeholder {
                    arg,
                    before: std::mem::take(&mut text),
                    star: spec.contains(".*"),
                });
            }
            c => text.push(c),
        }
    }
    (out, text)
}

/// One argument of a logging macro.
pub(super) struct Chunk {
    /// `name = value`: the name.
    pub(super) name: Option<String>,
    /// A structured field (`name = v`, `%v`, `?v`) rather than a message piece.
    pub(super) field: bool,
    pub(super) expr: Expr,
}

/// Splits a `tracing`/`log` macro's arguments: fields (`name = v`, `%v`, `?v`, `v`), macro
/// options (`target: ..`, dropped) and the message with its arguments.
pub(super) fn log_chunks(tokens: &TokenStream) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut cur: Vec<TokenTree> = Vec::new();
    for t in tokens.clone() {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ',' || p.as_char() == ';' => {
                push_chunk(std::mem::take(&mut cur), &mut out);
            }
            _ => cur.push(t),
        }
    }
    push_chunk(cur, &mut out);
    out
}

fn push_chunk(toks: Vec<TokenTree>, out: &mut Vec<Chunk>) {
    // `target: ..`, `parent: ..`, `name: ..`: options of the macro, not values.
    if let [TokenTree::Ident(_), TokenTree::Punct(p), ..] = toks.as_slice()
        && p.as_char() == ':'
        && p.spacing() == Spacing::Alone
    {
        return;
    }
    let mut start = 0;
    let mut name = None;
    let mut field = false;
    let alone_eq = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == Spacing::Alone);
    if let Some(eq) = toks.iter().position(alone_eq) {
        let prefix = &toks[..eq];
        let key_like = prefix.iter().all(|t| match t {
            TokenTree::Ident(_) | TokenTree::Literal(_) => true,
            TokenTree::Punct(p) => p.as_char() == '.',
            TokenTree::Group(_) => false,
        });
        if eq > 0 && key_like {
            if let [TokenTree::Ident(i)] = prefix {
                name = Some(i.to_string());
            }
            start = eq + 1;
            field = true;
        }
    }
    while matches!(toks.get(start), Some(TokenTree::Punct(p)) if p.as_char() == '%' || p.as_char() == '?')
    {
        start += 1;
        field = true;
    }
    if start >= toks.len() {
        return;
    }
    if let Ok(expr) = syn::parse2::<Expr>(toks[start..].iter().cloned().collect()) {
        out.push(Chunk { name, field, expr });
    }
}

/// The values of a `json!` body: object values and array elements, recursively.
pub(super) fn json_values(tokens: &TokenStream, out: &mut Vec<Expr>) {
    let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
    json_value(&tts, out);
}

fn json_value(tts: &[TokenTree], out: &mut Vec<Expr>) {
    if let [TokenTree::Group(g)] = tts {
        match g.delimiter() {
            Delimiter::Brace => {
                for entry in split_top(&g.stream(), ',') {
                    // `"key": value`; a `:` that is not half of a `::`.
                    let colon = entry.iter().enumerate().position(|(i, t)| {
                        matches!(t, TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == Spacing::Alone)
                            && !matches!(i.checked_sub(1).and_then(|j| entry.get(j)), Some(TokenTree::Punct(q)) if q.as_char() == ':' && q.spacing() == Spacing::Joint)
                    });
                    if let Some(c) = colon {
                        json_value(&entry[c + 1..], out);
                    }
                }
                return;
            }
            Delimiter::Bracket => {
                for element in split_top(&g.stream(), ',') {
                    json_value(&element, out);
                }
                return;
            }
            _ => {}
        }
    }
    if tts.is_empty() {
        return;
    }
    if let Ok(e) = syn::parse2::<Expr>(tts.iter().cloned().collect()) {
        out.push(e);
    }
}

pub(super) fn split_top(tokens: &TokenStream, sep: char) -> Vec<Vec<TokenTree>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for t in tokens.clone() {
        match &t {
            TokenTree::Punct(p) if p.as_char() == sep => out.push(std::mem::take(&mut cur)),
            _ => cur.push(t),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The values of query pairs written as a literal: `&[("key", v)]`, `vec![("key", v)]`.
pub(super) fn pair_values(e: &Expr) -> Vec<Expr> {
    match e {
        Expr::Reference(r) => pair_values(&r.expr),
        Expr::Paren(p) => pair_values(&p.expr),
        Expr::Group(g) => pair_values(&g.expr),
        Expr::Array(a) => a.elems.iter().filter_map(pair_value).collect(),
        Expr::Tuple(_) => pair_value(e).into_iter().collect(),
        Expr::Macro(m) if m.mac.path.is_ident("vec") => matchers::macro_exprs(&m.mac.tokens)
            .map(|args| args.iter().filter_map(pair_value).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn pair_value(e: &Expr) -> Option<Expr> {
    match e {
        Expr::Tuple(t) if t.elems.len() == 2 => t.elems.iter().nth(1).cloned(),
        _ => None,
    }
}

/// The local a place expression (`x`, `x.f.g`, `*x`, `x[i]`, `x.borrow_mut()`) is rooted in,
/// the field path from it, and whether the whole place is known (not an element).
pub(super) fn place_root(e: &Expr) -> Option<(String, Vec<String>, bool)> {
    match e {
        Expr::Path(p) if p.qself.is_none() => p
            .path
            .get_ident()
            .map(|i| (i.to_string(), Vec::new(), true)),
        Expr::Field(f) => {
            let (root, mut fields, exact) = place_root(&f.base)?;
            fields.push(member_key(&f.member));
            Some((root, fields, exact))
        }
        Expr::Paren(p) => place_root(&p.expr),
        Expr::Group(g) => place_root(&g.expr),
        Expr::Reference(r) => place_root(&r.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => place_root(&u.expr),
        Expr::Index(i) => place_root(&i.expr).map(|(r, f, _)| (r, f, false)),
        Expr::MethodCall(m) if VIEW_METHODS.contains(&m.method.to_string().as_str()) => {
            place_root(&m.receiver).map(|(r, f, _)| (r, f, false))
        }
        _ => None,
    }
}

pub(super) fn member_key(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(i) => i.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

pub(super) fn str_lit(e: &Expr) -> Option<&syn::LitStr> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

pub(super) fn is_range(e: &Expr) -> bool {
    match e {
        Expr::Range(_) => true,
        Expr::Paren(p) => is_range(&p.expr),
        _ => false,
    }
}

/// `String`, `Vec<u8>`, `&mut String`: an in-memory buffer `write!` appends to.
pub(super) fn is_string_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => r.mutability.is_some() && is_string_type(&r.elem),
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "String" || s.ident == "Vec"),
        syn::Type::Paren(p) => is_string_type(&p.elem),
        _ => false,
    }
}

/// An expression that makes a new in-memory buffer (`String`, `Vec<u8>`): writing to it builds
/// a value, it prints nothing.
pub(super) fn is_string_init(e: &Expr) -> bool {
    match e {
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => {
                let segs = path_segments(&p.path);
                segs.len() >= 2
                    && matches!(segs[segs.len() - 2].as_str(), "String" | "Vec")
                    && matches!(
                        segs[segs.len() - 1].as_str(),
                        "new" | "with_capacity" | "from" | "default"
                    )
            }
            _ => false,
        },
        Expr::Macro(m) => m
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "format" || s.ident == "vec"),
        Expr::MethodCall(m) => matches!(
            m.method.to_string().as_str(),
            "to_string" | "to_owned" | "into_bytes" | "to_vec"
        ),
        Expr::Paren(p) => is_string_init(&p.expr),
        _ => false,
    }
}

pub(super) fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        _ => &[],
    }
}

pub(super) fn strip_parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip_parens(&p.expr),
        Expr::Group(g) => strip_parens(&g.expr),
        _ => e,
    }
}

/// The comma-separated arguments of a macro; when they do not parse as expressions together,
/// each piece that does.
pub(super) fn macro_args(mac: &syn::Macro) -> Vec<Expr> {
    match matchers::macro_exprs(&mac.tokens) {
        Some(args) => args.into_iter().collect(),
        None => log_chunks(&mac.tokens)
            .into_iter()
            .map(|c| c.expr)
            .collect(),
    }
}

/// Where `{name}` (the `nth` capture of `name`) is written inside the literal at `lit`.
pub(super) fn placeholder_location(
    source: &SourceFile,
    lit: Location,
    name: &str,
    nth: usize,
) -> Location {
    let text = source.slice(lit.span);
    let needle = format!("{{{name}");
    let found = text
        .match_indices(&needle)
        .filter(|(i, _)| {
            let after = text.get(i + needle.len()..).and_then(|s| s.chars().next());
            matches!(after, Some('}' | ':')) && !text.get(..*i).is_some_and(|s| s.ends_with('{'))
        })
        .nth(nth);
    match found {
        Some((i, _)) => {
            let end = text
                .get(i..)
                .and_then(|s| s.find('}'))
                .map_or(i + needle.len(), |j| i + j + 1);
            Location::of(
                source,
                ByteSpan {
                    start: lit.span.start + i,
                    end: lit.span.start + end,
                },
            )
        }
        None => lit,
    }
}
