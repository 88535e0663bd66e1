//! What a failed or killed REINDEX CONCURRENTLY or DROP INDEX CONCURRENTLY of a no-transaction
//! migration leaves (INVALID `_ccnew` / `_ccold` copies, an INVALID index half dropped) is cleaned
//! up by the next `strata up`, which then runs the statement again.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use strata_e2e::{strata, strata_bin, MigrationsDir, TestDb};

/// A unique index on an IMMUTABLE function that a superuser can turn into a constant: the next
/// rebuild then finds duplicates and fails, as a rebuild does on duplicate rows written while the
/// index was broken.
const USERS: &str =
    "CREATE FUNCTION key_of(id bigint) RETURNS bigint IMMUTABLE LANGUAGE sql AS 'SELECT id';\n\
     CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n\
     INSERT INTO users (email) SELECT 'u' || g FROM generate_series(1, 50) g;\n\
     CREATE UNIQUE INDEX users_key ON users (key_of(id));";

fn set_key_of(db: &TestDb, body: &str) {
    db.client()
        .batch_execute(&format!(
            "SET strata.guard = off;\n\
             CREATE OR REPLACE FUNCTION key_of(id bigint) RETURNS bigint IMMUTABLE LANGUAGE sql AS '{body}'"
        ))
        .unwrap();
}

/// Every index on users and its TOAST table: (name, valid).
fn indexes(db: &TestDb) -> Vec<(String, bool)> {
    db.client()
        .query(
            "SELECT c.relname::text, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE i.indrelid IN (SELECT oid FROM pg_class WHERE relname = 'users' \
                                  UNION SELECT reltoastrelid FROM pg_class WHERE relname = 'users') \
             ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn leftovers(db: &TestDb) -> Vec<String> {
    indexes(db)
        .into_iter()
        .filter(|(n, _)| n.contains("_ccnew") || n.contains("_ccold"))
        .map(|(n, _)| n)
        .collect()
}

fn all_valid(db: &TestDb) -> bool {
    indexes(db).iter().all(|(_, valid)| *valid)
}

#[test]
fn a_failed_reindex_index_concurrently_is_cleaned_up_and_run_again() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("2_reindex.up.sql", "-- strata:no-transaction\nREINDEX INDEX CONCURRENTLY users_key;");
    set_key_of(&db, "SELECT 0::bigint");
    let failed = strata(&db, &dir, &["up"]);
    assert_eq!(failed.code, 1, "{}", failed.stdout);
    assert!(failed.stderr.contains("is duplicated"), "{}", failed.stderr);
    assert_eq!(leftovers(&db), ["users_key_ccnew"]);
    assert!(!all_valid(&db), "{:?}", indexes(&db));

    // Still broken: the resumed run drops the old copy before it tries again, so one is left, not two.
    let again = strata(&db, &dir, &["up"]);
    assert_eq!(again.code, 1);
    assert_eq!(leftovers(&db), ["users_key_ccnew"]);

    set_key_of(&db, "SELECT id");
    let resumed = strata(&db, &dir, &["up"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(leftovers(&db).is_empty(), "{:?}", indexes(&db));
    assert!(all_valid(&db), "{:?}", indexes(&db));
    assert_eq!(db.history(), [1, 2]);
}

#[test]
fn a_failed_reindex_table_concurrently_leaves_nothing_after_the_resumed_run() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("2_reindex.up.sql", "-- strata:no-transaction\nREINDEX TABLE CONCURRENTLY public.users;");
    set_key_of(&db, "SELECT 0::bigint");
    assert_eq!(strata(&db, &dir, &["up"]).code, 1);
    // A copy of every index of the table, and of its TOAST table's, all INVALID.
    let left = leftovers(&db);
    assert!(
        left.contains(&"users_key_ccnew".to_string()) && left.contains(&"users_pkey_ccnew".to_string()),
        "{left:?}"
    );
    assert!(left.iter().any(|n| n.starts_with("pg_toast_")), "{left:?}");

    set_key_of(&db, "SELECT id");
    let resumed = strata(&db, &dir, &["up"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(leftovers(&db).is_empty(), "{:?}", indexes(&db));
    assert!(all_valid(&db), "{:?}", indexes(&db));
    assert_eq!(indexes(&db).len(), 3, "pkey, key and the TOAST index, nothing else");
}

#[test]
fn a_failed_reindex_schema_concurrently_is_cleaned_up_and_run_again() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("2_reindex.up.sql", "-- strata:no-transaction\nREINDEX SCHEMA CONCURRENTLY public;");
    set_key_of(&db, "SELECT 0::bigint");
    let failed = strata(&db, &dir, &["up"]);
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert!(!leftovers(&db).is_empty(), "{:?}", indexes(&db));

    // Broken again: the copies of the first try are dropped before the second, none pile up.
    let before = leftovers(&db);
    assert_eq!(strata(&db, &dir, &["up"]).code, 1);
    assert_eq!(leftovers(&db).len(), before.len(), "{:?}", indexes(&db));

    set_key_of(&db, "SELECT id");
    let resumed = strata(&db, &dir, &["up"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(leftovers(&db).is_empty(), "{:?}", indexes(&db));
    assert!(all_valid(&db), "{:?}", indexes(&db));
    assert_eq!(db.history(), [1, 2]);
}

/// `strata up` in the background, with a short lease so that the next run need not wait long
/// once this one is gone.
fn runner(db: &TestDb, dir: &MigrationsDir) -> std::process::Child {
    Command::new(strata_bin())
        .args(["up", "--lease-ttl", "1", "--dir"])
        .arg(&dir.0)
        .env("DATABASE_URL", db.url())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The first backend of pg_stat_activity that meets `condition`, once there is one.
fn backend(db: &TestDb, condition: &str) -> i32 {
    let start = Instant::now();
    loop {
        let found = db
            .client()
            .query_opt(&format!("SELECT pid FROM pg_stat_activity WHERE {condition} LIMIT 1"), &[])
            .unwrap();
        if let Some(row) = found {
            return row.get(0);
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no backend with {condition}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_reindex_whose_backend_was_terminated_half_way_is_cleaned_up_and_run_again() {
    let db = TestDb::new();
    // 150 rows at 10 ms each: the rebuild takes a second and a half.
    let slow = USERS.replace("'SELECT id'", "'SELECT id FROM pg_sleep(0.01)'").replace("50)", "150)");
    let dir = MigrationsDir::new(&[("1_users.up.sql", &slow)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("2_reindex.up.sql", "-- strata:no-transaction\nREINDEX INDEX CONCURRENTLY users_key;");
    let mut child = runner(&db, &dir);
    let pid = backend(
        &db,
        "pid IN (SELECT pid FROM pg_stat_progress_create_index \
         WHERE command = 'REINDEX CONCURRENTLY' AND phase LIKE 'building index%')",
    );
    db.client().query_one("SELECT pg_terminate_backend($1)", &[&pid]).unwrap();
    assert!(!child.wait().unwrap().success());
    assert_eq!(leftovers(&db), ["users_key_ccnew"], "{:?}", indexes(&db));
    let state: String = db.client().query_one("SELECT state FROM strata.progress(2)", &[]).unwrap().get(0);
    assert_eq!(state, "running", "the run died in it: its outcome is for the catalog to tell");

    let resumed = strata(&db, &dir, &["up", "--lease-wait", "30"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(leftovers(&db).is_empty(), "{:?}", indexes(&db));
    assert!(all_valid(&db), "{:?}", indexes(&db));
    assert_eq!(db.history(), [1, 2]);
}

#[test]
fn after_a_killed_runner_the_next_run_waits_for_its_orphaned_reindex() {
    let db = TestDb::new();
    // 150 rows at 10 ms each: the rebuild takes a second and a half.
    let slow = USERS.replace("'SELECT id'", "'SELECT id FROM pg_sleep(0.01)'").replace("50)", "150)");
    let dir = MigrationsDir::new(&[("1_users.up.sql", &slow)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("2_reindex.up.sql", "-- strata:no-transaction\nREINDEX INDEX CONCURRENTLY users_key;");
    let mut child = runner(&db, &dir);
    let orphan = backend(
        &db,
        "pid IN (SELECT pid FROM pg_stat_progress_create_index \
         WHERE command = 'REINDEX CONCURRENTLY' AND phase LIKE 'building index%')",
    );
    // kill -9: the server-side REINDEX goes on without its client.
    child.kill().unwrap();
    child.wait().unwrap();
    let building: bool = db
        .client()
        .query_one("SELECT EXISTS (SELECT FROM pg_stat_progress_create_index WHERE pid = $1)", &[&orphan])
        .unwrap()
        .get(0);
    assert!(building, "the orphaned backend is still rebuilding when the next run starts");

    let resumed = strata(&db, &dir, &["up", "--lease-wait", "30"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let orphan_left: bool = db
        .client()
        .query_one("SELECT EXISTS (SELECT FROM pg_stat_progress_create_index WHERE pid = $1)", &[&orphan])
        .unwrap()
        .get(0);
    assert!(!orphan_left, "the run waited for the orphan instead of racing it");
    assert!(leftovers(&db).is_empty(), "{:?}", indexes(&db));
    assert!(all_valid(&db), "{:?}", indexes(&db));
    assert_eq!(db.history(), [1, 2]);
}

#[test]
fn an_interrupted_drop_index_concurrently_is_dropped_again() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("2_drop.up.sql", "-- strata:no-transaction\nDROP INDEX CONCURRENTLY users_key;");
    // An open transaction that read the table: the drop marks the index INVALID, then waits for it.
    let mut reader = db.client();
    reader.batch_execute("BEGIN; SELECT count(*) FROM users").unwrap();
    let mut child = runner(&db, &dir);
    let pid = backend(&db, "wait_event_type = 'Lock' AND query LIKE '%DROP INDEX CONCURRENTLY%'");
    db.client().query_one("SELECT pg_terminate_backend($1)", &[&pid]).unwrap();
    assert!(!child.wait().unwrap().success());
    reader.batch_execute("COMMIT").unwrap();
    assert!(indexes(&db).contains(&("users_key".to_string(), false)), "{:?}", indexes(&db));

    let resumed = strata(&db, &dir, &["up", "--lease-wait", "30"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(!indexes(&db).iter().any(|(n, _)| n == "users_key"), "{:?}", indexes(&db));
    assert_eq!(db.history(), [1, 2]);
}
