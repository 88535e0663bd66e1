//! Where in its file a migration failed, and what the server said.

use super::error::describe;
use super::{MigrateError, Migration};

/// Each statement with its byte offset in the migration; statements may repeat, so each is
/// searched after the previous one.
pub(crate) fn statement_offsets(m: &Migration) -> Vec<(usize, &str)> {
    let mut search_from = 0;
    m.statements
        .iter()
        .map(|statement| {
            let offset =
                m.sql[search_from..].find(statement.as_ref()).map_or(search_from, |i| search_from + i);
            search_from = offset + statement.len();
            (offset, statement.as_ref())
        })
        .collect()
}

/// `file_char`: from a (0-based) character position in the text the engine sent to one in the file.
pub(crate) fn failure(
    m: &Migration,
    e: tokio_postgres::Error,
    file_char: impl Fn(usize) -> usize,
) -> MigrateError {
    let at = match e.as_db_error().and_then(|db| db.position()) {
        Some(tokio_postgres::error::ErrorPosition::Original(p)) => {
            let offset = char_to_byte(&m.sql, file_char((*p as usize).saturating_sub(1)));
            position_text(&m.sql, offset)
        }
        _ => String::new(),
    };
    MigrateError::Failed {
        version: m.version,
        name: m.name.to_string(),
        at,
        message: describe(&e),
        transactional: m.transactional,
        source: e,
    }
}

impl MigrateError {
    pub(crate) fn has_position(&self) -> bool {
        matches!(self, MigrateError::Failed { at, .. } if !at.is_empty())
    }

    /// For statements run one by one: positions are relative to the statement.
    pub(crate) fn at_offset(mut self, m: &Migration, statement_offset: usize) -> Self {
        if let MigrateError::Failed { at, source, .. } = &mut self {
            let inner = match source.as_db_error().and_then(|d| d.position()) {
                Some(tokio_postgres::error::ErrorPosition::Original(p)) => (*p as usize).saturating_sub(1),
                _ => 0,
            };
            let tail = &m.sql[statement_offset..];
            *at = position_text(&m.sql, statement_offset + char_to_byte(tail, inner));
        }
        self
    }

    /// The server's message and SQLSTATE, for the failure event in strata.log.
    pub(crate) fn message_and_sqlstate(&self) -> (String, Option<String>) {
        match self {
            MigrateError::Failed { source, .. } => match source.as_db_error() {
                Some(db) => (db.message().to_string(), Some(db.code().code().to_string())),
                None => (source.to_string(), None),
            },
            MigrateError::Blocked { source, attempts, blockers, .. } => {
                let mut message = format!("{} after {attempts} attempt(s)", describe(source));
                for b in blockers {
                    message.push_str(&format!("; blocked by {b}"));
                }
                (message, source.code().map(|c| c.code().to_string()))
            }
            other => (other.to_string(), None),
        }
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

pub(crate) fn position_text(sql: &str, offset: usize) -> String {
    let before = &sql[..offset.min(sql.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(" at line {line}, column {column}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_lines_and_columns() {
        let sql = "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN é int, ADD x;";
        assert_eq!(position_text(sql, 0), " at line 1, column 1");
        assert_eq!(position_text(sql, sql.find("ADD x").unwrap()), " at line 2, column 33");
        assert_eq!(char_to_byte("éa", 1), 2);
    }
}
