//! `strata explain`: query plans on seeded data in a throwaway database.

use std::path::Path;
use std::process::Command;

use strata_e2e::{server_url, strata_bin, MigrationsDir, Run};

const SCHEMA: &str = "CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, m mood NOT NULL,
                    created timestamptz NOT NULL DEFAULT now(), bio text);
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id),
                    title varchar(50) NOT NULL, body jsonb);
CREATE INDEX posts_user ON posts (user_id);";

const QUERIES: &str = "-- name: user by email
-- strata:expect-index users_email_key
SELECT id FROM users WHERE email = $1;

-- name: posts of a user
-- strata:expect-index posts_user
SELECT p.title FROM posts p WHERE p.user_id = $1;
";

fn explain(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(strata_bin())
        .arg("explain")
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

#[test]
fn a_query_that_loses_its_index_after_a_migration_is_flagged() {
    let dir = MigrationsDir::new(&[("1_schema.up.sql", SCHEMA)]);
    let queries = MigrationsDir::new(&[("queries.sql", QUERIES)]);
    let q = queries.0.join("queries.sql");
    let q = q.to_str().unwrap();
    let rows = ["--rows", "users=5000", "--rows", "posts=20000"];
    let run = explain(&dir.0, &[&["--queries", q][..], &rows].concat());
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok       posts of a user"), "{}", run.stdout);
    assert!(run.stdout.contains("using posts_user"), "{}", run.stdout);

    dir.write("2_drop_index.up.sql", "DROP INDEX posts_user;");
    let run = explain(&dir.0, &[&["--queries", q, "--json"][..], &rows].concat());
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let posts = &report["queries"][1];
    assert_eq!(posts["name"], "posts of a user");
    let flags: Vec<&str> = posts["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(flags.iter().any(|f| f.starts_with("sequential scan on posts (20000 rows")), "{flags:?}");
    assert!(flags.contains(&"does not use index posts_user (-- strata:expect-index)"), "{flags:?}");
    assert_eq!(report["queries"][0]["flags"], serde_json::json!([]), "{report:#}");
}

#[test]
fn seed_files_and_cost_budgets() {
    let dir = MigrationsDir::new(&[("1_schema.up.sql", "CREATE TABLE t (id int PRIMARY KEY, v text);")]);
    let files = MigrationsDir::new(&[
        ("seed.sql", "INSERT INTO t SELECT g, 'x' || g FROM generate_series(1, 3000) g;"),
        ("queries.sql", "-- name: all\n-- strata:max-cost 5\nSELECT * FROM t;\n-- name: one\nSELECT v FROM t WHERE id = $1;"),
    ]);
    let seed = files.0.join("seed.sql");
    let queries = files.0.join("queries.sql");
    let run = explain(&dir.0, &["--queries", queries.to_str().unwrap(), "--seed", seed.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("flagged  all"), "{}", run.stdout);
    assert!(run.stdout.contains("is above the budget 5"), "{}", run.stdout);
    assert!(run.stdout.contains("sequential scan on t (3000 rows, above 1000)"), "{}", run.stdout);
    assert!(run.stdout.contains("ok       one"), "{}", run.stdout);

    let run = explain(&dir.0, &["--queries", queries.to_str().unwrap(), "--rows", "nope=10"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("--rows nope=…: there is no table nope"), "{}", run.stderr);
}

#[test]
fn without_a_queries_file_the_crates_checked_queries_are_explained() {
    let dir = MigrationsDir::new(&[("1_schema.up.sql", SCHEMA)]);
    let krate = MigrationsDir::new(&[]);
    std::fs::create_dir_all(krate.0.join("src")).unwrap();
    std::fs::write(krate.0.join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
    std::fs::write(
        krate.0.join("src/main.rs"),
        "fn main() {\n    let q = strata::query!(\"SELECT title FROM posts WHERE title = $1\", t);\n    \
         let r = query!(r#\"SELECT \"id\" FROM users WHERE id = $1\"#, 1);\n}\n",
    )
    .unwrap();
    let run = explain(&dir.0, &["--crate", krate.0.to_str().unwrap(), "--rows", "posts=5000"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("flagged  src/main.rs:2"), "{}", run.stdout);
    assert!(run.stdout.contains("sequential scan on posts (5000 rows"), "{}", run.stdout);
    assert!(run.stdout.contains("ok       src/main.rs:3"), "{}", run.stdout);
}
