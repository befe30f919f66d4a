//! Writes the conformance fixtures `tests/fixtures/conformance/srs.json`,
//! `learner.json` and `defaults.json` (run from anywhere in the workspace).

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
    ] {
        let path = root.join(file);
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
