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
    // Fast path: plain serde_json. Only a document that fails is decoded
    // again with path tracking, which costs an allocation per key.
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(decode_error)?;
    de.end()
        .map_err(|e| Error::invalid("json", e.to_string()))?;
    Ok(value)
}

/// Decode an already-parsed JSON value as a `T`, with the same path-naming
/// errors as [`from_json`].
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(decode_error)
}

/// Marks the message of a type's own rule broken by a decoded value (see
/// [`broken_rule`]): the field inside the value, then the reason.
const RULE_MARK: char = '\u{1f}';

/// The serde error for a decoded value that breaks its type's rule (a
/// card's [`check`](crate::srs::Card::check)): `error`'s field, a path
/// inside the value, travels in the message so that [`decode_error`] can
/// name it from the document's root (`cards[3].memory.stability`).
pub(crate) fn broken_rule<E: serde::de::Error>(error: Error) -> E {
    match error {
        Error::InvalidInput { field, reason } => {
            E::custom(format_args!("{RULE_MARK}{field}{RULE_MARK}{reason}"))
        }
        other => E::custom(other),
    }
}

/// A type decoded only from a map (a JSON object), never from a list: its
/// derived deserializer (`#[serde(remote = "Self")]`) reads the map.
pub(crate) trait FromMap: Sized {
    /// The value from the entries of a map.
    fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> std::result::Result<Self, A::Error>;
}

/// Deserializes a [`FromMap`] type from a map only: `[1, 2]` for a
/// `{"stability": 1, "difficulty": 2}` is an error, not a silent match by
/// position.
pub(crate) fn map_only<'de, T: FromMap, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<T, D::Error> {
    struct MapOnly<T>(std::marker::PhantomData<T>);
    impl<'de, T: FromMap> serde::de::Visitor<'de> for MapOnly<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object with named fields")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            map: A,
        ) -> std::result::Result<T, A::Error> {
            T::from_map(map)
        }
    }
    deserializer.deserialize_map(MapOnly(std::marker::PhantomData))
}

/// Serde for a type whose derived (de)serializers are inherent functions
/// (`#[serde(remote = "Self")]`): it serializes as derived, and decodes
/// from an object only, then runs `check` (the type's own rule, naming
/// the field inside the value), so an invalid value never enters through
/// any decoder.
macro_rules! checked_on_entry {
    ($ty:ty) => {
        $crate::json::checked_on_entry!($ty, |_| Ok(()));
    };
    ($ty:ty, $check:expr) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                <$ty>::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> std::result::Result<Self, D::Error> {
                let value: $ty = $crate::json::map_only(deserializer)?;
                let check: fn(&$ty) -> $crate::Result<()> = $check;
                check(&value).map_err($crate::json::broken_rule)?;
                Ok(value)
            }
        }

        impl $crate::json::FromMap for $ty {
            fn from_map<'de, A: serde::de::MapAccess<'de>>(
                map: A,
            ) -> std::result::Result<Self, A::Error> {
                <$ty>::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
    };
}
pub(crate) use checked_on_entry;

/// A decoding error as the library's error: [`Error::InvalidInput`] whose
/// field is the JSON path of the problem, or `json` for the document itself
/// (".", a place the parser could not name ("?"), a key that is the empty
/// string, or text that is not JSON at all).
fn decode_error(e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let document = path.is_empty() || path == "." || path == "?";
    let message = inner.to_string();
    if let Some(rule) = message.strip_prefix(RULE_MARK) {
        // serde_json appends where the value ended; the rule's reason stands alone.
        let position = format!(" at line {} column {}", inner.line(), inner.column());
        let rule = rule.strip_suffix(&position).unwrap_or(rule);
        let (field, reason) = rule.split_once(RULE_MARK).unwrap_or(("json", rule));
        let error = Error::invalid(field, reason);
        return if document { error } else { error.within(&path) };
    }
    let field = if document || inner.is_syntax() || inner.is_eof() {
        "json".to_string()
    } else {
        path
    };
    Error::invalid(field, message)
}

/// Encode `value` as compact JSON.
pub fn to_json<T: Serialize>(value: &T) -> String {
    // The domain types hold only strings, numbers, dates and enums, which
    // always serialize; a failure here would be a bug in a type definition.
    serde_json::to_string(value).unwrap_or_else(|e| unreachable!("serializing a domain type: {e}"))
}

/// Serde for `DateTime<Utc>` as RFC 3339 text, in exactly the form chrono
/// writes (`2026-01-05T09:00:00Z`, fractional seconds only when present), with
/// a fast path for whole-second UTC times, which is every time the schedulers
/// produce: chrono's general formatter and parser dominated the cost of
/// moving a card across a language boundary. Anything else goes through
/// chrono, so every form chrono accepts is still accepted.
pub(crate) mod utc {
    use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    fn push2(out: &mut [u8], at: usize, v: u32) {
        out[at] = b'0' + (v / 10) as u8;
        out[at + 1] = b'0' + (v % 10) as u8;
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, or None when chrono must format it.
    pub(crate) fn fast_format(t: &DateTime<Utc>) -> Option<[u8; 20]> {
        let year = t.year();
        if t.nanosecond() != 0 || !(0..=9999).contains(&year) {
            return None;
        }
        let mut b = *b"0000-00-00T00:00:00Z";
        let y = year as u32;
        push2(&mut b, 0, y / 100);
        push2(&mut b, 2, y % 100);
        push2(&mut b, 5, t.month());
        push2(&mut b, 8, t.day());
        push2(&mut b, 11, t.hour());
        push2(&mut b, 14, t.minute());
        push2(&mut b, 17, t.second());
        Some(b)
    }

    fn fast_parse(s: &str) -> Option<DateTime<Utc>> {
        let b = s.as_bytes();
        if b.len() != 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
            || b[19] != b'Z'
        {
            return None;
        }
        let num = |from: usize, len: usize| -> Option<u32> {
            b[from..from + len].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 2)?, num(8, 2)?)?
            .and_hms_opt(num(11, 2)?, num(14, 2)?, num(17, 2)?)
            .map(|t| t.and_utc())
    }

    pub(crate) fn parse(s: &str) -> Option<DateTime<Utc>> {
        fast_parse(s).or_else(|| {
            s.parse::<DateTime<FixedOffset>>()
                .ok()
                .map(|t| t.with_timezone(&Utc))
        })
    }

    pub(crate) fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        match fast_format(t) {
            // The buffer is ASCII digits and separators.
            Some(b) => s.serialize_str(std::str::from_utf8(&b).unwrap_or_default()),
            None => serde::Serialize::serialize(t, s),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not an RFC 3339 time with an offset (such as 2026-01-05T09:00:00Z)"
            ))
        })
    }
}

/// Serde for durations as whole seconds (`[60, 600]`), the form every
/// language writes steps in: integers, or numbers with no fraction.
pub(crate) mod seconds {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Whole seconds up to about 292 billion years either way, from an
    /// integer or a float without a fraction.
    fn whole<E: serde::de::Error>(seconds: f64) -> Result<TimeDelta, E> {
        if seconds.fract() == 0.0 && seconds.abs() < 9.0e12 {
            Ok(TimeDelta::seconds(seconds as i64))
        } else {
            Err(E::custom(format!(
                "{seconds} is not a whole number of seconds"
            )))
        }
    }

    pub(crate) fn serialize<S: Serializer>(steps: &[TimeDelta], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(steps.iter().map(TimeDelta::num_seconds))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<TimeDelta>, D::Error> {
        Vec::<f64>::deserialize(d)?.into_iter().map(whole).collect()
    }

    /// A `std::time::Duration` as seconds with a fraction (`30.0`).
    #[cfg(feature = "sqlite")]
    pub(crate) mod float {
        use serde::{Deserialize, Deserializer, Serializer};
        use std::time::Duration;

        pub(crate) fn serialize<S: Serializer>(t: &Duration, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_f64(t.as_secs_f64())
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
            let seconds = f64::deserialize(d)?;
            Duration::try_from_secs_f64(seconds).map_err(|_| {
                serde::de::Error::custom(format!(
                    "{seconds} is not a finite number of seconds >= 0"
                ))
            })
        }
    }

    /// The same for one duration.
    pub(crate) mod one {
        use chrono::TimeDelta;
        use serde::{Deserialize, Deserializer, Serializer};

        pub(crate) fn serialize<S: Serializer>(t: &TimeDelta, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_i64(t.num_seconds())
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeDelta, D::Error> {
            super::whole(f64::deserialize(d)?)
        }
    }
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

    #[test]
    fn times_are_written_as_chrono_writes_them_and_read_in_any_offset() {
        use chrono::{TimeZone, Utc};
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct T(#[serde(with = "super::utc")] chrono::DateTime<Utc>);
        let cases = [
            Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(1, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(9999, 2, 28, 0, 0, 1).unwrap(),
            Utc.with_ymd_and_hms(12026, 1, 5, 9, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
                + chrono::TimeDelta::microseconds(1500),
        ];
        for t in cases {
            let ours = to_json(&T(t));
            assert_eq!(
                ours,
                serde_json::to_string(&t).unwrap(),
                "same text as chrono"
            );
            assert_eq!(from_json::<T>(&ours).unwrap(), T(t));
        }
        let shifted: T = from_json(r#""2026-01-05T10:00:00+01:00""#).unwrap();
        assert_eq!(shifted, T(cases[0]));
        for bad in [
            r#""2026-01-05T09:00:00""#,
            r#""2026-13-05T09:00:00Z""#,
            r#""yesterday""#,
            "5",
        ] {
            assert!(from_json::<T>(bad).is_err(), "{bad}");
        }
    }
}
