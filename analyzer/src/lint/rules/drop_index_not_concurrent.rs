//! DROP INDEX without CONCURRENTLY on an existing table's index.

use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

use crate::lint::{display_table, locks::LockMode, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "drop-index-not-concurrent",
    severity: Severity::Error,
    summary: "DROP INDEX without CONCURRENTLY on an existing table",
    why: "DROP INDEX takes ACCESS EXCLUSIVE on the index's table: it waits behind every running \
          query on the table, and every query that arrives meanwhile waits behind it.",
    help: "use DROP INDEX CONCURRENTLY in a migration that starts with -- strata:no-transaction",
    bad: "DROP INDEX users_email;",
    good: "-- strata:no-transaction\nDROP INDEX CONCURRENTLY users_email;",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    let NodeEnum::DropStmt(s) = &ctx.statement.node else { return vec![] };
    if s.remove_type() != ObjectType::ObjectIndex || s.concurrent {
        return vec![];
    }
    ctx.effect
        .locks
        .iter()
        .filter(|l| l.mode == LockMode::AccessExclusive && ctx.existing(&l.table))
        .map(|l| {
            let message = format!(
                "DROP INDEX takes ACCESS EXCLUSIVE on {}: reads and writes wait",
                display_table(&l.table)
            );
            ctx.finding(Some(&l.table), message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn existing_table() {
        insta::assert_snapshot!(lint_errors(super::RULE.id, HISTORY, "DROP INDEX users_email;"));
    }

    #[test]
    fn concurrent_or_new_table() {
        let id = super::RULE.id;
        lint_ok(id, HISTORY, "-- strata:no-transaction\nDROP INDEX CONCURRENTLY users_email;");
        lint_ok(id, HISTORY, "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nDROP INDEX t_a;");
    }
}
