//! Credentials inside text that a string holds: configuration written into a literal (a `.env`
//! block, TOML, YAML, JSON, INI), connection strings (`Server=..;Password=..;`) and URLs with a
//! password (`postgres://app:PASSWORD@db`). The literal as a whole is neither a key nor in a
//! credential's place, so the single-literal tests miss these; the structure names the secret.
//!
//! Used by `hardcoded-secret` on each literal's value, and by the renderers' redaction on whole
//! files (the same shapes written as Rust code are masked too).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::credentials::{
    is_high_entropy, is_placeholder_password, is_public_by_design, is_strong_password, is_words,
};
use crate::analysis::secret_value_names::names_secret_value;

/// A credential found by its structure: where its value is, and what held it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embedded {
    /// "a password in a URL", "a secret value".
    pub what: &'static str,
    /// For finding identities: `url-password`, `config-value`.
    pub id: &'static str,
    /// The key it is the value of (`DB_PASSWORD`, `AccountKey`), or the URL's user.
    pub key: String,
    /// The value's bytes in the searched text.
    pub range: Range<usize>,
}

/// Keys of connection strings and cloud configuration that hold a secret without one of the
/// credential words in their name (compared lower-case, without `_`, `-`, spaces).
const SECRET_KEYS: &[&str] = &[
    "accountkey",
    "sharedaccesskey",
    "accesskey",
    "secretkey",
    "privatekey",
    "pwd",
    "pass",
    "clientsecret",
    "signingkey",
    "encryptionkey",
    "masterkey",
];

/// Passwords that are a product's documented default or a word, not a secret someone chose.
const DEFAULT_PASSWORDS: &[&str] = &[
    "password", "passwd", "postgres", "mysql", "root", "admin", "secret", "pass", "guest", "test",
    "user", "changeme", "example", "redis", "rabbitmq", "sa", "oracle", "default", "letmein",
    "qwerty", "123456", "dev", "local",
];

/// `key = value`, `key: value`, `"key": "value"`, `Key=Value;` at the start of a line or after
/// a separator; the value quoted or bare.
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)(?:^|[\s;,{(\[&?])["']?([A-Za-z_][A-Za-z0-9_.\-]{0,63})["']?[ \t]*(:|=)[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`\n]*)`|([^\s;,&"'`}\]\)(<>]+))"#,
    )
    .expect("the assignment pattern compiles")
});

/// `scheme://user:password@host`.
static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b[a-z][a-z0-9+.-]{1,20}://([^\s/:@"'<>{}]{0,64}):([^\s/@"'<>]{1,128})@[A-Za-z0-9\[]"#)
        .expect("the userinfo pattern compiles")
});

/// Every credential `text` holds by its structure, in order.
pub fn find(text: &str) -> Vec<Embedded> {
    let mut out: Vec<Embedded> = Vec::new();
    for c in USERINFO.captures_iter(text) {
        let (Some(user), Some(password)) = (c.get(1), c.get(2)) else {
            continue;
        };
        if is_url_password(user.as_str(), password.as_str()) {
            out.push(Embedded {
                what: "a password in a URL",
                id: "url-password",
                key: user.as_str().to_owned(),
                range: password.range(),
            });
        }
    }
    for c in ASSIGNMENT.captures_iter(text) {
        let (Some(key), Some(separator)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let Some(value) = c.get(3).or(c.get(4)).or(c.get(5)).or(c.get(6)) else {
            continue;
        };
        let key_text = key.as_str();
        // `token: Secret<String>`, `api_key: SecretString::from(..)`, `[Token::Start]`: code
        // and paths, not a value.
        let code = text[separator.end()..].starts_with(':')
            || text[..separator.start()].ends_with(':')
            || (c.get(6).is_some()
                && (value.as_str().contains("::") || text[value.end()..].starts_with(['(', '<'])));
        if !code && names_secret(key_text) && is_secret_value(value.as_str()) {
            out.push(Embedded {
                what: "a secret value",
                id: "config-value",
                key: key_text.to_owned(),
                range: value.range(),
            });
        }
    }
    out.sort_by_key(|e| (e.range.start, e.range.end));
    out.dedup_by(|b, a| a.range.end > b.range.start);
    out
}

/// Whether a configuration key names a secret: a credential's name (`DB_PASSWORD`,
/// `client_secret`, not `token_url`) or a connection-string key (`AccountKey`, `Pwd`).
fn names_secret(key: &str) -> bool {
    let squashed: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .collect::<String>()
        .to_ascii_lowercase();
    let lower = key.to_ascii_lowercase();
    !NOT_SECRET_KEYS.contains(&lower.as_str())
        && !lower.contains("hash")
        && (names_secret_value(key) || SECRET_KEYS.iter().any(|k| squashed.ends_with(k)))
}

/// Keys named for a credential whose value is none: SigV4's `Credential=` is the access key ID
/// and the scope; a password hash is not the password.
const NOT_SECRET_KEYS: &[&str] = &["credential", "x-amz-credential"];

/// A value that is a secret someone chose or generated: high-entropy, or a strong password,
/// once percent-decoded; not a URL (its password is the URL test's) nor public by design.
fn is_secret_value(v: &str) -> bool {
    let v = percent_decode(v);
    !v.contains("://")
        && !is_public_by_design(&v)
        && (is_high_entropy(&v) || is_strong_password(&v))
}

/// A URL's password that is not a template, a default, a word or the user's own name: eight
/// or more characters of two kinds (letters, digits, symbols) once percent-decoded, or a
/// high-entropy or strong one. Encoding tests (`pass%20word`, `p%40ss`) are none.
fn is_url_password(user: &str, p: &str) -> bool {
    let decoded = percent_decode(p);
    let lower = decoded.to_lowercase();
    if lower == user.to_lowercase()
        || DEFAULT_PASSWORDS.contains(&lower.as_str())
        // `pass1234`, `passwörd`; the other made-up words are the placeholder test's.
        || lower.contains("pass")
        || decoded.contains('%')
        || decoded.chars().any(char::is_whitespace)
        || is_placeholder_password(p)
        || is_placeholder_password(&decoded)
        || is_words(&decoded)
    {
        return false;
    }
    let kinds = [
        decoded.chars().any(char::is_alphabetic),
        decoded.chars().any(|c| c.is_ascii_digit()),
        decoded.chars().any(|c| !c.is_alphanumeric()),
    ];
    (decoded.chars().count() >= 8 && kinds.iter().filter(|&&k| k).count() >= 2)
        || is_secret_value(p)
}

/// `p` with `%XX` escapes decoded (bytes that do not decode stay as written).
fn percent_decode(p: &str) -> String {
    let b = p.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: Option<&u8>| c.and_then(|&c| (c as char).to_digit(16));
        match (b[i], hex(b.get(i + 1)), hex(b.get(i + 2))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    //! Values here are assembled at run time, so this file holds no credential-shaped literal.

    use super::*;

    fn pw() -> String {
        ["Vq7", "#mZ2", "!pL9", "xR4"].concat()
    }

    fn ids(text: &str) -> Vec<(&'static str, String)> {
        find(text)
            .into_iter()
            .map(|e| (e.id, text[e.range].to_owned()))
            .collect()
    }

    #[test]
    fn configuration_text() {
        let p = pw();
        for text in [
            format!("DB_HOST=db\nDB_PASSWORD={p}\n"),
            format!("[database]\nhost = \"db\"\npassword = \"{p}\"\n"),
            format!("database:\n  host: db\n  password: {p}\n"),
            format!("{{\"user\": \"app\", \"password\": \"{p}\"}}"),
            format!("Server=tcp:db,1433;User Id=app;Password={p};"),
            format!("[auth]\nclient_secret={p}"),
        ] {
            assert_eq!(ids(&text), [("config-value", p.clone())], "{text}");
        }
        let account = ["Qm9", "2xZ7vN1", "wP4kL8", "sT3yR6uE0", "aB5"]
            .concat()
            .repeat(4)
            + "==";
        let conn = format!(
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={account};EndpointSuffix=core.windows.net"
        );
        assert_eq!(ids(&conn), [("config-value", account)]);
    }

    #[test]
    fn urls_with_a_password() {
        let p = pw();
        for text in [
            format!("postgres://app:{p}@db.internal:5432/app"),
            format!("redis://:{p}@cache:6379"),
            format!("amqp://svc:{p}@mq/vhost"),
        ] {
            assert_eq!(ids(&text).len(), 1, "{text}");
            assert_eq!(ids(&text)[0].1, p);
        }
    }

    #[test]
    fn look_alikes_stay_quiet() {
        for text in [
            "DB_PASSWORD=\nAPI_TOKEN=${API_TOKEN}\n",
            "password = \"changeme\"",
            "password: <your-password>",
            "token_url = \"https://auth.example.com/token\"",
            "postgres://postgres:postgres@localhost/db",
            "postgres://user@localhost/db",
            "postgres://${DB_USER}:${DB_PASS}@db/app",
            "mysql://root:root@127.0.0.1/test",
            "https://example.com:8443/path",
            "secret_name = \"prod/db\"",
            "password_file = \"/run/secrets/db\"",
            // Code in text: a field's type, a constructor.
            "struct Creds { api_key: String, token: Secret<String> }",
            "Client { api_key: SecretString::from(\"sk-example\") }",
            "let t = Token { secret: Zeroizing::new(bytes) };",
            "Expects a [Token::StartObject] or [Token::ValueNull]",
            "The header and purpose for the public token: `v2.public.`.",
            "use aws_credential_types::Credentials;",
            "token=access_token_123&token_type_hint=access_token",
            "Credential=123-key/20090213/us-west-17/sts/aws4_request",
            "ssh://user:pass%20word@example.com/repo",
            "redis://:password1@127.0.0.1:6379",
            "ftp://rms:secret123@example.com",
            "postgres://bot:rewrite_it_in_rust@localhost:5432/db",
            "redis://%25johndoe%25:%23%40%3C%3E%24@example.com/2",
            "smtps://user%40example.com:pa$$word%3F%22!@smtp.example.com:465",
            "http://u%40ser:p%2540ss+word@localhost:3128",
            "http://user:p%40ss%3Aword@example.com/path",
            "unix:///example.sock?user=%25johndoe%25&pass=%23%40%3C%3E%24&db=2",
            "- Username & Password: `redis://user:password@127.0.0.1:6379`",
            "Authorization: AWS4-HMAC-SHA256 Credential=H20ABqCkLZID4rLe/20220809/us-east-1/s3/aws4_request",
            "hashed_password: $argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
        ] {
            assert!(ids(text).is_empty(), "{text}");
        }
    }
}
