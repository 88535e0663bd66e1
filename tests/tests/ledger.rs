//! The ledger a DBA can trust, against the real server as real roles: privileges, tamper
//! evidence, clean sessions, the server's DETAIL and HINT, the log, version checks for apps.

use strata_e2e::{strata, strata_url, MigrationsDir, TestDb, APP, DEPLOYER, OWNER_ROLE, READER};

const USERS: &str = "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);";

fn sqlstate(result: Result<(), postgres::Error>) -> String {
    result.unwrap_err().as_db_error().map(|d| d.code().code().to_string()).unwrap_or_default()
}

#[test]
fn the_migrator_role_applies_with_nothing_but_its_grant() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut deployer = db.client_as(DEPLOYER);
    let by: String = deployer.query_one("SELECT applied_by FROM strata.applied", &[]).unwrap().get(0);
    assert_eq!(by, DEPLOYER);
    assert_eq!(strata_url(&db.url_as(DEPLOYER), &dir, &["status"]).code, 0);
    // The API is its only way in: no direct reads or writes of the tables.
    for sql in [
        "SELECT * FROM strata.history",
        "INSERT INTO strata.history (version, name, checksum, state, duration) VALUES (9, 'x', sha256('x'), 'applied', '1s')",
        "DELETE FROM strata.events",
        "UPDATE strata.lease_state SET token = NULL",
        "BEGIN; LOCK TABLE strata.lease_state",
    ] {
        assert_eq!(sqlstate(deployer.batch_execute(sql)), "42501", "{sql}");
    }
}

#[test]
fn an_app_role_can_neither_read_nor_write_the_ledger_nor_take_the_lease() {
    let db = TestDb::new();
    strata(&db, &MigrationsDir::new(&[("1_users.up.sql", USERS)]), &["up"]);
    let mut app = db.client_as(APP);
    for sql in [
        "SELECT * FROM strata.applied",
        "SELECT * FROM strata.history",
        "SELECT strata.acquire('1 minute')",
        "SELECT strata.plan('{}', '{}', '{}')",
        "SELECT strata.current_version()",
        "SELECT strata.break_lock('because')",
        "SELECT * FROM strata.lease_state FOR UPDATE",
        "BEGIN; LOCK TABLE strata.lease_state IN ACCESS SHARE MODE",
    ] {
        assert_eq!(sqlstate(app.batch_execute(sql)), "42501", "{sql}");
    }
    // A reader sees the views and checks versions, and nothing more.
    let mut reader = db.client_as(READER);
    reader
        .batch_execute("SELECT * FROM strata.applied; SELECT * FROM strata.log; SELECT * FROM strata.lease")
        .unwrap();
    let v: i64 = reader.query_one("SELECT strata.current_version()", &[]).unwrap().get(0);
    assert_eq!(v, 1);
    for sql in ["SELECT * FROM strata.history", "SELECT strata.acquire('1 minute')"] {
        assert_eq!(sqlstate(reader.batch_execute(sql)), "42501", "{sql}");
    }
}

#[test]
fn create_extension_refuses_a_schema_strata_owned_by_someone_else() {
    let db = TestDb::new();
    let mut root = db.client();
    root.batch_execute(&format!(
        "SET strata.guard = off; DROP EXTENSION strata; DROP SCHEMA strata; CREATE SCHEMA strata AUTHORIZATION {DEPLOYER}"
    ))
    .unwrap();
    let err = root.batch_execute("CREATE EXTENSION strata").unwrap_err();
    let err = err.as_db_error().unwrap();
    assert_eq!(err.code().code(), "42501");
    assert!(err.message().contains("owned by strata_e2e_deployer"), "{}", err.message());
}

#[test]
fn a_migration_that_writes_the_ledger_is_refused_and_nothing_of_it_lands() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    // As the migrator role: the privileges refuse it.
    dir.write("2_evil.up.sql", "CREATE TABLE evil (id int);\nDELETE FROM strata.history;");
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("permission denied for table history (SQLSTATE 42501)"), "{}", run.stderr);
    // As a superuser (whose migrations could write anything): the ledger write refuses it.
    for (evil, says) in [
        ("UPDATE strata.history SET checksum = sha256('x') WHERE version = 1;", "changed strata.history directly (UPDATE)"),
        (
            "INSERT INTO strata.history (version, name, checksum, state, duration) VALUES (99, 'future', sha256('x'), 'applied', '1s');",
            "changed strata.history directly (INSERT)",
        ),
        (
            "SELECT strata.record(substring(current_query() from '''([0-9a-f-]{36})''::uuid')::uuid, 99, 'forged', sha256('x'));",
            "wrote the strata ledger itself",
        ),
    ] {
        dir.write("2_evil.up.sql", &format!("CREATE TABLE evil (id int);\n{evil}"));
        let run = strata(&db, &dir, &["up"]);
        assert_eq!(run.code, 1, "{evil}");
        assert!(run.stderr.contains(says), "{evil}: {}", run.stderr);
        assert!(run.stderr.contains("nothing of it was applied"), "{}", run.stderr);
        assert_eq!(db.history(), [1]);
        assert!(!db.table_exists("evil"));
    }
    let status = strata(&db, &dir, &["status"]);
    assert!(
        !status.stderr.contains("outside the strata API"),
        "refused changes left no trace: {}",
        status.stderr
    );
}

#[test]
fn hand_edits_are_reported_with_what_when_and_by_whom_never_as_file_changes() {
    let db = TestDb::new();
    let dir =
        MigrationsDir::new(&[("1_users.up.sql", USERS), ("2_posts.up.sql", "CREATE TABLE posts (id int);")]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    let mut dba = db.client();
    dba.batch_execute("SET application_name = 'dba-console'; UPDATE strata.history SET checksum = sha256('x') WHERE version = 1")
        .unwrap();
    dir.write("3_more.up.sql", "CREATE TABLE more (id int);");
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("the strata ledger was changed outside the strata API"), "{}", run.stderr);
    assert!(run.stderr.contains("1: update on strata.history outside the strata API at"), "{}", run.stderr);
    assert!(run.stderr.contains("by root (application dba-console"), "{}", run.stderr);
    assert!(!run.stderr.contains("the file changed"), "{}", run.stderr);
    assert!(!db.table_exists("more"));
    let status = strata(&db, &dir, &["status"]);
    assert_eq!(status.code, 1);
    assert!(status.stderr.contains("update on strata.history outside the strata API"), "{}", status.stderr);

    // Put back by hand, then the DBA's decision through the API, recorded with who and why.
    dba.batch_execute(&format!(
        "UPDATE strata.history SET checksum = decode('{}', 'hex') WHERE version = 1",
        strata_analyzer::migration::hex(&strata_analyzer::migration::checksum(USERS))
    ))
    .unwrap();
    dba.batch_execute("SELECT strata.repair(1, 'accept', 'checksum restored after a mistaken edit')")
        .unwrap();
    let repair: String = dba
        .query_one("SELECT who || ': ' || message FROM strata.log WHERE kind = 'repair'", &[])
        .unwrap()
        .get(0);
    assert_eq!(repair, "root: accept: checksum restored after a mistaken edit");
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);

    // Bypassing the audit trigger does not hide a deleted row: the log says it was applied.
    dba.batch_execute(
        "ALTER TABLE strata.history DISABLE TRIGGER audit; DELETE FROM strata.history WHERE version = 2; \
         ALTER TABLE strata.history ENABLE ALWAYS TRIGGER audit",
    )
    .unwrap();
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("2: history row deleted outside the strata API"), "{}", run.stderr);
    assert!(!run.stderr.contains("renumber"), "{}", run.stderr);
    // A forged event breaks the chain.
    dba.batch_execute(
        "ALTER TABLE strata.events DISABLE TRIGGER audit; UPDATE strata.events SET who = 'someone' WHERE id = 2; \
         ALTER TABLE strata.events ENABLE ALWAYS TRIGGER audit",
    )
    .unwrap();
    let status = strata(&db, &dir, &["status"]);
    assert!(status.stderr.contains("log event 2 was changed"), "{}", status.stderr);
}

#[test]
fn no_setting_role_or_session_object_survives_into_the_next_migration() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        (
            "1_owned.up.sql",
            &format!(
                "SET ROLE {OWNER_ROLE};\nSET search_path = nowhere;\nCREATE TABLE public.owned (id int);\n\
                 SET statement_timeout = '5min'; SET default_transaction_read_only = on;\n\
                 PREPARE leftover AS SELECT 1;\nCREATE TEMP TABLE scratch (x int);\nLISTEN somewhere;\n\
                 SELECT pg_advisory_lock(42);"
            ),
        ),
        (
            "2_check.up.sql",
            "DO $$ BEGIN\n\
               IF current_user <> session_user THEN RAISE 'role leaked: %', current_user; END IF;\n\
               IF current_setting('search_path') <> '\"$user\", public' THEN RAISE 'search_path leaked'; END IF;\n\
               IF current_setting('statement_timeout') <> '0' THEN RAISE 'statement_timeout leaked'; END IF;\n\
               IF EXISTS (SELECT FROM pg_prepared_statements) THEN RAISE 'prepared statement leaked'; END IF;\n\
               IF to_regclass('pg_temp.scratch') IS NOT NULL THEN RAISE 'temp table leaked'; END IF;\n\
               IF EXISTS (SELECT FROM pg_listening_channels()) THEN RAISE 'LISTEN leaked'; END IF;\n\
               IF EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) THEN RAISE 'advisory lock leaked'; END IF;\n\
             END $$;",
        ),
    ]);
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(db.history(), [1, 2]);
    let owner: String = db
        .client()
        .query_one("SELECT tableowner::text FROM pg_tables WHERE tablename = 'owned'", &[])
        .unwrap()
        .get(0);
    assert_eq!(owner, OWNER_ROLE);
}

#[test]
fn errors_keep_the_servers_detail_and_hint_and_failures_are_logged_after_the_rollback() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[(
        "1_dupes.up.sql",
        "CREATE TABLE t (v int);\nINSERT INTO t VALUES (1), (1);\nCREATE UNIQUE INDEX t_v ON t (v);",
    )]);
    let run = strata(&db, &dir, &["up"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("detail: Key (v)=(1) is duplicated."), "{}", run.stderr);
    assert!(run.stderr.contains("failed at line 3, column 1"), "{}", run.stderr);
    let row = db
        .client()
        .query_one("SELECT message, sqlstate, statement, who FROM strata.log WHERE kind = 'failure'", &[])
        .unwrap();
    assert!(
        row.get::<_, String>(0).starts_with("could not create unique index"),
        "{}",
        row.get::<_, String>(0)
    );
    assert_eq!(row.get::<_, String>(1), "23505");
    assert_eq!(row.get::<_, Option<i32>>(2), Some(3));
    assert_eq!(row.get::<_, String>(3), "root");
    assert!(!db.table_exists("t"));

    // A server HINT (here from strata.hold) reaches the user too.
    let err = db
        .client()
        .batch_execute("SELECT strata.record(gen_random_uuid(), 1, 'x', sha256('x'))")
        .unwrap_err();
    assert!(strata::migrate::describe(&err).contains("server hint: Take the lease with strata.acquire()"));
}

#[test]
fn the_views_show_the_applied_set_and_every_event() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        ("2_idx.up.sql", "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);"),
        ("3_bad.up.sql", "SELECT 1/0;"),
    ]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 1);
    let applied = db
        .client()
        .query("SELECT version, name, transactional, applied_by = session_user, duration >= '0' FROM strata.applied ORDER BY version", &[])
        .unwrap();
    let applied: Vec<(i64, String, bool, bool, bool)> =
        applied.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect();
    assert_eq!(applied, [(1, "users".into(), true, true, true), (2, "idx".into(), false, true, true)]);
    let log: Vec<(String, Option<i64>, Option<String>)> = db
        .client()
        .query("SELECT kind, version, sqlstate FROM strata.log ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let expected: Vec<(String, Option<i64>, Option<String>)> = vec![
        ("lock".into(), None, None),
        ("success".into(), Some(1), None),
        ("attempt".into(), Some(2), None),
        ("progress".into(), Some(2), None),
        ("success".into(), Some(2), None),
        ("failure".into(), Some(3), Some("22012".into())),
        ("unlock".into(), None, None),
    ];
    assert_eq!(log, expected);
    let row = db
        .client()
        .query_one("SELECT application, host, pid IS NOT NULL FROM strata.log WHERE id = 1", &[])
        .unwrap();
    assert_eq!(row.get::<_, Option<String>>(0).as_deref(), Some("strata"));
    assert!(row.get::<_, Option<String>>(1).is_some() && row.get::<_, bool>(2));
}

#[test]
fn apps_check_the_schema_version_and_the_compiled_migrations() {
    let db = TestDb::new();
    let mut reader = db.client_as(READER);
    let behind = reader.batch_execute("SELECT strata.require_version(1)").unwrap_err();
    assert_eq!(behind.as_db_error().unwrap().code().code(), "ST001");

    let migrator = || strata::migrate!("migrations");
    let err = migrator().check(&mut reader).unwrap_err();
    assert!(matches!(&err, strata::MigrateError::SchemaMismatch(m) if m.len() == 2), "{err}");
    assert!(err.to_string().contains("1: not applied in the database"), "{err}");
    migrator().run(&mut db.client()).unwrap();
    migrator().check(&mut reader).unwrap();
    let v: i64 = reader.query_one("SELECT strata.require_version(2)", &[]).unwrap().get(0);
    assert_eq!(v, 2);

    // A newer database (the next release already migrated it) still runs this build...
    let dir = MigrationsDir::new(&[
        ("1_accounts.up.sql", include_str!("../migrations/1_accounts.up.sql")),
        ("2_notes.up.sql", include_str!("../migrations/2_notes.up.sql")),
        ("3_next.up.sql", "CREATE TABLE next_release (id int);"),
    ]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0, "the CLI and migrate! agree on checksums");
    migrator().check(&mut reader).unwrap();
    // ...unless strict.
    let err = migrator().strict().check(&mut reader).unwrap_err();
    assert!(err.to_string().contains("3: applied in the database but unknown to this app"), "{err}");
    let rows = reader
        .query("SELECT version, status FROM strata.compare(ARRAY[1, 2, 4], ARRAY[sha256('x'), sha256('y'), sha256('z')])", &[])
        .unwrap();
    let got: Vec<(i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        got,
        [(1, "different".into()), (2, "different".into()), (3, "extra".into()), (4, "missing".into())]
    );
}
