//! Benchmark: the build cost of N checked queries (`strata::query!`, async, over 24 tables)
//! against the same N functions written by hand on plain `tokio-postgres` (SQL string, params, a
//! struct filled with `row.try_get`), in the same run:
//! - full crate build with `CARGO_INCREMENTAL=0` (time and peak memory), with the schema in one
//!   migration file and in 200 files (the ratio must not grow with the number of files);
//! - edit-and-rebuild with incremental compilation on;
//! - edit-and-`cargo check`;
//! - the checked crates use the README's opt-level profile for the macro; one more crate shows
//!   the 1-file build without it.
//!
//! The crates are generated under `target/bench-build` and share one target dir, so dependencies
//! build once; each timed step edits `src/main.rs` (a comment) and builds that crate alone.
//! Usage: `bench-build [N] [ROUNDS]` (defaults 500 and 3).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const TABLES: usize = 24;

/// README's "debug builds check queries faster" profile (as sqlx's docs advise for sqlx-macros),
/// used by the checked crates but `checked-1-O0`, which shows the cost without it.
const MACRO_PROFILE: &str = "\n[profile.dev.package.strata-query-macros]\nopt-level = 3\n\
    [profile.dev.package.strata-analyzer]\nopt-level = 3\n[profile.dev.package.pg_query]\nopt-level = 3\n\
    [profile.dev.package.prost]\nopt-level = 3\n";

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let root = workspace.join("target/bench-build");
    let target = root.join("target");
    let crates = [
        ("plain tokio-postgres", write_crate(&root, "plain", &workspace, &plain_source(n), None, "")),
        (
            "query!, 1 migration file",
            write_crate(&root, "checked-1", &workspace, &checked_source(n), Some(1), MACRO_PROFILE),
        ),
        (
            "query!, 200 migration files",
            write_crate(&root, "checked-200", &workspace, &checked_source(n), Some(200), MACRO_PROFILE),
        ),
        (
            "query!, 1 file, no opt profile",
            write_crate(&root, "checked-1-O0", &workspace, &checked_source(n), Some(1), ""),
        ),
    ];
    println!("bench-build: {n} queries over {TABLES} tables, {rounds} round(s) per step");
    let steps = [
        Step { name: "full build (CARGO_INCREMENTAL=0)", command: "build", incremental: false },
        Step { name: "edit + incremental rebuild", command: "build", incremental: true },
        Step { name: "edit + cargo check", command: "check", incremental: true },
    ];
    for step in &steps {
        for (_, krate) in &crates {
            step.run(krate, &target); // warm-up: dependencies, and the crate's incremental cache
        }
        // results[crate][round] = (seconds, peak KiB)
        let mut results: Vec<Vec<(f64, u64)>> = vec![Vec::new(); crates.len()];
        for round in 0..rounds {
            for (i, (_, krate)) in crates.iter().enumerate() {
                edit(krate, round);
                results[i].push(step.run(krate, &target));
            }
        }
        let medians: Vec<(f64, u64)> = results
            .iter()
            .map(|r| (median(r.iter().map(|x| x.0)), r.iter().map(|x| x.1).max().unwrap_or(0)))
            .collect();
        println!("{}:", step.name);
        for (i, (label, _)) in crates.iter().enumerate() {
            let (secs, kib) = medians[i];
            let ratio = secs / medians[0].0;
            let mem = kib as f64 / medians[0].1.max(1) as f64;
            println!(
                "  {label:<28} {secs:>7.2} s  ratio {ratio:.2}   peak {:>5} MiB  ratio {mem:.2}",
                kib / 1024
            );
        }
    }
}

struct Step {
    name: &'static str,
    command: &'static str,
    incremental: bool,
}

impl Step {
    /// Seconds and peak resident memory (KiB) of one cargo run (rustc of the crate included).
    fn run(&self, krate: &Path, target: &Path) -> (f64, u64) {
        let out = krate.join("time.txt");
        let status = Command::new("/usr/bin/time")
            .args(["-f", "%e %M", "-o"])
            .arg(&out)
            .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([self.command, "-q", "--offline", "--manifest-path"])
            .arg(krate.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", if self.incremental { "1" } else { "0" })
            .env_remove("STRATA_MIGRATIONS")
            .status()
            .expect("/usr/bin/time (Debian package `time`) runs cargo");
        assert!(status.success(), "cargo {} of {} failed", self.command, krate.display());
        let text = std::fs::read_to_string(&out).unwrap();
        let mut fields = text.split_whitespace();
        let secs = fields.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
        let kib = fields.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        (secs, kib)
    }
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A real edit: a changed comment at the end of `main.rs`.
fn edit(krate: &Path, round: usize) {
    let main = krate.join("src/main.rs");
    let text = std::fs::read_to_string(&main).unwrap();
    let body = text.split("\n// edit").next().unwrap_or(&text).to_string();
    std::fs::write(&main, format!("{body}\n// edit {round}\n")).unwrap();
}

/// A crate `bench-{name}`: with `files`, depending on strata with its schema in that many
/// migration files; `profile` is appended to its manifest.
fn write_crate(
    root: &Path,
    name: &str,
    workspace: &Path,
    main: &str,
    files: Option<usize>,
    profile: &str,
) -> PathBuf {
    let dir = root.join(name);
    let _ = std::fs::remove_dir_all(dir.join("migrations"));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let dependency = match files {
        Some(count) => {
            std::fs::create_dir_all(dir.join("migrations")).unwrap();
            for (i, text) in schema(count).iter().enumerate() {
                std::fs::write(dir.join(format!("migrations/{:04}_step.up.sql", i + 1)), text).unwrap();
            }
            std::fs::write(
                dir.join("build.rs"),
                "fn main() { println!(\"cargo:rerun-if-changed=migrations\"); }\n",
            )
            .unwrap();
            format!(
                "strata = {{ path = \"{}\", default-features = false }}",
                workspace.join("migrator").display()
            )
        }
        None => String::new(),
    };
    let manifest = format!(
        "[package]\nname = \"bench-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{dependency}\ntokio-postgres = \"0.7\"\ntokio = {{ version = \"1\", features = [\"rt\"] }}\n{profile}"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
    dir
}

/// The schema as `count` migration files; the same final schema for any count: the tables
/// first, then columns and indexes added one file at a time.
fn schema(count: usize) -> Vec<String> {
    let mut steps: Vec<String> = (0..TABLES)
        .map(|k| {
            let parent = if k == 0 { String::new() } else { format!(" REFERENCES t{} (id)", k - 1) };
            format!(
                "CREATE TABLE t{k} (id bigserial PRIMARY KEY, name text NOT NULL, note text, \
                 amount int NOT NULL DEFAULT 0, score double precision, active boolean NOT NULL DEFAULT true, \
                 parent_id bigint{parent});\n"
            )
        })
        .collect();
    for j in 0..(200 - TABLES) {
        let k = j % TABLES;
        steps.push(if j % 2 == 0 {
            format!("ALTER TABLE t{k} ADD COLUMN extra{j} text;\n")
        } else {
            format!("CREATE INDEX t{k}_name_{j} ON t{k} (name);\n")
        });
    }
    if count == 1 {
        return vec![steps.concat()];
    }
    assert_eq!(count, steps.len(), "the schema comes in 1 or 200 files");
    steps
}

/// Query `i`: its SQL, the arguments' Rust expressions and, for the plain version, the output
/// fields with their types and how the result is reduced.
struct Shape {
    sql: String,
    args: &'static [&'static str],
    fields: &'static [(&'static str, &'static str)],
    fetch: &'static str,
}

fn shape(i: usize) -> Shape {
    let k = i % TABLES;
    let parent = if k == 0 { 0 } else { k - 1 };
    match (i / TABLES) % 5 {
        0 => Shape {
            sql: format!(
                "SELECT a.id, a.name, a.note, b.name AS parent FROM t{k} a LEFT JOIN t{parent} b ON b.id = a.parent_id WHERE a.amount > $1"
            ),
            args: &["10_i32"],
            fields: &[("id", "i64"), ("name", "String"), ("note", "Option<String>"), ("parent", "Option<String>")],
            fetch: "all",
        },
        1 => Shape {
            sql: format!("INSERT INTO t{k} (name, note, amount) VALUES ($1, $2, $3) RETURNING id, name"),
            args: &["\"n\"", "None::<&str>", "1_i32"],
            fields: &[("id", "i64"), ("name", "String")],
            fetch: "one",
        },
        2 => Shape {
            sql: format!("UPDATE t{k} SET amount = amount + $1 WHERE id = $2 RETURNING id, amount"),
            args: &["1_i32", "2_i64"],
            fields: &[("id", "i64"), ("amount", "i32")],
            fetch: "one",
        },
        3 => Shape { sql: format!("DELETE FROM t{k} WHERE id = $1"), args: &["1_i64"], fields: &[], fetch: "execute" },
        _ => Shape {
            sql: format!("SELECT count(*) AS n, max(score) AS best FROM t{k} WHERE active = $1"),
            args: &["true"],
            fields: &[("n", "i64"), ("best", "Option<f64>")],
            fetch: "one",
        },
    }
}

fn checked_source(n: usize) -> String {
    let mut s = String::from("#![allow(dead_code)]\n");
    for i in 0..n {
        let q = shape(i);
        let args: String = q.args.iter().map(|a| format!(", {a}")).collect();
        let call = format!("strata::query!(\"{}\"{args})", q.sql);
        let body = match q.fetch {
            "all" => format!("{call}.fetch_all(c).await.map(|r| r.len())"),
            "execute" => format!("{call}.execute(c).await.map(|n| n as usize)"),
            _ => format!("{call}.fetch_one(c).await.map(|r| r.{} as usize)", q.fields[0].0),
        };
        writeln!(s, "async fn q{i}(c: &tokio_postgres::Client) -> Result<usize, strata::Error> {{ {body} }}")
            .unwrap();
    }
    s.push_str(&main_calling_all(n));
    s
}

fn plain_source(n: usize) -> String {
    let mut s = String::from("#![allow(dead_code)]\n");
    for i in 0..n {
        let q = shape(i);
        let params: Vec<String> = q.args.iter().map(|a| format!("&{a}")).collect();
        let params = params.join(", ");
        let sql = &q.sql;
        if q.fetch == "execute" {
            writeln!(
                s,
                "async fn q{i}(c: &tokio_postgres::Client) -> Result<usize, tokio_postgres::Error> {{ \
                 c.execute(\"{sql}\", &[{params}]).await.map(|n| n as usize) }}"
            )
            .unwrap();
            continue;
        }
        let decls: Vec<String> = q.fields.iter().map(|(f, t)| format!("{f}: {t}")).collect();
        let reads: Vec<String> =
            q.fields.iter().enumerate().map(|(j, (f, _))| format!("{f}: r.try_get({j})?")).collect();
        let (decls, reads) = (decls.join(", "), reads.join(", "));
        let body = if q.fetch == "all" {
            format!(
                "let rows = c.query(\"{sql}\", &[{params}]).await?;\n\
                 let v: Vec<R{i}> = rows.iter().map(|r| Ok(R{i} {{ {reads} }})).collect::<Result<_, tokio_postgres::Error>>()?;\n\
                 Ok(v.len())"
            )
        } else {
            format!(
                "let r = c.query_one(\"{sql}\", &[{params}]).await?;\n\
                 let v = R{i} {{ {reads} }};\n\
                 Ok(v.{} as usize)",
                q.fields[0].0
            )
        };
        writeln!(
            s,
            "struct R{i} {{ {decls} }}\n\
             async fn q{i}(c: &tokio_postgres::Client) -> Result<usize, tokio_postgres::Error> {{\n{body} }}"
        )
        .unwrap();
    }
    s.push_str(&main_calling_all(n));
    s
}

/// Calls every query function from `main`, so all of them are compiled down to machine code
/// (a binary crate skips code generation for functions nothing reaches).
fn main_calling_all(n: usize) -> String {
    let mut s = String::from(
        "async fn all() {\n    let (c, _connection) = tokio_postgres::connect(\"\", tokio_postgres::NoTls).await.unwrap();\n",
    );
    for i in 0..n {
        writeln!(s, "    let _ = q{i}(&c).await;").unwrap();
    }
    s.push_str(
        "}\n\nfn main() {\n    if std::env::args().count() > 1 {\n        \
         tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(all());\n    }\n}\n",
    );
    s
}
