//! `strata up --trace [--json]`: the pending migrations run for real, but in a throwaway database
//! on the same server that the applied ones built first; each statement's locks are read from
//! `pg_locks` before its transaction ends and its rewrites from `relfilenode` after, and both are
//! compared with what the lint's lock table predicted. Exit 1 where they differ (or a migration
//! fails), with the lint's rule ids for each statement. The target database is only read.

use std::collections::BTreeMap;
use std::process::ExitCode;

use serde_json::{json, Value};
use strata_analyzer::lint::{self, display_table, LintOptions, LockMode, TableKey};
use strata_analyzer::{Catalog, MigrationSet};

use super::exit;
use crate::migrate::Migrator;
use crate::schema::{apply_up, db_message, ScratchDb};

/// The tables of the scratch database: (schema, name) → relfilenode.
const FILES: &str = "SELECT n.nspname::text, c.relname::text, c.relfilenode::bigint \
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
    WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
      AND n.nspname NOT LIKE 'pg_toast%'";

/// The table locks this session holds, strongest per table.
const LOCKS: &str = "SELECT n.nspname::text, c.relname::text, l.mode \
    FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c ON c.oid = l.relation \
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
    WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted \
      AND c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')";

pub(crate) fn run(
    client: &mut postgres::Client,
    url: &str,
    set: &MigrationSet,
    migrator: &Migrator,
    as_json: bool,
) -> Result<ExitCode, String> {
    let pending = super::dry_run::pending(client, migrator, "nothing was traced")?;
    let scratch = ScratchDb::create(url, "strata_trace")?;
    let mut db = scratch.connect()?;
    let rules = rules_by_statement(set, &pending);
    let mut catalog = Catalog::default();
    let mut migrations = Vec::new();
    let mut mismatches = 0;
    for m in &set.migrations {
        if !pending.contains(&m.version) {
            apply_up(&mut db, m).map_err(|e| {
                format!("{}: building the applied schema in {}: {e}", m.up.path.display(), scratch.name)
            })?;
            catalog.apply_script(&m.up.text, &m.up.path, &m.up.statements).map_err(|d| d.to_string())?;
            continue;
        }
        let lines = strata_analyzer::LineIndex::new(&m.up.text);
        // Tables the migration creates are new: no one else can be waiting for them.
        let existing = relfilenodes(&mut db)?;
        let mut statements = Vec::new();
        for (i, s) in m.up.statements.iter().enumerate() {
            let predicted = lint::effect(&s.node, &catalog);
            let sql = s.text(&m.up.text);
            let observed =
                observe(&mut db, sql, predicted.concurrently || m.directives.no_transaction, &existing)
                    .map_err(|e| {
                        format!(
                            "{}:{}: {e}\n  the trace stops here",
                            m.up.path.display(),
                            lines.line_column(s.offset).0
                        )
                    })?;
            let problems = compare(&predicted, &observed);
            mismatches += problems.len();
            statements.push(json!({
                "line": lines.line_column(s.offset).0,
                "sql": sql.split_whitespace().collect::<Vec<_>>().join(" "),
                "predicted": {
                    "locks": predicted.locks.iter().map(|l| json!({"table": display_table(&l.table), "mode": l.mode.as_str()})).collect::<Vec<_>>(),
                    "rewrites": predicted.rewrites.iter().map(|(t, _)| display_table(t)).collect::<Vec<_>>(),
                },
                "observed": observed.json(),
                "rules": rules.get(&(m.version, i)).cloned().unwrap_or_default(),
                "mismatches": problems,
            }));
            catalog
                .apply_script(&m.up.text, &m.up.path, std::slice::from_ref(s))
                .map_err(|d| d.to_string())?;
        }
        migrations.push(json!({"version": m.version, "name": m.name, "file": m.up.path.display().to_string(), "statements": statements}));
    }
    if as_json {
        let doc = json!({"database": scratch.name, "traced": migrations, "mismatches": mismatches});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        print_text(&migrations, mismatches, &scratch.name);
    }
    Ok(match (mismatches, pending.is_empty()) {
        (0, true) => ExitCode::SUCCESS,
        (0, false) => ExitCode::from(exit::PENDING),
        _ => ExitCode::from(exit::PROBLEM),
    })
}

/// What running one statement did: the strongest lock per table that existed before it, and the
/// tables it rewrote (new relfilenode).
struct Observed {
    locks: BTreeMap<TableKey, LockMode>,
    rewrites: Vec<TableKey>,
    /// CONCURRENTLY / no-transaction: its locks end with it and cannot be read after.
    locks_unobserved: bool,
}

impl Observed {
    fn json(&self) -> Value {
        json!({
            "locks": if self.locks_unobserved { Value::Null } else {
                json!(self.locks.iter().map(|(t, m)| json!({"table": display_table(t), "mode": m.as_str()})).collect::<Vec<_>>())
            },
            "rewrites": self.rewrites.iter().map(display_table).collect::<Vec<_>>(),
        })
    }
}

fn observe(
    db: &mut postgres::Client,
    sql: &str,
    outside_transaction: bool,
    existing: &BTreeMap<TableKey, i64>,
) -> Result<Observed, String> {
    let before = relfilenodes(db)?;
    let mut locks = BTreeMap::new();
    if outside_transaction {
        db.batch_execute(sql).map_err(|e| db_message(&e))?;
    } else {
        let mut tx = db.transaction().map_err(|e| db_message(&e))?;
        tx.batch_execute(sql).map_err(|e| db_message(&e))?;
        for row in tx.query(LOCKS, &[]).map_err(|e| db_message(&e))? {
            let table: TableKey = (row.get(0), row.get(1));
            let Some(mode) = LockMode::from_pg_locks_name(row.get(2)) else { continue };
            if existing.contains_key(&table) {
                let strongest = locks.entry(table).or_insert(mode);
                *strongest = (*strongest).max(mode);
            }
        }
        tx.commit().map_err(|e| db_message(&e))?;
    }
    let after = relfilenodes(db)?;
    let rewrites = before
        .iter()
        .filter(|(t, node)| after.get(*t).is_some_and(|a| a != *node))
        .map(|(t, _)| t.clone())
        .collect();
    Ok(Observed { locks, rewrites, locks_unobserved: outside_transaction })
}

fn relfilenodes(db: &mut postgres::Client) -> Result<BTreeMap<TableKey, i64>, String> {
    Ok(db
        .query(FILES, &[])
        .map_err(|e| db_message(&e))?
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect())
}

/// Where the observation and the prediction disagree, one sentence each.
fn compare(predicted: &lint::Effect, observed: &Observed) -> Vec<String> {
    let mut out = Vec::new();
    if !observed.locks_unobserved {
        for (table, mode) in &observed.locks {
            match predicted.lock_on(table) {
                Some(p) if p == *mode => {}
                Some(p) => out.push(format!(
                    "took {} on {}, the lint predicted {}",
                    mode.as_str(),
                    display_table(table),
                    p.as_str()
                )),
                // Reads of other tables (a FK's target, a query's source) take weak locks the
                // lock table leaves out: only a lock that blocks writes is a surprise.
                None if *mode >= LockMode::Share => out.push(format!(
                    "took {} on {}, which the lint did not predict",
                    mode.as_str(),
                    display_table(table)
                )),
                None => {}
            }
        }
    }
    for table in &observed.rewrites {
        if !predicted.rewrites(table) {
            out.push(format!("rewrote {}, which the lint did not predict", display_table(table)));
        }
    }
    for (table, _) in &predicted.rewrites {
        if !observed.rewrites.contains(table) && observed.locks.contains_key(table) {
            out.push(format!("did not rewrite {}, which the lint predicted", display_table(table)));
        }
    }
    out
}

/// The lint's rule ids per (version, statement index), for the pending migrations.
fn rules_by_statement(set: &MigrationSet, pending: &[i64]) -> BTreeMap<(i64, usize), Vec<String>> {
    let options = LintOptions {
        targets: Some(pending.iter().copied().collect()),
        unapplied: pending.iter().copied().collect(),
        ..LintOptions::default()
    };
    let mut out: BTreeMap<(i64, usize), Vec<String>> = BTreeMap::new();
    for v in lint::lint(set, &options).violations {
        let Some(m) = set.migrations.iter().find(|m| m.version == v.version) else { continue };
        let index = m.up.statements.iter().rposition(|s| s.offset <= v.offset).unwrap_or(0);
        out.entry((v.version, index)).or_default().push(v.rule.to_string());
    }
    out
}

fn print_text(migrations: &[Value], mismatches: usize, scratch: &str) {
    if migrations.is_empty() {
        println!("strata: up to date, nothing to trace");
        return;
    }
    for m in migrations {
        println!(
            "traced {} {} ({})",
            m["version"],
            m["name"].as_str().unwrap_or(""),
            m["file"].as_str().unwrap_or("")
        );
        for s in m["statements"].as_array().into_iter().flatten() {
            println!("  line {}: {}", s["line"], s["sql"].as_str().unwrap_or(""));
            match s["observed"]["locks"].as_array() {
                None => println!("    locks: not observed (runs outside a transaction)"),
                Some(l) if l.is_empty() => println!("    locks: none on existing tables"),
                Some(l) => {
                    for lock in l {
                        println!(
                            "    took {} on {}",
                            lock["mode"].as_str().unwrap_or(""),
                            lock["table"].as_str().unwrap_or("")
                        );
                    }
                }
            }
            for t in s["observed"]["rewrites"].as_array().into_iter().flatten() {
                println!("    rewrote {}", t.as_str().unwrap_or(""));
            }
            let rules: Vec<&str> =
                s["rules"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            if !rules.is_empty() {
                println!("    lint: {}", rules.join(", "));
            }
            for p in s["mismatches"].as_array().into_iter().flatten() {
                println!("    MISMATCH: {}", p.as_str().unwrap_or(""));
            }
        }
    }
    println!(
        "strata: traced {} migration(s) in the throwaway database {scratch} (dropped); {mismatches} mismatch(es) \
         between what the statements did and what the lint predicted; nothing applied",
        migrations.len()
    );
}
