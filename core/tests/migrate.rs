//! Session documents of every version (fixtures in tests/fixtures/sessions)
//! are read and upgraded, or refused with the expected typed error.

use learnloop::migrate::{
    SESSION_SCHEMA_VERSION, SessionDocument, session_from_json, upgrade_session,
};
use serde_json::Value;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/sessions")
}

#[test]
fn every_fixture_upgrades_or_fails_as_expected() {
    let expected: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir().join("expected.json")).unwrap())
            .unwrap();
    assert_eq!(expected.len(), 7);
    for (file, want) in &expected {
        let text = std::fs::read_to_string(dir().join(file)).unwrap();
        match session_from_json(&text) {
            Ok(doc) => {
                assert_eq!(want["ok"], true, "{file} should fail");
                assert_eq!(
                    doc.metadata.schema_version, SESSION_SCHEMA_VERSION,
                    "{file}"
                );
                assert_eq!(
                    doc.messages.len() as u64,
                    want["messages"].as_u64().unwrap(),
                    "{file}"
                );
                let json: Value = serde_json::to_value(&doc).unwrap();
                assert_eq!(json["metadata"]["state"], want["state"], "{file}");
                for key in ["createdAt", "updatedAt"] {
                    if let Some(t) = want.get(key) {
                        assert_eq!(&json["metadata"][key], t, "{file} {key}");
                    }
                }
                let indexes: Vec<u32> = doc.messages.iter().map(|m| m.message_index).collect();
                assert_eq!(
                    indexes,
                    (0..doc.messages.len() as u32).collect::<Vec<_>>(),
                    "{file}"
                );
                // Upgrading is idempotent: the written form reads back equal.
                let again = session_from_json(&learnloop::json::to_json(&doc)).unwrap();
                assert_eq!(again, doc, "{file}");
            }
            Err(e) => {
                assert_eq!(want["ok"], false, "{file} failed: {e}");
                assert_eq!(e.code(), want["code"], "{file}: {e}");
                assert_eq!(e.field(), want["field"], "{file}: {e}");
            }
        }
    }
}

#[test]
fn legacy_sessions_get_documented_defaults() {
    let text = std::fs::read_to_string(dir().join("v1_legacy.json")).unwrap();
    let doc = session_from_json(&text).unwrap();
    assert_eq!(doc.metadata.token.as_deref(), Some("tok-7f3a"));
    assert_eq!(doc.adaptive_state.adaptive_difficulty_level, 0.5);
    assert_eq!(doc.adaptive_state.detected_learning_style, "unknown");
    assert_eq!(
        doc.adaptive_state.live_performance_metrics.last_updated,
        doc.metadata.updated_at
    );
    assert!(doc.question_adaptation_history.is_empty());
    assert_eq!(doc.messages[1].text, "3/4");
    assert!(doc.messages[1].is_user);
}

#[test]
fn current_documents_keep_every_field() {
    let text = std::fs::read_to_string(dir().join("v2_current.json")).unwrap();
    let doc = session_from_json(&text).unwrap();
    let original: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&doc).unwrap(), original);
}

#[test]
fn bad_versions_and_shapes_are_typed_errors() {
    let cases = [
        (r#"[1, 2]"#, "invalid_input", "json"),
        (
            r#"{"metadata": {"schemaVersion": "two"}}"#,
            "invalid_input",
            "metadata.schemaVersion",
        ),
        (
            r#"{"metadata": {"schemaVersion": 0}}"#,
            "invalid_input",
            "metadata.schemaVersion",
        ),
        (
            r#"{"schemaVersion": 9}"#,
            "version_too_new",
            "session.metadata.schemaVersion",
        ),
        (
            r#"{"metadata": {"createdAt": "2026-01-05T09:00:00Z"}, "messages": {}}"#,
            "invalid_input",
            "messages",
        ),
        (
            r#"{"metadata": {"createdAt": 1.5}}"#,
            "invalid_input",
            "metadata.createdAt",
        ),
        (
            r#"{"metadata": {"createdAt": {"_seconds": 1, "_nanoseconds": -1}}}"#,
            "invalid_input",
            "metadata.createdAt",
        ),
        (
            r#"{"metadata": [], "messages": []}"#,
            "invalid_input",
            "metadata",
        ),
        (
            r#"{"metadata": {"createdAt": "2026-01-05T09:00:00Z"}, "messages": [7]}"#,
            "invalid_input",
            "messages[0]",
        ),
        (
            r#"{"metadata": {"topics": [], "state": "paused", "createdAt": "2026-01-05T09:00:00Z"}}"#,
            "invalid_input",
            "metadata.state",
        ),
        ("{not json", "invalid_input", "json"),
        // Found by fuzzing: a syntax error under the empty key named no field.
        ("{\n  \"\": #", "invalid_input", "json"),
    ];
    for (text, code, field) in cases {
        let e = session_from_json(text).unwrap_err();
        assert_eq!((e.code(), e.field().as_str()), (code, field), "{text}: {e}");
    }
}

#[test]
fn a_new_document_round_trips() {
    let at = chrono::DateTime::from_timestamp(1_767_603_600, 123_456_789).unwrap();
    let doc = SessionDocument::new(vec!["x".into()], at);
    let value = serde_json::to_value(&doc).unwrap();
    assert_eq!(upgrade_session(value).unwrap(), doc);
}
