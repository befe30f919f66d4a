//! Sync: a learner's state on every device converges, and no answer is lost.
//!
//! Every fact is an immutable [`Event`] made by one device (its id and
//! sequence number), stamped by a hybrid logical clock ([`Hlc`]). Replicas
//! exchange the events the other lacks ([`ChangeSet`], chosen by a
//! [`VersionVector`]); merging is set union, so it is commutative,
//! associative and idempotent. What a learner's state holds is folded from
//! the events in one order, (stamp, device, seq) ([`LearnerState`]): cards
//! from reviews, adaptive sessions from answers, registers (preferences,
//! profile) by explicit merge policies ([`register`]). Derived state is never synced: two devices that
//! reviewed the same card offline both keep their review, and the card's
//! schedule counts both.
//!
//! A [`Replica`] is what a device holds: its clock, its log and the folded
//! state, kept up to date as events are recorded and applied.

mod event;
mod fold;
mod hlc;
mod log;
pub mod register;
mod replica;
mod snapshot;
mod vector;
mod wire;

pub use event::{Answer, Authority, Body, CardChange, Event, EventId, RegisterWrite, Review, kind};
pub use fold::{LearnerState, OwnedRules, Rules, SessionFold};
pub use hlc::{Clock, Hlc, MAX_CLOCK_SKEW};
pub use log::{Applied, ChangeSet, EventLog, Floor};
pub use register::{RegisterOp, Registers};
pub use replica::{Acknowledgement, CHECKPOINT_EVERY, CHECKPOINTS_KEPT, Replica};
pub use snapshot::{SNAPSHOT_FORMAT, Snapshot};
pub use vector::VersionVector;
pub use wire::CHANGE_SET_FORMAT;
