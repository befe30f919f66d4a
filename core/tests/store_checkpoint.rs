//! The store's background checkpoints, in a test binary of their own: one
//! test counts the process's checkpoint threads, which stores opened by
//! other tests would change.

use chrono::{DateTime, TimeZone, Utc};
use learnloop::srs::{Card, Fsrs, Rating, Scheduler};
use learnloop::store::Store;
use std::path::Path;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// The names of this process's threads (Linux: `/proc/self/task`).
#[cfg(target_os = "linux")]
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim_end().to_string())
        .collect()
}

/// A store on a file checkpoints on a thread of its own, which ends with
/// the store; an in-memory store has none, opened either way. Closing the
/// store leaves no log behind, which needs the thread's connection closed
/// before the store's.
#[cfg(target_os = "linux")]
#[test]
fn the_checkpoint_thread_lives_and_ends_with_its_store() {
    // Other tests of this binary open stores on their own threads at the
    // same time; the count of this test's thread is what must go up and down.
    let _serial = checkpoint_test_lock();
    let count = || {
        thread_names()
            .iter()
            // Linux keeps the first 15 bytes of a thread's name.
            .filter(|n| n.as_str() == "learnloop-check")
            .count()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("threads.db");
    let in_memory = Store::open_in_memory().unwrap();
    let before = count();
    // A `:memory:` path has no write-ahead log, so no thread either (given
    // time to name itself, had one been started).
    let memory_path = Store::open(":memory:").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(count(), before);
    drop(memory_path);
    let store = Store::open(&path).unwrap();
    // A thread names itself once it runs.
    let started = std::time::Instant::now();
    while count() == before && started.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(count(), before + 1);
    let fsrs = Fsrs::default();
    for i in 0..300 {
        let out = fsrs
            .review(&Card::new(format!("c{i}"), t0()), Rating::Good, t0())
            .unwrap();
        store.record_review("l1", &out.card, &out.log).unwrap();
    }
    drop(store);
    assert_eq!(count(), before);
    drop(in_memory);
    let mut wal = path.clone().into_os_string();
    wal.push("-wal");
    assert!(!Path::new(&wal).exists(), "the log outlived the store");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.cards("l1").unwrap().len(), 300);
}

/// Tests that count checkpoint threads or measure the log run one at a time.
fn checkpoint_test_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// While writes never pause the log cannot start over on its own; the
/// writer's backstop keeps it bounded (8,000 pages of 2 KiB, plus the
/// commit that crossed the mark), and nothing written is lost. Without the
/// backstop this log would reach about 34,000 pages.
#[test]
fn the_log_stays_bounded_under_writes_without_pause() {
    let _serial = checkpoint_test_lock();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bounded.db");
    let mut wal = path.clone().into_os_string();
    wal.push("-wal");
    let store = Store::open(&path).unwrap();
    let fsrs = Fsrs::default();
    let mut largest = 0;
    // About seven pages a review.
    for i in 0..4_000 {
        let out = fsrs
            .review(&Card::new(format!("c{i}"), t0()), Rating::Good, t0())
            .unwrap();
        store.record_review("l1", &out.card, &out.log).unwrap();
        largest = largest.max(std::fs::metadata(&wal).unwrap().len());
    }
    let frame = 24 + 2048;
    assert!(
        largest <= 32 + (8_000 + 100) * frame,
        "the log grew to {largest} bytes"
    );
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.cards("l1").unwrap().len(), 4_000);
}
