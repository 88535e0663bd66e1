//! Benchmark of schema snapshots, the DDL sentinel and drift: N generated migrations applied by
//! `strata up` with snapshots and the sentinel on, and with both off (the snapshot trigger and the
//! event triggers disabled in that database), rounds alternating so machine noise hits both; the
//! difference is what they cost per migration. Then, on the N-table schema that leaves,
//! `strata.drift()` from a new connection each time (what `strata drift` pays, planning
//! included), and one full `strata.describe()`. Usage: `bench-drift [N] [ROUNDS]` (1000, 3).
//! `BENCH_SYNC_COMMIT=off` isolates the server's work from commit fsyncs, as in bench-up.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use strata_e2e::bench::{ms, small_history, url, Args};
use strata_e2e::TestDb;

const SNAPSHOTS_OFF: &str = "SET strata.guard = off;
    ALTER TABLE strata.history DISABLE TRIGGER snapshot;
    ALTER EVENT TRIGGER strata_sentinel_ddl DISABLE;
    ALTER EVENT TRIGGER strata_sentinel_drop DISABLE;";

fn main() {
    let Args { n, rounds, strata_bin } = Args::parse(1000);
    let dir = small_history(n);

    let mut extra = Vec::new();
    let mut kept = None;
    for round in 1..=rounds {
        let (off, _) = time_up(&strata_bin, &dir.0, n, false);
        let (on, db) = time_up(&strata_bin, &dir.0, n, true);
        let per = (on.as_secs_f64() - off.as_secs_f64()) * 1000.0 / n as f64;
        println!(
            "round {round}: {n} migrations  snapshots+sentinel off {:>8.1} ms  on {:>8.1} ms  \
             cost {per:>6.3} ms per migration ({:.3}x)",
            ms(off),
            ms(on),
            on.as_secs_f64() / off.as_secs_f64()
        );
        extra.push(per);
        kept = Some(db);
    }
    extra.sort_by(f64::total_cmp);
    let mode =
        std::env::var("BENCH_SYNC_COMMIT").map(|m| format!(", synchronous_commit={m}")).unwrap_or_default();
    println!(
        "bench-drift: snapshots and sentinel cost {:.3} ms per migration (median of {rounds} rounds, \
         {n} migrations{mode})",
        extra[rounds / 2]
    );

    let db = kept.expect("at least one round");
    let objects: i64 = db.client().query_one("SELECT count(*) FROM strata.describe()", &[]).unwrap().get(0);
    let mut drift = Vec::new();
    for _ in 0..rounds.max(5) {
        let mut client = postgres::Client::connect(&db.url(), postgres::NoTls).unwrap();
        let start = Instant::now();
        let rows: i64 = client.query_one("SELECT count(*) FROM strata.drift()", &[]).unwrap().get(0);
        drift.push(ms(start.elapsed()));
        assert_eq!(rows, 0, "the migrations' own schema must show no drift");
    }
    drift.sort_by(f64::total_cmp);
    let mut client = db.client();
    let start = Instant::now();
    client.query("SELECT * FROM strata.describe()", &[]).unwrap();
    let describe = ms(start.elapsed());
    println!(
        "bench-drift: strata.drift() on {n} tables ({objects} objects) {:.1} ms (median of {}, new \
         connection each), strata.describe() {describe:.1} ms (target: drift < 100 ms)",
        drift[drift.len() / 2],
        drift.len()
    );
}

fn time_up(bin: &PathBuf, dir: &Path, n: usize, snapshots: bool) -> (Duration, TestDb) {
    let db = TestDb::new();
    if !snapshots {
        db.client().batch_execute(SNAPSHOTS_OFF).unwrap();
    }
    let start = Instant::now();
    let out =
        Command::new(bin).args(["up", "--dir"]).arg(dir).env("DATABASE_URL", url(&db)).output().unwrap();
    let elapsed = start.elapsed();
    assert!(out.status.success(), "strata up failed: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(db.history().len(), n);
    let snapshots_taken: i64 =
        db.client().query_one("SELECT count(*) FROM strata.snapshots", &[]).unwrap().get(0);
    assert_eq!(snapshots_taken, if snapshots { n as i64 } else { 0 });
    (elapsed, db)
}
