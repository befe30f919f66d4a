//! Outside input: a stored session document of any version. Nothing may
//! panic; a document that upgrades serializes and reads back equal (the
//! upgrade is idempotent), and an error is typed and names a field.
#![no_main]

use learnloop::migrate::{SESSION_SCHEMA_VERSION, session_from_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match session_from_json(text) {
        Ok(doc) => {
            assert_eq!(doc.metadata.schema_version, SESSION_SCHEMA_VERSION);
            let written = learnloop::json::to_json(&doc);
            let again = session_from_json(&written).expect("an upgraded document reads back");
            // NaN cannot be in JSON, so equality is exact.
            assert_eq!(again, doc, "upgrade is not idempotent");
        }
        Err(e) => {
            assert!(!e.field().is_empty(), "an error without a field: {e}");
        }
    }
});
