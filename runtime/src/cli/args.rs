//! The command line, as clap reads it: every command and option with its help text. The
//! top-level help lists the commands grouped as the runbook's procedures are (clap has no
//! subcommand groups, so the template writes them; a test checks it names every command).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The commands grouped by the runbook's procedures, for `vox-clavis --help`.
pub(crate) const GROUPED_COMMANDS: &str = "\
Provisioning:
  status          Every inventory secret: present, missing, deprecated-source or unavailable
  doctor          Health checks: inventory, account, KEK, vault, permissions, audit
  vault           Create the vault; put, get, list and delete its records
  backend-status  Which backends are compiled in and configured, and whether they answer

Rotation:
  rotate-kek      Rotate the key-encryption key (one step, or two phases for a read-only provider)
  export-kek      Export the key-encryption key to a 0600 file (or stdout, with consent)
  import-kek      Install a key-encryption key that opens the vault

Backup and restore:
  snapshot        Write an encrypted snapshot of the vault with its integrity hash
  restore         Restore a snapshot (--staged: reads refused until --complete)
  export-env      Seal vault values as an encrypted environment payload (--encrypted)
  import-env      Store the values of an encrypted environment payload in the vault

Incident:
  reset           Replace a secret's value, dropping its old version (--force)
  audit           Verify the audit log's chain, or show its last events
  help            Print this message or the help of the given command";

/// `vox-clavis`: the operator's command for the Clavis runtime.
#[derive(Debug, Parser)]
#[command(
    name = "vox-clavis",
    version,
    about = "Operate the Clavis runtime: inventory status, the encrypted vault, its key, \
             backups and the audit log",
    long_about = None,
    help_template = "{about-with-newline}\n{usage-heading} {usage}\n\n{before-help}\
                     Options:\n{options}{after-help}",
    before_help = GROUPED_COMMANDS,
    after_help = "\nExit status: 0 ok, 1 a check failed, 2 a usage or run error.\n\
                  docs/operations.md has the runbook's procedures as sequences of these commands."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the vault, its key, the audit log and the inventory are, and who acts.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// The vault file
    #[arg(
        long,
        global = true,
        env = "VOX_CLAVIS_VAULT",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub vault: Option<PathBuf>,
    /// Where the vault's records are: the JSON file, or a libSQL database file (feature `libsql`)
    #[arg(
        long,
        global = true,
        env = "VOX_CLAVIS_STORE",
        hide_env_values = true,
        value_enum,
        default_value_t
    )]
    pub store: Store,
    /// The vault's key file (mode 0600); without it the key is read from VOX_CLAVIS_KEK
    #[arg(
        long,
        global = true,
        env = "VOX_CLAVIS_KEK_FILE",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub kek_file: Option<PathBuf>,
    /// The audit log (chained JSON Lines); default: `<vault>.audit.jsonl` beside the vault
    #[arg(
        long,
        global = true,
        env = "VOX_CLAVIS_AUDIT_LOG",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub audit_log: Option<PathBuf>,
    /// A key file (mode 0600) that makes the audit log keyed (HMAC chain, authenticated head)
    #[arg(
        long,
        global = true,
        env = "VOX_CLAVIS_AUDIT_KEY_FILE",
        value_name = "PATH"
    )]
    pub audit_key_file: Option<PathBuf>,
    /// The inventory: a vox-clavis-lint.toml (or Cargo.toml) or a JSON contract; default:
    /// ./vox-clavis-lint.toml if it exists
    #[arg(
        long,
        global = true,
        env = "VOX_CLAVIS_INVENTORY",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub inventory: Option<PathBuf>,
    /// Who acts, in every audit event; default: the OS user
    #[arg(long, global = true, value_name = "NAME")]
    pub actor: Option<String>,
    /// Why, in every audit event (a ticket, an incident)
    #[arg(long, global = true, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// The vault's storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Store {
    /// One JSON file, replaced atomically
    #[default]
    Json,
    /// A local libSQL database file, one row per record
    Libsql,
}

/// Human text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
}

/// Where `vault get --reveal` may print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Reveal {
    /// Only to a terminal
    Tty,
    /// Also to a pipe or a file
    Pipe,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every inventory secret: present, missing, deprecated-source or unavailable, with its
    /// source, the KEK's identity and the node; never a value. Exit 1 when a required secret is
    /// missing, one is only under a deprecated alias, or a source is unavailable.
    Status {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Health checks: the inventory, VOX_ACCOUNT_ID, the KEK, every vault record, file
    /// permissions, an encryption round trip, the audit chain and an audit append. Exit 1 on
    /// any error.
    Doctor {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The vault's records.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Which backends are compiled in and configured, and whether they answer. Exit 1 when a
    /// configured one does not.
    BackendStatus {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Rotate the key-encryption key. Without options, for a provider that stores keys (a key
    /// file): wrap under both keys, install the new key, drop the old wrapping. For a read-only
    /// provider (VOX_CLAVIS_KEK): `--stage NEW_KEY_FILE`, install that key, then
    /// `--commit NEW_KEY_FILE`.
    RotateKek {
        /// Phase 1: write a new key to this file (0600, must not exist) and wrap every record
        /// under both keys
        #[arg(long, value_name = "NEW_KEY_FILE", conflicts_with = "commit")]
        stage: Option<PathBuf>,
        /// Phase 2: the staged key is installed; drop the old key's wrapping
        #[arg(long, value_name = "NEW_KEY_FILE")]
        commit: Option<PathBuf>,
    },
    /// Export the key-encryption key: to a file created with mode 0600, or with `-` to
    /// standard output when `--allow-stdout` says you mean it.
    ExportKek {
        /// The file to create, or `-` for standard output
        out: PathBuf,
        /// Consent to print the key on standard output
        #[arg(long)]
        allow_stdout: bool,
    },
    /// Install a key-encryption key (from a 0600 file, or `-` for standard input) with the key
    /// provider, after checking that it opens the vault; nothing is written otherwise.
    ImportKek {
        /// The key file, or `-` for standard input
        key: PathBuf,
    },
    /// Write an encrypted snapshot: ciphertext records, key-reference metadata and the SHA-256
    /// integrity hash (printed: keep it with the backup).
    Snapshot {
        /// The snapshot file to create
        out: PathBuf,
    },
    /// Restore a snapshot after checking its integrity hash and that every record decrypts.
    /// `--staged` refuses reads until `restore --complete`.
    Restore {
        /// The snapshot file
        #[arg(required_unless_present = "complete")]
        snapshot: Option<PathBuf>,
        /// Restore with reads refused until `restore --complete`
        #[arg(long, conflicts_with = "complete")]
        staged: bool,
        /// Enable reads after a staged restore
        #[arg(long, conflicts_with = "snapshot")]
        complete: bool,
        /// Refuse the snapshot unless its integrity hash is this one (as `snapshot` printed)
        #[arg(long, value_name = "HEX")]
        sha256: Option<String>,
    },
    /// Seal vault values with their variable names into an encrypted payload for the secure
    /// channel. Plaintext export does not exist.
    ExportEnv {
        /// The payload file to create (mode 0600)
        #[arg(long, value_name = "OUT", required = true)]
        encrypted: PathBuf,
        /// Seal for this key file instead of the vault's own key
        #[arg(long, value_name = "PATH")]
        key: Option<PathBuf>,
        /// The vault ids to export; default: every record
        ids: Vec<String>,
    },
    /// Open an encrypted environment payload and store its values in the vault, in one write.
    ImportEnv {
        /// The payload file
        payload: PathBuf,
        /// Open it with this key file instead of the vault's own key
        #[arg(long, value_name = "PATH")]
        key: Option<PathBuf>,
    },
    /// Replace a stored secret's value after an incident (from stdin, a prompt, or
    /// `--generate`): its old version leaves the vault file; snapshots still hold it.
    Reset {
        /// The vault id
        id: String,
        /// Confirm the replacement
        #[arg(long)]
        force: bool,
        /// Generate a random value (32 bytes, base64url) instead of reading one
        #[arg(long)]
        generate: bool,
        /// Refused without being echoed, as for `vault put`
        #[arg(hide = true, num_args = 0.., allow_hyphen_values = true)]
        value: Vec<String>,
    },
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Create the vault (and the key file, when `--kek-file` names one that does not exist)
    Init,
    /// Store a value: from standard input, or a prompt without echo on a terminal
    Put {
        /// The vault id
        id: String,
        /// Refused without being echoed: a value on the command line stays in `ps` and the
        /// shell's history
        #[arg(hide = true, num_args = 0.., allow_hyphen_values = true)]
        value: Vec<String>,
    },
    /// Check that a value is stored and decrypts; print it only with `--reveal` (a terminal) or
    /// `--reveal=pipe`
    Get {
        /// The vault id
        id: String,
        /// Print the value
        #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "tty")]
        reveal: Option<Reveal>,
    },
    /// The stored ids, never values
    List,
    /// Delete a record
    Delete {
        /// The vault id
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every line's hash or MAC and link (and the head of a keyed log). Exit 1 if broken.
    Verify,
    /// The last events
    Tail {
        /// How many
        #[arg(short = 'n', long, default_value_t = 10)]
        lines: usize,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_grouped_help_names_every_command_once() {
        let listed: Vec<&str> = GROUPED_COMMANDS
            .lines()
            .filter_map(|l| l.strip_prefix("  "))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let mut commands: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_owned())
            .collect();
        commands.push("help".to_owned());
        let mut sorted = listed.clone();
        sorted.sort_unstable();
        commands.sort_unstable();
        assert_eq!(sorted, commands);
        Cli::command().debug_assert();
    }
}
