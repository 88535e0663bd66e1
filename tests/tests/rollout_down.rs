//! `strata down` against the real server, as the non-superuser migrator: newest first, each down
//! in its own transaction with its ledger event; refusals and failures that lose nothing.

use strata_e2e::{strata_url, MigrationsDir, Run, TestDb, DEPLOYER};

fn three_with_downs() -> MigrationsDir {
    MigrationsDir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);"),
        ("1_a.down.sql", "DROP TABLE a;"),
        ("2_b.up.sql", "CREATE TABLE b (id int);\nINSERT INTO b VALUES (1);"),
        ("2_b.down.sql", "DROP TABLE b;"),
        ("3_c.up.sql", "ALTER TABLE b ADD COLUMN c text;"),
        ("3_c.down.sql", "ALTER TABLE b DROP COLUMN c;"),
    ])
}

fn run(db: &TestDb, dir: &MigrationsDir, args: &[&str]) -> Run {
    strata_url(&db.url_as(DEPLOYER), dir, args)
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
}

fn log(db: &TestDb) -> Vec<(String, Option<i64>)> {
    db.client()
        .query("SELECT kind, version FROM strata.log WHERE kind NOT IN ('lock', 'unlock') ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn column_exists(db: &TestDb, table: &str, column: &str) -> bool {
    db.client()
        .query_one(
            "SELECT count(*) = 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
            &[&table, &column],
        )
        .unwrap()
        .get(0)
}

#[test]
fn down_reverts_newest_first_each_with_its_ledger_event() {
    let db = TestDb::new();
    let dir = three_with_downs();
    ok(&run(&db, &dir, &["up"]));
    let one = run(&db, &dir, &["down"]);
    ok(&one);
    assert!(one.stdout.contains("reverted 3 c"), "{}", one.stdout);
    assert_eq!(db.history(), [1, 2]);
    assert!(!column_exists(&db, "b", "c") && db.table_exists("b"));
    let status = run(&db, &dir, &["status"]);
    assert_eq!(status.code, 3, "3 is pending again, the ledger intact: {}{}", status.stdout, status.stderr);

    let rest = run(&db, &dir, &["down", "--to", "0"]);
    ok(&rest);
    assert!(
        rest.stdout.find("reverted 2 b").unwrap() < rest.stdout.find("reverted 1 a").unwrap(),
        "{}",
        rest.stdout
    );
    assert!(db.history().is_empty());
    assert!(!db.table_exists("a") && !db.table_exists("b"));
    let reverts: Vec<Option<i64>> =
        log(&db).into_iter().filter(|(k, _)| k == "revert").map(|(_, v)| v).collect();
    assert_eq!(reverts, [Some(3), Some(2), Some(1)]);

    // The same history applies again, and the ledger verifies (no "deleted outside the API").
    ok(&run(&db, &dir, &["up"]));
    assert_eq!(db.history(), [1, 2, 3]);
    ok(&run(&db, &dir, &["status"]));
    let nothing = run(&db, &dir, &["down", "--to", "3"]);
    ok(&nothing);
    assert!(nothing.stdout.contains("nothing to revert"), "{}", nothing.stdout);
}

#[test]
fn down_refuses_before_anything_when_a_down_file_is_missing() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);"),
        ("2_b.up.sql", "CREATE TABLE b (id int);"),
        ("2_b.down.sql", "DROP TABLE b;"),
    ]);
    ok(&run(&db, &dir, &["up"]));
    let r = run(&db, &dir, &["down", "--steps", "2"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("no down file") && r.stderr.contains("1: a"), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was reverted"), "{}", r.stderr);
    assert_eq!(db.history(), [1, 2], "not even 2, whose down exists");
    assert!(db.table_exists("b"));
}

#[test]
fn a_failing_down_is_rolled_back_whole_and_keeps_its_history_row() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);"),
        ("1_a.down.sql", "DROP TABLE a;"),
        ("2_b.up.sql", "CREATE TABLE b (id int);"),
        ("2_b.down.sql", "DROP TABLE b;\nDROP TABLE no_such_table;"),
    ]);
    ok(&run(&db, &dir, &["up"]));
    let r = run(&db, &dir, &["down", "--to", "0"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("2_b.down.sql") && r.stderr.contains("line 2"), "{}", r.stderr);
    assert!(r.stderr.contains("no_such_table"), "{}", r.stderr);
    assert!(r.stderr.contains("this run reverted nothing before it"), "{}", r.stderr);
    assert_eq!(db.history(), [1, 2]);
    assert!(db.table_exists("b"), "the down's first statement was rolled back with it");
    assert!(log(&db).contains(&("failure".to_string(), Some(2))));
    ok(&run(&db, &dir, &["status"]));
}

#[test]
fn a_broken_migration_3_of_5_leaves_1_and_2_applied_and_nothing_of_3() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);"),
        ("2_b.up.sql", "CREATE TABLE b (id int);"),
        (
            "3_c.up.sql",
            "CREATE TABLE c (id int);\nINSERT INTO c VALUES (1);\nINSERT INTO missing VALUES (1);",
        ),
        ("4_d.up.sql", "CREATE TABLE d (id int);"),
        ("5_e.up.sql", "CREATE TABLE e (id int);"),
    ]);
    let r = run(&db, &dir, &["up"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("3_c.up.sql") && r.stderr.contains("line 3, column 13"), "{}", r.stderr);
    assert!(r.stderr.contains("this run applied before it: 1 a, 2 b"), "{}", r.stderr);
    assert!(r.stdout.contains("applied 1 a") && r.stdout.contains("applied 2 b"), "{}", r.stdout);
    assert_eq!(db.history(), [1, 2]);
    assert!(!db.table_exists("c") && !db.table_exists("d"));
}

#[test]
fn a_syntax_error_in_migration_3_applies_nothing_and_names_file_line_and_column() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);"),
        ("2_b.up.sql", "CREATE TABLE b (id int);"),
    ]);
    ok(&run(&db, &dir, &["up"]));
    dir.write("3_c.up.sql", "CREATE TABLE c (id int);\nSELEC 1;");
    dir.write("4_d.up.sql", "CREATE TABLE d (id int);");
    let r = run(&db, &dir, &["up"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("3_c.up.sql:2:1"), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was applied"), "{}", r.stderr);
    assert_eq!(db.history(), [1, 2]);
    assert!(!db.table_exists("c") && !db.table_exists("d"));
}

#[test]
fn a_down_that_writes_the_ledger_itself_is_refused_and_rolled_back() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);"),
        // Only the owner or a superuser could: the audit trigger sees it in the down's transaction.
        ("1_a.down.sql", "DROP TABLE a;\nUPDATE strata.history SET name = 'gone' WHERE version = 1;"),
    ]);
    ok(&run(&db, &dir, &["up"]));
    let r = strata_e2e::strata(&db, &dir, &["down"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("strata.revert: the down of migration 1 changed strata.history directly (UPDATE)"),
        "{}",
        r.stderr
    );
    assert_eq!(db.history(), [1]);
    assert!(db.table_exists("a"), "the down was rolled back with its ledger write");
}
