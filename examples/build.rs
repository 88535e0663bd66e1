// Re-check `strata::query!` and re-embed `strata::migrate!` when a migration is added or removed
// (edits to existing files are tracked by the macros themselves).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
