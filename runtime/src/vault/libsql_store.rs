//! The vault's records in a local libSQL database (feature `libsql`) instead of the JSON file:
//! one row per record and one row of manifest metadata, the same ciphertext, data keys and
//! seals as the file holds, so the rows can later be synced as the runbook's embedded replica
//! while the KEK stays on the device. A write replaces every row in one transaction, which is
//! what the JSON file's atomic rename gives.

use std::collections::BTreeMap;
use std::path::Path;

use super::format::{FORMAT, Record, VERSION, VaultFile};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS vault_meta (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    format TEXT NOT NULL,
    version INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    seals TEXT NOT NULL,
    staged INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS vault_records (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    wrapped_keys TEXT NOT NULL
);
";

/// An open libSQL database holding one vault.
pub(crate) struct LibsqlStore {
    runtime: tokio::runtime::Runtime,
    conn: libsql::Connection,
}

fn io(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("libSQL: {e}"))
}

impl LibsqlStore {
    /// Opens (or creates) the database file at `path` and its tables.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        // Owner-only, as the JSON file: SQLite creates its journal with the database's mode.
        if !path.exists() {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(path)?;
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(io)?;
        let conn = runtime.block_on(async {
            let db = libsql::Builder::new_local(path).build().await.map_err(io)?;
            let conn = db.connect().map_err(io)?;
            // Durable on return, as the JSON file's fsyncs are.
            conn.execute_batch("PRAGMA synchronous = FULL;")
                .await
                .map_err(io)?;
            conn.execute_batch(SCHEMA).await.map_err(io)?;
            Ok::<_, std::io::Error>(conn)
        })?;
        Ok(LibsqlStore { runtime, conn })
    }

    /// The vault, or `None` if the database holds none yet.
    pub fn read(&self) -> std::io::Result<Option<VaultFile>> {
        self.runtime.block_on(async {
            let mut meta = self
                .conn
                .query(
                    "SELECT format, version, generation, seals, staged FROM vault_meta",
                    (),
                )
                .await
                .map_err(io)?;
            let Some(row) = meta.next().await.map_err(io)? else {
                return Ok(None);
            };
            let format: String = row.get(0).map_err(io)?;
            let version: i64 = row.get(1).map_err(io)?;
            let generation: i64 = row.get(2).map_err(io)?;
            let seals: String = row.get(3).map_err(io)?;
            let staged: i64 = row.get(4).map_err(io)?;
            let mut records = BTreeMap::new();
            let mut rows = self
                .conn
                .query(
                    "SELECT id, version, nonce, ciphertext, wrapped_keys FROM vault_records",
                    (),
                )
                .await
                .map_err(io)?;
            while let Some(row) = rows.next().await.map_err(io)? {
                let id: String = row.get(0).map_err(io)?;
                let version: i64 = row.get(1).map_err(io)?;
                let keys: String = row.get(4).map_err(io)?;
                records.insert(
                    id,
                    Record {
                        version: u64::try_from(version).map_err(io)?,
                        nonce: row.get(2).map_err(io)?,
                        ciphertext: row.get(3).map_err(io)?,
                        keys: serde_json::from_str(&keys).map_err(io)?,
                    },
                );
            }
            Ok(Some(VaultFile {
                format,
                version: u32::try_from(version).map_err(io)?,
                generation: u64::try_from(generation).map_err(io)?,
                records,
                seals: serde_json::from_str(&seals).map_err(io)?,
                staged: staged != 0,
            }))
        })
    }

    /// Replaces the whole vault in one transaction.
    pub fn write(&self, file: &VaultFile) -> std::io::Result<()> {
        debug_assert!(file.format == FORMAT && file.version == VERSION);
        self.runtime.block_on(async {
            let tx = self.conn.transaction().await.map_err(io)?;
            tx.execute("DELETE FROM vault_records", ())
                .await
                .map_err(io)?;
            tx.execute("DELETE FROM vault_meta", ()).await.map_err(io)?;
            tx.execute(
                "INSERT INTO vault_meta (singleton, format, version, generation, seals, staged) \
                 VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                libsql::params![
                    file.format.clone(),
                    i64::from(file.version),
                    i64::try_from(file.generation).map_err(io)?,
                    serde_json::to_string(&file.seals).map_err(io)?,
                    i64::from(file.staged),
                ],
            )
            .await
            .map_err(io)?;
            for (id, record) in &file.records {
                tx.execute(
                    "INSERT INTO vault_records (id, version, nonce, ciphertext, wrapped_keys) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    libsql::params![
                        id.clone(),
                        i64::try_from(record.version).map_err(io)?,
                        record.nonce.clone(),
                        record.ciphertext.clone(),
                        serde_json::to_string(&record.keys).map_err(io)?,
                    ],
                )
                .await
                .map_err(io)?;
            }
            tx.commit().await.map_err(io)
        })
    }
}
