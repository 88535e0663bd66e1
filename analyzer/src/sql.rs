//! The one place that calls Postgres's parser: statements with their byte spans, and syntax
//! errors with a position (libpg_query reports the position, but pg_query.rs drops it).

use pg_query::NodeEnum;

/// One top-level statement of a script.
#[derive(Debug, Clone)]
pub struct Statement {
    pub node: NodeEnum,
    /// Byte offset of the statement's first token in the script.
    pub offset: usize,
    /// Byte length of the statement, without the terminating semicolon.
    pub len: usize,
}

impl Statement {
    pub fn text<'a>(&self, script: &'a str) -> &'a str {
        script.get(self.offset..self.offset + self.len).unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Byte offset of the token where parsing failed.
    pub offset: usize,
}

/// Parses a script of any number of statements.
pub fn parse_script(script: &str) -> Result<Vec<Statement>, SyntaxError> {
    parse(script, true)
}

/// Parses a query's text; statement offsets are left as the parser reports them (a query's
/// diagnostics use node positions), which saves a scan of the text.
pub(crate) fn parse_query(sql: &str) -> Result<Vec<Statement>, SyntaxError> {
    parse(sql, false)
}

fn parse(script: &str, exact_offsets: bool) -> Result<Vec<Statement>, SyntaxError> {
    if script.contains('\0') {
        let offset = script.find('\0').unwrap_or(0);
        return Err(SyntaxError { message: "the file contains a NUL byte".into(), offset });
    }
    let parsed = pg_query::parse(script, 0).map_err(|e| syntax_error(script, e))?;
    let mut statements = Vec::with_capacity(parsed.protobuf.stmts.len());
    for raw in parsed.protobuf.stmts {
        let Some(node) = raw.stmt.and_then(|n| n.node) else {
            continue;
        };
        let offset = usize::try_from(raw.stmt_location).unwrap_or(0);
        let len = match usize::try_from(raw.stmt_len) {
            // 0 means "to the end of the script".
            Ok(0) | Err(_) => script.len() - offset,
            Ok(len) => len,
        };
        let (offset, len) =
            if exact_offsets { skip_leading_trivia(script, offset, len) } else { (offset, len) };
        statements.push(Statement { node, offset, len });
    }
    Ok(statements)
}

/// Postgres before 18 pointed `stmt_location` at the whitespace after the previous `;`; move
/// to the first token so positions are right on either behaviour.
fn skip_leading_trivia(script: &str, offset: usize, len: usize) -> (usize, usize) {
    let text = &script[offset..offset + len];
    match pg_query::scan(text) {
        Ok(scan) => {
            let first = scan.tokens.iter().find(|t| {
                !matches!(
                    t.token(),
                    pg_query::protobuf::Token::SqlComment | pg_query::protobuf::Token::CComment
                )
            });
            let skip = first.map_or(0, |t| usize::try_from(t.start).unwrap_or(0));
            (offset + skip, len - skip)
        }
        Err(_) => (offset, len),
    }
}

fn syntax_error(script: &str, error: pg_query::Error) -> SyntaxError {
    let message = match error {
        pg_query::Error::Parse(m) => m,
        other => other.to_string(),
    };
    SyntaxError { offset: error_offset(script, &message), message }
}

/// The parser fails on the first token that cannot continue the grammar, so a prefix of the
/// script fails "at or near" that token only once it includes it: binary search for the
/// shortest such prefix.
fn error_offset(script: &str, message: &str) -> usize {
    let Ok(scan) = pg_query::scan(script) else {
        // The scanner itself failed (unterminated string, comment or $$ body): the message
        // quotes the rest of the input from where the bad token starts.
        return near_text(message).and_then(|near| script.rfind(near)).unwrap_or(0);
    };
    let ends: Vec<(usize, usize)> = scan
        .tokens
        .iter()
        .map(|t| (usize::try_from(t.start).unwrap_or(0), usize::try_from(t.end).unwrap_or(0)))
        .collect();
    if ends.is_empty() || message.contains("at end of input") {
        return script.trim_end().len();
    }
    let fails_here = |i: usize| match pg_query::parse(&script[..ends[i].1], 0) {
        Ok(_) => false,
        Err(pg_query::Error::Parse(m)) => !m.contains("at end of input"),
        Err(_) => true,
    };
    let (mut low, mut high) = (0, ends.len() - 1);
    if !fails_here(high) {
        return 0;
    }
    while low < high {
        let mid = (low + high) / 2;
        if fails_here(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    ends[low].0
}

/// `... at or near "X"` → `X`.
fn near_text(message: &str) -> Option<&str> {
    let start = message.find("at or near \"")? + "at or near \"".len();
    let rest = &message[start..];
    rest.rfind('"').map(|end| &rest[..end]).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_carry_their_spans() {
        let script = "-- users\nCREATE TABLE a (id int);\n\n  /* b */ SELECT 1";
        let stmts = parse_script(script).unwrap();
        assert_eq!(stmts.len(), 2);
        assert_eq!(stmts[0].text(script), "CREATE TABLE a (id int)");
        assert_eq!(stmts[1].text(script), "SELECT 1");
    }

    #[test]
    fn syntax_errors_point_at_the_offending_token() {
        let script = "CREATE TABLE a (id int);\nSELECT id FORM a;\n";
        let err = parse_script(script).unwrap_err();
        assert!(err.message.contains("syntax error at or near \"a\""), "{}", err.message);
        assert_eq!(&script[err.offset..err.offset + 1], "a");
        assert_eq!(err.offset, script.rfind("a;").unwrap());
    }

    #[test]
    fn unterminated_statement_points_at_the_end() {
        let script = "CREATE TABLE a (id int";
        let err = parse_script(script).unwrap_err();
        assert_eq!(err.offset, script.len());
    }

    #[test]
    fn scanner_errors_are_located_too() {
        let script = "CREATE TABLE a (id int);\nINSERT INTO a VALUES ('x);\n";
        let err = parse_script(script).unwrap_err();
        assert!(err.message.contains("unterminated quoted string"), "{}", err.message);
        assert_eq!(err.offset, script.find("'x").unwrap());
    }

    #[test]
    fn nul_bytes_are_rejected_not_a_panic() {
        assert!(parse_script("select 1;\0").is_err());
    }
}
