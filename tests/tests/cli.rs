//! The `strata` CLI against a real Postgres with the real extension.

use strata_e2e::{strata, MigrationsDir, TestDb};

const USERS: &str = "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);";
const POSTS: &str = "CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id));";

#[test]
fn up_applies_in_version_order_and_records_checksums() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("10_posts.up.sql", POSTS),
        ("2_users.up.sql", USERS),
        ("2_users.down.sql", "DROP TABLE users;"),
        (
            "11_email_index.up.sql",
            "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);",
        ),
    ]);
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("applied 2 users"), "{}", run.stdout);
    assert!(run.stdout.contains("strata: applied 3 migration(s)"), "{}", run.stdout);
    assert_eq!(db.history(), [2, 10, 11]);

    let rows = db
        .client()
        .query("SELECT name, encode(checksum, 'hex'), state, transactional, duration > '0'::interval, applied_by = session_user FROM strata.history ORDER BY version", &[])
        .unwrap();
    let expected = strata_analyzer::migration::hex(&strata_analyzer::migration::checksum(USERS));
    assert_eq!(rows[0].get::<_, String>(0), "users");
    assert_eq!(rows[0].get::<_, String>(1), expected);
    assert_eq!(rows[0].get::<_, String>(2), "applied");
    assert!(rows[0].get::<_, bool>(3));
    assert!(!rows[2].get::<_, bool>(3), "the no-transaction migration is recorded as such");
    assert!(rows.iter().all(|r| r.get::<_, bool>(4) && r.get::<_, bool>(5)));

    let again = strata(&db, &dir, &["up"]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("up to date"), "{}", again.stdout);

    let status = strata(&db, &dir, &["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stdout.contains("strata: 3 applied, 0 pending, 0 problem(s)"), "{}", status.stdout);
}

#[test]
fn status_lists_pending_before_up() {
    let db = TestDb::new();
    // Without the extension, status is read-only: all pending, nothing created.
    db.client().batch_execute("SET strata.guard = off; DROP EXTENSION strata; DROP SCHEMA strata").unwrap();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    let status = strata(&db, &dir, &["status"]);
    assert_eq!(status.code, 3, "3: pending {}", status.stderr);
    assert!(status.stdout.contains("strata: 0 applied, 1 pending"), "{}", status.stdout);
    let exists: bool = db
        .client()
        .query_one("SELECT count(*) > 0 FROM pg_extension WHERE extname = 'strata'", &[])
        .unwrap()
        .get(0);
    assert!(!exists, "status must not install the extension");
    drop(dir);

    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS), ("2_posts.up.sql", POSTS)]);
    strata(&db, &dir, &["up"]);
    dir.write("3_more.up.sql", "ALTER TABLE users ADD COLUMN name text;");
    let status = strata(&db, &dir, &["status"]);
    assert_eq!(status.code, 3);
    let lines: Vec<&str> = status.stdout.lines().collect();
    assert!(lines[1].contains("users") && lines[1].contains("applied"), "{}", status.stdout);
    assert!(lines[3].contains("more") && lines[3].contains("pending"), "{}", status.stdout);
}

#[test]
fn changed_checksum_stops_up_before_anything_is_applied() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("1_users.up.sql", "CREATE TABLE users (id int);");
    dir.write("2_posts.up.sql", POSTS);
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("1 users: the file changed after it was applied"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was applied"), "{}", run.stderr);
    assert_eq!(db.history(), [1]);
    assert!(!db.table_exists("posts"));
    // status says the same and fails CI
    let status = strata(&db, &dir, &["status"]);
    assert_eq!(status.code, 1);
    assert!(status.stdout.contains("checksum_mismatch"), "{}", status.stdout);
}

#[test]
fn line_endings_do_not_count_as_a_change() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", "CREATE TABLE users (id int);\n")]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("1_users.up.sql", "CREATE TABLE users (id int);\r\n");
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
}

#[test]
fn missing_files_and_out_of_order_versions_are_refused() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS), ("3_posts.up.sql", POSTS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("2_late.up.sql", "CREATE TABLE late (id int);");
    std::fs::remove_file(dir.0.join("1_users.up.sql")).unwrap();
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("1 users: applied to the database but its file is missing"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 late: not applied, but a later version is"), "{}", run.stderr);
    assert!(!db.table_exists("late"));
}

#[test]
fn failing_migration_is_rolled_back_and_located() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        ("2_broken.up.sql", "CREATE TABLE b (id int);\nINSERT INTO b (id) SELECT x FROM nope;"),
        ("3_after.up.sql", "CREATE TABLE c (id int);"),
    ]);
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("2_broken.up.sql: migration 2 (broken) failed at line 2, column 34"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("relation \"nope\" does not exist (SQLSTATE 42P01)"), "{}", run.stderr);
    assert!(run.stderr.contains("rolled back"), "{}", run.stderr);
    assert_eq!(db.history(), [1], "the migration before the broken one stays applied");
    assert!(!db.table_exists("b"), "no partial migration");
    assert!(!db.table_exists("c"));
    // the lock was released: a fixed file goes through
    dir.write("2_broken.up.sql", "CREATE TABLE b (id int);");
    let fixed = strata(&db, &dir, &["up"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert_eq!(db.history(), [1, 2, 3]);
}

#[test]
fn bad_files_are_reported_with_file_line_and_column_and_nothing_runs() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        ("2_typo.up.sql", "CREATE TABLE t (id int);\nSELEC 1;"),
        ("two_x.up.sql", "SELECT 1;"),
    ]);
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("2_typo.up.sql:2:1: error: syntax error at or near \"SELEC\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("two_x.up.sql:1:1: error:"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was applied"), "{}", run.stderr);
    assert!(db.history().is_empty());
}

#[test]
fn no_database_url_is_a_clear_error() {
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    let out = std::process::Command::new(strata_e2e::strata_bin())
        .args(["up", "--dir"])
        .arg(&dir.0)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("set DATABASE_URL or pass --database-url"));
}

#[test]
fn a_failed_no_transaction_migration_is_journaled_and_resumes_at_the_failed_statement() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("000001_users.up.sql", USERS),
        (
            "000002_index.up.sql",
            "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n\
             CREATE INDEX CONCURRENTLY users_name ON users (name);",
        ),
    ]);
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    // the real file name (golang-migrate's zero-padded versions), line and column of the failure
    assert!(
        run.stderr.contains("000002_index.up.sql: migration 2 (index) failed at line 3, column 1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("resumes at the failing statement"), "{}", run.stderr);
    let state: String =
        db.client().query_one("SELECT state FROM strata.history WHERE version = 2", &[]).unwrap().get(0);
    assert_eq!(state, "failed");
    assert!(db.table_exists("users_email"), "the statement before the failing one stays applied");

    // Unchanged, the retry fails the same way: statement 1 is not run again.
    let again = strata(&db, &dir, &["up"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("failed at line 3, column 1"), "{}", again.stderr);
    let status = strata(&db, &dir, &["status"]);
    assert_eq!(status.code, 1);
    assert!(status.stdout.contains("failed"), "{}", status.stdout);
    assert!(status.stderr.contains("statement 2: failed: strata up retries it"), "{}", status.stderr);

    // Once the cause is fixed, the next run resumes at statement 2.
    db.client().batch_execute("ALTER TABLE users ADD COLUMN name text").unwrap();
    let fixed = strata(&db, &dir, &["up"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    let row = db
        .client()
        .query_one("SELECT state, transactional FROM strata.history WHERE version = 2", &[])
        .unwrap();
    assert_eq!((row.get::<_, String>(0), row.get::<_, bool>(1)), ("applied".to_string(), false));
    assert!(db.table_exists("users_name"));
    let done: Vec<i32> = db
        .client()
        .query("SELECT statement FROM strata.log WHERE version = 2 AND kind = 'progress' ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(done, [1, 2], "statement 1 ran once, statement 2 once it could");
}

#[test]
fn a_failure_without_a_server_position_is_located_by_statement() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[(
        "1_three.up.sql",
        "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n  ALTER TABLE nope ADD COLUMN x int;\nCREATE TABLE c (id int);",
    )]);
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("1_three.up.sql: migration 1 (three) failed at line 3, column 3"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("relation \"nope\" does not exist (SQLSTATE 42P01)"), "{}", run.stderr);
    assert!(!db.table_exists("a") && !db.table_exists("b"), "locating the statement leaves nothing behind");
    assert!(db.history().is_empty());
}
