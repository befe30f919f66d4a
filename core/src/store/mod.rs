//! Persistence on an embedded SQLite file: learners, sessions with their
//! adaptive state, an append-only event log, cards and review logs, consent,
//! an audit log, and the privacy operations built on them.
//!
//! * **Opening** applies the schema migrations this library ships
//!   ([`MIGRATIONS`]): numbered, forward-only, each in its own transaction,
//!   recorded with a SHA-256 checksum. A database written by a newer
//!   learnloop ([`Error::VersionTooNew`]) or whose applied migration was
//!   changed ([`Error::MigrationChanged`]) is refused and left untouched.
//! * **Durability**: WAL journal, `synchronous = NORMAL`: a committed write
//!   survives the process being killed at any point; after a power loss the
//!   last commits may be rolled back, never half-applied. Choose
//!   [`Durability::Full`] to survive power loss too (each commit waits for
//!   the disk).
//! * **Threads**: a [`Store`] is `Send + Sync`; its calls are serialized on
//!   one connection. Share one per process (behind an `Arc`) or open one per
//!   thread: several connections to the same file, from threads or
//!   processes, wait for each other (busy timeout plus retries) instead of
//!   failing with "database is locked".
//! * **Checkpoints**: a store on a file copies its write-ahead log back into
//!   the database file on a thread of its own (`learnloop-checkpoint`, one
//!   per store, ended when the store is dropped), so that writes do not wait
//!   for it. The log stays under 8,000 pages (16 MB at the 2 KiB pages of
//!   a new database). Do not carry a store across a
//!   `fork()` (SQLite forbids it for any connection): open it in the child.
//! * **Audit**: every write, export and erasure adds an entry (actor, action,
//!   subject, time). Subjects are keyed pseudonyms of learner ids (HMAC-SHA-256
//!   with a secret created with the database), so the log survives an erasure
//!   without keeping the erased id.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use learnloop::migrate::SessionDocument;
//! use learnloop::store::Store;
//!
//! let store = Store::open_in_memory()?;
//! let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
//! let mut session = SessionDocument::new(vec!["fractions".into()], now);
//! store.save_session("learner-1", "session-1", &session)?;
//!
//! session.adaptive_state.adaptive_difficulty_level = 0.7;
//! store.save_adaptive_state("session-1", &session.adaptive_state, now)?;
//! assert_eq!(store.adaptive_state("session-1")?, session.adaptive_state);
//! assert_eq!(store.active_sessions("learner-1", 10)?[0].id, "session-1");
//! # Ok::<(), learnloop::Error>(())
//! ```

mod checkpoint;
mod privacy;
mod records;
mod schema;
mod sessions;
mod sync;

pub use privacy::{AnalyticsRecord, AnalyticsReview, AnalyticsSession, LearnerExport};
pub use records::{Event, SessionSummary};
pub use schema::{MIGRATIONS, Migration};
pub use sync::StoredReplica;

use crate::error::check_id;
use crate::{Error, Result, StorageFailure};
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

crate::names::named_enum! {
    /// How hard a commit works to survive failures.
    #[derive(Default)]
    pub enum Durability in "durability" {
        /// Survives a crash or kill of the process (WAL, `synchronous = NORMAL`).
        #[default]
        Process = "process",
        /// Also survives power loss (`synchronous = FULL`): slower commits.
        Full = "full",
    }
}

/// Settings of [`Store::open_with`]; in serialized form every field may be
/// omitted, and the busy timeout is in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreOptions {
    /// Who the audit log names as the actor of this store's writes
    /// (default `"learnloop"`; a backend might use `"api:tutor-service"`).
    pub actor: String,
    /// Commit durability (default [`Durability::Process`]).
    pub durability: Durability,
    /// How long a write waits for other writers before giving up with
    /// [`crate::ErrorKind::StorageBusy`] (default 30 s).
    #[serde(with = "crate::json::seconds::float")]
    pub busy_timeout: Duration,
    /// The secret the audit log's learner pseudonyms are keyed with (see
    /// [`Store::audit_subject`]). Default: none, and a random key kept in
    /// the database file, so whoever holds the file can re-identify a
    /// learner by guessing ids; a host that keeps its key outside the file
    /// (a secrets manager, the app's keychain) closes that. Never
    /// serialized back.
    #[serde(skip_serializing)]
    pub audit_key: Option<AuditKey>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            actor: "learnloop".into(),
            durability: Durability::Process,
            busy_timeout: Duration::from_secs(30),
            audit_key: None,
        }
    }
}

/// A host's secret for audit pseudonyms, at least 16 bytes of text
/// (checked when the store opens). Its `Debug` form does not show it.
///
/// ```
/// use learnloop::store::{AuditKey, Store, StoreOptions};
/// let short = StoreOptions { audit_key: Some(AuditKey::from("short")), ..StoreOptions::default() };
/// assert_eq!(Store::open_with(":memory:", short).unwrap_err().field(), "audit_key");
/// ```
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub struct AuditKey(String);

impl AuditKey {
    /// The secret.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl<S: Into<String>> From<S> for AuditKey {
    fn from(secret: S) -> Self {
        AuditKey(secret.into())
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

crate::names::named_enum! {
    /// A purpose a learner can consent to.
    pub enum Purpose in "purpose" {
        /// Learning analytics (the pseudonymised analytics export).
        Analytics = "analytics",
        /// Research use.
        Research = "research",
    }
}

/// A learner's consent decision for one purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// What it is about.
    pub purpose: Purpose,
    /// Granted (`true`) or withdrawn (`false`).
    pub granted: bool,
    /// When it was given or withdrawn.
    #[serde(with = "crate::json::utc")]
    pub at: DateTime<Utc>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When.
    #[serde(with = "crate::json::utc")]
    pub at: DateTime<Utc>,
    /// Who (the store's [`StoreOptions::actor`]).
    pub actor: String,
    /// What (`save_session`, `record_review`, `export`, `erase`, ...).
    pub action: String,
    /// About whom: the learner's audit pseudonym (`learner:<hex>`) or `store`.
    pub subject: String,
}

/// A learnloop database.
pub struct Store {
    /// Declared before `conn` so that it is dropped first: its thread ends
    /// and closes its connection, and the store's connection, the last to
    /// close, folds the log into the database file and removes it.
    checkpointer: Option<checkpoint::Checkpointer>,
    conn: Mutex<Connection>,
    options: StoreOptions,
    /// HMAC-SHA-256 keyed with this database's audit secret (cloned per
    /// pseudonym rather than re-keyed).
    audit_mac: Hmac<Sha256>,
    /// The last (learner id, pseudonym) computed: writes come in runs for
    /// one learner, and the HMAC was 7 % of recording one review.
    last_subject: Mutex<Option<(String, String)>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("options", &self.options)
            .finish()
    }
}

impl Store {
    /// Open (creating it if missing) the database at `path` and migrate it.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Store::open_with(path, StoreOptions::default())
    }

    /// A private in-memory database (for tests and short-lived work).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(storage("open"))?;
        Store::init(conn, StoreOptions::default(), None)
    }

    /// A private in-memory database holding a copy of `bytes`, a database
    /// image from [`Store::to_bytes`] (or any learnloop SQLite file read
    /// whole). An older image is migrated; a newer or altered one is refused
    /// with [`Error::VersionTooNew`] or [`Error::MigrationChanged`]. This is
    /// how a browser keeps its store: save the image in IndexedDB or OPFS,
    /// open it from there on the next visit.
    pub fn from_bytes(bytes: &[u8]) -> Result<Store> {
        const HEADER: &[u8] = b"SQLite format 3\0";
        if !bytes.starts_with(HEADER) || bytes.len() < 100 {
            return Err(Error::invalid(
                "bytes",
                "not an SQLite database image (bad header)",
            ));
        }
        // Bytes 18 and 19 of the header are the file format versions: 2 means
        // WAL, which an in-memory image cannot use; 1 is the rollback journal.
        // The header is amended in a copy; the rest is read straight into
        // SQLite's buffer (one copy of the image, not two).
        let mut header = [0u8; 100];
        header.copy_from_slice(&bytes[..100]);
        if header[18] == 2 && header[19] == 2 {
            header[18] = 1;
            header[19] = 1;
        }
        let image = std::io::Read::chain(&header[..], &bytes[100..]);
        let mut conn = Connection::open_in_memory().map_err(storage("open"))?;
        conn.deserialize_read_exact(rusqlite::MAIN_DB, image, bytes.len(), false)
            .map_err(storage("open"))?;
        // A corrupt image fails here rather than on some later read.
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(storage("open"))?;
        if check != "ok" {
            return Err(Error::invalid(
                "bytes",
                format!("the database image is damaged: {check}"),
            ));
        }
        Store::init(conn, StoreOptions::default(), None)
    }

    /// The whole database as one SQLite image (the file format), for
    /// [`Store::from_bytes`]: a consistent snapshot, taken in one read.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let conn = self.lock();
        let data = conn
            .serialize(rusqlite::MAIN_DB)
            .map_err(storage("to_bytes"))?;
        Ok(data.to_vec())
    }

    /// [`Store::open`] with settings.
    pub fn open_with(path: impl AsRef<Path>, options: StoreOptions) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path.as_ref(), flags).map_err(storage("open"))?;
        Store::init(conn, options, Some(path.as_ref()))
    }

    /// Sets up `conn`, the database at `path` (`None` in memory).
    fn init(conn: Connection, options: StoreOptions, path: Option<&Path>) -> Result<Store> {
        if let Some(key) = &options.audit_key
            && key.expose().len() < 16
        {
            return Err(Error::invalid(
                "audit_key",
                "use a secret of at least 16 bytes",
            ));
        }
        conn.busy_timeout(options.busy_timeout)
            .map_err(storage("open"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(storage("open"))?;
        // Deleted rows are overwritten with zeros, in their pages and in
        // freed pages, so an erased learner leaves no bytes behind (see
        // `erase_learner`); the cost is measured in benches/store.rs.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(storage("open"))?;
        // Refuse a newer or altered database before changing anything in it.
        schema::check(&conn)?;
        // A new database gets 2 KiB pages (the default is 4 KiB). Writes here
        // are small rows (a review touches about seven pages across tables
        // and indexes), and WAL commits copy and checksum whole pages, so
        // halving the page makes commits about a third cheaper while scans
        // of a 100,000-card collection stay as fast (measured in
        // benches/store.rs). Existing databases keep their page size.
        conn.pragma_update(None, "page_size", 2048)
            .map_err(storage("open"))?;
        // The journal mode SQLite reports after the request: only a
        // write-ahead log has checkpoints (a `:memory:` path or a
        // `mode=memory` URI keeps its in-memory journal).
        let wal = match path {
            Some(_) => retry(options.busy_timeout, || {
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            })
            .map_err(storage("open"))?
            .eq_ignore_ascii_case("wal"),
            None => false,
        };
        let sync = match options.durability {
            Durability::Process => "NORMAL",
            Durability::Full => "FULL",
        };
        conn.pragma_update(None, "synchronous", sync)
            .map_err(storage("open"))?;
        // 32 MB of page cache (the default is 2 MB): large collections.
        conn.pragma_update(None, "cache_size", -32_000)
            .map_err(storage("open"))?;
        let mut conn = conn;
        schema::migrate(&mut conn, options.busy_timeout)?;
        let audit_key: Vec<u8> = conn
            .query_row(
                "SELECT value FROM store_secrets WHERE name = 'audit_pseudonym_key'",
                [],
                |r| r.get(0),
            )
            .map_err(storage("open"))?;
        let audit_key = match &options.audit_key {
            Some(key) => key.expose().as_bytes().to_vec(),
            None => audit_key,
        };
        let audit_mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&audit_key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        let checkpointer = path.filter(|_| wal).and_then(|path| {
            checkpoint::Checkpointer::start(&conn, path, sync, options.busy_timeout)
        });
        Ok(Store {
            checkpointer,
            conn: Mutex::new(conn),
            options,
            audit_mac,
            last_subject: Mutex::new(None),
        })
    }

    /// The settings the store was opened with.
    pub fn options(&self) -> &StoreOptions {
        &self.options
    }

    /// The schema version of the open database (the number of the last
    /// migration applied).
    pub fn schema_version(&self) -> Result<i64> {
        self.read("schema_version", |c| {
            c.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM learnloop_migrations",
                [],
                |r| r.get(0),
            )
        })
    }

    /// The connection, locked. A panic while it was held cannot leave a
    /// transaction open (the write guard rolls back on drop), so a poisoned
    /// lock is still safe to use.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Run `f` in one IMMEDIATE transaction (the write lock taken up front, so
    /// two writers never deadlock upgrading a read lock), retrying while
    /// another connection holds the lock. Errors roll everything back.
    ///
    /// `BEGIN` and `COMMIT` run as cached statements: parsing them anew for
    /// every write was about 4 % of recording one review.
    fn write<T>(&self, operation: &str, mut f: impl FnMut(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.lock();
        let mut wait = BusyWait::new(self.options.busy_timeout);
        loop {
            let tx = match WriteTransaction::begin(&conn) {
                Ok(tx) => tx,
                Err(e) if is_busy(&e) && wait.again() => continue,
                Err(e) => return Err(storage(operation)(e)),
            };
            let value = f(&conn)?;
            match tx.commit() {
                Ok(()) => {
                    if let Some(checkpointer) = &self.checkpointer {
                        checkpointer.after_commit(&conn);
                    }
                    return Ok(value);
                }
                Err(e) if is_busy(&e) && wait.again() => {}
                Err(e) => return Err(storage(operation)(e)),
            }
        }
    }

    fn read<T>(
        &self,
        operation: &str,
        mut f: impl FnMut(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let conn = self.lock();
        retry(self.options.busy_timeout, || f(&conn)).map_err(storage(operation))
    }

    /// The audit pseudonym of a learner id: `learner:` and the first 16 bytes
    /// of HMAC-SHA-256 under this database's secret, in hex.
    pub fn audit_subject(&self, learner_id: &str) -> String {
        let mut last = self.last_subject.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((id, subject)) = &*last
            && id == learner_id
        {
            return subject.clone();
        }
        let mut mac = self.audit_mac.clone();
        mac.update(learner_id.as_bytes());
        let subject = format!(
            "learner:{}",
            privacy::hex(&mac.finalize().into_bytes()[..16])
        );
        *last = Some((learner_id.to_string(), subject.clone()));
        subject
    }

    fn audit(&self, tx: &Connection, action: &str, learner_id: Option<&str>) -> Result<()> {
        let subject = learner_id.map_or_else(|| "store".to_string(), |id| self.audit_subject(id));
        tx.prepare_cached(
            "INSERT INTO audit_log (at, actor, action, subject) VALUES (?1, ?2, ?3, ?4)",
        )
        .and_then(|mut s| {
            s.execute(rusqlite::params![
                micros(Utc::now()),
                self.options.actor,
                action,
                subject
            ])
        })
        .map_err(storage(action))?;
        Ok(())
    }

    /// The audit entries about one learner (by id), or all entries, oldest first.
    pub fn audit_log(&self, learner_id: Option<&str>) -> Result<Vec<AuditEntry>> {
        let subject = learner_id.map(|id| self.audit_subject(id));
        self.read("audit_log", |c| {
            let mut s = c.prepare(
                "SELECT at, actor, action, subject FROM audit_log
                 WHERE ?1 IS NULL OR subject = ?1 ORDER BY id",
            )?;
            let rows = s.query_map([&subject], |r| {
                Ok(AuditEntry {
                    at: from_micros(r.get(0)?),
                    actor: r.get(1)?,
                    action: r.get(2)?,
                    subject: r.get(3)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Record a consent decision (a new entry: the history is kept). The
    /// current decision is the one recorded last, whatever its date, so a
    /// revocation always takes effect; a grant dated before the current
    /// decision is refused (field `at`), so an older grant never overrides
    /// a revocation.
    pub fn set_consent(
        &self,
        learner_id: &str,
        purpose: Purpose,
        granted: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        check_id("learner_id", learner_id)?;
        self.write("set_consent", |tx| {
            records::ensure_learner(tx, learner_id, at)?;
            let current: Option<i64> = tx
                .query_row(
                    &format!(
                        "SELECT at FROM consents AS c WHERE learner_id = ?1 AND purpose = ?2 AND id = {CURRENT_CONSENT}"
                    ),
                    rusqlite::params![learner_id, purpose.as_str()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(storage("set_consent"))?;
            if let Some(current) = current.filter(|&current| granted && current > micros(at)) {
                return Err(Error::invalid(
                    "at",
                    format!(
                        "a grant dated {at} is before the current decision of {}; record it with its real date",
                        from_micros(current)
                    ),
                ));
            }
            tx.execute(
                "INSERT INTO consents (learner_id, purpose, granted, at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![learner_id, purpose.as_str(), granted, micros(at)],
            )
            .map_err(storage("set_consent"))?;
            self.audit(tx, "set_consent", Some(learner_id))
        })
    }

    /// The learner's current decision for `purpose` (the one recorded
    /// last), if any.
    pub fn consent(&self, learner_id: &str, purpose: Purpose) -> Result<Option<Consent>> {
        self.read("consent", |c| {
            c.query_row(
                &format!(
                    "SELECT granted, at FROM consents AS c WHERE learner_id = ?1 AND purpose = ?2 AND id = {CURRENT_CONSENT}"
                ),
                rusqlite::params![learner_id, purpose.as_str()],
                |r| {
                    Ok(Consent {
                        purpose,
                        granted: r.get(0)?,
                        at: from_micros(r.get(1)?),
                    })
                },
            )
            .optional()
        })
    }
}

/// An open IMMEDIATE transaction on a locked connection, rolled back when
/// dropped without [`WriteTransaction::commit`] (an error or a panic in
/// between), so the connection never stays inside a transaction.
struct WriteTransaction<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> WriteTransaction<'c> {
    fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(WriteTransaction { conn, open: true })
    }

    /// Commit. On failure the transaction is still open, and rolls back
    /// when dropped.
    fn commit(mut self) -> rusqlite::Result<()> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.open = false;
        Ok(())
    }
}

impl Drop for WriteTransaction<'_> {
    fn drop(&mut self) {
        // A failed statement may have rolled the transaction back already;
        // ROLLBACK then fails harmlessly, so its error is not wanted.
        if self.open && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Retry `f` while the database is busy, for up to `limit`.
fn retry<T>(limit: Duration, mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let mut wait = BusyWait::new(limit);
    loop {
        match f() {
            Err(e) if is_busy(&e) && wait.again() => {}
            other => return other,
        }
    }
}

/// Waiting out another connection's lock, up to a limit. The clock is read
/// only once the database is actually busy: a private in-memory store (the
/// browser's, where `Instant` does not exist) never gets there.
struct BusyWait {
    limit: Duration,
    started: Option<Instant>,
}

impl BusyWait {
    fn new(limit: Duration) -> Self {
        BusyWait {
            limit,
            started: None,
        }
    }

    /// Sleep a millisecond and say whether to try again.
    fn again(&mut self) -> bool {
        let started = *self.started.get_or_insert_with(Instant::now);
        if started.elapsed() >= self.limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
        true
    }
}

/// Map a database error of `operation` to [`Error::Storage`], keeping the
/// SQLite error as its cause.
fn storage(operation: &str) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::Storage {
        operation: operation.to_string(),
        failure: failure_of(&e),
        message: e.to_string(),
        cause: Some(crate::Cause::new(e)),
    }
}

/// How an SQLite error failed, by its primary result code.
fn failure_of(e: &rusqlite::Error) -> StorageFailure {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StorageFailure::Busy,
        Some(ErrorCode::DiskFull) => StorageFailure::Full,
        Some(ErrorCode::ReadOnly) => StorageFailure::ReadOnly,
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StorageFailure::Corrupt,
        _ => StorageFailure::Other,
    }
}

/// The id of the current consent decision of row `c`'s learner and
/// purpose: the one recorded last (see [`Store::set_consent`]).
const CURRENT_CONSENT: &str = "(SELECT MAX(id) FROM consents AS latest
    WHERE latest.learner_id = c.learner_id AND latest.purpose = c.purpose)";

/// A time as the store keeps it: microseconds since the Unix epoch.
fn micros(t: impl Into<crate::Timestamp>) -> i64 {
    t.into().as_micros()
}

/// A stored time. Every stored time was written from a `Timestamp`, so it
/// is in range.
fn timestamp(us: i64) -> crate::Timestamp {
    crate::Timestamp::from_micros(us).unwrap_or(crate::Timestamp::MIN)
}

fn from_micros(us: i64) -> DateTime<Utc> {
    timestamp(us).to_datetime()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every primary SQLite result code that means busy, full, read-only or
    /// corrupt maps to its failure (a full disk cannot be staged in a test
    /// of the store itself); extended codes map as their primary code.
    #[test]
    fn sqlite_codes_map_to_their_failure() {
        use rusqlite::ffi;
        let failure =
            |code| failure_of(&rusqlite::Error::SqliteFailure(ffi::Error::new(code), None));
        assert_eq!(failure(ffi::SQLITE_BUSY), StorageFailure::Busy);
        assert_eq!(failure(ffi::SQLITE_LOCKED), StorageFailure::Busy);
        assert_eq!(failure(ffi::SQLITE_FULL), StorageFailure::Full);
        assert_eq!(failure(ffi::SQLITE_READONLY), StorageFailure::ReadOnly);
        assert_eq!(
            failure(ffi::SQLITE_READONLY_DBMOVED),
            StorageFailure::ReadOnly
        );
        assert_eq!(failure(ffi::SQLITE_CORRUPT), StorageFailure::Corrupt);
        assert_eq!(failure(ffi::SQLITE_NOTADB), StorageFailure::Corrupt);
        assert_eq!(failure(ffi::SQLITE_IOERR), StorageFailure::Other);
        assert_eq!(failure(ffi::SQLITE_CANTOPEN), StorageFailure::Other);
        assert_eq!(
            failure_of(&rusqlite::Error::QueryReturnedNoRows),
            StorageFailure::Other
        );
        let e = storage("write")(rusqlite::Error::SqliteFailure(
            ffi::Error::new(ffi::SQLITE_FULL),
            None,
        ));
        assert_eq!(
            (e.kind(), e.code()),
            (crate::ErrorKind::StorageFull, "storage_full")
        );
    }
}
