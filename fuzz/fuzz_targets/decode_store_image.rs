//! `Store::from_bytes` on arbitrary bytes (a database image read back from
//! browser storage): a typed error or a store that answers queries, never a
//! panic. Inputs are spliced onto a real image's header so the fuzzer gets
//! past SQLite's header check quickly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use learnloop::store::Store;

fuzz_target!(|data: &[u8]| {
    for image in [data.to_vec(), with_header(data)] {
        if let Ok(store) = Store::from_bytes(&image) {
            let _ = store.schema_version();
            let _ = store.cards("learner");
            let _ = store.export_learner("learner");
            let _ = store.to_bytes();
        }
    }
});

/// `data` behind a valid 100-byte SQLite header (page size 2048, one page).
fn with_header(data: &[u8]) -> Vec<u8> {
    let mut header = vec![0u8; 100];
    header[..16].copy_from_slice(b"SQLite format 3\0");
    header[16..18].copy_from_slice(&2048u16.to_be_bytes());
    header[18] = 1;
    header[19] = 1;
    header[21] = 64;
    header[22] = 32;
    header[23] = 32;
    header[28..32].copy_from_slice(&1u32.to_be_bytes());
    header[44..48].copy_from_slice(&4u32.to_be_bytes());
    header[56..60].copy_from_slice(&1u32.to_be_bytes());
    header.extend_from_slice(data);
    header
}
