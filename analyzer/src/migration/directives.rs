//! Directives are comment lines at the top of a migration that change how it is applied.

use crate::Diagnostic;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Directives {
    /// Run the statements outside a transaction (needed for CREATE INDEX CONCURRENTLY and
    /// friends). Written `-- strata:no-transaction`; sqlx's `-- no-transaction` is accepted too.
    pub no_transaction: bool,
}

const KNOWN: &[&str] = &["no-transaction", "allow RULE reason"];

/// Reads directives from the leading comment lines; a misspelled `-- strata:` directive is an
/// error rather than silently ignored, since ignoring it would change how the file runs.
pub fn parse(text: &str) -> Result<Directives, Diagnostic> {
    let mut directives = Directives::default();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let start = offset;
        offset += line.len();
        if trimmed.is_empty() {
            continue;
        }
        let Some(comment) = trimmed.strip_prefix("--") else {
            break;
        };
        let comment = comment.trim();
        if comment == "no-transaction" {
            directives.no_transaction = true;
        } else if let Some(name) = comment.strip_prefix("strata:") {
            match name.trim() {
                "no-transaction" => directives.no_transaction = true,
                // Per statement, read by the lint (`lint::allow`).
                allow if allow.split_whitespace().next() == Some("allow") => {}
                other => {
                    let col = line.find("strata:").unwrap_or(0);
                    return Err(Diagnostic::error(format!("unknown directive \"strata:{other}\""))
                        .at(text, start + col)
                        .hint(format!("known directives: {}", KNOWN.join(", "))));
                }
            }
        }
    }
    Ok(directives)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_leading_directives_only() {
        assert!(
            parse("-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);").unwrap().no_transaction
        );
        assert!(parse("\n-- about this\n-- no-transaction\nselect 1").unwrap().no_transaction);
        assert!(!parse("select 1;\n-- strata:no-transaction\n").unwrap().no_transaction);
    }

    #[test]
    fn misspelled_directive_is_an_error_at_its_position() {
        let err = parse("-- hello\n-- strata:no-transactions\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 4));
        assert!(err.message.contains("strata:no-transactions"));
    }
}
