//! `strata describe`: the analyzer's answers for a file of sqlc-style queries, as text and JSON,
//! with errors at the file's line and column and exit code 1. No database is involved.

use std::process::Command;

use strata_e2e::{strata_bin, MigrationsDir};

fn describe(dir: &MigrationsDir, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(strata_bin())
        .arg("describe")
        .args(args)
        .arg("--dir")
        .arg(&dir.0)
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn schema() -> MigrationsDir {
    MigrationsDir::new(&[
        ("1_users.up.sql", "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text);"),
        ("1_users.down.sql", "DROP TABEL users;"),
        ("2_status_view.sql.up.sql", "ALTER TABLE users ADD COLUMN seen_at timestamptz;"),
    ])
}

const QUERIES: &str = "-- name: GetUser :one
SELECT id, email, name FROM users WHERE id = $1;

-- name: Rename :exec
UPDATE users SET name = $1 WHERE id = $2;

-- name: Broken :one
SELECT nme
FROM users WHERE id = 'x';
";

#[test]
fn describe_prints_params_columns_and_why_nullable() {
    let dir = schema();
    let file = dir.0.join("queries.sql.txt");
    std::fs::write(&file, QUERIES).unwrap();
    let (code, stdout, stderr) = describe(&dir, &[file.to_str().unwrap()], None);
    assert_eq!(code, 1, "{stdout}{stderr}");
    // The broken down file is a warning, not a refusal.
    assert!(stderr.contains("1_users.down.sql:1:6: warning: syntax error"), "{stderr}");
    assert!(stdout.contains("GetUser ("), "{stdout}");
    assert!(stdout.contains("  $1   int8                     not null"), "{stdout}");
    assert!(stdout.contains("null: column \"name\" of \"users\" allows NULL"), "{stdout}");
    assert!(stdout.contains("  $1   text                     may be NULL"), "{stdout}");
    assert!(stdout.contains(":8:8: error: column \"nme\" does not exist (SQLSTATE 42703)"), "{stdout}");
    assert!(
        stdout.contains(":9:23: error: invalid input syntax for type bigint: \"x\" (SQLSTATE 22P02)"),
        "{stdout}"
    );
}

#[test]
fn describe_json_from_stdin() {
    let dir = schema();
    let (code, stdout, stderr) =
        describe(&dir, &["--json", "-"], Some("SELECT id, seen_at FROM users WHERE email = $1"));
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v[0]["name"], "query");
    assert_eq!(v[0]["params"][0]["type"], "text");
    assert_eq!(v[0]["params"][0]["nullable"], false);
    assert_eq!(v[0]["columns"][0]["nullable"], false);
    assert_eq!(v[0]["columns"][1]["type"], "timestamptz");
    assert_eq!(v[0]["columns"][1]["nullable"], true);
}
