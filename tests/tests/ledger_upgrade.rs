//! Upgrades from the released 0.1.0 extension, and `strata init` for servers where
//! `CREATE EXTENSION strata` is impossible.

use strata_e2e::{strata, strata_url, MigrationsDir, TestDb, DB_OWNER, DEPLOYER};

const USERS: &str = "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);";
const INDEX: &str = "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);";

fn hex(sql: &str) -> String {
    strata_analyzer::migration::hex(&strata_analyzer::migration::checksum(sql))
}

fn history_rows(client: &mut postgres::Client) -> Vec<String> {
    client
        .query(
            "SELECT concat_ws('|', version, name, encode(checksum, 'hex'), state, applied_at, applied_by, duration, transactional) \
             FROM strata.history ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn alter_extension_update_from_0_1_0_keeps_every_row_and_the_new_api_works() {
    let db = TestDb::new();
    let mut root = db.client();
    root.batch_execute("SET strata.guard = off; DROP EXTENSION strata; DROP SCHEMA strata; CREATE EXTENSION strata VERSION '0.1.0'")
        .expect("pg_ext/released/strata--0.1.0.sql is installed next to the extension (scripts/setup)");
    // History as the 0.1.0 migrator wrote it, and 0.1.0's documented direct grant.
    root.batch_execute(&format!(
        "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
         SELECT strata.try_lock();
         BEGIN; SELECT strata.record(1, 'users', decode('{}', 'hex'), true); COMMIT;
         SELECT strata.start(2, 'index', decode('{}', 'hex'));",
        hex(USERS),
        hex(INDEX)
    ))
    .unwrap();
    root.batch_execute("CREATE INDEX CONCURRENTLY users_email ON users (email)").unwrap();
    root.batch_execute(&format!(
        "SELECT strata.finish(2, true, '1 second');
         SELECT strata.unlock();
         GRANT USAGE ON SCHEMA strata TO {DEPLOYER};
         GRANT SELECT, INSERT, UPDATE ON strata.history TO {DEPLOYER};"
    ))
    .unwrap();
    let before = history_rows(&mut root);
    assert_eq!(before.len(), 2);

    root.batch_execute("ALTER EXTENSION strata UPDATE").unwrap();
    let version: String =
        root.query_one("SELECT extversion FROM pg_extension WHERE extname = 'strata'", &[]).unwrap().get(0);
    assert_eq!(version, "0.2.0");
    assert_eq!(history_rows(&mut root), before, "every row intact");
    let problems: i64 = root.query_one("SELECT count(*) FROM strata.verify()", &[]).unwrap().get(0);
    assert_eq!(problems, 0, "the 0.1.0 rows are sealed and imported");
    let imported: i64 =
        root.query_one("SELECT count(*) FROM strata.log WHERE kind = 'import'", &[]).unwrap().get(0);
    assert_eq!(imported, 2);
    // The old direct grant is gone: only the API writes now.
    let err = db
        .client_as(DEPLOYER)
        .batch_execute("INSERT INTO strata.history (version, name, checksum, state, duration) VALUES (9, 'x', sha256('x'), 'applied', '1s')")
        .unwrap_err();
    assert_eq!(err.as_db_error().unwrap().code().code(), "42501");

    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        ("2_index.up.sql", INDEX),
        ("3_posts.up.sql", "CREATE TABLE posts (id int);"),
    ]);
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("applied 3 posts") && !run.stdout.contains("applied 1 users"),
        "{}",
        run.stdout
    );
    assert_eq!(db.history(), [1, 2, 3]);
}

#[test]
fn the_upgrade_script_is_the_install_files_verbatim_in_install_order() {
    let sql = concat!(env!("CARGO_MANIFEST_DIR"), "/../pg_ext/sql");
    let upgrade = std::fs::read_to_string(format!("{sql}/strata--0.1.0--0.2.0.sql")).unwrap();
    let mut from = 0;
    for file in [
        "ledger",
        "roles",
        "chain",
        "lease",
        "record",
        "plan",
        "verify",
        "backfill",
        "describe_open",
        "../../migrator/src/schema/describe",
        "describe_close",
        "snapshots",
        "drift",
        "sentinel",
        "privileges",
    ] {
        let text = std::fs::read_to_string(format!("{sql}/{file}.sql")).unwrap();
        let at = upgrade[from..].find(&text).unwrap_or_else(|| {
            panic!("sql/{file}.sql changed but strata--0.1.0--0.2.0.sql was not regenerated (see pg_ext/README.md)")
        });
        from += at + text.len();
    }
}

#[test]
fn strata_init_installs_the_ledger_as_a_non_superuser_database_owner() {
    let db = TestDb::blank(DB_OWNER);
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS), ("2_index.up.sql", INDEX)]);
    let init = strata_url(&db.url_as(DB_OWNER), &dir, &["init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert!(init.stdout.contains("installed the strata objects 0.2.0"), "{}", init.stdout);
    let again = strata_url(&db.url_as(DB_OWNER), &dir, &["init"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);

    let mut owner = db.client_as(DB_OWNER);
    let superuser: bool =
        owner.query_one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", &[]).unwrap().get(0);
    assert!(!superuser);
    let extensions: i64 =
        owner.query_one("SELECT count(*) FROM pg_extension WHERE extname = 'strata'", &[]).unwrap().get(0);
    assert_eq!(extensions, 0, "plain objects, no extension");
    owner.batch_execute(&format!("GRANT CREATE ON SCHEMA public TO {DEPLOYER}")).unwrap();

    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(strata_url(&db.url_as(DEPLOYER), &dir, &["status"]).code, 0);
    let applied: i64 = owner.query_one("SELECT count(*) FROM strata.applied", &[]).unwrap().get(0);
    assert_eq!(applied, 2);
    let problems: i64 = owner.query_one("SELECT count(*) FROM strata.verify()", &[]).unwrap().get(0);
    assert_eq!(problems, 0);
    // The same privileges as the extension: the deployer cannot write the tables.
    let err = db.client_as(DEPLOYER).batch_execute("DELETE FROM strata.history").unwrap_err();
    assert_eq!(err.as_db_error().unwrap().code().code(), "42501");
    // An existing strata install is not overwritten by the extension either.
    let status = strata(&db, &dir, &["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
}
