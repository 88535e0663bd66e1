//! `-- strata:allow RULE reason` is recorded in the ledger when the migration is applied: in
//! `strata.applied.allowed` and on its success event in `strata.log`, sealed and chained like the
//! rest, readable by `strata_reader`; in a transaction or without one.

use strata_e2e::{strata_url, MigrationsDir, TestDb, DEPLOYER, READER};

const USERS: &str = "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);";

const BACKFILL: &str = "-- the whole table, on purpose\n\
     -- strata:allow unbounded-dml users has 40 rows, all test accounts\n\
     UPDATE users SET email = lower(email);\n\
     /* strata:allow index-not-concurrent created empty by migration 1 */\n\
     CREATE INDEX users_email ON users (email);\n";

const NO_TX: &str = "-- strata:no-transaction\n\
     -- strata:allow require-concurrent-index-creation it's concurrent; \"quoted\" \\ back\n\
     CREATE INDEX CONCURRENTLY users_id ON users (id);\n";

fn text_rows(client: &mut postgres::Client, sql: &str) -> Vec<(i64, Option<String>)> {
    client.query(sql, &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect()
}

#[test]
fn allow_comments_are_recorded_with_the_migration_and_readable_by_the_reader() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        ("2_backfill.up.sql", BACKFILL),
        ("3_index.up.sql", NO_TX),
    ]);
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut reader = db.client_as(READER);
    let applied =
        text_rows(&mut reader, "SELECT version, allowed::text FROM strata.applied ORDER BY version");
    let backfill = r#"[{"line": 2, "rule": "unbounded-dml", "reason": "users has 40 rows, all test accounts"}, {"line": 4, "rule": "index-not-concurrent", "reason": "created empty by migration 1"}]"#;
    let no_tx = r#"[{"line": 2, "rule": "require-concurrent-index-creation", "reason": "it's concurrent; \"quoted\" \\ back"}]"#;
    assert_eq!(
        applied,
        [(1, None), (2, Some(backfill.to_string())), (3, Some(no_tx.to_string()))],
        "no allow: NULL; each comment with its rule, reason and line"
    );
    // The success event carries them too (the history row of a version can be replaced after a
    // repair; the log keeps every run).
    let log = text_rows(
        &mut reader,
        "SELECT version, allowed::text FROM strata.log WHERE kind = 'success' ORDER BY id",
    );
    assert_eq!(log, applied);
    let allowed_elsewhere: i64 = reader
        .query_one("SELECT count(*) FROM strata.log WHERE kind <> 'success' AND allowed IS NOT NULL", &[])
        .unwrap()
        .get(0);
    assert_eq!(allowed_elsewhere, 0);

    // Sealed and chained: an edit of the reason behind the API's back is reported.
    let mut owner = db.client();
    let verify = |c: &mut postgres::Client| -> Vec<String> {
        c.query("SELECT problem FROM strata.verify()", &[]).unwrap().iter().map(|r| r.get(0)).collect()
    };
    assert!(verify(&mut owner).is_empty(), "{:?}", verify(&mut owner));
    owner
        .batch_execute(
            "SET strata.guard = off; ALTER TABLE strata.history DISABLE TRIGGER audit;\n\
             UPDATE strata.history SET allowed = jsonb_set(allowed, '{0,reason}', '\"nobody asked\"') WHERE version = 2;\n\
             ALTER TABLE strata.history ENABLE ALWAYS TRIGGER audit;",
        )
        .unwrap();
    assert_eq!(verify(&mut owner), ["history row changed outside the strata API (audit trigger bypassed)"]);
}

#[test]
fn record_refuses_a_malformed_allowed_argument() {
    let db = TestDb::new();
    let mut deployer = db.client_as(DEPLOYER);
    let token: String = deployer.query_one("SELECT strata.acquire('1 minute')::text", &[]).unwrap().get(0);
    for (allowed, expect) in [
        (r#"{"rule": "x"}"#, "must be a JSON array, not object"),
        (r#"[{"rule": "", "reason": "r", "line": 1}]"#, "has an entry that is not"),
        (r#"[{"rule": "x", "reason": "r", "line": 0}]"#, "has an entry that is not"),
        (r#"[{"rule": "x", "line": 3}]"#, "has an entry that is not"),
        (r#"[{"rule": "x", "reason": "r", "line": 3, "extra": 1}]"#, "has an entry that is not"),
    ] {
        let sql = format!(
            "SELECT strata.record('{token}', 7, 'x', sha256('x'), NULL, '{}'::jsonb)",
            allowed.replace('\'', "''")
        );
        let e = deployer.batch_execute(&sql).unwrap_err();
        let db_error = e.as_db_error().unwrap_or_else(|| panic!("{allowed}: {e}"));
        assert_eq!(db_error.code().code(), "22023", "{allowed}");
        assert!(db_error.message().contains(expect), "{allowed}: {}", db_error.message());
        assert!(db_error.hint().is_some_and(|h| h.contains("\"rule\"")), "{allowed}");
    }
    // The 0.2.0 callers without it, and an empty list, record no allows.
    deployer.batch_execute(&format!("SELECT strata.record('{token}', 8, 'x', sha256('x'))")).unwrap();
    deployer
        .batch_execute(&format!("SELECT strata.record('{token}', 9, 'y', sha256('y'), '1 second', '[]')"))
        .unwrap();
    let rows = text_rows(&mut deployer, "SELECT version, allowed::text FROM strata.applied ORDER BY version");
    assert_eq!(rows, [(8, None), (9, None)]);
}
