//! What the benchmark binaries (`src/bin/bench-*.rs`) share: their arguments, the CLI they time,
//! the generated history of small migrations, and the commit mode of their connections.

use std::path::PathBuf;
use std::time::Duration;

use crate::{MigrationsDir, TestDb};

/// `bench-* [N] [ROUNDS]`, and the release CLI next to the binary.
pub struct Args {
    pub n: usize,
    pub rounds: usize,
    pub strata_bin: PathBuf,
}

impl Args {
    pub fn parse(default_n: usize) -> Args {
        let mut args = std::env::args().skip(1);
        let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(default_n);
        let rounds = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
        let exe = std::env::current_exe().unwrap();
        let strata_bin = exe.parent().unwrap().join("strata");
        assert!(strata_bin.exists(), "build the CLI first: cargo build --release -p strata");
        Args { n, rounds, strata_bin }
    }
}

/// Migration `i` of the small history: a table and a row.
pub fn small_migration(i: usize) -> String {
    format!(
        "CREATE TABLE bench_{i} (id bigserial PRIMARY KEY, name text NOT NULL, n int);\n\
         INSERT INTO bench_{i} (name, n) VALUES ('row {i}', {i});\n"
    )
}

/// The first `n` small migrations as files.
pub fn small_history(n: usize) -> MigrationsDir {
    let files: Vec<(String, String)> =
        (1..=n).map(|i| (format!("{i:05}_bench_{i}.up.sql"), small_migration(i))).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    MigrationsDir::new(&refs)
}

/// The connection string for a bench database, with the commit mode `BENCH_SYNC_COMMIT` asks for
/// (commit fsyncs dominate both tools and make the disk's noise the result; `off` leaves the
/// tools' own costs).
pub fn url(db: &TestDb) -> String {
    match std::env::var("BENCH_SYNC_COMMIT") {
        Ok(mode) => format!("{} options='-c synchronous_commit={mode}'", db.url()),
        Err(_) => db.url(),
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
