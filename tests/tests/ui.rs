//! Compile-time failures of `strata::query!`, with their messages pinned in `ui/*.stderr`.
//! (Regenerate after an intended change with `TRYBUILD=overwrite cargo test -p strata-e2e --test ui`.)

#[test]
fn query_errors_fail_the_build_with_precise_messages() {
    // The cases compile in trybuild's own crate, so point the macro at our migrations.
    std::env::set_var("STRATA_MIGRATIONS", concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"));
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
