//! Benchmark: `strata test` (up, describe, down, describe, compare, up again, describe, compare for
//! every migration, then every down newest first, each compared) on N generated migrations, vs
//! the same up/down/up and downs done by one `psql -f` session with no schema comparison at all
//! (what a script without strata can do cheaply). Usage: `bench-test [N] [ROUNDS]` (300, 3).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use strata_e2e::bench::{ms, Args};
use strata_e2e::{server_url, MigrationsDir};

/// A mix that grows the schema as real histories do: tables with an index, added columns, views.
fn migration(i: usize) -> (String, String) {
    let t = i - i % 3;
    match i % 3 {
        0 => (
            format!("CREATE TABLE t_{t} (id bigserial PRIMARY KEY, name text NOT NULL, n int);\nCREATE INDEX t_{t}_n ON t_{t} (n);\n"),
            format!("DROP TABLE t_{t};\n"),
        ),
        1 => (
            format!("ALTER TABLE t_{t} ADD COLUMN extra text DEFAULT 'x';\nCOMMENT ON COLUMN t_{t}.extra IS 'more';\n"),
            format!("ALTER TABLE t_{t} DROP COLUMN extra;\n"),
        ),
        _ => (
            format!("CREATE VIEW v_{t} AS SELECT id, name, extra FROM t_{t} WHERE n > 0;\n"),
            format!("DROP VIEW v_{t};\n"),
        ),
    }
}

fn main() {
    let Args { n, rounds, strata_bin } = Args::parse(300);

    let mut files = Vec::new();
    let mut script = String::new();
    for i in 0..n {
        let (up, down) = migration(i);
        files.push((format!("{:05}_m{i}.up.sql", i + 1), up.clone()));
        files.push((format!("{:05}_m{i}.down.sql", i + 1), down.clone()));
        script.push_str(&format!("BEGIN;\n{up}COMMIT;\nBEGIN;\n{down}COMMIT;\nBEGIN;\n{up}COMMIT;\n"));
    }
    for i in (0..n).rev() {
        script.push_str(&format!("BEGIN;\n{}COMMIT;\n", migration(i).1));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let dir = MigrationsDir::new(&refs);
    let script_path = dir.0.join("all.psql");
    std::fs::write(&script_path, script).unwrap();

    let mut ratios = Vec::new();
    let mut times = Vec::new();
    for round in 1..=rounds {
        let psql = time_psql(&script_path);
        let strata = time_strata(&strata_bin, &dir.0);
        let ratio = strata.as_secs_f64() / psql.as_secs_f64();
        println!(
            "round {round}: {n} migrations  psql up/down/up {:>8.1} ms  strata test {:>8.1} ms  ratio {ratio:.2}",
            ms(psql),
            ms(strata)
        );
        ratios.push(ratio);
        times.push(strata);
    }
    ratios.sort_by(f64::total_cmp);
    times.sort();
    println!(
        "bench-test: strata test / psql up-down-up = {:.2} (median of {rounds} rounds, {n} migrations); \
         strata test {:.2} s",
        ratios[rounds / 2],
        times[rounds / 2].as_secs_f64()
    );
}

fn time_psql(script: &Path) -> Duration {
    let mut admin = postgres::Client::connect(&server_url("postgres"), postgres::NoTls).unwrap();
    let name = format!("strata_bench_psql_{}", std::process::id());
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let start = Instant::now();
    let status = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &server_url(&name), "-f"])
        .arg(script)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    let elapsed = start.elapsed();
    admin.batch_execute(&format!("DROP DATABASE {name}")).unwrap();
    assert!(status.success(), "psql failed");
    elapsed
}

/// Includes creating and dropping its throwaway database, as a CI run would.
fn time_strata(bin: &Path, dir: &Path) -> Duration {
    let start = Instant::now();
    let out = Command::new(bin)
        .args(["test", "--dir"])
        .arg(dir)
        .env("DATABASE_URL", server_url("postgres"))
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(
        out.status.success(),
        "strata test failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}
