//! Directives are comment lines at the top of a migration that change how it is applied.

use std::time::Duration;

use crate::Diagnostic;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Directives {
    /// Run the statements outside a transaction (needed for CREATE INDEX CONCURRENTLY and
    /// friends). Written `-- strata:no-transaction`; sqlx's `-- no-transaction` is accepted too.
    pub no_transaction: bool,
    /// `-- strata:lock-timeout 5s`: the Postgres `lock_timeout` of every statement of this
    /// migration, instead of the one chosen by the lock each statement takes.
    pub lock_timeout: Option<Duration>,
    /// `-- strata:statement-timeout 10min`: the Postgres `statement_timeout` of every statement.
    pub statement_timeout: Option<Duration>,
}

const KNOWN: &[&str] =
    &["no-transaction", "lock-timeout DURATION", "statement-timeout DURATION", "allow RULE reason"];

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
                timeout
                    if timeout.starts_with("lock-timeout") || timeout.starts_with("statement-timeout") =>
                {
                    let (key, value) = timeout.split_once(char::is_whitespace).unwrap_or((timeout, ""));
                    let col = line.find(value.trim()).filter(|_| !value.trim().is_empty());
                    let parsed = parse_duration(value.trim()).map_err(|why| {
                        Diagnostic::error(format!("strata:{key}: {why}"))
                            .at(text, start + col.unwrap_or_else(|| line.find("strata:").unwrap_or(0)))
                            .hint(format!(
                                "write e.g. -- strata:{key} 5s (units: ms, s, min, h; 0 = no timeout)"
                            ))
                    })?;
                    match key {
                        "lock-timeout" => directives.lock_timeout = Some(parsed),
                        "statement-timeout" => directives.statement_timeout = Some(parsed),
                        _ => return Err(unknown(text, line, start, timeout)),
                    }
                }
                // Per statement, read by the lint (`lint::allow`).
                allow if allow.split_whitespace().next() == Some("allow") => {}
                other => return Err(unknown(text, line, start, other)),
            }
        }
    }
    Ok(directives)
}

fn unknown(text: &str, line: &str, start: usize, directive: &str) -> Diagnostic {
    let col = line.find("strata:").unwrap_or(0);
    Diagnostic::error(format!("unknown directive \"strata:{directive}\""))
        .at(text, start + col)
        .hint(format!("known directives: {}", KNOWN.join(", ")))
}

/// A duration as Postgres settings write it (`500ms`, `5s`, `10min`, `1h`, `1d`, also with a space
/// before the unit); a bare number is seconds. `0` means no timeout.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("\"{text}\" is not a duration"))?;
    let seconds = match unit.trim() {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => value,
        "ms" => value / 1000.0,
        "us" => value / 1_000_000.0,
        "min" | "mins" | "minute" | "minutes" => value * 60.0,
        "h" | "hour" | "hours" => value * 3600.0,
        "d" | "day" | "days" => value * 86400.0,
        other => return Err(format!("unknown unit \"{other}\" in \"{text}\"")),
    };
    if !seconds.is_finite() || seconds > 86400.0 * 365.0 {
        return Err(format!("\"{text}\" is too long"));
    }
    Ok(Duration::from_secs_f64(seconds))
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
    fn timeouts_are_read_with_their_units() {
        let d = parse("-- strata:lock-timeout 5s\n-- strata:statement-timeout 10min\nselect 1").unwrap();
        assert_eq!(d.lock_timeout, Some(Duration::from_secs(5)));
        assert_eq!(d.statement_timeout, Some(Duration::from_secs(600)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2 s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn a_bad_timeout_is_an_error_at_its_value() {
        let err = parse("-- strata:lock-timeout 5 parsecs\nselect 1").unwrap_err();
        assert_eq!((err.line, err.column), (1, 24));
        assert!(err.message.contains("unknown unit \"parsecs\""), "{}", err.message);
        let err = parse("-- strata:statement-timeout\nselect 1").unwrap_err();
        assert!(err.message.contains("is not a duration"), "{}", err.message);
        assert!(parse("-- strata:lock-timeouts 5s\n").unwrap_err().message.contains("unknown directive"));
    }

    #[test]
    fn misspelled_directive_is_an_error_at_its_position() {
        let err = parse("-- hello\n-- strata:no-transactions\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 4));
        assert!(err.message.contains("strata:no-transactions"));
    }
}
