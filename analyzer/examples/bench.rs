//! `scripts/bench`'s analyzer figures (release): replaying a generated 1,000-migration history
//! (read, parse, replay) and typing 1,000 queries against it, median of ROUNDS, with the targets
//! (150 ms and 50 ms) and the one-time cost of loading the generated built-in catalog.
//!
//!   cargo run --release -p strata-analyzer --example bench [MIGRATIONS] [ROUNDS]

use std::time::{Duration, Instant};

use strata_analyzer::{describe, Catalog, MigrationSet};

fn migration(i: usize) -> String {
    let t = i / 4;
    match i % 4 {
        0 => format!(
            "CREATE TABLE t{t} (id bigserial PRIMARY KEY, owner_id bigint, name text NOT NULL, \
             score numeric(10, 2), tags text[] NOT NULL DEFAULT '{{}}', data jsonb, \
             created_at timestamptz NOT NULL DEFAULT now(), flag boolean);\n\
             CREATE INDEX t{t}_owner ON t{t} (owner_id);\nCOMMENT ON TABLE t{t} IS 'table {t}';"
        ),
        1 => format!("ALTER TABLE t{t} ADD COLUMN extra_{t} varchar(40), ALTER COLUMN flag SET NOT NULL;"),
        2 => format!("ALTER TABLE t{t} RENAME COLUMN extra_{t} TO note;\nALTER TABLE t{t} ALTER COLUMN score TYPE float8;"),
        _ => format!(
            "CREATE TABLE t{t}_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, t_id bigint NOT NULL \
             REFERENCES t{t} (id), at timestamptz NOT NULL DEFAULT now(), what text);\n\
             INSERT INTO t{t}_log (t_id, what) SELECT id, name FROM t{t};"
        ),
    }
}

fn query(i: usize, tables: usize) -> String {
    let t = i % tables;
    match i % 5 {
        0 => format!("SELECT id, name, score, note FROM t{t} WHERE id = $1 AND flag"),
        1 => format!(
            "SELECT a.name, count(l.id) AS n, max(l.at) AS last FROM t{t} a LEFT JOIN t{t}_log l ON l.t_id = a.id \
             WHERE a.created_at > now() - make_interval(days => $1) GROUP BY a.name ORDER BY n DESC LIMIT $2"
        ),
        2 => format!("INSERT INTO t{t} (owner_id, name, tags, flag) VALUES ($1, $2, $3, true) RETURNING id, created_at"),
        3 => format!("UPDATE t{t} SET note = $1, score = coalesce($2, score) WHERE id = $3 RETURNING note, score"),
        _ => format!(
            "SELECT x.tag, lower(x.tag) AS l, data ->> 'k' AS k FROM t{t}, unnest(tags) AS x(tag) \
             WHERE name ILIKE $1 || '%' AND data ? 'k'"
        ),
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let dir = std::env::temp_dir().join(format!("strata-bench-analyzer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        std::fs::write(dir.join(format!("{:06}_m{i}.up.sql", i + 1)), migration(i)).unwrap();
    }

    let start = Instant::now();
    let _ = describe(&Catalog::default(), "SELECT lower('a')");
    let load_builtins = start.elapsed();

    let mut replay = Vec::new();
    let mut catalog = None;
    for _ in 0..rounds {
        let start = Instant::now();
        let set = MigrationSet::load(&dir).expect("generated migrations load");
        let c = Catalog::from_migrations(&set).expect("generated migrations replay");
        replay.push(start.elapsed());
        catalog = Some(c);
    }
    let catalog = catalog.expect("at least one round");
    let queries: Vec<String> = (0..1000).map(|i| query(i, n / 4)).collect();
    let mut typing = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        for q in &queries {
            describe(&catalog, q).unwrap_or_else(|e| panic!("{q}: {}", e[0]));
        }
        typing.push(start.elapsed());
    }
    let mut parsing = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        for q in &queries {
            pg_query::parse(q, 0).expect("parses");
        }
        parsing.push(start.elapsed());
    }
    let mut scanning = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        for q in &queries {
            pg_query::scan(q).expect("scans");
        }
        scanning.push(start.elapsed());
    }
    let _ = std::fs::remove_dir_all(&dir);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("analyzer: built-in catalog loaded once in {:.1} ms", ms(load_builtins));
    println!(
        "analyzer: replay of {n} migrations (read, parse, replay): median {:.1} ms over {rounds} rounds (target < 150 ms, ratio {:.2})",
        ms(median(replay.clone())),
        ms(median(replay)) / 150.0
    );
    println!(
        "analyzer: typing 1000 queries: median {:.1} ms over {rounds} rounds (target < 50 ms, ratio {:.2})",
        ms(median(typing.clone())),
        ms(median(typing)) / 50.0
    );
    println!(
        "analyzer: of which Postgres's parser (pg_query::parse) alone takes {:.1} ms, its scanner {:.1} ms",
        ms(median(parsing)),
        ms(median(scanning))
    );
}
