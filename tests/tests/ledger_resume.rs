//! Non-transactional migrations resume after a failure or a kill -9: completed statements are
//! skipped, what a failed CREATE INDEX CONCURRENTLY left is cleaned up, and a statement whose
//! outcome the catalog cannot tell is reported for `strata resolve`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use strata_e2e::{strata, strata_bin, MigrationsDir, TestDb};

const USERS: &str = "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n\
                     INSERT INTO users (email) VALUES ('a@x'), ('a@x');";

fn index_valid(db: &TestDb, name: &str) -> Option<bool> {
    db.client()
        .query_opt("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)", &[&name])
        .unwrap()
        .map(|r| r.get(0))
}

#[test]
fn a_failed_concurrent_index_build_is_cleaned_up_and_retried() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        (
            "2_unique.up.sql",
            "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_id ON users (id);\n\
             CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);",
        ),
    ]);
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("detail: Key (email)=(a@x) is duplicated."), "{}", run.stderr);
    assert_eq!(index_valid(&db, "users_email"), Some(false), "the failed build left an INVALID index");

    db.client().batch_execute("DELETE FROM users WHERE id = 2").unwrap();
    let resumed = strata(&db, &dir, &["up"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert_eq!(index_valid(&db, "users_email"), Some(true), "dropped and built again, valid");
    assert_eq!(db.history(), [1, 2]);
    let steps: i64 =
        db.client().query_one("SELECT count(*) FROM strata.log WHERE kind = 'progress'", &[]).unwrap().get(0);
    assert_eq!(steps, 2, "statement 1 ran once");
}

#[test]
fn after_a_kill_9_a_statement_in_doubt_waits_for_strata_resolve() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        (
            "2_backfill.up.sql",
            "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_id ON users (id);\n\
             UPDATE users SET email = lower(email) WHERE pg_sleep(3) IS NOT NULL;\n\
             CREATE INDEX CONCURRENTLY users_email ON users (email);",
        ),
    ]);
    let mut runner = Command::new(strata_bin())
        .args(["up", "--lease-ttl", "1", "--dir"])
        .arg(&dir.0)
        .env("DATABASE_URL", db.url())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while db
        .client()
        .query_one("SELECT count(*) FROM strata.progress(2) WHERE state = 'running' AND statement = 2", &[])
        .unwrap()
        .get::<_, i64>(0)
        == 0
    {
        assert!(start.elapsed() < Duration::from_secs(20), "the runner never reached statement 2");
        std::thread::sleep(Duration::from_millis(20));
    }
    runner.kill().unwrap();
    runner.wait().unwrap();

    let run = strata(&db, &dir, &["up", "--lease-ttl", "1", "--lease-wait", "30"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("2_backfill.up.sql: migration 2 (backfill) stopped at statement 2 at line 3, column 1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("strata resolve 2 --done"), "{}", run.stderr);
    let status = strata(&db, &dir, &["status"]);
    assert_eq!(status.code, 1);
    assert!(status.stderr.contains("statement 2: in doubt"), "{}", status.stderr);

    let resolved = strata(&db, &dir, &["resolve", "2", "--retry", "--why", "the update is idempotent"]);
    assert_eq!(resolved.code, 0, "{}", resolved.stderr);
    assert!(resolved.stdout.contains("migration 2 statement 2 recorded as to retry"), "{}", resolved.stdout);
    let done = strata(&db, &dir, &["up"]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert_eq!(index_valid(&db, "users_email"), Some(true));
    let log: Vec<String> = db
        .client()
        .query(
            "SELECT kind || coalesce(':' || statement, '') FROM strata.log WHERE version = 2 ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    // The run that found statement 2 in doubt resumed (attempt) and stopped before running it.
    assert_eq!(
        log,
        ["attempt", "progress:1", "attempt", "resolve:2", "attempt", "progress:2", "progress:3", "success"]
    );
}

#[test]
fn an_orphaned_concurrent_build_that_completed_counts_as_done() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", "CREATE TABLE users (id bigserial PRIMARY KEY, email text);"),
        (
            "2_index.up.sql",
            "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);",
        ),
    ]);
    // Journal statement 1 as running, as a runner killed during the build leaves it, with the
    // build itself completed by the orphaned backend.
    let mut client = db.client();
    client.batch_execute("CREATE TABLE users (id bigserial PRIMARY KEY, email text)").unwrap();
    let token: String = client.query_one("SELECT strata.acquire('1 minute')::text", &[]).unwrap().get(0);
    let one =
        strata_analyzer::migration::checksum("CREATE TABLE users (id bigserial PRIMARY KEY, email text);");
    client
        .batch_execute(&format!(
            "SELECT strata.record('{token}', 1, 'users', decode('{}', 'hex'))",
            strata_analyzer::migration::hex(&one)
        ))
        .unwrap();
    let two = strata_analyzer::migration::checksum(
        "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);",
    );
    client
        .batch_execute(&format!(
            "SELECT strata.start('{token}', 2, 'index', decode('{hex}', 'hex'));
             SELECT strata.step('{token}', 2, 1, sha256('x'), 'running');
             SELECT strata.release('{token}');",
            hex = strata_analyzer::migration::hex(&two)
        ))
        .unwrap();
    client.batch_execute("CREATE INDEX CONCURRENTLY users_email ON users (email)").unwrap();
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("applied 2 index"), "{}", run.stdout);
    assert_eq!(index_valid(&db, "users_email"), Some(true));
}
