//! Authorization header values written out in a string: a `Bearer` token that is
//! high-entropy, or `Basic` credentials whose decoded password is strong and not a placeholder
//! ([`authorization`]). Such a value is a credential wherever the literal sits, whatever the code
//! around it is named.
//!
//! Used by `hardcoded-secret`. Parsing a header value is recognising a credential in text, like
//! [`super::credentials`], on which it builds; it lives here so the rule keeps only its findings.

use crate::analysis::credentials;

/// A `Bearer <token>` or `Basic <credentials>` value anywhere in the literal, with a
/// high-entropy token or a strong password: (description, identity kind, length of the
/// token).
pub fn authorization(value: &str) -> Option<(&'static str, &'static str, usize)> {
    let token_after = |at: usize| {
        value[at..]
            .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ','))
            .next()
            .unwrap_or("")
    };
    for (at, scheme) in value.match_indices("Bearer ") {
        let token = token_after(at + scheme.len());
        if credentials::is_high_entropy(token) {
            return Some(("a bearer token", "bearer", token.len()));
        }
    }
    for (at, scheme) in value.match_indices("Basic ") {
        let token = token_after(at + scheme.len());
        let decoded = credentials::base64_text(token);
        let password = decoded
            .as_deref()
            .and_then(|d| d.split_once(':'))
            .map(|(_, p)| p);
        if password.is_some_and(credentials::is_strong_password) {
            return Some(("HTTP Basic credentials", "basic", token.len()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_values() {
        // Not named like a credential, so the linter does not flag this test.
        let random = "Q7wE2rT9yU4iO1pA6sD3";
        assert_eq!(
            authorization(&format!("Bearer {random}")),
            Some(("a bearer token", "bearer", 20))
        );
        assert_eq!(
            authorization(&format!("Authorization: Bearer {random}, x")).map(|a| a.2),
            Some(20)
        );
        assert_eq!(authorization("Bearer {token}"), None);
        assert_eq!(authorization("Bearer "), None);
        // `user:pass`, and RFC 7617's `Aladdin:open sesame`: examples.
        assert_eq!(authorization("Basic dXNlcjpwYXNz"), None);
        assert_eq!(authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), None);
        // `deploy:Xk7#mQ2vLp9w`, glued so that this file holds no such header literal.
        let strong = format!("{} {}{}", "Basic", "ZGVwbG95Olhr", "NyNtUTJ2THA5dw==");
        assert_eq!(authorization(&strong).map(|a| a.1), Some("basic"));
        assert_eq!(
            credentials::base64_text("ZGVwbG95").as_deref(),
            Some("deploy")
        );
        assert_eq!(credentials::base64_text("a b"), None);
    }
}
