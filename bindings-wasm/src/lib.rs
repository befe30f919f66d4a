//! Browser and Node bindings for learnloop (wasm-bindgen): the npm package
//! `learnloop`.
//!
//! Conversions, handles and error mapping only. Records (cards, logs,
//! adaptive states) cross as plain JS objects in the core's JSON shapes, so a
//! card stored by a Python backend is a card in the browser; their
//! TypeScript types are generated from the core's types (tsify). Options
//! objects are camelCase, every field optional: the keys are converted to
//! the core's names and the core's defaults fill the rest. Time arguments
//! take a `Date` or an ISO 8601 string with an offset, and are always
//! required. Errors are `Error` objects whose `name` says the kind, with the
//! core's `kind`, `code` and `field`.

use learnloop::{ErrorKind, Timestamp};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

pub mod learner;
pub mod srs;
#[cfg(feature = "store")]
pub mod store;
// Sync travels with the store: the default entry stays within its budget
// (350 KB gzipped), and a browser that syncs keeps its replica's events.
#[cfg(feature = "store")]
pub mod sync;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A time argument: a Date, or an ISO 8601 string with an offset ("2026-01-05T09:00:00Z"). */
export type DateInput = Date | string;
/** A time in a record: RFC 3339 text in UTC ("2026-01-05T09:00:00Z"). */
export type Timestamp = string;
type CamelCase<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
type Camelized<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T as CamelCase<K & string>]: Camelized<T[K]> } : T;
/** The JS form of one of the core's options structs: camelCase keys, every one optional. */
export type Options<T> = Partial<Camelized<T>>;
/** The settings in effect, as every scheduler and engine reports them. */
export type Settings<T> = Camelized<T>;
/** Every error thrown by learnloop: `name` is the kind's class name
 * ("InvalidInputError", "StorageBusyError", ...), `kind` its stable name,
 * `field` the core's path of the input it is about. */
export interface LearnloopError extends Error { kind: string; code: string; field: string }
"#;

/// The JS `Error` for a core error: its `name` says the kind (decided in
/// one exhaustive `match`, so a new kind does not compile until it has a
/// name here), and it carries the core's `kind`, `code` and `field`.
pub(crate) fn js_error(e: learnloop::Error) -> JsValue {
    let name = match e.kind() {
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::InvalidParameter => "InvalidParameterError",
        ErrorKind::InvalidRating => "InvalidRatingError",
        ErrorKind::OutOfOrder => "OutOfOrderError",
        ErrorKind::NotEstimable => "NotEstimableError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::StorageBusy => "StorageBusyError",
        ErrorKind::StorageFull => "StorageFullError",
        ErrorKind::StorageReadOnly => "StorageReadOnlyError",
        ErrorKind::StorageCorrupt => "StorageCorruptError",
        ErrorKind::StorageFailed => "StorageError",
        ErrorKind::NewerVersion => "VersionTooNewError",
        ErrorKind::MigrationChanged => "MigrationChangedError",
        ErrorKind::Conflict => "ConflictError",
    };
    let err = js_sys::Error::new(&e.to_string());
    err.set_name(name);
    let obj: &JsValue = err.as_ref();
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(obj, &"kind".into(), &e.kind().as_str().into());
    let _ = js_sys::Reflect::set(obj, &"code".into(), &e.code().into());
    let _ = js_sys::Reflect::set(obj, &"field".into(), &e.field().into());
    err.into()
}

pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> JsValue {
    js_error(learnloop::Error::InvalidInput {
        field: field.to_string(),
        reason: reason.into(),
    })
}

/// `Result` with a thrown JS value, and core results mapped into it.
pub(crate) type JsResult<T> = Result<T, JsValue>;

pub(crate) fn err<T>(r: learnloop::Result<T>) -> JsResult<T> {
    r.map_err(js_error)
}

fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// A JS value as JSON (the browser's own `JSON.stringify` is the fastest
/// way across the boundary).
pub(crate) fn json_of(field: &str, value: &JsValue) -> JsResult<Value> {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid(field, "not JSON-serializable"))?;
    serde_json::from_str(&text).map_err(|e| invalid(field, e.to_string()))
}

/// A core type from JSON, the argument `field`; errors name the argument
/// and the path inside it (`card.memory.stability`, `cards[3].due`).
pub(crate) fn decode<T: DeserializeOwned>(field: &str, value: Value) -> JsResult<T> {
    learnloop::json::from_value(value).map_err(|e| js_error(e.within(field)))
}

/// A record argument in the core's JSON shape.
pub(crate) fn from_js<T: DeserializeOwned>(field: &str, value: &JsValue) -> JsResult<T> {
    if value.is_undefined() {
        return Err(invalid(field, "missing"));
    }
    decode(field, json_of(field, value)?)
}

/// An options argument: a camelCase object (or nothing), its keys turned
/// into the core's names, the core's defaults for the rest.
pub(crate) fn options<T: DeserializeOwned>(value: &Option<JsValue>) -> JsResult<T> {
    decode("options", given(value)?)
}

/// An options object in the core's names (`{}` when left out).
fn given(value: &Option<JsValue>) -> JsResult<Value> {
    match value {
        Some(value) if !absent(value) => {
            non_finite_refused("options", value)?;
            Ok(renamed(json_of("options", value)?, camel_to_snake))
        }
        _ => Ok(Value::Object(Map::new())),
    }
}

/// JSON has no NaN or infinity: `JSON.stringify` writes them as `null`,
/// which an optional setting would read as "not given". Refuse them in an
/// options object (and the objects and arrays in it), naming the key.
fn non_finite_refused(field: &str, value: &JsValue) -> JsResult<()> {
    if let Some(n) = value.as_f64() {
        return match n.is_finite() {
            true => Ok(()),
            false => Err(invalid(field, format!("{n} is not a finite number"))),
        };
    }
    if js_sys::Array::is_array(value) {
        let items = js_sys::Array::from(value);
        for (i, item) in items.iter().enumerate() {
            non_finite_refused(&format!("{field}[{i}]"), &item)?;
        }
    } else if value.is_object() {
        for entry in js_sys::Object::entries(&js_sys::Object::from(value.clone())).iter() {
            let entry = js_sys::Array::from(&entry);
            let key = entry.get(0).as_string().unwrap_or_default();
            non_finite_refused(&format!("{field}.{}", camel_to_snake(&key)), &entry.get(1))?;
        }
    }
    Ok(())
}

/// A core value as a plain JS object in its JSON shape.
pub(crate) fn to_js<T: Serialize>(value: &T) -> JsResult<JsValue> {
    js_sys::JSON::parse(&learnloop::json::to_json(value))
}

/// Options as JS shows them: camelCase keys.
pub(crate) fn options_to_js<T: Serialize>(value: &T) -> JsResult<JsValue> {
    let json = serde_json::to_value(value).map_err(|e| invalid("options", e.to_string()))?;
    js_sys::JSON::parse(&renamed(json, snake_to_camel).to_string())
}

/// `value` with every object key renamed by `rename`, at every depth.
fn renamed(value: Value, rename: fn(&str) -> String) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (rename(&k), renamed(v, rename)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| renamed(v, rename)).collect())
        }
        other => other,
    }
}

/// `desiredRetention` -> `desired_retention`.
fn camel_to_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `desired_retention` -> `desiredRetention`.
fn snake_to_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// A `Date` or an ISO 8601 string with an offset, as a core time.
pub(crate) fn time(field: &str, value: &JsValue) -> JsResult<Timestamp> {
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        let ms = date.get_time();
        return Timestamp::from_micros((ms * 1000.0) as i64)
            .filter(|_| ms.is_finite())
            .ok_or_else(|| invalid(field, "an invalid or out-of-range Date"));
    }
    match value.as_string() {
        Some(text) => decode(field, Value::String(text)),
        None => Err(invalid(field, "expected a Date or an ISO 8601 string")),
    }
}

/// The options `name` resolves to from `given` (camelCase, every field
/// optional), the core's defaults for the rest: what every class and
/// function taking these options uses. `name` is one of `OPTIONS_NAMES`.
#[wasm_bindgen(js_name = optionsOf, unchecked_return_type = "Record<string, unknown>")]
pub fn options_of(
    name: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "Record<string, unknown>")] given: Option<
        JsValue,
    >,
) -> JsResult<JsValue> {
    let kind: learnloop::options::OptionsKind = err(name.parse())?;
    options_to_js(
        &kind
            .resolve(self::given(&given)?)
            .map_err(|e| js_error(e.within("options")))?,
    )
}

/// Every options name `optionsOf` takes, from the core's table.
#[wasm_bindgen(js_name = optionsNames)]
pub fn options_names() -> Vec<String> {
    learnloop::options::OptionsKind::NAMES
        .iter()
        .map(|n| n.to_string())
        .collect()
}

/// A session document of any version (seed 000's shape) upgraded to the
/// current one, checked.
#[wasm_bindgen(js_name = upgradeSession, unchecked_return_type = "Record<string, unknown>")]
pub fn upgrade_session(
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] document: JsValue,
) -> JsResult<JsValue> {
    let document: serde_json::Value = from_js("document", &document)?;
    to_js(&err(learnloop::migrate::upgrade_session(document))?)
}

/// A session document in JSON text (any version), upgraded and checked.
#[wasm_bindgen(js_name = sessionFromJson, unchecked_return_type = "Record<string, unknown>")]
pub fn session_from_json(text: &str) -> JsResult<JsValue> {
    to_js(&err(learnloop::migrate::session_from_json(text))?)
}

/// The schema version a session document declares (legacy documents: 1).
#[wasm_bindgen(js_name = sessionVersion)]
pub fn session_version(
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] document: JsValue,
) -> JsResult<f64> {
    let document: serde_json::Value = from_js("document", &document)?;
    err(learnloop::migrate::session_version(&document)).map(|v| v as f64)
}
