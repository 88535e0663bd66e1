//! Cargo re-checks `strata::query!` when the migrations change: an edited file is tracked by the
//! macro itself, a new file through the one-line build.rs the README recommends. Builds a small crate
//! for real (in its own target dir under target/, so the first run compiles its dependencies).

use std::path::{Path, PathBuf};
use std::process::Command;

fn cargo_build(krate: &Path) -> (bool, String) {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--offline", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", krate.parent().unwrap().join("target"))
        .env_remove("STRATA_MIGRATIONS")
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn write(path: PathBuf, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn changing_or_adding_a_migration_re_checks_the_queries() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let krate = workspace.join("target/rebuild-check/app");
    let _ = std::fs::remove_dir_all(&krate);
    write(
        krate.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"rebuild-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\nstrata = {{ path = \"{}\", default-features = false }}\n",
            workspace.join("migrator").display()
        ),
    );
    write(
        krate.join("src/main.rs"),
        "fn main() { let q = strata::query!(\"SELECT email FROM users WHERE id = $1\", 1_i64); println!(\"{}\", q.sql()); }\n",
    );
    let first = krate.join("migrations/1_users.up.sql");
    write(first.clone(), "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n");
    let (ok, stderr) = cargo_build(&krate);
    assert!(ok, "the first build passes: {stderr}");

    // Editing a file fails the next build at the query: the macro tracks each file it read.
    write(first.clone(), "CREATE TABLE users (id bigint PRIMARY KEY, mail text NOT NULL);\n");
    let (ok, stderr) = cargo_build(&krate);
    assert!(!ok, "an edited migration must re-check the query");
    assert!(stderr.contains("column \"email\" does not exist"), "{stderr}");
    write(first, "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n");
    let (ok, stderr) = cargo_build(&krate);
    assert!(ok, "{stderr}");

    // A new file is seen through the build script that watches the directory.
    write(krate.join("build.rs"), "fn main() { println!(\"cargo:rerun-if-changed=migrations\"); }\n");
    let (ok, stderr) = cargo_build(&krate);
    assert!(ok, "{stderr}");
    write(krate.join("migrations/2_drop_email.up.sql"), "ALTER TABLE users DROP COLUMN email;\n");
    let (ok, stderr) = cargo_build(&krate);
    assert!(!ok, "a new migration must re-check the query");
    assert!(stderr.contains("column \"email\" does not exist"), "{stderr}");
}
