//! `strata diff --since GIT_REF`: the schema change since a commit, from the files alone and from
//! real snapshots on the server.

use std::path::Path;
use std::process::Command;

use strata_e2e::{server_url, strata_bin, MigrationsDir};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn strata_diff(dir: &Path, url: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(strata_bin());
    command.arg("diff").args(args).arg("--dir").arg(dir).env_remove("DATABASE_URL");
    if let Some(url) = url {
        command.env("DATABASE_URL", url);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A repository whose `db/migrations` has users at tag v1, then a new index and a type change.
fn repo() -> MigrationsDir {
    let repo = MigrationsDir::new(&[]);
    let dir = repo.0.join("db/migrations");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("1_users.up.sql"), "CREATE TABLE users (id bigserial PRIMARY KEY, email text);")
        .unwrap();
    git(&repo.0, &["init", "-q"]);
    git(&repo.0, &["add", "."]);
    git(&repo.0, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "v1"]);
    git(&repo.0, &["tag", "v1"]);
    std::fs::write(
        dir.join("2_email.up.sql"),
        "ALTER TABLE users ALTER COLUMN email TYPE varchar(320);\nCREATE INDEX users_email ON users (email);",
    )
    .unwrap();
    repo
}

#[test]
fn markdown_from_the_files_alone() {
    let repo = repo();
    let (code, md, err) = strata_diff(&repo.0.join("db/migrations"), None, &["--since", "v1"]);
    assert_eq!(code, 0, "{err}");
    assert!(md.starts_with("### Schema changes since `v1`"), "{md}");
    assert!(md.contains("- New migration(s): `2_email`"), "{md}");
    assert!(md.contains("- `table users: column email: type text → varchar`"), "{md}");
    assert!(
        md.contains(
            "| `2_email.up.sql:2` | `CREATE INDEX users_email ON users (email)` | `SHARE on public.users` |"
        ),
        "{md}"
    );
    assert!(md.contains("| `ACCESS EXCLUSIVE on public.users` |"), "the type change's lock: {md}");
    assert!(!md.contains("Every object"), "no database, no server section: {md}");
}

#[test]
fn json_with_real_snapshots() {
    let repo = repo();
    let url = server_url("postgres");
    let (code, out, err) =
        strata_diff(&repo.0.join("db/migrations"), Some(&url), &["--since", "v1", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["migrations"]["new"], serde_json::json!(["2_email"]));
    let statements = report["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[1]["statement"], "CREATE INDEX users_email ON users (email)");
    // The lock each statement takes, from the lint's lock table.
    assert_eq!(statements[0]["lock"], "ACCESS EXCLUSIVE on public.users");
    assert_eq!(statements[1]["lock"], "SHARE on public.users");
    let objects = report["objects"].as_array().unwrap();
    let find = |identity: &str| objects.iter().find(|o| o["identity"] == identity).cloned();
    let column = find("public.users.email").expect("the column change");
    assert_eq!(column["change"], "changed");
    assert_eq!(column["fields"][0]["field"], "type");
    assert_eq!(column["fields"][0]["before"], "text");
    assert_eq!(column["fields"][0]["after"], "character varying(320)");
    let index = find("public.users_email").expect("the new index");
    assert_eq!(index["change"], "added");
    assert_eq!(objects.len(), 2, "{objects:#?}");

    let (code, _, err) = strata_diff(&repo.0.join("db/migrations"), None, &["--since", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("nope is not a commit of this repository"), "{err}");
}
