//! Every options struct of the library by name, for code that handles
//! options generically: a binding turning keyword arguments or an options
//! object into the core's settings, or a tool showing the defaults.
//!
//! Each options struct is a serde type whose every field may be omitted
//! (`#[serde(default)]`); its `Default` is the one place its defaults are
//! written. [`OptionsKind::resolve`] completes what a caller gave with
//! those defaults.
//!
//! ```
//! use learnloop::options::OptionsKind;
//! let fsrs = OptionsKind::Fsrs.resolve(serde_json::json!({"desired_retention": 0.85}))?;
//! assert_eq!(fsrs["desired_retention"], 0.85);
//! assert_eq!(fsrs["maximum_interval"], 36500);
//! let err = OptionsKind::Queue.resolve(serde_json::json!({"new_limt": 5})).unwrap_err();
//! assert_eq!(err.field(), "new_limt");
//! # Ok::<(), learnloop::Error>(())
//! ```

use crate::adaptive::EngineConfig;
use crate::learner::bkt::BktFitOptions;
use crate::learner::elo::Elo;
use crate::learner::irt::{CalibrationOptions, ItemSelector, NormalPrior};
use crate::learner::logistic::PfaOptions;
use crate::srs::{AnkiSm2Options, FsrsOptions, QueueOptions, Sm2Options};
use crate::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

crate::names::named_enum! {
    /// The options structs, by the name every binding uses for them.
    pub enum OptionsKind in "options" {
        /// [`FsrsOptions`].
        Fsrs = "fsrs",
        /// [`Sm2Options`].
        Sm2 = "sm2",
        /// [`AnkiSm2Options`].
        AnkiSm2 = "anki_sm2",
        /// [`QueueOptions`].
        Queue = "queue",
        /// [`EngineConfig`].
        Engine = "engine",
        /// [`CalibrationOptions`].
        Calibration = "calibration",
        /// [`ItemSelector`].
        ItemSelector = "item_selector",
        /// [`BktFitOptions`].
        BktFit = "bkt_fit",
        /// [`PfaOptions`].
        Pfa = "pfa",
        /// [`NormalPrior`].
        NormalPrior = "normal_prior",
        /// [`Elo`].
        Elo = "elo",
    }
}

impl OptionsKind {
    /// Every kind, in declaration order.
    pub const ALL: [OptionsKind; 11] = [
        OptionsKind::Fsrs,
        OptionsKind::Sm2,
        OptionsKind::AnkiSm2,
        OptionsKind::Queue,
        OptionsKind::Engine,
        OptionsKind::Calibration,
        OptionsKind::ItemSelector,
        OptionsKind::BktFit,
        OptionsKind::Pfa,
        OptionsKind::NormalPrior,
        OptionsKind::Elo,
    ];

    /// The defaults, in serialized form.
    pub fn defaults(self) -> Value {
        self.resolve(Value::Object(Default::default()))
            .unwrap_or_else(|e| unreachable!("an empty object takes every default: {e}"))
    }

    /// `given` (an object whose every field is optional) completed with the
    /// defaults, in serialized form. An unknown field or a value of the
    /// wrong type is an error naming it; ranges are checked by whatever
    /// takes the options.
    pub fn resolve(self, given: Value) -> Result<Value> {
        match self {
            OptionsKind::Fsrs => complete::<FsrsOptions>(given),
            OptionsKind::Sm2 => complete::<Sm2Options>(given),
            OptionsKind::AnkiSm2 => complete::<AnkiSm2Options>(given),
            OptionsKind::Queue => complete::<QueueOptions>(given),
            OptionsKind::Engine => complete::<EngineConfig>(given),
            OptionsKind::Calibration => complete::<CalibrationOptions>(given),
            OptionsKind::ItemSelector => complete::<ItemSelector>(given),
            OptionsKind::BktFit => complete::<BktFitOptions>(given),
            OptionsKind::Pfa => complete::<PfaOptions>(given),
            OptionsKind::NormalPrior => complete::<NormalPrior>(given),
            OptionsKind::Elo => complete::<Elo>(given),
        }
    }
}

fn complete<T: Serialize + DeserializeOwned>(given: Value) -> Result<Value> {
    let options: T = crate::json::from_value(given)?;
    serde_json::to_value(options).map_err(|e| Error::invalid("options", e.to_string()))
}
