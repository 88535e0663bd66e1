//! `strata up --dry-run [--json]`: applies nothing. For each statement of each pending
//! migration: the lock it takes (mode and table), whether it rewrites or scans the table, the
//! table's live size, and the timeouts it would run with.

use std::process::ExitCode;

use serde_json::{json, Value};
use strata_analyzer::lint::{self, display_table, TableSize};
use strata_analyzer::{Catalog, LineIndex, MigrationSet};

use super::exit;
use super::lint::table_sizes;
use crate::migrate::{Migrator, Status};

pub(crate) fn run(
    client: &mut postgres::Client,
    set: &MigrationSet,
    migrator: &Migrator,
    as_json: bool,
) -> Result<ExitCode, String> {
    let pending = pending(client, migrator, "nothing would be applied")?;
    let sizes = table_sizes(client)?;
    let mut setting = |name: &str| -> Result<String, String> {
        let row = client.query_one(&format!("SHOW {name}"), &[]).map_err(|e| crate::connect::describe(&e))?;
        Ok(row.get(0))
    };
    let timeouts = json!({ "lock_timeout": setting("lock_timeout")?, "statement_timeout": setting("statement_timeout")? });
    let migrations = describe(set, &pending, &sizes, &timeouts, migrator)?;
    if as_json {
        let doc = json!({ "pending": migrations });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        print_text(&migrations, &timeouts);
    }
    Ok(if pending.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(exit::PENDING) })
}

/// The pending versions, or why `up` would refuse (`then`: what that means for this command).
pub(crate) fn pending(
    client: &mut postgres::Client,
    migrator: &Migrator,
    then: &str,
) -> Result<Vec<i64>, String> {
    let plan = migrator.status(client).map_err(|e| e.to_string())?;
    if let Some(p) = plan.iter().find(|e| e.status.blocks()) {
        return Err(format!("{} {}: {}\n  {then}", p.version, p.name, p.status.explain()));
    }
    Ok(plan.iter().filter(|e| e.status == Status::Pending).map(|e| e.version).collect())
}

fn describe(
    set: &MigrationSet,
    pending: &[i64],
    sizes: &std::collections::BTreeMap<(String, String), TableSize>,
    session: &Value,
    migrator: &Migrator,
) -> Result<Vec<Value>, String> {
    let mut catalog = Catalog::default();
    let mut out = Vec::new();
    for m in &set.migrations {
        if !pending.contains(&m.version) {
            catalog.apply_script(&m.up.text, &m.up.path, &m.up.statements).map_err(|d| d.to_string())?;
            continue;
        }
        let index = LineIndex::new(&m.up.text);
        let mut statements = Vec::new();
        for (i, s) in m.up.statements.iter().enumerate() {
            let effect = lint::effect(&s.node, &catalog);
            let table_json = |t: &(String, String)| {
                let size = sizes.get(t);
                json!({ "table": display_table(t), "rows": size.map(|s| s.rows), "bytes": size.map(|s| s.bytes) })
            };
            let locks: Vec<Value> = effect
                .locks
                .iter()
                .map(|l| {
                    let mut v = table_json(&l.table);
                    v["mode"] = json!(l.mode.as_str());
                    v["blocks"] = json!(l.mode.blocks());
                    v
                })
                .collect();
            let reasons = |list: &[((String, String), String)]| -> Vec<Value> {
                list.iter().map(|(t, why)| json!({ "table": display_table(t), "why": why })).collect()
            };
            statements.push(json!({
                "line": index.line_column(s.offset).0,
                "sql": one_line(s.text(&m.up.text)),
                "locks": locks,
                "rewrites": reasons(&effect.rewrites),
                "scans": reasons(&effect.scans),
                "timeouts": statement_timeouts(migrator, m.version, i, session),
            }));
            catalog
                .apply_script(&m.up.text, &m.up.path, std::slice::from_ref(s))
                .map_err(|d| d.to_string())?;
        }
        out.push(json!({
            "version": m.version,
            "name": m.name,
            "file": m.up.path.display().to_string(),
            "transactional": !m.directives.no_transaction,
            "statements": statements,
        }));
    }
    Ok(out)
}

/// What the runner will SET LOCAL for this statement, or the session's value it keeps.
fn statement_timeouts(migrator: &Migrator, version: i64, index: usize, session: &Value) -> Value {
    let (lock, statement, retries) = migrator.statement_timeouts(version, index);
    let shown = |d: Option<std::time::Duration>, name: &str| match d {
        Some(d) if d.is_zero() => "0 (none)".to_string(),
        Some(d) => format!("{}ms", d.as_millis()),
        None => format!("{} (the session's)", session[name].as_str().unwrap_or("?")),
    };
    json!({
        "lock_timeout": shown(lock, "lock_timeout"),
        "statement_timeout": shown(statement, "statement_timeout"),
        "retries_on_lock_timeout": retries,
    })
}

fn print_text(migrations: &[Value], _session: &Value) {
    if migrations.is_empty() {
        println!("strata: up to date, nothing would be applied");
        return;
    }
    for m in migrations {
        let how =
            if m["transactional"].as_bool() == Some(true) { "in one transaction" } else { "no transaction" };
        println!(
            "would apply {} {} ({how}) from {}",
            m["version"],
            m["name"].as_str().unwrap_or(""),
            m["file"].as_str().unwrap_or("")
        );
        for s in m["statements"].as_array().into_iter().flatten() {
            println!("  line {}: {}", s["line"], s["sql"].as_str().unwrap_or(""));
            let locks = s["locks"].as_array().cloned().unwrap_or_default();
            if locks.is_empty() {
                println!("    locks: no table locks that block others");
            }
            for l in &locks {
                println!(
                    "    lock: {} on {}{} ({})",
                    l["mode"].as_str().unwrap_or(""),
                    l["table"].as_str().unwrap_or(""),
                    size(l),
                    l["blocks"].as_str().unwrap_or("")
                );
            }
            for r in s["rewrites"].as_array().into_iter().flatten() {
                println!(
                    "    rewrites {}: {}",
                    r["table"].as_str().unwrap_or(""),
                    r["why"].as_str().unwrap_or("")
                );
            }
            for r in s["scans"].as_array().into_iter().flatten() {
                println!(
                    "    scans {}: {}",
                    r["table"].as_str().unwrap_or(""),
                    r["why"].as_str().unwrap_or("")
                );
            }
            let t = &s["timeouts"];
            println!(
                "    timeouts: lock_timeout {}, statement_timeout {}; a lock timeout is retried {} time(s)",
                t["lock_timeout"].as_str().unwrap_or("?"),
                t["statement_timeout"].as_str().unwrap_or("?"),
                t["retries_on_lock_timeout"]
            );
        }
    }
    println!("strata: dry run, {} migration(s) pending, nothing applied", migrations.len());
}

fn size(lock: &Value) -> String {
    match (lock["rows"].as_i64(), lock["bytes"].as_i64()) {
        (Some(rows), Some(bytes)) => format!(", live: ~{rows} rows, {}", strata_analyzer::lint::bytes(bytes)),
        _ => ", not in the database yet".to_string(),
    }
}

fn one_line(sql: &str) -> String {
    let flat: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 72 {
        format!("{}…", flat.chars().take(71).collect::<String>())
    } else {
        flat
    }
}
