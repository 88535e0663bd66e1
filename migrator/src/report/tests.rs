//! Snapshots of the three formats over a real lint of two migrations (LF and CRLF files).

use std::path::PathBuf;

use super::{render, Finding, Format, Sources};

fn lint_fixture(format: &str) -> (Vec<Finding>, Sources) {
    let dir = std::env::temp_dir().join(format!("strata-report-{}-{format}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("1_users.up.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
        .unwrap();
    std::fs::write(
        dir.join("2_alter.up.sql"),
        "SET lock_timeout = '2s';\r\nALTER TABLE users\r\n  ADD COLUMN token uuid DEFAULT gen_random_uuid();\r\nCREATE INDEX users_email ON users (email);\r\n",
    )
    .unwrap();
    let set = strata_analyzer::MigrationSet::load(&dir).unwrap();
    let report = strata_analyzer::lint::lint(&set, &Default::default());
    let relative = |p: &PathBuf| PathBuf::from("migrations").join(p.file_name().unwrap());
    let findings = report
        .violations
        .iter()
        .map(|v| Finding { file: Some(relative(&v.file)), ..Finding::from_violation(v) })
        .collect();
    let sources = set.migrations.iter().map(|m| (relative(&m.up.path), m.up.text.clone())).collect();
    std::fs::remove_dir_all(&dir).unwrap();
    (findings, sources)
}

#[test]
fn text() {
    let (findings, sources) = lint_fixture("text");
    insta::assert_snapshot!(render(Format::Text, &findings, &sources, "linted 2 migration(s)", false));
}

#[test]
fn github() {
    let (findings, sources) = lint_fixture("github");
    insta::assert_snapshot!(render(Format::Github, &findings, &sources, "linted 2 migration(s)", false));
}

#[test]
fn json() {
    let (findings, sources) = lint_fixture("json");
    insta::assert_snapshot!(render(Format::Json, &findings, &sources, "linted 2 migration(s)", false));
}
