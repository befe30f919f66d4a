//! The binary form of a change set: a format-version byte, then postcard.
//! Device ids and kinds are written once per change set and referred to by
//! index; events go in the fold's order, each stamp as the distance from the
//! previous one and each sequence number as the distance from the same
//! device's previous one, so a review event takes about 25 bytes.

use super::event::{Event, EventId};
use super::hlc::Hlc;
use super::log::ChangeSet;
use super::vector::VersionVector;
use crate::error::check_id;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The format version written as the first byte of [`ChangeSet::to_bytes`].
pub const CHANGE_SET_FORMAT: u8 = 1;

#[derive(Serialize, Deserialize)]
struct WireV1 {
    devices: Vec<String>,
    kinds: Vec<(String, u16)>,
    /// (device index, sequence number) of the sender's vector.
    vector: Vec<(u32, u64)>,
    digest: u64,
    count: u64,
    events: Vec<WireEvent>,
    /// (device index, sequence number) of the sender's compacted runs.
    floor: Vec<(u32, u64)>,
    floor_stamp: u64,
}

#[derive(Serialize, Deserialize)]
struct WireEvent {
    device: u32,
    /// Distance from this device's previous sequence number in the set (from 0).
    seq_step: u64,
    /// Distance in milliseconds from the previous event's stamp.
    millis_step: u64,
    counter: u16,
    kind: u32,
    payload: Vec<u8>,
}

/// Index of `value` in `table`, adding it when new.
fn intern<T: Ord + Clone>(table: &mut Vec<T>, index: &mut BTreeMap<T, u32>, value: &T) -> u32 {
    *index.entry(value.clone()).or_insert_with(|| {
        table.push(value.clone());
        (table.len() - 1) as u32
    })
}

impl ChangeSet {
    /// The change set in its binary form (see [`CHANGE_SET_FORMAT`]).
    ///
    /// ```
    /// use learnloop::sync::{ChangeSet, EventLog, VersionVector};
    /// let empty = EventLog::default().changes_since(&VersionVector::default());
    /// let bytes = empty.to_bytes();
    /// assert_eq!(bytes[0], learnloop::sync::CHANGE_SET_FORMAT);
    /// assert_eq!(ChangeSet::from_bytes(&bytes)?, empty);
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let (mut devices, mut device_index) = (Vec::new(), BTreeMap::new());
        let (mut kinds, mut kind_index) = (Vec::new(), BTreeMap::new());
        let mut last_seq: BTreeMap<u32, u64> = BTreeMap::new();
        let mut events = Vec::with_capacity(self.events.len());
        let mut sorted: Vec<&Event> = self.events.iter().collect();
        sorted.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let mut previous = 0u64;
        for e in sorted {
            let device = intern(&mut devices, &mut device_index, &e.id.device);
            let kind = intern(&mut kinds, &mut kind_index, &(e.kind.clone(), e.version));
            let seq_before = last_seq.insert(device, e.id.seq).unwrap_or(0);
            events.push(WireEvent {
                device,
                // Sorted by stamp, a device's numbers may go down: wrap, and
                // wrap back when reading.
                seq_step: e.id.seq.wrapping_sub(seq_before),
                millis_step: e.hlc.millis() - previous,
                counter: e.hlc.counter(),
                kind,
                payload: e.payload.clone(),
            });
            previous = e.hlc.millis();
        }
        let vector = self
            .vector
            .iter()
            .map(|(d, s)| (intern(&mut devices, &mut device_index, &d.to_string()), s))
            .collect();
        let floor = self
            .floor
            .iter()
            .map(|(d, s)| (intern(&mut devices, &mut device_index, &d.to_string()), s))
            .collect();
        let wire = WireV1 {
            devices,
            kinds,
            vector,
            digest: self.digest,
            count: self.count,
            events,
            floor,
            floor_stamp: self.floor_stamp.as_u64(),
        };
        // Plain data into a Vec cannot fail.
        postcard::to_extend(&wire, vec![CHANGE_SET_FORMAT])
            .unwrap_or_else(|e| unreachable!("postcard into a Vec: {e}"))
    }

    /// A change set from its binary form. Anything malformed (another
    /// format version, truncated or trailing bytes, an index or a stamp out
    /// of range, an empty id) is an error naming the field; nothing is
    /// applied from it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bad = |field: &str, reason: &str| Error::invalid(format!("change_set.{field}"), reason);
        let (&format, rest) = bytes
            .split_first()
            .ok_or_else(|| bad("format", "empty input"))?;
        if format != CHANGE_SET_FORMAT {
            return Err(Error::VersionTooNew {
                what: "change_set.format".into(),
                found: i64::from(format),
                supported: i64::from(CHANGE_SET_FORMAT),
            });
        }
        let (wire, trailing): (WireV1, &[u8]) = postcard::take_from_bytes(rest)
            .map_err(|e| bad("bytes", &format!("not a change set ({e})")))?;
        if !trailing.is_empty() {
            return Err(bad("bytes", "trailing bytes after the change set"));
        }
        for (i, d) in wire.devices.iter().enumerate() {
            check_id(&format!("change_set.devices[{i}]"), d)?;
        }
        for (i, (k, _)) in wire.kinds.iter().enumerate() {
            check_id(&format!("change_set.kinds[{i}]"), k)?;
        }
        let device = |i: u32, field: &str| {
            wire.devices.get(i as usize).ok_or_else(|| {
                bad(
                    field,
                    &format!(
                        "device index {i} is past the {} devices",
                        wire.devices.len()
                    ),
                )
            })
        };
        let mut vector = VersionVector::default();
        for (i, &(d, seq)) in wire.vector.iter().enumerate() {
            vector.set(device(d, &format!("vector[{i}]"))?, seq);
        }
        let mut floor = VersionVector::default();
        for (i, &(d, seq)) in wire.floor.iter().enumerate() {
            floor.set(device(d, &format!("floor[{i}]"))?, seq);
        }
        let mut last_seq: BTreeMap<u32, u64> = BTreeMap::new();
        let mut millis = 0u64;
        let mut events = Vec::with_capacity(wire.events.len());
        for (i, w) in wire.events.iter().enumerate() {
            let field = |name: &str| format!("events[{i}].{name}");
            let id = device(w.device, &field("device"))?;
            let (kind, version) = wire.kinds.get(w.kind as usize).ok_or_else(|| {
                bad(
                    &field("kind"),
                    &format!(
                        "kind index {} is past the {} kinds",
                        w.kind,
                        wire.kinds.len()
                    ),
                )
            })?;
            let seq = last_seq
                .get(&w.device)
                .copied()
                .unwrap_or(0)
                .wrapping_add(w.seq_step);
            if seq == 0 {
                return Err(bad(&field("seq"), "sequence numbers start at 1"));
            }
            last_seq.insert(w.device, seq);
            millis = millis
                .checked_add(w.millis_step)
                .ok_or_else(|| bad(&field("hlc"), "the stamp overflows"))?;
            let hlc = Hlc::new(millis, w.counter)
                .map_err(|_| bad(&field("hlc"), "past the last representable millisecond"))?;
            events.push(Event {
                id: EventId {
                    device: id.clone(),
                    seq,
                },
                hlc,
                kind: kind.clone(),
                version: *version,
                payload: w.payload.clone(),
            });
        }
        Ok(ChangeSet {
            events,
            vector,
            digest: wire.digest,
            count: wire.count,
            floor,
            floor_stamp: Hlc::from_u64(wire.floor_stamp),
        })
    }
}
