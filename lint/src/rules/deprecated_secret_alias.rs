//! `deprecated-secret-alias`: a deprecated secret alias is still spelled in code.
//!
//! Looks at every string literal of the file ([`crate::analysis::literals`], macro bodies and
//! attributes included), byte strings, `concat!` of literals, and the names
//! [`crate::analysis::facts`] derived without a literal (clap's bare `#[arg(env)]`). Uses that facts
//! recorded (environment reads and writes) only refine the message.

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

use crate::analysis::literals;
use crate::analysis::matchers;
use crate::analysis::prefilter::{Needs, Triggers};
use crate::analysis::reads::NameExpr;
use crate::config::{NameKind, SecretSpec, Settings};
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::finding::{Applicability, Edit, Fix, Location};
use crate::input::source::ByteSpan;
use crate::rules::context::FileContext;
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags every place the code still spells a name that the inventory lists as a
    /// deprecated alias of a secret (`deprecated = [..]` of a `[[secret]]`): environment
    /// reads (one finding, this rule's, whose message says the alias is read and whose help
    /// is the resolver's; `secret-env-read` does not report the same literal again, and the
    /// finding takes the higher of the two rules' levels), `set_var`/`remove_var`,
    /// `Command::env`/`env_remove`, clap's `#[arg(env = "..")]` (also a bare `#[arg(env)]`
    /// whose field derives the name), constants, `match` arms, any other string or byte
    /// string literal equal to the alias, literals in macro bodies, and `concat!` of
    /// literals that builds it. Inside a longer string, shell-style references are flagged
    /// (`"${OAI_API_KEY}"`, `"$OAI_API_KEY"`, `"%OAI_API_KEY%"`, `"$env:OAI_API_KEY"`,
    /// `"OAI_API_KEY=.."`); prose that merely mentions the name is not.
    ///
    /// Not flagged: the inventory's own declaration in code (literals inside a
    /// `#[secret(..)]` attribute, and the `.deprecated(&[..])` of a runtime
    /// `SecretSpec::new(..)`), doc comments (documentation of a migration names the old
    /// variable on purpose), and, with `[scan] tests = false`, test code. Names are compared
    /// exactly (case-sensitive), as the inventory spells them. A constant holding the alias
    /// is flagged once, where it is defined, not at each use (in this file or another);
    /// names assembled at run time (`format!`) or by `const_format` macros are not
    /// evaluated. Without an inventory, or with no `deprecated` names in it, the rule never
    /// fires.
    ///
    /// ## Why is this bad?
    /// A deprecated alias is kept only so old deployments keep working while they move to
    /// the canonical name. Every new spelling of it in code is a second, unaudited path to
    /// the secret: it keeps the old variable set in deployments, CI and developer shells
    /// (where every child process, crash reporter and telemetry agent can read it, and where
    /// agent tools and MCP servers inherit it), and it breaks the day the alias is removed,
    /// usually by silently falling back to no key or to the wrong one. The resolver accepts
    /// the alias only in the Dev profile; code that spells it works on a laptop and fails in
    /// production.
    ///
    /// ## Example
    /// ```toml
    /// [[secret]]
    /// id = "OpenAiApiKey"
    /// env = "OPENAI_API_KEY"
    /// deprecated = ["OAI_API_KEY"]
    /// ```
    ///
    /// ```rust,ignore
    /// fn openai_key() -> Option<String> {
    ///     std::env::var("OPENAI_API_KEY")
    ///         .or_else(|_| std::env::var("OAI_API_KEY"))
    ///         .ok()
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// fn openai_key() -> Result<vox_clavis::ResolvedSecret, vox_clavis::Error> {
    ///     // Resolves the canonical `OPENAI_API_KEY` (and, in the Dev profile only, the
    ///     // deprecated alias); the value is read with `.expose_secret()`.
    ///     vox_clavis::resolve(SecretId::OpenAiApiKey)
    /// }
    /// ```
    ///
    /// ## Fix
    /// Safe: the alias becomes the canonical name in the literal that spells it
    /// (`"OAI_API_KEY"` → `"OPENAI_API_KEY"`, `"$OAI_API_KEY"` → `"$OPENAI_API_KEY"`); a read
    /// renamed this way is then a `secret-env-read` finding with its own fix. Not offered for
    /// `concat!` pieces, escaped spellings or clap's bare `#[arg(env)]`.
    ///
    /// ## Options
    /// The rule has no options of its own; set its severity in `[rules.deprecated-secret-alias]`
    /// (see Configuration below). Once no deployment sets the alias any more, delete it from
    /// the inventory's `deprecated` list.
    pub struct DeprecatedSecretAlias {
        name: "deprecated-secret-alias",
        severity: Error,
        summary: "a deprecated secret alias is still spelled in code",
    }
}

const META: &RuleMeta = &DeprecatedSecretAlias::META;

/// How the alias is used where it is spelled, for the message.
#[derive(Clone, Debug, PartialEq, Eq)]
enum How {
    /// Read from the environment by this reader.
    Read(String),
    /// Written to an environment by this writer.
    Write(&'static str),
    /// Removed from an environment by this function.
    Remove(&'static str),
    /// A string literal equal to the alias.
    Literal,
    /// A shell-style reference inside a longer string, as written (`${OAI_API_KEY}`).
    Reference(String),
    /// `concat!` of literals.
    Concat,
    /// A byte string literal.
    Bytes,
}

impl How {
    fn describe(&self) -> String {
        match self {
            How::Read(r) if r.ends_with('!') => format!("read from the environment by `{r}`"),
            How::Read(r) if r.contains(' ') => format!("read from the environment by {r}"),
            How::Read(r) => format!("read from the environment by `{r}`"),
            How::Write(w) => format!("written to an environment by `{w}`"),
            How::Remove(w) => format!("removed from an environment by `{w}`"),
            How::Literal => "spelled in a string literal".to_owned(),
            How::Reference(form) => format!("referenced as `{form}` in a string"),
            How::Concat => "built with `concat!`".to_owned(),
            How::Bytes => "spelled in a byte string literal".to_owned(),
        }
    }

    /// Part of the finding's identity: stable across edits elsewhere in the file.
    fn key(&self) -> String {
        match self {
            How::Read(r) => format!("read:{r}"),
            How::Write(w) => format!("write:{w}"),
            How::Remove(w) => format!("remove:{w}"),
            How::Literal => "literal".to_owned(),
            How::Reference(form) => format!("reference:{form}"),
            How::Concat => "concat".to_owned(),
            How::Bytes => "bytes".to_owned(),
        }
    }
}

/// Which calls write or remove a variable, with the index of the name argument.
fn env_call(candidates: &[String], name: &str, is_method: bool, nargs: usize) -> Option<How> {
    let is = |path: &str| candidates.iter().any(|c| c == path);
    if is("std::env::set_var") {
        return Some(How::Write("std::env::set_var"));
    }
    if is("std::env::remove_var") {
        return Some(How::Remove("std::env::remove_var"));
    }
    if !is_method {
        return None;
    }
    match (name, nargs) {
        ("env", 2) => Some(How::Write("Command::env")),
        ("set_var", 2) => Some(How::Write(".set_var")),
        ("env_remove", 1) => Some(How::Remove("Command::env_remove")),
        ("env", 3) => Some(How::Write("Command::env")),
        _ => None,
    }
}

impl Rule for DeprecatedSecretAlias {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn needs(&self) -> Needs {
        Needs::Facts
    }

    /// A deprecated alias is spelled whole, or assembled by `concat!`.
    fn triggers(&self, settings: &Settings) -> Triggers {
        let aliases: Vec<&str> = settings
            .inventory
            .specs()
            .iter()
            .flat_map(|s| s.names())
            .filter(|(_, kind)| *kind == NameKind::Deprecated)
            .map(|(name, _)| name)
            .collect();
        if aliases.is_empty() {
            return Triggers::never();
        }
        Triggers::any(aliases.into_iter().chain(["concat"]))
    }

    fn check(&self, cx: &mut FileContext<'_>, file: &syn::File) {
        let aliases: Vec<(&str, &SecretSpec)> = cx
            .settings
            .inventory
            .specs()
            .iter()
            .flat_map(|spec| spec.deprecated.iter().map(move |a| (a.as_str(), spec)))
            .filter(|(a, _)| is_deprecated(cx, a))
            .collect();
        if aliases.is_empty() {
            return;
        }
        let mut t = SkippedSpans {
            cx,
            tests: !cx.settings.scan.tests,
            spans: Vec::new(),
        };
        t.visit_file(file);
        let skipped = t.spans;
        let in_test = |span: ByteSpan| {
            skipped
                .iter()
                .any(|s| s.start <= span.start && span.end <= s.end)
        };

        // Where facts saw a name used, to say how a literal is used.
        let mut uses: Vec<(ByteSpan, String, How)> = Vec::new();
        for read in cx.facts.reads.iter().filter(|r| !r.iterates_all) {
            if let NameExpr::Lit(name) = &read.name.expr {
                uses.push((
                    read.name.location.span,
                    name.clone(),
                    How::Read(read.reader.clone()),
                ));
            }
        }
        for call in &cx.facts.calls {
            let c = &call.callee;
            let Some(how) = env_call(&c.candidates, &c.name, c.is_method, call.args.len()) else {
                continue;
            };
            for arg in &call.args {
                if let NameExpr::Lit(name) = &arg.expr {
                    uses.push((arg.location.span, name.clone(), how.clone()));
                }
            }
        }
        let how_used = |span: ByteSpan, value: &str| {
            uses.iter()
                .find(|(s, name, _)| name == value && s.start <= span.start && span.end <= s.end)
                .map_or(How::Literal, |(_, _, how)| how.clone())
        };

        let mut found: Vec<(ByteSpan, &str, How)> = Vec::new();
        for lit in literals::string_literals(file) {
            if matches!(lit.attr.as_deref(), Some("doc" | "secret")) {
                continue;
            }
            let span = cx.source.byte_span(lit.span);
            // A doc comment inside a macro body reaches us as a literal without its `doc`
            // attribute; its span is the comment itself.
            let text = cx.source.slice(span);
            if in_test(span) || text.starts_with("//") || text.starts_with("/*") {
                continue;
            }
            if let Some(&(alias, _)) = aliases.iter().find(|(a, _)| *a == lit.value) {
                found.push((span, alias, how_used(span, &lit.value)));
                continue;
            }
            for &(alias, _) in &aliases {
                if let Some(form) = reference(&lit.value, alias) {
                    found.push((span, alias, How::Reference(form)));
                }
            }
        }

        let mut other = Other {
            aliases: &aliases,
            source: cx.source,
            found: Vec::new(),
        };
        other.visit_file(file);
        for (span, alias, how) in other.found {
            if !in_test(span) {
                found.push((span, alias, how));
            }
        }

        // Names facts derived without spelling them: clap's bare `#[arg(env)]` takes the
        // field's name. (A name bound to a variable was reported where it is spelled.)
        for read in cx.facts.reads.iter().filter(|r| !r.iterates_all) {
            let NameExpr::Lit(name) = &read.name.expr else {
                continue;
            };
            let at = read.name.location.span;
            let clap_field = read.reader.contains("clap") && cx.source.slice(at).trim() == "env";
            if !clap_field || in_test(at) {
                continue;
            }
            if let Some(&(alias, _)) = aliases.iter().find(|(a, _)| a == name) {
                found.push((at, alias, How::Read(read.reader.clone())));
            }
        }

        // `concat!("OAI_API_KEY")`: the literal inside was reported already.
        let literal_spans: Vec<(ByteSpan, &str)> = found
            .iter()
            .filter(|(_, _, how)| !matches!(how, How::Concat))
            .map(|(s, a, _)| (*s, *a))
            .collect();
        found.retain(|(span, alias, how)| {
            !matches!(how, How::Concat)
                || !literal_spans
                    .iter()
                    .any(|(s, a)| a == alias && span.start <= s.start && s.end <= span.end)
        });

        for (span, alias, how) in found {
            let Some(&(_, spec)) = aliases.iter().find(|(a, _)| *a == alias) else {
                continue;
            };
            let what = if spec.sensitive {
                "secret"
            } else {
                "managed setting"
            };
            let message = format!(
                "deprecated alias `{alias}` of {what} `{}` is still {}",
                spec.env,
                how.describe()
            );
            let f = cx
                .finding(META, Location::of(cx.source, span), message)
                .with_label(format!("deprecated alias of `{}`", spec.env))
                .with_help(format!(
                    "use the canonical name `{env}` through the Clavis runtime: \
                     `vox_clavis::resolve(SecretId::{id})` resolves `{env}`; the deprecated \
                     `{alias}` is accepted only in the Dev profile and stops working when it \
                     is removed from the inventory",
                    env = spec.env,
                    id = spec.id,
                ))
                .with_identity(format!("{alias}|{}", how.key()));
            let f = match rename(cx.source.slice(span), alias, &spec.env) {
                Some(renamed) if !matches!(how, How::Concat) => f.with_fix(Fix::new(
                    format!("rename to `{}`", spec.env),
                    Applicability::Safe,
                    vec![Edit::new(cx.source, span, renamed)],
                )),
                _ => f,
            };
            cx.report(f);
        }
    }
}

fn is_deprecated(cx: &FileContext<'_>, name: &str) -> bool {
    matches!(
        cx.settings.inventory.lookup(name),
        Some((_, NameKind::Deprecated))
    )
}

/// `written` (a literal as the source spells it) with every whole-word `alias` renamed to
/// `canonical`; `None` when the source does not spell the alias verbatim (escapes).
fn rename(written: &str, alias: &str, canonical: &str) -> Option<String> {
    let mut out = String::with_capacity(written.len());
    let mut at = 0;
    for (i, _) in written.match_indices(alias) {
        let word = !written[..i].chars().next_back().is_some_and(is_ident_char)
            && !written[i + alias.len()..]
                .chars()
                .next()
                .is_some_and(is_ident_char);
        if word && i >= at {
            out.push_str(&written[at..i]);
            out.push_str(canonical);
            at = i + alias.len();
        }
    }
    (at > 0).then(|| out + &written[at..])
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A shell-style reference to `alias` inside `text`, as written: `${NAME}`, `$NAME`,
/// `%NAME%`, `$env:NAME`, or an assignment `NAME=..` at the start of a word.
fn reference(text: &str, alias: &str) -> Option<String> {
    if alias.is_empty() {
        return None;
    }
    for (i, _) in text.match_indices(alias) {
        let pre = &text[..i];
        let post = &text[i + alias.len()..];
        if pre.chars().next_back().is_some_and(is_ident_char)
            || post.chars().next().is_some_and(is_ident_char)
        {
            continue;
        }
        if pre.ends_with("${") {
            return Some(format!("${{{alias}}}"));
        }
        if pre.to_ascii_lowercase().ends_with("$env:") {
            return Some(format!("$env:{alias}"));
        }
        if pre.ends_with('$') {
            return Some(format!("${alias}"));
        }
        if pre.ends_with('%') && post.starts_with('%') {
            return Some(format!("%{alias}%"));
        }
        let word_start = pre
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "\"'`;&|(".contains(c));
        if word_start && post.starts_with('=') && !post.starts_with("==") {
            return Some(format!("{alias}="));
        }
    }
    None
}

/// Spans where an alias is not a finding: the runtime inventory's own declaration of it
/// (`SecretSpec::new(..).deprecated(&[..])`), and test code (`#[cfg(test)]` items, `#[test]`
/// functions) when `tests` is set.
struct SkippedSpans<'c, 'a> {
    cx: &'c FileContext<'a>,
    tests: bool,
    spans: Vec<ByteSpan>,
}

/// Whether `call` is `.deprecated(..)` on a `SecretSpec::new(..)` builder chain.
fn declares_deprecated(call: &syn::ExprMethodCall) -> bool {
    if call.method != "deprecated" {
        return false;
    }
    let mut receiver = &*call.receiver;
    loop {
        match receiver {
            syn::Expr::MethodCall(m) => receiver = &m.receiver,
            syn::Expr::Call(c) => {
                return matches!(&*c.func, syn::Expr::Path(p)
                    if p.path.segments.len() >= 2
                        && p.path.segments.iter().rev().nth(1).is_some_and(|s| s.ident == "SecretSpec")
                        && p.path.segments.last().is_some_and(|s| s.ident == "new"));
            }
            _ => return false,
        }
    }
}

impl<'ast> Visit<'ast> for SkippedSpans<'_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if declares_deprecated(call) {
            for arg in &call.args {
                self.spans
                    .push(self.cx.source.byte_span(syn::spanned::Spanned::span(arg)));
            }
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !self.tests {
            return visit::visit_item(self, item);
        }
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        if attrs.iter().any(matchers::is_test_attr) {
            self.spans
                .push(self.cx.source.byte_span(syn::spanned::Spanned::span(item)));
            return;
        }
        visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if self.tests && f.attrs.iter().any(matchers::is_test_attr) {
            self.spans
                .push(self.cx.source.byte_span(syn::spanned::Spanned::span(f)));
            return;
        }
        visit::visit_impl_item_fn(self, f);
    }
}

/// Byte strings and `concat!` of literals equal to an alias, in code and macro bodies.
struct Other<'x, 'a> {
    aliases: &'x [(&'a str, &'a SecretSpec)],
    source: &'x crate::input::source::SourceFile,
    found: Vec<(ByteSpan, &'a str, How)>,
}

impl<'a> Other<'_, 'a> {
    fn alias(&self, value: &str) -> Option<&'a str> {
        self.aliases
            .iter()
            .find(|(a, _)| *a == value)
            .map(|(a, _)| *a)
    }

    fn byte_str(&mut self, value: &[u8], span: proc_macro2::Span) {
        if let Some(alias) = std::str::from_utf8(value).ok().and_then(|v| self.alias(v)) {
            self.found
                .push((self.source.byte_span(span), alias, How::Bytes));
        }
    }

    fn concat(&mut self, tokens: &TokenStream, span: proc_macro2::Span) {
        let Some(value) = concat_literal(tokens) else {
            return;
        };
        if let Some(alias) = self.alias(&value) {
            self.found
                .push((self.source.byte_span(span), alias, How::Concat));
        }
    }

    /// Macro bodies are tokens to syn: look for `concat!(..)` and byte strings in them.
    fn tokens(&mut self, tokens: &TokenStream, depth: usize) {
        if depth > 64 {
            return;
        }
        let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let mut i = 0;
        while i < tts.len() {
            match &tts[i] {
                TokenTree::Ident(id) if id == "concat" => {
                    let bang =
                        matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                    if let (true, Some(TokenTree::Group(g))) = (bang, tts.get(i + 2)) {
                        let span = id.span().join(g.span()).unwrap_or_else(|| g.span());
                        self.concat(&g.stream(), span);
                        i += 3;
                        continue;
                    }
                }
                TokenTree::Group(g) => self.tokens(&g.stream(), depth + 1),
                TokenTree::Literal(lit) => {
                    if let Ok(b) =
                        syn::parse2::<syn::LitByteStr>(TokenTree::Literal(lit.clone()).into())
                    {
                        self.byte_str(&b.value(), b.span());
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Other<'_, '_> {
    fn visit_lit_byte_str(&mut self, b: &'ast syn::LitByteStr) {
        self.byte_str(&b.value(), b.span());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.is_ident("concat") {
            self.concat(&mac.tokens, syn::spanned::Spanned::span(mac));
        } else {
            self.tokens(&mac.tokens, 0);
        }
    }

    fn visit_attribute(&mut self, _attr: &'ast syn::Attribute) {}
}

/// `concat!` of literals (strings, characters, numbers, booleans, nested `concat!`).
fn concat_literal(tokens: &TokenStream) -> Option<String> {
    let args = matchers::macro_exprs(tokens)?;
    let mut s = String::new();
    for a in &args {
        match a {
            syn::Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(v) => s.push_str(&v.value()),
                syn::Lit::Char(c) => s.push(c.value()),
                syn::Lit::Int(i) => s.push_str(i.base10_digits()),
                syn::Lit::Bool(b) => s.push_str(if b.value { "true" } else { "false" }),
                _ => return None,
            },
            syn::Expr::Macro(m) if m.mac.path.is_ident("concat") => {
                s.push_str(&concat_literal(&m.mac.tokens)?);
            }
            _ => return None,
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_style_references() {
        let r = |t: &str| reference(t, "OAI_API_KEY");
        assert_eq!(r("${OAI_API_KEY}").as_deref(), Some("${OAI_API_KEY}"));
        assert_eq!(
            r("key=${OAI_API_KEY:-none}").as_deref(),
            Some("${OAI_API_KEY}")
        );
        assert_eq!(r("echo $OAI_API_KEY | x").as_deref(), Some("$OAI_API_KEY"));
        assert_eq!(r("%OAI_API_KEY%").as_deref(), Some("%OAI_API_KEY%"));
        assert_eq!(r("$Env:OAI_API_KEY").as_deref(), Some("$env:OAI_API_KEY"));
        assert_eq!(r("OAI_API_KEY=abc tool").as_deref(), Some("OAI_API_KEY="));
        assert_eq!(r("env OAI_API_KEY= tool").as_deref(), Some("OAI_API_KEY="));
        // Prose, comparisons and longer names are not references.
        assert_eq!(r("OAI_API_KEY is deprecated, set OPENAI_API_KEY"), None);
        assert_eq!(r("if OAI_API_KEY == x"), None);
        assert_eq!(r("$OAI_API_KEY_V2"), None);
        assert_eq!(r("$XOAI_API_KEY"), None);
        assert_eq!(r("MY_OAI_API_KEY=1"), None);
        assert_eq!(r(""), None);
        assert_eq!(reference("$X", ""), None);
    }

    #[test]
    fn concat_of_literals() {
        let t: TokenStream = "\"OAI_\", \"API_\", concat!(\"KEY\")".parse().unwrap();
        assert_eq!(concat_literal(&t).as_deref(), Some("OAI_API_KEY"));
        let t: TokenStream = "\"OAI_\", PREFIX".parse().unwrap();
        assert_eq!(concat_literal(&t), None);
    }

    #[test]
    fn env_calls() {
        let v = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            env_call(&v(&["std::env::set_var"]), "set_var", false, 2),
            Some(How::Write("std::env::set_var"))
        );
        assert_eq!(
            env_call(&v(&["std::env::remove_var"]), "remove_var", false, 1),
            Some(How::Remove("std::env::remove_var"))
        );
        assert_eq!(
            env_call(&[], "env", true, 2),
            Some(How::Write("Command::env"))
        );
        assert_eq!(env_call(&[], "env", true, 1), None);
        assert_eq!(env_call(&v(&["crate::f"]), "f", false, 1), None);
    }
}
