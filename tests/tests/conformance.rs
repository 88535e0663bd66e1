//! The analyzer against the real server. For the queries below (over tests/migrations) and for
//! every corpus under tests/corpus/<schema>/ (migrations/, seed.sql, queries.sql with sqlc's
//! `-- name: X` blocks): the test applies the migrations to a database of its own, PREPAREs each
//! query and compares parameter types, column names and column types with the analyzer's;
//! executes it on the seeded data (every parameter NULL, in a rolled-back transaction) and
//! checks that no column the analyzer calls NOT NULL returns NULL; and compares the replayed
//! catalog (tables, columns, types, NOT NULL) with the live one.

use std::path::{Path, PathBuf};

use postgres::SimpleQueryMessage;
use strata_analyzer::{describe, Catalog, MigrationSet};
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

/// A database of its own with plain SQL migrations applied (no extension needed), dropped after.
struct PlainDb {
    name: String,
}

fn url(dbname: &str) -> String {
    let base =
        std::env::var("STRATA_TEST_URL").unwrap_or_else(|_| "host=/var/run/postgresql user=root".into());
    format!("{base} dbname={dbname}")
}

impl PlainDb {
    fn new(tag: &str) -> PlainDb {
        let name = format!("strata_corpus_{tag}_{}", std::process::id());
        let mut admin =
            postgres::Client::connect(&url("postgres"), postgres::NoTls).expect("the test Postgres");
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        PlainDb { name }
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&url(&self.name), postgres::NoTls).unwrap()
    }
}

impl Drop for PlainDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&url("postgres"), postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// sqlc's query file: `-- name: X ...` starts a query that runs to the next one.
fn parse_queries(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.trim().strip_prefix("-- name:") {
            let name = rest.split_whitespace().next().unwrap_or("").to_string();
            out.push((name, String::new()));
        } else if let Some((_, sql)) = out.last_mut() {
            sql.push_str(line);
            sql.push('\n');
        }
    }
    out.into_iter()
        .map(|(n, sql)| (n, sql.trim().trim_end_matches(';').trim().to_string()))
        .filter(|(_, sql)| !sql.is_empty())
        .collect()
}

/// What the execution on seeded data covered: queries that returned rows, NULL columns seen.
#[derive(Default)]
struct Coverage {
    rows: usize,
    nulls: usize,
}

/// Checks one schema's queries; returns the disagreements and what the NOT NULL check covered.
fn check(
    tag: &str,
    migrations: &Path,
    seed: Option<&str>,
    queries: &[(String, String)],
) -> (Vec<String>, Coverage) {
    let mut checked = Coverage::default();
    let set = MigrationSet::load(migrations).unwrap_or_else(|e| panic!("{}: {e:?}", migrations.display()));
    let catalog = Catalog::from_migrations(&set).unwrap_or_else(|e| panic!("{e}"));
    let db = PlainDb::new(tag);
    let mut client = db.client();
    for m in &set.migrations {
        client.batch_execute(&m.up.text).unwrap_or_else(|e| {
            let e = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
            panic!("{}: {e}", m.up.path.display())
        });
        // strata's runner resets the session after each file: a SET search_path ends with it.
        client.batch_execute("RESET ALL").unwrap();
    }
    if let Some(seed) = seed {
        client.batch_execute(seed).unwrap_or_else(|e| {
            let e = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
            panic!("{tag} seed: {e}")
        });
    }
    let mut divergences = compare_catalogs(&catalog, &mut client);
    for (name, sql) in queries {
        let label = format!("{tag}/{name}: {sql}");
        let ours = match describe(&catalog, sql) {
            Ok(d) => d,
            Err(e) => {
                // Rejecting what the server rejects too is right, but such a query does not
                // belong in the corpus: say which case it is.
                let server = match client.prepare(sql) {
                    Ok(_) => "the server accepts it".to_string(),
                    Err(e) => {
                        let e = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
                        format!("the server rejects it too: {e}")
                    }
                };
                divergences.push(format!("{label}\n  analyzer failed: {}\n  {server}", e[0]));
                continue;
            }
        };
        let theirs = match client.prepare(sql) {
            Ok(statement) => statement,
            Err(e) => {
                let e = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
                divergences.push(format!("{label}\n  the server rejects it: {e}"));
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
                "{label}\n  params  ours {our_params:?}\n          pg   {their_params:?}\n  columns ours {our_columns:?}\n          pg   {their_columns:?}"
            ));
            continue;
        }
        let not_null: Vec<usize> = (0..ours.columns.len()).filter(|i| !ours.columns[*i].nullable).collect();
        let (rows, nulls) = null_columns(&mut client, sql, ours.params.len());
        checked.rows += usize::from(rows > 0);
        checked.nulls += nulls.len();
        for i in nulls {
            if not_null.contains(&i) {
                divergences.push(format!(
                    "{label}\n  column {} is NOT NULL to the analyzer but returned NULL",
                    ours.columns[i].name
                ));
            }
        }
    }
    (divergences, checked)
}

/// Runs the query with every parameter NULL in a rolled-back transaction: how many rows it
/// returned and the indexes of the columns that had a NULL. Queries the data makes fail (a NULL
/// into NOT NULL) return nothing.
fn null_columns(client: &mut postgres::Client, sql: &str, params: usize) -> (usize, Vec<usize>) {
    let args = if params == 0 { String::new() } else { format!("({})", vec!["NULL"; params].join(", ")) };
    let script = format!("BEGIN; PREPARE corpus_q AS {sql}; EXECUTE corpus_q{args};");
    let result = client.simple_query(&script);
    // PREPARE is not transactional: without DEALLOCATE every later PREPARE of the name fails
    // (not ALL: the client keeps statements of its own for type lookups).
    let _ = client.batch_execute("ROLLBACK; DEALLOCATE corpus_q");
    let (mut rows, mut nulls) = (0, Vec::new());
    for message in result.unwrap_or_default() {
        if let SimpleQueryMessage::Row(row) = message {
            rows += 1;
            for i in 0..row.len() {
                if row.get(i).is_none() && !nulls.contains(&i) {
                    nulls.push(i);
                }
            }
        }
    }
    (rows, nulls)
}

/// Tables, columns (in order), their types and NOT NULL: replayed vs live.
fn compare_catalogs(catalog: &Catalog, client: &mut postgres::Client) -> Vec<String> {
    let live: Vec<String> = client
        .query(
            "SELECT n.nspname || '.' || c.relname || ' ' || string_agg(a.attname || ' ' || t.typname \
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY a.attnum) \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             JOIN pg_type t ON t.oid = a.atttypid \
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
             GROUP BY n.nspname, c.relname ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    // A column a DO block may have changed: the analyzer makes no claim on its NOT NULL (it
    // types it as nullable), so that part is not compared.
    let doubted = |schema: &str, table: &str, column: &str| {
        catalog.doubt(&(schema.to_string(), table.to_string()), column).is_some()
    };
    let live: Vec<String> = live
        .into_iter()
        .map(|line: String| {
            let (table, columns) = line.split_once(' ').unwrap_or((&line, ""));
            let (schema, name) = table.split_once('.').unwrap_or(("", table));
            let columns: Vec<&str> = columns
                .split(", ")
                .map(|c| match c.strip_suffix(" not null") {
                    Some(bare) if doubted(schema, name, bare.split(' ').next().unwrap_or("")) => bare,
                    _ => c,
                })
                .collect();
            format!("{table} {}", columns.join(", "))
        })
        .collect();
    let mut ours: Vec<String> = catalog
        .tables()
        .map(|t| {
            let columns: Vec<String> = t
                .columns
                .iter()
                .map(|c| {
                    let not_null = c.not_null && !doubted(&t.schema, &t.name, &c.name);
                    format!("{} {}{}", c.name, server_name(&c.ty), if not_null { " not null" } else { "" })
                })
                .collect();
            format!("{}.{} {}", t.schema, t.name, columns.join(", "))
        })
        .collect();
    ours.sort();
    if ours == live {
        return vec![];
    }
    let missing = live.iter().filter(|l| !ours.contains(l)).map(|l| format!("  live:     {l}"));
    let extra = ours.iter().filter(|o| !live.contains(o)).map(|o| format!("  replayed: {o}"));
    vec![format!(
        "the replayed catalog differs from the live one:\n{}",
        missing.chain(extra).collect::<Vec<_>>().join("\n")
    )]
}

#[test]
fn analyzer_types_match_what_postgres_prepares() {
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let queries: Vec<(String, String)> =
        QUERIES.iter().enumerate().map(|(i, q)| (format!("q{}", i + 1), q.to_string())).collect();
    let (divergences, _) = check("basic", &migrations, None, &queries);
    assert!(
        divergences.is_empty(),
        "{} of {} queries diverge:\n{}",
        divergences.len(),
        queries.len(),
        divergences.join("\n")
    );
}

#[test]
fn the_corpus_agrees_with_postgres() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut schemas: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).collect();
    schemas.sort();
    let (mut all, mut total, mut covered) = (Vec::new(), 0, Coverage::default());
    for dir in &schemas {
        let tag = dir.file_name().unwrap().to_string_lossy().replace('-', "_");
        let queries = parse_queries(&std::fs::read_to_string(dir.join("queries.sql")).unwrap());
        let seed = std::fs::read_to_string(dir.join("seed.sql")).ok();
        let (divergences, checked) = check(&tag, &dir.join("migrations"), seed.as_deref(), &queries);
        all.extend(divergences);
        total += queries.len();
        covered.rows += checked.rows;
        covered.nulls += checked.nulls;
    }
    eprintln!(
        "corpus: {total} queries over {} schemas; {} returned rows on the seed data (every parameter NULL), \
         with {} NULL columns seen",
        schemas.len(),
        covered.rows,
        covered.nulls
    );
    // The NOT NULL check means little if the seed data makes most queries return nothing.
    assert!(covered.rows * 2 > total, "only {} of {total} queries returned rows", covered.rows);
    assert!(all.is_empty(), "{} disagreements over {total} queries:\n{}", all.len(), all.join("\n"));
}
