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

#[test]
fn schema_lists_what_is_not_modelled_with_file_and_line() {
    let dir = MigrationsDir::new(&[
        ("1_t.up.sql", "CREATE TABLE t (id int PRIMARY KEY, note text);\nCREATE VIEW v AS SELECT id FROM t;"),
        ("2_do.up.sql", "-- dynamic\n\nDO $$ BEGIN EXECUTE 'ALTER TABLE t ADD COLUMN x int'; END $$;"),
    ]);
    let run = |args: &[&str]| {
        let out =
            Command::new(strata_bin()).arg("schema").args(args).arg("--dir").arg(&dir.0).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, stdout) = run(&["--unsupported"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("2_do.up.sql:3:1: warning: a DO block is not modelled"), "{stdout}");
    assert!(stdout.contains("1 statement(s) not modelled"), "{stdout}");
    let (_, stdout) = run(&[]);
    assert!(stdout.contains("table public.t\n  id int4 not null\n  note text\n"), "{stdout}");
    assert!(stdout.contains("view public.v\n  id int4 not null\n"), "{stdout}");
}

#[test]
fn describe_says_a_do_block_is_why_a_column_is_nullable() {
    let dir = MigrationsDir::new(&[
        ("1_t.up.sql", "CREATE TABLE t (id int PRIMARY KEY, note text NOT NULL);"),
        ("2_do.up.sql", "DO $$ BEGIN\n  UPDATE t SET note = '' WHERE note = 'x';\nEND $$;"),
    ]);
    let (code, stdout, stderr) = describe(&dir, &["-"], Some("SELECT id, note FROM t"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("null: column \"note\" of \"t\" may have been changed by the DO block at "),
        "{stdout}"
    );
    assert!(stdout.contains("2_do.up.sql:1, which the analyzer cannot follow"), "{stdout}");
    let out =
        Command::new(strata_bin()).args(["schema", "--unsupported", "--dir"]).arg(&dir.0).output().unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("2_do.up.sql:1:1: warning: a DO block is not modelled"), "{listed}");
    assert!(listed.contains("the columns of the tables its body names are typed as nullable"), "{listed}");
}
