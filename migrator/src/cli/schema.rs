//! `strata schema [--unsupported]`: the schema the migrations build, as the analyzer replays it
//! (no database): tables and views with their columns, types and NOT NULL; with
//! `--unsupported`, every statement it could not model (DO blocks, dynamic SQL, unknown
//! extensions ...) with file:line:col, since queries over what they touch cannot be checked.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use strata_analyzer::catalog::Table;
use strata_analyzer::{Catalog, MigrationSet};

pub fn run(dir: &Path, unsupported: bool) -> Result<ExitCode, String> {
    let set = MigrationSet::load(dir).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("{} problem(s) in {}:\n{}", errors.len(), dir.display(), list.join("\n"))
    })?;
    for warning in &set.warnings {
        eprintln!("{warning}");
    }
    let catalog = Catalog::from_migrations(&set).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) ends the output quietly.
    let _ =
        if unsupported { write_unsupported(&mut out, &catalog) } else { write_schema(&mut out, &catalog) };
    Ok(ExitCode::SUCCESS)
}

fn write_unsupported(out: &mut impl Write, catalog: &Catalog) -> std::io::Result<()> {
    if catalog.unsupported.is_empty() {
        return writeln!(out, "every statement of the migrations is modelled");
    }
    for note in &catalog.unsupported {
        writeln!(out, "{note}")?;
    }
    writeln!(out, "{} statement(s) not modelled", catalog.unsupported.len())
}

fn write_schema(out: &mut impl Write, catalog: &Catalog) -> std::io::Result<()> {
    let write_relation = |out: &mut dyn Write, kind: &str, t: &Table| -> std::io::Result<()> {
        writeln!(out, "{kind} {}.{}", t.schema, t.name)?;
        for c in &t.columns {
            let null = if c.not_null { " not null" } else { "" };
            writeln!(out, "  {} {}{null}", c.name, c.ty)?;
        }
        Ok(())
    };
    for t in catalog.tables() {
        write_relation(out, "table", t)?;
    }
    for v in catalog.views() {
        write_relation(out, "view", v)?;
    }
    if !catalog.unsupported.is_empty() {
        writeln!(
            out,
            "({} statement(s) not modelled: strata schema --unsupported)",
            catalog.unsupported.len()
        )?;
    }
    Ok(())
}
