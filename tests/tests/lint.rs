//! `strata lint`, `validate`, `new`, `check`, `up --dry-run` and `status --json` against the
//! real server.

use std::path::Path;
use std::process::Command;

use strata_e2e::{strata, strata_bin, MigrationsDir, Run, TestDb};

const USERS: &str =
    "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text, org_id bigint);";

/// `strata <args> --dir <dir>` with no database (no DATABASE_URL, nothing from a .env).
fn offline(dir: &Path, args: &[&str]) -> Run {
    run_in(dir, args, &[])
}

fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(strata_bin());
    cmd.args(args).arg("--dir").arg(dir).env_remove("DATABASE_URL").current_dir(std::env::temp_dir());
    for key in ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGPASSFILE"] {
        cmd.env_remove(key);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn lint_judges_pending_migrations_by_the_live_table_size() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    db.client()
        .batch_execute(
            "INSERT INTO users (email) SELECT 'u' || g FROM generate_series(1, 50) g; ANALYZE users",
        )
        .unwrap();
    dir.write("2_index.up.sql", "CREATE INDEX users_email ON users (email);\n");

    let small = strata(&db, &dir, &["lint"]);
    assert_eq!(small.code, 0, "a 50-row table is a warning: {}{}", small.stdout, small.stderr);
    assert!(small.stdout.contains("warning[index-not-concurrent]"), "{}", small.stdout);
    assert!(small.stdout.contains("(live: 50 rows"), "{}", small.stdout);
    assert!(small.stdout.contains("linted 1 migration(s)"), "only the pending one: {}", small.stdout);

    db.client()
        .batch_execute(
            "INSERT INTO users (email) SELECT 'v' || g FROM generate_series(1, 20000) g; ANALYZE users",
        )
        .unwrap();
    let large = strata(&db, &dir, &["lint"]);
    assert_eq!(large.code, 1, "{}", large.stdout);
    assert!(large.stdout.contains("error[index-not-concurrent]"), "{}", large.stdout);
    assert!(large.stdout.contains("20,050 rows"), "{}", large.stdout);
    assert_eq!(db.history(), [1], "lint applies nothing");
}

#[test]
fn lint_output_formats_and_allow_comments() {
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        (
            "2_alter.up.sql",
            "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n",
        ),
    ]);
    let text = offline(&dir.0, &["lint"]);
    assert_eq!(text.code, 1, "{}{}", text.stdout, text.stderr);
    assert!(text.stdout.contains("error[add-column-rewrite]"), "{}", text.stdout);
    assert!(text.stdout.contains("2_alter.up.sql:2:1"), "{}", text.stdout);
    assert!(
        text.stdout.contains("2 | ALTER TABLE users ADD COLUMN token"),
        "a source snippet: {}",
        text.stdout
    );
    assert!(text.stdout.contains("= help: add the column without a default"), "{}", text.stdout);

    let github = offline(&dir.0, &["lint", "--format", "github"]);
    assert!(github.stdout.starts_with("::error file="), "{}", github.stdout);
    assert!(
        github.stdout.contains("2_alter.up.sql,line=2,col=1,title=strata add-column-rewrite::"),
        "{}",
        github.stdout
    );

    let json = offline(&dir.0, &["lint", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect(&json.stdout);
    assert_eq!(doc["errors"], 1);
    assert_eq!(doc["findings"][0]["code"], "add-column-rewrite");
    assert_eq!(doc["findings"][0]["line"], 2);

    dir.write(
        "2_alter.up.sql",
        "SET lock_timeout = '2s';\n-- strata:allow add-column-rewrite users is tiny and read-only at night\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n",
    );
    let allowed = offline(&dir.0, &["lint"]);
    assert_eq!(allowed.code, 0, "{}", allowed.stdout);
    dir.write(
        "2_alter.up.sql",
        "SET lock_timeout = '2s';\n-- strata:allow add-column-rewrite\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n",
    );
    let no_reason = offline(&dir.0, &["lint"]);
    assert_eq!(no_reason.code, 1);
    assert!(no_reason.stdout.contains("needs a reason"), "{}", no_reason.stdout);
}

#[test]
fn lint_files_and_since_a_git_ref_treat_tables_of_those_migrations_as_new() {
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    let git = |args: &[&str]| {
        let ok = Command::new("git").args(args).current_dir(&dir.0).output().unwrap();
        assert!(ok.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&ok.stderr));
    };
    git(&["init", "-q"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "add", "."]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one"]);
    dir.write("2_posts.up.sql", "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);\n");
    dir.write(
        "3_posts_index.up.sql",
        "CREATE INDEX posts_user ON posts (user_id);\nCREATE INDEX users_org ON users (org_id);\n",
    );
    let since = offline(&dir.0, &["lint", "--since", "HEAD"]);
    assert!(since.stdout.contains("linted 2 migration(s)"), "{}", since.stdout);
    assert!(
        !since.stdout.contains("3_posts_index.up.sql:1:1"),
        "posts is created by an unapplied migration: {}",
        since.stdout
    );
    assert!(since.stdout.contains("3_posts_index.up.sql:2:1"), "users exists: {}", since.stdout);

    let file = dir.0.join("3_posts_index.up.sql");
    let one = offline(&dir.0, &["lint", file.to_str().unwrap()]);
    assert!(one.stdout.contains("linted 1 migration(s)"), "{}", one.stdout);
    assert!(
        one.stdout.contains("3_posts_index.up.sql:1:1"),
        "posts came from an applied migration: {}",
        one.stdout
    );
    let missing = offline(&dir.0, &["lint", "/nonexistent/9_x.up.sql"]);
    assert_eq!(missing.code, 1);
}

#[test]
fn lint_reads_the_crates_checked_queries() {
    let root = MigrationsDir::new(&[("Cargo.toml", "[package]\nname = \"app\"\n")]);
    std::fs::create_dir_all(root.0.join("src")).unwrap();
    std::fs::create_dir_all(root.0.join("migrations")).unwrap();
    root.write(
        "src/main.rs",
        "fn main() {\n    let u = strata::query!(\"SELECT id, email FROM users WHERE id = $1\", 1);\n}\n",
    );
    root.write("migrations/1_users.up.sql", USERS);
    root.write(
        "migrations/2_drop.up.sql",
        "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n",
    );
    let run = offline(&root.0.join("migrations"), &["lint"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("error[breaks-checked-query]"), "{}", run.stdout);
    assert!(run.stdout.contains("src/main.rs:2 still uses"), "{}", run.stdout);
    assert!(run.stdout.contains("1 checked query"), "{}", run.stdout);

    root.write("queries.sql", "SELECT id FROM users;\n");
    let q = root.0.join("queries.sql");
    let with_file = offline(&root.0.join("migrations"), &["lint", "--queries", q.to_str().unwrap()]);
    assert_eq!(with_file.code, 0, "the file's queries do not use email: {}", with_file.stdout);
}

#[test]
fn validate_reports_every_problem_with_its_place() {
    let dir = MigrationsDir::new(&[
        ("1_a.up.sql", "SELECT 1;"),
        ("1_b.down.sql", "SELECT 1;"),
        ("2_x.UP.SQL", "SELECT 1;"),
        ("3_y.up.sql", "CREATE TABLE t (a int);\n\\i other.sql\n"),
        ("4_z.up.sql", "CREATE TABLE u (a int);\nSELEC 1;\n"),
        ("5_w.up.txt", "SELECT 1;"),
        ("6_v.up.sql", "-- strata:no-transactions\nSELECT 1;"),
    ]);
    let run = offline(&dir.0, &["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for expected in [
        "the down file of version 1 is named \"b\" but its up file \"a\"",
        "\"2_x.UP.SQL\" is not read: the extension must be lower-case .sql",
        "psql meta-command \\i is not SQL",
        "3_y.up.sql:2:1",
        "4_z.up.sql:2:1",
        "\"5_w.up.txt\" looks like a migration",
        "unknown directive \"strata:no-transactions\"",
    ] {
        assert!(run.stdout.contains(expected), "missing {expected:?} in:\n{}", run.stdout);
    }
    let json = offline(&dir.0, &["validate", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect(&json.stdout);
    assert!(doc["errors"].as_u64().unwrap() >= 6, "{doc}");

    let good = MigrationsDir::new(&[("1_a.up.sql", "SELECT 1;"), ("1_a.down.sql", "SELECT 1;")]);
    assert_eq!(offline(&good.0, &["validate"]).code, 0);
}

#[test]
fn validate_and_check_with_a_database_see_edited_migrations() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    assert_eq!(strata(&db, &dir, &["validate"]).code, 0);
    dir.write("1_users.up.sql", "CREATE TABLE users (id int);");
    let run = strata(&db, &dir, &["validate"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("plan-checksum-mismatch"), "{}", run.stdout);
    let check = strata(&db, &dir, &["check", "--format", "github"]);
    assert_eq!(check.code, 1);
    assert!(check.stdout.contains("::error file="), "{}", check.stdout);
    assert!(check.stdout.contains("strata: check: validated 1 migration(s)"), "{}", check.stdout);
}

#[test]
fn check_with_a_database_fails_on_drift() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    let clean = strata(&db, &dir, &["check"]);
    assert!(clean.stdout.contains("; no drift"), "{}{}", clean.stdout, clean.stderr);
    // A hotfix straight on the server, outside any migration.
    db.client().batch_execute("ALTER TABLE users ADD COLUMN hotfix int").unwrap();
    let run = strata(&db, &dir, &["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("::error") && run.stdout.contains("drift"), "{}", run.stdout);
    assert!(run.stdout.contains("hotfix"), "{}", run.stdout);
    let json = strata(&db, &dir, &["check", "--format", "json"]);
    assert!(json.stdout.contains("\"drift\""), "{}", json.stdout);
}

#[test]
fn check_is_one_gate_over_validate_and_lint() {
    let dir = MigrationsDir::new(&[
        ("1_users.up.sql", USERS),
        ("2_idx.up.sql", "CREATE INDEX i ON users (email);"),
    ]);
    let bad = offline(&dir.0, &["check"]);
    assert_eq!(bad.code, 1, "{}", bad.stdout);
    assert!(bad.stdout.contains("index-not-concurrent"), "{}", bad.stdout);
    dir.write("2_idx.up.sql", "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON users (email);");
    let good = offline(&dir.0, &["check"]);
    assert_eq!(good.code, 0, "{}", good.stdout);
    assert!(good.stdout.contains("0 error(s), 0 warning(s)"), "{}", good.stdout);
}

#[test]
fn new_writes_a_timestamped_pair_after_the_latest_version() {
    let dir = MigrationsDir::new(&[]);
    let first = offline(&dir.0, &["new", "create_users"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = offline(&dir.0, &["new", "--no-transaction", "index_users"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let mut names: Vec<String> =
        std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    let versions: Vec<i64> = names.iter().map(|n| n.split('_').next().unwrap().parse().unwrap()).collect();
    assert_eq!(versions[0].to_string().len(), 14, "{names:?}");
    assert!(versions[2] > versions[0], "{names:?}");
    let up = std::fs::read_to_string(dir.0.join(&names[3])).unwrap();
    assert!(
        names[3].ends_with("_index_users.up.sql") && up.starts_with("-- strata:no-transaction"),
        "{names:?}"
    );
    assert_eq!(offline(&dir.0, &["validate"]).code, 0);
    let bad = offline(&dir.0, &["new", "bad name"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("cannot be a migration name"), "{}", bad.stderr);
}

#[test]
fn dry_run_names_every_lock_and_applies_nothing() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    db.client().batch_execute("INSERT INTO users (email) VALUES ('a'), ('b'); ANALYZE users").unwrap();
    dir.write(
        "2_changes.up.sql",
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\nCREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX posts_user ON posts (user_id);\n",
    );
    let run = strata(&db, &dir, &["up", "--dry-run", "--json"]);
    assert_eq!(run.code, 3, "pending: {}{}", run.stdout, run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stdout);
    let statements = &doc["pending"][0]["statements"];
    assert_eq!(statements[0]["locks"][0]["mode"], "ACCESS EXCLUSIVE");
    assert_eq!(statements[0]["locks"][0]["table"], "users");
    assert_eq!(statements[0]["locks"][0]["rows"], 2);
    assert!(statements[0]["rewrites"][0]["why"].as_str().unwrap().contains("gen_random_uuid"));
    assert_eq!(statements[1]["locks"][0]["mode"], "SHARE ROW EXCLUSIVE");
    assert_eq!(statements[2]["locks"][0]["mode"], "SHARE");
    assert!(statements[2]["locks"][0]["rows"].is_null(), "posts does not exist yet");
    assert_eq!(statements[0]["timeouts"]["lock_timeout"], "2000ms", "ACCESS EXCLUSIVE");
    assert_eq!(statements[2]["timeouts"]["lock_timeout"], "5000ms", "SHARE blocks writes");
    assert!(statements[0]["timeouts"]["statement_timeout"].as_str().unwrap().ends_with("(the session's)"));
    assert_eq!(statements[0]["timeouts"]["retries_on_lock_timeout"], 5);
    let flags = strata(
        &db,
        &dir,
        &["up", "--dry-run", "--json", "--lock-timeout", "1s", "--statement-timeout", "1min"],
    );
    let doc: serde_json::Value = serde_json::from_str(&flags.stdout).expect(&flags.stdout);
    let timeouts = &doc["pending"][0]["statements"][2]["timeouts"];
    assert_eq!(
        (timeouts["lock_timeout"].as_str(), timeouts["statement_timeout"].as_str()),
        (Some("1000ms"), Some("60000ms"))
    );
    let text = strata(&db, &dir, &["up", "--dry-run"]);
    assert!(text.stdout.contains("timeouts: lock_timeout 2000ms, statement_timeout "), "{}", text.stdout);
    assert!(text.stdout.contains("lock: ACCESS EXCLUSIVE on users, live: ~2 rows"), "{}", text.stdout);
    assert_eq!(db.history(), [1], "nothing applied");
    assert!(!db.table_exists("posts"));
}

#[test]
fn connection_errors_keep_the_servers_reason() {
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    let db = TestDb::new();
    let missing_db = db.url().replace(&db.name, "strata_no_such_database");
    let run = run_in(&dir.0, &["status", "--database-url", &missing_db], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("database \"strata_no_such_database\" does not exist")
            && run.stderr.contains("3D000"),
        "{}",
        run.stderr
    );
    let refused = run_in(&dir.0, &["status", "--database-url", "host=127.0.0.1 port=1 user=x dbname=y"], &[]);
    assert!(refused.stderr.to_lowercase().contains("connection refused"), "{}", refused.stderr);

    let role = format!("strata_pw_{}", std::process::id());
    let mut admin = db.client();
    // Without the extension, status is read-only and needs no grants.
    admin
        .batch_execute("SET strata.guard = off; DROP EXTENSION strata; DROP SCHEMA IF EXISTS strata")
        .unwrap();
    admin
        .batch_execute(&format!("DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN PASSWORD 'right'"))
        .unwrap();
    let wrong = format!("postgres://{role}:wrong@127.0.0.1:5432/{}", db.name);
    let run = run_in(&dir.0, &["status", "--database-url", &wrong], &[]);
    assert!(run.stderr.contains("password authentication failed"), "{}", run.stderr);

    // libpq's environment and password file, with no connection string at all.
    let pgpass = dir.0.join("pgpass");
    std::fs::write(&pgpass, format!("127.0.0.1:*:{}:{role}:right\n", db.name)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let pgpass = pgpass.to_str().unwrap().to_string();
    let env = [
        ("PGHOST", "127.0.0.1"),
        ("PGUSER", role.as_str()),
        ("PGDATABASE", db.name.as_str()),
        ("PGPASSFILE", pgpass.as_str()),
    ];
    let run = run_in(&dir.0, &["status", "--database-url", ""], &env);
    assert_eq!(run.code, 3, "pending: {}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("0 applied, 1 pending"), "{}", run.stdout);

    // TLS as libpq reads sslmode: require encrypts without checking the (self-signed) server
    // certificate, verify-full checks it and refuses.
    let tls = format!("postgres://{role}:right@127.0.0.1:5432/{}?sslmode=require", db.name);
    let run = run_in(&dir.0, &["status", "--database-url", &tls], &[]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    // (The CLI has disconnected by now; verify-full's refusal below proves the TLS handshake.)
    let strict = tls.replace("sslmode=require", "sslmode=verify-full");
    let run = run_in(&dir.0, &["status", "--database-url", &strict], &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("certificate"), "{}", run.stderr);
    let run = run_in(
        &dir.0,
        &["status", "--database-url", &tls.replace("sslmode=require", "sslmode=disable")],
        &[("PGSSLMODE", "verify-full")],
    );
    assert_eq!(run.code, 3, "the string's sslmode wins over PGSSLMODE: {}", run.stderr);
    drop(admin);
    drop(db);
    let _ = postgres::Client::connect(&strata_e2e::server_url("postgres"), postgres::NoTls)
        .and_then(|mut c| c.batch_execute(&format!("DROP ROLE IF EXISTS {role}")));
}

#[test]
fn status_json_and_exit_codes_tell_up_to_date_pending_and_problem_apart() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[("1_users.up.sql", USERS)]);
    let pending = strata(&db, &dir, &["status", "--json"]);
    assert_eq!(pending.code, 3, "{}", pending.stderr);
    let doc: serde_json::Value = serde_json::from_str(&pending.stdout).expect(&pending.stdout);
    assert_eq!(doc["state"], "pending");
    assert_eq!(doc["migrations"][0]["status"], "pending");
    assert_eq!(strata(&db, &dir, &["up"]).code, 0);
    let current = strata(&db, &dir, &["status", "--json"]);
    assert_eq!(current.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&current.stdout).unwrap();
    assert_eq!((doc["state"].as_str(), doc["applied"].as_u64()), (Some("up_to_date"), Some(1)));
    assert!(doc["migrations"][0]["applied_at"].is_string());
    dir.write("1_users.up.sql", "CREATE TABLE users (id int);");
    let problem = strata(&db, &dir, &["status", "--json"]);
    assert_eq!(problem.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&problem.stdout).unwrap();
    assert_eq!(doc["state"], "problem");
    assert_eq!(doc["migrations"][0]["status"], "checksum_mismatch");
    assert!(doc["migrations"][0]["problem"].as_str().unwrap().contains("restore it"));
}
