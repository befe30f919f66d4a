//! Outside input: a snapshot's binary form, as a compacting peer sends it
//! to a replica too far behind. Nothing may panic; a decoded snapshot
//! encodes and decodes to itself, and a replica resyncs from it (or fails
//! with a typed error, changing nothing).
#![no_main]

use learnloop::adaptive::Engine;
use learnloop::srs::Fsrs;
use learnloop::sync::{Replica, Rules, Snapshot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(snapshot) = Snapshot::from_bytes(data) else {
        return;
    };
    let again = Snapshot::from_bytes(&snapshot.to_bytes()).expect("an encoded snapshot decodes");
    assert_eq!(again.floor, snapshot.floor, "the round trip changed the floor");
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules { scheduler: &fsrs, engine: &engine };
    let mut replica = Replica::new("fuzz").expect("a device id");
    let before = replica.clone();
    if replica.resync(&snapshot, rules).is_err() {
        assert_eq!(replica, before, "a refused snapshot changes nothing");
    }
});
