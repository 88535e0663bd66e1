//! `-- strata:allow RULE reason`: silences one rule for the statement that follows the comment.
//! The reason is required (it is what a reviewer reads, and what the ledger records when the
//! migration is applied).

/// One allow comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    pub rule: String,
    pub reason: String,
    /// Byte offset of the comment in the file.
    pub offset: usize,
}

const MARKER: &str = "strata:allow";

/// Every allow comment of a file, from the SQL scanner's comment tokens (so `--` inside a string
/// is not one).
pub fn parse(text: &str) -> Vec<Allow> {
    let Ok(scan) = pg_query::scan(text) else {
        return vec![];
    };
    scan.tokens
        .iter()
        .filter(|t| {
            matches!(t.token(), pg_query::protobuf::Token::SqlComment | pg_query::protobuf::Token::CComment)
        })
        .filter_map(|t| {
            let start = usize::try_from(t.start).ok()?;
            let end = usize::try_from(t.end).ok()?;
            let comment = text.get(start..end)?;
            let at = comment.find(MARKER)?;
            let rest = comment[at + MARKER.len()..].trim_end_matches("*/").trim();
            let (rule, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            Some(Allow { rule: rule.to_string(), reason: reason.trim().to_string(), offset: start + at })
        })
        .collect()
}

/// The allows that apply to each statement: those after the previous statement's start and
/// before this one's. `starts` are the statements' offsets in order; the result is parallel.
pub fn by_statement(allows: &[Allow], starts: &[usize]) -> Vec<Vec<Allow>> {
    let mut result = vec![Vec::new(); starts.len()];
    for allow in allows {
        if let Some(i) = starts.iter().position(|&s| s > allow.offset) {
            result[i].push(allow.clone());
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_attach_to_the_next_statement() {
        let text = "-- strata:allow index-not-concurrent the table has 10 rows\nCREATE INDEX i ON t (a);\n\
                    SELECT '-- strata:allow x y';\n/* strata:allow unbounded-dml backfill */ UPDATE t SET a = 1;";
        let allows = parse(text);
        assert_eq!(allows.len(), 2, "{allows:?}");
        assert_eq!(allows[0].rule, "index-not-concurrent");
        assert_eq!(allows[0].reason, "the table has 10 rows");
        assert_eq!(allows[1].rule, "unbounded-dml");
        assert_eq!(allows[1].reason, "backfill");
        let starts: Vec<usize> = crate::parse_script(text).unwrap().iter().map(|s| s.offset).collect();
        let per = by_statement(&allows, &starts);
        assert_eq!(per[0].len(), 1);
        assert!(per[1].is_empty());
        assert_eq!(per[2][0].rule, "unbounded-dml");
    }
}
