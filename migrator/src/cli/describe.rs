//! `strata describe [--json] FILE|-`: the parameters and columns of each query in a file of
//! sqlc-style `-- name: X` blocks, typed against the migrations with no database, the same
//! answers `query!` uses; for editors, CI and code generators in other languages.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};
use strata_analyzer::{describe, Catalog, Diagnostic, MigrationSet};

/// One query of the input: its name and where its text starts.
struct Block {
    name: String,
    /// 1-based line of the first line of the query text.
    line: usize,
    sql: String,
}

pub fn run(dir: &Path, file: &Path, as_json: bool) -> Result<ExitCode, String> {
    let (text, shown) = if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read stdin: {e}"))?;
        (text, "<stdin>".to_string())
    } else {
        let text =
            std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        (text, file.display().to_string())
    };
    let set = MigrationSet::load(dir).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("{} problem(s) in {}:\n{}", errors.len(), dir.display(), list.join("\n"))
    })?;
    for warning in &set.warnings {
        eprintln!("{warning}");
    }
    let catalog = Catalog::from_migrations(&set).map_err(|e| e.to_string())?;
    let mut failed = false;
    let mut reports = Vec::new();
    for block in blocks(&text) {
        let result = describe(&catalog, &block.sql).map_err(|errors| {
            errors.into_iter().map(|d| relocate(d, &shown, block.line)).collect::<Vec<_>>()
        });
        failed |= result.is_err();
        if as_json {
            reports.push(to_json(&block, &result, &shown));
        } else {
            print_text(&block, &result, &shown);
        }
    }
    if as_json {
        let text = serde_json::to_string_pretty(&Value::Array(reports)).unwrap_or_default();
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// sqlc's `-- name: X :one` blocks; without any, the whole input is one query.
fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.trim().strip_prefix("-- name:") {
            let name = rest.split_whitespace().next().unwrap_or("").to_string();
            out.push(Block { name, line: i + 2, sql: String::new() });
        } else if let Some(block) = out.last_mut() {
            block.sql.push_str(line);
            block.sql.push('\n');
        }
    }
    if out.is_empty() && !text.trim().is_empty() {
        out.push(Block { name: "query".into(), line: 1, sql: text.to_string() });
    }
    for block in &mut out {
        let trimmed = block.sql.trim_end().trim_end_matches(';').to_string();
        block.sql = trimmed;
    }
    out.retain(|b| !b.sql.trim().is_empty());
    out
}

/// A diagnostic located in the block, moved to the file's lines.
fn relocate(mut d: Diagnostic, file: &str, first_line: usize) -> Diagnostic {
    d.line += first_line - 1;
    d.in_file(file)
}

type Described = Result<strata_analyzer::QueryDescription, Vec<Diagnostic>>;

/// Prints one query's description; a closed pipe (`| head`) ends the output quietly.
fn print_text(block: &Block, result: &Described, file: &str) {
    let mut out = std::io::stdout().lock();
    let _ = write_text(&mut out, block, result, file);
}

fn write_text(out: &mut impl Write, block: &Block, result: &Described, file: &str) -> std::io::Result<()> {
    writeln!(out, "{} ({file}:{})", block.name, block.line)?;
    match result {
        Ok(d) => {
            for p in &d.params {
                let null = if p.nullable { "may be NULL" } else { "not null" };
                writeln!(out, "  ${:<3} {:<24} {null}", p.index, p.ty.to_string())?;
            }
            for c in &d.columns {
                let null = match (&c.why_nullable, c.nullable) {
                    (Some(why), true) => format!("null: {why}"),
                    (None, true) => "null".into(),
                    (_, false) => "not null".into(),
                };
                writeln!(out, "  {:<20} {:<24} {null}", c.name, c.ty.to_string())?;
            }
        }
        Err(errors) => {
            for e in errors {
                writeln!(out, "  {e}")?;
            }
        }
    }
    Ok(())
}

fn to_json(block: &Block, result: &Described, file: &str) -> Value {
    match result {
        Ok(d) => json!({
            "name": block.name,
            "file": file,
            "line": block.line,
            "params": d.params.iter().map(|p| json!({
                "index": p.index, "type": p.ty.to_string(), "nullable": p.nullable,
            })).collect::<Vec<_>>(),
            "columns": d.columns.iter().map(|c| json!({
                "name": c.name, "type": c.ty.to_string(), "nullable": c.nullable,
                "why_nullable": c.why_nullable,
            })).collect::<Vec<_>>(),
        }),
        Err(errors) => json!({
            "name": block.name,
            "file": file,
            "line": block.line,
            "errors": errors.iter().map(|e| json!({
                "file": file, "line": e.line, "column": e.column, "sqlstate": e.sqlstate,
                "message": e.message, "hint": e.hint,
            })).collect::<Vec<_>>(),
        }),
    }
}
