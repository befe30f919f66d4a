//! Registers: what a learner's state holds that is not derived from
//! answers (preferences, profile fields, settings), each merged by an
//! explicit policy, so two replicas with the same writes hold the same
//! value whatever order the writes arrived in.
//!
//! * **Set** (last writer wins, causally): every write carries the version
//!   vector its writer had seen. A write the writer had seen is superseded
//!   by it, whatever the clocks say; among writes none of which had seen
//!   the others (concurrent ones), the highest (stamp, device, seq) wins.
//!   So a device whose clock says 2099 wins only against writes made
//!   without knowledge of its own: the first write anyone makes after
//!   seeing its value replaces it. The backend's "authority" is a write
//!   like any other: it wins over what it had seen, not over an answer it
//!   had not.
//! * **Max**: the largest number ever written.
//! * **Add**: a counter; each device adds to its own share, the value is
//!   the sum of the shares (increments are never lost to a race).
//! * **Put/Remove**: a map whose keys are each a causal last-writer-wins
//!   register; a removal is a write of "absent" (a tombstone).

use super::event::EventId;
use super::hlc::Hlc;
use super::vector::VersionVector;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a write combines with the register's other writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterOp {
    /// Set the value (JSON text), last writer wins causally.
    Set(String),
    /// Offer a number; the register holds the largest.
    Max(f64),
    /// Add to the writing device's share of a counter.
    Add(i64),
    /// Set a key of a map (value as JSON text).
    Put {
        /// The key.
        key: String,
        /// The value, JSON text.
        value: String,
    },
    /// Remove a key of a map.
    Remove {
        /// The key.
        key: String,
    },
}

/// A causal last-writer-wins register (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
struct CausalLww {
    /// Every write no write had seen, by (stamp, event id): its value
    /// (`None`: a removal).
    #[serde(with = "pairs")]
    writes: BTreeMap<(Hlc, EventId), Option<String>>,
    /// For each device, the highest sequence number any write had seen:
    /// a write of that device at or below it is superseded.
    seen: VersionVector,
}

impl CausalLww {
    fn write(&mut self, order: (Hlc, EventId), value: Option<String>, seen: &VersionVector) {
        self.seen.merge(seen);
        self.writes.insert(order, value);
        self.collect();
    }

    /// Drop the writes some write had seen: they never win again (`seen`
    /// only grows), so the fold and the snapshots hold only the writes
    /// still in the running, whatever order the writes arrived in.
    fn collect(&mut self) {
        let seen = &self.seen;
        self.writes
            .retain(|(_, id), _| !seen.covers(&id.device, id.seq));
    }

    /// The winning write's value (`None`: no write, or a removal won):
    /// the last, in stamp order, of the writes no write had seen.
    fn value(&self) -> Option<&str> {
        self.writes
            .last_key_value()
            .and_then(|(_, value)| value.as_deref())
    }
}

/// A map whose keys are not text, as a list of pairs (JSON keys are text).
mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub(super) fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub(super) fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

/// Every register of a learner, as folded from their `register` events.
/// Serialized (by [`Registers::to_json`]) as the values; a snapshot keeps
/// every write (see [`super::Snapshot`]).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Registers {
    sets: BTreeMap<String, CausalLww>,
    maxima: BTreeMap<String, f64>,
    counters: BTreeMap<String, BTreeMap<String, i64>>,
    maps: BTreeMap<String, BTreeMap<String, CausalLww>>,
}

impl Registers {
    /// These registers without the writes some write had seen (see
    /// `CausalLww::collect`).
    pub(crate) fn collected(mut self) -> Self {
        let maps = self.maps.values_mut().flat_map(|m| m.values_mut());
        for register in self.sets.values_mut().chain(maps) {
            register.collect();
        }
        self
    }

    /// Take in one write, made by event `id` stamped `hlc`.
    pub(crate) fn apply(
        &mut self,
        hlc: Hlc,
        id: &EventId,
        register: &str,
        op: &RegisterOp,
        seen: &VersionVector,
    ) {
        let order = (hlc, id.clone());
        match op {
            RegisterOp::Set(value) => self.sets.entry(register.to_string()).or_default().write(
                order,
                Some(value.clone()),
                seen,
            ),
            RegisterOp::Max(x) if x.is_finite() => {
                let m = self.maxima.entry(register.to_string()).or_insert(*x);
                *m = m.max(*x);
            }
            // A non-finite number is not a value; the write is kept in the log, ignored here.
            RegisterOp::Max(_) => {}
            RegisterOp::Add(n) => {
                let share = self
                    .counters
                    .entry(register.to_string())
                    .or_default()
                    .entry(id.device.clone())
                    .or_insert(0);
                *share = share.saturating_add(*n);
            }
            RegisterOp::Put { key, value } => self
                .maps
                .entry(register.to_string())
                .or_default()
                .entry(key.clone())
                .or_default()
                .write(order, Some(value.clone()), seen),
            RegisterOp::Remove { key } => self
                .maps
                .entry(register.to_string())
                .or_default()
                .entry(key.clone())
                .or_default()
                .write(order, None, seen),
        }
    }

    /// The value of a set register (JSON text), if written.
    pub fn value(&self, register: &str) -> Option<&str> {
        self.sets.get(register)?.value()
    }

    /// The largest number offered to a max register.
    pub fn max(&self, register: &str) -> Option<f64> {
        self.maxima.get(register).copied()
    }

    /// The sum of a counter's shares (0 if never added to).
    pub fn counter(&self, register: &str) -> i64 {
        self.counters.get(register).map_or(0, |shares| {
            shares.values().fold(0i64, |a, b| a.saturating_add(*b))
        })
    }

    /// A map register's present keys and values (JSON text), by key.
    pub fn map(&self, register: &str) -> BTreeMap<&str, &str> {
        self.maps
            .get(register)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, lww)| Some((k.as_str(), lww.value()?)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every register's value, as one JSON-ready document (for comparing
    /// replicas and for hosts): `{"set": {...}, "max": {...}, "counter":
    /// {...}, "map": {...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let set: BTreeMap<&str, &str> = self
            .sets
            .iter()
            .filter_map(|(k, r)| Some((k.as_str(), r.value()?)))
            .collect();
        let counter: BTreeMap<&str, i64> = self
            .counters
            .keys()
            .map(|k| (k.as_str(), self.counter(k)))
            .collect();
        let map: BTreeMap<&str, BTreeMap<&str, &str>> = self
            .maps
            .keys()
            .map(|k| (k.as_str(), self.map(k)))
            .collect();
        serde_json::json!({ "set": set, "max": self.maxima, "counter": counter, "map": map })
    }
}

/// The registers with every write, as a snapshot keeps them (read back by
/// deserializing a [`Registers`]).
#[derive(Serialize)]
pub(crate) struct FullRegisters<'a> {
    sets: &'a BTreeMap<String, CausalLww>,
    maxima: &'a BTreeMap<String, f64>,
    counters: &'a BTreeMap<String, BTreeMap<String, i64>>,
    maps: &'a BTreeMap<String, BTreeMap<String, CausalLww>>,
}

impl Registers {
    /// Every write, for a snapshot.
    pub(crate) fn full(&self) -> FullRegisters<'_> {
        FullRegisters {
            sets: &self.sets,
            maxima: &self.maxima,
            counters: &self.counters,
            maps: &self.maps,
        }
    }
}

/// Serialized as [`Registers::to_json`]: the values, not the writes.
impl Serialize for Registers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Writes of one set register by three devices: each write has seen a
    /// random prefix of every device's earlier writes.
    fn writes() -> impl Strategy<Value = Vec<(Hlc, EventId, String, VersionVector)>> {
        prop::collection::vec(
            (0usize..3, 0u64..50, prop::collection::vec(0u64..4, 3)),
            1..25,
        )
        .prop_map(|ops| {
            let devices = ["a", "b", "c"];
            let mut made = [0u64; 3];
            ops.into_iter()
                .enumerate()
                .map(|(i, (d, millis, seen_back))| {
                    made[d] += 1;
                    let mut seen = VersionVector::default();
                    for (other, back) in seen_back.iter().enumerate() {
                        // A device has seen its own writes before this one.
                        let held = if other == d { made[d] - 1 } else { made[other] };
                        seen.set(devices[other], held.saturating_sub(*back));
                    }
                    let id = EventId {
                        device: devices[d].to_string(),
                        seq: made[d],
                    };
                    (
                        Hlc::new(millis, i as u16).unwrap(),
                        id,
                        format!("{i}"),
                        seen,
                    )
                })
                .collect()
        })
    }

    proptest! {
        /// Dropping the writes some write had seen changes no value, and
        /// the kept writes do not depend on the order writes arrived in.
        #[test]
        fn superseded_writes_are_dropped_whatever_the_order(
            writes in writes(),
            order in prop::collection::vec(any::<prop::sample::Index>(), 25),
        ) {
            let mut shuffled = writes.clone();
            for (i, pick) in order.iter().enumerate().take(shuffled.len()) {
                let j = pick.index(shuffled.len());
                shuffled.swap(i, j);
            }
            let fold = |ws: &[(Hlc, EventId, String, VersionVector)]| {
                let mut r = Registers::default();
                for (hlc, id, value, seen) in ws {
                    r.apply(*hlc, id, "theme", &RegisterOp::Set(value.clone()), seen);
                }
                r
            };
            let (in_order, out_of_order) = (fold(&writes), fold(&shuffled));
            prop_assert_eq!(&in_order, &out_of_order);
            // The rule over every write: the last (in stamp order) that no
            // write had seen.
            let mut seen_by_any = VersionVector::default();
            for (_, _, _, seen) in &writes {
                seen_by_any.merge(seen);
            }
            let expected = writes
                .iter()
                .filter(|(_, id, _, _)| !seen_by_any.covers(&id.device, id.seq))
                .max_by(|x, y| (x.0, &x.1).cmp(&(y.0, &y.1)))
                .map(|w| w.2.as_str());
            prop_assert_eq!(in_order.value("theme"), expected);
            let kept = in_order.sets.get("theme").map_or(0, |r| r.writes.len());
            let unseen = writes.iter().filter(|(_, id, _, _)| !seen_by_any.covers(&id.device, id.seq)).count();
            prop_assert_eq!(kept, unseen, "only the writes no write had seen are kept");
        }
    }
}
