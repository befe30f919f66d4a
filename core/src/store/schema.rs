//! The SQL schema migrations and the code that applies them.

use super::{retry, storage};
use crate::{Error, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// One forward-only schema migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// Its number: migrations apply in order 1, 2, ...
    pub version: i64,
    /// A short name.
    pub name: &'static str,
    /// The SQL it runs, in one transaction.
    pub sql: &'static str,
    /// Whether it rebuilds tables (create, copy, drop, rename). Such a
    /// migration runs with foreign-key enforcement off, so that dropping an
    /// old parent table cascades nowhere, and every foreign key is checked
    /// before it commits.
    pub rebuilds_tables: bool,
}

impl Migration {
    /// SHA-256 of the SQL, in hex: recorded when applied and compared on
    /// every open, so a shipped migration can never change silently.
    pub fn checksum(&self) -> String {
        super::privacy::hex(&Sha256::digest(self.sql.as_bytes()))
    }
}

/// Every migration this library ships, in order. The last one's number is
/// the schema version it writes.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "learning_records",
        sql: include_str!("migrations/0001_learning_records.sql"),
        rebuilds_tables: false,
    },
    Migration {
        version: 2,
        name: "privacy",
        sql: include_str!("migrations/0002_privacy.sql"),
        rebuilds_tables: false,
    },
    Migration {
        version: 3,
        name: "due_queue_covering_index",
        sql: include_str!("migrations/0003_due_queue_covering_index.sql"),
        rebuilds_tables: false,
    },
    Migration {
        version: 4,
        name: "integer_learner_keys",
        sql: include_str!("migrations/0004_integer_learner_keys.sql"),
        rebuilds_tables: true,
    },
    Migration {
        version: 5,
        name: "new_cards_index",
        sql: include_str!("migrations/0005_new_cards_index.sql"),
        rebuilds_tables: false,
    },
    Migration {
        version: 6,
        name: "review_logs_by_card_position",
        sql: include_str!("migrations/0006_review_logs_by_card_position.sql"),
        rebuilds_tables: true,
    },
    Migration {
        version: 7,
        name: "no_audit_subject_index",
        sql: include_str!("migrations/0007_no_audit_subject_index.sql"),
        rebuilds_tables: false,
    },
    Migration {
        version: 8,
        name: "sync_events",
        sql: include_str!("migrations/0008_sync_events.sql"),
        rebuilds_tables: false,
    },
    Migration {
        version: 9,
        name: "sync_snapshots",
        sql: include_str!("migrations/0009_sync_snapshots.sql"),
        rebuilds_tables: false,
    },
];

const BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS learnloop_migrations (
    version    INTEGER PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at INTEGER NOT NULL
)";

/// The migrations recorded in the database: (version, name, checksum).
fn applied(conn: &Connection) -> rusqlite::Result<Vec<(i64, String, String)>> {
    let exists: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'learnloop_migrations'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(Vec::new());
    }
    let mut s =
        conn.prepare("SELECT version, name, checksum FROM learnloop_migrations ORDER BY version")?;
    let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// Refuse a database from a newer learnloop, with an altered migration, or
/// another application's (tables but no migration record of ours). Reads
/// only, so a refused file is left exactly as it was.
pub(super) fn check(conn: &Connection) -> Result<()> {
    let done = retry(Duration::from_secs(30), || applied(conn)).map_err(storage("open"))?;
    if done.is_empty() {
        let theirs =
            retry(Duration::from_secs(30), || foreign_objects(conn)).map_err(storage("open"))?;
        if !theirs.is_empty() {
            return Err(Error::Storage {
                operation: "open".into(),
                failure: crate::StorageFailure::Corrupt,
                message: format!(
                    "not a learnloop database: it holds {} and no learnloop_migrations table; \
                     open an empty file or one learnloop created",
                    theirs.join(", ")
                ),
                cause: None,
            });
        }
    }
    let latest = MIGRATIONS.last().map_or(0, |m| m.version);
    for (version, name, checksum) in &done {
        match MIGRATIONS.iter().find(|m| m.version == *version) {
            None if *version > latest => {
                return Err(Error::VersionTooNew {
                    what: "database".into(),
                    found: *version,
                    supported: latest,
                });
            }
            None => {
                return Err(Error::MigrationChanged {
                    version: *version,
                    name: name.clone(),
                    applied: checksum.clone(),
                    expected: "(no such migration in this library)".into(),
                });
            }
            Some(m) if m.checksum() != *checksum => {
                return Err(Error::MigrationChanged {
                    version: *version,
                    name: name.clone(),
                    applied: checksum.clone(),
                    expected: m.checksum(),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The first few schema objects of a database that has no migration record:
/// a table, index, view or trigger of another application (SQLite's own
/// `sqlite_*` objects do not count).
fn foreign_objects(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut s = conn.prepare(
        "SELECT type || ' ' || name FROM sqlite_master
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name LIMIT 3",
    )?;
    let rows = s.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Apply every pending migration, each in its own IMMEDIATE transaction.
/// Safe against other processes migrating the same file at the same time:
/// each transaction re-reads what is applied once it holds the write lock.
pub(super) fn migrate(conn: &mut Connection, busy: Duration) -> Result<()> {
    for m in MIGRATIONS {
        if m.rebuilds_tables {
            // The pragma is a no-op inside a transaction, so it is set
            // around it, and set back whatever the migration's outcome.
            conn.pragma_update(None, "foreign_keys", "OFF")
                .map_err(storage("migrate"))?;
            let applied = apply(conn, m, busy);
            let restored = conn
                .pragma_update(None, "foreign_keys", "ON")
                .map_err(storage("migrate"));
            applied.and(restored)?;
        } else {
            apply(conn, m, busy)?;
        }
    }
    Ok(())
}

/// Apply `m` in its own IMMEDIATE transaction unless it is recorded already.
fn apply(conn: &mut Connection, m: &Migration, busy: Duration) -> Result<()> {
    // Take the write lock first (retrying while another process holds
    // it), then open the transaction that uses it.
    let mut wait = super::BusyWait::new(busy);
    loop {
        match conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK") {
            Err(e) if super::is_busy(&e) && wait.again() => {}
            _ => break,
        }
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(storage("migrate"))?;
    tx.execute_batch(BOOKKEEPING).map_err(storage("migrate"))?;
    let done: Option<String> = tx
        .query_row(
            "SELECT checksum FROM learnloop_migrations WHERE version = ?1",
            [m.version],
            |r| r.get(0),
        )
        .optional()
        .map_err(storage("migrate"))?;
    if done.is_some() {
        return Ok(()); // the transaction rolls back on drop: nothing was changed
    }
    let operation = format!("migration {} ({})", m.version, m.name);
    tx.execute_batch(m.sql).map_err(storage(&operation))?;
    if m.rebuilds_tables {
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()
            .map_err(storage(&operation))?;
        if let Some(table) = broken {
            return Err(Error::Storage {
                operation,
                failure: crate::StorageFailure::Other,
                message: format!("a row of {table} refers to a missing parent after the rebuild"),
                cause: None,
            });
        }
    }
    tx.execute(
        "INSERT INTO learnloop_migrations (version, name, checksum, applied_at)
             VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![
            m.version,
            m.name,
            m.checksum(),
            chrono::Utc::now().timestamp_micros()
        ],
    )
    .map_err(storage("migrate"))?;
    tx.commit().map_err(storage("migrate"))?;
    Ok(())
}
