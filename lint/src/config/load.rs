//! The entry points: discover or take the config file, parse it, validate it => [`Settings`].

use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{LabeledSpan, NamedSource, SourceSpan};

use super::discover::{self, ConfigKind, Discovered};
use super::options::{CargoManifest, Options};
use super::validate::validate;
use super::{ConfigError, Settings};
use crate::input::clip;

/// Loads the settings for a run.
///
/// - `no_config`: ignore any config file; built-in defaults, `base_dir` = working directory.
/// - `explicit` (`--config FILE`): that file, which must exist. A file named `Cargo.toml` is
///   read for its `[workspace.metadata.vox-clavis-lint]` (or `[package.metadata...]`) table.
/// - otherwise the file [`discover`](super::discover()) finds from `start` upward; none at
///   all is fine and gives the defaults.
///
/// Non-fatal problems end up in [`Settings::warnings`].
pub fn load(
    explicit: Option<&Path>,
    no_config: bool,
    start: &Path,
) -> Result<Settings, ConfigError> {
    if no_config {
        return Ok(defaults(Vec::new()));
    }
    if let Some(path) = explicit {
        return load_file(path);
    }
    let mut warnings = Vec::new();
    match discover::discover(start, &mut warnings)? {
        Some(found) => from_discovered(found, warnings),
        None => Ok(defaults(warnings)),
    }
}

/// Loads one config file: a standalone TOML config, or a `Cargo.toml` with our metadata table.
pub fn load_file(path: &Path) -> Result<Settings, ConfigError> {
    let text = discover::read(path)?;
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let kind = if path.file_name().is_some_and(|n| n == "Cargo.toml") {
        match discover::cargo_table_kind(&text) {
            Ok(Some(kind)) => kind,
            Ok(None) => return Err(ConfigError::NoMetadata { path }),
            Err(e) => return Err(parse_error(&e, &path, text)),
        }
    } else {
        ConfigKind::Standalone
    };
    from_discovered(Discovered { path, kind, text }, Vec::new())
}

/// Parses `text` as a standalone config file located at `path` (includes and excludes are
/// relative to its directory). For tests and tools that hold the text already.
pub fn from_toml_str(text: &str, path: &Path) -> Result<Settings, ConfigError> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    from_discovered(
        Discovered {
            path,
            kind: ConfigKind::Standalone,
            text: text.to_owned(),
        },
        Vec::new(),
    )
}

fn from_discovered(found: Discovered, mut warnings: Vec<String>) -> Result<Settings, ConfigError> {
    let Discovered { path, kind, text } = found;
    let parsed = match kind {
        ConfigKind::Standalone => toml::from_str::<Options>(&text),
        ConfigKind::CargoWorkspace => toml::from_str::<CargoManifest<Options>>(&text)
            .map(|m| m.workspace_table().unwrap_or_default()),
        ConfigKind::CargoPackage => toml::from_str::<CargoManifest<Options>>(&text)
            .map(|m| m.package_table().unwrap_or_default()),
    };
    let options = parsed.map_err(|e| parse_error(&e, &path, text.clone()))?;
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let origin = display_path(&path);
    let validated = validate(options, &base_dir, &origin).map_err(|mut problems| {
        let spans: Vec<Range<usize>> = problems
            .iter()
            .flat_map(|p| &p.labels)
            .map(|l| l.offset()..l.offset() + l.len())
            .collect();
        let (src, spans) = source(&path, text, spans);
        let mut spans = spans.into_iter();
        for label in problems.iter_mut().flat_map(|p| &mut p.labels) {
            let span = spans.next().unwrap_or_default();
            let text = label.label().map(str::to_owned);
            *label = if label.primary() {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            };
        }
        ConfigError::Invalid { src, problems }
    })?;
    warnings.extend(validated.warnings);
    Ok(Settings {
        config_file: Some(path),
        base_dir,
        inventory: validated.inventory,
        names: validated.names,
        scan: validated.scan,
        taint: validated.taint,
        rules: validated.rules,
        suppressions: validated.suppressions,
        overrides: validated.overrides,
        readers: validated.readers,
        warnings,
    })
}

fn defaults(warnings: Vec<String>) -> Settings {
    Settings {
        base_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        warnings,
        ..Settings::default()
    }
}

fn parse_error(e: &toml::de::Error, path: &Path, text: String) -> ConfigError {
    let message = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let (src, spans) = source(path, text, e.span().into_iter().collect());
    ConfigError::Parse {
        src,
        message: clip::message(&message),
        span: spans.into_iter().next().map(SourceSpan::from),
    }
}

/// The text errors quote, with long lines cut around `spans` (a one-line file of megabytes
/// is not echoed whole), and the spans in it.
fn source(
    path: &Path,
    text: String,
    spans: Vec<Range<usize>>,
) -> (NamedSource<String>, Vec<Range<usize>>) {
    let (text, spans) = clip::around(&text, &spans).unwrap_or((text, spans));
    let src = NamedSource::new(display_path(path), text).with_language("TOML");
    (src, spans)
}

/// `path` relative to the working directory when it lies below it, else as is.
pub(crate) fn display_path(path: &Path) -> String {
    if let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = path.strip_prefix(&cwd)
        && !rel.as_os_str().is_empty()
    {
        return rel.display().to_string();
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests;
