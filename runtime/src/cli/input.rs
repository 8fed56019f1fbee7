//! Where a new value comes from: standard input when it is a pipe, a prompt without echo on a
//! terminal, or a random value. Never from an argument, which `ps` and shell history would keep.

use std::io::{IsTerminal, Read};

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::Failure;
use crate::vault::Kek;

/// Reads the value for `id`: prompted without echo on a terminal, else all of standard input
/// less one final line break. An empty value is refused.
pub(crate) fn read_value(id: &str) -> Result<SecretString, Failure> {
    let text = if std::io::stdin().is_terminal() {
        Zeroizing::new(
            rpassword::prompt_password(format!("value for {id} (not echoed): ")).map_err(|e| {
                Failure::Run(format!("cannot read the value from the terminal: {e}"))
            })?,
        )
    } else {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Run(format!("cannot read the value from standard input: {e}")))?;
        text
    };
    let value = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    if value.is_empty() {
        return Err(Failure::Run(format!(
            "no value for `{id}`: pipe it on standard input or type it at the prompt"
        )));
    }
    Ok(SecretString::from(value.to_owned()))
}

/// A random value: 32 bytes as unpadded base64url (43 characters).
pub(crate) fn generate_value() -> SecretString {
    use base64::Engine;
    let kek = Kek::generate();
    let encoded =
        Zeroizing::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(kek.bytes()));
    SecretString::from(encoded.as_str().to_owned())
}

/// Reads a key-encryption key from a 0600 key file, or from standard input for `-`.
pub(crate) fn read_kek(path: &std::path::Path) -> Result<Kek, Failure> {
    use crate::vault::{KeyFile, KeyProvider};
    if path.as_os_str() == "-" {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Run(format!("cannot read the key from standard input: {e}")))?;
        return Kek::from_base64(&text)
            .map_err(|reason| Failure::Run(format!("the key on standard input: {reason}")));
    }
    Ok(KeyFile::new(path).load()?)
}
