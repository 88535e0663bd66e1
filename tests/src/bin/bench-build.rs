//! Benchmark: compile time of N checked queries (`strata::query!`) against the same N queries
//! written by hand on plain `postgres` (SQL string, params, a struct filled with `row.get`).
//! Both crates are generated under `target/bench-build` and share one target dir, so dependencies
//! build once; each round touches the source and times `cargo build` of that crate alone.
//! Usage: `bench-build [N] [ROUNDS]`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SCHEMA: &str = "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text, karma int NOT NULL DEFAULT 0);
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), title text NOT NULL, body text);
";

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let root = workspace.join("target/bench-build");
    let checked = write_crate(&root, "checked", &workspace, &checked_source(n));
    let plain = write_crate(&root, "plain", &workspace, &plain_source(n));
    let target = root.join("target");
    // Warm-up: dependencies, then both crates once.
    for krate in [&checked, &plain] {
        build(krate, &target);
    }
    let mut ratios = Vec::new();
    for round in 1..=rounds {
        let c = timed_build(&checked, &target);
        let p = timed_build(&plain, &target);
        let ratio = c.as_secs_f64() / p.as_secs_f64();
        println!(
            "round {round}: {n} queries  query! {:>7.0} ms ({:.1} ms/query)  plain postgres {:>7.0} ms  ratio {ratio:.2}",
            ms(c),
            ms(c) / n as f64,
            ms(p)
        );
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "bench-build: query! / plain postgres = {:.2} (median of {rounds} rounds, {n} queries)",
        ratios[rounds / 2]
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn write_crate(root: &Path, name: &str, workspace: &Path, main: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(dir.join("migrations/1_schema.up.sql"), SCHEMA).unwrap();
    let manifest = format!(
        "[package]\nname = \"bench-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\nstrata = {{ path = \"{}\", default-features = false }}\npostgres = \"0.19\"\n",
        workspace.join("migrator").display()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
    dir
}

fn build(krate: &Path, target: &Path) {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "-q", "--offline", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .unwrap();
    assert!(status.success(), "building {} failed", krate.display());
}

fn timed_build(krate: &Path, target: &Path) -> Duration {
    let main = krate.join("src/main.rs");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, text).unwrap(); // new mtime: cargo rebuilds this crate only
    let start = Instant::now();
    build(krate, target);
    start.elapsed()
}

/// Three query shapes, cycled: a join with a parameter, an insert returning, an update.
fn query(i: usize) -> (&'static str, &'static str) {
    match i % 3 {
        0 => ("SELECT u.id, u.email, u.name, p.title FROM users u JOIN posts p ON p.user_id = u.id WHERE u.karma > $1", "karma"),
        1 => ("INSERT INTO posts (user_id, title, body) VALUES ($1, $2, $3) RETURNING id, title", "insert"),
        _ => ("UPDATE users SET karma = karma + $1 WHERE id = $2 RETURNING id, karma", "update"),
    }
}

fn checked_source(n: usize) -> String {
    let mut s = String::from("#![allow(dead_code)]\n");
    for i in 0..n {
        let (sql, kind) = query(i);
        let call = match kind {
            "karma" => format!("strata::query!(\"{sql}\", 10).fetch_all(c).map(|r| r.len())"),
            "insert" => format!(
                "strata::query!(\"{sql}\", 1_i64, \"t\", None::<&str>).fetch_one(c).map(|r| r.id as usize)"
            ),
            _ => format!("strata::query!(\"{sql}\", 1, 2_i64).fetch_one(c).map(|r| r.karma as usize)"),
        };
        writeln!(s, "fn q{i}(c: &mut postgres::Client) -> Result<usize, strata::Error> {{ {call} }}")
            .unwrap();
    }
    s.push_str(&main_calling_all(n));
    s
}

fn plain_source(n: usize) -> String {
    let mut s = String::from("#![allow(dead_code)]\n");
    for i in 0..n {
        let (sql, kind) = query(i);
        let body = match kind {
            "karma" => format!(
                "struct R{i} {{ id: i64, email: String, name: Option<String>, title: String }}\n\
                 fn q{i}(c: &mut postgres::Client) -> Result<usize, postgres::Error> {{\n\
                 let rows = c.query(\"{sql}\", &[&10_i32])?;\n\
                 let v: Vec<R{i}> = rows.iter().map(|r| Ok(R{i} {{ id: r.try_get(0)?, email: r.try_get(1)?, name: r.try_get(2)?, title: r.try_get(3)? }})).collect::<Result<_, postgres::Error>>()?;\n\
                 Ok(v.len()) }}"
            ),
            "insert" => format!(
                "struct R{i} {{ id: i64, title: String }}\n\
                 fn q{i}(c: &mut postgres::Client) -> Result<usize, postgres::Error> {{\n\
                 let r = c.query_one(\"{sql}\", &[&1_i64, &\"t\", &None::<&str>])?;\n\
                 let v = R{i} {{ id: r.try_get(0)?, title: r.try_get(1)? }};\n\
                 Ok(v.id as usize) }}"
            ),
            _ => format!(
                "struct R{i} {{ id: i64, karma: i32 }}\n\
                 fn q{i}(c: &mut postgres::Client) -> Result<usize, postgres::Error> {{\n\
                 let r = c.query_one(\"{sql}\", &[&1_i32, &2_i64])?;\n\
                 let v = R{i} {{ id: r.try_get(0)?, karma: r.try_get(1)? }};\n\
                 Ok(v.karma as usize) }}"
            ),
        };
        s.push_str(&body);
        s.push('\n');
    }
    s.push_str(&main_calling_all(n));
    s
}

/// Calls every query function, so all of them are compiled down to machine code (a binary
/// crate skips code generation for functions nothing reaches).
fn main_calling_all(n: usize) -> String {
    let mut s = String::from(
        "fn main() {\n    if std::env::args().count() > 1 {\n        \
         let mut c = postgres::Client::connect(\"\", postgres::NoTls).unwrap();\n",
    );
    for i in 0..n {
        writeln!(s, "        let _ = q{i}(&mut c);").unwrap();
    }
    s.push_str("    }\n}\n");
    s
}
