//! Statements that cannot run inside a transaction block: in a migration without
//! `-- strata:no-transaction` they would fail only when the server runs them (after every
//! statement before them ran and was rolled back), so they are reported up front.

use pg_query::NodeEnum;

use crate::sql::Statement;

/// What the statement is, if Postgres refuses to run it in a transaction block.
fn refused_in_transaction(node: &NodeEnum) -> Option<&'static str> {
    match node {
        NodeEnum::IndexStmt(s) if s.concurrent => Some("CREATE INDEX CONCURRENTLY"),
        NodeEnum::DropStmt(s) if s.concurrent => Some("DROP INDEX CONCURRENTLY"),
        NodeEnum::VacuumStmt(s) if s.is_vacuumcmd => Some("VACUUM"),
        NodeEnum::ReindexStmt(s)
            if s.params.iter().any(|p| {
                matches!(&p.node, Some(NodeEnum::DefElem(d)) if d.defname.eq_ignore_ascii_case("concurrently"))
            }) =>
        {
            Some("REINDEX CONCURRENTLY")
        }
        NodeEnum::CreatedbStmt(_) => Some("CREATE DATABASE"),
        NodeEnum::DropdbStmt(_) => Some("DROP DATABASE"),
        NodeEnum::AlterSystemStmt(_) => Some("ALTER SYSTEM"),
        NodeEnum::CreateTableSpaceStmt(_) => Some("CREATE TABLESPACE"),
        NodeEnum::DropTableSpaceStmt(_) => Some("DROP TABLESPACE"),
        _ => None,
    }
}

/// The first statement of a transactional migration that needs the directive: its offset and
/// what is wrong. `ALTER TYPE … ADD VALUE` runs in a transaction, but the new value cannot be
/// used before that transaction commits, so it counts only when a later statement uses it.
pub(crate) fn first_problem(text: &str, statements: &[Statement]) -> Option<(usize, String)> {
    for (i, statement) in statements.iter().enumerate() {
        if let Some(what) = refused_in_transaction(&statement.node) {
            return Some((statement.offset, format!("{what} cannot run inside a transaction block")));
        }
        if let NodeEnum::AlterEnumStmt(s) = &statement.node {
            if s.new_val.is_empty() {
                continue;
            }
            let quoted = format!("'{}'", s.new_val.replace('\'', "''"));
            if statements[i + 1..].iter().any(|later| later.text(text).contains(&quoted)) {
                return Some((
                    statement.offset,
                    format!(
                        "the enum value {quoted} added here is used later in the same migration, which \
                         Postgres refuses inside one transaction (unsafe use of new value)"
                    ),
                ));
            }
        }
    }
    None
}
