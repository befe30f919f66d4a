//! Python bindings for learnloop (pyo3 + maturin, import name `learnloop`).
//!
//! Placeholder: this crate holds no bindings yet. They are built in the
//! bindings issue, as thin conversions over [`learnloop`]; see README.md.

pub use learnloop::srs;
