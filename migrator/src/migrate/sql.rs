//! SQL text the engine sends: literals that read the same whatever the session's settings, and
//! the session clean-up run after each migration.

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
}
