//! `strata explain`: query plans checked in CI. Builds a throwaway database at the current
//! version, loads seed data (a SQL file, or generated rows per table), and runs
//! `EXPLAIN (FORMAT JSON)` on each query's generic plan (what a prepared statement with
//! parameters gets, whatever values they take). Flags sequential scans on tables above a size,
//! a missing index for a query marked `-- strata:expect-index NAME`, and plans costlier than a
//! budget. Exits 1 when a query is flagged.

mod checked;
mod seed;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};
use strata_analyzer::{parse_script, Diagnostic};

use crate::schema::{self, ScratchDb};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// SQL file of the queries to check, separated by `;`. Comment lines before a query:
    /// `-- name: NAME`, `-- strata:expect-index INDEX`, `-- strata:max-cost N`. Default: the
    /// crate's checked queries (every `query!("…")` in its Rust sources).
    #[arg(long, value_name = "FILE")]
    queries: Option<PathBuf>,
    /// The crate whose `query!`s to check when no --queries is given.
    #[arg(long = "crate", value_name = "DIR", default_value = ".")]
    crate_dir: PathBuf,
    /// SQL file that loads the seed data (run after the migrations).
    #[arg(long, value_name = "FILE.sql", conflicts_with = "rows")]
    seed: Option<PathBuf>,
    /// Generated rows for a table, TABLE=N (repeatable).
    #[arg(long, value_name = "TABLE=N", value_parser = parse_rows)]
    rows: Vec<(String, u64)>,
    /// Flag sequential scans on tables with more rows than this.
    #[arg(long, default_value_t = 1000)]
    seq_scan_rows: u64,
    /// Flag plans whose total cost is above this (per query: -- strata:max-cost N).
    #[arg(long)]
    max_cost: Option<f64>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_rows(text: &str) -> Result<(String, u64), String> {
    let (table, n) = text.split_once('=').ok_or("expected TABLE=N, e.g. users=10000")?;
    let n = n.trim().parse().map_err(|_| format!("{n:?} is not a row count"))?;
    Ok((table.trim().to_string(), n))
}

struct Query {
    name: String,
    line: usize,
    text: String,
    expect_index: Vec<String>,
    max_cost: Option<f64>,
}

struct Checked {
    query: Query,
    cost: f64,
    scans: Vec<String>,
    flags: Vec<String>,
    plan: Value,
}

pub(crate) fn run(dir: &Path, url: Option<&str>, args: &Args) -> Result<ExitCode, String> {
    let set = super::load_files(dir)?;
    let url = url.ok_or(super::NO_DATABASE)?;
    let queries = match &args.queries {
        Some(file) => read_queries(file)?,
        None => checked::collect(&args.crate_dir)?
            .into_iter()
            .map(|(at, text)| Query { line: 0, name: at, text, expect_index: Vec::new(), max_cost: None })
            .collect(),
    };
    let db = ScratchDb::create(url, "strata_explain")?;
    let mut client = db.connect()?;
    for m in &set.migrations {
        schema::apply_up(&mut client, m)?;
    }
    let notes = match &args.seed {
        Some(seed) => {
            let text = std::fs::read_to_string(seed).map_err(|e| format!("{}: {e}", seed.display()))?;
            client
                .batch_execute(&text)
                .map_err(|e| format!("{}: {}", seed.display(), schema::db_message(&e)))?;
            client.batch_execute("ANALYZE").map_err(|e| schema::db_message(&e))?;
            Vec::new()
        }
        None => seed::generate(&mut client, &args.rows)?,
    };
    client.batch_execute("SET plan_cache_mode = force_generic_plan").map_err(|e| schema::db_message(&e))?;
    let mut checked = Vec::new();
    for query in queries {
        checked.push(check(&mut client, query, args)?);
    }
    let flagged = checked.iter().filter(|c| !c.flags.is_empty()).count();
    if args.json {
        let report = json!({
            "ok": flagged == 0,
            "notes": notes,
            "queries": checked.iter().map(|c| json!({
                "name": c.query.name, "line": c.query.line, "query": c.query.text, "cost": c.cost,
                "scans": c.scans, "flags": c.flags, "plan": c.plan,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        for note in &notes {
            println!("note: {note}");
        }
        for c in &checked {
            let status = if c.flags.is_empty() { "ok" } else { "flagged" };
            let at = if c.query.line > 0 { format!("line {}, ", c.query.line) } else { String::new() };
            println!("{status:<8} {} ({at}cost {:.1}): {}", c.query.name, c.cost, c.scans.join(", "));
            for f in &c.flags {
                println!("           {f}");
            }
        }
        println!("strata explain: {} query(ies), {flagged} flagged", checked.len());
    }
    Ok(if flagged == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn read_queries(path: &Path) -> Result<Vec<Query>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let statements = parse_script(&text)
        .map_err(|e| Diagnostic::error(e.message).in_file(path).at(&text, e.offset).to_string())?;
    let mut queries = Vec::new();
    let mut previous_end = 0;
    for (i, s) in statements.iter().enumerate() {
        let comments = &text[previous_end..s.offset];
        previous_end = s.offset + s.len;
        let line = text[..s.offset].matches('\n').count() + 1;
        let mut query = Query {
            name: format!("query {}", i + 1),
            line,
            text: s.text(&text).to_string(),
            expect_index: Vec::new(),
            max_cost: None,
        };
        for comment in comments.lines().filter_map(|l| l.trim().strip_prefix("--")).map(str::trim) {
            if let Some(name) = comment.strip_prefix("name:") {
                query.name = name.trim().to_string();
            } else if let Some(index) = comment.strip_prefix("strata:expect-index") {
                query
                    .expect_index
                    .extend(index.split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_string));
            } else if let Some(cost) = comment.strip_prefix("strata:max-cost") {
                let cost = cost
                    .trim()
                    .parse()
                    .map_err(|_| format!("{}:{line}: strata:max-cost needs a number", path.display()))?;
                query.max_cost = Some(cost);
            } else if let Some(other) = comment.strip_prefix("strata:") {
                return Err(format!(
                    "{}: unknown directive \"strata:{}\" before line {line}\n  hint: known: strata:expect-index NAME, strata:max-cost N",
                    path.display(),
                    other.trim()
                ));
            }
        }
        queries.push(query);
    }
    Ok(queries)
}

fn check(client: &mut postgres::Client, query: Query, args: &Args) -> Result<Checked, String> {
    let fail =
        |e: postgres::Error| format!("{} (line {}): {}", query.name, query.line, schema::db_message(&e));
    client.batch_execute("DEALLOCATE ALL").map_err(fail)?;
    client.batch_execute(&format!("PREPARE strata_q AS {}", query.text)).map_err(fail)?;
    let params: i32 = client
        .query_one(
            "SELECT cardinality(parameter_types) FROM pg_prepared_statements WHERE name = 'strata_q'",
            &[],
        )
        .map_err(fail)?
        .get(0);
    let nulls = (0..params).map(|_| "NULL").collect::<Vec<_>>().join(", ");
    let execute =
        if params == 0 { "EXECUTE strata_q".to_string() } else { format!("EXECUTE strata_q({nulls})") };
    let plan: Value =
        client.query_one(&format!("EXPLAIN (FORMAT JSON, VERBOSE) {execute}"), &[]).map_err(fail)?.get(0);
    let root = plan.get(0).and_then(|p| p.get("Plan")).cloned().unwrap_or(Value::Null);
    let cost = root.get("Total Cost").and_then(Value::as_f64).unwrap_or(0.0);
    let mut nodes = Vec::new();
    walk(&root, &mut nodes);
    let mut flags = Vec::new();
    let mut scans = Vec::new();
    for node in &nodes {
        let kind = node.get("Node Type").and_then(Value::as_str).unwrap_or("");
        let relation = node.get("Relation Name").and_then(Value::as_str);
        let schema_name = node.get("Schema").and_then(Value::as_str).unwrap_or("public");
        if let Some(index) = node.get("Index Name").and_then(Value::as_str) {
            scans.push(format!("{kind} using {index}"));
        } else if let Some(rel) = relation {
            scans.push(format!("{kind} on {rel}"));
        }
        if kind == "Seq Scan" {
            if let Some(rel) = relation {
                let rows = table_rows(client, schema_name, rel).map_err(fail)?;
                if rows > args.seq_scan_rows {
                    flags.push(format!(
                        "sequential scan on {rel} ({rows} rows, above {})",
                        args.seq_scan_rows
                    ));
                }
            }
        }
    }
    for wanted in &query.expect_index {
        let used = nodes.iter().any(|n| n.get("Index Name").and_then(Value::as_str) == Some(wanted.as_str()));
        if !used {
            flags.push(format!("does not use index {wanted} (-- strata:expect-index)"));
        }
    }
    if let Some(budget) = query.max_cost.or(args.max_cost) {
        if cost > budget {
            flags.push(format!("cost {cost:.1} is above the budget {budget}"));
        }
    }
    Ok(Checked { query, cost, scans, flags, plan })
}

fn walk<'a>(node: &'a Value, out: &mut Vec<&'a Value>) {
    if node.is_null() {
        return;
    }
    out.push(node);
    for child in node.get("Plans").and_then(Value::as_array).into_iter().flatten() {
        walk(child, out);
    }
}

/// The table's row count as the planner knows it after ANALYZE.
fn table_rows(client: &mut postgres::Client, schema_name: &str, table: &str) -> Result<u64, postgres::Error> {
    let reltuples: f32 = client
        .query_one(
            "SELECT greatest(c.reltuples, 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relname = $2",
            &[&schema_name, &table],
        )?
        .get(0);
    Ok(reltuples as u64)
}
