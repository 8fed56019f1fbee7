//! `secret-env-read`: a secret read from the environment outside the Clavis resolver.
//!
//! The walking is done once per file by [`crate::analysis::facts`]; this rule decides which of the reads
//! and calls it recorded are secret reads, locally when it can and through the crate-wide join
//! when a constant or a wrapper function lives elsewhere.

use crate::analysis::facts::{ConstFact, MacroCall};
use crate::analysis::join::{CrateFacts, ParamMode, Question, QuestionKind, SlotSite};
use crate::analysis::prefilter::{self, Needs, Triggers};
use crate::analysis::reads::{Arg, EnvRead, NameExpr};
use crate::analysis::resolver_fix::resolver_fix;
use crate::config::{NameKind, SecretName, Settings, suggested_id};
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::finding::{Finding, Location, Severity};
use crate::rules::context::FileContext;
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags every read of a secret environment variable that bypasses the Clavis resolver:
    /// `std::env::var`/`var_os` (through any import, rename or glob), `dotenvy::var`,
    /// `env!`/`option_env!`, clap's `#[arg(env = "..")]`, `std::env::vars()` scans compared
    /// against a secret name, and calls to functions or closures of the same crate that pass
    /// their parameter on to such a read (`optional_env(&["GITHUB_TOKEN", "GH_TOKEN"])`).
    /// Names are resolved through literals, `concat!`, `String::from`, local bindings, and
    /// constants anywhere in the crate; `format!("{}_API_KEY", p)` is matched on its fixed part;
    /// a name held in a variable whose identifier names a credential (`cfg.token_env`) is
    /// flagged as an unverifiable secret read.
    ///
    /// It also flags the reads that cross the boundary without an `env::var` in sight:
    /// - **Library entry points that read for their caller**: `teloxide::Bot::from_env()`,
    ///   `aws_config::load_from_env()`, async-openai's `Client::new()`, rig's
    ///   `Client::from_env()`, `sqlx::query!` (which reads `DATABASE_URL` at compile time),
    ///   and the rest of the built-in catalog ([docs/readers.md](../readers.md), each entry
    ///   verified against the crate's source), matched through `use` renames, globs and
    ///   re-exports, and extended with `[[readers]]` in the configuration. The help names the
    ///   crate's explicit constructor to hand a resolved value to.
    /// - **Names handed over to be read later**: a secret name passed to a function or method
    ///   outside the crate whose name says it reads the environment (`from_env`, `get_env`,
    ///   `env_var`, `*_env`, ...: `[rules.secret-env-read] env-reader-names`), as in
    ///   `AuthData::from_env("OPENAI_API_KEY")`; a function of the crate itself is followed
    ///   instead. A name stored in a tuple struct, an enum variant or a struct field that the
    ///   crate later reads the environment through (`AuthData::FromEnv(name) => env::var(name)`
    ///   in another module) is flagged where it is stored, or where it is passed to the
    ///   function that stores it, with the place of the read.
    /// - **Names built by macros**: an invocation of a `macro_rules!` macro is expanded with
    ///   its arguments, so `provider_key!(openai)` reading
    ///   `format!("{}_API_KEY", stringify!($p).to_uppercase())` is a read of `OPENAI_API_KEY`
    ///   at the invocation (`concat!`, `stringify!`, `paste!`'s `[<$p:upper _KEY>]` and case
    ///   conversions are followed); when part of the name is only known at run time, the
    ///   invocation is an unverifiable read if the known part matches a secret pattern. The
    ///   macro may be defined in another file of the crate (`#[macro_use]`, `$crate::name!`):
    ///   it is found by name, and only when the crate defines that name once.
    ///
    /// A name is a secret when the inventory lists it (canonical, alias or deprecated alias;
    /// also non-sensitive managed settings, which must go through the resolver too) or when it
    /// matches a secret name pattern (`*_API_KEY`, `*_TOKEN`, `*_PASSWORD`, ...). A managed
    /// setting read directly (`sensitive = false`: a model name, a host) leaks nothing, so it
    /// is a warning at most, whatever the rule's level. A read of a deprecated alias is one
    /// finding, `deprecated-secret-alias`'s, which says both.
    ///
    /// ## Why is this bad?
    /// A direct read skips everything the resolver guarantees: the documented precedence of
    /// canonical names, aliases and the vault, the audit of where the value came from,
    /// rotation, fail-closed profiles, and a value type that cannot be logged or serialized.
    /// The key then travels as a plain `String` wherever the code sends it.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn client() -> Client {
    ///     let key = std::env::var("OPENAI_API_KEY").expect("OPENAI_API_KEY is set");
    ///     Client::new(key)
    /// }
    /// ```
    ///
    /// ```rust,ignore
    /// fn bot() -> teloxide::Bot {
    ///     teloxide::Bot::from_env() // reads TELOXIDE_TOKEN
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// fn client() -> Result<Client, vox_clavis::Error> {
    ///     let key = vox_clavis::resolve(SecretId::OpenAiApiKey)?;
    ///     Ok(Client::new(key.expose_secret()))
    /// }
    /// ```
    ///
    /// ```rust,ignore
    /// fn bot() -> Result<teloxide::Bot, vox_clavis::Error> {
    ///     let token = vox_clavis::resolve(SecretId::TeloxideToken)?;
    ///     Ok(teloxide::Bot::new(token.expose_secret()))
    /// }
    /// ```
    ///
    /// A name that matches a pattern but is not in the inventory gets a help naming the
    /// inventory entry to add. A name that is not a secret can be excluded with
    /// `[names] not-secret = ["NAME"]`.
    ///
    /// ## Fix
    /// Unsafe: a `std::env::var`, `var_os` or `dotenvy::var` call of an inventory secret
    /// becomes `vox_clavis::resolve(SecretId::X)`, and `use crate::..::SecretId;` is added when
    /// the crate derives its inventory enum (`#[derive(SecretInventory)]`). The value's type
    /// changes to `ResolvedSecret` (read with `.expose_secret()`), so the code around the read
    /// may need editing. Names matched only by a pattern get no fix: add them to the inventory
    /// first.
    ///
    /// ## Options
    /// `[rules.secret-env-read]` takes `flag-all-vars` (flag every `std::env::vars()` scan)
    /// and `env-reader-names` (the globs of function names that read the variable their
    /// argument names; replaces the built-in list). Library entry points are added with
    /// `[[readers]]` (`path`, `reads`, `note`, `instead`). See Configuration below.
    pub struct SecretEnvRead {
        name: "secret-env-read",
        severity: Error,
        summary: "a secret is read from the environment instead of through the Clavis resolver",
    }
}

const META: &RuleMeta = &SecretEnvRead::META;

/// How the variable is read, for the message.
enum Via<'a> {
    Reader(&'a str),
    Wrapper(&'a str),
    /// A function outside the crate whose name says it reads the environment.
    Named(&'a str),
    /// Stored in a slot the crate reads the environment through.
    Slot(&'a str, &'a str),
}

impl Via<'_> {
    fn describe(&self) -> String {
        match self {
            Via::Reader(r) if r.ends_with('!') => format!("`{r}` at compile time"),
            Via::Reader(r) if r.contains(' ') => r.to_string(),
            Via::Reader(r) => format!("`{r}`"),
            Via::Wrapper(f) => format!("`{f}`, which reads the environment"),
            Via::Named(f) => format!("`{f}`, whose name says it reads the environment"),
            Via::Slot(slot, reader) => {
                format!("`{reader}` after being stored in `{slot}`")
            }
        }
    }

    fn key(&self) -> &str {
        match self {
            Via::Reader(r) | Via::Wrapper(r) | Via::Named(r) | Via::Slot(r, _) => r,
        }
    }
}

/// `AuthData::FromEnv.0` -> `AuthData::FromEnv`, `.key_env` -> `key_env`.
fn slot_display(slot: &str) -> &str {
    let s = slot.trim_start_matches('.');
    s.rsplit_once('.')
        .filter(|(_, i)| i.chars().all(|c| c.is_ascii_digit()))
        .map_or(s, |(head, _)| head)
}

/// Points a finding at where the crate reads the environment through a slot: a secondary
/// label in the same file, the place in the message otherwise (labels are same-file).
/// `stored`: the finding is about a call that stores the name (a wrapper), not the store.
fn at_slot_read(f: Finding, site: &SlotSite, stored: bool) -> Finding {
    let reader = if site.read.reader.is_empty() {
        "an environment read"
    } else {
        &site.read.reader
    };
    let slot = slot_display(&site.read.slot);
    let same_file = site.path == f.path;
    let place = if same_file {
        String::new()
    } else {
        format!(" at {}:{}", site.path, site.read.call.start.line)
    };
    let note = if stored {
        format!(" (it stores the name in `{slot}`, read by `{reader}`{place})")
    } else if same_file {
        String::new()
    } else {
        format!(" (the read is{place})")
    };
    let message = format!("{}{note}", f.message);
    let f = Finding { message, ..f };
    if same_file {
        f.with_related(
            site.read.call,
            format!("`{slot}` is read from the environment here (`{reader}`)"),
        )
    } else {
        f
    }
}

/// `AuthData::from_env`, `from_env`: how a callee outside the crate is named in messages.
fn callee_display(callee: &crate::analysis::facts::Callee) -> String {
    let Some(full) = callee.candidates.first() else {
        return callee.name.clone();
    };
    let segs: Vec<&str> = full.split("::").collect();
    match segs.as_slice() {
        [.., ty, f] if ty.starts_with(|c: char| c.is_ascii_uppercase()) => format!("{ty}::{f}"),
        _ => callee.name.clone(),
    }
}

/// A call of a catalogued library entry point, if one of the variables it reads is a secret.
fn library_finding(
    settings: &Settings,
    path: &str,
    location: Location,
    entry: &crate::config::readers::Reader,
) -> Option<Finding> {
    let secrets: Vec<(&str, SecretName<'_>)> = entry
        .reads
        .iter()
        .filter_map(|n| settings.classify(n).map(|s| (n.as_str(), s)))
        .collect();
    let (first, _) = secrets.first()?;
    let names = secrets
        .iter()
        .map(|(n, _)| format!("`{n}`"))
        .collect::<Vec<_>>();
    let list = match names.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    let krate = entry.krate();
    let call = if entry.is_macro() {
        format!("`{}`", entry.path)
    } else {
        format!("`{}()`", entry.path)
    };
    let mut message =
        format!("{call} makes `{krate}` read {list} from the environment, bypassing the resolver");
    if let Some(note) = &entry.note {
        message.push_str(&format!(": {note}"));
    }
    let ids = secrets
        .iter()
        .map(|(n, s)| match s {
            SecretName::Inventory { spec, .. } => {
                format!("`vox_clavis::resolve(SecretId::{})`", spec.id)
            }
            SecretName::Pattern { .. } => {
                format!("`vox_clavis::resolve(SecretId::{})`", suggested_id(n))
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let help = match &entry.instead {
        Some(instead) => format!(
            "resolve the secret with {ids} and pass it to the explicit constructor instead: `{instead}`"
        ),
        None => format!("resolve the secret with {ids} and pass it to the library explicitly"),
    };
    Some(
        Finding::new(META.name, META.default_severity, path, location, message)
            .with_label(format!("reads {list}"))
            .with_help(help)
            .with_identity(format!("{}|{}", first, entry.path))
            .with_secret_name(*first),
    )
}

/// The finding for a read of `name`, or `None` if it is not a secret.
fn finding(
    settings: &Settings,
    path: &str,
    location: Location,
    name: &str,
    template: bool,
    via: &Via<'_>,
) -> Option<Finding> {
    let how = via.describe();
    let (message, help) = if template {
        let pattern = settings.names.matching(name)?;
        (
            format!(
                "a secret-looking variable name built as `{name}` (matches `{pattern}`) is read from the environment by {how}"
            ),
            "declare each provider's key in the inventory and resolve it with \
             `vox_clavis::resolve(SecretId::..)`; a name assembled at run time cannot be audited"
                .to_owned(),
        )
    } else {
        match settings.classify(name)? {
            SecretName::Inventory { spec, kind } => {
                let what = if spec.sensitive {
                    "secret"
                } else {
                    "managed setting"
                };
                let named = match kind {
                    NameKind::Canonical => format!("{what} `{name}`"),
                    other => format!(
                        "{what} `{}` (as its {} `{name}`)",
                        spec.env,
                        other.describe()
                    ),
                };
                (
                    format!(
                        "{named} is read from the environment by {how}, bypassing the resolver"
                    ),
                    format!(
                        "resolve it through the Clavis runtime: `vox_clavis::resolve(SecretId::{})`",
                        spec.id
                    ),
                )
            }
            SecretName::Pattern { pattern } => (
                format!(
                    "`{name}` looks like a secret (matches `{pattern}`) and is read from the environment by {how}"
                ),
                format!(
                    "add it to the inventory (`[[secret]] id = \"{id}\"`, `env = \"{name}\"`) and resolve it with \
                     `vox_clavis::resolve(SecretId::{id})`; if it is not a secret, list it in `[names] not-secret`",
                    id = suggested_id(name)
                ),
            ),
        }
    };
    let mut f = Finding::new(META.name, META.default_severity, path, location, message)
        .with_label(format!("reads `{name}`"))
        .with_help(help)
        .with_identity(format!("{name}|{}", via.key()));
    // A managed setting (`sensitive = false`) read directly erodes the boundary, but leaks
    // nothing: a warning at most.
    if !template
        && matches!(settings.classify(name), Some(SecretName::Inventory { spec, .. }) if !spec.sensitive)
    {
        f = f.with_ceiling(Severity::Warning);
    }
    // A `format!` template is a pattern of names, not one name.
    Some(if template {
        f
    } else {
        f.with_secret_name(name)
    })
}

fn dynamic_finding(path: &str, location: Location, ident: &str, via: &Via<'_>) -> Finding {
    Finding::new(
        META.name,
        META.default_severity,
        path,
        location,
        format!(
            "a variable whose name comes from `{ident}` is read from the environment by {}; it names a credential, but which one cannot be verified",
            via.describe()
        ),
    )
    .with_label("unverifiable secret name")
    .with_help(
        "resolve the secret by its id with `vox_clavis::resolve(SecretId::..)` instead of reading a configurable variable name",
    )
    .with_identity(format!("{ident}|{}", via.key()))
}

impl SecretEnvRead {
    fn check_read(&self, cx: &mut FileContext<'_>, file: &syn::File, read: &EnvRead) {
        let path = &cx.source.display;
        let via = Via::Reader(&read.reader);
        let local = match &read.name.expr {
            NameExpr::Lit(name) => Some((name.clone(), false)),
            NameExpr::Format(t) => Some((t.clone(), true)),
            NameExpr::Dynamic(ident) => {
                let f = dynamic_finding(path, read.name.location, ident, &via);
                cx.report(f);
                return;
            }
            _ => None,
        };
        match local {
            Some((name, template)) => {
                if let Some(f) =
                    finding(cx.settings, path, read.name.location, &name, template, &via)
                {
                    let fix = match cx.settings.classify(&name) {
                        Some(SecretName::Inventory { spec, kind })
                            if !template && kind != NameKind::Deprecated =>
                        {
                            resolver_fix(cx.source, file, read, spec)
                        }
                        _ => None,
                    };
                    cx.report(match fix {
                        Some(fix) => f.with_fix(fix),
                        None => f,
                    });
                }
            }
            None => {
                let q = Question {
                    rule: META.name,
                    path: path.clone(),
                    location: read.name.location,
                    kind: QuestionKind::EnvRead {
                        reader: read.reader.clone(),
                        name: read.name.clone(),
                    },
                };
                cx.ask(q);
            }
        }
    }

    /// `std::env::vars()`: flagged when its statement compares against a secret name, or
    /// always with `flag-all-vars`.
    fn check_vars(&self, cx: &mut FileContext<'_>, read: &EnvRead) {
        let path = &cx.source.display;
        let names = match &read.name.expr {
            NameExpr::List(items) => items.as_slice(),
            _ => &[],
        };
        let secret = names.iter().find_map(|a| match &a.expr {
            NameExpr::Lit(n) => cx.settings.classify(n).map(|_| n.clone()),
            _ => None,
        });
        let f = match secret {
            Some(name) => finding(cx.settings, path, read.call, &name, false, &Via::Reader("`std::env::vars()` scan")),
            None if cx.settings.rules.secret_env_read.flag_all_vars => Some(
                Finding::new(
                    META.name,
                    META.default_severity,
                    path,
                    read.call,
                    format!("`{}()` reads every environment variable, secrets included", read.reader),
                )
                .with_label("reads the whole environment")
                .with_help(
                    "read the variables you need by name, and resolve secrets with `vox_clavis::resolve(SecretId::..)`",
                )
                .with_identity(format!("*|{}", read.reader)),
            ),
            None => None,
        };
        if let Some(f) = f {
            cx.report(f);
        }
    }
}

impl Rule for SecretEnvRead {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn needs(&self) -> Needs {
        Needs::Facts
    }

    fn triggers(&self, settings: &Settings) -> Triggers {
        // Library entry points that read for their caller need not spell `env`.
        prefilter::env_reads(settings).or(prefilter::reader_triggers(&settings.readers))
    }

    fn check(&self, cx: &mut FileContext<'_>, file: &syn::File) {
        let facts = cx.facts;
        for read in &facts.reads {
            if read.iterates_all {
                self.check_vars(cx, read);
            } else {
                self.check_read(cx, file, read);
            }
        }
        for call in &facts.calls {
            let q = Question {
                rule: META.name,
                path: cx.source.display.clone(),
                location: call.location,
                kind: QuestionKind::Call {
                    callee: call.callee.clone(),
                    args: call.args.clone(),
                },
            };
            cx.ask(q);
        }
        for call in &facts.library_calls {
            let entry = cx.settings.readers.get(call.entry);
            if let Some(f) = library_finding(cx.settings, &cx.source.display, call.location, entry)
            {
                cx.report(f);
            }
        }
        for call in &facts.path_calls {
            let q = Question {
                rule: META.name,
                path: cx.source.display.clone(),
                location: call.location,
                kind: QuestionKind::LibraryPath {
                    candidates: call.candidates.clone(),
                },
            };
            cx.ask(q);
        }
        for call in &facts.macro_calls {
            let q = Question {
                rule: META.name,
                path: cx.source.display.clone(),
                location: call.location,
                kind: QuestionKind::Macro(call.clone()),
            };
            cx.ask(q);
        }
        for store in &facts.stores {
            let q = Question {
                rule: META.name,
                path: cx.source.display.clone(),
                location: store.name.location,
                kind: QuestionKind::Store {
                    slot: store.slot.clone(),
                    name: store.name.clone(),
                },
            };
            cx.ask(q);
        }
    }

    fn answer(
        &self,
        settings: &Settings,
        facts: &CrateFacts,
        q: &Question,
        out: &mut Vec<Finding>,
    ) {
        match &q.kind {
            QuestionKind::EnvRead { reader, name } => {
                let via = Via::Reader(reader);
                for r in facts.names(name, ParamMode::Name) {
                    out.extend(finding(
                        settings, &q.path, r.location, &r.name, r.template, &via,
                    ));
                }
            }
            QuestionKind::Call { callee, args } => {
                let params = facts.reader_params(callee);
                let local = facts.callee_fn_exact(callee).is_some() || !params.is_empty();
                if local {
                    // A function of this crate: follow it (the wrapper rule).
                    let Some(fn_name) = facts.fn_name(callee) else {
                        return;
                    };
                    let via = Via::Wrapper(fn_name);
                    let slot = facts.callee_slot(callee);
                    for (param, mode) in params {
                        let Some(arg) = args.get(param) else { continue };
                        for r in facts.names(arg, mode) {
                            let f =
                                finding(settings, &q.path, r.location, &r.name, r.template, &via);
                            out.extend(f.map(|f| match slot {
                                Some(site) => at_slot_read(f, site, true),
                                None => f,
                            }));
                        }
                    }
                    return;
                }
                if !settings
                    .rules
                    .secret_env_read
                    .env_reader_names
                    .matches(&callee.name)
                {
                    return;
                }
                // Outside the crate, named for reading the environment: a deferred read.
                let shown = callee_display(callee);
                let via = Via::Named(&shown);
                for arg in args {
                    for mode in [ParamMode::Name, ParamMode::EachName] {
                        for r in facts.names(arg, mode) {
                            out.extend(finding(
                                settings, &q.path, r.location, &r.name, r.template, &via,
                            ));
                        }
                    }
                }
            }
            QuestionKind::LibraryPath { candidates } => {
                let resolved: Vec<String> = candidates
                    .iter()
                    .flat_map(|c| facts.through_reexports(c))
                    .map(|p| {
                        // A macro's candidates end in `!`; re-exports are keyed without it.
                        p.replace("!::", "::")
                    })
                    .collect();
                let with_bang: Vec<String> = resolved
                    .iter()
                    .flat_map(|p| {
                        let plain = p.trim_end_matches('!').to_owned();
                        [p.clone(), plain.clone(), plain + "!"]
                    })
                    .filter(|p| candidates.iter().all(|c| c != p))
                    .collect();
                if let Some(i) = settings.readers.find(&with_bang) {
                    let entry = settings.readers.get(i);
                    out.extend(library_finding(settings, &q.path, q.location, entry));
                }
            }
            QuestionKind::Store { slot, name } => {
                let Some(site) = facts.slot_read(slot) else {
                    return;
                };
                let via = Via::Slot(slot_display(slot), &site.read.reader);
                for r in facts.names(name, ParamMode::Name) {
                    let f = finding(settings, &q.path, r.location, &r.name, r.template, &via);
                    out.extend(f.map(|f| at_slot_read(f, site, false)));
                }
            }
            QuestionKind::Macro(call) => self.answer_macro(settings, facts, q, call, out),
            QuestionKind::Flow(_) => {}
        }
    }
}

impl SecretEnvRead {
    /// An invocation of a macro defined once elsewhere in the crate: its expansion's reads,
    /// calls and stores are answered as if written at the invocation. Constants the expansion
    /// declares (`const KEY_ENV: Option<&str> = $key;`) are inlined first, the crate's
    /// constants do not hold them.
    fn answer_macro(
        &self,
        settings: &Settings,
        facts: &CrateFacts,
        q: &Question,
        call: &MacroCall,
        out: &mut Vec<Finding>,
    ) {
        let defs = facts.macro_defs(&call.name);
        let Some(&(_, def)) = defs.first() else {
            return;
        };
        let sub = crate::analysis::facts::expand_elsewhere(settings, &q.path, call, &defs);
        let inline = |a: &Arg| Arg {
            expr: inline_consts(&a.expr, &sub.consts, 0),
            location: a.location,
        };
        let ask = |kind| Question { kind, ..q.clone() };
        let mut found = Vec::new();
        for read in sub.reads.iter().filter(|r| !r.iterates_all) {
            let name = inline(&read.name);
            match &name.expr {
                // A literal written in the body is reported at the definition.
                NameExpr::Lit(n)
                    if def.contains(&format!("{n:?}")) && !call.tokens.contains(n.as_str()) => {}
                NameExpr::Dynamic(ident) => found.push(dynamic_finding(
                    &q.path,
                    name.location,
                    ident,
                    &Via::Reader(&read.reader),
                )),
                _ => self.answer(
                    settings,
                    facts,
                    &ask(QuestionKind::EnvRead {
                        reader: read.reader.clone(),
                        name,
                    }),
                    &mut found,
                ),
            }
        }
        for c in &sub.calls {
            let kind = QuestionKind::Call {
                callee: c.callee.clone(),
                args: c.args.iter().map(inline).collect(),
            };
            self.answer(settings, facts, &ask(kind), &mut found);
        }
        for c in &sub.library_calls {
            let entry = settings.readers.get(c.entry);
            found.extend(library_finding(settings, &q.path, c.location, entry));
        }
        for c in &sub.path_calls {
            let kind = QuestionKind::LibraryPath {
                candidates: c.candidates.clone(),
            };
            self.answer(settings, facts, &ask(kind), &mut found);
        }
        for s in &sub.stores {
            let kind = QuestionKind::Store {
                slot: s.slot.clone(),
                name: inline(&s.name),
            };
            self.answer(settings, facts, &ask(kind), &mut found);
        }
        out.extend(found);
    }
}

/// `expr` with the constants among `consts` replaced by their values.
fn inline_consts(expr: &NameExpr, consts: &[ConstFact], depth: usize) -> NameExpr {
    if depth > 16 {
        return expr.clone();
    }
    let again = |e: &NameExpr| inline_consts(e, consts, depth + 1);
    match expr {
        NameExpr::Const(paths) => consts
            .iter()
            .find(|c| paths.contains(&c.path))
            .map_or_else(|| expr.clone(), |c| again(&c.value)),
        NameExpr::Concat(parts) => NameExpr::Concat(parts.iter().map(again).collect()),
        NameExpr::List(items) => NameExpr::List(
            items
                .iter()
                .map(|a| Arg {
                    expr: again(&a.expr),
                    location: a.location,
                })
                .collect(),
        ),
        NameExpr::Element(inner) => NameExpr::Element(Box::new(again(inner))),
        NameExpr::Case(inner, upper) => NameExpr::Case(Box::new(again(inner)), *upper),
        other => other.clone(),
    }
}
