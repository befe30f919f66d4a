//! The committed fixture is exactly what the core computes today, so a change
//! of behaviour cannot slip past the other languages' tests unnoticed.

#[test]
fn committed_fixture_matches_the_core() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/conformance/srs.json"
    );
    let committed = std::fs::read_to_string(path).expect("fixture exists");
    let fresh = learnloop_conformance::fixture_text();
    assert!(
        committed == fresh,
        "tests/fixtures/conformance/srs.json is stale: run `cargo run -p learnloop-conformance` and review the diff"
    );
    let doc: serde_json::Value = serde_json::from_str(&committed).unwrap();
    let n = doc["cases"].as_array().unwrap().len();
    assert!(n > 100, "{n} cases");
}

#[test]
fn committed_learner_fixture_matches_the_core() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/conformance/learner.json"
    );
    let committed = std::fs::read_to_string(path).expect("fixture exists");
    assert!(
        committed == learnloop_conformance::learner_fixture_text(),
        "tests/fixtures/conformance/learner.json is stale: run `cargo run -p learnloop-conformance` and review the diff"
    );
}

#[test]
fn committed_sync_fixture_matches_the_core() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/conformance/sync.json"
    );
    let committed = std::fs::read_to_string(path).expect("fixture exists");
    assert!(
        committed == learnloop_conformance::sync_fixture_text(),
        "tests/fixtures/conformance/sync.json is stale: run `cargo run -p learnloop-conformance` and review the diff"
    );
    // Every order gives the same state and digest.
    let doc: serde_json::Value = serde_json::from_str(&committed).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 3);
    for case in cases {
        assert_eq!(case["expected"], cases[0]["expected"], "{}", case["name"]);
    }
}

#[test]
fn committed_defaults_fixture_matches_the_core() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/conformance/defaults.json"
    );
    let committed = std::fs::read_to_string(path).expect("fixture exists");
    assert!(
        committed == learnloop_conformance::defaults_fixture_text(),
        "tests/fixtures/conformance/defaults.json is stale: run `cargo run -p learnloop-conformance` and review the diff"
    );
}

#[test]
fn committed_entry_points_fixture_matches_the_core() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let committed =
        std::fs::read_to_string(root.join("tests/fixtures/conformance/entry_points.json"))
            .expect("fixture exists");
    let fresh =
        learnloop_conformance::entry_points::entry_points_fixture_text(&root.join("core/src"));
    assert!(
        committed == fresh,
        "tests/fixtures/conformance/entry_points.json is stale (a public entry point of the core was added, renamed or removed): run `cargo run -p learnloop-conformance` and bind it in every language"
    );
}
