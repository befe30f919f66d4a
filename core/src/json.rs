//! JSON in and out of the domain types, with errors that name the field.
//!
//! Hosts store cards, parameters and (later) learner state as JSON and send
//! them back; this is the one decoder every binding uses, so a malformed
//! document gives the same typed error, naming the same JSON path, in every
//! language.

use crate::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decode `text` as a `T`.
///
/// A malformed document is [`Error::InvalidInput`] whose field is the JSON
/// path of the problem (`memory.stability`, `reviews[3].rating`) or `json`
/// when the text is not JSON at all.
///
/// ```
/// use learnloop::srs::Card;
/// let err = learnloop::json::from_json::<Card>(r#"{"id": "c", "state": "sleeping"}"#).unwrap_err();
/// assert_eq!(err.field(), "state");
/// ```
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        // "." is the document itself, "?" a place the parser could not name.
        let field = if path == "." || path == "?" {
            "json".to_string()
        } else {
            path
        };
        Error::invalid(field, e.into_inner().to_string())
    })?;
    de.end()
        .map_err(|e| Error::invalid("json", e.to_string()))?;
    Ok(value)
}

/// Encode `value` as compact JSON.
pub fn to_json<T: Serialize>(value: &T) -> String {
    // The domain types hold only strings, numbers, dates and enums, which
    // always serialize; a failure here would be a bug in a type definition.
    serde_json::to_string(value).unwrap_or_else(|e| unreachable!("serializing a domain type: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srs::Card;

    #[test]
    fn errors_name_the_json_path() {
        let field = |text: &str| from_json::<Card>(text).unwrap_err().field();
        assert_eq!(field("{not json"), "json");
        assert_eq!(field(""), "json");
        assert_eq!(field("[]"), "json");
        assert_eq!(field(r#"{"id": 3}"#), "id");
        let card = to_json(&Card::new("c", chrono::DateTime::UNIX_EPOCH));
        let bad = card.replace(
            r#""memory":null"#,
            r#""memory":{"stability":"x","difficulty":5}"#,
        );
        assert_eq!(field(&bad), "memory.stability");
        assert_eq!(field(&format!("{card} trailing")), "json");
        assert_eq!(from_json::<Card>(&card).unwrap().id, "c");
    }
}
