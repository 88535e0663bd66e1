//! `strata up --trace`: the pending migrations run in a throwaway database, their locks and
//! rewrites observed on the real server and compared with the lint's prediction.

use strata_e2e::{strata, MigrationsDir, TestDb};

const USERS: &str =
    "CREATE TABLE users (id int PRIMARY KEY, email text);\nINSERT INTO users VALUES (1, 'a');\n\
    CREATE TABLE posts (id int PRIMARY KEY, user_id int);";

#[test]
fn trace_observes_locks_and_rewrites_and_agrees_with_the_lint() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write(
        "2_changes.up.sql",
        "ALTER TABLE users ADD COLUMN created timestamptz DEFAULT clock_timestamp();\n\
         ALTER TABLE users ADD COLUMN n int DEFAULT 0;\n\
         CREATE INDEX users_email ON users (email);\n\
         ALTER TABLE users ALTER COLUMN id TYPE bigint;\n\
         ALTER TABLE posts ADD CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id);\n\
         ALTER TABLE users ALTER COLUMN email TYPE text;\n\
         CREATE TABLE fresh (id int);\nALTER TABLE fresh ADD COLUMN x int;",
    );
    let run = strata(&db, &dir, &["up", "--trace", "--json"]);
    assert_eq!(run.code, 3, "no mismatch, one migration pending: {}{}", run.stdout, run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stdout);
    assert_eq!(doc["mismatches"], 0, "{doc:#}");
    let s = &doc["traced"][0]["statements"];
    let locks = |i: usize| s[i]["observed"]["locks"].clone();
    let rewrites = |i: usize| s[i]["observed"]["rewrites"].clone();
    assert_eq!(locks(0), serde_json::json!([{"table": "users", "mode": "ACCESS EXCLUSIVE"}]));
    assert_eq!(rewrites(0), serde_json::json!(["users"]), "a volatile default rewrites");
    assert_eq!(rewrites(1), serde_json::json!([]), "a constant default does not");
    assert_eq!(locks(2), serde_json::json!([{"table": "users", "mode": "SHARE"}]));
    assert_eq!(rewrites(3), serde_json::json!(["users"]), "int → bigint rewrites");
    assert!(s[3]["rules"].as_array().unwrap().iter().any(|r| r == "type-change-rewrite"), "{:#}", s[3]);
    assert_eq!(locks(4).as_array().unwrap().len(), 2, "both tables of the foreign key: {:#}", s[4]);
    assert_eq!(rewrites(5), serde_json::json!([]), "text → text is free");
    assert_eq!(locks(7), serde_json::json!([]), "a table created in the same migration is new");
    // Nothing happened to the real database, and the throwaway one is gone.
    assert_eq!(db.history(), [1]);
    let columns: i64 = db
        .client()
        .query_one("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'", &[])
        .unwrap()
        .get(0);
    assert_eq!(columns, 2);
    let scratch: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&doc["database"].as_str().unwrap()],
        )
        .unwrap()
        .get(0);
    assert_eq!(scratch, 0);
    let text = strata(&db, &dir, &["up", "--trace"]);
    assert!(
        text.stdout.contains("took ACCESS EXCLUSIVE on users") && text.stdout.contains("rewrote users"),
        "{}",
        text.stdout
    );
}

#[test]
fn trace_reports_a_failing_statement_with_its_file_and_line() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write("2_bad.up.sql", "ALTER TABLE users ADD COLUMN c int;\nALTER TABLE nowhere ADD COLUMN c int;");
    let run = strata(&db, &dir, &["up", "--trace"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("2_bad.up.sql:2") && run.stderr.contains("nowhere"), "{}", run.stderr);
    assert_eq!(db.history(), [1]);
}

#[test]
fn trace_and_lint_agree_on_refresh_and_truncate() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        ("2_mv.up.sql", "CREATE MATERIALIZED VIEW mv AS SELECT id FROM users;"),
    ]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    dir.write(
        "3_more.up.sql",
        "REFRESH MATERIALIZED VIEW mv;\nTRUNCATE posts;\nLOCK TABLE users IN EXCLUSIVE MODE;",
    );
    let run = strata(&db, &dir, &["up", "--trace", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stdout);
    assert_eq!(doc["mismatches"], 0, "{doc:#}");
    let s = &doc["traced"][0]["statements"];
    assert_eq!(s[0]["observed"]["rewrites"], serde_json::json!(["mv"]));
    assert_eq!(s[1]["observed"]["rewrites"], serde_json::json!(["posts"]));
    assert_eq!(s[2]["observed"]["locks"], serde_json::json!([{"table": "users", "mode": "EXCLUSIVE"}]));
}
