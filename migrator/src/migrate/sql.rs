//! SQL text the engine sends: literals that read the same whatever the session's settings, and
//! the session clean-up run after each migration.

use super::Allow;

/// A SQL string literal, correct whatever `standard_conforming_strings` says.
pub(crate) fn literal(s: &str) -> String {
    if s.contains('\\') {
        format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// A bytea literal that reads the same whatever `standard_conforming_strings` or search_path say.
pub(crate) fn bytea(bytes: &[u8]) -> String {
    format!("pg_catalog.decode('{}', 'hex')", hex(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A JSON string (quotes and escapes; the rest of Unicode as is).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A migration's allow comments as the `allowed jsonb` argument of strata.record / strata.finish:
/// `'[{"rule": ..., "reason": ..., "line": n}, ...]'::jsonb`, or NULL when it has none.
pub(crate) fn allowed(allows: &[Allow]) -> String {
    if allows.is_empty() {
        return "NULL".to_string();
    }
    let items: Vec<String> = allows
        .iter()
        .map(|a| {
            format!(
                "{{\"rule\": {}, \"reason\": {}, \"line\": {}}}",
                json_string(&a.rule),
                json_string(&a.reason),
                a.line
            )
        })
        .collect();
    format!("{}::pg_catalog.jsonb", literal(&format!("[{}]", items.join(", "))))
}

/// An optional value as a literal or NULL.
pub(crate) fn opt_literal(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_string(), literal)
}

/// `ARRAY[...]::type[]` of already-quoted elements.
pub(crate) fn array(elements: impl Iterator<Item = String>, element_type: &str) -> String {
    let items: Vec<String> = elements.collect();
    format!("ARRAY[{}]::{element_type}[]", items.join(","))
}

/// Undoes whatever session state a migration left: role, settings (search_path too), prepared
/// statements, cursors, listeners, advisory locks, sequences and temp objects. It runs inside the
/// migration's own transaction, before its ledger write: so the write runs as the session user with
/// default settings whatever the migration set, and behind PgBouncer the clean-up reaches the very
/// server connection the migration ran on. (DISCARD ALL would do all of it but cannot run inside a
/// transaction block.)
///
/// Not `DISCARD PLANS`: cached plans are no state a migration can leave behind (Postgres
/// invalidates them itself when what they depend on changes, and a plan is only reused under the
/// search_path it was made with), and dropping them made every ledger write re-plan each of its
/// queries, which cost more than the rest of the write together.
pub const CLEAN_SESSION: &str = "RESET ROLE;\nRESET SESSION AUTHORIZATION;\nRESET ALL;\n\
    DEALLOCATE ALL;\nCLOSE ALL;\nUNLISTEN *;\nSELECT pg_catalog.pg_advisory_unlock_all();\n\
    DISCARD SEQUENCES;\nDISCARD TEMP;\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_survive_quotes_and_backslashes() {
        assert_eq!(literal("add_users"), "'add_users'");
        assert_eq!(literal("o'brien"), "'o''brien'");
        assert_eq!(literal("a\\b'"), "E'a\\\\b'''");
        assert_eq!(opt_literal(None), "NULL");
        assert_eq!(bytea(&[0, 255]), "pg_catalog.decode('00ff', 'hex')");
    }

    #[test]
    fn allows_become_a_jsonb_array() {
        assert_eq!(allowed(&[]), "NULL");
        let allows = [
            Allow { rule: "index-not-concurrent".into(), reason: "10 rows".into(), line: 2 },
            Allow { rule: "unbounded-dml".into(), reason: "o'brien \"x\" a\\b\tc\u{1}".into(), line: 7 },
        ];
        // JSON escapes, then the SQL literal's (quotes doubled; an E'' literal doubles backslashes).
        assert_eq!(
            allowed(&allows),
            r#"E'[{"rule": "index-not-concurrent", "reason": "10 rows", "line": 2}, {"rule": "unbounded-dml", "reason": "o''brien \\"x\\" a\\\\b\\tc\\u0001", "line": 7}]'::pg_catalog.jsonb"#
        );
    }
}
