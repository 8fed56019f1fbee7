//! The documentation page of the credential format catalog (`docs/credential-formats.md`),
//! generated from `formats.toml` so the page and the rule cannot disagree.

use super::catalog::{CATALOG, Checksum, Format};

/// The Markdown page listing every format of the built-in catalog.
pub fn catalog_page() -> String {
    let mut formats: Vec<&Format> = CATALOG.formats.iter().collect();
    formats.sort_by(|a, b| {
        (a.provider.to_lowercase(), &a.id).cmp(&(b.provider.to_lowercase(), &b.id))
    });
    let mut page = format!(
        "# Credential formats\n\n\
         <!-- Generated from lint/src/analysis/credentials/formats.toml by \
         `UPDATE_DOCS=1 cargo test -p vox-clavis-lint --test docs`; edit that file, not this page. -->\n\n\
         The {} formats [`hardcoded-secret`](rules/hardcoded-secret.md) recognises anywhere in a \
         string literal, and every output format masks. A match is a key of the format only if \
         its secret part is not a placeholder, nothing of the token alphabet follows it, its \
         checksum holds (where the format has one), and, for a format whose pattern alone could \
         be a hash or an id, one of its keywords is near: in the name the literal is assigned \
         to, or on its line shortly before it. PEM private keys and JSON Web Tokens are \
         recognised by their structure and are not listed here.\n\n\
         *Source* is the provider's documentation of the key; a `gitleaks:` rule id says the \
         pattern was ported from gitleaks' default configuration.\n\n\
         | Provider | Format | Prefixes | Secret part | Needs | Source |\n\
         |---|---|---|---|---|---|\n",
        formats.len()
    );
    for f in formats {
        let prefixes = if f.prefixes.is_empty() {
            "none".to_owned()
        } else {
            f.prefixes
                .iter()
                .map(|p| format!("`{}`", cell(p)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut needs = Vec::new();
        if f.checksum == Some(Checksum::GithubCrc32) {
            needs.push("CRC32 checksum".to_owned());
        }
        if !f.keywords.is_empty() {
            let words: Vec<String> = f
                .keywords
                .iter()
                .map(|k| format!("`{}`", cell(k)))
                .collect();
            needs.push(format!("a keyword: {}", words.join(" ")));
        }
        if f.mixed {
            needs.push("letters and digits".to_owned());
        }
        let source = match &f.source {
            Some(s) => format!("[docs]({})<br>{}", f.docs, cell(s)),
            None => format!("[docs]({})", f.docs),
        };
        page.push_str(&format!(
            "| {} | {}<br>`{}` | {} | `{}` | {} | {} |\n",
            cell(&f.provider),
            cell(&f.what),
            f.id,
            prefixes,
            cell(&f.body),
            if needs.is_empty() {
                "-".to_owned()
            } else {
                needs.join("; ")
            },
            source,
        ));
    }
    page.push_str(LEFT_OUT);
    page
}

/// The rules of gitleaks' default configuration the catalog does not port, and why.
const LEFT_OUT: &str = "
## gitleaks rules not in the catalog

- `generic-api-key`: the rule's own test for a high-entropy value in a credential's place.
- `private-key`, `jwt`, `jwt-base64`: found by their structure in code, not by a pattern.
- `curl-auth-header`, `curl-auth-user`, `kubernetes-secret-yaml`, `pkcs12-file`,
  `nuget-config-password`, `hashicorp-tf-password`, `freemius-secret-key`: they need a file
  name, a command line or lines of context; credentials in a `Bearer`/`Basic` header, a URL or
  configuration text in a string are the rule's structure tests.
- `database-password`: a keyword followed by any 1 to 100 characters, no pattern of its own.
- Identifiers and public keys, which are no secrets: the client and application IDs of Adobe,
  Asana, Bitbucket, Discord, LinkedIn, MessageBird and Plaid, `sendbird-access-id`,
  `sumologic-access-id`, `lob-pub-api-key`, `flutterwave-public-key`, `mailgun-pub-key`,
  `new-relic-browser-api-token`; Mapbox's `pk.` public tokens (its `sk.` secret tokens are in).
- `sourcegraph-access-token`'s bare 40-hex variant, which is every commit hash.
";

/// Text for a table cell: `|` would end it.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}
