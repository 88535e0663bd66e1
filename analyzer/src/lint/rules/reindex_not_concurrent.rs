//! REINDEX without CONCURRENTLY.

use pg_query::NodeEnum;

use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "reindex-not-concurrent",
    severity: Severity::Error,
    summary: "REINDEX without CONCURRENTLY on an existing table",
    why: "REINDEX blocks writes to the table (SHARE) and locks each index ACCESS EXCLUSIVE, so \
          queries that would use it wait, for as long as the rebuild takes.",
    help: "use REINDEX ... CONCURRENTLY in a migration that starts with -- strata:no-transaction",
    bad: "REINDEX TABLE users;",
    good: "-- strata:no-transaction\nREINDEX TABLE CONCURRENTLY users;",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    if !matches!(ctx.statement.node, NodeEnum::ReindexStmt(_)) || ctx.effect.concurrently {
        return vec![];
    }
    ctx.effect
        .locks
        .iter()
        .filter(|l| ctx.existing(&l.table))
        .map(|l| {
            ctx.finding(
                Some(&l.table),
                format!("REINDEX blocks writes to {} while it rebuilds", display_table(&l.table)),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn plain_reindex() {
        insta::assert_snapshot!(lint_errors(super::RULE.id, HISTORY, "REINDEX INDEX users_email;"));
    }

    #[test]
    fn concurrent() {
        lint_ok(super::RULE.id, HISTORY, "-- strata:no-transaction\nREINDEX TABLE CONCURRENTLY users;");
    }
}
