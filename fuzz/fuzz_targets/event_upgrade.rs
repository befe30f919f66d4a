//! Outside input: an event's kind, version and payload as another app
//! version wrote them. Reading it never panics: it is this library's kind at
//! a version it reads (and then re-encodes to a payload that reads back the
//! same), a kind it keeps unread, or a typed error naming the payload.
#![no_main]

use learnloop::sync::{Body, Event, EventId, Hlc};
use libfuzzer_sys::fuzz_target;

const KINDS: [&str; 5] = ["review", "card_added", "card_removed", "register", "streak_bonus"];

fuzz_target!(|data: &[u8]| {
    let [kind, version, rest @ ..] = data else {
        return;
    };
    let event = Event {
        id: EventId { device: "device".into(), seq: 1 },
        hlc: Hlc::new(1_767_600_000_000, 0).expect("in range"),
        kind: KINDS[usize::from(*kind) % KINDS.len()].to_string(),
        version: u16::from(*version % 3),
        payload: rest.to_vec(),
    };
    match Body::of(&event) {
        Ok(Some(body)) => {
            let again = Event::new("device", 1, event.hlc, &body).expect("a read body writes");
            // Compared as text: a NaN register value is not equal to itself.
            let read = Body::of(&again).expect("a written body reads");
            assert_eq!(format!("{read:?}"), format!("{:?}", Some(body)));
        }
        Ok(None) => assert!(event.kind == "streak_bonus" || event.version != 1),
        Err(e) => assert!(e.field().ends_with(".payload"), "{}", e.field()),
    }
});
