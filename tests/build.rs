//! Both `decimal` and `bigdecimal` are on (tests/tests/numeric.rs covers both), so the query
//! macros need the crate's choice for `numeric`, as an app would set it in `.cargo/config.toml`.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rustc-env=STRATA_NUMERIC=decimal");
}
