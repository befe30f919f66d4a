//! WAL checkpoints off the writer's thread.
//!
//! In WAL mode a commit only appends pages to the `-wal` file. Copying them
//! back into the database file (a checkpoint, with two `fsync`s) is by
//! default done by the committing connection once the log holds 1,000
//! pages, inside the write call that crosses the mark. Measured in
//! `benches/store.rs`, that was about a quarter of the wall time of recording
//! reviews one by one and a tenth of recording them in batches: work the
//! writer waited for, though nothing it returns depends on it.
//!
//! A store on a file therefore checkpoints on a thread of its own, with its
//! own connection. SQLite lets a passive checkpoint run beside a writer (it
//! copies only frames no reader still needs and never takes the write lock),
//! so the writer just appends. The writer's connection reports the size of
//! the log after each commit (SQLite's WAL hook, which replaces its own
//! automatic checkpoint) and wakes the thread for every [`WAKE_PAGES`] new
//! pages: the same amount of disk work per page written as SQLite's default,
//! moved off the caller's thread.
//!
//! While writes never pause, the log cannot start over from its beginning
//! (that needs a moment at which every frame has been copied). The writer
//! therefore checkpoints itself once the log reaches [`BACKSTOP_PAGES`]
//! (waiting for a pass of the thread under way to end): by then the thread
//! has copied most frames, the rest is quick, and the next commit starts the
//! log over. The log stays bounded even if the thread falls behind.

use rusqlite::hooks::Wal;
use rusqlite::{Connection, OpenFlags};
use std::cell::Cell;
use std::ffi::c_int;
use std::path::Path;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// Pages appended to the log between two wake-ups of the thread (SQLite's
/// default checkpoint threshold).
pub(super) const WAKE_PAGES: i32 = 1_000;

/// Log size (in pages: 16 MB of 2 KiB pages) at which the writer
/// checkpoints itself.
pub(super) const BACKSTOP_PAGES: i32 = 8_000;

thread_local! {
    /// The log size reported by the last commit on this thread, if it has
    /// not been collected yet.
    static COMMITTED_LOG_PAGES: Cell<Option<c_int>> = const { Cell::new(None) };
}

/// The WAL hook of a writer's connection: SQLite calls it on the committing
/// thread, inside `COMMIT`, with the number of pages in the log.
fn note_log_size(_wal: &Wal, pages: c_int) -> rusqlite::Result<()> {
    COMMITTED_LOG_PAGES.set(Some(pages));
    Ok(())
}

/// The background checkpoint thread of one store. Dropping it stops the
/// thread and waits for it, so its connection is closed before the store's.
pub(super) struct Checkpointer {
    wake: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
    /// The log size at the last wake-up (or 0 once the log started over).
    woken_at: AtomicI32,
    /// How long the writer's backstop waits for a checkpoint under way.
    busy_timeout: Duration,
}

impl Checkpointer {
    /// Starts the thread with its own connection to the database at `path`
    /// (already created and migrated) with the `synchronous` setting and busy
    /// timeout of the store, and hooks `writer` (the store's connection) up to it. `None`,
    /// with `writer` left to checkpoint as SQLite does by default, when that
    /// connection cannot be opened or the platform has no threads.
    pub(super) fn start(
        writer: &Connection,
        path: &Path,
        synchronous: &str,
        busy_timeout: Duration,
    ) -> Option<Checkpointer> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).ok()?;
        conn.pragma_update(None, "synchronous", synchronous).ok()?;
        // A checkpoint that finds another one running (another process's,
        // or the writer's backstop) gives up at once; the next wake-up
        // copies what it left.
        conn.busy_timeout(Duration::ZERO).ok()?;
        let (wake, woken) = sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("learnloop-checkpoint".into())
            .spawn(move || run(&conn, &woken))
            .ok()?;
        writer.wal_hook(Some(note_log_size));
        Some(Checkpointer {
            wake: Some(wake),
            thread: Some(thread),
            woken_at: AtomicI32::new(0),
            busy_timeout,
        })
    }

    /// After a commit on `writer` on this thread: wake the thread when
    /// [`WAKE_PAGES`] pages were added since it last was, or checkpoint on
    /// `writer` at the backstop.
    pub(super) fn after_commit(&self, writer: &Connection) {
        // None: the transaction wrote nothing, so the hook was not called.
        let Some(pages) = COMMITTED_LOG_PAGES.take() else {
            return;
        };
        let mut woken_at = self.woken_at.load(Ordering::Relaxed);
        if pages < woken_at {
            // The log started over.
            woken_at = 0;
            self.woken_at.store(0, Ordering::Relaxed);
        }
        if pages >= BACKSTOP_PAGES {
            // Busy: the thread (or another connection) is mid-pass. Wait
            // for it rather than let the log grow on; the pass it is making
            // leaves little to copy. An I/O error is the next commit's.
            let mut wait = super::BusyWait::new(self.busy_timeout);
            while matches!(checkpoint(writer), Ok(false)) && wait.again() {}
        } else if pages - woken_at >= WAKE_PAGES {
            self.woken_at.store(pages, Ordering::Relaxed);
            // Full: a wake-up is already pending. Disconnected cannot
            // happen while `self` holds the sender.
            if let Some(wake) = &self.wake {
                let _ = wake.try_send(());
            }
        }
    }
}

/// Checkpoint after every wake-up until the store hangs up.
fn run(conn: &Connection, woken: &Receiver<()>) {
    while woken.recv().is_ok() {
        // Errors are left to the next pass: busy (another checkpoint), or
        // I/O, which the writer's next commit runs into and reports.
        let _ = checkpoint(conn);
    }
}

/// One passive checkpoint: copy every frame no reader still needs. `false`
/// when another checkpoint was running (SQLite then returns at once, busy
/// handler or not).
fn checkpoint(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("PRAGMA wal_checkpoint(PASSIVE)")?
        .query_row([], |r| Ok(r.get::<_, i64>(0)? == 0))
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Hanging up ends the thread's loop after its current pass.
        drop(self.wake.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
