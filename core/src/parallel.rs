//! The one way the core spreads a loop over many items across cores:
//! rayon's pool when the `parallel` feature is on (the default), a plain
//! loop otherwise (the browser build, which has no threads). Results never
//! depend on the number of threads: they come in index order, and of
//! several failures the lowest-indexed one is reported.

use crate::{Error, Result};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

/// Items per task: a few hundred microseconds of work, so that spreading
/// costs less than it saves and cores slowed by other work take fewer tasks.
#[cfg(feature = "parallel")]
const MIN_ITEMS_PER_TASK: usize = 2_048;

/// `f(i)` for every `i` below `n`, in index order.
pub(crate) fn map<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    return (0..n).into_par_iter().map(f).collect();
    #[cfg(not(feature = "parallel"))]
    (0..n).map(f).collect()
}

/// `f(item, with)` for every pair, in index order; the first failure by
/// index as [`Error::InBatch`].
pub(crate) fn try_map<T: Sync, U: Sync, R: Send>(
    items: &[T],
    with: &[U],
    f: impl Fn(&T, &U) -> Result<R> + Sync + Send,
) -> Result<Vec<R>> {
    #[cfg(feature = "parallel")]
    let results: Vec<Result<R>> = items
        .par_iter()
        .zip(with)
        .with_min_len(MIN_ITEMS_PER_TASK)
        .map(|(item, with)| f(item, with))
        .collect();
    #[cfg(not(feature = "parallel"))]
    let results = items.iter().zip(with).map(|(item, with)| f(item, with));
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| Error::in_batch(i, e)))
        .collect()
}

/// `f(item, with)` for every pair; the first failure by index as
/// [`Error::InBatch`]. Every pair is visited.
pub(crate) fn try_for_each<T: Sync, U: Sync>(
    items: &[T],
    with: &[U],
    f: impl Fn(&T, &U) -> Result<()> + Sync + Send,
) -> Result<()> {
    let first = FirstFailure::default();
    #[cfg(feature = "parallel")]
    let pairs = items.par_iter().zip(with).with_min_len(MIN_ITEMS_PER_TASK);
    #[cfg(not(feature = "parallel"))]
    let pairs = items.iter().zip(with);
    pairs
        .enumerate()
        .for_each(|(i, (item, with))| first.keep(i, f(item, with)));
    first.into_result()
}

/// `f(item, with)` on every pair, changing the items in place; the first
/// failure by index as [`Error::InBatch`] (the items a failing call left are
/// the caller's to judge: batch reviews check every item before).
pub(crate) fn try_update<T: Send, U: Sync>(
    items: &mut [T],
    with: &[U],
    f: impl Fn(&mut T, &U) -> Result<()> + Sync + Send,
) -> Result<()> {
    let first = FirstFailure::default();
    #[cfg(feature = "parallel")]
    let pairs = items
        .par_iter_mut()
        .zip(with)
        .with_min_len(MIN_ITEMS_PER_TASK);
    #[cfg(not(feature = "parallel"))]
    let pairs = items.iter_mut().zip(with);
    pairs
        .enumerate()
        .for_each(|(i, (item, with))| first.keep(i, f(item, with)));
    first.into_result()
}

/// The lowest-indexed failure seen so far, from any thread. Successes cost
/// one branch; the lock is taken only on a failure.
#[derive(Default)]
struct FirstFailure(std::sync::Mutex<Option<(usize, Error)>>);

impl FirstFailure {
    #[inline]
    fn keep(&self, index: usize, result: Result<()>) {
        if let Err(e) = result {
            self.keep_failure(index, e);
        }
    }

    #[cold]
    fn keep_failure(&self, index: usize, error: Error) {
        // A poisoned lock still holds a usable slot: nothing panics while holding it.
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_none_or(|(first, _)| index < *first) {
            *slot = Some((index, error));
        }
    }

    fn into_result(self) -> Result<()> {
        match self.0.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some((i, e)) => Err(Error::in_batch(i, e)),
            None => Ok(()),
        }
    }
}
