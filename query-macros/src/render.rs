//! Compile errors about a query's SQL: the message, then the line of SQL with a caret, since a
//! stable proc-macro cannot point inside a string literal.

use strata_analyzer::{Diagnostic, LineIndex};

pub fn query_error(sql: &str, d: &Diagnostic) -> String {
    let index = LineIndex::new(sql);
    let line = index.line_text(d.line);
    let code = d.sqlstate.map(|c| format!(" (SQLSTATE {c})")).unwrap_or_default();
    let mut text = format!(
        "{}{code}\n  --> query line {}, column {}\n   |\n   | {line}\n   | ",
        d.message, d.line, d.column
    );
    let pad: String =
        line.chars().take(d.column.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    text.push_str(&pad);
    text.push('^');
    if let Some(hint) = &d.hint {
        text.push_str(&format!("\n   = hint: {hint}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_column() {
        let sql = "SELECT id,\n  nme FROM users";
        let d = Diagnostic::error("column \"nme\" does not exist")
            .at(sql, sql.find("nme").unwrap())
            .hint("did you mean \"name\"?");
        assert_eq!(
            query_error(sql, &d),
            "column \"nme\" does not exist\n  --> query line 2, column 3\n   |\n   |   nme FROM users\n   |   ^\n   = hint: did you mean \"name\"?"
        );
    }
}
