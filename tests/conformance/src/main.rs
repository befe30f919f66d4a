//! Writes the conformance fixtures `tests/fixtures/conformance/srs.json`,
//! `learner.json`, `defaults.json`, `sync.json` and `entry_points.json` (run from
//! anywhere in the workspace).

use learnloop_conformance::entry_points;

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (file, text) in [
        (
            learnloop_conformance::FIXTURE,
            learnloop_conformance::fixture_text(),
        ),
        (
            learnloop_conformance::LEARNER_FIXTURE,
            learnloop_conformance::learner_fixture_text(),
        ),
        (
            learnloop_conformance::DEFAULTS_FIXTURE,
            learnloop_conformance::defaults_fixture_text(),
        ),
        (
            learnloop_conformance::SYNC_FIXTURE,
            learnloop_conformance::sync_fixture_text(),
        ),
        (
            entry_points::ENTRY_POINTS_FIXTURE,
            entry_points::entry_points_fixture_text(&root.join("core/src")),
        ),
    ] {
        let path = root.join(file);
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
