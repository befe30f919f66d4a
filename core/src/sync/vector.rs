//! Version vectors: for each device, how many of its events (1 to n, without
//! a gap) a replica holds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// For each device, the highest sequence number up to which a replica
/// holds every event of that device. A device not listed: none.
///
/// ```
/// use learnloop::sync::VersionVector;
/// let mut v = VersionVector::default();
/// v.set("phone", 3);
/// assert!(v.covers("phone", 2) && !v.covers("phone", 4) && !v.covers("laptop", 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VersionVector(BTreeMap<String, u64>);

impl VersionVector {
    /// The highest contiguous sequence number held of `device` (0: none).
    pub fn get(&self, device: &str) -> u64 {
        self.0.get(device).copied().unwrap_or(0)
    }

    /// Record that events 1..=`seq` of `device` are held (0 removes it).
    pub fn set(&mut self, device: &str, seq: u64) {
        if seq == 0 {
            self.0.remove(device);
        } else {
            self.0.insert(device.to_string(), seq);
        }
    }

    /// Whether event `seq` of `device` is within the vector.
    pub fn covers(&self, device: &str, seq: u64) -> bool {
        seq <= self.get(device)
    }

    /// Raise every entry to the other vector's where it is higher.
    pub fn merge(&mut self, other: &VersionVector) {
        for (device, &seq) in &other.0 {
            if seq > self.get(device) {
                self.set(device, seq);
            }
        }
    }

    /// Whether this vector covers everything `other` covers.
    pub fn dominates(&self, other: &VersionVector) -> bool {
        other.0.iter().all(|(d, &s)| self.covers(d, s))
    }

    /// The devices and their sequence numbers, by device id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.0.iter().map(|(d, s)| (d.as_str(), *s))
    }

    /// Number of devices listed.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no device is listed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
