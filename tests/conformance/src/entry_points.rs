//! The core's public entry points, read from its source: every `pub fn` of
//! an inherent `impl` and every free `pub fn` in the public modules, and the
//! methods of the `Scheduler` trait for each scheduler.

use std::path::Path;
use syn::{ImplItem, Item, TraitItem, Type, Visibility};

/// One public function of the core: `Type::name` or a free `module::name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EntryPoint {
    /// The module path inside the crate (`srs`, `learner::irt`, ...).
    pub module: String,
    /// The type whose method it is; `None` for a free function.
    pub owner: Option<String>,
    /// The function's name.
    pub name: String,
}

/// The public entry points under `core/src` (sorted).
pub fn core_entry_points(core_src: &Path) -> Vec<EntryPoint> {
    let mut found = Vec::new();
    for module in [
        "srs", "learner", "adaptive", "store", "migrate", "options", "error", "time", "sync",
    ] {
        let dir = core_src.join(module);
        let mut files = vec![];
        if dir.is_dir() {
            collect_files(&dir, &mut files);
        } else {
            files.push(core_src.join(format!("{module}.rs")));
        }
        for file in files {
            let rel = file
                .strip_prefix(core_src)
                .expect("under src")
                .with_extension("");
            let module_path = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .filter(|p| p != "mod")
                .collect::<Vec<_>>()
                .join("::");
            let text = std::fs::read_to_string(&file).expect("readable source");
            let ast = syn::parse_file(&text).expect("parsable source");
            scan(&ast.items, &module_path, &mut found);
        }
    }
    found.sort();
    found.dedup();
    found
}

fn collect_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn scan(items: &[Item], module: &str, found: &mut Vec<EntryPoint>) {
    for item in items {
        match item {
            Item::Fn(f) if is_pub(&f.vis) => found.push(EntryPoint {
                module: module.to_string(),
                owner: None,
                name: f.sig.ident.to_string(),
            }),
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(owner) = type_name(&imp.self_ty) else {
                    continue;
                };
                for it in &imp.items {
                    if let ImplItem::Fn(f) = it
                        && is_pub(&f.vis)
                    {
                        found.push(EntryPoint {
                            module: module.to_string(),
                            owner: Some(owner.clone()),
                            name: f.sig.ident.to_string(),
                        });
                    }
                }
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                for it in &t.items {
                    if let TraitItem::Fn(f) = it {
                        found.push(EntryPoint {
                            module: module.to_string(),
                            owner: Some(t.ident.to_string()),
                            name: f.sig.ident.to_string(),
                        });
                    }
                }
            }
            Item::Mod(m) if is_pub(&m.vis) || m.content.is_some() => {
                if let Some((_, inner)) = &m.content
                    && m.ident != "tests"
                {
                    scan(inner, &format!("{module}::{}", m.ident), found);
                }
            }
            _ => {}
        }
    }
}

/// Why an entry point has no binding of its own.
const TIMES: &str = "times cross as the language's own date type";
const BUILDING_BLOCK: &str = "a Rust building block of the bound calls (review, preview, batches)";
const ERRORS: &str = "errors cross as the language's exception: its class is the kind; code and field are attributes";
const COMPAT: &str = "the fsrs-rs-compatible f32 API, for Rust code moving from fsrs-rs";
const SIMULATOR: &str = "the simulator of the command-line main job";
const AS_DATA: &str =
    "the value crosses as a list, dict or record, which the language reads directly";
const SETTING: &str = "a setting: given in the options of the constructor";
const PART_OF: &str =
    "a step inside a bound call (observe, fit_bkt, Pfa), which the binding calls whole";
const CHECKED_ON_ENTRY: &str = "checked as the value crosses into the core";
const FILES: &str =
    "on a phone the store is a file, opened by path: images are the browser's way to persist";
const NO_FILES: &str = "the browser has no file system: its store lives in memory and persists with toBytes and fromBytes";
const SYNC_STEP: &str =
    "a step inside Replica.record and Replica.apply, which the binding calls whole";
const CHANGE_BYTES: &str =
    "change sets cross as bytes, encoded and decoded by the calls that make and take them";
const REPLICA_INSIDE: &str =
    "the replica's log and clock stay inside it; its state, vector and digest are its own methods";
const SNAPSHOT_BYTES: &str =
    "snapshots cross as bytes, encoded and decoded by the calls that make and take them";
const FOLD_CHECK: &str =
    "a check that the incremental fold equals a full one, for the core's tests";
const FOLD_TUNING: &str = "a memory tuning of the fold, left at the core's default in the bindings";
/// Debt, reported by the parity test: a capability this language lacks.
pub const GAP: &str = "not yet bound";

/// How a binding names a core entry point where its convention alone does
/// not say (`""`: by convention), or the reason (a sentence) it has none.
/// Columns: core (`Owner::name` or a free function's name), Python, JS,
/// Kotlin/Swift (uniffi). Conventions: Python keeps the core's names, JS
/// and uniffi write them camelCase; `new` is the class's constructor; a
/// `Scheduler` method is a method of `Fsrs`, `Sm2` and `AnkiSm2`.
#[rustfmt::skip]
pub const NAMES: &[(&str, &str, &str, &str)] = &[
    // adaptive
    ("AdaptiveState::check", CHECKED_ON_ENTRY, CHECKED_ON_ENTRY, CHECKED_ON_ENTRY),
    ("AdaptiveState::initial", "AdaptiveEngine.initial_state", "AdaptiveEngine.initialState", "AdaptiveEngine.initialStateJson"),
    ("LearnerModel::is_empty", AS_DATA, AS_DATA, AS_DATA),
    ("LivePerformanceMetrics::neutral", AS_DATA, AS_DATA, AS_DATA),
    ("Engine::config", "AdaptiveEngine.config", "AdaptiveEngine.config", "AdaptiveEngine.config"),
    ("Engine::new", "AdaptiveEngine", "AdaptiveEngine", "AdaptiveEngine"),
    ("Engine::observe", "AdaptiveEngine.observe", "AdaptiveEngine.observe", "AdaptiveEngine.observe"),
    ("Engine::predict_success", "AdaptiveEngine.predict_success", "AdaptiveEngine.predictSuccess", "AdaptiveEngine.predictSuccess"),
    ("Interaction::answered", AS_DATA, AS_DATA, "answered"),
    ("Interaction::score_from", PART_OF, PART_OF, PART_OF),
    // errors
    ("Cause::get", ERRORS, ERRORS, ERRORS),
    ("Cause::new", ERRORS, ERRORS, ERRORS),
    ("Error::code", ERRORS, ERRORS, ERRORS),
    ("Error::field", ERRORS, ERRORS, ERRORS),
    ("Error::kind", ERRORS, ERRORS, ERRORS),
    ("Error::within", ERRORS, ERRORS, ERRORS),
    ("ErrorKind::as_str", ERRORS, ERRORS, ERRORS),
    ("ErrorKind::is_storage", ERRORS, ERRORS, ERRORS),
    ("StorageFailure::kind", ERRORS, ERRORS, ERRORS),
    // learner
    ("fit", "fit_bkt", "fitBkt", "fitBkt"),
    ("fit_skill", PART_OF, PART_OF, PART_OF),
    ("is_mastered", "", "", ""),
    ("BktParameters::new", "", "", "bktCheck"),
    ("BktParameters::posterior", "", "", "bktPosterior"),
    ("BktParameters::predict", "", "", "bktPredict"),
    ("BktParameters::predict_sequence", "", "", "bktPredictSequence"),
    ("BktParameters::trace", "", "", "bktTrace"),
    ("BktParameters::update", "", "", "bktUpdate"),
    ("EloRating::new", AS_DATA, AS_DATA, AS_DATA),
    ("CalibrationOptions::for_model", SETTING, SETTING, SETTING),
    ("ItemParameters::information", "", "itemInformation", "itemInformation"),
    ("ItemParameters::new", "", AS_DATA, AS_DATA),
    ("ItemParameters::probability", "", "itemProbability", "itemProbability"),
    ("ResponseMatrix::from_rows", AS_DATA, AS_DATA, AS_DATA),
    ("ResponseMatrix::get", AS_DATA, AS_DATA, AS_DATA),
    ("ResponseMatrix::items", AS_DATA, AS_DATA, AS_DATA),
    ("ResponseMatrix::new", AS_DATA, AS_DATA, AS_DATA),
    ("ResponseMatrix::persons", AS_DATA, AS_DATA, AS_DATA),
    ("ResponseMatrix::set", AS_DATA, AS_DATA, AS_DATA),
    ("fit_logistic", PART_OF, PART_OF, PART_OF),
    ("LogisticModel::predict", PART_OF, PART_OF, PART_OF),
    // migrate
    ("session_from_json", "", "", "upgradeSession"),
    ("SessionDocument::new", AS_DATA, AS_DATA, AS_DATA),
    // options
    ("OptionsKind::defaults", "options", "optionsOf", "optionsJson"),
    ("OptionsKind::resolve", "options", "optionsOf", "optionsJson"),
    // srs
    ("ReviewContext::at", BUILDING_BLOCK, BUILDING_BLOCK, BUILDING_BLOCK),
    ("Scheduler::check", BUILDING_BLOCK, BUILDING_BLOCK, BUILDING_BLOCK),
    ("Scheduler::next", BUILDING_BLOCK, BUILDING_BLOCK, BUILDING_BLOCK),
    ("Scheduler::review_in", "review", "review", "review"),
    ("Scheduler::preview_in", "preview", "preview", "preview"),
    ("Scheduler::review_in_place", "review_batch", "reviewBatch", "reviewMany"),
    ("Card::check", CHECKED_ON_ENTRY, CHECKED_ON_ENTRY, CHECKED_ON_ENTRY),
    ("Card::new", "", "newCard", "newCard"),
    ("new_cards", "CardBatch.new_cards", "CardBatch.newCards", "newCards"),
    ("CardUpdate::apply", BUILDING_BLOCK, BUILDING_BLOCK, BUILDING_BLOCK),
    ("CardUpdate::outcome", BUILDING_BLOCK, BUILDING_BLOCK, BUILDING_BLOCK),
    ("MemoryState::validate", CHECKED_ON_ENTRY, CHECKED_ON_ENTRY, CHECKED_ON_ENTRY),
    ("Preview::get", AS_DATA, AS_DATA, AS_DATA),
    ("current_retrievability", COMPAT, COMPAT, COMPAT),
    ("FSRS::memory_state", COMPAT, COMPAT, COMPAT),
    ("FSRS::memory_state_from_sm2", COMPAT, COMPAT, COMPAT),
    ("FSRS::new", COMPAT, COMPAT, COMPAT),
    ("FSRS::next_interval", COMPAT, COMPAT, COMPAT),
    ("FSRS::next_states", COMPAT, COMPAT, COMPAT),
    ("Fsrs::card_retrievability", "Fsrs.retrievability", "Fsrs.retrievability", "Fsrs.retrievability"),
    ("Fsrs::desired_retention", "", "Fsrs.options", "Fsrs.options"),
    ("Fsrs::from_parameters", SETTING, SETTING, SETTING),
    ("Fsrs::maximum_interval", "", "Fsrs.options", "Fsrs.options"),
    ("Fsrs::memory_state_from", "Fsrs.memory_state", "Fsrs.memoryState", "Fsrs.memoryState"),
    ("Fsrs::parameters", "", "Fsrs.options", "Fsrs.options"),
    ("Fsrs::retrievability", "Fsrs.retrievability_after", "Fsrs.retrievabilityAfter", "Fsrs.retrievabilityAfter"),
    ("Fsrs::with_desired_retention", SETTING, SETTING, SETTING),
    ("Fsrs::with_learning_steps", SETTING, SETTING, SETTING),
    ("Fsrs::with_maximum_interval", SETTING, SETTING, SETTING),
    ("Fsrs::with_parameters", SETTING, SETTING, SETTING),
    ("Fsrs::with_relearning_steps", SETTING, SETTING, SETTING),
    ("NextStates::get", AS_DATA, AS_DATA, AS_DATA),
    ("Parameters::as_slice", AS_DATA, AS_DATA, AS_DATA),
    ("Parameters::decay", AS_DATA, AS_DATA, AS_DATA),
    ("Parameters::new", SETTING, SETTING, SETTING),
    ("DueQueue::is_empty", AS_DATA, AS_DATA, AS_DATA),
    ("DueQueue::iter", AS_DATA, AS_DATA, AS_DATA),
    ("DueQueue::len", AS_DATA, AS_DATA, AS_DATA),
    ("Rating::as_u8", AS_DATA, AS_DATA, AS_DATA),
    ("Rating::from_bytes", AS_DATA, AS_DATA, "ratingFromNumber"),
    ("Rating::is_pass", "", "isPass", "ratingIsPass"),
    ("simulate", SIMULATOR, SIMULATOR, SIMULATOR),
    ("simulate_observed", SIMULATOR, SIMULATOR, SIMULATOR),
    ("SimulationConfig::year", SIMULATOR, SIMULATOR, SIMULATOR),
    ("SimulationReport::retention", SIMULATOR, SIMULATOR, SIMULATOR),
    ("SimulationReport::total_reviews", SIMULATOR, SIMULATOR, SIMULATOR),
    ("Sm2::quality_of", "", "", "sm2QualityOf"),
    // store
    ("AuditKey::expose", SETTING, SETTING, SETTING),
    ("Store::audit_log", "", "Store.auditActions", "Store.auditActions"),
    ("Store::consent", "", "", "Store.consentGranted"),
    ("Store::open", "Store", NO_FILES, ""),
    ("Store::open_in_memory", "Store.in_memory", "Store", "Store.inMemory"),
    ("Store::open_with", "Store", NO_FILES, "Store.open"),
    ("Store::from_bytes", "", "", FILES),
    ("Store::to_bytes", "", "", FILES),
    ("Migration::checksum", BUILDING_BLOCK, BUILDING_BLOCK, BUILDING_BLOCK),
    ("StoredReplica::acknowledge", "", "", ""),
    ("StoredReplica::acknowledged", "", "", ""),
    ("StoredReplica::apply", "", "", ""),
    ("StoredReplica::learner_id", "", "", ""),
    ("StoredReplica::open", "Store.replica", "Store.replica", "Store.replica"),
    ("StoredReplica::outbox", "", "", ""),
    ("StoredReplica::record", "", "", ""),
    ("StoredReplica::replica", REPLICA_INSIDE, REPLICA_INSIDE, REPLICA_INSIDE),
    ("StoredReplica::compact", "", "", ""),
    ("StoredReplica::resync", "", "", ""),
    ("StoredReplica::forget_peer", "", "", ""),
    ("StoredReplica::peers", "", "", ""),
    // sync
    ("Body::check", CHECKED_ON_ENTRY, CHECKED_ON_ENTRY, CHECKED_ON_ENTRY),
    ("Body::from_json", CHECKED_ON_ENTRY, CHECKED_ON_ENTRY, CHECKED_ON_ENTRY),
    ("Body::kind", AS_DATA, AS_DATA, AS_DATA),
    ("Body::of", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Event::hash64", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Event::new", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Event::order_key", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("LearnerState::fold", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("LearnerState::step", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("OwnedRules::rules", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Clock::last", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Clock::observe", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Clock::resume", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Clock::tick", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Hlc::as_u64", AS_DATA, AS_DATA, AS_DATA),
    ("Hlc::counter", AS_DATA, AS_DATA, AS_DATA),
    ("Hlc::from_u64", AS_DATA, AS_DATA, AS_DATA),
    ("Hlc::millis", AS_DATA, AS_DATA, AS_DATA),
    ("Hlc::new", AS_DATA, AS_DATA, AS_DATA),
    ("EventLog::apply", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::changes_since", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::digest", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::events", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::events_from", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::insert", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::is_empty", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::last_seq", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::len", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::vector", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::count", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::events_after", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("EventLog::floor", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Replica::compact", "", "", ""),
    ("Replica::snapshot", "", "", ""),
    ("Replica::resync", "", "", ""),
    ("Replica::refolded", FOLD_CHECK, FOLD_CHECK, FOLD_CHECK),
    ("Replica::set_checkpoint_interval", FOLD_TUNING, FOLD_TUNING, FOLD_TUNING),
    ("Snapshot::from_bytes", SNAPSHOT_BYTES, SNAPSHOT_BYTES, SNAPSHOT_BYTES),
    ("Snapshot::to_bytes", SNAPSHOT_BYTES, SNAPSHOT_BYTES, SNAPSHOT_BYTES),
    ("Registers::counter", AS_DATA, AS_DATA, AS_DATA),
    ("Registers::map", AS_DATA, AS_DATA, AS_DATA),
    ("Registers::max", AS_DATA, AS_DATA, AS_DATA),
    ("Registers::to_json", AS_DATA, AS_DATA, AS_DATA),
    ("Registers::value", AS_DATA, AS_DATA, AS_DATA),
    ("Replica::apply", "", "", ""),
    ("Replica::changes_since", "", "", ""),
    ("Replica::clock", "", "", ""),
    ("Replica::device", "", "", ""),
    ("Replica::digest", "", "", ""),
    ("Replica::log", REPLICA_INSIDE, REPLICA_INSIDE, REPLICA_INSIDE),
    ("Replica::new", "", "", ""),
    ("Replica::observe_log", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Replica::record", "", "", ""),
    ("Replica::record_other", "", "", ""),
    ("Replica::restore", SYNC_STEP, SYNC_STEP, SYNC_STEP),
    ("Replica::state", "", "", "Replica.stateJson"),
    ("Replica::vector", "", "", ""),
    ("VersionVector::covers", AS_DATA, AS_DATA, AS_DATA),
    ("VersionVector::dominates", AS_DATA, AS_DATA, AS_DATA),
    ("VersionVector::get", AS_DATA, AS_DATA, AS_DATA),
    ("VersionVector::is_empty", AS_DATA, AS_DATA, AS_DATA),
    ("VersionVector::iter", AS_DATA, AS_DATA, AS_DATA),
    ("VersionVector::len", AS_DATA, AS_DATA, AS_DATA),
    ("VersionVector::merge", AS_DATA, AS_DATA, AS_DATA),
    ("VersionVector::set", AS_DATA, AS_DATA, AS_DATA),
    ("ChangeSet::from_bytes", CHANGE_BYTES, CHANGE_BYTES, CHANGE_BYTES),
    ("ChangeSet::to_bytes", CHANGE_BYTES, CHANGE_BYTES, CHANGE_BYTES),
    // time
    ("Timestamp::as_micros", TIMES, TIMES, TIMES),
    ("Timestamp::checked_add", TIMES, TIMES, TIMES),
    ("Timestamp::checked_add_days", TIMES, TIMES, TIMES),
    ("Timestamp::from_micros", TIMES, TIMES, TIMES),
    ("Timestamp::to_datetime", TIMES, TIMES, TIMES),
    ("Timestamp::whole_days_since", TIMES, TIMES, TIMES),
];

/// Modules whose bindings have not landed yet: each of their entry points
/// is a gap in every language (and the fixture lists every one of them).
const UNBOUND_MODULES: &[&str] = &[];

/// The languages, in the order of the columns of [`NAMES`].
pub const LANGUAGES: [&str; 3] = ["python", "js", "mobile"];

/// The schedulers a `Scheduler` method belongs to in every binding.
const SCHEDULERS: [&str; 3] = ["Fsrs", "Sm2", "AnkiSm2"];

fn camel(name: &str) -> String {
    let mut out = String::new();
    for (i, part) in name.split('_').enumerate() {
        let mut chars = part.chars();
        match (i, chars.next()) {
            (0, Some(c)) => out.push(c),
            (_, Some(c)) => out.extend(c.to_uppercase()),
            (_, None) => {}
        }
        out.push_str(chars.as_str());
    }
    out
}

impl EntryPoint {
    /// `Owner::name`, or a free function's name: the key of [`NAMES`].
    pub fn key(&self) -> String {
        match &self.owner {
            Some(owner) => format!("{owner}::{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The names by the convention of language `lang` (several for a
    /// `Scheduler` method).
    fn conventional(&self, lang: &str) -> Vec<String> {
        let method = if lang == "python" {
            self.name.clone()
        } else {
            camel(&self.name)
        };
        match self.owner.as_deref() {
            None => vec![method],
            Some("Scheduler") => SCHEDULERS.iter().map(|s| format!("{s}.{method}")).collect(),
            Some(owner) if self.name == "new" => vec![owner.to_string()],
            Some(owner) => vec![format!("{owner}.{method}")],
        }
    }
}

/// What language `lang` calls an entry point: its names, or the reason it
/// has none.
pub fn binding(entry: &EntryPoint, lang: usize) -> Result<Vec<String>, &'static str> {
    let key = entry.key();
    let given = NAMES.iter().find(|row| row.0 == key).map(|row| match lang {
        0 => row.1,
        1 => row.2,
        _ => row.3,
    });
    let unbound = UNBOUND_MODULES
        .iter()
        .any(|m| entry.module == *m || entry.module.starts_with(&format!("{m}::")));
    match given {
        None if unbound => Err(GAP),
        None | Some("") => Ok(entry.conventional(LANGUAGES[lang])),
        Some(reason) if reason.contains(' ') => Err(reason),
        Some(name) if entry.owner.as_deref() == Some("Scheduler") && !name.contains('.') => {
            Ok(SCHEDULERS.iter().map(|s| format!("{s}.{name}")).collect())
        }
        Some(name) => Ok(vec![name.to_string()]),
    }
}

/// Where the fixture lives, relative to the workspace root.
pub const ENTRY_POINTS_FIXTURE: &str = "tests/fixtures/conformance/entry_points.json";

/// The fixture: every core entry point with each language's names or the
/// reason it has none. Panics on a row of [`NAMES`] that names no entry
/// point, or on two entry points with one key.
pub fn entry_points_fixture(core_src: &Path) -> serde_json::Value {
    let entries = core_entry_points(core_src);
    let mut keys: Vec<String> = entries.iter().map(EntryPoint::key).collect();
    keys.sort();
    for pair in keys.windows(2) {
        assert!(
            pair[0] != pair[1],
            "two core entry points are both `{}`",
            pair[0]
        );
    }
    for row in NAMES {
        assert!(
            keys.iter().any(|k| k == row.0),
            "NAMES has `{}`, which is not a public entry point of the core any more",
            row.0
        );
    }
    let rows: Vec<serde_json::Value> = entries
        .iter()
        .map(|entry| {
            let mut row = serde_json::Map::new();
            row.insert(
                "core".into(),
                format!("{}::{}", entry.module, entry.key()).into(),
            );
            for (lang, name) in LANGUAGES.iter().enumerate() {
                let value = match binding(entry, lang) {
                    Ok(names) => serde_json::json!(names),
                    Err(reason) => serde_json::json!(reason),
                };
                row.insert((*name).into(), value);
            }
            serde_json::Value::Object(row)
        })
        .collect();
    serde_json::json!({
        "about": "every public entry point of the core and its name in each language (a list), or why it has none (a sentence); generated from core/src by `cargo run -p learnloop-conformance`; each language's tests check that every name exists",
        "gap": GAP,
        "entry_points": rows,
    })
}

/// The fixture as written to disk.
pub fn entry_points_fixture_text(core_src: &Path) -> String {
    let mut text = serde_json::to_string_pretty(&entry_points_fixture(core_src)).expect("JSON");
    text.push('\n');
    text
}
