//! Many replicas of one learner, writing offline and syncing over a network
//! that drops, duplicates, splits and reorders change sets, with clocks a
//! day fast, a day slow and one at 2099, backend decisions on adaptive
//! sessions that had not seen every answer, an app upgrade that writes a kind
//! this library does not know, and a device restored from an old backup.
//! The oracle: sort the union of every event ever made and fold it. After
//! the network heals, every replica must equal the oracle bit for bit, and
//! hold every event ever made (no acknowledged answer lost).
//!
//! Each case is a random program of operations (proptest): a failing case is
//! printed and shrunk to a small one. 10,000 programs by default;
//! `LEARNLOOP_SYNC_PROGRAMS=1000000 cargo test --release --test
//! sync_simulator` runs a million.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::adaptive::{Engine, Interaction};
use learnloop::srs::{Fsrs, Rating};
use learnloop::sync::{
    Acknowledgement, Answer, Body, CardChange, ChangeSet, EventLog, LearnerState, RegisterOp,
    RegisterWrite, Replica, Review, Rules, Snapshot,
};
use proptest::prelude::*;

const REPLICAS: usize = 5;
const CARDS: u8 = 6;

/// How far each device's clock is off: one a day fast, one a day slow, one
/// set to 2099.
fn clock_offset(device: usize) -> TimeDelta {
    match device {
        1 => TimeDelta::hours(23),
        2 => TimeDelta::hours(-24),
        3 => TimeDelta::minutes(5),
        4 => Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap() - start(),
        _ => TimeDelta::zero(),
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    /// Real time passes.
    Wait(u16),
    /// A device records something: `what` picks the kind.
    Write {
        device: usize,
        what: u8,
        card: u8,
        value: u8,
    },
    /// One replica's changes travel to another: `how` picks delivery
    /// (whole, dropped, twice, split and reversed).
    Sync { from: usize, to: usize, how: u8 },
    /// A device's app is upgraded and writes a kind unknown to this library.
    Upgrade { device: usize },
    /// A device is restored from its backup taken `back` syncs ago, under a
    /// new installation id.
    Restore { device: usize },
    /// Take a backup of a device.
    Backup { device: usize },
    /// Every device syncs with the backend (device 0), which then compacts
    /// what they all acknowledged.
    Compact,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (1u16..600).prop_map(Op::Wait),
        6 => (0..REPLICAS, 0u8..13, 0..CARDS, any::<u8>())
            .prop_map(|(device, what, card, value)| Op::Write { device, what, card, value }),
        5 => (0..REPLICAS, 0..REPLICAS, 0u8..5).prop_map(|(from, to, how)| Op::Sync { from, to, how }),
        1 => (0..REPLICAS).prop_map(|device| Op::Upgrade { device }),
        1 => (0..REPLICAS).prop_map(|device| Op::Restore { device }),
        1 => (0..REPLICAS).prop_map(|device| Op::Backup { device }),
        1 => Just(Op::Compact),
    ]
}

struct World {
    fsrs: Fsrs,
    engine: Engine,
    now: DateTime<Utc>,
    replicas: Vec<Replica>,
    backups: Vec<Option<Replica>>,
    installs: Vec<u32>,
    /// Every event any device ever recorded: what the oracle folds.
    made: EventLog,
}

impl World {
    fn new() -> Self {
        World {
            fsrs: Fsrs::default(),
            engine: Engine::default(),
            now: start(),
            replicas: (0..REPLICAS)
                .map(|d| {
                    let mut replica = Replica::new(&format!("device-{d}")).unwrap();
                    // Checkpoints every few events, so that late events
                    // refold from them: the oracle folds from nothing.
                    replica.set_checkpoint_interval(d + 2);
                    replica
                })
                .collect(),
            backups: vec![None; REPLICAS],
            installs: vec![0; REPLICAS],
            made: EventLog::default(),
        }
    }

    fn rules(&self) -> Rules<'_> {
        Rules {
            scheduler: &self.fsrs,
            engine: &self.engine,
        }
    }

    fn device_now(&self, device: usize) -> DateTime<Utc> {
        self.now + clock_offset(device)
    }

    fn body(&self, device: usize, what: u8, card: u8, value: u8) -> Body {
        let replica = &self.replicas[device];
        let card = format!("card-{card}");
        let at = self.device_now(device).into();
        let seen = replica.vector().clone();
        let register = |register: &str, op| {
            Body::Register(RegisterWrite {
                register: register.to_string(),
                op,
                seen: seen.clone(),
            })
        };
        match what {
            0 => Body::CardAdded(CardChange { card, at }),
            1 => Body::CardRemoved(CardChange { card, at }),
            2..=5 => Body::Review(Review {
                card,
                rating: Rating::ALL[usize::from(value % 4)],
                reviewed_at: at,
                duration_ms: Some(u32::from(value) * 100),
            }),
            6 => register("theme", RegisterOp::Set(format!("\"theme-{value}\""))),
            10 | 11 => {
                let mut interaction = Interaction::answered(
                    format!("q{card}"),
                    !value.is_multiple_of(3),
                    self.device_now(device),
                );
                interaction.response_time_ms = Some(u64::from(value) * 250 + 500);
                interaction.content_format = Some(["video", "text"][usize::from(value % 2)].into());
                Body::Answer(Answer {
                    session: format!("session-{}", what - 10),
                    interaction,
                })
            }
            // The backend (device 0 here) decides a session's difficulty on
            // what it has seen.
            12 => {
                let session = format!("session-{}", value % 2);
                let mut state = replica.state().sessions.get(&session).map_or_else(
                    || learnloop::adaptive::AdaptiveState::initial(self.device_now(device)),
                    |s| s.state.clone(),
                );
                state.adaptive_difficulty_level = f64::from(value) / 255.0;
                Body::Authority(learnloop::sync::Authority {
                    session,
                    state,
                    seen,
                })
            }
            7 => register("best_streak", RegisterOp::Max(f64::from(value))),
            8 => register("xp", RegisterOp::Add(i64::from(value) - 100)),
            _ if value.is_multiple_of(3) => register("prefs", RegisterOp::Remove { key: card }),
            _ => register(
                "prefs",
                RegisterOp::Put {
                    key: card,
                    value: value.to_string(),
                },
            ),
        }
    }

    /// Deliver `changes` from `from` to `to`; a receiver too far behind a
    /// sender that compacted resyncs from the sender's snapshot first.
    fn deliver(&mut self, from: usize, to: usize, changes: &ChangeSet) {
        let now = self.device_now(to);
        let rules = Rules {
            scheduler: &self.fsrs,
            engine: &self.engine,
        };
        match self.replicas[to].apply(changes, now, rules) {
            Ok(_) => {}
            Err(e) if e.code() == "resync_needed" => {
                let snapshot = self.replicas[from].snapshot();
                // The snapshot travels in its binary form.
                let snapshot = Snapshot::from_bytes(&snapshot.to_bytes()).unwrap();
                self.replicas[to].resync(&snapshot, rules).unwrap();
                self.replicas[to]
                    .apply(changes, now, rules)
                    .expect("after a resync the change set applies");
            }
            Err(e) => panic!("a change set of honest replicas applies: {e}"),
        }
    }

    fn run(&mut self, op: &Op) {
        match *op {
            Op::Wait(minutes) => self.now += TimeDelta::minutes(i64::from(minutes)),
            Op::Write {
                device,
                what,
                card,
                value,
            } => {
                let body = self.body(device, what, card, value);
                let now = self.device_now(device);
                let event = self.replicas[device]
                    .record(
                        body,
                        now,
                        Rules {
                            scheduler: &self.fsrs,
                            engine: &self.engine,
                        },
                    )
                    .unwrap();
                assert!(self.made.insert(event).unwrap(), "a new event id");
            }
            Op::Upgrade { device } => {
                let now = self.device_now(device);
                let event = self.replicas[device]
                    .record_other(
                        "streak_bonus",
                        2,
                        vec![7, 7, 7],
                        now,
                        Rules {
                            scheduler: &self.fsrs,
                            engine: &self.engine,
                        },
                    )
                    .unwrap();
                assert!(self.made.insert(event).unwrap());
            }
            Op::Sync { from, to, how } if from != to => {
                let changes = self.replicas[from].changes_since(self.replicas[to].vector());
                match how {
                    0 => self.deliver(from, to, &changes),
                    1 => {} // dropped
                    2 => {
                        self.deliver(from, to, &changes);
                        self.deliver(from, to, &changes);
                    }
                    _ => {
                        // Split in two and delivered in reverse order, each half reversed.
                        let half = changes.events.len() / 2;
                        for part in [&changes.events[half..], &changes.events[..half]] {
                            let mut piece = changes.clone();
                            piece.events = part.iter().rev().cloned().collect();
                            self.deliver(from, to, &piece);
                        }
                    }
                }
            }
            Op::Sync { .. } => {}
            Op::Compact => {
                // A round with the backend (everyone sends, then receives),
                // then it compacts on what each device reported.
                for from in 1..REPLICAS {
                    let changes = self.replicas[from].changes_since(self.replicas[0].vector());
                    self.deliver(from, 0, &changes);
                }
                for to in 1..REPLICAS {
                    let changes = self.replicas[0].changes_since(self.replicas[to].vector());
                    self.deliver(0, to, &changes);
                }
                let acknowledged: Vec<_> = self.replicas[1..]
                    .iter()
                    .map(|r| Acknowledgement {
                        vector: r.vector().clone(),
                        clock: r.clock(),
                    })
                    .collect();
                let rules = Rules {
                    scheduler: &self.fsrs,
                    engine: &self.engine,
                };
                self.replicas[0].compact(&acknowledged, rules);
            }
            Op::Backup { device } => self.backups[device] = Some(self.replicas[device].clone()),
            Op::Restore { device } => {
                // The backup's events stay; the restored app writes under a new
                // installation id, so it can never reuse a sequence number.
                if let Some(backup) = self.backups[device].clone() {
                    self.installs[device] += 1;
                    let id = format!("device-{device}-restored-{}", self.installs[device]);
                    let mut restored = Replica::new(&id).unwrap();
                    restored.set_checkpoint_interval(3);
                    let now = self.device_now(device);
                    let rules = Rules {
                        scheduler: &self.fsrs,
                        engine: &self.engine,
                    };
                    restored.resync(&backup.snapshot(), rules).unwrap();
                    restored
                        .apply(&backup.changes_since(restored.vector()), now, rules)
                        .unwrap();
                    self.replicas[device] = restored;
                    // A new installation pulls before it records anything
                    // (the protocol's rule: its clock then comes after any
                    // floor): from the backend, or a restored backend from
                    // another device.
                    let source = if device == 0 { 1 } else { 0 };
                    let changes =
                        self.replicas[source].changes_since(self.replicas[device].vector());
                    self.deliver(source, device, &changes);
                    // What the lost app made after the backup and never sent
                    // anywhere was never acknowledged: it is gone, and the
                    // oracle forgets it too.
                    let mut kept = EventLog::default();
                    for event in self.made.events() {
                        if self
                            .replicas
                            .iter()
                            .any(|r| r.vector().covers(&event.id.device, event.id.seq))
                        {
                            kept.insert(event.clone()).unwrap();
                        }
                    }
                    self.made = kept;
                }
            }
        }
        // Incremental folding equals a full fold, always, on the replica the
        // operation changed.
        let touched = match *op {
            Op::Write { device, .. } | Op::Upgrade { device } | Op::Restore { device } => device,
            Op::Sync { to, .. } => to,
            Op::Compact => 0,
            Op::Wait(_) | Op::Backup { .. } => return,
        };
        for r in &self.replicas[touched..=touched] {
            assert_eq!(
                r.state(),
                &r.refolded(Rules {
                    scheduler: &self.fsrs,
                    engine: &self.engine
                }),
                "{}",
                r.device()
            );
        }
    }

    /// The network heals: everyone exchanges everything, twice round.
    fn heal(&mut self) {
        for _ in 0..2 {
            for from in 0..REPLICAS {
                for to in 0..REPLICAS {
                    if from != to {
                        let changes = self.replicas[from].changes_since(self.replicas[to].vector());
                        self.deliver(from, to, &changes);
                    }
                }
            }
        }
    }
}

fn check_program(program: &[Op]) -> Result<(), TestCaseError> {
    let mut world = World::new();
    for op in program {
        world.run(op);
    }
    world.heal();
    let oracle = LearnerState::fold(&world.made, world.rules());
    for r in &world.replicas {
        // Every event ever made is held, whole or compacted into the
        // snapshot (restored devices got theirs back from peers).
        for event in world.made.events() {
            prop_assert!(
                r.vector().covers(&event.id.device, event.id.seq),
                "{} lost {:?}",
                r.device(),
                event.id
            );
        }
        prop_assert_eq!(r.log().count(), world.made.count());
        prop_assert_eq!(r.digest(), world.made.digest());
        prop_assert_eq!(r.state(), &oracle);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("LEARNLOOP_SYNC_PROGRAMS").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000),
        ..ProptestConfig::default()
    })]
    #[test]
    fn every_replica_converges_to_the_oracle(program in prop::collection::vec(op(), 1..80)) {
        check_program(&program)?;
    }
}
