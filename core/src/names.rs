//! The name table of every enum-like option: one place that says how each
//! variant is spelled, used by serde, by `FromStr` and `Display`, and by
//! every language binding (which never spells a variant itself).

/// Declares an enum whose variants have stable names, with `NAMES`,
/// `as_str`, `FromStr` (an error naming `$field` and listing the names),
/// `Display`, and serde as the name.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident in $field:literal {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every variant's name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            /// The names as a TypeScript union type, for the browser
            /// binding's declarations.
            pub const TS_TYPE: &'static str = concat!(
                "export type ", stringify!($name), " =", $(" | \"", $text, "\"",)* ";"
            );

            /// The variant's name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Error;

            /// The variant named `name`; anything else is an invalid-input
            /// error naming the field and listing the names.
            fn from_str(name: &str) -> $crate::Result<Self> {
                match name {
                    $($text => Ok($name::$variant),)*
                    other => Err($crate::Error::invalid(
                        $field,
                        format!("{other:?} is not one of {}", $crate::names::listed(Self::NAMES)),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                name.parse().map_err(|_| {
                    serde::de::Error::custom(format!(
                        "{name:?} is not one of {}",
                        $crate::names::listed(Self::NAMES)
                    ))
                })
            }
        }
    };
}

pub(crate) use named_enum;

/// `"a", "b", "c"`: names as an error message lists them.
pub(crate) fn listed(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
