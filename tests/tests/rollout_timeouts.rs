//! Per-statement lock timeouts and retries against the real server: a session holding a lock, a
//! long query the migration would queue behind, and the settings each statement runs with.

use std::time::Duration;

use strata_e2e::{strata_url, MigrationsDir, Run, TestDb, DEPLOYER};

fn run(db: &TestDb, dir: &MigrationsDir, args: &[&str]) -> Run {
    strata_url(&db.url_as(DEPLOYER), dir, args)
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
}

fn kinds(db: &TestDb) -> Vec<String> {
    db.client()
        .query("SELECT kind FROM strata.log WHERE kind NOT IN ('lock', 'unlock') ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A table `t` applied by a first run; then `2_alter` asks for ACCESS EXCLUSIVE on it.
fn table_then_alter(db: &TestDb) -> MigrationsDir {
    let dir = MigrationsDir::new(&[("1_t.up.sql", "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);")]);
    ok(&run(db, &dir, &["up"]));
    dir.write("2_alter.up.sql", "ALTER TABLE t ADD COLUMN c int;");
    dir
}

/// Another session holding ACCESS SHARE on `t` in an open transaction; its pid.
fn hold_lock(db: &TestDb) -> (postgres::Client, i32) {
    let mut holder = db.client();
    let pid = holder.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
    holder.batch_execute("SET application_name = 'blocker-app'; BEGIN; SELECT count(*) FROM t;").unwrap();
    (holder, pid)
}

/// Ends the holder's transaction once the runner has logged its first retry.
fn release_after_first_retry(db: &TestDb, mut holder: postgres::Client) -> std::thread::JoinHandle<()> {
    let url = db.url();
    std::thread::spawn(move || {
        let mut watch = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        for _ in 0..600 {
            let retries: i64 =
                watch.query_one("SELECT count(*) FROM strata.log WHERE kind = 'retry'", &[]).unwrap().get(0);
            if retries > 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        holder.batch_execute("COMMIT").unwrap();
    })
}

#[test]
fn a_held_lock_is_retried_then_fails_cleanly_naming_the_blocker() {
    let db = TestDb::new();
    let dir = table_then_alter(&db);
    let (_holder, pid) = hold_lock(&db);
    let r = run(&db, &dir, &["up", "--lock-timeout", "200ms", "--retries", "2", "--retry-delay", "50ms"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("2_alter.up.sql"), "{}", r.stderr);
    assert!(r.stderr.contains("gave up waiting for a lock, 3 time(s)"), "{}", r.stderr);
    assert!(r.stderr.contains("lock timeout"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("blocked by pid {pid} (user ")), "{}", r.stderr);
    assert!(
        r.stderr.contains("application blocker-app") && r.stderr.contains("idle in transaction"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("AccessShareLock on public.t: SET application_name = 'blocker-app'; BEGIN; SELECT count(*) FROM t;"), "{}", r.stderr);
    assert!(r.stderr.contains("retry 1 of 2") && r.stderr.contains("retry 2 of 2"), "{}", r.stderr);
    assert_eq!(db.history(), [1], "nothing of 2 applied");
    let k = kinds(&db);
    assert_eq!(k.iter().filter(|k| *k == "retry").count(), 2, "{k:?}");
    assert_eq!(k.last().map(String::as_str), Some("failure"), "{k:?}");
    let messages: Vec<String> = db
        .client()
        .query("SELECT message FROM strata.log WHERE kind IN ('retry', 'failure') ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(messages.iter().all(|m| m.contains(&format!("blocked by pid {pid}"))), "{messages:?}");
}

#[test]
fn a_retry_succeeds_once_the_blocker_is_gone() {
    let db = TestDb::new();
    let dir = table_then_alter(&db);
    let (holder, _) = hold_lock(&db);
    let release = release_after_first_retry(&db, holder);
    let r = run(&db, &dir, &["up", "--lock-timeout", "200ms", "--retries", "10", "--retry-delay", "100ms"]);
    release.join().unwrap();
    ok(&r);
    assert!(r.stderr.contains("retry 1 of 10"), "{}", r.stderr);
    assert_eq!(db.history(), [1, 2]);
    let k = kinds(&db);
    assert!(k.contains(&"retry".to_string()) && k.last().map(String::as_str) == Some("success"), "{k:?}");
}

#[test]
fn a_migration_behind_a_long_query_gives_up_instead_of_stalling_readers() {
    let db = TestDb::new();
    let dir = table_then_alter(&db);
    let url = db.url();
    let long = std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute("SET application_name = 'long-report'").unwrap();
        // Cancelled below; an error here is expected.
        let _ = c.batch_execute("SELECT pg_sleep(60) FROM t");
    });
    let mut watch = db.client();
    let long_pid: i32 = loop {
        let rows = watch
            .query("SELECT pid FROM pg_stat_activity WHERE application_name = 'long-report' AND state = 'active'", &[])
            .unwrap();
        if let Some(r) = rows.first() {
            break r.get(0);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The default lock_timeout of an ACCESS EXCLUSIVE statement: no --lock-timeout given.
    let url = db.url();
    let reader = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.query_one("SELECT count(*) FROM t", &[]).unwrap().get::<_, i64>(0)
    });
    let r = run(&db, &dir, &["up", "--retries", "0"]);
    assert_eq!(reader.join().unwrap(), 1, "the reader queued behind the migration got through");
    let still_running: bool = watch
        .query_one("SELECT state = 'active' FROM pg_stat_activity WHERE pid = $1", &[&long_pid])
        .unwrap()
        .get(0);
    assert!(still_running, "the reader did not have to wait for the long query: the migration gave up");
    watch.execute("SELECT pg_cancel_backend($1)", &[&long_pid]).unwrap();
    long.join().unwrap();
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("gave up waiting for a lock, 1 time(s)"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("blocked by pid {long_pid}")) && r.stderr.contains("pg_sleep(60)"),
        "{}",
        r.stderr
    );
    assert_eq!(db.history(), [1]);
}

#[test]
fn each_statement_runs_with_the_timeouts_of_its_lock_and_of_its_file() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        // The stable default is evaluated once, under the ALTER: its lock_timeout is stored.
        ("1_t.up.sql", "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);"),
        (
            "2_alter.up.sql",
            "ALTER TABLE t ADD COLUMN lt text DEFAULT current_setting('lock_timeout');\n\
             CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lt, current_setting('statement_timeout') AS st;",
        ),
        (
            "3_own.up.sql",
            "-- strata:lock-timeout 7s\n-- strata:statement-timeout 10min\n\
             INSERT INTO seen SELECT current_setting('lock_timeout'), current_setting('statement_timeout');",
        ),
        (
            "4_set.up.sql",
            "SET lock_timeout = '1min';\nALTER TABLE t ADD COLUMN lt2 text DEFAULT current_setting('lock_timeout');",
        ),
    ]);
    ok(&run(&db, &dir, &["up", "--statement-timeout", "30s"]));
    let mut c = db.client();
    let row = c.query_one("SELECT lt, lt2 FROM t", &[]).unwrap();
    assert_eq!(row.get::<_, String>(0), "2s", "ACCESS EXCLUSIVE");
    assert_eq!(row.get::<_, String>(1), "1min", "the migration's own SET wins");
    let seen: Vec<(String, String)> =
        c.query("SELECT lt, st FROM seen", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(seen, [("10s".into(), "30s".into()), ("7s".into(), "10min".into())]);
    // Nothing leaked into the ledger write or the session after it.
    ok(&run(&db, &dir, &["status"]));
}

#[test]
fn json_logs_and_metrics_report_each_migration_and_each_retry() {
    let db = TestDb::new();
    let dir = table_then_alter(&db);
    dir.write("3_more.up.sql", "CREATE TABLE more (id int);");
    let (holder, pid) = hold_lock(&db);
    let release = release_after_first_retry(&db, holder);
    let metrics = dir.0.join("metrics.prom");
    let metrics_arg = metrics.display().to_string();
    let r = run(
        &db,
        &dir,
        &[
            "up",
            "--log-format",
            "json",
            "--metrics-file",
            &metrics_arg,
            "--lock-timeout",
            "150ms",
            "--retry-delay",
            "100ms",
        ],
    );
    release.join().unwrap();
    ok(&r);
    let events: Vec<serde_json::Value> =
        r.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"starting"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"summary"), "{kinds:?}");
    let retry = events.iter().find(|e| e["event"] == "retry").expect("a retry event");
    assert_eq!(retry["version"], 2);
    assert_eq!(retry["blockers"][0]["pid"], pid);
    let applied: Vec<&serde_json::Value> = events.iter().filter(|e| e["event"] == "applied").collect();
    assert_eq!(applied.iter().map(|e| e["version"].as_i64().unwrap()).collect::<Vec<_>>(), [2, 3]);
    assert!(
        applied[0]["retries"].as_u64().unwrap() >= 1 && applied[0]["lock_wait_ms"].as_f64().unwrap() >= 150.0
    );
    assert!(events.iter().all(|e| e["ts"].as_str().is_some_and(|t| t.ends_with('Z'))));
    let statements: Vec<&serde_json::Value> = events.iter().filter(|e| e["event"] == "statement").collect();
    assert_eq!(statements.len(), 2, "one per statement of 2 and 3: {statements:?}");
    assert_eq!((statements[0]["version"].as_i64(), statements[0]["line"].as_i64()), (Some(2), Some(1)));
    assert_eq!(statements[0]["rows"], 0, "ALTER TABLE reports no rows");
    let text = std::fs::read_to_string(&metrics).unwrap();
    assert!(text.contains("strata_migrations_applied_total{direction=\"up\"} 2"), "{text}");
    assert!(text.contains("strata_run_success 1"), "{text}");
    assert!(
        text.contains("strata_migration_duration_seconds{version=\"2\",name=\"alter\",direction=\"up\"}"),
        "{text}"
    );
    let retries: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("strata_lock_retries_total "))
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(retries >= 1.0, "{text}");
}

#[test]
fn a_failed_run_still_writes_its_metrics() {
    let db = TestDb::new();
    let dir = table_then_alter(&db);
    let (_holder, _) = hold_lock(&db);
    let metrics = dir.0.join("metrics.prom");
    let metrics_arg = metrics.display().to_string();
    let r =
        run(&db, &dir, &["up", "--metrics-file", &metrics_arg, "--lock-timeout", "100ms", "--retries", "0"]);
    assert_eq!(r.code, 1);
    let text = std::fs::read_to_string(&metrics).unwrap();
    assert!(text.contains("strata_migrations_failed_total{direction=\"up\"} 1"), "{text}");
    assert!(text.contains("strata_run_success 0"), "{text}");
}

#[test]
fn a_no_transaction_migration_retries_the_statement_that_gave_up() {
    let db = TestDb::new();
    let dir = table_then_alter(&db);
    std::fs::remove_file(dir.0.join("2_alter.up.sql")).unwrap();
    dir.write(
        "2_alter.up.sql",
        "-- strata:no-transaction\nCREATE TABLE before_it (id int);\nALTER TABLE t ADD COLUMN c int;",
    );
    let (holder, _) = hold_lock(&db);
    let release = release_after_first_retry(&db, holder);
    let r = run(&db, &dir, &["up", "--lock-timeout", "150ms", "--retries", "10", "--retry-delay", "100ms"]);
    release.join().unwrap();
    ok(&r);
    assert!(r.stderr.contains("retry 1 of 10"), "{}", r.stderr);
    assert_eq!(db.history(), [1, 2]);
    assert!(db.table_exists("before_it"), "the statement before it ran once and stayed");
}

#[test]
fn json_statement_events_carry_the_rows_of_each_statement() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_t.up.sql", "CREATE TABLE t (id int);\nINSERT INTO t SELECT generate_series(1, 5);\nUPDATE t SET id = id + 1 WHERE id > 3;"),
        ("2_nt.up.sql", "-- strata:no-transaction\nINSERT INTO t VALUES (9), (10);\nCREATE INDEX CONCURRENTLY t_id ON t (id);"),
    ]);
    let r = run(&db, &dir, &["up", "--log-format", "json"]);
    ok(&r);
    let rows: Vec<(i64, i64, serde_json::Value, bool)> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["event"] == "statement")
        .map(|e| {
            (
                e["version"].as_i64().unwrap(),
                e["statement"].as_i64().unwrap(),
                e["rows"].clone(),
                e["duration_ms"].is_number(),
            )
        })
        .collect();
    use serde_json::json;
    assert_eq!(
        rows,
        [
            (1, 1, json!(0), false),
            (1, 2, json!(5), false),
            (1, 3, json!(2), false),
            (2, 1, json!(2), true),
            (2, 2, json!(0), true)
        ]
    );
}
