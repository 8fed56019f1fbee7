//! [`Options`] (the TOML as written) to the parts of [`super::Settings`], collecting every
//! problem with its span instead of stopping at the first.
//!
//! Duplicate policy: two `[[secret]]` entries claiming one name (or one id) is an error with
//! both places labelled. Inside included JSON contracts, and between the TOML and a contract,
//! a name claimed twice is only a warning: the first declaration wins, TOML entries first,
//! then the includes in order. Contracts are generated elsewhere; the user cannot always fix
//! them, and refusing to run over one duplicate in 500 entries helps nobody.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::Glob;
use toml::Spanned;

use super::contract::{ContractError, read_contract};
use super::error::{ConfigProblem, ProblemKind};
use super::inventory::{Inventory, NameKind, SecretSpec};
use super::names::{self, NamePatterns, is_screaming_snake};
use super::options::{Level, RulesOptions};
use super::options::{NamesOptions, Options, ReaderOptions, SecretOptions};
use super::overrides::NEVER_OFF;
use super::selection::{self, Selected, Selection, SelectionError};
use super::{
    EnvReaderNames, RuleOptions, ScanSettings, SecretEnvReadOptions, SecretInLogOptions,
    SecretSerializationOptions, TaintSettings,
};
use super::{SuppressionSettings, overrides::Override};
use crate::finding::Severity;

/// The validated parts of a config file.
#[derive(Debug)]
pub(crate) struct Validated {
    pub inventory: Inventory,
    pub names: NamePatterns,
    pub scan: ScanSettings,
    pub taint: TaintSettings,
    pub rules: RuleOptions,
    pub suppressions: SuppressionSettings,
    pub overrides: Vec<Override>,
    pub readers: crate::config::readers::Readers,
    pub warnings: Vec<String>,
}

/// Validates `options`, read from the file displayed as `origin` in directory `base_dir`.
pub(crate) fn validate(
    options: Options,
    base_dir: &Path,
    origin: &str,
) -> Result<Validated, Vec<ConfigProblem>> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();

    let mut specs = secrets(&options.secret, origin, &mut problems, &mut warnings);
    let included = includes(
        &options.inventory.include,
        base_dir,
        &mut problems,
        &mut warnings,
    );
    let names = name_patterns(&options.names, &mut problems);
    let levels = levels(&options.rules, &mut problems);
    let selected = selected(&options.rules, &mut problems);
    let overrides = super::overrides::validate(&options.overrides, &mut problems);
    for pattern in &options.scan.exclude {
        check_glob(pattern, pattern.get_ref(), "scan.exclude", &mut problems);
    }
    let env_reader_names = options.rules.secret_env_read.env_reader_names.as_ref();
    for pattern in env_reader_names.into_iter().flatten() {
        check_glob(
            pattern,
            pattern.get_ref(),
            "rules.secret-env-read.env-reader-names",
            &mut problems,
        );
    }
    let readers = readers(&options.readers, &mut problems);

    if !problems.is_empty() {
        // File order reads best; the sort is stable for problems at one place.
        problems.sort_by_key(|p| p.primary_span().start);
        return Err(problems);
    }
    specs.extend(included);
    duplicate_ids(&specs, &mut warnings);
    let (inventory, conflicts) = Inventory::new(specs);
    for conflict in conflicts {
        warnings.push(conflict_warning(&inventory, &conflict));
    }
    Ok(Validated {
        inventory,
        names: names.unwrap_or_default(),
        scan: ScanSettings {
            exclude: options
                .scan
                .exclude
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            tests: options.scan.tests.unwrap_or(true),
            baseline: options.scan.baseline.map(|b| base_dir.join(b.into_inner())),
        },
        taint: TaintSettings {
            expose_methods: TaintSettings::default()
                .expose_methods
                .into_iter()
                .chain(
                    options
                        .taint
                        .expose_methods
                        .into_iter()
                        .map(Spanned::into_inner),
                )
                .collect(),
        },
        rules: RuleOptions {
            levels,
            selected,
            secret_env_read: SecretEnvReadOptions {
                flag_all_vars: options.rules.secret_env_read.flag_all_vars,
                env_reader_names: match options.rules.secret_env_read.env_reader_names {
                    // Every glob compiled above.
                    Some(patterns) => EnvReaderNames::new(strings(patterns)).unwrap_or_default(),
                    None => EnvReaderNames::default(),
                },
            },
            secret_in_log: SecretInLogOptions {
                sinks: strings(options.rules.secret_in_log.sinks),
            },
            secret_serialization: SecretSerializationOptions {
                secret_types: strings(options.rules.secret_serialization.secret_types),
                serializers: strings(options.rules.secret_serialization.serializers),
            },
        },
        suppressions: SuppressionSettings {
            require_reason: options.suppressions.require_reason.unwrap_or(true),
        },
        overrides,
        readers,
        warnings,
    })
}

/// Checks the `[[readers]]` entries and builds the catalog (the built-in entries after them).
fn readers(
    entries: &[ReaderOptions],
    problems: &mut Vec<ConfigProblem>,
) -> crate::config::readers::Readers {
    use crate::config::readers::{EntryProblem, Reader, Readers, check_entry};
    let mut out = Vec::new();
    for entry in entries {
        let reads = entry.reads.get_ref();
        let names: Vec<&str> = reads.iter().map(|r| r.get_ref().as_str()).collect();
        let found = check_entry(entry.path.get_ref(), &names);
        if found.is_empty() {
            out.push(Reader::from_options(entry, false));
        }
        for p in found {
            problems.push(match p {
                EntryProblem::Path(why) => ConfigProblem::new(
                    ProblemKind::InvalidValue,
                    format!("`{}` is not a library path", entry.path.get_ref()),
                    entry.path.span(),
                    "not `crate::Type::function`",
                )
                .with_help(why),
                EntryProblem::NoReads => ConfigProblem::new(
                    ProblemKind::InvalidValue,
                    format!("`{}` reads no variable", entry.path.get_ref()),
                    entry.reads.span(),
                    "empty",
                )
                .with_help("list the environment variables the entry point reads"),
                EntryProblem::Name(i, _) => malformed_name(&reads[i], NameKind::Canonical)
                    .with_message(format!(
                        "`{}` in `readers.reads` is not SCREAMING_SNAKE_CASE",
                        reads[i].get_ref()
                    )),
            });
        }
    }
    Readers::with_configured(out)
}

fn strings(values: Vec<Spanned<String>>) -> Vec<String> {
    values.into_iter().map(Spanned::into_inner).collect()
}

/// `[rules] select`, `extend-select` and `ignore`, each name checked where it is written.
fn selected(rules: &RulesOptions, problems: &mut Vec<ConfigProblem>) -> Selected {
    let lists = [
        ("select", rules.select.as_deref().unwrap_or_default()),
        ("extend-select", &rules.extend_select[..]),
        ("ignore", &rules.ignore[..]),
    ];
    let before = problems.len();
    for (key, names) in lists {
        for name in names {
            let problem = match selection::known(name.get_ref()) {
                Err(SelectionError::Unknown { near, .. }) => Some((
                    format!("unknown rule `{}` in `rules.{key}`", name.get_ref()),
                    "no rule has this name",
                    match near {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "`vox-clavis-lint rules` lists the rule names".to_owned(),
                    },
                    ProblemKind::UnknownRule,
                )),
                Ok(known) if key == "ignore" && NEVER_OFF.contains(&known) => Some((
                    format!("`{known}` cannot be ignored"),
                    "not allowed here",
                    "a file the linter cannot check must never pass silently; use \
                     `severity = \"warning\"` in its table to keep it from failing the run"
                        .to_owned(),
                    ProblemKind::InvalidValue,
                )),
                _ => None,
            };
            if let Some((message, label, help, kind)) = problem {
                problems
                    .push(ConfigProblem::new(kind, message, name.span(), label).with_help(help));
            }
        }
    }
    let mut selected = Selected::default();
    if problems.len() == before {
        let owned = |l: &[Spanned<String>]| l.iter().map(|n| n.get_ref().clone()).collect();
        let selection = Selection {
            select: rules.select.as_deref().map(owned),
            extend_select: owned(&rules.extend_select),
            ignore: owned(&rules.ignore),
        };
        // Every name was checked above.
        let _ = selected.apply(&selection);
    }
    selected
}

/// The `severity` of every rule table. Rules that report what could not be checked cannot
/// be turned off: a file the linter could not read must never pass silently.
fn levels(
    rules: &RulesOptions,
    problems: &mut Vec<ConfigProblem>,
) -> BTreeMap<&'static str, Option<Severity>> {
    let tables: [(&'static str, &Option<Spanned<Level>>); 13] = [
        (
            "deprecated-secret-alias",
            &rules.deprecated_secret_alias.severity,
        ),
        ("hardcoded-secret", &rules.hardcoded_secret.severity),
        ("internal-error", &rules.internal_error.severity),
        ("invalid-suppression", &rules.invalid_suppression.severity),
        ("inventory-conflict", &rules.inventory_conflict.severity),
        ("secret-debug-derive", &rules.secret_debug_derive.severity),
        ("secret-env-read", &rules.secret_env_read.severity),
        ("secret-env-write", &rules.secret_env_write.severity),
        ("secret-in-log", &rules.secret_in_log.severity),
        ("secret-in-url", &rules.secret_in_url.severity),
        ("secret-serialization", &rules.secret_serialization.severity),
        ("unparsable-file", &rules.unparsable_file.severity),
        ("unused-suppression", &rules.unused_suppression.severity),
    ];
    let mut out = BTreeMap::new();
    for (name, level) in tables {
        let Some(level) = level else { continue };
        let severity = match level.get_ref() {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Off if matches!(name, "internal-error" | "unparsable-file") => {
                problems.push(
                    ConfigProblem::new(
                        ProblemKind::InvalidValue,
                        format!("`{name}` cannot be turned off"),
                        level.span(),
                        "not allowed here",
                    )
                    .with_help(
                        "a file the linter cannot check must never pass silently; use \
                         `severity = \"warning\"` to keep it from failing the run",
                    ),
                );
                continue;
            }
            Level::Off => None,
        };
        out.insert(name, severity);
    }
    out
}

/// Checks the `[[secret]]` entries and converts them, in order.
fn secrets(
    entries: &[Spanned<SecretOptions>],
    origin: &str,
    problems: &mut Vec<ConfigProblem>,
    warnings: &mut Vec<String>,
) -> Vec<SecretSpec> {
    // id -> span of its first declaration.
    let mut ids: HashMap<&str, Range<usize>> = HashMap::new();
    // name -> (span of its first declaration, index of the entry that declared it).
    let mut seen: HashMap<&str, (Range<usize>, usize)> = HashMap::new();
    let mut specs = Vec::with_capacity(entries.len());

    for (index, entry) in entries.iter().enumerate() {
        let secret = entry.get_ref();
        let id = secret.id.get_ref();
        if id.is_empty() {
            problems.push(
                ConfigProblem::new(ProblemKind::EmptyId, "secret id is empty", secret.id.span(), "empty id")
                    .with_help("the id names the secret in code (`SecretId::OpenAiApiKey`); use an UpperCamelCase identifier"),
            );
        } else if !is_rust_ident(id) {
            problems.push(
                ConfigProblem::new(
                    ProblemKind::InvalidId,
                    format!("secret id `{id}` is not a Rust identifier"),
                    secret.id.span(),
                    "not an identifier",
                )
                .with_help(format!(
                    "the id names the secret in code (`SecretId::{}`); use an UpperCamelCase identifier",
                    upper_camel(id)
                )),
            );
        } else {
            match ids.entry(id) {
                Entry::Occupied(first) => problems.push(
                    ConfigProblem::new(
                        ProblemKind::DuplicateId,
                        format!("secret id `{id}` is declared twice"),
                        secret.id.span(),
                        "declared again here",
                    )
                    .first_declared(first.get().clone())
                    .with_help("give each `[[secret]]` its own id, or merge the two entries"),
                ),
                Entry::Vacant(slot) => {
                    slot.insert(secret.id.span());
                    if !is_upper_camel(id) {
                        warnings.push(format!(
                            "{origin}: secret id `{id}` is not UpperCamelCase (`{}` is recommended)",
                            upper_camel(id)
                        ));
                    }
                }
            }
        }

        let names = std::iter::once((&secret.env, NameKind::Canonical))
            .chain(secret.aliases.iter().map(|a| (a, NameKind::Alias)))
            .chain(secret.deprecated.iter().map(|a| (a, NameKind::Deprecated)));
        for (name, kind) in names {
            let text = name.get_ref().as_str();
            if !is_screaming_snake(text) {
                problems.push(malformed_name(name, kind));
            }
            match seen.entry(text) {
                Entry::Occupied(first) => {
                    let (first_span, first_index) = first.get().clone();
                    let message = if first_index == index {
                        format!("`{text}` is listed twice in secret `{id}`")
                    } else {
                        let other = entries[first_index].get_ref().id.get_ref();
                        format!("`{text}` is already a name of secret `{other}`")
                    };
                    problems.push(
                        ConfigProblem::new(
                            ProblemKind::DuplicateName,
                            message,
                            name.span(),
                            format!("declared again here as {}", kind.describe()),
                        )
                        .first_declared(first_span)
                        .with_help("an environment variable name can belong to one secret only; remove one of the two"),
                    );
                }
                Entry::Vacant(slot) => {
                    slot.insert((name.span(), index));
                }
            }
        }

        specs.push(SecretSpec {
            id: id.clone(),
            env: secret.env.get_ref().clone(),
            aliases: secret.aliases.iter().map(|a| a.get_ref().clone()).collect(),
            deprecated: secret
                .deprecated
                .iter()
                .map(|a| a.get_ref().clone())
                .collect(),
            description: secret.description.clone(),
            sensitive: secret.sensitive,
            origin: origin.to_owned(),
            declared_in: None,
        });
    }
    specs
}

fn malformed_name(name: &Spanned<String>, kind: NameKind) -> ConfigProblem {
    let text = name.get_ref();
    let problem = ConfigProblem::new(
        ProblemKind::MalformedName,
        format!("{} `{text}` is not SCREAMING_SNAKE_CASE", kind.describe()),
        name.span(),
        "not SCREAMING_SNAKE_CASE",
    );
    let suggestion = screaming_snake(text);
    if is_screaming_snake(&suggestion) && suggestion != *text {
        problem.with_help(format!("write it as `{suggestion}`"))
    } else {
        problem.with_help(
            "names are upper-case ASCII letters, digits and single underscores, starting with a letter",
        )
    }
}

/// Reads the `[inventory] include` contracts in order.
fn includes(
    entries: &[Spanned<String>],
    base_dir: &Path,
    problems: &mut Vec<ConfigProblem>,
    warnings: &mut Vec<String>,
) -> Vec<SecretSpec> {
    let mut specs = Vec::new();
    let mut seen: HashMap<PathBuf, Range<usize>> = HashMap::new();
    for entry in entries {
        let written = entry.get_ref();
        let path = base_dir.join(written);
        let key = path.canonicalize().unwrap_or_else(|_| path.clone());
        match seen.entry(key) {
            Entry::Occupied(first) => {
                problems.push(
                    ConfigProblem::new(
                        ProblemKind::DuplicateInclude,
                        format!("contract `{written}` is included twice"),
                        entry.span(),
                        "included again here",
                    )
                    .first_declared(first.get().clone())
                    .with_help("remove one of the two entries"),
                );
                continue;
            }
            Entry::Vacant(slot) => {
                slot.insert(entry.span());
            }
        }
        let origin = super::load::display_path(&path);
        match read_contract(&path, &origin) {
            Ok(contract) => {
                for spec in &contract {
                    contract_spec_warnings(spec, warnings);
                }
                specs.extend(contract);
            }
            Err(ContractError::Io(e)) => problems.push(
                ConfigProblem::new(
                    ProblemKind::IncludeUnreadable,
                    format!("cannot read included contract `{origin}`: {e}"),
                    entry.span(),
                    "included here",
                )
                .with_help(format!(
                    "include paths are relative to the config file's directory, `{}`",
                    base_dir.display()
                )),
            ),
            Err(ContractError::Json(e)) => problems.push(
                ConfigProblem::new(
                    ProblemKind::IncludeInvalid,
                    format!("included contract `{origin}` is not a valid secrets contract: {e}"),
                    entry.span(),
                    "included here",
                )
                .with_help(
                    r#"a contract is JSON shaped like {"secrets": [{"id": "OpenAiApiKey", "canonical_env": "OPENAI_API_KEY", "aliases": [], "deprecated_aliases": []}]}"#,
                ),
            ),
        }
    }
    specs
}

/// Contracts are not ours to reject: malformed entries are reported and kept.
fn contract_spec_warnings(spec: &SecretSpec, warnings: &mut Vec<String>) {
    if spec.id.is_empty() {
        warnings.push(format!(
            "{}: a secret with canonical name `{}` has an empty id",
            spec.origin, spec.env
        ));
    }
    for (name, kind) in spec.names() {
        if !is_screaming_snake(name) {
            warnings.push(format!(
                "{}: {} `{name}` of secret `{}` is not SCREAMING_SNAKE_CASE",
                spec.origin,
                kind.describe(),
                spec.id
            ));
        }
    }
}

/// Ids claimed twice across the TOML and the contracts (TOML duplicates are already errors).
fn duplicate_ids(specs: &[SecretSpec], warnings: &mut Vec<String>) {
    let mut first: HashMap<&str, &SecretSpec> = HashMap::new();
    for spec in specs {
        if spec.id.is_empty() {
            continue;
        }
        match first.entry(&spec.id) {
            Entry::Occupied(prev) => warnings.push(format!(
                "secret id `{}` is declared twice (in `{}` and in `{}`)",
                spec.id,
                prev.get().origin,
                spec.origin
            )),
            Entry::Vacant(slot) => {
                slot.insert(spec);
            }
        }
    }
}

fn conflict_warning(inventory: &Inventory, conflict: &super::inventory::NameConflict) -> String {
    let first = &inventory.specs()[conflict.first];
    let second = &inventory.specs()[conflict.second];
    let name = &conflict.name;
    if conflict.first == conflict.second {
        format!(
            "`{name}` is listed twice by secret `{}` in `{}`",
            first.id, first.origin
        )
    } else if first.origin == second.origin {
        format!(
            "`{name}` is claimed by both `{}` and `{}` in `{}`; the first declaration (`{}`) keeps it",
            first.id, second.id, first.origin, first.id
        )
    } else {
        format!(
            "`{name}` is claimed by both `{}` (in `{}`) and `{}` (in `{}`); the first declaration (`{}`) keeps it",
            first.id, first.origin, second.id, second.origin, first.id
        )
    }
}

/// Checks every glob of `[names]` and builds the patterns.
fn name_patterns(
    options: &NamesOptions,
    problems: &mut Vec<ConfigProblem>,
) -> Option<NamePatterns> {
    let before = problems.len();
    let groups: [(&str, &[Spanned<String>]); 3] = [
        (
            "names.secret-patterns",
            options.secret_patterns.as_deref().unwrap_or_default(),
        ),
        (
            "names.extra-secret-patterns",
            &options.extra_secret_patterns,
        ),
        ("names.not-secret", &options.not_secret),
    ];
    for (key, patterns) in groups {
        for pattern in patterns {
            // Names are matched upper-cased, so the patterns are compiled upper-cased too.
            check_glob(
                pattern,
                &pattern.get_ref().to_ascii_uppercase(),
                key,
                problems,
            );
        }
    }
    if problems.len() > before {
        return None;
    }
    let secret: Vec<String> = match &options.secret_patterns {
        Some(patterns) => patterns.iter().map(|p| p.get_ref().clone()).collect(),
        None => names::BUILTIN_SECRET_PATTERNS
            .iter()
            .map(|p| (*p).to_owned())
            .collect(),
    };
    let secret = secret.into_iter().chain(
        options
            .extra_secret_patterns
            .iter()
            .map(|p| p.get_ref().clone()),
    );
    let not_secret = names::BUILTIN_NOT_SECRET
        .iter()
        .map(|p| (*p).to_owned())
        .chain(options.not_secret.iter().map(|p| p.get_ref().clone()));
    match NamePatterns::new(secret, not_secret) {
        Ok(patterns) => Some(patterns),
        Err(message) => {
            // Every glob compiled on its own above; a set-level failure has no single culprit.
            let span = options
                .secret_patterns
                .iter()
                .flatten()
                .chain(&options.extra_secret_patterns)
                .chain(&options.not_secret)
                .next()
                .map_or(0..0, Spanned::span);
            problems.push(ConfigProblem::new(
                ProblemKind::InvalidGlob,
                message,
                span,
                "in these patterns",
            ));
            None
        }
    }
}

fn check_glob(entry: &Spanned<String>, glob: &str, key: &str, problems: &mut Vec<ConfigProblem>) {
    if let Err(e) = Glob::new(glob) {
        problems.push(
            ConfigProblem::new(
                ProblemKind::InvalidGlob,
                format!("invalid glob `{}` in `{key}`", entry.get_ref()),
                entry.span(),
                e.kind().to_string(),
            )
            .with_help(
                "globs use `*`, `?`, `[...]`, `{a,b}` and `**`; escape a literal with `[*]`",
            ),
        );
    }
}

/// Whether `s` can name a `SecretId` variant: an ASCII identifier that is not a keyword.
fn is_rust_ident(s: &str) -> bool {
    s.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
        && syn::parse_str::<syn::Ident>(s).is_ok()
}

fn is_upper_camel(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && !s.contains('_')
}

/// `openai_api-key` -> `OpenaiApiKey`, for suggestions.
fn upper_camel(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// `openai-api key` -> `OPENAI_API_KEY`, for suggestions.
fn screaming_snake(s: &str) -> String {
    s.trim()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect::<Vec<_>>()
        .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_name_has_a_table() {
        let text: String = super::super::options::RULE_NAMES
            .iter()
            .map(|n| format!("[rules.{n}]\nseverity = \"warning\"\n"))
            .collect();
        let settings = super::super::from_toml_str(&text, Path::new("x.toml")).unwrap();
        for name in super::super::options::RULE_NAMES {
            let meta = crate::finding::RuleMeta {
                name,
                default_severity: Severity::Error,
                summary: "",
                raw_docs: "",
            };
            assert_eq!(
                settings.rules.severity(&meta),
                Some(Severity::Warning),
                "{name}"
            );
        }
    }

    #[test]
    fn readers_and_env_reader_names_are_validated() {
        let text = r#"
[rules.secret-env-read]
env-reader-names = ["fetch_*", "[x"]

[[readers]]
path = "billing_sdk::Client::from_env"
reads = ["BILLING_API_KEY"]

[[readers]]
path = "from_env"
reads = []

[[readers]]
path = "sdk::load!"
reads = ["lower_case"]
"#;
        let err = super::super::from_toml_str(text, Path::new("x.toml")).unwrap_err();
        let problems: Vec<(String, &str)> = err
            .problems()
            .iter()
            .map(|p| (p.message.clone(), &text[p.primary_span()]))
            .collect();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].0.contains("invalid glob `[x`"), "{problems:?}");
        assert_eq!(problems[1].1, r#""from_env""#);
        assert!(problems[2].0.contains("reads no variable"), "{problems:?}");
        assert_eq!(problems[3].1, r#""lower_case""#);

        let ok = r#"
[rules.secret-env-read]
env-reader-names = ["fetch_*"]

[[readers]]
path = "billing_sdk::Client::from_env"
reads = ["BILLING_API_KEY"]
note = "reads the key"
"#;
        let settings = super::super::from_toml_str(ok, Path::new("x.toml")).unwrap();
        let names = &settings.rules.secret_env_read.env_reader_names;
        assert!(names.matches("fetch_key") && !names.matches("from_env"));
        let readers = &settings.readers;
        let i = readers
            .find(&["billing_sdk::Client::from_env".to_owned()])
            .unwrap();
        assert_eq!(readers.get(i).reads, ["BILLING_API_KEY"]);
        assert!(
            readers
                .find(&["teloxide::Bot::from_env".to_owned()])
                .is_some()
        );

        let unknown = "[[readers]]\npath = \"a::b\"\nreads = [\"A_TOKEN\"]\nwhat = 1\n";
        let err = super::super::from_toml_str(unknown, Path::new("x.toml")).unwrap_err();
        assert!(err.to_string().contains("unknown field `what`"), "{err}");
    }

    #[test]
    fn identifiers() {
        for ok in ["OpenAiApiKey", "A", "Key2", "open_ai"] {
            assert!(is_rust_ident(ok), "{ok}");
        }
        for bad in [
            "", "_", "2Key", "Open-Ai", "type", "Self", "r#type", "Clé", "a b",
        ] {
            assert!(!is_rust_ident(bad), "{bad}");
        }
        assert!(is_upper_camel("OpenAiApiKey"));
        assert!(!is_upper_camel("openAi"));
        assert!(!is_upper_camel("Open_Ai"));
        assert_eq!(upper_camel("openai_api-key"), "OpenaiApiKey");
        assert_eq!(screaming_snake("openai-api key"), "OPENAI_API_KEY");
    }
}
