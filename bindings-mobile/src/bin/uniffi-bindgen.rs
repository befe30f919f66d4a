//! uniffi's binding generator, pinned to the uniffi version of this workspace.
fn main() {
    uniffi::uniffi_bindgen_main()
}
