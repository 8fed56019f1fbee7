//! The resolver: the one place a program gets a secret, with a documented precedence, a
//! fail-closed profile, an audit event for every read, and a value type that cannot be logged.
//!
//! Precedence, first match wins:
//!
//! 1. the canonical environment variable (`spec.env`),
//! 2. each alias, in order (`spec.aliases`),
//! 3. each deprecated alias, in order (`spec.deprecated`): the `Dev` profile accepts it with a
//!    warning event, `Strict` rejects it with an error naming the canonical variable,
//! 4. each configured source, in the order given to the builder (the vault, custom sources).
//!
//! An empty variable counts as unset. A source that fails (a vault that does not open, a
//! keyring that is locked) fails the resolve: falling through to a later source would make the
//! value depend on which sources happen to work.

use std::fmt;
use std::sync::{Arc, Mutex};

use secrecy::SecretString;

use crate::audit::{Action, AuditEvent, AuditSink, Auditor, Outcome};
use crate::cache::Cache;
use crate::error::Error;
use crate::redact::Redactor;
use crate::secret::{EnvKind, ResolvedSecret, Source, secret_from_string};
use crate::source::SecretSource;
use crate::source::env::{Environment, ProcessEnv};
use crate::spec::{SecretInventory, SecretSpec};
use crate::vault::Vault;

/// How strict the resolver is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Development: deprecated aliases are accepted with a warning event, missing required
    /// secrets are reported by `check()` as warnings, an audit sink that fails is ignored.
    Dev,
    /// CI and production, and the default: deprecated aliases are errors, `check()` and
    /// `resolve_optional` fail on a missing required secret, an audit sink that fails fails the
    /// resolve.
    #[default]
    Strict,
}

impl Profile {
    /// `"dev"` or `"strict"`, in any case.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "dev" => Some(Profile::Dev),
            "strict" => Some(Profile::Strict),
            _ => None,
        }
    }
}

/// A place after the environment.
enum Layer {
    Vault(Vault),
    Custom(Box<dyn SecretSource>),
}

/// Resolves secrets. Build one with [`Resolver::builder`], or use the process-wide default
/// through [`crate::resolve`].
///
/// ```
/// use vox_clavis::{MapEnv, Profile, Resolver, SecretSpec, Source, EnvKind};
///
/// static SECRETS: [SecretSpec; 1] = [SecretSpec::new("OpenAiApiKey", "OPENAI_API_KEY")
///     .aliases(&["OPENAI_KEY"])
///     .deprecated(&["OAI_API_KEY"])];
///
/// let resolver = Resolver::builder()
///     .profile(Profile::Strict)
///     .specs(&SECRETS)
///     .env(MapEnv::from([("OPENAI_KEY", "sk-from-alias")]))
///     .build();
/// let key = resolver.resolve_id("OpenAiApiKey")?;
/// assert_eq!(key.source(), Source::Env { name: "OPENAI_KEY", kind: EnvKind::Alias });
/// # Ok::<(), vox_clavis::Error>(())
/// ```
pub struct Resolver {
    profile: Profile,
    hard_cut: bool,
    env: Box<dyn Environment>,
    layers: Vec<Layer>,
    specs: Vec<&'static SecretSpec>,
    audit: Box<Auditor>,
    /// Every sensitive value this resolver has handed out: a source's error text may quote one
    /// (an HTTP client echoing a request), and only the resolver knows what to scrub.
    seen: Box<Mutex<Redactor>>,
    /// Values from the sources after the environment, if the program asked for a cache.
    cache: Option<Box<Cache>>,
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layers: Vec<String> = self
            .layers
            .iter()
            .map(|layer| match layer {
                Layer::Vault(vault) => format!("vault {}", vault.path().display()),
                Layer::Custom(source) => source.name().to_owned(),
            })
            .collect();
        f.debug_struct("Resolver")
            .field("profile", &self.profile)
            .field("hard_cut", &self.hard_cut)
            .field("cache_ttl", &self.cache.as_ref().map(|c| c.ttl()))
            .field("sources", &layers)
            .field(
                "secrets",
                &self.specs.iter().map(|s| s.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Builds a [`Resolver`].
pub struct ResolverBuilder {
    resolver: Resolver,
}

impl ResolverBuilder {
    /// Sets the profile (default `Strict`).
    pub fn profile(mut self, profile: Profile) -> Self {
        self.resolver.profile = profile;
        self
    }

    /// The hard cut (off by default, any profile): a deprecated alias that is set at all, even
    /// beside the canonical name, fails `check()` and every resolve of its secret, naming the
    /// variable. For the release that removes the legacy names: a deployment still setting one
    /// fails at start-up instead of carrying it on unnoticed.
    pub fn hard_cut(mut self, on: bool) -> Self {
        self.resolver.hard_cut = on;
        self
    }

    /// Reads variables from `env` instead of the process environment.
    pub fn env(mut self, env: impl Environment + 'static) -> Self {
        self.resolver.env = Box::new(env);
        self
    }

    /// Adds the vault as the next source after those already added.
    pub fn vault(mut self, vault: Vault) -> Self {
        self.resolver.layers.push(Layer::Vault(vault));
        self
    }

    /// Adds a custom source as the next source after those already added.
    pub fn source(mut self, source: impl SecretSource + 'static) -> Self {
        self.resolver.layers.push(Layer::Custom(Box::new(source)));
        self
    }

    /// Adds the secrets of an inventory type (for `status()`, `check()` and `resolve_id`).
    pub fn inventory<I: SecretInventory>(self) -> Self {
        self.specs(I::specs())
    }

    /// Adds the secrets of a table.
    pub fn specs(mut self, specs: &'static [SecretSpec]) -> Self {
        for spec in specs {
            if !self.resolver.specs.iter().any(|s| s.id == spec.id) {
                self.resolver.specs.push(spec);
            }
        }
        self
    }

    /// Sends an audit event for every resolve to `sink`.
    pub fn audit(mut self, sink: Arc<dyn AuditSink>) -> Self {
        self.resolver.audit.sink = Some(sink);
        self
    }

    /// Says why in every audit event of this resolver, unless a resolve gives its own reason
    /// ([`Resolver::resolve_with_reason`]).
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.resolver.audit.reason = Some(reason.into());
        self
    }

    /// Keeps values from the vault and custom sources for `ttl`, so a resolve does not
    /// re-read and decrypt the vault or ask the key provider (or a remote manager) each time.
    /// Off by default, under every profile: a cached value outlives a rotation or revocation
    /// by up to `ttl`. Every resolve is still audited; the environment is never cached.
    pub fn cache(mut self, ttl: std::time::Duration) -> Self {
        self.resolver.cache = Some(Box::new(Cache::new(ttl)));
        self
    }

    /// Names who resolves in the audit events (a service name, a user).
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.resolver.audit.actor = Some(actor.into());
        self
    }

    /// The resolver.
    pub fn build(self) -> Resolver {
        self.resolver
    }
}

/// Where a secret stands, without its value: one row of `vox secrets status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretStatus {
    /// The secret's id.
    pub id: &'static str,
    /// Its canonical variable.
    pub env: &'static str,
    /// Whether and how it was found.
    pub state: State,
    /// Where it was found.
    pub source: Option<Source>,
    /// Whether it is required.
    pub required: bool,
    /// Whether it is a secret (not managed configuration).
    pub sensitive: bool,
}

/// Whether and how a secret was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Found in a current name or a source.
    Present,
    /// Not found anywhere.
    Missing,
    /// Found only under a deprecated alias: rename it (the `Strict` profile rejects it).
    DeprecatedSource,
    /// A source failed while looking (its error, which holds no value).
    Unavailable(String),
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Present => f.write_str("present"),
            State::Missing => f.write_str("missing"),
            State::DeprecatedSource => f.write_str("deprecated-source"),
            State::Unavailable(reason) => write!(f, "unavailable: {reason}"),
        }
    }
}

impl fmt::Display for SecretStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.id, self.env, self.state)?;
        if let Some(source) = self.source {
            write!(f, " from {source}")?;
        }
        if self.required {
            f.write_str(", required")?;
        }
        Ok(())
    }
}

/// What the lookup found.
enum Found {
    Value(Source, SecretString),
    /// A value from the resolver's cache.
    Cached(Source, SecretString),
    Nothing,
}

impl Resolver {
    /// A builder: `Strict`, the process environment, no other source, no inventory, no audit.
    pub fn builder() -> ResolverBuilder {
        ResolverBuilder {
            resolver: Resolver {
                profile: Profile::Strict,
                hard_cut: false,
                env: Box::new(ProcessEnv),
                layers: Vec::new(),
                specs: Vec::new(),
                audit: Box::default(),
                seen: Box::new(Mutex::new(Redactor::new())),
                cache: None,
            },
        }
    }

    /// The profile.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Resolves a secret of an inventory.
    pub fn resolve<I: SecretInventory>(&self, id: I) -> Result<ResolvedSecret, Error> {
        self.resolve_spec(id.spec())
    }

    /// Resolves a secret that may be absent: `Ok(None)` if no source has it, except that the
    /// `Strict` profile fails on a missing required secret.
    pub fn resolve_optional<I: SecretInventory>(
        &self,
        id: I,
    ) -> Result<Option<ResolvedSecret>, Error> {
        self.resolve_spec_optional(id.spec())
    }

    /// Resolves a secret of the inventory by its id string.
    pub fn resolve_id(&self, id: &str) -> Result<ResolvedSecret, Error> {
        let spec = self
            .specs
            .iter()
            .find(|spec| spec.id == id)
            .ok_or_else(|| Error::UnknownId(id.to_owned()))?;
        self.resolve_spec(spec)
    }

    /// Resolves the secret `spec` describes.
    pub fn resolve_spec(&self, spec: &'static SecretSpec) -> Result<ResolvedSecret, Error> {
        match self.resolve_spec_optional_inner(spec, None)? {
            Some(secret) => Ok(secret),
            None => Err(self.missing(spec)),
        }
    }

    /// Resolves a secret of an inventory, saying why in its audit event (a job, a ticket).
    pub fn resolve_with_reason<I: SecretInventory>(
        &self,
        id: I,
        reason: &str,
    ) -> Result<ResolvedSecret, Error> {
        let spec = id.spec();
        match self.resolve_spec_optional_inner(spec, Some(reason))? {
            Some(secret) => Ok(secret),
            None => Err(self.missing(spec)),
        }
    }

    /// Like [`Resolver::resolve_optional`], for a spec.
    pub fn resolve_spec_optional(
        &self,
        spec: &'static SecretSpec,
    ) -> Result<Option<ResolvedSecret>, Error> {
        match self.resolve_spec_optional_inner(spec, None)? {
            None if spec.required && self.profile == Profile::Strict => Err(self.missing(spec)),
            found => Ok(found),
        }
    }

    fn resolve_spec_optional_inner(
        &self,
        spec: &'static SecretSpec,
        reason: Option<&str>,
    ) -> Result<Option<ResolvedSecret>, Error> {
        let event = AuditEvent::new(Action::Resolve, Outcome::Ok)
            .id(spec.id)
            .reason(reason);
        let found = match self.lookup(spec) {
            Ok(found) => found,
            Err(error) => {
                let outcome = match error {
                    Error::DeprecatedAlias { .. } | Error::LegacyNames { .. } => Outcome::Denied,
                    _ => Outcome::Error,
                };
                let mut event = event.detail(error.to_string());
                event.outcome = outcome;
                self.emit(event)?;
                return Err(error);
            }
        };
        let cached = matches!(found, Found::Cached(..));
        match found {
            Found::Value(source, value) | Found::Cached(source, value) => {
                let mut event = event.source(source);
                if cached {
                    event = event.detail(format!(
                        "from the resolver's cache (ttl {:?})",
                        self.cache.as_ref().map(|c| c.ttl()).unwrap_or_default()
                    ));
                }
                if let Source::Env {
                    name,
                    kind: EnvKind::Deprecated,
                } = source
                {
                    event.outcome = Outcome::Warning;
                    event = event.detail(format!(
                        "deprecated alias `{name}`: rename it to `{}`",
                        spec.env
                    ));
                }
                self.emit(event)?;
                // A cached value was added when it was first resolved.
                if spec.sensitive && !cached {
                    self.seen
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .add_secret(&value);
                }
                Ok(Some(ResolvedSecret::new(spec.id, source, value)))
            }
            Found::Nothing => {
                let mut event = event;
                event.outcome = Outcome::Missing;
                self.emit(event)?;
                Ok(None)
            }
        }
    }

    fn missing(&self, spec: &'static SecretSpec) -> Error {
        Error::Missing {
            id: spec.id,
            env: spec.env,
            vault: self.layers.iter().any(|l| matches!(l, Layer::Vault(_))),
        }
    }

    /// Records an event: a failing sink fails the operation under `Strict` and is ignored under
    /// `Dev`.
    fn emit(&self, event: AuditEvent) -> Result<(), Error> {
        match self.audit.emit(event) {
            Err(e) if self.profile == Profile::Strict => Err(Error::Audit(e)),
            _ => Ok(()),
        }
    }

    /// The environment names of `spec`, in precedence order.
    fn env_names(spec: &'static SecretSpec) -> impl Iterator<Item = (&'static str, EnvKind)> {
        std::iter::once((spec.env, EnvKind::Canonical))
            .chain(spec.aliases.iter().map(|n| (*n, EnvKind::Alias)))
            .chain(spec.deprecated.iter().map(|n| (*n, EnvKind::Deprecated)))
    }

    /// The deprecated variables of `spec` that are set, as [`Error::LegacyNames`] lists them.
    fn legacy_names(
        &self,
        spec: &'static SecretSpec,
    ) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> + '_ {
        spec.deprecated
            .iter()
            .filter(|name| self.env.var(name).is_some_and(|v| !v.is_empty()))
            .map(move |name| (spec.id, *name, spec.env))
    }

    fn lookup(&self, spec: &'static SecretSpec) -> Result<Found, Error> {
        if self.hard_cut {
            let names: Vec<_> = self.legacy_names(spec).collect();
            if !names.is_empty() {
                return Err(Error::LegacyNames { names });
            }
        }
        for (name, kind) in Self::env_names(spec) {
            let Some(value) = self.env.var(name).filter(|v| !v.is_empty()) else {
                continue;
            };
            if kind == EnvKind::Deprecated && self.profile == Profile::Strict {
                return Err(Error::DeprecatedAlias {
                    id: spec.id,
                    name,
                    canonical: spec.env,
                });
            }
            let text = value
                .into_string()
                .map_err(|_| Error::NotUnicode { id: spec.id, name })?;
            return Ok(Found::Value(
                Source::Env { name, kind },
                secret_from_string(text),
            ));
        }
        if let Some((source, value)) = self.cache.as_ref().and_then(|c| c.get(spec.id)) {
            return Ok(Found::Cached(source, value));
        }
        let found = self.lookup_layers(spec)?;
        if let (Some(cache), Found::Value(source, value)) = (&self.cache, &found) {
            cache.put(spec.id, *source, value);
        }
        Ok(found)
    }

    fn lookup_layers(&self, spec: &'static SecretSpec) -> Result<Found, Error> {
        for layer in &self.layers {
            match layer {
                Layer::Vault(vault) => {
                    if let Some(value) = vault.fetch(spec.id)? {
                        return Ok(Found::Value(Source::Vault, value));
                    }
                }
                Layer::Custom(source) => {
                    let value = source.fetch(spec).map_err(|reason| Error::Source {
                        id: spec.id,
                        source_name: source.name(),
                        reason: self.scrub(spec, reason),
                    })?;
                    if let Some(value) = value {
                        return Ok(Found::Value(Source::Custom(source.name()), value));
                    }
                }
            }
        }
        Ok(Found::Nothing)
    }

    /// Drops (and wipes) every cached value: after a rotation or a revocation the program knows
    /// of.
    pub fn clear_cache(&self) {
        if let Some(cache) = &self.cache {
            cache.clear();
        }
    }

    /// `reason` (a source's own words) with every value this resolver knows masked: the values
    /// it has handed out, and those of every sensitive variable of the inventory and of `spec`.
    /// A value it has never seen cannot be recognized; `SecretSource::fetch` says so.
    fn scrub(&self, spec: &'static SecretSpec, reason: String) -> String {
        let mut redactor = self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let specs = self.specs.iter().copied().chain(std::iter::once(spec));
        for spec in specs.filter(|s| s.sensitive) {
            for (name, _) in Self::env_names(spec) {
                if let Some(Ok(value)) = self.env.var(name).map(|v| v.into_string()) {
                    redactor.add_secret(&secret_from_string(value));
                }
            }
        }
        // The raw text may hold a value: wipe it once the redacted copy exists.
        let reason = zeroize::Zeroizing::new(reason);
        redactor.redact(&reason)
    }

    /// Every secret of the inventory, present or not, with where it was found; never a value.
    pub fn status(&self) -> Vec<SecretStatus> {
        self.specs.iter().map(|spec| self.status_of(spec)).collect()
    }

    fn status_of(&self, spec: &'static SecretSpec) -> SecretStatus {
        let row = |state, source| SecretStatus {
            id: spec.id,
            env: spec.env,
            state,
            source,
            required: spec.required,
            sensitive: spec.sensitive,
        };
        for (name, kind) in Self::env_names(spec) {
            if self.env.var(name).is_some_and(|v| !v.is_empty()) {
                let state = if kind == EnvKind::Deprecated {
                    State::DeprecatedSource
                } else {
                    State::Present
                };
                return row(state, Some(Source::Env { name, kind }));
            }
        }
        for layer in &self.layers {
            let (found, source) = match layer {
                Layer::Vault(vault) => (
                    vault.contains(spec.id).map_err(|e| e.to_string()),
                    Source::Vault,
                ),
                Layer::Custom(custom) => (
                    custom.contains(spec).map_err(|r| self.scrub(spec, r)),
                    Source::Custom(custom.name()),
                ),
            };
            match found {
                Ok(true) => return row(State::Present, Some(source)),
                Ok(false) => {}
                Err(reason) => return row(State::Unavailable(reason), Some(source)),
            }
        }
        row(State::Missing, None)
    }

    /// Checks the whole inventory at start-up. `Strict` fails if a required secret is missing
    /// or any secret is only under a deprecated alias; `Dev` records a warning event for each
    /// and succeeds. With the hard cut, any deprecated alias that is set fails it, under either
    /// profile. `Strict` refuses first of all to run without an audit sink.
    pub fn check(&self) -> Result<(), Error> {
        if self.profile == Profile::Strict && self.audit.sink.is_none() {
            return Err(Error::NoAuditSink);
        }
        if self.hard_cut {
            let names: Vec<_> = self
                .specs
                .iter()
                .flat_map(|spec| self.legacy_names(spec))
                .collect();
            if !names.is_empty() {
                for (id, name, canonical) in &names {
                    self.emit(
                        AuditEvent::new(Action::Resolve, Outcome::Denied)
                            .id(*id)
                            .detail(format!(
                                "hard cut: the deprecated variable `{name}` is set; unset it \
                                 and keep `{canonical}`"
                            )),
                    )?;
                }
                return Err(Error::LegacyNames { names });
            }
        }
        let mut missing = Vec::new();
        for status in self.status() {
            let problem = match status.state {
                State::Missing | State::Unavailable(_) if status.required => {
                    missing.push(status.id);
                    format!("required secret missing: set `{}`", status.env)
                }
                State::DeprecatedSource => {
                    if self.profile == Profile::Strict {
                        let spec = self.specs.iter().find(|s| s.id == status.id);
                        if let (Some(spec), Some(Source::Env { name, .. })) = (spec, status.source)
                        {
                            return Err(Error::DeprecatedAlias {
                                id: spec.id,
                                name,
                                canonical: spec.env,
                            });
                        }
                    }
                    format!(
                        "found only under a deprecated alias: rename it to `{}`",
                        status.env
                    )
                }
                _ => continue,
            };
            if self.profile == Profile::Dev {
                let mut event = AuditEvent::new(Action::Resolve, Outcome::Warning)
                    .id(status.id)
                    .detail(problem);
                if let Some(source) = status.source {
                    event = event.source(source);
                }
                self.emit(event)?;
            }
        }
        if self.profile == Profile::Strict && !missing.is_empty() {
            return Err(Error::RequiredMissing { ids: missing });
        }
        Ok(())
    }
}
