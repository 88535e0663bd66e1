//! Schema snapshots, drift and the DDL sentinel against the real extension: migrations applied by
//! a non-superuser deployer take snapshots; DDL run by hand (psql as a superuser or as the
//! deployer) is recorded, warned about or refused, and shows as drift.

use strata_e2e::{strata_url, MigrationsDir, TestDb, APP, DEPLOYER};

const SCHEMA: &str = "
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
                    mood mood DEFAULT 'happy', created timestamptz NOT NULL DEFAULT now());
CREATE VIEW active_users AS SELECT id, email FROM users WHERE mood = 'happy';
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM users $$;
COMMENT ON TABLE users IS 'people';";

/// A test database whose sentinel log starts empty (the template's own set-up GRANT is in it).
fn fresh_db() -> TestDb {
    let db = TestDb::new();
    db.client().batch_execute("DELETE FROM strata.ddl_events").unwrap();
    db
}

fn up(db: &TestDb, dir: &MigrationsDir) {
    let run = strata_url(&db.url_as(DEPLOYER), dir, &["up"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

fn drift_rows(client: &mut postgres::Client) -> Vec<String> {
    client
        .query("SELECT concat_ws(' ', kind, identity, change, field) FROM strata.drift()", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn ddl_events(client: &mut postgres::Client) -> Vec<String> {
    client
        .query(
            "SELECT concat_ws(' ', who, command_tag, object_identity, guard, outcome, override_reason) \
             FROM strata.ddl_events ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn out_of_band_ddl_in_warn_mode_is_recorded_and_shows_as_drift() {
    let db = fresh_db();
    let dir = MigrationsDir::new(&[("1_schema.up.sql", SCHEMA)]);
    up(&db, &dir);
    let clean = strata_url(&db.url_as(DEPLOYER), &dir, &["drift"]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    assert!(clean.stdout.contains("matches the latest snapshot (migration 1 schema"), "{}", clean.stdout);
    let mut root = db.client();
    assert!(ddl_events(&mut root).is_empty(), "the migration's own DDL is not out of band");

    // A psql hotfix session, as a superuser.
    root.batch_execute(&format!(
        "ALTER TABLE users ADD COLUMN nickname text;
         CREATE INDEX users_created ON users (created);
         DROP VIEW active_users;
         CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) + 1 FROM users $$;
         GRANT SELECT ON users TO {APP};"
    ))
    .unwrap();
    let events = ddl_events(&mut root);
    for expected in [
        "root ALTER TABLE public.users warn warned",
        "root CREATE INDEX public.users_created warn warned",
        "root DROP VIEW public.active_users warn warned",
        "root CREATE FUNCTION public.user_count() warn warned",
        "root GRANT",
    ] {
        assert!(events.iter().any(|e| e.starts_with(expected)), "{expected} not in {events:#?}");
    }
    let drift = drift_rows(&mut root);
    for expected in [
        "column public.users.nickname added",
        "index public.users_created added",
        "view public.active_users removed",
        "function public.user_count() changed definition",
        "table public.users changed grants",
    ] {
        assert!(drift.contains(&expected.to_string()), "{expected} not in {drift:#?}");
    }
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["drift"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("strata: drift: the live schema differs"), "{}", run.stdout);
    assert!(run.stdout.contains("index public.users_created: added"), "{}", run.stdout);
    assert!(run.stdout.contains("count(*) + 1"), "the function body change is shown: {}", run.stdout);
    let json = strata_url(&db.url_as(DEPLOYER), &dir, &["drift", "--json"]);
    assert_eq!(json.code, 3);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["drift"], true);
    assert!(report["live"].as_array().unwrap().iter().any(|r| r["identity"] == "public.users_created"));
    let status = strata_url(&db.url_as(DEPLOYER), &dir, &["status"]);
    assert!(status.stdout.contains("object(s) differ from the latest schema snapshot"), "{}", status.stdout);
    assert!(status.stdout.contains("DDL command(s) ran outside migrations"), "{}", status.stdout);

    // A DBA who agrees takes the live schema as the baseline: no drift left.
    root.batch_execute("SELECT strata.accept_drift('hotfix INC-42 kept')").unwrap();
    assert!(drift_rows(&mut root).is_empty());
}

#[test]
fn block_refuses_ddl_outside_migrations_but_migrations_and_a_recorded_override_pass() {
    let db = fresh_db();
    let dir = MigrationsDir::new(&[("1_schema.up.sql", SCHEMA)]);
    up(&db, &dir);
    let mut root = db.client();
    root.batch_execute(&format!("ALTER DATABASE {} SET strata.guard = 'block'", db.name)).unwrap();

    let mut deployer = db.client_as(DEPLOYER);
    for ddl in [
        "ALTER TABLE users ADD COLUMN nickname text",
        "CREATE INDEX users_created ON users (created)",
        "CREATE TABLE scratch (id int)",
    ] {
        let e = deployer.batch_execute(ddl).unwrap_err();
        let e = e.as_db_error().unwrap();
        assert_eq!(e.code().code(), "42501", "{ddl}: {e:?}");
        assert!(e.message().contains("outside a migration is refused"), "{}", e.message());
        assert!(e.hint().unwrap().contains("migration file and run strata up"), "{e:?}");
    }
    // A non-superuser cannot lower the guard the database sets.
    deployer.batch_execute("SET strata.guard = 'off'").unwrap();
    assert!(deployer.batch_execute("CREATE TABLE scratch (id int)").is_err());
    let e = root.batch_execute("DROP EXTENSION strata").unwrap_err();
    assert!(e.as_db_error().unwrap().message().contains("cannot be dropped"), "{e:?}");
    assert!(root.batch_execute("DROP SCHEMA strata CASCADE").is_err());

    // Migrations still run, transactional or not.
    dir.write("2_nickname.up.sql", "ALTER TABLE users ADD COLUMN nickname text;");
    dir.write(
        "3_created.up.sql",
        "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_created ON users (created);",
    );
    up(&db, &dir);
    assert!(db.table_exists("users_created"));
    assert!(drift_rows(&mut root).is_empty(), "{:#?}", drift_rows(&mut root));

    // The superuser's emergency override runs and is recorded with its reason.
    let mut hotfix = db.client();
    hotfix.batch_execute("SET strata.override = 'INC-7: disk full'; DROP INDEX users_created").unwrap();
    let events = ddl_events(&mut root);
    assert_eq!(events, ["root DROP INDEX public.users_created block override INC-7: disk full"]);
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["drift"]);
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(run.stdout.contains("index public.users_created: removed"), "{}", run.stdout);
    // A non-superuser's override is no override.
    let e =
        deployer.batch_execute("SET strata.override = 'me too'; CREATE TABLE scratch (id int)").unwrap_err();
    assert_eq!(e.as_db_error().unwrap().code().code(), "42501");
}

/// 50 migrations of mixed DDL, applied with nothing done outside them: no drift, every snapshot
/// readable, and the files match the snapshot where the analyzer models them.
#[test]
fn fifty_migrations_of_mixed_ddl_leave_no_drift() {
    let db = fresh_db();
    let mut files = vec![("1_schema.up.sql".to_string(), SCHEMA.to_string())];
    for i in 2..=50 {
        let sql = match i % 10 {
            2 => format!("CREATE TABLE t{i} (id int PRIMARY KEY, v varchar(20) NOT NULL, n numeric(10, 2));"),
            3 => format!("ALTER TABLE t{} ADD COLUMN extra{i} text DEFAULT 'x';", i - 1),
            4 => format!("CREATE INDEX t{}_v ON t{} (lower(v)) WHERE n > 0;", i - 2, i - 2),
            5 => format!("CREATE VIEW v{i} AS SELECT id, v FROM t{} ORDER BY v;", i - 3),
            6 => format!(
                "CREATE FUNCTION f{i}(a int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN a * {i}; END $$;"
            ),
            7 => format!(
                "CREATE DOMAIN d{i} AS int CHECK (VALUE > 0); CREATE SEQUENCE s{i} START 100 INCREMENT 5;"
            ),
            8 => format!("GRANT SELECT ON users TO {APP}; COMMENT ON COLUMN users.email IS 'e{i}';"),
            9 => format!(
                "CREATE FUNCTION trg{i}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n\
                 CREATE TRIGGER trg{i} BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION trg{i}();"
            ),
            0 => format!(
                "ALTER TABLE users ENABLE ROW LEVEL SECURITY; CREATE POLICY p{i} ON users USING (id > {i});"
            ),
            _ => format!(
                "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_i{i} ON users (email, id);"
            ),
        };
        files.push((format!("{i}_m{i}.up.sql"), sql));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
    let dir = MigrationsDir::new(&refs);
    up(&db, &dir);
    let mut root = db.client();
    assert!(drift_rows(&mut root).is_empty(), "{:#?}", drift_rows(&mut root));
    assert!(ddl_events(&mut root).is_empty(), "{:#?}", ddl_events(&mut root));
    let snapshots: i64 = root.query_one("SELECT count(*) FROM strata.snapshots", &[]).unwrap().get(0);
    assert_eq!(snapshots, 50);
    // schema_at: the table of migration 12 is not there after 11, and is after 12.
    let mut at = |v: i64| -> i64 {
        root.query_one("SELECT count(*) FROM strata.schema_at($1) WHERE identity = 'public.t12'", &[&v])
            .unwrap()
            .get(0)
    };
    let counts = (at(11), at(12), at(50));
    assert_eq!(counts, (0, 1, 1));
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["drift"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // The latest snapshot is what a fresh replay of the same files describes.
    let fresh = TestDb::new();
    up(&fresh, &dir);
    let fingerprint = |db: &TestDb| -> Vec<u8> {
        db.client()
            .query_one("SELECT fingerprint FROM strata.snapshots ORDER BY seq DESC LIMIT 1", &[])
            .unwrap()
            .get(0)
    };
    assert_eq!(fingerprint(&db), fingerprint(&fresh));
}

#[test]
fn files_that_disagree_with_the_snapshot_are_drift_too() {
    let db = fresh_db();
    let dir = MigrationsDir::new(&[("1_schema.up.sql", SCHEMA)]);
    up(&db, &dir);
    // Someone edits the applied migration instead of adding one (the checksum check in strata
    // status also says so); strata drift shows what the files would produce differently.
    let edited =
        MigrationsDir::new(&[("1_schema.up.sql", &SCHEMA.replace("email text NOT NULL", "email text"))]);
    let run = strata_url(&db.url_as(DEPLOYER), &edited, &["drift"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("the snapshot differs from what the migration files produce"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("column public.users.email: not null: false → true"), "{}", run.stdout);
}

#[test]
fn no_drift_after_pg_dump_and_restore() {
    let db = fresh_db();
    let dir = MigrationsDir::new(&[
        ("1_schema.up.sql", SCHEMA),
        ("2_more.up.sql", "CREATE INDEX users_mood ON users (mood); ALTER TABLE users ADD COLUMN bio text;"),
    ]);
    up(&db, &dir);
    let copy = db.restored_copy();
    let mut restored = copy.client();
    assert!(drift_rows(&mut restored).is_empty(), "{:#?}", drift_rows(&mut restored));
    let snapshots: i64 = restored.query_one("SELECT count(*) FROM strata.snapshots", &[]).unwrap().get(0);
    assert_eq!(snapshots, 2);
}
