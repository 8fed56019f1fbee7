//! `inventory-conflict`: two inventory sources disagree about a secret.
//!
//! The engine merges the enums deriving `SecretInventory` into the inventory before any rule
//! runs ([`crate::analysis::derived`]); this rule reads the enums of the file it checks again and
//! compares each variant with the merged inventory, so the findings sit on the enum, with the
//! file's levels and suppression comments.

use crate::analysis::derived;
use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::rules::context::FileContext;
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a variant of an enum deriving `vox_clavis::SecretInventory` that disagrees with
    /// another declaration of the inventory: a `[[secret]]` of the configuration, an entry of
    /// an included JSON contract, or a variant of another `SecretInventory` enum in the
    /// checked tree. Two declarations conflict when
    ///
    /// - one environment variable names two different secrets: `OPENAI_KEY` is an alias of
    ///   `OpenAiApiKey` in the enum and the canonical name of `AzureOpenAiKey` in
    ///   `vox-clavis-lint.toml`. The finding points at the name in `#[secret(..)]`;
    /// - one secret id is declared with different names: a different canonical name, other
    ///   aliases or deprecated aliases (their order aside), or a different `sensitive`. The
    ///   finding points at the variant.
    ///
    /// The message names the other declaration (`vox-clavis-lint.toml`, the contract, or
    /// `path:line` of the other enum); when both enums are in the same file the other place is
    /// labelled too. Between two enums each side is flagged. A variant declared exactly like
    /// an earlier declaration (same id, names and sensitivity) is the same secret declared
    /// twice, which is fine while an inventory moves from the configuration into code.
    /// Duplicates inside one enum are not flagged here: the derive rejects them at compile
    /// time. Conflicts between the configuration and its contracts are configuration warnings.
    /// Enums in test code (under a package's `tests/` or `benches/`, in `#[cfg(test)]` items)
    /// are a test's fakes: they are not inventory sources and are not checked.
    ///
    /// ## Why is this bad?
    /// The linter merges every inventory source into one, and the runtime resolves from the
    /// enum alone. When they disagree, a name can be read for the wrong secret, a read the
    /// runtime would resolve is reported under another id (or not reported as deprecated),
    /// and the documentation generated from the merged inventory (`vox-clavis-lint
    /// inventory`) describes a secret the program does not resolve.
    ///
    /// ## Example
    /// ```toml
    /// [[secret]]
    /// id = "AzureOpenAiKey"
    /// env = "OPENAI_KEY"
    /// ```
    ///
    /// ```rust,ignore
    /// #[derive(Clone, Copy, vox_clavis::SecretInventory)]
    /// pub enum SecretId {
    ///     #[secret(env = "OPENAI_API_KEY", aliases("OPENAI_KEY"))]
    ///     OpenAiApiKey,
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// #[derive(Clone, Copy, vox_clavis::SecretInventory)]
    /// pub enum SecretId {
    ///     #[secret(env = "OPENAI_API_KEY")]
    ///     OpenAiApiKey,
    ///     /// Declared once, here; the `[[secret]]` table can go.
    ///     #[secret(env = "OPENAI_KEY")]
    ///     AzureOpenAiKey,
    /// }
    /// ```
    ///
    /// ## Options
    /// The rule has no options of its own; set its severity in `[rules.inventory-conflict]`
    /// (see Configuration below).
    pub struct InventoryConflict {
        name: "inventory-conflict",
        severity: Error,
        summary: "two inventory sources declare a secret differently",
    }
}

const META: &RuleMeta = &InventoryConflict::META;

impl Rule for InventoryConflict {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn needs(&self) -> Needs {
        Needs::Tree
    }

    /// Only a file that derives `SecretInventory` holds an inventory enum.
    fn triggers(&self, _settings: &Settings) -> Triggers {
        Triggers::any([derived::NEEDLE])
    }

    fn check(&self, cx: &mut FileContext<'_>, file: &syn::File) {
        if !cx.source.text.contains(derived::NEEDLE) {
            return;
        }
        let enums = derived::enums(cx.source, file);
        for (i, decl) in enums.iter().enumerate() {
            let others: Vec<derived::DerivedEnum> = enums
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, e)| e.clone())
                .collect();
            for conflict in derived::conflicts(&cx.settings.inventory, decl, &others) {
                let mut finding = cx
                    .finding(META, conflict.location, conflict.message)
                    .with_label(conflict.label)
                    .with_help(conflict.help)
                    .with_identity(conflict.identity);
                if let Some((location, label)) = conflict.related {
                    finding = finding.with_related(location, label);
                }
                cx.report(finding);
            }
        }
    }
}
