#![cfg(target_arch = "wasm32")]
//! wasm-bindgen-test, run under Node by wasm-bindgen-test-runner: the exported
//! functions called from inside the wasm module, JS values and all.

use learnloop_wasm::srs::{Fsrs, Rating, due_queue, new_card};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen_test]
fn review_through_js_values() {
    let fsrs = Fsrs::new(None).expect("default scheduler");
    let card = new_card("c".into(), "2026-01-05T09:00:00Z".into()).expect("card");
    let out = fsrs
        .review(
            card,
            JsValue::from(Rating::Good as u32),
            "2026-01-05T09:00:00Z".into(),
            None,
            None,
        )
        .expect("review");
    let next = get(&out, "card");
    assert_eq!(
        get(&next, "due").as_string().as_deref(),
        Some("2026-01-05T09:10:00Z")
    );
    assert_eq!(get(&next, "state").as_string().as_deref(), Some("learning"));
}

#[wasm_bindgen_test]
fn errors_are_error_objects_with_code_and_field() {
    let fsrs = Fsrs::new(None).expect("default scheduler");
    let card = new_card("c".into(), "2026-01-05T09:00:00Z".into()).expect("card");
    let err = fsrs
        .review(
            card,
            JsValue::from(0),
            "2026-01-05T09:00:00Z".into(),
            None,
            None,
        )
        .expect_err("rating 0");
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("invalid_rating")
    );
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("rating"));
    let err = due_queue(
        JsValue::from_str("not cards"),
        "2026-01-05T09:00:00Z".into(),
        None,
    )
    .expect_err("bad cards");
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("cards"));
}
