//! Outside input: a change set's binary form, as another device or a server
//! sends it. Nothing may panic; a decoded set encodes and decodes to the
//! same events, applies to a log (or fails with a typed error, changing
//! nothing), and the log folds.
#![no_main]

use learnloop::adaptive::Engine;
use learnloop::srs::Fsrs;
use learnloop::sync::{ChangeSet, EventLog, LearnerState, Rules};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(changes) = ChangeSet::from_bytes(data) else {
        return;
    };
    let again = ChangeSet::from_bytes(&changes.to_bytes()).expect("an encoded change set decodes");
    let key = |c: &ChangeSet| {
        let mut ids: Vec<_> = c.events.iter().map(|e| (e.order_key().0, e.id.clone(), e.payload.clone())).collect();
        ids.sort();
        ids
    };
    assert_eq!(key(&again), key(&changes), "the round trip changed the events");
    let mut log = EventLog::default();
    let before = log.clone();
    match log.apply(&changes) {
        Ok(_) => {
            let (fsrs, engine) = (Fsrs::default(), Engine::default());
            let state = LearnerState::fold(&log, Rules { scheduler: &fsrs, engine: &engine });
            assert!(state.cards.values().all(|c| c.check().is_ok()), "a folded card is valid");
        }
        Err(e) if matches!(e.code(), "event_conflict" | "resync_needed") => {
            assert_eq!(log, before, "a conflict or a resync answer changes nothing")
        }
        Err(_) => {}
    }
});
