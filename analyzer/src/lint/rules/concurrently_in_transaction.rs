//! CONCURRENTLY in a migration that runs in a transaction.

use crate::lint::{Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "concurrently-in-transaction",
    severity: Severity::Error,
    summary: "CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY or VACUUM in a transactional migration",
    why: "Postgres refuses these inside a transaction block, and strata runs each migration \
          in one unless told otherwise: the migration fails on every database.",
    help: "start the migration with -- strata:no-transaction (and keep the statement alone in it)",
    bad: "CREATE INDEX CONCURRENTLY users_email ON users (email);",
    good: "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    if !ctx.effect.concurrently || !ctx.in_transaction() {
        return vec![];
    }
    let what = if matches!(ctx.statement.node, pg_query::NodeEnum::VacuumStmt(_)) {
        "VACUUM"
    } else {
        "CONCURRENTLY"
    };
    vec![ctx.finding(None, format!("{what} cannot run inside the transaction strata runs this migration in"))]
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn in_a_transaction() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "CREATE INDEX CONCURRENTLY u ON users (org_id);"
        ));
    }

    #[test]
    fn with_the_directive() {
        lint_ok(
            super::RULE.id,
            HISTORY,
            "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY u ON users (org_id);",
        );
    }
}
