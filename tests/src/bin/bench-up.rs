//! Benchmark: apply N generated small migrations with `strata up` and with one `psql -f` session
//! (each migration in BEGIN/COMMIT), on fresh databases of the same server, and print the ratio.
//! Rounds alternate the two so machine noise hits both. Usage: `bench-up [N] [ROUNDS]`.
//! Commit fsyncs dominate both sides and make the disk's noise the result; with
//! `BENCH_SYNC_COMMIT=off` both connect with `synchronous_commit=off`, which leaves the tools'
//! own costs (round trips, the ledger's work).
//!
//! `BENCH_WITHOUT=snapshot,sentinel` separates the parts other features add: `snapshot` disables
//! the snapshot trigger on strata.history (a schema description per migration), `sentinel` sets
//! `strata.guard = off` on the bench databases (the DDL event triggers then return at once).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use strata_e2e::bench::{ms, small_history, small_migration, url, Args};
use strata_e2e::TestDb;

fn main() {
    let Args { n, rounds, strata_bin } = Args::parse(1000);
    let dir = small_history(n);
    let script = dir.0.join("all.psql");
    let body: String = (1..=n).map(|i| format!("BEGIN;\n{}COMMIT;\n", small_migration(i))).collect();
    std::fs::write(&script, body).unwrap();

    if let Ok(without) = std::env::var("BENCH_WITHOUT") {
        println!("bench-up: without {without}");
    }
    let mut ratios = Vec::new();
    let mut cpu_ratios = Vec::new();
    for round in 1..=rounds {
        let (psql, psql_cpu) = time_psql(&script);
        let (strata, strata_cpu) = time_strata(&strata_bin, &dir.0, n);
        let ratio = strata.as_secs_f64() / psql.as_secs_f64();
        let cpu = match (psql_cpu, strata_cpu) {
            (Some(p), Some(s)) => {
                cpu_ratios.push(s / p);
                format!("  cpu {p:>7.2} s / {s:>7.2} s = {:.3}", s / p)
            }
            _ => String::new(),
        };
        println!(
            "round {round}: {n} migrations  psql -f {:>8.1} ms  strata up {:>8.1} ms  ratio {ratio:.3}{cpu}",
            ms(psql),
            ms(strata)
        );
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    cpu_ratios.sort_by(f64::total_cmp);
    let mode =
        std::env::var("BENCH_SYNC_COMMIT").map(|m| format!(", synchronous_commit={m}")).unwrap_or_default();
    println!(
        "bench-up: strata up / psql -f = {:.3} (median of {rounds} rounds, {n} migrations{mode})",
        ratios[rounds / 2]
    );
    if !cpu_ratios.is_empty() {
        println!(
            "bench-up: cpu (client + server) strata up / psql -f = {:.3} (median of {rounds} rounds)",
            cpu_ratios[cpu_ratios.len() / 2]
        );
    }
    parts(n);
}

/// What each part of `strata up` costs per migration, measured on its own over `n` transactions
/// of one connection: the migration itself (what psql sends), the session clean-up, the ledger
/// write (lease check and renewal, event with its hash, sealed history row, audit triggers).
fn parts(n: usize) {
    let db = bench_db();
    let mut client = postgres::Client::connect(&url(&db), postgres::NoTls).unwrap();
    let token: String = client.query_one("SELECT strata.acquire('1 hour')::text", &[]).unwrap().get(0);
    let mut time = |what: &str, sql: &dyn Fn(usize) -> String| {
        let start = Instant::now();
        for i in 1..=n {
            client.batch_execute(&sql(i)).unwrap();
        }
        let per = start.elapsed().as_secs_f64() * 1e6 / n as f64;
        println!("bench-up part: {what:<44} {per:>8.1} µs per migration");
    };
    time("migration (BEGIN; CREATE TABLE; INSERT; COMMIT)", &|i| {
        format!("BEGIN;\n{}COMMIT;", small_migration(i))
    });
    time("empty transaction (BEGIN; COMMIT)", &|_| "BEGIN; COMMIT;".to_string());
    time("session clean-up", &|_| format!("BEGIN;\n{}COMMIT;", strata::migrate::CLEAN_SESSION));
    let record = |i: usize| {
        format!(
            "SELECT strata.record('{token}', {i}, 'bench_{i}', pg_catalog.decode('{}', 'hex'));",
            "ab".repeat(32)
        )
    };
    time("ledger write (strata.record)", &|i| format!("BEGIN; {} COMMIT;", record(i)));
    // The clean-up runs right before the ledger write: whatever it resets, the write pays for.
    time("session clean-up + ledger write", &|i| {
        format!("BEGIN;\n{}{} COMMIT;", strata::migrate::CLEAN_SESSION, record(n + i))
    });
    let start = Instant::now();
    client.batch_execute("SELECT * FROM strata.verify()").unwrap();
    println!(
        "bench-up part: {:<44} {:>8.1} µs per run ({n} rows)",
        "ledger verification (strata.verify)",
        start.elapsed().as_secs_f64() * 1e6
    );
}

/// A bench database, without the parts BENCH_WITHOUT names.
fn bench_db() -> TestDb {
    let db = TestDb::new();
    let without = std::env::var("BENCH_WITHOUT").unwrap_or_default();
    let mut client = db.client();
    for part in without.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let sql = match part {
            "snapshot" => "ALTER TABLE strata.history DISABLE TRIGGER snapshot".to_string(),
            "sentinel" => format!("ALTER DATABASE {} SET strata.guard = off", db.name),
            other => panic!("BENCH_WITHOUT: unknown part {other} (snapshot, sentinel)"),
        };
        client.batch_execute(&format!("SET strata.guard = off; {sql}")).unwrap();
    }
    db
}

/// CPU seconds used so far by the children this process waited for and by the test server (the
/// postmaster, the backends it reaped and the live ones). On a machine others load too, this
/// is the steadier measure of what each tool costs; `None` where /proc or the server's data
/// directory cannot be read (e.g. the server is not local).
fn cpu_seconds() -> Option<f64> {
    static POSTMASTER: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
    let postmaster = (*POSTMASTER.get_or_init(|| {
        let mut admin =
            postgres::Client::connect(&strata_e2e::server_url("postgres"), postgres::NoTls).ok()?;
        let dir: String = admin.query_one("SELECT current_setting('data_directory')", &[]).ok()?.get(0);
        std::fs::read_to_string(Path::new(&dir).join("postmaster.pid")).ok()?.lines().next()?.parse().ok()
    }))?;
    // Fields after the command: 4 ppid, 14 utime, 15 stime, 16 cutime, 17 cstime (clock ticks).
    let stat = |pid: &str| -> Option<Vec<u64>> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let rest = &text[text.rfind(')')? + 2..];
        Some(rest.split(' ').map(|f| f.parse().unwrap_or(0)).collect())
    };
    let ticks = |f: &[u64], from: usize, to: usize| f[from - 3..=to - 3].iter().sum::<u64>();
    let own = stat("self")?;
    let server = stat(&postmaster.to_string())?;
    let mut total = ticks(&own, 16, 17) + ticks(&server, 14, 17);
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.bytes().all(|b| b.is_ascii_digit()) {
            if let Some(f) = stat(&name).filter(|f| f[1] == u64::from(postmaster)) {
                total += ticks(&f, 14, 15);
            }
        }
    }
    Some(total as f64 / 100.0) // USER_HZ
}

/// CPU used by what `run` does, once its backends have exited.
fn cpu_of(run: impl FnOnce()) -> Option<f64> {
    let before = cpu_seconds();
    run();
    std::thread::sleep(Duration::from_millis(200));
    Some(cpu_seconds()? - before?)
}

fn time_psql(script: &Path) -> (Duration, Option<f64>) {
    let db = bench_db();
    let mut elapsed = Duration::ZERO;
    let cpu = cpu_of(|| elapsed = run_psql(&db, script));
    (elapsed, cpu)
}

fn run_psql(db: &TestDb, script: &Path) -> Duration {
    let start = Instant::now();
    // Its output (the sentinel's warnings) is read, not printed: a terminal would slow it down.
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &url(db), "-f"])
        .arg(script)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(out.status.success(), "psql failed: {}", String::from_utf8_lossy(&out.stderr));
    elapsed
}

fn time_strata(bin: &PathBuf, dir: &Path, n: usize) -> (Duration, Option<f64>) {
    let db = bench_db();
    let mut elapsed = Duration::ZERO;
    let cpu = cpu_of(|| elapsed = run_strata(&db, bin, dir));
    assert_eq!(db.history().len(), n);
    (elapsed, cpu)
}

fn run_strata(db: &TestDb, bin: &PathBuf, dir: &Path) -> Duration {
    let start = Instant::now();
    let out = Command::new(bin).args(["up", "--dir"]).arg(dir).env("DATABASE_URL", url(db)).output().unwrap();
    let elapsed = start.elapsed();
    assert!(out.status.success(), "strata up failed: {}", String::from_utf8_lossy(&out.stderr));
    elapsed
}
