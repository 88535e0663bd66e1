//! CREATE INDEX without CONCURRENTLY on an existing table.

use pg_query::NodeEnum;

use crate::catalog::index::key;
use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "index-not-concurrent",
    severity: Severity::Error,
    summary: "CREATE INDEX without CONCURRENTLY on an existing table",
    why: "A plain CREATE INDEX holds a SHARE lock on the table for the whole build: every INSERT, \
          UPDATE and DELETE waits, for minutes on a large table.",
    help: "use CREATE INDEX CONCURRENTLY in a migration that starts with -- strata:no-transaction",
    bad: "CREATE INDEX users_email ON users (email);",
    good: "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    let NodeEnum::IndexStmt(s) = &ctx.statement.node else { return vec![] };
    let Some(rv) = &s.relation else { return vec![] };
    let table = key(rv);
    if s.concurrent || !ctx.existing(&table) {
        return vec![];
    }
    let message = format!(
        "CREATE INDEX locks {} against writes (SHARE) until the index is built",
        display_table(&table)
    );
    vec![ctx.finding(Some(&table), message)]
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn existing_table() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "CREATE INDEX users_org ON users (org_id);"
        ));
    }

    #[test]
    fn concurrent_or_new_table() {
        let id = super::RULE.id;
        lint_ok(
            id,
            HISTORY,
            "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_org ON users (org_id);",
        );
        lint_ok(id, HISTORY, "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);");
        lint_ok(
            id,
            HISTORY,
            "-- strata:allow index-not-concurrent users has 12 rows\nCREATE INDEX u ON users (org_id);",
        );
    }
}
