//! `strata drift [--json]`: does the database still match its migrations? Two checks:
//! the live schema against the latest snapshot (`strata.drift()`, the server's own description on
//! both sides, so formatting and OIDs never show), and the snapshot against what the migration
//! files produce where the analyzer models the objects (tables, their columns, types and NOT
//! NULL). Exit 0: no drift; 3: drift, with a readable diff; 1: the check could not run.

use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};
use strata_analyzer::Catalog;

use crate::migrate::describe;
use crate::report::Finding;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Print the differences as JSON.
    #[arg(long)]
    json: bool,
}

/// One row of `strata.drift()` or of the files check.
struct Row {
    kind: String,
    identity: String,
    change: String,
    field: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

impl Row {
    fn json(&self) -> Value {
        json!({"kind": self.kind, "identity": self.identity, "change": self.change,
               "field": self.field, "before": self.before, "after": self.after})
    }

    fn line(&self) -> String {
        let show = |v: &Option<String>| one_line(v.as_deref().unwrap_or("(none)"));
        match &self.field {
            Some(field) => format!(
                "{} {}: {field}: {} → {}",
                self.kind,
                self.identity,
                show(&self.before),
                show(&self.after)
            ),
            None => format!("{} {}: {}", self.kind, self.identity, self.change),
        }
    }
}

fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 160 {
        format!("{}…", joined.chars().take(160).collect::<String>())
    } else {
        joined
    }
}

const LIVE: &str = "SELECT kind, identity, change, field, before, after FROM strata.drift()";

const LATEST: &str = "SELECT seq, version, to_char(taken_at, 'YYYY-MM-DD HH24:MI:SS TZ'), reason \
    FROM strata.snapshots ORDER BY seq DESC LIMIT 1";

/// The analyzer's tables and columns against the latest snapshot, on the server so identities
/// are quoted and type names resolved exactly as `strata.describe()` does (typmods aside, which
/// the analyzer does not keep).
const FILES: &str = "
WITH files AS (
    SELECT quote_ident(f.s) || '.' || quote_ident(f.t) AS tbl, f.c, f.ty, f.nn
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[]) f (s, t, c, ty, nn)
),
snap AS (SELECT * FROM strata.latest_snapshot())
SELECT 'table', f.tbl, 'in the files, not in the snapshot', NULL::text, NULL::text, NULL::text
FROM (SELECT DISTINCT tbl FROM files) f
WHERE NOT EXISTS (SELECT FROM snap s WHERE s.kind = 'table' AND s.identity = f.tbl)
UNION ALL
SELECT 'table', s.identity, 'in the snapshot, not in the files', NULL, NULL, NULL
FROM snap s
WHERE $6 AND s.kind = 'table' AND split_part(s.identity, '.', 1) = ANY ($7::text[])
  AND NOT EXISTS (SELECT FROM files f WHERE f.tbl = s.identity)
UNION ALL
SELECT 'column', f.tbl || '.' || quote_ident(f.c), 'differs',
    x.field, x.files, x.snapshot
FROM files f
JOIN snap t ON t.kind = 'table' AND t.identity = f.tbl
LEFT JOIN snap s ON s.kind = 'column' AND s.identity = f.tbl || '.' || quote_ident(f.c)
CROSS JOIN LATERAL (
    SELECT 'exists' AS field, 'yes' AS files, 'no' AS snapshot WHERE s.identity IS NULL
    UNION ALL
    SELECT 'type', f.ty, s.definition ->> 'type'
    WHERE s.identity IS NOT NULL AND format_type(to_regtype(f.ty), NULL)
        IS DISTINCT FROM format_type(to_regtype(s.definition ->> 'type'), NULL)
    UNION ALL
    SELECT 'not null', f.nn::text, coalesce(s.definition ->> 'not null', 'false')
    WHERE s.identity IS NOT NULL AND f.nn <> coalesce((s.definition ->> 'not null')::boolean, false)
) x
WHERE f.c IS NOT NULL
ORDER BY 1, 2, 4";

fn text(row: &postgres::Row, i: usize) -> Option<String> {
    row.get::<_, Option<String>>(i)
}

fn rows(
    client: &mut postgres::Client,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<Row>, String> {
    let found = client.query(sql, params).map_err(|e| describe(&e))?;
    Ok(found
        .iter()
        .map(|r| Row {
            kind: text(r, 0).unwrap_or_default(),
            identity: text(r, 1).unwrap_or_default(),
            change: text(r, 2).unwrap_or_default(),
            field: text(r, 3),
            before: text(r, 4),
            after: text(r, 5),
        })
        .collect())
}

/// The files' tables as parallel arrays (a table without columns has one row with column NULL).
fn files_check(client: &mut postgres::Client, catalog: &Catalog) -> Result<Vec<Row>, String> {
    let (mut s, mut t, mut c, mut ty, mut nn) = (vec![], vec![], vec![], vec![], vec![]);
    let mut schemas: Vec<String> = Vec::new();
    for table in catalog.tables() {
        if !schemas.contains(&table.schema) {
            schemas.push(table.schema.clone());
        }
        let columns: Vec<_> = table.columns.iter().map(Some).collect();
        for column in if columns.is_empty() { vec![None] } else { columns } {
            s.push(table.schema.clone());
            t.push(table.name.clone());
            c.push(column.map(|c| c.name.clone()));
            ty.push(column.map(|c| c.ty.to_string()));
            nn.push(column.is_some_and(|c| c.not_null));
        }
    }
    let quoted: Vec<String> = schemas.iter().map(|s| quote_ident(s)).collect();
    // Tables the analyzer could not model would show as missing from the files: only claim
    // "not in the files" when it modelled every statement.
    let complete = catalog.unsupported.is_empty();
    rows(client, FILES, &[&s, &t, &c, &ty, &nn, &complete, &quoted])
}

fn quote_ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Both checks: (live vs snapshot, snapshot vs files, why the files were not compared, the latest
/// snapshot's version, time and reason).
type Drift = (Vec<Row>, Vec<Row>, Option<String>, Option<(Option<i64>, String, String)>);

fn drift(client: &mut postgres::Client, set: &strata_analyzer::MigrationSet) -> Result<Drift, String> {
    let installed = client
        .query_one("SELECT pg_catalog.to_regprocedure('strata.drift()') IS NOT NULL", &[])
        .map_err(|e| describe(&e))?
        .get::<_, bool>(0);
    if !installed {
        return Err("this database has no strata.drift()\n  hint: ALTER EXTENSION strata UPDATE \
                    (or strata init) installs strata 0.2.0 with schema snapshots"
            .to_string());
    }
    let latest = client.query_opt(LATEST, &[]).map_err(|e| describe(&e))?;
    let live = rows(client, LIVE, &[])?;
    let (files, replay_error) = match Catalog::from_migrations(set) {
        Ok(catalog) if latest.is_some() => (files_check(client, &catalog)?, None),
        Ok(_) => (Vec::new(), None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let snapshot = latest.as_ref().map(|r| {
        let version: Option<i64> = r.get(1);
        let at: Option<String> = r.get(2);
        let reason: String = r.get(3);
        (version, at.unwrap_or_default(), reason)
    });
    Ok((live, files, replay_error, snapshot))
}

const HINT: &str = "put the change in a migration (or undo it); strata.ddl_events says who ran DDL \
    outside migrations, and a DBA can take the live schema as the baseline with \
    strata.accept_drift('why')";

/// For `strata check`: every drift row as an error finding.
pub(crate) fn findings(
    client: &mut postgres::Client,
    set: &strata_analyzer::MigrationSet,
) -> Result<(Vec<Finding>, String), String> {
    let (live, files, replay_error, _) = drift(client, set)?;
    let finding = |what: &str, row: &Row| Finding {
        code: "drift".to_string(),
        severity: strata_analyzer::Severity::Error,
        file: None,
        line: 0,
        column: 0,
        span: None,
        message: format!("{what}: {}", row.line()),
        help: Some(HINT.to_string()),
        docs: None,
    };
    let mut out: Vec<Finding> =
        live.iter().map(|r| finding("the live schema differs from the latest snapshot", r)).collect();
    out.extend(
        files.iter().map(|r| finding("the snapshot differs from what the migration files produce", r)),
    );
    let summary = match (out.len(), replay_error) {
        (0, None) => "no drift".to_string(),
        (0, Some(_)) => {
            "no drift from the snapshot (the files were not compared: the analyzer cannot replay them)"
                .to_string()
        }
        (n, _) => format!("drift in {n} place(s)"),
    };
    Ok((out, summary))
}

pub(crate) fn run(client: &mut postgres::Client, dir: &Path, args: &Args) -> Result<ExitCode, String> {
    let set = super::load_files(dir)?;
    let (live, files, replay_error, snapshot) = drift(client, &set)?;
    let drifted = !live.is_empty() || !files.is_empty();
    if args.json {
        let report = json!({
            "drift": drifted,
            "snapshot": snapshot.as_ref().map(|(v, at, reason)| json!({"version": v, "taken_at": at, "reason": reason})),
            "live": live.iter().map(Row::json).collect::<Vec<_>>(),
            "files": files.iter().map(Row::json).collect::<Vec<_>>(),
            "files_not_checked": replay_error,
        });
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        let against = match &snapshot {
            Some((_, at, reason)) => format!("the latest snapshot ({reason}, taken {at})"),
            None => "an empty schema (no snapshot yet: no migration applied with strata 0.2.0)".to_string(),
        };
        if live.is_empty() {
            println!("strata: the live schema matches {against}");
        } else {
            println!("strata: drift: the live schema differs from {against}:");
            for row in &live {
                println!("  {}", row.line());
            }
        }
        if !files.is_empty() {
            println!("strata: drift: the snapshot differs from what the migration files produce:");
            for row in &files {
                println!("  {}", row.line());
            }
        }
        if let Some(e) = &replay_error {
            println!("strata: the migration files were not compared (the analyzer cannot replay them: {e})");
        }
        if drifted {
            println!("  hint: {HINT}");
        }
    }
    Ok(if drifted { ExitCode::from(3) } else { ExitCode::SUCCESS })
}

/// For `strata status`: drift against the latest snapshot and the out-of-band DDL of the last
/// week, one line each; nothing where strata has no snapshots (before 0.2.0).
pub(crate) fn status_lines(client: &mut postgres::Client) -> Vec<String> {
    let Ok(row) = client.query_one("SELECT pg_catalog.to_regprocedure('strata.drift()') IS NOT NULL", &[])
    else {
        return Vec::new();
    };
    if !row.get::<_, bool>(0) {
        return Vec::new();
    }
    let mut lines = Vec::new();
    match rows(client, LIVE, &[]) {
        Ok(live) if live.is_empty() => {
            lines.push("strata: no drift from the latest schema snapshot".to_string())
        }
        Ok(live) => {
            let objects: std::collections::BTreeSet<_> =
                live.iter().map(|r| (&r.kind, &r.identity)).collect();
            lines.push(format!(
                "strata: drift: {} object(s) differ from the latest schema snapshot (strata drift shows how)",
                objects.len()
            ));
        }
        Err(e) => lines.push(format!("strata: drift not checked: {e}")),
    }
    let recent = "SELECT count(*), max(to_char(at, 'YYYY-MM-DD HH24:MI:SS TZ')), \
        string_agg(DISTINCT who, ', ') FROM strata.ddl_events WHERE at > now() - interval '7 days'";
    if let Ok(row) = client.query_one(recent, &[]) {
        let count: i64 = row.get(0);
        if count > 0 {
            let last: Option<String> = row.get(1);
            let who: Option<String> = row.get(2);
            lines.push(format!(
                "strata: {count} DDL command(s) ran outside migrations in the last 7 days (last {}, by {}): \
                 see strata.ddl_events",
                last.unwrap_or_default(),
                who.unwrap_or_default()
            ));
        }
    }
    lines
}
