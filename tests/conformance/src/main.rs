//! Writes `tests/fixtures/conformance/srs.json` (run from anywhere in the workspace).

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join(learnloop_conformance::FIXTURE);
    std::fs::write(&path, learnloop_conformance::fixture_text())?;
    println!("wrote {}", path.display());
    Ok(())
}
