//! The analyzer against the real server: for each query, the parameter types, column names and
//! column types that the analyzer infers from the migration files must equal what PostgreSQL
//! itself reports when it prepares the query on a database migrated from the same files.
//! (Nullability cannot be described by the server; the library tests check it at run time.)

use strata_analyzer::{describe, Catalog, MigrationSet};
use strata_e2e::TestDb;

const QUERIES: &[&str] = &[
    "SELECT id, handle, karma, balance, ratio, settings, tags, created_at, birthday, bio FROM accounts",
    "SELECT * FROM accounts a JOIN notes n ON n.account_id = a.id WHERE a.handle = $1",
    "SELECT a.handle, n.body FROM accounts a LEFT JOIN notes n ON n.account_id = a.id WHERE n.pinned = $1",
    "SELECT account_id, handle FROM notes JOIN (SELECT id AS account_id, handle FROM accounts) a USING (account_id)",
    "SELECT count(*), count(n.id) AS notes, max(a.karma), min(a.created_at), sum(a.karma), sum(a.balance), avg(a.karma) \
     FROM accounts a LEFT JOIN notes n ON n.account_id = a.id GROUP BY a.id",
    "SELECT lower(handle), upper(bio), length(handle), concat(handle, '!'), coalesce(bio, handle) FROM accounts",
    "SELECT now(), current_date, current_timestamp, gen_random_uuid(), random()",
    "SELECT date_trunc('day', created_at), round(karma), round(ratio), abs(karma), karma / 2, karma * 1.5, 2 ^ 3 FROM accounts",
    "SELECT karma + balance AS total, ratio * karma AS weighted, created_at - now() AS age, birthday + 1 AS next FROM accounts",
    "SELECT settings -> 'a' AS a, settings ->> 'b' AS b, settings #> '{c,d}' AS c, settings ? 'x' AS has_x FROM accounts",
    "SELECT settings ->> $1 AS v FROM accounts WHERE settings ? $2",
    "SELECT CASE WHEN karma > 10 THEN 'high' ELSE 'low' END AS level, CASE karma WHEN 1 THEN 1 ELSE 2.5 END AS k FROM accounts",
    "SELECT greatest(karma, balance), least(ratio, 1) FROM accounts",
    "SELECT id::text, karma::int8, handle::varchar(10), 1::int2 AS small, '2020-01-01'::date AS d FROM accounts",
    "SELECT EXISTS (SELECT 1 FROM notes WHERE account_id = a.id) AS has_notes, \
     (SELECT count(*) FROM notes n WHERE n.account_id = a.id) AS note_count, \
     ARRAY(SELECT body FROM notes n WHERE n.account_id = a.id) AS bodies FROM accounts a",
    "SELECT handle FROM accounts WHERE id = ANY($1) AND karma IN ($2, $3) AND handle LIKE $4 LIMIT $5 OFFSET $6",
    "SELECT handle FROM accounts WHERE karma BETWEEN $1 AND $2 AND created_at > $3 AND birthday IS NOT NULL",
    "SELECT karma FROM accounts UNION SELECT balance FROM accounts",
    "SELECT karma FROM accounts UNION ALL SELECT ratio FROM accounts",
    "WITH top AS (SELECT id, karma FROM accounts ORDER BY karma DESC LIMIT $1) SELECT t.karma, n.body FROM top t JOIN notes n ON n.account_id = t.id",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < $1) SELECT n FROM r",
    "SELECT x.handle, x.k FROM (SELECT handle, karma AS k FROM accounts) AS x WHERE x.k > $1",
    "SELECT v.a, v.b FROM (VALUES (1, 'x'), (2, 'y')) AS v(a, b)",
    "SELECT a.handle, l.body FROM accounts a LEFT JOIN LATERAL (SELECT body FROM notes n WHERE n.account_id = a.id LIMIT 1) l ON true",
    "SELECT array_agg(body), string_agg(body, ','), bool_or(pinned), jsonb_agg(body) FROM notes",
    "SELECT row_number() OVER (ORDER BY karma), rank() OVER (PARTITION BY karma ORDER BY handle), ntile(4) OVER () FROM accounts",
    "SELECT tags, tags[1] AS first_tag, ARRAY[karma, 2] AS arr, cardinality(tags) FROM accounts",
    "INSERT INTO accounts (handle, karma, settings, tags) VALUES ($1, $2, $3, $4) RETURNING id, created_at",
    "INSERT INTO notes (account_id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body RETURNING *",
    "INSERT INTO notes (account_id, body) SELECT id, handle FROM accounts WHERE karma > $1 RETURNING id",
    "UPDATE accounts SET karma = karma + $1, bio = $2, tags = $3 WHERE id = $4 RETURNING karma, bio",
    "UPDATE notes n SET pinned = true FROM accounts a WHERE a.id = n.account_id AND a.handle = $1 RETURNING n.id, a.handle",
    "DELETE FROM notes WHERE account_id = $1 AND archived_at < $2 RETURNING id, body",
    "DELETE FROM notes n USING accounts a WHERE a.id = n.account_id AND a.karma < $1",
    "SELECT handle, count(*) AS n FROM accounts GROUP BY handle HAVING count(*) > $1 ORDER BY n DESC",
    "SELECT nullif(karma, 0) AS nz, karma IS DISTINCT FROM $1 AS changed, NOT pinned AS unpinned FROM accounts, notes",
];

/// Postgres's name for a type as `tokio_postgres` reports it: `_int4` for `int4[]`.
fn server_name(ty: &strata_analyzer::catalog::SqlType) -> String {
    if ty.array {
        format!("_{}", ty.name)
    } else {
        ty.name.clone()
    }
}

#[test]
fn analyzer_types_match_what_postgres_prepares() {
    let db = TestDb::new();
    let mut client = db.client();
    strata::migrate!("migrations").run(&mut client).unwrap();
    let set = MigrationSet::load(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap();
    let catalog = Catalog::from_migrations(&set).unwrap();

    let mut divergences = Vec::new();
    for sql in QUERIES {
        let ours = match describe(&catalog, sql) {
            Ok(d) => d,
            Err(e) => {
                divergences.push(format!("{sql}\n  analyzer failed: {}", e[0]));
                continue;
            }
        };
        let theirs = match client.prepare(sql) {
            Ok(statement) => statement,
            Err(e) => {
                let e = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
                divergences.push(format!("{sql}\n  the server rejects it: {e}"));
                continue;
            }
        };
        let our_params: Vec<String> = ours.params.iter().map(|p| server_name(&p.ty)).collect();
        let their_params: Vec<String> = theirs.params().iter().map(|t| t.name().to_string()).collect();
        let our_columns: Vec<String> =
            ours.columns.iter().map(|c| format!("{} {}", c.name, server_name(&c.ty))).collect();
        let their_columns: Vec<String> =
            theirs.columns().iter().map(|c| format!("{} {}", c.name(), c.type_().name())).collect();
        if our_params != their_params || our_columns != their_columns {
            divergences.push(format!(
                "{sql}\n  params  ours {our_params:?}\n          pg   {their_params:?}\n  columns ours {our_columns:?}\n          pg   {their_columns:?}"
            ));
        }
    }
    assert!(
        divergences.is_empty(),
        "{} of {} queries diverge:\n{}",
        divergences.len(),
        QUERIES.len(),
        divergences.join("\n")
    );
}
