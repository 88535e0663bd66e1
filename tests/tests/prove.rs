//! `strata test` against a real server: the throwaway database it makes, downs that do not
//! restore the schema, and `--from` upgrades from a git ref.

use std::path::Path;
use std::process::Command;

use strata_e2e::{server_url, strata_bin, MigrationsDir, Run};

/// `strata test <args> --dir <dir>` against the test server (no extension needed: strata test
/// makes and drops its own database).
fn strata_test(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(strata_bin())
        .arg("test")
        .args(args)
        .arg("--dir")
        .arg(dir)
        .env("DATABASE_URL", server_url("postgres"))
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

/// The problem codes of each migration, in order.
fn codes(report: &serde_json::Value) -> Vec<(i64, Vec<String>)> {
    report["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let codes =
                m["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_string());
            (m["version"].as_i64().unwrap(), codes.collect())
        })
        .collect()
}

#[test]
fn exact_downs_pass_and_all_downs_run_back_to_empty() {
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", "CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, m mood);\nCOMMENT ON TABLE users IS 'people';"),
        ("1_users.down.sql", "DROP TABLE users;\nDROP TYPE mood;"),
        ("2_view.up.sql", "CREATE VIEW emails AS SELECT email FROM users;\nCREATE FUNCTION n() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM users';"),
        ("2_view.down.sql", "DROP FUNCTION n();\nDROP VIEW emails;"),
        ("3_grant.up.sql", "GRANT SELECT ON users TO PUBLIC;\nALTER TABLE users ADD COLUMN bio text DEFAULT '';"),
        ("3_grant.down.sql", "ALTER TABLE users DROP COLUMN bio;\nREVOKE SELECT ON users FROM PUBLIC;"),
        ("4_index.up.sql", "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);"),
        ("4_index.down.sql", "-- strata:no-transaction\nDROP INDEX CONCURRENTLY users_email;"),
    ]);
    let run = strata_test(&dir.0, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("downs newest first: all ran, back to the empty schema"), "{}", run.stdout);
    assert!(run.stdout.contains("4 migration(s) in") && run.stdout.contains(": 0 error(s), 0 warning(s)"));
    // The throwaway database is gone afterwards.
    let report = json(&strata_test(&dir.0, &["--json"]));
    assert_eq!(report["ok"], true, "{report:#}");
    let name = report["database"].as_str().unwrap();
    let left: i64 = postgres::Client::connect(&server_url("postgres"), postgres::NoTls)
        .unwrap()
        .query_one("SELECT count(*) FROM pg_database WHERE datname = $1", &[&name])
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "{name} was not dropped");
}

#[test]
fn broken_downs_are_reported_object_by_object_and_later_migrations_still_tested() {
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);"),
        ("1_users.down.sql", "DROP TABLE users;"),
        // The up made an index; the down drops a constraint that never existed.
        ("2_unique.up.sql", "CREATE UNIQUE INDEX users_email_key ON users (email);"),
        ("2_unique.down.sql", "\nALTER TABLE users DROP CONSTRAINT users_email_key;"),
        // The down forgets the index.
        ("3_bio.up.sql", "ALTER TABLE users ADD COLUMN bio text;\nCREATE INDEX users_bio ON users (bio);"),
        (
            "3_bio.down.sql",
            "ALTER TABLE users DROP COLUMN bio CASCADE;\nCREATE INDEX users_bio ON users (email);",
        ),
        ("4_name.up.sql", "ALTER TABLE users ADD COLUMN name varchar(10);"),
        ("4_name.down.sql", ""),
        ("5_age.up.sql", "ALTER TABLE users ADD COLUMN age int;"),
        ("5_age.down.sql", "ALTER TABLE users DROP COLUMN age;"),
    ]);
    let run = strata_test(&dir.0, &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains(
            "2_unique.down.sql:2:1: constraint \"users_email_key\" of relation \"users\" does not exist"
        ),
        "{out}"
    );
    assert!(out.contains("index public.users_bio: left behind by the down"), "{out}");
    assert!(out.contains("the down file is empty, so it does not restore the schema"), "{out}");
    assert!(out.contains("column public.users.name: left behind by the down"), "{out}");
    assert!(out.contains("downs newest first: stopped at 4 name: its down is broken"), "{out}");

    let report = json(&strata_test(&dir.0, &["--json"]));
    assert_eq!(
        codes(&report),
        [
            (1, vec![]),
            (2, vec!["down_failed".to_string()]),
            (3, vec!["down_not_exact".to_string()]),
            (4, vec!["down_not_exact".to_string()]),
            (5, vec![]),
        ],
        "{report:#}"
    );
    assert_eq!(report["ok"], false);
    let diff = &report["migrations"][2]["problems"][0]["differences"][0];
    assert_eq!(diff["kind"], "index");
    assert_eq!(diff["identity"], "public.users_bio");
}

#[test]
fn a_down_that_leaves_an_object_behind() {
    let dir = MigrationsDir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);\nCREATE SEQUENCE a_seq;"),
        ("1_a.down.sql", "DROP TABLE a;"),
    ]);
    let run = strata_test(&dir.0, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("sequence public.a_seq: left behind by the down"), "{}", run.stdout);
    assert!(!run.stdout.contains("table public.a"), "{}", run.stdout);
}

#[test]
fn missing_downs_warn_unless_required() {
    let dir = MigrationsDir::new(&[("1_a.up.sql", "CREATE TABLE a (id int);")]);
    let run = strata_test(&dir.0, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("warning: no down file"), "{}", run.stdout);
    let run = strata_test(&dir.0, &["--require-down"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("error: no down file"), "{}", run.stdout);
}

#[test]
fn an_up_that_is_not_repeatable_after_its_down() {
    let dir = MigrationsDir::new(&[
        ("1_settings.up.sql", "CREATE TABLE settings (key text PRIMARY KEY);"),
        ("1_settings.down.sql", "DROP TABLE settings;"),
        // The down restores the schema but leaves the row, so the up fails the second time.
        ("2_seed.up.sql", "INSERT INTO settings VALUES ('theme');"),
        ("2_seed.down.sql", "SELECT 1;"),
    ]);
    let report = json(&strata_test(&dir.0, &["--json"]));
    assert_eq!(codes(&report)[1].1, ["up_not_repeatable"], "{report:#}");
    let message = report["migrations"][1]["problems"][0]["message"].as_str().unwrap();
    assert!(message.contains("2_seed.up.sql:1:1: duplicate key value"), "{message}");
}

#[test]
fn a_failing_up_and_a_down_missing_a_semicolon_are_located() {
    let dir = MigrationsDir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b nosuchtype;"),
        ("1_a.down.sql", "DROP TABLE a;"),
    ]);
    let run = strata_test(&dir.0, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("1_a.up.sql:2:28: type \"nosuchtype\" does not exist"), "{}", run.stdout);

    let dir = MigrationsDir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);"),
        ("1_a.down.sql", "DROP TABLE a\nDROP TABLE b;"),
    ]);
    let run = strata_test(&dir.0, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("1_a.down.sql:2:1: error: syntax error at or near \"DROP\""),
        "{}",
        run.stderr
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A repository with `migrations/` committed and tagged `v1`.
fn repo_at_v1(files: &[(&str, &str)]) -> MigrationsDir {
    let repo = MigrationsDir::new(&[]);
    std::fs::create_dir_all(repo.0.join("db/migrations")).unwrap();
    for (name, sql) in files {
        std::fs::write(repo.0.join("db/migrations").join(name), sql).unwrap();
    }
    git(&repo.0, &["init", "-q"]);
    git(&repo.0, &["add", "."]);
    git(&repo.0, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "v1"]);
    git(&repo.0, &["tag", "v1"]);
    repo
}

#[test]
fn from_a_release_upgrades_equal_a_fresh_apply() {
    let repo = repo_at_v1(&[("1_users.up.sql", "CREATE TABLE users (id int PRIMARY KEY);")]);
    let migrations = repo.0.join("db/migrations");
    std::fs::write(migrations.join("2_email.up.sql"), "ALTER TABLE users ADD COLUMN email text;").unwrap();
    let run = strata_test(&migrations, &["--from", "v1"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("upgrade from v1: 1 migration(s) there, 1 on top: same schema as a fresh apply"),
        "{}",
        run.stdout
    );
}

#[test]
fn from_a_release_catches_a_migration_edited_after_it() {
    let repo = repo_at_v1(&[
        ("1_users.up.sql", "CREATE TABLE users (id int PRIMARY KEY);"),
        ("3_posts.up.sql", "CREATE TABLE posts (id int);"),
    ]);
    let migrations = repo.0.join("db/migrations");
    std::fs::write(migrations.join("1_users.up.sql"), "CREATE TABLE users (id bigint PRIMARY KEY);").unwrap();
    std::fs::write(migrations.join("2_late.up.sql"), "CREATE TABLE late (id int);").unwrap();
    let run = strata_test(&migrations, &["--from", "v1", "--json"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let report = json(&run);
    let upgrade = &report["upgrade"];
    let codes: Vec<&str> =
        upgrade["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["edited", "out_of_order", "upgrade_differs"], "{upgrade:#}");
    let diff = &upgrade["problems"][2]["differences"][0];
    assert_eq!(diff["identity"], "public.users.id", "{upgrade:#}");
    assert_eq!(diff["fields"][0]["before"], "bigint");
    assert_eq!(diff["fields"][0]["after"], "integer");

    let run = strata_test(&migrations, &["--from", "no-such-tag"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("no-such-tag is not a commit of this repository"), "{}", run.stdout);
}

/// Every kind of object the description covers, for the round trip below.
const RICH_SCHEMA: &str = "
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'happy');
CREATE DOMAIN app.posint AS int CHECK (VALUE > 0) DEFAULT 1;
CREATE TYPE app.pair AS (a int, b text);
CREATE TABLE app.users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, m app.mood,
  n app.posint, g int GENERATED ALWAYS AS (n * 2) STORED, i int GENERATED BY DEFAULT AS IDENTITY);
CREATE TABLE app.posts (id int PRIMARY KEY, user_id bigint REFERENCES app.users (id) ON DELETE CASCADE,
  body text CHECK (length(body) < 100) COLLATE \"C\");
CREATE INDEX posts_user ON app.posts (user_id) WHERE body IS NOT NULL;
CREATE INDEX users_trgm ON app.users USING gin (email gin_trgm_ops);
CREATE VIEW app.v AS SELECT id, email FROM app.users WHERE id > 1;
CREATE MATERIALIZED VIEW app.mv AS SELECT count(*) FROM app.posts;
CREATE FUNCTION app.f(a int) RETURNS int LANGUAGE sql IMMUTABLE AS 'select a + 1';
CREATE PROCEDURE app.pr() LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE FUNCTION app.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t BEFORE INSERT ON app.posts FOR EACH ROW EXECUTE FUNCTION app.trg();
ALTER TABLE app.posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON app.posts FOR SELECT TO PUBLIC USING (id > 0);
COMMENT ON TABLE app.users IS 'people';
COMMENT ON COLUMN app.users.email IS 'mail';
GRANT SELECT ON app.users TO PUBLIC;
GRANT USAGE ON SCHEMA app TO PUBLIC;
CREATE AGGREGATE app.mysum(int) (sfunc = int4pl, stype = int);
CREATE TABLE app.parted (a int) PARTITION BY RANGE (a);
CREATE TABLE app.parted_1 PARTITION OF app.parted FOR VALUES FROM (1) TO (10);
CREATE STATISTICS app.st ON id, email FROM app.users;
CREATE SEQUENCE app.counter START 10 INCREMENT 5;
";

#[test]
fn the_description_names_objects_not_oids_so_a_dump_and_restore_describes_the_same() {
    use strata::schema::{compare, describe, ScratchDb};
    let url = server_url("postgres");
    let a = ScratchDb::create(&url, "strata_e2e_describe").unwrap();
    let b = ScratchDb::create(&url, "strata_e2e_describe").unwrap();
    let mut client_a = a.connect().unwrap();
    client_a.batch_execute(RICH_SCHEMA).unwrap();
    // Unrelated objects first, so every OID in the restored copy differs.
    let mut client_b = b.connect().unwrap();
    client_b
        .batch_execute(
            "CREATE TABLE filler (id int); DROP TABLE filler; CREATE TYPE x AS ENUM ('y'); DROP TYPE x;",
        )
        .unwrap();
    let dump = Command::new("pg_dump").args(["--schema-only", "-d", &a.url()]).output().unwrap();
    assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
    let restore = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &b.url()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&dump.stdout)?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));

    let before = describe(&mut client_a, None).unwrap();
    let after = describe(&mut client_b, None).unwrap();
    let kinds: std::collections::BTreeSet<&str> = before.objects.keys().map(|k| k.kind.as_str()).collect();
    for kind in [
        "aggregate",
        "column",
        "constraint",
        "domain constraint",
        "extension",
        "function",
        "index",
        "materialized view",
        "policy",
        "procedure",
        "schema",
        "sequence",
        "statistics",
        "table",
        "trigger",
        "type",
        "view",
    ] {
        assert!(kinds.contains(kind), "no {kind} in {kinds:?}");
    }
    let differences: Vec<String> = compare(&before, &after).iter().map(ToString::to_string).collect();
    assert!(differences.is_empty(), "{differences:#?}");
    // pg_trgm's own functions and types are the extension's, not listed one by one.
    assert!(!before.objects.keys().any(|k| k.identity.contains("similarity")), "extension members listed");
}

#[test]
fn downs_outside_a_transaction_fail_safely_or_stop_the_run() {
    // Fails on its first statement: nothing ran, the next migration is still tested.
    let dir = MigrationsDir::new(&[
        ("1_t.up.sql", "CREATE TABLE t (a int);"),
        ("1_t.down.sql", "DROP TABLE t;"),
        ("2_i.up.sql", "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);"),
        ("2_i.down.sql", "-- strata:no-transaction\nDROP INDEX CONCURRENTLY t_wrong;"),
        ("3_b.up.sql", "ALTER TABLE t ADD COLUMN b int;"),
        ("3_b.down.sql", "ALTER TABLE t DROP COLUMN b;"),
    ]);
    let report = json(&strata_test(&dir.0, &["--json"]));
    assert_eq!(codes(&report)[1].1, ["down_failed"], "{report:#}");
    assert_eq!(codes(&report)[2].1, Vec::<String>::new(), "{report:#}");

    // Not exact and committed: the database is no longer at a known state, so the run stops.
    let dir = MigrationsDir::new(&[
        ("1_t.up.sql", "CREATE TABLE t (a int);"),
        ("1_t.down.sql", "DROP TABLE t;"),
        ("2_i.up.sql", "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nCREATE INDEX CONCURRENTLY t_a2 ON t (a);"),
        ("2_i.down.sql", "-- strata:no-transaction\nDROP INDEX CONCURRENTLY t_a;"),
        ("3_b.up.sql", "ALTER TABLE t ADD COLUMN b int;"),
    ]);
    let run = strata_test(&dir.0, &["--json"]);
    assert_eq!(run.code, 1);
    let report = json(&run);
    assert_eq!(
        codes(&report),
        [(1, vec![]), (2, vec!["down_not_exact".to_string(), "stopped".to_string()])],
        "{report:#}"
    );
}
