//! Benchmark: checked queries on one connection, as strata runs them by default (`query_typed`:
//! Parse + Bind + Execute, so the server parses and plans each time) against `strata::Cached`
//! (prepared once, then Bind + Execute). Both are one round trip; the difference is the server's
//! parse/plan work and the driver's. Rounds alternate, over a primary-key lookup and a join with
//! grouping. Usage: `bench-cache [N] [ROUNDS]` (N executions per query and round; 5000, 3).

use std::time::Instant;

use strata_e2e::TestDb;

macro_rules! lookup {
    ($client:expr, $handle:expr) => {
        strata::query_scalar!("SELECT karma FROM accounts WHERE handle = $1", $handle)
            .fetch_one($client)
            .unwrap()
    };
}

macro_rules! summary {
    ($client:expr, $handle:expr) => {
        strata::query_as!(
            Summary,
            "SELECT a.handle, count(n.id) AS notes, max(n.id) AS last_note
             FROM accounts a LEFT JOIN notes n ON n.account_id = a.id AND n.archived_at IS NULL
             WHERE a.handle = $1 GROUP BY a.handle ORDER BY a.handle",
            $handle
        )
        .fetch_one($client)
        .unwrap()
    };
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    let db = TestDb::new();
    let mut setup = db.client();
    strata::migrate!("migrations").run(&mut setup).unwrap();
    setup
        .batch_execute(
            "INSERT INTO accounts (handle, karma) SELECT 'user' || i, i FROM generate_series(1, 1000) i;
             INSERT INTO notes (account_id, body, archived_at)
             SELECT a.id, 'note ' || g, CASE WHEN g % 3 = 0 THEN now() END
             FROM accounts a, generate_series(1, 5) g;
             ANALYZE;",
        )
        .unwrap();

    let handles: Vec<String> = (0..n).map(|i| format!("user{}", i % 1000 + 1)).collect();
    let mut plain = db.client();
    let mut cached = strata::Cached::new(db.client());
    let mut times = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..rounds {
        let start = Instant::now();
        for h in &handles {
            lookup!(&mut plain, h);
        }
        times[0].push(start.elapsed());
        let start = Instant::now();
        for h in &handles {
            lookup!(&mut cached, h);
        }
        times[1].push(start.elapsed());
        let start = Instant::now();
        for h in &handles {
            summary!(&mut plain, h);
        }
        times[2].push(start.elapsed());
        let start = Instant::now();
        for h in &handles {
            summary!(&mut cached, h);
        }
        times[3].push(start.elapsed());
    }
    let per_query: Vec<f64> = times
        .iter_mut()
        .map(|t| {
            t.sort();
            t[t.len() / 2].as_secs_f64() * 1e6 / n as f64
        })
        .collect();
    println!("bench-cache: {n} executions per query, median of {rounds} rounds, one connection each");
    for (name, (a, b)) in [
        ("primary-key lookup", (per_query[0], per_query[1])),
        ("join + group by", (per_query[2], per_query[3])),
    ] {
        println!("  {name}: query_typed {a:.1} µs, Cached {b:.1} µs per query ({:.2}×)", b / a);
    }
}

#[allow(dead_code)] // read by the query, never looked at
struct Summary {
    handle: String,
    notes: i64,
    last_note: Option<i64>,
}
