//! The lease lock against the real server: through a real PgBouncer in transaction pooling mode,
//! with concurrent runners, a killed runner, a long migration and a broken lease.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use strata_e2e::{strata_bin, strata_url, Bouncer, MigrationsDir, TestDb, DEPLOYER};

fn log_kinds(db: &TestDb) -> Vec<String> {
    db.client()
        .query("SELECT kind FROM strata.log ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn four_runners_through_pgbouncer_in_transaction_mode_apply_each_migration_once() {
    let db = TestDb::new();
    let bouncer = Bouncer::start(2);
    let mut files: Vec<(String, String)> = (1..=12)
        .map(|v| {
            (
                format!("{v:03}_t{v}.up.sql"),
                // A migration that changes session state: behind the pooler it would leak into
                // other clients' transactions unless the runner cleans up.
                format!("SET search_path = nowhere, public;\nCREATE TABLE public.t{v} (id int);\nPREPARE p{v} AS SELECT 1;"),
            )
        })
        .collect();
    files.push((
        "013_index.up.sql".into(),
        "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY t1_id ON t1 (id);\nCREATE INDEX CONCURRENTLY t2_id ON t2 (id);"
            .into(),
    ));
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let dir = MigrationsDir::new(&refs);
    let url = bouncer.url(&db.name, DEPLOYER);
    let runs: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..4).map(|_| s.spawn(|| strata_url(&url, &dir, &["up", "--lease-wait", "120"]))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in &runs {
        assert_eq!(
            run.code,
            0,
            "stdout: {}\nstderr: {}\npgbouncer: {}",
            run.stdout,
            run.stderr,
            bouncer.log()
        );
    }
    let applied: usize =
        runs.iter().map(|r| r.stdout.lines().filter(|l| l.starts_with("applied ")).count()).sum();
    assert_eq!(applied, 13, "every migration applied by exactly one runner");
    assert_eq!(db.history(), (1..=13).collect::<Vec<i64>>());
    let kinds = log_kinds(&db);
    assert_eq!(kinds.iter().filter(|k| *k == "lock").count(), 4, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "success").count(), 13, "{kinds:?}");
    let who: Vec<String> = db
        .client()
        .query("SELECT DISTINCT applied_by FROM strata.applied", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(who, [DEPLOYER]);

    // Nothing leaked into the pool: every server connection has the default search_path and no
    // prepared statements.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for _ in 0..6 {
        let messages = client
            .simple_query("SELECT current_setting('search_path') || ' ' || (SELECT count(*) FROM pg_prepared_statements)")
            .unwrap();
        let row = messages.iter().find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        });
        assert_eq!(row.as_deref(), Some("\"$user\", public 0"));
    }
}

/// Starts `strata up` in the background; the caller kills it.
fn spawn_up(url: &str, dir: &MigrationsDir, args: &[&str]) -> std::process::Child {
    Command::new(strata_bin())
        .arg("up")
        .args(args)
        .arg("--dir")
        .arg(&dir.0)
        .env("DATABASE_URL", url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_killed_runners_lease_expires_and_its_orphaned_batch_is_never_recorded() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_slow.up.sql", "SELECT pg_sleep(3);\nCREATE TABLE slow (id int);")]);
    let mut killed = spawn_up(&db.url_as(DEPLOYER), &dir, &["--lease-ttl", "1"]);
    wait_for("the first runner to take the lease", || {
        db.client().query_one("SELECT count(*) FROM strata.lease", &[]).unwrap().get::<_, i64>(0) == 1
    });
    killed.kill().unwrap(); // SIGKILL: no release, no heartbeat; its server batch keeps running
    killed.wait().unwrap();
    let started = Instant::now();
    let second = strata_url(&db.url_as(DEPLOYER), &dir, &["up", "--lease-ttl", "1", "--lease-wait", "30"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(started.elapsed() < Duration::from_secs(15), "the dead runner's lease expired within its ttl");
    assert_eq!(db.history(), [1], "recorded once");
    let kinds = log_kinds(&db);
    assert_eq!(kinds, ["lock", "lock_expired", "lock", "success", "unlock"], "the orphan recorded nothing");
    assert!(db.table_exists("slow"));
}

#[test]
fn a_write_after_the_lease_expired_or_was_taken_over_is_refused() {
    let db = TestDb::new();
    let mut old = db.client_as(DEPLOYER);
    let token: String = old.query_one("SELECT strata.acquire('1 second')::text", &[]).unwrap().get(0);
    std::thread::sleep(Duration::from_millis(1200));
    let late =
        old.batch_execute(&format!("SELECT strata.record('{token}', 1, 'x', sha256('x'))")).unwrap_err();
    let late = late.as_db_error().unwrap();
    assert_eq!(late.code().code(), "55P03");
    assert!(late.message().contains("the migration lease expired"), "{}", late.message());
    let mut new = db.client_as(DEPLOYER);
    let taken: Option<String> = new.query_one("SELECT strata.acquire('1 minute')::text", &[]).unwrap().get(0);
    assert!(taken.is_some());
    let err = old.batch_execute(&format!("SELECT strata.renew('{token}')")).unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("does not hold the migration lease"));
    assert!(db.history().is_empty());
}

#[test]
fn a_live_runner_keeps_its_lease_through_a_migration_longer_than_the_ttl() {
    let db = TestDb::new();
    let dir =
        MigrationsDir::new(&[("1_long.up.sql", "SELECT pg_sleep(2.5);\nCREATE TABLE long_one (id int);")]);
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up", "--lease-ttl", "1"]);
    assert_eq!(run.code, 0, "the heartbeat renewed the lease: {}", run.stderr);
    assert_eq!(db.history(), [1]);
}

#[test]
fn lock_break_frees_the_lease_is_recorded_and_stops_the_old_holder() {
    let db = TestDb::new();
    let mut holder = db.client_as(DEPLOYER);
    let token: String =
        holder.query_one("SELECT strata.acquire('1 hour', 777, 'vm-gone', 'ci')::text", &[]).unwrap().get(0);
    let dir = MigrationsDir::new(&[("1_users.up.sql", "CREATE TABLE users (id int);")]);
    let blocked = strata_url(&db.url_as(DEPLOYER), &dir, &["up", "--lease-wait", "0"]);
    assert_eq!(blocked.code, 1);
    assert!(blocked.stderr.contains("pid 777 on vm-gone"), "{}", blocked.stderr);
    assert!(blocked.stderr.contains("strata lock break"), "{}", blocked.stderr);

    let broke = strata_url(&db.url_as(DEPLOYER), &dir, &["lock", "break", "--why", "the CI vm died"]);
    assert_eq!(broke.code, 0, "{}", broke.stderr);
    assert!(
        broke.stdout.contains("broke the lease of strata_e2e_deployer (pid 777 on vm-gone"),
        "{}",
        broke.stdout
    );
    let row =
        db.client().query_one("SELECT who, message FROM strata.log WHERE kind = 'lock_break'", &[]).unwrap();
    assert_eq!(row.get::<_, String>(0), DEPLOYER);
    assert!(row.get::<_, String>(1).ends_with(": the CI vm died"), "{}", row.get::<_, String>(1));
    let err =
        holder.batch_execute(&format!("SELECT strata.record('{token}', 1, 'x', sha256('x'))")).unwrap_err();
    assert_eq!(err.as_db_error().unwrap().code().code(), "55P03");
    assert_eq!(strata_url(&db.url_as(DEPLOYER), &dir, &["up"]).code, 0);
    assert_eq!(db.history(), [1]);

    let nothing = strata_url(&db.url_as(DEPLOYER), &dir, &["lock", "break", "--why", "again"]);
    assert!(nothing.stdout.contains("the lease was free"), "{}", nothing.stdout);
}

#[test]
fn the_old_advisory_lock_keys_no_longer_block_anyone() {
    let db = TestDb::new();
    let mut squatter = db.client();
    squatter.batch_execute("SELECT pg_advisory_lock(1398034497, 1413563725)").unwrap();
    let dir = MigrationsDir::new(&[("1_users.up.sql", "CREATE TABLE users (id int);")]);
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up", "--lease-wait", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
