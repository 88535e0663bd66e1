//! Running one migration file without the ledger, statement by statement, with any failure
//! located at its file, line and column. Used where strata owns a throwaway database
//! (`strata test`, `strata explain`), so the extension's history is not needed.

use std::fmt;
use std::path::Path;

use strata_analyzer::Statement;

/// One SQL file with its statements split by the Postgres parser.
#[derive(Clone, Copy)]
pub struct Script<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub statements: &'a [Statement],
}

impl<'a> Script<'a> {
    pub fn of(file: &'a strata_analyzer::migration::SqlFile) -> Self {
        Script { path: &file.path, text: &file.text, statements: &file.statements }
    }
}

#[derive(Debug, Clone)]
pub struct ApplyError {
    /// `file:line:col: error: message (SQLSTATE …)`.
    pub diagnostic: strata_analyzer::Diagnostic,
    /// How many statements ran before the failing one (they stay applied outside a transaction).
    pub statements_done: usize,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.diagnostic;
        if let Some(file) = &d.file {
            write!(f, "{}:", file.display())?;
        }
        write!(f, "{}:{}: {}", d.line, d.column, d.message)
    }
}

/// Runs the statements one by one on `client`, in whatever transaction it has open (or none).
/// One round trip per statement, as `psql -f` does, and the failing one is exactly known.
pub fn execute(client: &mut postgres::Client, script: Script<'_>) -> Result<(), ApplyError> {
    for (done, statement) in script.statements.iter().enumerate() {
        let text = statement.text(script.text);
        if let Err(e) = client.batch_execute(text) {
            let (message, inner) = match e.as_db_error() {
                Some(db) => {
                    let inner = match db.position() {
                        Some(postgres::error::ErrorPosition::Original(p)) => (*p as usize).saturating_sub(1),
                        _ => 0,
                    };
                    (format!("{} (SQLSTATE {})", db.message(), db.code().code()), inner)
                }
                None => (e.to_string(), 0),
            };
            let offset = statement.offset + char_to_byte(text, inner);
            let diagnostic =
                strata_analyzer::Diagnostic::error(message).in_file(script.path).at(script.text, offset);
            return Err(ApplyError { diagnostic, statements_done: done });
        }
    }
    Ok(())
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

/// One up migration, in its own transaction unless it says `-- strata:no-transaction`.
pub fn apply_up(client: &mut postgres::Client, m: &strata_analyzer::Migration) -> Result<(), String> {
    let script = Script::of(&m.up);
    if m.directives.no_transaction {
        return execute(client, script).map_err(|e| e.to_string());
    }
    client.batch_execute("BEGIN").map_err(|e| e.to_string())?;
    if let Err(e) = execute(client, script) {
        let _ = client.batch_execute("ROLLBACK");
        return Err(e.to_string());
    }
    client
        .batch_execute("COMMIT")
        .map_err(|e| format!("{}: COMMIT fails: {}", m.up.path.display(), super::scratch::db_message(&e)))
}
