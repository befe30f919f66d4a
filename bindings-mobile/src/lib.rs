//! Kotlin, Swift and Dart bindings for learnloop (uniffi) plus a C header.
//!
//! Placeholder: this crate holds no bindings yet. They are built in the
//! bindings issue, as thin conversions over [`learnloop`]; see README.md.

pub use learnloop::srs;
